"""What a long backup job runs on: progress reported as a fraction of the whole, Cancel,
one function run on a second thread, and private work folders that are always removed."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from peerdesk.core.backup.errors import BackupCancelled, _os_sentence
from peerdesk.core.errors import BackupError
from peerdesk.core.leftovers import WORK_LOCK, WORK_PREFIX, sweep_work_folders, try_lock

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]
_T = TypeVar("_T")


class _Progress:
    """Report a fraction of the whole job, and stop when asked to."""

    def __init__(
        self,
        report: Progress | None,
        cancelled: Cancelled | None,
        stopped: str,
        start: float = 0.0,
        end: float = 1.0,
        _last: list[float] | None = None,
    ) -> None:
        self._report = report
        self._cancelled = cancelled
        self.stopped = stopped
        self._start = start
        self._end = end
        self._last = _last if _last is not None else [0.0]

    def part(self, start: float, end: float) -> _Progress:
        span = self._end - self._start
        return _Progress(
            self._report,
            self._cancelled,
            self.stopped,
            self._start + span * start,
            self._start + span * end,
            self._last,
        )

    def silent(self) -> _Progress:
        """The same Cancel, reporting nothing (for work on a second thread)."""
        return _Progress(None, self._cancelled, self.stopped)

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise BackupCancelled(self.stopped)

    def __call__(self, fraction: float) -> None:
        self.check()
        value = self._start + (self._end - self._start) * min(max(fraction, 0.0), 1.0)
        if self._report is not None and value >= self._last[0]:
            self._last[0] = value
            self._report(value)


class _WorkFolder:
    """A private temporary folder beside the database, locked while in use, always removed."""

    def __init__(self, parent: Path) -> None:
        sweep_work_folders(parent)
        try:
            self.path = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=parent))
        except OSError as exc:
            raise BackupError(_os_sentence(exc, parent, "make a working folder in")) from exc
        try:
            self._lock = (self.path / WORK_LOCK).open("w+b")
            self._lock.write(b"\0")
            self._lock.flush()
            try_lock(self._lock)
        except OSError as exc:
            shutil.rmtree(self.path, ignore_errors=True)
            raise BackupError(_os_sentence(exc, parent, "make a working folder in")) from exc

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._lock.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> _WorkFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _work_parent(preferred: Path | None) -> Path:
    if preferred is not None and preferred.is_dir():
        return preferred
    return Path(tempfile.gettempdir())


class _Background(Generic[_T]):
    """Run one function on a thread: the passphrase KDF overlaps the database snapshot, and a
    restore's safety backup overlaps the checks of the backup being restored."""

    def __init__(self, fn: Callable[[], _T], name: str = "peerdesk-kdf") -> None:
        self._result: _T | None = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._result = fn()
            except BaseException as exc:  # handed to result(); the thread must not die loudly
                self._error = exc

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def result(self) -> _T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result
