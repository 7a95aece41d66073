"""How a backup, a check or a restore fails: each :class:`BackupError` says in one plain
sentence what happened and what to do next."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from peerdesk.core.errors import BackupError
from peerdesk.core.files import explain_os_error


class DamagedBackup(BackupError):
    """The file is not whole: cut short, changed, or with data it should not have."""


class NotABackup(BackupError):
    """The file is not a PeerDesk backup at all (empty, a plain database, something else)."""


class NewerBackup(BackupError):
    """The backup was made by a newer PeerDesk than this one."""


class WrongSecret(BackupError):
    """The passphrase, recovery key or automatic-backup key does not open this backup."""


class BackupCancelled(BackupError):
    """The person pressed Cancel; nothing was written or changed."""


class DatabaseInUse(BackupError):
    """Another window or program still has the database open."""


class RestoreDeclined(BackupError):
    """The person said no when shown what the restore would replace."""


def _damaged(why: str) -> DamagedBackup:
    return DamagedBackup(f"This backup file is damaged ({why}); use another backup.")


def _os_sentence(exc: OSError, path: Path, doing: str) -> str:
    return explain_os_error(exc, path, doing)


def _is_full(exc: BaseException) -> bool:
    """The drive ran out of room (an OSError, or SQLite saying so)."""
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    return getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL"


def _pc_drive_full(folder: Path, doing: str) -> BackupError:
    """One sentence for this PC's drive filling up, naming the folder (never the USB drive)."""
    return BackupError(
        f"This PC's drive is full: there is no room in {folder} to {doing}. Free some space "
        "on it (empty the Recycle Bin, move old files away), then try again."
    )


class _NotReadable(Exception):
    """Internal: the source file is not a readable PeerDesk database."""


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")
