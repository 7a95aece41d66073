"""The house's files are for the signed-in person alone, not for every user of the PC.

On Linux (and macOS) PeerDesk runs with the file-creation mask 077, so the database, its
journal files, the backups, the logs, the settings, the audit anchors and a recovery-key file
are created readable by their owner only (0600, folders 0700). Files made by an earlier
PeerDesk under the usual mask (0644, 0755) are tightened at start-up.

On Windows the records live in %LOCALAPPDATA%, which Windows already keeps to the user (and
the system and administrators); a data folder the house chose elsewhere is given the same
protection with ``icacls``: inheritance cut, full control for the user alone.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from peerdesk.core.files import windows_says_removable
from peerdesk.paths import Paths

PRIVATE_MASK = 0o077
_FOLDER_MODE = 0o700
_FILE_MODE = 0o600


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Create every file of this run for its owner alone (then put the mask back)."""
    if os.name != "posix":
        yield
        return
    previous = os.umask(PRIVATE_MASK)
    try:
        yield
    finally:
        os.umask(previous)


def tighten(paths: Paths, *, default_folders: bool) -> list[Path]:
    """Make what PeerDesk keeps private to its owner; returns what was changed.

    ``default_folders``: the data, config and log folders are PeerDesk's own (not a folder
    the person named with --db, whose other files are not PeerDesk's business)."""
    changed: list[Path] = []
    database_files = [Path(f"{paths.db}{suffix}") for suffix in ("", "-wal", "-shm", ".lock")]
    if os.name == "posix":
        folders = [paths.data_dir, paths.config_dir, paths.log_dir] if default_folders else []
        for folder in dict.fromkeys([*folders, paths.local_backup_dir]):
            changed += _tighten_tree(folder)
        for path in database_files:
            changed += _chmod(path, _FILE_MODE)
    elif sys.platform == "win32" and default_folders:
        changed += _windows_owner_only(paths.data_dir)
    return changed


def _tighten_tree(folder: Path) -> list[Path]:
    changed: list[Path] = []
    if not folder.is_dir() or folder.is_symlink():
        return changed
    changed += _chmod(folder, _FOLDER_MODE)
    for entry in folder.iterdir():
        if entry.is_symlink():
            continue
        if entry.is_dir():
            changed += _tighten_tree(entry)
        elif entry.is_file():
            changed += _chmod(entry, _FILE_MODE)
    return changed


def _chmod(path: Path, mode: int) -> list[Path]:
    """Take the group's and others' permissions away (the owner keeps at least ``mode``)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return []
    if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & PRIVATE_MASK == 0:
        return []  # not ours, or already private
    try:
        path.chmod(stat.S_IMODE(info.st_mode) & 0o700 | mode)
    except OSError:
        return []
    return [path]


def _windows_owner_only(folder: Path) -> list[Path]:
    """Give a data folder outside the user's profile an ACL for the user alone."""
    profile = os.environ.get("USERPROFILE")
    user = os.environ.get("USERNAME")
    domain = os.environ.get("USERDOMAIN")
    if not folder.is_dir() or not user or not profile or windows_says_removable(folder.resolve()):
        return []  # a stick's next PC has other users: never lock them out of it
    try:
        folder.resolve().relative_to(Path(profile).resolve())
        return []  # inside the profile: Windows keeps it to the user already
    except ValueError:
        pass
    # DOMAIN\user, so a local account of the same name is never the one given the folder.
    who = f"{domain}\\{user}" if domain else user
    result = subprocess.run(
        ["icacls", str(folder), "/inheritance:r", "/grant:r", f"{who}:(OI)(CI)F", "/q"],
        capture_output=True,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        check=False,
    )
    return [folder] if result.returncode == 0 else []
