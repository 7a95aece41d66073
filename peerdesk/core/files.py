"""Writing files so that a failure never leaves half a file behind.

Every export and backup is written to ``<name>.partial``, flushed to the disk, and only then
renamed over the final name. A full USB stick, a pulled drive or a missing folder ends in one
plain sentence and no partial file.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from peerdesk.core.errors import PeerDeskError

PARTIAL_SUFFIX = ".partial"


def explain_os_error(exc: OSError, path: Path, doing: str) -> str:
    """One sentence a house manager can act on, for an error while ``doing`` ``path``."""
    reason = exc.strerror or str(exc)
    hints = {
        28: "The drive is full; free some space or use another drive.",
        30: "The drive is read-only; use another drive or unlock it.",
        13: "PeerDesk is not allowed to write there; choose another folder.",
        2: "The folder does not exist; choose another folder.",
        5: "The drive stopped answering; check that it is still plugged in.",
    }
    hint = hints.get(exc.errno or 0, "Check the drive and try again.")
    return f"Could not {doing} {path} ({reason}). {hint}"


def windows_says_removable(path: Path | str) -> bool:
    """On Windows, whether the drive holding ``path`` ("E:/", or a folder on it) is one that
    can be unplugged (a USB stick, an SD card), whatever it is formatted with; elsewhere
    False (there the file system and the mount point tell)."""
    if sys.platform != "win32":
        return False
    import ctypes

    drive_removable = 2  # GetDriveTypeW's DRIVE_REMOVABLE
    root = Path(path).anchor or str(path)
    root = root.replace("/", "\\").rstrip("\\") + "\\"
    return bool(ctypes.windll.kernel32.GetDriveTypeW(root) == drive_removable)  # type: ignore[attr-defined,unused-ignore]


def fsync_file(path: Path) -> None:
    """Make a file written earlier (and closed) durable on the disk.

    Opened for writing, without truncating it: Windows flushes only through a handle that may
    write (FlushFileBuffers), so ``os.fsync`` on a file opened for reading fails there."""
    with Path(path).open("r+b") as f:
        os.fsync(f.fileno())


def fsync_directory(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where the OS cannot do it, e.g. Windows)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def write_atomically(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``path`` whole, on failure nothing changes."""
    path = Path(path)
    if not path.parent.is_dir():
        raise PeerDeskError(
            f"The folder {path.parent} does not exist. Create it first or choose another folder."
        )
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        with partial.open("wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
        fsync_directory(path.parent)
    except OSError as exc:
        _remove_quietly(partial)
        raise PeerDeskError(explain_os_error(exc, path, "write")) from exc
    except BaseException:
        _remove_quietly(partial)
        raise


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
