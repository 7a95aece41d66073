"""What the benchmark measures, each beside a baseline measured in the same run on the same data.

Every ``measure_*`` function takes a built :class:`~tests.benchmarks.houses.House`, a private
work folder and a number of runs, and returns a :class:`Metric` holding every sample. Ours and
the baseline are measured alternately (one of each per run, after one warm-up run that is not
counted), so a busy moment on a shared PC falls on both; the table compares their medians.

- Start-up and memory are measured in fresh processes (``window_child.py``), offscreen.
- The window metrics drive the real main window in this process, the way a person would
  (switch tab, click a column, type a search), and wait until Qt has handled what that caused.
- Reports, saving and backups call the same core functions the window and command line call.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peerdesk.core import clock, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from tests.benchmarks.houses import House, fill_to_in_residence, work_copy

CHILD = Path(__file__).with_name("window_child.py")
PASSPHRASE_TEXT = "correct horse battery staple, benchmark"
ROSTER_ROWS = 1000
OUTCOME_YEARS = 10
PAGE = 200  # the window's page size

Clock = Callable[[], float]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Target:
    """A metric's goal: an absolute limit (seconds, or MB for memory) or a multiple of its
    baseline."""

    limit: float | None = None
    times_baseline: float | None = None

    def describe(self, unit: str) -> str:
        if self.limit is not None:
            return f"≤ {_value(self.limit, unit)}"
        if self.times_baseline is not None:
            return f"≤ {self.times_baseline:g}× baseline"
        return "—"


@dataclass
class Metric:
    """One row of the table: every sample of ours and of the baseline."""

    key: str
    label: str
    samples: list[float]
    baseline_samples: list[float] = field(default_factory=list)
    target: Target = Target()
    unit: str = "s"
    # "flat": should not grow with the years; "data": may grow with the database, no faster.
    growth: str = "flat"
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def cpu(self) -> float | None:
        """The median CPU seconds of ours (None where not measured, e.g. memory)."""
        cpu = getattr(self.samples, "cpu", None)
        return statistics.median(cpu) if cpu else None

    @property
    def baseline_cpu(self) -> float | None:
        cpu = getattr(self.baseline_samples, "cpu", None)
        return statistics.median(cpu) if cpu else None

    @property
    def baseline(self) -> float | None:
        return statistics.median(self.baseline_samples) if self.baseline_samples else None

    @property
    def ratio(self) -> float | None:
        baseline = self.baseline
        return None if not baseline else self.median / baseline

    @property
    def limit(self) -> float | None:
        """The value the median must stay at or under (a relative target made absolute)."""
        if self.target.limit is not None:
            return self.target.limit
        if self.target.times_baseline is not None and self.baseline is not None:
            return self.target.times_baseline * self.baseline
        return None

    @property
    def passed(self) -> bool | None:
        limit = self.limit
        return None if limit is None else self.median <= limit

    def as_json(self) -> dict[str, float | None]:
        return {
            "median_s": round(self.median, 6),
            "baseline_s": None if self.baseline is None else round(self.baseline, 6),
            "ratio": None if self.ratio is None else round(self.ratio, 4),
            "target_s": None if self.limit is None else round(self.limit, 6),
            "cpu_s": None if self.cpu is None else round(self.cpu, 6),
            "baseline_cpu_s": None if self.baseline_cpu is None else round(self.baseline_cpu, 6),
        }


def _value(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:.0f} MB"
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def shown(value: float | None, unit: str) -> str:
    return "—" if value is None else _value(value, unit)


# --------------------------------------------------------------------------- timing


class Samples(list[float]):
    """Wall-clock seconds of each run, with the CPU seconds each run took beside them (this
    process's threads and the processes it waited for)."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []


def cpu_seconds() -> float:
    """CPU time of this process (every thread) and of the children it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(clock: Clock | Callable[[], tuple[float, float]], into: Samples) -> None:
    """One sample; a clock that returns (wall, CPU) times only part of its work itself."""
    cpu = cpu_seconds()
    took = clock()
    if isinstance(took, tuple):
        into.append(took[0])
        into.cpu.append(took[1])
    else:
        into.append(took)
        into.cpu.append(cpu_seconds() - cpu)


def alternately(
    runs: int,
    ours: Clock | Callable[[], tuple[float, float]],
    baseline: Clock | None = None,
    *,
    warm_up: bool = True,
) -> tuple[Samples, Samples]:
    """``runs`` samples of each, interleaved, after one uncounted warm-up of each."""
    if warm_up:
        ours()
        if baseline is not None:
            baseline()
    mine = Samples()
    theirs = Samples()
    for _ in range(runs):
        _timed(ours, mine)
        if baseline is not None:
            _timed(baseline, theirs)
    return mine, theirs


def stopwatch(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _admin() -> Actor:
    return Actor.local_administrator()


# --------------------------------------------------------------------------- fresh processes


CHILD_USER = "bench"  # window_child.py signs in as this account
CHILD_PASSWORD = "benchmark sign-in, long enough"


def _with_account(path: Path) -> Path:
    """Give the copy of the house at ``path`` the administrator account the child signs in as
    (PeerDesk asks who is there before it shows the window)."""
    from peerdesk.core.services import users

    with Database.open(path) as db, db.begin() as s:
        if not users.any_accounts(s):
            users.create_user(
                s, _admin(), CHILD_USER, "Benchmark", vocab.Role.ADMINISTRATOR, CHILD_PASSWORD
            )
    return path


def _child_env(home: Path, pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PEERDESK_PASSWORD"] = CHILD_PASSWORD
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PEERDESK_HOME"] = str(home)
    # An installed PeerDesk runs from compiled bytecode; so do both children here (kept in
    # the benchmark's cache folder, not next to the sources).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _run_child(args: Sequence[str], env: dict[str, str], work: Path) -> tuple[float, str]:
    """Seconds from starting the child until its first line, and that line."""
    errors = work / "child-stderr.txt"
    with errors.open("wb") as err:
        started = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, stderr=err, env=env
        ) as child:
            assert child.stdout is not None
            line = child.stdout.readline().decode().strip()
            elapsed = time.perf_counter() - started
            child.stdout.read()
            code = child.wait(timeout=120)
    if code != 0 or not line:
        raise RuntimeError(
            f"window_child.py {' '.join(args)} failed ({code}): "
            + errors.read_text(errors="replace")[-2000:]
        )
    return elapsed, line


def measure_cold_start(house: House, work: Path, runs: int, pycache: Path) -> Metric:
    db = _with_account(work_copy(house, work / "cold-start"))
    homes = iter(range(10_000))

    def env() -> dict[str, str]:
        home = work / "cold-start" / f"home-{next(homes)}"
        home.mkdir(parents=True)
        return _child_env(home, pycache)

    password_checks: list[float] = []

    def ours() -> float:
        # The password check is the person's step, not start-up: it is reported apart.
        elapsed, line = _run_child(["peerdesk", str(db)], env(), work)
        password_checks.append(float(line.split()[1]))
        return elapsed - password_checks[-1]

    def baseline() -> float:
        return _run_child(["baseline"], env(), work)[0]

    mine, theirs = alternately(runs, ours, baseline)
    steps: dict[str, list[float]] = {}
    for _ in range(runs):
        _elapsed, line = _run_child(["steps", str(db)], env(), work)
        for part in line.removeprefix("steps ").split(";"):
            name, seconds = part.rsplit("=", 1)
            steps.setdefault(name, []).append(float(seconds))
    where = ", ".join(f"{name} {shown(statistics.median(t), 's')}" for name, t in steps.items())
    return Metric(
        "cold_start",
        "cold start to a usable main window",
        mine,
        theirs,
        Target(limit=1.0),
        notes=[
            "cold start: a new process until the window is shown with Home filled and the "
            "event loop idle, less the password check at the sign-in (median "
            f"{shown(statistics.median(password_checks), 's')}, Argon2id on purpose); "
            "baseline: a minimal PySide6 window; CPU: the whole child process, every thread, "
            "from its start to its exit",
            f"cold start, where the time goes (medians, importing in layers): {where}",
        ],
    )


def measure_peak_memory(house: House, work: Path, runs: int, pycache: Path) -> Metric:
    db = _with_account(work_copy(house, work / "memory"))
    samples: list[float] = []
    for n in range(runs):
        home = work / "memory" / f"home-{n}"
        home.mkdir(parents=True)
        _elapsed, line = _run_child(["memory", str(db)], _child_env(home, pycache), work)
        samples.append(float(line.split()[1]) * 1024 / 1e6)
    return Metric(
        "peak_memory",
        "peak memory with every tab opened",
        samples,
        target=Target(limit=300),
        unit="MB",
    )


# --------------------------------------------------------------------------- the window


def _settle() -> None:
    """Let Qt handle everything the last action caused (layout, painting, deferred work),
    including the rows of a table read on a worker thread (their arrival and painting)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from peerdesk.ui.models.sql_table import SqlTableModel

    def flush() -> None:
        for _ in range(3):
            QApplication.processEvents()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.None_)

    flush()
    window = WindowBench.current
    deadline = time.perf_counter() + 60
    while window is not None and time.perf_counter() < deadline:
        if not any(m.loading for m in window.findChildren(SqlTableModel)):
            break
        time.sleep(0.0005)
        flush()
    flush()


class HeldWatch:
    """The longest time the window's thread went without handling a 2 ms timer: how long a
    person's clicks and keys would have waited (the issue's target: never over 100 ms)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(2)
        self._timer.timeout.connect(self._on_timeout)

    def _on_timeout(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._on_timeout()
        self._timer.stop()
        return self.longest


class WindowBench:
    """The real main window over a copy of the house, opened and closed as often as needed."""

    current: Any = None  # the window open now (``_settle`` waits for its tables)

    def __init__(self, house: House, work: Path) -> None:
        from peerdesk.app import make_application

        self.app = make_application()
        self.work = work
        self.db_path = work_copy(house, work)
        self._opened = 0

    @contextmanager
    def window(self) -> Iterator[Any]:
        """A new main window (new settings, as on a first start), shown and settled."""
        from peerdesk.app import build_context, build_window, dispose_window, open_settings
        from peerdesk.paths import Paths

        self._opened += 1
        profile = self.work / f"profile-{self._opened}"
        paths = Paths(self.db_path, profile, profile / "config", profile / "logs")
        db = Database.open(self.db_path)
        window = build_window(build_context(db, paths, open_settings(paths)))
        WindowBench.current = window
        try:
            window.show()
            _settle()
            yield window
        finally:
            WindowBench.current = None
            dispose_window(window)
            db.close()


def _support_mask_sql() -> str:
    return " | ".join(f"(s.{t.value} << {i})" for i, t in enumerate(vocab.SupportType))


def _format_label_sql() -> str:
    whens = " ".join(
        f"WHEN '{f.value}' THEN '{f.label.replace(chr(39), chr(39) * 2)}'"
        for f in vocab.SessionFormat
    )
    return f"CASE s.format {whens} ELSE s.format END"


# The Sessions tab's first page written by hand: the least the database must do to show it.
SESSIONS_PAGE_SQL = f"""
SELECT s.id, s.voided_at IS NOT NULL, s.session_date, s.format, s.topic,
       m.last_name || ', ' || m.first_name, s.duration_minutes,
       (SELECT count(*) FROM session_attendees a WHERE a.session_id = s.id) AS attendees,
       {_support_mask_sql()} AS support_mask,
       {_format_label_sql()} AS format_label
FROM peer_sessions s JOIN mentors m ON m.id = s.mentor_id
WHERE s.voided_at IS NULL {{where}}
ORDER BY {{order}}
LIMIT {PAGE}
"""

# What ORDER BY each Sessions column sorts by, in raw SQL (the record id breaks ties).
SESSION_SORTS = {
    "date": "s.session_date {d}, s.id {d}",
    "format": "format_label {d}, s.id {d}",
    "topic": "s.topic {d}, s.id {d}",
    "mentor": "m.last_name {d}, m.first_name {d}, s.id {d}",
    "minutes": "s.duration_minutes {d}, s.id {d}",
    "attendees": "attendees {d}, s.id {d}",
    "support_types": "support_mask {d}, s.id {d}",
}

# Words a person looks for in ten years of notes: common and rare words, two words, a short
# prefix typed before a pause, and a word that is nowhere.
SEARCH_TERMS = ("cravings", "coping with", "sponsor", "th", "zzzz")


def raw_sessions_page(
    c: sqlite3.Connection, order: str, where: str = "", params: Sequence[object] = ()
) -> list[Any]:
    return c.execute(SESSIONS_PAGE_SQL.format(where=where, order=order), params).fetchall()


def _raw_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)


@contextmanager
def time_spent_in(module: Any, functions: Sequence[str]) -> Iterator[Callable[[], float]]:
    """While inside, a clock of the seconds spent so far in these functions of ``module``."""
    with timing_phases(module, dict.fromkeys(functions, "all")) as phases:
        yield lambda: phases.seconds.get("all", 0.0)


@contextmanager
def in_sql() -> Iterator[Callable[[], float]]:
    """The seconds the table model has spent in SQL (its counts and pages) so far."""
    from peerdesk.core import listing

    with time_spent_in(listing, ("count", "count_all", "fetch_page")) as clock:
        yield clock


class StatementLog:
    """The reading statements the window ran on its database while inside, with their
    parameters, to replay them on plain ``sqlite3`` (the floor of the same SQL)."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    def _seen(self, _c: Any, _cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        if statement.lstrip()[:6].upper() in ("SELECT", "WITH R", "WITH A"):
            self.statements.append((statement, tuple(params)))

    def __enter__(self) -> StatementLog:
        from sqlalchemy import event

        event.listen(self._engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import event

        event.remove(self._engine, "before_cursor_execute", self._seen)


class BareView:
    """A plain ``QTableView`` over a ``QStandardItemModel``, the size of the window's table:
    the floor of showing the same rows (no paging, no formatting, no SQL)."""

    def __init__(self, like: Any) -> None:
        from PySide6.QtWidgets import QTableView

        self.view = QTableView()
        self.view.resize(like.size())
        self.view.show()

    def show(self, texts: list[list[str]]) -> float:
        from PySide6.QtGui import QStandardItem, QStandardItemModel

        started = time.perf_counter()
        model = QStandardItemModel(len(texts), len(texts[0]) if texts else 0)
        for r, row in enumerate(texts):
            for c, text in enumerate(row):
                model.setItem(r, c, QStandardItem(text))
        self.view.setModel(model)
        self.view.viewport().repaint()
        _settle()
        self._model = model  # kept until the next rows
        return time.perf_counter() - started

    def close(self) -> None:
        self.view.close()
        self.view.deleteLater()


def shown_texts(model: Any) -> list[list[str]]:
    """The text of every loaded cell of a table model, as the window shows it."""
    return [
        [str(model.data(model.index(r, c)) or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def replayed(raw: sqlite3.Connection, log: StatementLog) -> float:
    """The same statements on plain ``sqlite3``: the least the database can do for them."""
    started = time.perf_counter()
    for statement, params in log.statements:
        raw.execute(statement, params).fetchall()
    return time.perf_counter() - started


@dataclass
class Split:
    """How one window action's time divides: the SQL it ran, and the rest (Qt)."""

    sql: list[float] = field(default_factory=list)
    other: dict[str, list[float]] = field(default_factory=dict)

    def describe(self, total: list[float]) -> str:
        parts = [("SQL (counts and the first page)", self.sql), *self.other.items()]
        spent = [sum(values) for values in zip(*(v for _n, v in parts), strict=True)]
        rest = [t - s for t, s in zip(total, spent, strict=True)]
        parts.append(("the rest (Qt: resetting the model, layout, painting)", rest))
        return ", ".join(f"{name} {shown(statistics.median(v), 's')}" for name, v in parts)


def measure_open_sessions(bench: WindowBench, runs: int) -> Metric:
    import peerdesk.ui.tabs.base

    raw = _raw_connection(bench.db_path)
    order = SESSION_SORTS["date"].format(d="DESC")
    split = Split(other={"fitting the columns to the first page": []})
    counting = False
    # Switching back to the tab once it is loaded: only Qt's layout and painting.
    again: list[float] = []

    floors = Samples()

    def ours() -> tuple[float, float]:
        with (
            bench.window() as window,
            in_sql() as sql,
            time_spent_in(peerdesk.ui.tabs.base, ("fit_columns",)) as fitting,
        ):
            cpu = cpu_seconds()
            started = time.perf_counter()
            with StatementLog(window.ctx.db.engine) as log:
                window.tabs.setCurrentWidget(window.sessions)
                _settle()
            elapsed = time.perf_counter() - started
            used = cpu_seconds() - cpu
            if window.sessions.model.rowCount() == 0:
                raise RuntimeError("the Sessions tab showed no rows")
            if counting:
                bare = BareView(window.sessions.view)
                texts = shown_texts(window.sessions.model)
                cpu = cpu_seconds()
                floors.append(replayed(raw, log) + bare.show(texts))
                floors.cpu.append(cpu_seconds() - cpu)
                bare.close()
            if counting:
                split.sql.append(sql())
                split.other["fitting the columns to the first page"].append(fitting())
                window.tabs.setCurrentIndex(0)
                _settle()
                started = time.perf_counter()
                window.tabs.setCurrentWidget(window.sessions)
                _settle()
                again.append(time.perf_counter() - started)
            return elapsed, used

    try:
        ours()  # warm up
        counting = True
        mine, _ = alternately(runs, ours, warm_up=False)
        by_hand = statistics.median(
            stopwatch(lambda: raw_sessions_page(raw, order)) for _ in range(runs)
        )
    finally:
        raw.close()
    return Metric(
        "open_sessions",
        "open the Sessions tab",
        mine,
        floors,
        Target(times_baseline=1.5),
        notes=[
            "open Sessions: the first switch to the tab in a new window, until painted: "
            + split.describe(mine)
            + f"; switching back to it once loaded takes {shown(statistics.median(again), 's')}",
            "open Sessions: baseline (floor): the window's own SQL statements for it replayed on "
            "plain sqlite3, plus a bare QTableView showing the same rows; the first page written "
            f"by hand in raw SQL takes {shown(by_hand, 's')}",
        ],
    )


def measure_sort_sessions(bench: WindowBench, runs: int) -> Metric:
    """Every column, both ways; the metric is the slowest column's median."""
    from PySide6.QtCore import Qt

    raw = _raw_connection(bench.db_path)
    ours: dict[str, Samples] = {key: Samples() for key in SESSION_SORTS}
    theirs: dict[str, Samples] = {key: Samples() for key in SESSION_SORTS}
    hand: dict[str, list[float]] = {key: [] for key in SESSION_SORTS}
    splits = {key: Split() for key in SESSION_SORTS}
    try:
        with bench.window() as window, in_sql() as sql:
            tab = window.sessions
            window.tabs.setCurrentWidget(tab)
            _settle()
            bare = BareView(tab.view)
            for run in range(runs + 1):  # the first round warms up
                descending = run % 2 == 1
                order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
                for key, raw_sql in SESSION_SORTS.items():
                    column = tab.spec.column_index(key)
                    sql_before = sql()
                    cpu = cpu_seconds()
                    started = time.perf_counter()
                    with StatementLog(window.ctx.db.engine) as log:
                        tab.view.sortByColumn(column, order)
                        _settle()
                    mine = time.perf_counter() - started
                    mine_cpu = cpu_seconds() - cpu
                    if tab.model.sort_column != column:
                        raise RuntimeError(f"Sessions did not sort by {key}")
                    raw_order = raw_sql.format(d="DESC" if descending else "ASC")
                    by_hand = stopwatch(
                        lambda raw_order=raw_order: raw_sessions_page(raw, raw_order)
                    )
                    texts = shown_texts(tab.model)
                    cpu = cpu_seconds()
                    floor = replayed(raw, log) + bare.show(texts)
                    if run:
                        ours[key].append(mine)
                        ours[key].cpu.append(mine_cpu)
                        theirs[key].append(floor)
                        theirs[key].cpu.append(cpu_seconds() - cpu)
                        hand[key].append(by_hand)
                        splits[key].sql.append(sql() - sql_before)
            bare.close()
    finally:
        raw.close()
    slowest = max(ours, key=lambda k: statistics.median(ours[k]))
    detail = ", ".join(
        f"{key} {shown(statistics.median(ours[key]), 's')} "
        f"(SQL {shown(statistics.median(splits[key].sql), 's')}, "
        f"floor {shown(statistics.median(theirs[key]), 's')}, "
        f"raw by hand {shown(statistics.median(hand[key]), 's')})"
        for key in ours
    )
    return Metric(
        "sort_sessions",
        "sort Sessions by a column",
        ours[slowest],
        theirs[slowest],
        Target(times_baseline=1.5),
        notes=[
            f"sort Sessions, slowest column {slowest!r} shown: "
            f"{splits[slowest].describe(ours[slowest])}",
            "sort Sessions: baseline (floor): the window's own SQL statements for that click "
            "replayed on plain sqlite3, plus a bare QTableView showing the same rows",
            f"sort Sessions, each column: {detail}",
        ],
    )


def measure_window_held(bench: WindowBench, runs: int) -> Metric:
    """The longest the window's thread was busy at one time while a person opens Sessions,
    sorts it by every column both ways, searches each term and scrolls to the end."""
    from PySide6.QtCore import Qt

    longest: list[float] = []
    for run in range(runs + 1):  # the first round warms up
        with bench.window() as window:
            watch = HeldWatch()
            watch.start()
            tab = window.sessions
            window.tabs.setCurrentWidget(tab)
            _settle()
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                for key in SESSION_SORTS:
                    tab.view.sortByColumn(tab.spec.column_index(key), order)
                    _settle()
                    bar = tab.view.verticalScrollBar()
                    bar.setValue(bar.maximum())
                    _settle()
            for term in (*SEARCH_TERMS, ""):
                tab.search.setText(term)
                tab.apply_query()
                _settle()
            held = watch.stop()
        if run:
            longest.append(held)
    samples = Samples()
    samples.extend(longest)
    return Metric(
        "window_held",
        "window's thread busy, longest at a time",
        samples,
        target=Target(limit=0.100),
        notes=[
            "window's thread: the longest gap between two ticks of a 2 ms timer while Sessions "
            "was opened, sorted by every column both ways (scrolled to the end each time) and "
            "searched for each term; table rows are read on a worker thread, and the window "
            "waits for them at most 40 ms"
        ],
    )


def _fts_query(term: str) -> str:
    from peerdesk.core.listing import fts_query, fts_words

    return fts_query(fts_words(term))


def measure_search_sessions(bench: WindowBench, runs: int) -> Metric:
    """Each search term as the search box runs it once typing pauses; the slowest term shown."""
    raw = _raw_connection(bench.db_path)
    where = "AND s.id IN (SELECT rowid FROM peer_sessions_fts WHERE peer_sessions_fts MATCH ?)"
    order = SESSION_SORTS["date"].format(d="DESC")
    ours: dict[str, Samples] = {term: Samples() for term in SEARCH_TERMS}
    theirs: dict[str, Samples] = {term: Samples() for term in SEARCH_TERMS}
    hand: dict[str, list[float]] = {term: [] for term in SEARCH_TERMS}
    splits = {term: Split() for term in SEARCH_TERMS}
    try:
        with bench.window() as window, in_sql() as sql:
            tab = window.sessions
            window.tabs.setCurrentWidget(tab)
            _settle()
            bare = BareView(tab.view)
            for run in range(runs + 1):
                for term in SEARCH_TERMS:
                    sql_before = sql()
                    cpu = cpu_seconds()
                    started = time.perf_counter()
                    with StatementLog(window.ctx.db.engine) as log:
                        tab.search.setText(term)
                        tab.apply_query()  # what the search box does 200 ms after the last key
                        _settle()
                    mine = time.perf_counter() - started
                    mine_cpu = cpu_seconds() - cpu
                    match = _fts_query(term)
                    by_hand = stopwatch(lambda m=match: raw_sessions_page(raw, order, where, [m]))
                    texts = shown_texts(tab.model)
                    cpu = cpu_seconds()
                    floor = replayed(raw, log) + bare.show(texts)
                    if run:
                        ours[term].append(mine)
                        ours[term].cpu.append(mine_cpu)
                        theirs[term].append(floor)
                        theirs[term].cpu.append(cpu_seconds() - cpu)
                        hand[term].append(by_hand)
                        splits[term].sql.append(sql() - sql_before)
                tab.search.setText("")
                tab.apply_query()
                _settle()
            bare.close()
    finally:
        raw.close()
    slowest = max(ours, key=lambda k: statistics.median(ours[k]))
    detail = ", ".join(
        f"{term!r} {shown(statistics.median(ours[term]), 's')} "
        f"(SQL {shown(statistics.median(splits[term].sql), 's')}, "
        f"floor {shown(statistics.median(theirs[term]), 's')}, "
        f"raw by hand {shown(statistics.median(hand[term]), 's')})"
        for term in ours
    )
    return Metric(
        "search_sessions",
        "type a search term in Sessions (FTS)",
        ours[slowest],
        theirs[slowest],
        Target(times_baseline=1.5),
        notes=[
            f"search Sessions, slowest term {slowest!r} shown: "
            f"{splits[slowest].describe(ours[slowest])}",
            "search Sessions: baseline (floor): the window's own SQL statements for that search "
            "replayed on plain sqlite3, plus a bare QTableView showing the same rows",
            f"search Sessions, each term: {detail}",
        ],
    )


# --------------------------------------------------------------------------- writing


def measure_save_session(house: House, work: Path, runs: int) -> Metric:
    from peerdesk.core.services.sessions import AttendeeEntry, SessionDetails, log_session

    path = work_copy(house, work / "save")
    today = clock.today()
    c = _raw_connection(path)
    try:
        mentor_id = c.execute(
            "SELECT id FROM mentors WHERE status = 'active' AND start_date <= ? ORDER BY id",
            (today.isoformat(),),
        ).fetchone()[0]
        present = [
            row[0]
            for row in c.execute(
                "SELECT resident_id FROM resident_overview WHERE status = 'active' "
                "AND intake_date <= ? ORDER BY resident_id LIMIT 3",
                (today.isoformat(),),
            )
        ]
    finally:
        c.close()
    details = SessionDetails(
        session_date=today,
        duration_minutes=60,
        mentor_id=mentor_id,
        format=vocab.SessionFormat.GROUP,
        support_types=frozenset({vocab.SupportType.EMOTIONAL, vocab.SupportType.AFFILIATIONAL}),
        attendees=[AttendeeEntry(rid, motivation=7, satisfaction=4) for rid in present],
        topic="Relapse prevention",
        notes="Benchmark session: three residents talked through their weekend plans.",
    )
    admin = _admin()
    db = Database.open(path)
    try:
        committing: list[float] = []

        def save() -> float:
            started = time.perf_counter()
            with db.begin() as s:
                log_session(s, admin, details)
                written = time.perf_counter()
            ended = time.perf_counter()
            committing.append(ended - written)
            return ended - started

        # The first save on a newly opened database compiles its statements and starts the
        # write-ahead log (once per run of PeerDesk); it is shown beside the metric, not in it.
        first = save()
        floor = RawSave(path)
        try:
            floor.save()  # its own first write, not counted either
            mine, theirs = alternately(runs, save, floor.save, warm_up=False)
        finally:
            floor.close()
    finally:
        db.close()
    commit = statistics.median(committing[1:])
    return Metric(
        "save_session",
        "save one session with three attendees",
        mine,
        theirs,
        target=Target(times_baseline=3),
        notes=[
            "save: baseline: the same rows (the session, three attendances, an audit line) "
            "inserted raw in one transaction on the same file, as durable (WAL, "
            "synchronous=FULL, search index triggers firing)",
            "save: validation, the inserts and the audit line "
            f"{shown(statistics.median(mine) - commit, 's')}, the commit with its fsync "
            f"(synchronous=FULL) {shown(commit, 's')}; the first save after opening the "
            f"database took {shown(first, 's')} (a new connection: SQLAlchemy compiles each "
            "statement once, SQLite starts its write-ahead log)",
        ],
    )


class RawSave:
    """The floor of saving a session: its rows written with plain ``sqlite3``, nothing else."""

    def __init__(self, path: Path) -> None:
        self.c = sqlite3.connect(path, isolation_level=None)
        self.c.execute("PRAGMA journal_mode=WAL")
        self.c.execute("PRAGMA synchronous=FULL")
        self.c.execute("PRAGMA foreign_keys=ON")
        session_columns = [
            row[1] for row in self.c.execute("PRAGMA table_info(peer_sessions)") if row[1] != "id"
        ]
        audit_columns = [
            row[1] for row in self.c.execute("PRAGMA table_info(audit_events)") if row[1] != "id"
        ]
        self.model = self.c.execute(
            "SELECT session_id FROM session_attendees GROUP BY session_id "
            "HAVING count(*) >= 3 ORDER BY session_id DESC LIMIT 1"
        ).fetchone()[0]
        listed = ", ".join(session_columns)
        self.copy_session = (
            f"INSERT INTO peer_sessions ({listed}) SELECT {listed} FROM peer_sessions WHERE id = ?"
        )
        self.copy_attendees = (
            "INSERT INTO session_attendees (session_id, resident_id, motivation, satisfaction) "
            "SELECT ?, resident_id, motivation, satisfaction FROM session_attendees "
            "WHERE session_id = ? ORDER BY resident_id LIMIT 3"
        )
        audited = ", ".join(audit_columns)
        self.copy_audit = (
            f"INSERT INTO audit_events ({audited}) SELECT {audited} FROM audit_events "
            "WHERE id = (SELECT max(id) FROM audit_events)"
        )

    def save(self) -> float:
        started = time.perf_counter()
        self.c.execute("BEGIN IMMEDIATE")
        new_id = self.c.execute(self.copy_session, (self.model,)).lastrowid
        self.c.execute(self.copy_attendees, (new_id, self.model))
        self.c.execute(self.copy_audit)
        self.c.execute("COMMIT")
        return time.perf_counter() - started

    def close(self) -> None:
        self.c.close()


# --------------------------------------------------------------------------- reports


def _report(db: Database, name: str, options: object) -> tuple[float, Any, bytes]:
    from peerdesk.reports.catalog import REPORTS

    kind = REPORTS[name]
    started = time.perf_counter()
    with db.read() as s:
        data = kind.gather(s, _admin(), options)
    out = io.BytesIO()
    kind.render(out, data, None)
    return time.perf_counter() - started, data, out.getvalue()


def _plain_table(rows: list[list[str]]) -> float:
    """The same rows as one plain reportlab Table: standard font, no styling, no header."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.platypus import SimpleDocTemplate, Table

    started = time.perf_counter()
    SimpleDocTemplate(io.BytesIO(), pagesize=LETTER).build([Table(rows, repeatRows=1)])
    return time.perf_counter() - started


def measure_roster(house: House, work: Path, runs: int) -> Metric:
    from peerdesk.core.report_data import RosterOptions

    path = work_copy(house, work / "roster")
    fill_to_in_residence(path, ROSTER_ROWS, intake=clock.today() - dt.timedelta(days=30))
    db = Database.open(path)
    try:
        _seconds, data, _pdf = _report(db, "roster", RosterOptions())
        rows = [["", "Name", "Room", "Intake", "Days", "Mentor"]] + [
            [
                "",
                r.name,
                f"{r.room} {r.bed}",
                r.intake_date.isoformat(),
                str(r.days_in_program),
                r.mentor,
            ]
            for group in data.groups
            for r in group.rows
        ]
        if len(rows) - 1 != ROSTER_ROWS:
            raise RuntimeError(f"the roster has {len(rows) - 1} rows, not {ROSTER_ROWS}")
        mine, theirs = alternately(
            runs, lambda: _report(db, "roster", RosterOptions())[0], lambda: _plain_table(rows)
        )
    finally:
        db.close()
    return Metric(
        "roster_pdf",
        "resident roster PDF, 1,000 rows",
        mine,
        theirs,
        Target(limit=1.0),
        notes=["roster: gather and draw the PDF; baseline: the same rows as one plain Table"],
    )


def measure_outcomes(house: House, work: Path, runs: int) -> Metric:
    from peerdesk.core.report_data import OutcomeOptions

    path = work_copy(house, work / "outcomes")
    start = clock.today() - dt.timedelta(days=round(365.25 * OUTCOME_YEARS))
    db = Database.open(path)
    try:
        mine, _ = alternately(runs, lambda: _report(db, "outcomes", OutcomeOptions(start=start))[0])
    finally:
        db.close()
    return Metric(
        "outcomes_pdf",
        "outcome summary PDF, ten years",
        mine,
        target=Target(limit=3.0),
        growth="data",
    )


# --------------------------------------------------------------------------- backups


def _read_from_the_drive(path: Path) -> None:
    """Read a file as the backup's read-back does: not from the cache of what was written."""
    with path.open("rb") as f:
        advise = getattr(os, "posix_fadvise", None)
        if advise is not None:
            advise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        while f.read(1 << 20):
            pass


def plain_copy(source: Path, target: Path) -> float:
    """The floor of a backup: SQLite's backup API copies the file, the copy is made durable
    (fsync), then read once from the drive (not from the cache of what was written)."""
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    with target.open("rb") as f:
        os.fsync(f.fileno())
    _read_from_the_drive(target)
    return time.perf_counter() - started


class SealedCopy:
    """The floor of a restore: the same bytes, sealed in 1 MiB AES-256-GCM chunks, read from
    the drive, opened and written out durably (what a restore cannot do without)."""

    CHUNK = 1 << 20

    def __init__(self, source: Path, folder: Path) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self.sealed = folder / "sealed.bin"
        self.target = folder / "opened.sqlite3"
        with source.open("rb") as plain, self.sealed.open("wb") as out:
            number = 0
            while chunk := plain.read(self.CHUNK):
                out.write(self.aead.encrypt(number.to_bytes(12, "big"), chunk, None))
                number += 1

    def open(self) -> float:
        started = time.perf_counter()
        with self.sealed.open("rb") as sealed:
            advise = getattr(os, "posix_fadvise", None)
            if advise is not None:
                advise(sealed.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            with self.target.open("wb") as out:
                number = 0
                while chunk := sealed.read(self.CHUNK + 16):
                    out.write(self.aead.decrypt(number.to_bytes(12, "big"), chunk, None))
                    number += 1
                out.flush()
                os.fsync(out.fileno())
        return time.perf_counter() - started


@dataclass
class Phases:
    """Seconds spent in named steps of one backup or restore (see :func:`timing_phases`)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, elapsed: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + elapsed

    def describe(self, total: float) -> str:
        return ", ".join(
            f"{name} {shown(value, 's')} ({value / total:.0%})"
            for name, value in self.seconds.items()
        )


@contextmanager
def timing_phases(module: Any, names: dict[str, str]) -> Iterator[Phases]:
    """Time calls of ``module``'s functions (``{function: step name}``) while inside."""
    phases = Phases()
    originals = {name: getattr(module, name) for name in names}

    def timed(function: Callable[..., Any], step: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases.add(step, time.perf_counter() - started)

        return wrapper

    for name, step in names.items():
        setattr(module, name, timed(originals[name], step))
    try:
        yield phases
    finally:
        for name, original in originals.items():
            setattr(module, name, original)


BACKUP_STEPS = {
    "_take_snapshot": "snapshot",
    "_check_snapshot": "SQLite's whole check of the snapshot",
    "_passphrase_kek": "key stretching (Argon2id)",
    "_write_file": "encrypt + write + fsync",
    "_read_back": "read-back check of every byte",
}
RESTORE_STEPS = {
    "_unlock": "unlock (Argon2id)",
    "_decrypt_chunks": "authenticate + decrypt + write",
    "_check_image": "quick + foreign-key + row-count checks",
    "_safety_backup": "safety backup of the current house",
    "_prepare_restored": "record the restore in it",
    "_swap_in": "swap",
}


def _sqlite_checks(path: Path) -> tuple[float, float, float]:
    """How long SQLite's integrity_check, quick_check and foreign_key_check take here."""
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        integrity = stopwatch(lambda: c.execute("PRAGMA integrity_check(20)").fetchall())
        quick = stopwatch(lambda: c.execute("PRAGMA quick_check(20)").fetchall())
        foreign = stopwatch(lambda: c.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        c.close()
    return integrity, quick, foreign


def measure_backups(house: House, work: Path, runs: int) -> list[Metric]:
    """Backup + verify, restore over a house (the usual case) and onto a new PC."""
    from peerdesk.core import backup
    from peerdesk.paths import Paths

    passphrase = backup.check_new_passphrase(PASSPHRASE_TEXT)
    admin = _admin()
    source = work_copy(house, work / "backup-source")
    usb = work / "usb"
    usb.mkdir(parents=True, exist_ok=True)
    copy = work / "plain-copy.sqlite3"
    made: list[Path] = []
    db = Database.open(source)
    try:

        def back_up() -> float:
            started = time.perf_counter()
            result = backup.back_up(db, admin, usb, passphrase)
            made.append(result.path)
            return time.perf_counter() - started

        baseline = lambda: plain_copy(source, copy)  # noqa: E731
        mine, theirs = alternately(runs, back_up, baseline)
        with timing_phases(backup, BACKUP_STEPS) as steps:
            one = back_up()
    finally:
        db.close()
    backup_metric = Metric(
        "backup",
        "backup + verify",
        mine,
        theirs,
        Target(times_baseline=1.5),
        growth="data",
        notes=[
            f"backup, one run of {shown(one, 's')}: {steps.describe(one)} (Argon2id runs on "
            "a second thread while the snapshot is taken and sealed, so the steps overlap)"
        ],
    )

    pc = work / "pc"
    pc_db = work_copy(house, pc)
    pc_paths = Paths(pc_db, pc, pc / "config", pc / "logs")
    file = made[-1]

    def restore_over() -> float:
        return stopwatch(lambda: backup.restore_backup(file, passphrase, pc_paths, actor=admin))

    new_pcs = iter(range(10_000))

    def restore_new() -> float:
        folder = work / f"new-pc-{next(new_pcs)}"
        folder.mkdir()
        paths = Paths(folder / "peerdesk.sqlite3", folder, folder / "config", folder / "logs")
        try:
            return stopwatch(lambda: backup.restore_backup(file, passphrase, paths, actor=admin))
        finally:
            shutil.rmtree(folder)

    sealed = SealedCopy(source, work)
    mine, theirs = alternately(runs, restore_over, sealed.open)
    fresh, fresh_base = alternately(runs, restore_new, sealed.open)
    with timing_phases(backup, RESTORE_STEPS) as steps:
        one = restore_over()
    integrity, quick, foreign = _sqlite_checks(source)
    restore_metric = Metric(
        "restore",
        "restore (verify + swap)",
        mine,
        theirs,
        Target(times_baseline=2),
        growth="data",
        notes=[
            f"restore over a house, one run of {shown(one, 's')}: {steps.describe(one)} (the "
            "safety backup runs on a second thread during the checks, so the steps overlap)",
            "restore: baseline: the same bytes sealed in 1 MiB AES-256-GCM chunks, read from "
            "the drive, opened and written out with fsync",
            f"SQLite on this house: integrity_check {shown(integrity, 's')}, quick_check "
            f"{shown(quick, 's')}, foreign_key_check {shown(foreign, 's')}; a backup whose "
            "snapshot passed the whole check when it was made is restored with the quick one",
        ],
    )
    new_pc_metric = Metric(
        "restore_new_pc",
        "restore onto a new PC (no safety backup)",
        fresh,
        fresh_base,
        Target(times_baseline=2),
        growth="data",
    )
    return [backup_metric, restore_metric, new_pc_metric]
