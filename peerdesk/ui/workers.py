"""Slow work (PDF export, backup, restore, import, a demo house) off the window's thread.

A :class:`BackgroundTask` runs one work function on a ``QThread`` while the window stays
responsive, shows a progress dialog the person can cancel, and reports back through signals
(always in the window's thread). The work function is plain Python with no Qt in it::

    def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> Result:
        for n, item in enumerate(items):
            if cancelled():
                return None          # stop; the task reports ``cancelled``
            ...
            progress((n + 1) / len(items))
        return result

A :class:`~peerdesk.core.errors.PeerDeskError` raised by the work becomes ``failed`` with its
sentence; anything else is logged as a defect and reported with a plain sentence too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    Qt,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from peerdesk.core.errors import PeerDeskError

log = logging.getLogger(__name__)

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]

STEPS = 1000  # the progress bar's resolution (per mille)


class WorkCancelled(Exception):
    """Work may raise this to stop at once when ``cancelled()`` turns true."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("workers", text)


class _Runner(QObject):
    """Lives in the worker thread and calls the work function there."""

    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(str)
    stopped = Signal()

    def __init__(self, work: Work, cancel: threading.Event) -> None:
        super().__init__()
        self._work = work
        self._cancel = cancel
        self._last_step = -1
        self._saw_cancel = False

    def _cancelled(self) -> bool:
        # Only a cancel the work has seen counts: work that finished before it looked again
        # did finish (an import that committed must not be reported as cancelled).
        if self._cancel.is_set():
            self._saw_cancel = True
        return self._saw_cancel

    def _progress(self, fraction: float) -> None:
        step = round(max(0.0, min(1.0, fraction)) * STEPS)
        if step != self._last_step:  # one signal per visible step, not per call
            self._last_step = step
            self.progressed.emit(step / STEPS)

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self._progress, self._cancelled)
        except WorkCancelled:
            self.stopped.emit()
        except PeerDeskError as exc:
            self.failed.emit(str(exc))
        except Exception:
            log.exception("Background work failed")
            self.failed.emit(
                _tr(
                    "Something went wrong and the work was stopped; nothing more was written. "
                    "The details are in PeerDesk's log file."
                )
            )
        else:
            if self._saw_cancel:
                self.stopped.emit()
            else:
                self.succeeded.emit(result)


@dataclass(frozen=True)
class Outcome:
    """How a task ended: ``result`` when it finished, ``error`` (a sentence), or cancelled."""

    result: Any = None
    error: str | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled


class BackgroundTask(QObject):
    """One piece of slow work on its own thread, with an optional cancellable progress dialog.

    Signals (past tense, in the window's thread): ``progressed(fraction)``, then exactly one of
    ``succeeded(result)``, ``failed(sentence)`` or ``cancelled()``, then ``finished()``.
    """

    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    # Tasks still running are kept here so Python does not collect them mid-way.
    _running: ClassVar[set[BackgroundTask]] = set()

    def __init__(
        self,
        work: Work,
        *,
        parent: QWidget | None = None,
        title: str = "",
        label: str = "",
        cancellable: bool = True,
        show_progress: bool = True,
        minimum_duration_ms: int = 400,
    ) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self._thread: QThread | None = None
        self._runner: _Runner | None = None
        self.outcome: Outcome | None = None
        self.dialog: QProgressDialog | None = None
        if show_progress:
            self.dialog = self._make_dialog(
                parent, title, label, cancellable=cancellable, minimum=minimum_duration_ms
            )

    def _make_dialog(
        self, parent: QWidget | None, title: str, label: str, *, cancellable: bool, minimum: int
    ) -> QProgressDialog:
        dialog = QProgressDialog(parent)
        dialog.setWindowTitle(title or _tr("PeerDesk"))
        dialog.setLabelText(label or _tr("Working…"))
        dialog.setAccessibleName(title or label or _tr("Progress"))
        dialog.setRange(0, STEPS)
        dialog.setValue(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(minimum)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        if cancellable:
            dialog.setCancelButtonText(_tr("Cancel"))
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)  # type: ignore[arg-type]
        # QProgressDialog shows itself on a timer from construction; hold it back until start.
        dialog.reset()
        dialog.hide()
        return dialog

    # ----------------------------------------------------------------- control

    @property
    def is_running(self) -> bool:
        return self._thread is not None

    def is_cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def start(self) -> None:
        """Start the work on its own thread (once)."""
        if self._thread is not None or self.outcome is not None:
            raise RuntimeError("A background task runs once.")
        thread = QThread()
        runner = _Runner(self._work, self._cancel)
        runner.moveToThread(thread)
        thread.started.connect(runner.run)
        runner.progressed.connect(self._on_runner_progressed)
        runner.succeeded.connect(self._on_runner_succeeded)
        runner.failed.connect(self._on_runner_failed)
        runner.stopped.connect(self._on_runner_stopped)
        self._thread, self._runner = thread, runner
        BackgroundTask._running.add(self)
        if self.dialog is not None:
            self.dialog.setValue(0)
        thread.start()

    @Slot()
    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next ``cancelled()`` check."""
        self._cancel.set()
        if self.dialog is not None:
            self.dialog.setLabelText(_tr("Stopping…"))

    def wait(self, timeout_ms: int = 30_000) -> Outcome | None:
        """Run the window's events until the task ends (for start-up work and tests).

        None when it is still running after ``timeout_ms``."""
        deadline = time.monotonic() + timeout_ms / 1000
        while self.outcome is None and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            thread = self._thread
            if self.outcome is None and thread is not None:
                thread.wait(10)  # sleep a little, or less if the work is done
        return self.outcome

    # ----------------------------------------------------------------- reports

    @Slot(float)
    def _on_runner_progressed(self, fraction: float) -> None:
        # Announce first: a modal progress dialog's setValue runs the event loop, which
        # delivers the next steps inside this one; announcing after it would reorder them.
        self.progressed.emit(fraction)
        if self.dialog is not None and not self._cancel.is_set():
            self.dialog.setValue(round(fraction * STEPS))

    @Slot(object)
    def _on_runner_succeeded(self, result: object) -> None:
        self._end(Outcome(result=result))
        self.succeeded.emit(result)
        self.finished.emit()

    @Slot(str)
    def _on_runner_failed(self, sentence: str) -> None:
        self._end(Outcome(error=sentence))
        self.failed.emit(sentence)
        self.finished.emit()

    @Slot()
    def _on_runner_stopped(self) -> None:
        self._end(Outcome(cancelled=True))
        self.cancelled.emit()
        self.finished.emit()

    def _end(self, outcome: Outcome) -> None:
        self.outcome = outcome
        thread = self._thread
        if thread is not None:
            thread.quit()
            thread.wait()
        self._thread = None
        self._runner = None
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
        BackgroundTask._running.discard(self)
