"""PeerDesk's benchmark: is year ten as quick as day one? (see tests/benchmarks/README.md)

    .venv/bin/python tests/benchmarks/run.py [--quick] [--json FILE] [--runs N] [--cache DIR]

Builds (once a day, cached outside the repository) the 10-year, 100-bed demo house and a
1-year one, measures every metric on both, run by run in pairs (one round on the big house,
then one on the small, as many rounds as runs), and prints one table for the 10-year house —
median, baseline measured in the same run on the same data, ratio, target, pass or miss —
then how each metric grows from the 1-year to the 10-year house. ``--json FILE`` writes the
10-year figures as one JSON object keyed by metric name. ``--quick`` uses a small house and
two runs (a minute or so). The exit status is 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder is on the path but the repository root is not.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tests.benchmarks import metrics
from tests.benchmarks.houses import House, HouseSpec, cached_house, default_cache_dir
from tests.benchmarks.metrics import Metric, shown

Say = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """Which houses to build and how many runs each metric gets."""

    big: HouseSpec
    small: HouseSpec
    runs: int
    memory_runs: int
    cache_dir: Path


FULL = Settings(HouseSpec(100, 10), HouseSpec(100, 1), 5, 3, default_cache_dir())
QUICK = Settings(HouseSpec(12, 1), HouseSpec(12, 0.1), 2, 1, default_cache_dir())


@dataclass(frozen=True)
class HouseResult:
    house: House
    metrics: list[Metric]

    def metric(self, key: str) -> Metric:
        for metric in self.metrics:
            if metric.key == key:
                return metric
        raise KeyError(key)


@dataclass(frozen=True)
class SuiteResult:
    settings: Settings
    big: HouseResult
    small: HouseResult
    started: dt.datetime
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def _load() -> tuple[float, float, float]:
    return os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)


def measure_house(
    house: House, runs: int, memory_runs: int, work: Path, pycache: Path, say: Say
) -> list[Metric]:
    """Every metric on one house, in the order of the table."""
    say(f"  the {house.spec.label} house …")
    found: list[Metric] = []

    def step(label: str, measure: Callable[[], Metric | list[Metric]]) -> None:
        say(f"  {label}")
        result = measure()
        found.extend(result if isinstance(result, list) else [result])

    step("cold start", lambda: metrics.measure_cold_start(house, work, runs, pycache))
    bench = metrics.WindowBench(house, work / "window")
    step("open Sessions", lambda: metrics.measure_open_sessions(bench, runs))
    step("sort Sessions", lambda: metrics.measure_sort_sessions(bench, runs))
    step("search Sessions", lambda: metrics.measure_search_sessions(bench, runs))
    step("the window's thread", lambda: metrics.measure_window_held(bench, runs))
    step("save a session", lambda: metrics.measure_save_session(house, work, runs))
    step("roster PDF", lambda: metrics.measure_roster(house, work, runs))
    step("outcome summary PDF", lambda: metrics.measure_outcomes(house, work, runs))
    step("backup and restore", lambda: metrics.measure_backups(house, work, runs))
    if memory_runs:
        step("peak memory", lambda: metrics.measure_peak_memory(house, work, memory_runs, pycache))
    return found


def run_suite(settings: Settings, say: Say = print) -> SuiteResult:
    started = dt.datetime.now().astimezone()
    load_before = _load()
    big = cached_house(settings.big, settings.cache_dir, say=say)
    small = cached_house(settings.small, settings.cache_dir, say=say)
    pycache = settings.cache_dir / "pycache"
    work = Path(tempfile.mkdtemp(prefix="peerdesk-bench-"))
    found: dict[HouseSpec, list[Metric]] = {big.spec: [], small.spec: []}
    try:
        # Run by run in pairs, the big house then the small one, so that a busy spell of the
        # machine falls on both and the growth between them is not the machine's drift.
        for round_ in range(settings.runs):
            for house in (big, small):
                folder = work / f"{house.spec.stem}-{round_}"
                memory = 1 if round_ < settings.memory_runs else 0
                say(f"Round {round_ + 1} of {settings.runs}")
                m = measure_house(house, 1, memory, folder, pycache, say)
                found[house.spec] = merged(found[house.spec], m)
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return SuiteResult(
        settings,
        HouseResult(big, found[big.spec]),
        HouseResult(small, found[small.spec]),
        started,
        load_before,
        _load(),
    )


def merged(so_far: list[Metric], more: list[Metric]) -> list[Metric]:
    """Each metric's samples (and their CPU times) of this round added to the earlier ones'."""
    if not so_far:
        return more
    by_key = {m.key: m for m in more}
    for metric in so_far:
        new = by_key.get(metric.key)
        if new is None:  # peak memory, measured in fewer rounds
            continue
        for mine, theirs in ((metric.samples, new.samples),
                             (metric.baseline_samples, new.baseline_samples)):  # fmt: skip
            mine.extend(theirs)
            cpu = getattr(mine, "cpu", None)
            if cpu is not None:
                cpu.extend(getattr(theirs, "cpu", []))
        metric.notes = new.notes  # the last round's breakdown
    return so_far


# --------------------------------------------------------------------------- the report


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[n]) for row in rows) for n in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if n == 0 else cell.rjust(width)
            for n, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return lines


def _verdict(metric: Metric) -> str:
    passed = metric.passed
    return "—" if passed is None else ("pass" if passed else "MISS")


def _house_line(house: House) -> str:
    return (
        f"{house.spec.label} demo house (seed {house.spec.seed}): {house.residents:,} residents, "
        f"{house.sessions:,} sessions, {house.attendances:,} attendances, "
        f"{house.size_mb:.1f} MB"
    )


def machine_line(result: SuiteResult) -> str:
    before = " ".join(f"{x:.2f}" for x in result.load_before)
    after = " ".join(f"{x:.2f}" for x in result.load_after)
    return (
        f"{result.started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, load average "
        f"{before} before and {after} after (1, 5, 15 min), Python {sys.version.split()[0]}, "
        f"{sys.platform}"
    )


def metric_table(result: HouseResult) -> list[str]:
    rows = [["metric", "median", "CPU", "baseline", "its CPU", "ratio", "target", "result"]]
    for m in result.metrics:
        rows.append(
            [
                m.label,
                shown(m.median, m.unit),
                shown(m.cpu, m.unit),
                shown(m.baseline, m.unit),
                shown(m.baseline_cpu, m.unit),
                "—" if m.ratio is None else f"{m.ratio:.2f}×",
                m.target.describe(m.unit),
                _verdict(m),
            ]
        )
    return _columns(rows)


def growth(small: Metric, big: Metric, data: float) -> tuple[float, str]:
    """How many times the 10-year median is the 1-year one, and whether that is as expected.

    Window metrics should stay flat (within 1.5×, the noise of a shared PC); exports and
    backups may grow with the database, no faster (within 1.25× of the data's growth).
    """
    times = big.median / small.median if small.median else float("inf")
    if big.growth == "flat":
        return times, "flat, as expected" if times <= 1.5 else "GROWS (should stay flat)"
    ok = times <= max(1.5, data * 1.25)
    return times, "at most linear, as expected" if ok else "FASTER than the data"


def growth_table(result: SuiteResult) -> list[str]:
    small, big = result.small, result.big
    data = big.house.size_mb / small.house.size_mb
    rows = [["metric", small.house.spec.label, big.house.spec.label, "growth", "expected"]]
    for m in big.metrics:
        s = small.metric(m.key)
        times, verdict = growth(s, m, data)
        rows.append(
            [m.label, shown(s.median, s.unit), shown(m.median, m.unit), f"{times:.2f}×", verdict]
        )
    sessions = big.house.sessions / max(small.house.sessions, 1)
    return [
        f"How each metric grows from the {small.house.spec.label} to the {big.house.spec.label} "
        f"house (sessions ×{sessions:.1f}, database ×{data:.1f}):",
        *_columns(rows),
    ]


def _runs(count: int) -> str:
    return f"{count} run" if count == 1 else f"{count} runs"


def report(result: SuiteResult) -> str:
    big = result.big
    missed = [m.label for m in big.metrics if m.passed is False]
    lines = [
        "",
        f"PeerDesk benchmark — {_house_line(big.house)}",
        f"{machine_line(result)}; medians of {_runs(result.settings.runs)} "
        f"({_runs(result.settings.memory_runs)} for memory)",
        "",
        *metric_table(big),
        "",
        *(f"- {note}" for m in big.metrics for note in m.notes),
        "",
        *growth_table(result),
        f"(the {_house_line(result.small.house)})",
        "",
        "Every target met." if not missed else f"Missed: {', '.join(missed)}.",
    ]
    return "\n".join(lines)


def as_json(result: HouseResult) -> dict[str, dict[str, float | None]]:
    """The figures keyed by metric name (the memory metric in MB under the same keys)."""
    return {m.key: m.as_json() for m in result.metrics}


def _quiet_offscreen_notice() -> None:
    """Keep the offscreen platform's harmless "propagateSizeHints" line out of the table."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _say(text: str) -> None:
    print(text, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tests/benchmarks/run.py",
        description="Measure PeerDesk on a 10-year, 100-bed demo house against its targets.",
    )
    parser.add_argument("--quick", action="store_true", help="a small house and two runs")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--runs", type=int, metavar="N", help="runs per metric (default 5)")
    parser.add_argument(
        "--cache", type=Path, metavar="DIR", help=f"where houses are kept ({default_cache_dir()})"
    )
    parser.add_argument(
        "--years",
        type=float,
        metavar="Y",
        help="the big house's years (default 10; 20 for a house kept for good)",
    )
    parser.add_argument("--beds", type=int, metavar="N", help="the big house's beds (default 100)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _quiet_offscreen_notice()
    settings = QUICK if args.quick else FULL
    if args.runs is not None:
        if args.runs < 1:
            parser.error("--runs must be at least 1")
        settings = Settings(
            settings.big, settings.small, args.runs, min(args.runs, 3), settings.cache_dir
        )
    if args.cache is not None:
        settings = Settings(
            settings.big, settings.small, settings.runs, settings.memory_runs, args.cache
        )
    if args.years is not None or args.beds is not None:
        if (args.years is not None and args.years <= 0) or (
            args.beds is not None and args.beds < 1
        ):
            parser.error("--years and --beds must be positive")
        big = HouseSpec(
            args.beds if args.beds is not None else settings.big.beds,
            args.years if args.years is not None else settings.big.years,
        )
        settings = Settings(
            big, settings.small, settings.runs, settings.memory_runs, settings.cache_dir
        )
    result = run_suite(settings, say=_say)
    print(report(result))
    if args.json is not None:
        args.json.write_text(json.dumps(as_json(result.big), indent=2) + "\n", encoding="utf-8")
        print(f"Figures written to {args.json}")
    return 0 if all(m.passed is not False for m in result.big.metrics) else 1


if __name__ == "__main__":
    sys.exit(main())
