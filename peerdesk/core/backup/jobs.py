"""What a long backup job runs on: progress reported as a fraction of the whole, Cancel,
one function run on a second thread, and private work folders that are always removed."""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Generic, TypeVar

from peerdesk.core.backup.errors import BackupCancelled, _os_sentence
from peerdesk.core.errors import BackupError

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]
_T = TypeVar("_T")

_WORK_PREFIX = ".peerdesk-work-"
_WORK_LOCK = "in-use.lock"


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

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise BackupCancelled(self.stopped)

    def __call__(self, fraction: float) -> None:
        self.check()
        value = self._start + (self._end - self._start) * min(max(fraction, 0.0), 1.0)
        if self._report is not None and value >= self._last[0]:
            self._last[0] = value
            self._report(value)


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _sweep_work_folders(parent: Path) -> None:
    """Remove work folders left by a PeerDesk that was killed (their lock is free)."""
    with contextlib.suppress(OSError):
        for folder in parent.glob(_WORK_PREFIX + "*"):
            lock = folder / _WORK_LOCK
            try:
                handle = lock.open("r+b")
            except FileNotFoundError:
                # Killed before its lock existed: an hour later it is surely abandoned.
                with contextlib.suppress(OSError):
                    age = time.time() - folder.stat().st_mtime
                    if age > 3600:
                        shutil.rmtree(folder, ignore_errors=True)
                continue
            except OSError:
                continue
            with handle:
                if not _try_lock(handle):
                    continue
            shutil.rmtree(folder, ignore_errors=True)


class _WorkFolder:
    """A private temporary folder beside the database, locked while in use, always removed."""

    def __init__(self, parent: Path) -> None:
        _sweep_work_folders(parent)
        try:
            self.path = Path(tempfile.mkdtemp(prefix=_WORK_PREFIX, dir=parent))
        except OSError as exc:
            raise BackupError(_os_sentence(exc, parent, "make a working folder in")) from exc
        try:
            self._lock = (self.path / _WORK_LOCK).open("w+b")
            self._lock.write(b"\0")
            self._lock.flush()
            _try_lock(self._lock)
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
