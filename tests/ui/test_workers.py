"""Slow work runs off the window's thread, reports progress, and can be cancelled."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.core.errors import BackupError
from peerdesk.ui.workers import BackgroundTask, WorkCancelled


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_work_runs_on_another_thread_and_reports_progress_and_result(
    qtbot: QtBot, window: QWidget
) -> None:
    gui_thread = QThread.currentThread()
    seen_threads: list[object] = []

    def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> str:
        seen_threads.append(QThread.currentThread())
        for step in range(1, 5):
            progress(step / 4)
        return "backup verified"

    task = BackgroundTask(work, parent=window, title="Backing up", label="Writing the backup…")
    fractions: list[float] = []
    task.progressed.connect(fractions.append)
    with qtbot.waitSignal(task.succeeded, timeout=10_000) as blocker:
        task.start()
    assert blocker.args == ["backup verified"]
    assert seen_threads and seen_threads[0] is not gui_thread
    assert fractions == [0.25, 0.5, 0.75, 1.0]
    assert task.outcome is not None and task.outcome.ok
    assert task.outcome.result == "backup verified"
    assert not task.is_running
    assert task.dialog is not None and not task.dialog.isVisible()


def test_cancel_from_the_progress_dialog_stops_the_work(qtbot: QtBot, window: QWidget) -> None:
    started = threading.Event()
    steps_done: list[int] = []

    def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> str:
        started.set()
        for step in range(10_000):
            if cancelled():
                return "partial"
            steps_done.append(step)
            progress(step / 10_000)
            threading.Event().wait(0.001)
        return "all done"

    task = BackgroundTask(work, parent=window, title="Exporting", minimum_duration_ms=0)
    failed: list[str] = []
    task.failed.connect(failed.append)
    succeeded: list[object] = []
    task.succeeded.connect(succeeded.append)
    task.start()
    qtbot.waitUntil(started.is_set, timeout=10_000)
    assert task.dialog is not None
    qtbot.waitUntil(task.dialog.isVisible, timeout=10_000)
    cancel_button = task.dialog.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "Cancel"
    with qtbot.waitSignal(task.cancelled, timeout=10_000):
        cancel_button.click()
    assert task.outcome is not None and task.outcome.cancelled and not task.outcome.ok
    assert not succeeded and not failed
    assert len(steps_done) < 10_000


def test_work_may_stop_by_raising_work_cancelled(qtbot: QtBot) -> None:
    def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> None:
        raise WorkCancelled

    task = BackgroundTask(work, show_progress=False)
    with qtbot.waitSignal(task.cancelled, timeout=10_000):
        task.start()
    assert task.outcome is not None and task.outcome.cancelled


def test_a_cancel_the_work_never_saw_does_not_undo_finished_work(qtbot: QtBot) -> None:
    finishing = threading.Event()
    cancel_pressed = threading.Event()

    def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> str:
        assert not cancelled()
        finishing.set()
        cancel_pressed.wait(10)  # the person presses Cancel after the last check
        return "imported"

    task = BackgroundTask(work, show_progress=False)
    with qtbot.waitSignal(task.succeeded, timeout=10_000) as done:
        task.start()
        assert finishing.wait(10)
        task.cancel()
        cancel_pressed.set()
    assert done.args == ["imported"]
    assert task.outcome is not None and task.outcome.ok


def test_a_peerdesk_error_becomes_its_sentence(qtbot: QtBot, window: QWidget) -> None:
    def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> None:
        raise BackupError("The USB stick is full; free some space or use another stick.")

    task = BackgroundTask(work, parent=window)
    with qtbot.waitSignal(task.failed, timeout=10_000) as blocker:
        task.start()
    assert blocker.args == ["The USB stick is full; free some space or use another stick."]
    assert task.outcome is not None and task.outcome.error == blocker.args[0]


def test_a_defect_is_logged_and_reported_plainly(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> None:
        raise ZeroDivisionError("boom")

    task = BackgroundTask(work, show_progress=False)
    with qtbot.waitSignal(task.failed, timeout=10_000) as blocker:
        task.start()
    sentence = blocker.args[0]
    assert "Traceback" not in sentence and "boom" not in sentence
    assert sentence.endswith(".") and "log" in sentence
    assert "ZeroDivisionError" in caplog.text


def test_wait_runs_events_until_the_task_ends(qtbot: QtBot) -> None:
    def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> int:
        progress(0.5)
        return 42

    task = BackgroundTask(work, show_progress=False)
    finished: list[bool] = []
    task.finished.connect(lambda: finished.append(True))
    task.start()
    outcome = task.wait()
    assert outcome is not None and outcome.result == 42
    assert finished == [True]
    with pytest.raises(RuntimeError):
        task.start()
