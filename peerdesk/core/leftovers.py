"""What a PeerDesk killed mid-way leaves behind, found and removed at the next start.

A backup is written as ``<name>.pdbk.partial`` and a backup being checked or restored is
unpacked into a private work folder beside the database (the decrypted records themselves).
Each is locked by the PeerDesk writing it, so another PeerDesk (the window and a scheduled
backup at once) never takes one in use for a leftover: only what nobody holds is removed.

Light on purpose (no cryptography): it runs at every start.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from pathlib import Path
from typing import IO

WORK_PREFIX = ".peerdesk-work-"
WORK_LOCK = "in-use.lock"
PARTIAL_PATTERN = "PeerDesk-*.pdbk.partial"
_UNLOCKED_WORK_AGE = 3600  # a work folder killed before its lock existed
_QUIET_PARTIAL_SECONDS = 60


def try_lock(handle: IO[bytes]) -> bool:
    """Take the lock of an open file without waiting; False when someone holds it."""
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


def sweep_work_folders(parent: Path) -> list[Path]:
    """Remove work folders left by a PeerDesk that was killed (their lock is free)."""
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for folder in parent.glob(WORK_PREFIX + "*"):
            lock = folder / WORK_LOCK
            try:
                handle = lock.open("r+b")
            except FileNotFoundError:
                with contextlib.suppress(OSError):
                    if time.time() - folder.stat().st_mtime > _UNLOCKED_WORK_AGE:
                        shutil.rmtree(folder, ignore_errors=True)
                        removed.append(folder)
                continue
            except OSError:
                continue
            with handle:
                if not try_lock(handle):
                    continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def sweep_partials(folder: Path) -> list[Path]:
    """Remove unfinished backup files nobody is writing (never mistaken for backups).

    Only files untouched for a minute: a writer locks its file a moment after making it, and
    on Windows even a glance at a file can stand in the way of its final rename."""
    removed: list[Path] = []
    cutoff = time.time() - _QUIET_PARTIAL_SECONDS
    with contextlib.suppress(OSError):
        for partial in folder.glob(PARTIAL_PATTERN):
            try:
                if partial.stat().st_mtime > cutoff:
                    continue
            except OSError:
                continue
            try:
                handle = partial.open("r+b")
            except OSError:
                continue  # being written (Windows refuses), or not ours to open
            with handle:
                free = try_lock(handle)
            if free:
                with contextlib.suppress(OSError):
                    partial.unlink()
                    removed.append(partial)
    return removed


def clean_leftovers(db: Path, local_backups: Path) -> list[Path]:
    """At start: work folders beside the database, and unfinished local backups."""
    return sweep_work_folders(db.parent) + sweep_partials(local_backups)
