"""Python's cycle collector runs in the window's thread only: a Qt object freed by it from a
worker thread (a restore, a report) crashed Qt while the window was delivering its events."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerdesk.app import make_application
from peerdesk.ui import collector


@pytest.fixture
def collections() -> Iterator[list[str]]:
    """The name of the thread each collection ran in, from now on."""
    seen: list[str] = []

    def note(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(threading.current_thread().name)

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def make_cycles(count: int) -> None:
    for _ in range(count):
        cycle: list[object] = []
        cycle.append(cycle)


def test_the_application_collects_on_its_timer_and_never_in_a_worker(
    qapp: QApplication, qtbot: QtBot, collections: list[str]
) -> None:
    app = make_application()
    assert app.findChildren(collector.MainThreadCollector) == [collector.install(app)]
    assert not gc.isenabled()

    worker = threading.Thread(target=make_cycles, args=(50_000,), name="restore-worker")
    worker.start()
    worker.join()
    assert "restore-worker" not in collections, "no collection ran in the worker"

    qtbot.waitUntil(lambda: bool(collections), timeout=3 * collector.INTERVAL_MS)
    assert set(collections) == {threading.main_thread().name}
    assert gc.get_count()[0] <= gc.get_threshold()[0]


def test_nothing_is_collected_before_python_would_have(qapp: QApplication) -> None:
    due = collector.install(qapp)
    due.collect_due()
    gc.collect()  # a clean slate: every generation's count back to nought
    make_cycles(10)  # far below the first generation's threshold
    assert due.collect_due() == 0
    make_cycles(gc.get_threshold()[0] + 100)
    assert due.collect_due() >= gc.get_threshold()[0]
