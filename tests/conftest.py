"""Shared test set-up: offscreen Qt, a private PEERDESK_HOME, a template database, and the
cycle collector in Qt's thread only.

The empty database (migrated to head) is built once per run and copied for each test, so a
test starts from a real migrated SQLite file in well under a millisecond of migration work.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from peerdesk.core import clock
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database

# Tests run on a fixed calendar so "not in the future" and ages read the same every day.
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="session")
def qapp_cls() -> type[object]:
    """pytest-qt's application, with PeerDesk's collector from the start (as the program
    has): a Qt object freed by Python's collector in a worker thread crashes Qt later."""
    from PySide6.QtWidgets import QApplication

    from peerdesk.ui import collector

    class Application(QApplication):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            collector.install(self)

    return Application


@pytest.fixture(autouse=True)
def _cycles_collected_between_tests() -> Iterator[None]:
    """Collect as the window's timer would, once a test has run (in the main thread)."""
    yield
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        from peerdesk.ui import collector

        app = QApplication.instance()
        if app is not None:
            collector.install(app).collect_due()


@dataclass
class DiscardPrompt:
    """A form's questions ("Discard the changes?", "Someone else of the same name?") as the
    tests answer them: yes unless told otherwise, never a real box waiting for a person.
    ``asked`` holds the form's class for a discard, and the question's title for the rest."""

    answer: bool = True
    asked: list[str] = field(default_factory=list)
    questions: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture(autouse=True)
def discard_prompt(monkeypatch: pytest.MonkeyPatch) -> DiscardPrompt:
    import sys

    prompt = DiscardPrompt()
    if "PySide6.QtWidgets" not in sys.modules:
        return prompt  # a core test: no form can open
    from peerdesk.ui.dialogs.base import FormDialog

    def answer(dialog: FormDialog, title: str, text: str, _yes: str) -> bool:
        if title == "Discard the changes?":
            prompt.asked.append(type(dialog).__name__)
        else:
            prompt.questions.append((title, text))
        return prompt.answer

    monkeypatch.setattr(FormDialog, "confirm", answer)
    return prompt


@pytest.fixture(autouse=True)
def table_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables read their rows on a worker thread and show them at once when they come within
    a moment (``SqlTableModel.grace``). Tests that are not about slow queries wait for them
    however long a busy machine takes, so their rows are there on the next line; the tests of
    slow queries (tests/ui/test_table_loading.py) set the grace to nothing."""
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from peerdesk.ui.models.sql_table import SqlTableModel

    monkeypatch.setattr(SqlTableModel, "grace", 60.0)


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing() -> Iterator[None]:
    """Argon2id with tiny costs in tests; the stored hash still records its parameters."""
    import argon2

    from peerdesk.core.services import users

    previous = users.use_hasher(argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    yield
    users.use_hasher(previous)


@pytest.fixture(autouse=True)
def _private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("peerdesk-home")
    monkeypatch.setenv("PEERDESK_HOME", str(home))
    return home


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Freeze PeerDesk's calendar at TODAY."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "peerdesk.sqlite3"
    Database.open(path).close()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "peerdesk.sqlite3"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def db(db_path: Path, today: dt.date) -> Iterator[Database]:
    database = Database.open(db_path)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def admin() -> Actor:
    return Actor.local_administrator()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The reliability figures of this run (tests/figures.py), when any were counted."""
    from tests import figures

    lines = figures.summary()
    if lines:
        terminalreporter.section("what the reliability tests tried")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A passing test marked ``tally("<kind>")`` counts once in the reliability figures."""
    if report.when == "call" and report.passed:
        from tests import figures

        for kind in getattr(report, "tally_kinds", ()):
            figures.tally(kind)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    report.tally_kinds = [mark.args[0] for mark in item.iter_markers("tally")]
