"""What the reliability tests tried, counted as they go, and printed at the end of the run.

A test calls :func:`tally` once per hostile thing it tried and saw handled (a damaged backup
refused, a kill survived, a hostile input answered with one sentence, a tampering caught).
The run's last lines say the totals, so the README's reliability figures come from a run,
not from memory.
"""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()

# The order and words of the summary.
KINDS = (
    "damaged or hostile backup files refused",
    "backups and restores killed, nothing lost",
    "full, busy or vanishing drives answered",
    "hostile inputs answered with one sentence",
    "audit trail tamperings caught",
    "de-identified summaries solved, no hidden count worked out",
)


def tally(kind: str, n: int = 1) -> None:
    assert kind in KINDS, kind
    COUNTS[kind] += n


def summary() -> list[str]:
    return [f"{COUNTS[kind]:>7,}  {kind}" for kind in KINDS if COUNTS[kind]]
