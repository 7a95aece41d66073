"""A Windows house kept by an earlier PeerDesk moves to where its records belong.

PeerDesk 0.1.0 on Windows asked ``platformdirs`` for its folders with the program's name given
twice, so the records landed in ``%LOCALAPPDATA%\\PeerDesk\\PeerDesk`` instead of
``%LOCALAPPDATA%\\PeerDesk``, where the README, the installer and About say they are. At its
first start a newer PeerDesk moves everything of that folder (the database, the automatic
backups and their key, the settings, the log) up one level, before anything opens it.

Nothing is lost on the way: the database is checkpointed first (so its write-ahead log holds
nothing), each file is moved by a rename on the same drive, nothing that already exists in
the new place is overwritten, and when the old house is still open in another window, or a
file cannot be moved, PeerDesk uses the old folder for this run and tries again next time.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from peerdesk.paths import APP_NAME, DB_FILENAME, HOME_ENV, Paths

# The window's lock beside the database (a QLockFile: Windows refuses to delete a live one).
_LOCK_SUFFIX = ".lock"


@dataclass(frozen=True)
class FolderMove:
    """What happened to the old folder at start: the paths to use, and one line for the log
    (the caller writes it once the log is open, since the log may have moved too)."""

    paths: Paths
    moved: bool
    detail: str  # "" when there was nothing to do


def old_windows_folder(paths: Paths) -> Path:
    """Where PeerDesk 0.1.0 kept a Windows house: a ``PeerDesk`` folder inside the right one."""
    return paths.data_dir / APP_NAME


def settle_default_folder(
    paths: Paths, *, environ: dict[str, str] | None = None, platform: str | None = None
) -> FolderMove:
    """On Windows, with the default folders, move a house out of the old folder (see above).

    ``paths`` are the defaults (no ``--data-dir``, no ``--db``); anywhere else, or with
    ``PEERDESK_HOME`` set, nothing is looked at.
    """
    env = os.environ if environ is None else environ
    if (platform or sys.platform) != "win32" or env.get(HOME_ENV):
        return FolderMove(paths, moved=False, detail="")
    return move_house(old_windows_folder(paths), paths)


def move_house(old: Path, paths: Paths) -> FolderMove:
    """Move every file of ``old`` into ``paths.data_dir`` (``old`` is inside it).

    Returns the paths to use for this run: the new ones when the house is there (moved now
    or before), the old folder's when the house had to stay where it was.
    """
    new = paths.data_dir
    old_db = old / DB_FILENAME
    if not old.is_dir():
        return FolderMove(paths, moved=False, detail="")
    stay = _paths_in(old, paths)
    if old_db.exists() and paths.db.exists():
        # Two houses: never merge or choose between them without a person. The new one is
        # the one a newer PeerDesk made, so it opens; the old one stays untouched.
        detail = (
            f"Two databases: {paths.db} and {old_db}. The first opens; the second was left "
            "where it is (open it with --db to look at it)."
        )
        return FolderMove(paths, moved=False, detail=detail)
    if old_db.exists():
        problem = _quiet_database(old_db)
        if problem:
            detail = f"The records stay in {old} for now: {problem}"
            return FolderMove(stay, moved=False, detail=detail)
    old_db_moved = old_db.exists()
    if not old_db_moved and paths.db.exists() and not any(old.iterdir()):
        return FolderMove(paths, moved=False, detail="")  # another PeerDesk moved it just now
    if old_db_moved:
        # The database first: when it cannot move, nothing else has, and the house opens
        # whole from the old folder.
        try:
            os.rename(old_db, paths.db)
        except OSError as exc:
            detail = f"The records stay in {old} for now: {DB_FILENAME} could not be moved ({exc})."
            return FolderMove(stay, moved=False, detail=detail)
    moved, left = _move_children(old, new)
    if not left:
        try:
            old.rmdir()
        except OSError:
            left = ["(the folder itself)"]
    detail = f"Moved the house's records from {old} to {new}" + (
        f"; these stayed in the old folder (already in the new one, or in use): {', '.join(left)}."
        if left
        else "."
    )
    return FolderMove(paths, moved=old_db_moved or bool(moved), detail=detail)


def _paths_in(folder: Path, paths: Paths) -> Paths:
    """The same paths with the data and settings in ``folder`` (the logs too, as 0.1.0 had)."""
    return replace(
        paths,
        db=folder / DB_FILENAME,
        data_dir=folder,
        config_dir=folder if paths.config_dir == paths.data_dir else paths.config_dir,
        log_dir=folder / paths.log_dir.relative_to(paths.data_dir)
        if paths.log_dir.is_relative_to(paths.data_dir)
        else paths.log_dir,
    )


def _quiet_database(db: Path) -> str:
    """Fold the write-ahead log into the database and make sure nobody has it open.

    Returns "" when the file can be moved, else why not (one sentence)."""
    lock = db.with_name(db.name + _LOCK_SUFFIX)
    if lock.exists():
        try:
            lock.unlink()  # a lock left by a window that crashed; a live one refuses this
        except OSError:
            return "it is open in another PeerDesk window."
    try:
        # Never create it: another PeerDesk starting at the same moment may have moved it.
        connection = sqlite3.connect(
            f"{db.as_uri()}?mode=rw", uri=True, timeout=2.0, isolation_level=None
        )
    except sqlite3.Error as exc:
        if not db.exists():
            return ""
        return f"it could not be opened ({exc})."
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as exc:
        return f"it could not be checked ({exc})."
    finally:
        connection.close()
    if busy:
        return "it is open in another PeerDesk window or program."
    return ""


def _move_children(source: Path, target: Path) -> tuple[list[str], list[str]]:
    """Rename each entry of ``source`` into ``target``.

    Folders that exist on both sides are merged; a file that exists on both sides is left in
    ``source``. Returns the names moved and the names left behind."""
    moved: list[str] = []
    left: list[str] = []
    for entry in sorted(source.iterdir()):
        destination = target / entry.name
        if destination.exists():
            if entry.is_dir() and destination.is_dir():
                _, inner_left = _move_children(entry, destination)
                left += [f"{entry.name}/{name}" for name in inner_left]
                if not inner_left:
                    _remove_empty(entry)
                    moved.append(entry.name)
            else:
                left.append(entry.name)
            continue
        try:
            os.rename(entry, destination)
        except OSError:
            left.append(entry.name)
        else:
            moved.append(entry.name)
    return moved, left


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()
