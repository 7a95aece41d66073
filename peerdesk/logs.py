"""The log file, and what happens when PeerDesk itself fails.

A house has nobody to read a traceback, and a windowed build has no console. So every run
writes to a rotating log under the user log folder; an unexpected error writes its traceback
there and shows one plain sentence (the window adds a "Copy details" button); and
``faulthandler`` writes a crash of Python itself to the same folder.

Nothing personal goes into the log: no passwords, passphrases or record contents — only what
PeerDesk was doing and the technical details of a failure.
"""

from __future__ import annotations

import faulthandler
import io
import logging
import logging.handlers
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TextIO

from peerdesk import __version__

LOGGER_NAME = "peerdesk"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5

_fault_file: TextIO | None = None


def setup_logging(log_dir: Path, *, verbose: bool = False) -> Path:
    """Log to ``log_dir/peerdesk.log`` (rotating, 5 × 1 MB) and point faulthandler at
    ``log_dir/crash.log``. Returns the log file's path. Safe to call more than once."""
    global _fault_file
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / "peerdesk.log"
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not any(getattr(h, "baseFilename", None) == str(log_file) for h in logger.handlers):
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    if _fault_file is None:
        _fault_file = (log_dir / "crash.log").open("a", encoding="utf-8")
        faulthandler.enable(file=_fault_file, all_threads=True)
    logger.info("PeerDesk %s started (Python %s)", __version__, sys.version.split()[0])
    return log_file


def describe_failure(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """The technical details a helper needs: version, platform and the traceback."""
    lines = traceback.format_exception(exc_type, exc, tb)
    return f"PeerDesk {__version__} on {sys.platform}, Python {sys.version.split()[0]}\n" + "".join(
        lines
    )


FAILURE_SENTENCE = (
    "Something went wrong inside PeerDesk and it stopped what it was doing. Your saved "
    "records are safe. If it happens again, copy the details for whoever helps you."
)


def install_exception_hook(show: Callable[[str, str], None]) -> None:
    """Route uncaught exceptions to the log and to ``show(sentence, details)``."""
    logger = logging.getLogger(LOGGER_NAME)

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = describe_failure(exc_type, exc, tb)
        logger.error("Unexpected error:\n%s", details)
        try:
            show(FAILURE_SENTENCE, details)
        except Exception:  # the display itself failed: the log still has it
            logger.exception("Could not show the error to the user")

    sys.excepthook = hook


class ConsoleToLog(io.TextIOBase):
    """Stands in for a console that is not there: each line written goes to the log.

    A windowed build on Windows starts with ``sys.stdout`` and ``sys.stderr`` set to None, so
    a sentence meant for the person (or the self-test's report) would vanish, and code that
    calls ``sys.stderr.write`` would fail. Lines written before the log is open wait until it
    is (the first few hundred of them).
    """

    EARLY_LIMIT = 500

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level
        self._partial = ""
        self._early: list[str] = []
        self._busy = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        self._emit(lines)
        return len(text)

    def flush(self) -> None:
        if self._partial:
            line, self._partial = self._partial, ""
            self._emit([line])

    def _emit(self, lines: list[str]) -> None:
        lines = [line for line in lines if line.strip()]
        if self._busy or not lines:
            return  # logging itself wrote here: never loop
        if not logging.getLogger(LOGGER_NAME).handlers:
            self._early.extend(lines[: self.EARLY_LIMIT - len(self._early)])
            return
        self._busy = True
        try:
            console = logging.getLogger(f"{LOGGER_NAME}.console")
            for line in [*self._early, *lines]:
                console.log(self.level, "%s", line)
            self._early.clear()
        finally:
            self._busy = False


def route_missing_streams() -> None:
    """Give a windowed build the standard streams it lacks: output and errors to the log, and
    an empty input (so "is this a terminal?" is simply no)."""
    if sys.stdout is None:
        sys.stdout = ConsoleToLog(logging.INFO)
    if sys.stderr is None:
        sys.stderr = ConsoleToLog(logging.WARNING)
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (open for the whole run)
