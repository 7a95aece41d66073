"""``peerdesk check``: is the database file whole, consistent and its audit trail unbroken?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from peerdesk.core.audit import TRAIL_KEY
from peerdesk.core.audit_anchor import Anchor
from peerdesk.core.audit_check import HeldLine, verify_trail
from peerdesk.core.db import Database
from peerdesk.core.models import Preference
from peerdesk.core.views import FTS_TABLES


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def run_checks(
    db: Database, anchor: Anchor | None = None, held: Sequence[HeldLine] = ()
) -> list[CheckResult]:
    """SQLite's integrity and foreign-key checks, the text indexes, and the audit trail
    (held to ``anchor``, the newest line this PC saw written, and to the lines the house's
    backups hold: :func:`held_by_backups`)."""
    results: list[CheckResult] = []
    connection = db.raw_connection()
    try:
        rows = [r[0] for r in connection.execute("PRAGMA integrity_check").fetchall()]
        results.append(
            CheckResult(
                "integrity", rows == ["ok"], "ok" if rows == ["ok"] else "; ".join(rows[:5])
            )
        )
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        results.append(
            CheckResult(
                "foreign keys",
                not problems,
                "ok"
                if not problems
                else f"{len(problems)} row(s) point at records that do not exist, first in "
                f"{problems[0][0]}",
            )
        )
        broken = []
        for fts in FTS_TABLES.values():
            try:
                connection.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
            except Exception as exc:  # sqlite3 reports a corrupt index as an error
                broken.append(f"{fts}: {exc}")
        results.append(
            CheckResult("search index", not broken, "ok" if not broken else "; ".join(broken))
        )
    finally:
        connection.close()
    with db.read() as s:
        report = verify_trail(s, anchor, held)
    if report.ok:
        detail = f"ok ({report.lines} lines)"
    else:
        detail = "; ".join(p.message for p in report.problems[:5])
        if len(report.problems) > 5:
            detail += f" (and {len(report.problems) - 5} more)"
        detail += f". {report.whole_until()}"
    results.append(CheckResult("audit trail", report.ok, detail))
    return results


def held_by_backups(db: Database, folder: Path) -> list[HeldLine]:
    """The trail's last line as each backup in ``folder`` made from this very trail holds it
    (not another copy of the house, nor the trail a restore replaced)."""
    from peerdesk.core.backup import trail_held_by_backups

    with db.read() as s:
        trail = s.get(Preference, TRAIL_KEY)
    if trail is None or not folder.is_dir():
        return []
    return trail_held_by_backups(folder, trail.value)
