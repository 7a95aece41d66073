"""Checking a backup through and through: opened with its secret, every chunk authenticated
and decrypted into a private work folder, then SQLite's checks, the schema and the row counts."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from peerdesk.core import db as db_module
from peerdesk.core.backup.crypto import _check_header_tag, _decrypt_chunks, _unlock
from peerdesk.core.backup.errors import (
    NewerBackup,
    _damaged,
    _is_full,
    _os_sentence,
    _pc_drive_full,
)
from peerdesk.core.backup.format import (
    BackupInfo,
    _Header,
    _info,
    _open_backup_file,
    _read_layout,
)
from peerdesk.core.backup.image_checks import WHOLE, check_image
from peerdesk.core.backup.jobs import Cancelled, Progress, _Progress, _work_parent, _WorkFolder
from peerdesk.core.backup.keys import Unlock
from peerdesk.core.backup.summary import HouseSummary, _Contents, _read_contents
from peerdesk.core.db import Database
from peerdesk.core.errors import BackupError, PeerDeskError


@dataclass(frozen=True)
class VerifiedBackup:
    """A backup opened, decrypted and checked through and through."""

    info: BackupInfo
    summary: HouseSummary
    upgraded_from: str | None  # an older schema revision, checked by upgrading a copy


@dataclass(frozen=True)
class _Checked:
    contents: _Contents
    older: bool


@contextlib.contextmanager
def _unpacked(
    path: Path, unlock: Unlock, work_parent: Path, progress: _Progress
) -> Iterator[tuple[BackupInfo, _Header, Path]]:
    """Open and authenticate ``path`` completely, decrypting it into a private work folder,
    and yield ``(info, header, image)``; the folder is removed afterwards.

    The secret and the header are proven before the folder is made, and AES-GCM proves each
    chunk genuine before its plaintext is written; when a later chunk, the length or the
    image's fingerprint turns out wrong, the folder and what was written in it are removed
    before the error is raised, so a damaged or tampered file leaves nothing behind. (A
    PeerDesk killed meanwhile leaves a locked work folder that the next one sweeps away.)
    """
    with contextlib.ExitStack() as stack:
        with _open_backup_file(path) as f:
            try:
                layout = _read_layout(f, path)
                progress.check()
                file_key = _unlock(layout, unlock)
                _check_header_tag(layout, file_key)
                work = stack.enter_context(_WorkFolder(work_parent))
                image = work.path / "image.sqlite3"
                with _ImageWriter(image) as out:
                    _decrypt_chunks(f, layout, file_key, out.write, progress.part(0.05, 1.0))
            except OSError as exc:
                raise BackupError(_os_sentence(exc, path, "read")) from exc
        yield _info(layout, path), layout.header, image


class _ImageWriter:
    """The decrypted image being written on this PC; its errors name this PC's drive."""

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            self._file = path.open("wb", buffering=1 << 20)
        except OSError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: OSError) -> BackupError:
        if _is_full(exc):
            # The work folder sits beside the database: name where the records are.
            return _pc_drive_full(self._path.parent.parent, "unpack the backup while it is checked")
        return BackupError(_os_sentence(exc, self._path.parent, "unpack the backup in"))

    def write(self, data: bytes) -> None:
        try:
            self._file.write(data)
        except OSError as exc:
            raise self._error(exc) from exc

    def __enter__(self) -> _ImageWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            if exc_type is None:
                self._file.flush()
                os.fsync(self._file.fileno())
        except OSError as exc:
            raise self._error(exc) from exc
        finally:
            try:
                self._file.close()  # writes what is still buffered
            except OSError as exc:
                if exc_type is None:
                    raise self._error(exc) from exc
                # Otherwise the error already on its way says what happened.


def _check_image(image: Path, header: _Header, progress: _Progress) -> _Checked:
    """SQLite's own checks (quick when the header records that the snapshot passed the whole
    check, see ``image_checks``), the schema revision and the row counts of a decrypted image."""
    inside = "The records inside this backup"
    try:
        c = sqlite3.connect(image, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise BackupError(f"{inside} cannot be read ({exc}); use another backup.") from exc
    try:
        try:
            found = check_image(c, whole=header.image_checked != WHOLE, progress=progress)
            if found.damage:
                raise BackupError(
                    f"{inside} are damaged (the integrity check found {found.damage} "
                    "problem(s)); use another backup."
                )
            if found.dangling:
                raise BackupError(
                    f"{inside} do not fit together ({found.dangling} record(s) point at records "
                    "that are missing); use another backup."
                )
            contents = _read_contents(c)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{inside} cannot be read ({exc}); use another backup.") from exc
    finally:
        c.close()
    revision = contents.schema_revision
    if revision != header.schema_revision or contents.row_counts != header.row_counts:
        raise _damaged("its records do not match what its header lists")
    if revision == db_module.HEAD_REVISION:
        older = False
    elif revision in db_module.known_revisions():
        older = True
    else:
        raise NewerBackup(
            "This backup was made by a newer PeerDesk (its records are at version "
            f"{revision}); install the newest PeerDesk to restore it."
        )
    progress(1.0)
    return _Checked(contents, older)


def _upgrade(path: Path) -> None:
    """Bring a decrypted image of an older PeerDesk up to this version's schema."""
    try:
        Database.open(path).close()
    except PeerDeskError as exc:
        raise BackupError(
            "This backup is from an older PeerDesk and could not be brought up to date; keep "
            "the file and ask for help."
        ) from exc


def verify_backup(
    path: Path | str,
    unlock: Unlock,
    *,
    work_dir: Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> VerifiedBackup:
    """Check a backup through and through: the secret opens it, its header is genuine, every
    chunk and the image's SHA-256 are right, SQLite's integrity and foreign-key checks pass,
    its schema is this PeerDesk's or older (an older one is upgraded in a copy to prove it
    can be), and each table has the rows the header lists.

    The decrypted image lives in a private folder under ``work_dir`` (the system's temporary
    folder by default) only while it is checked.
    """
    path = Path(path)
    tracker = _Progress(progress, cancelled, "The check was stopped; the backup was not changed.")
    with _unpacked(path, unlock, _work_parent(work_dir), tracker.part(0.0, 0.5)) as unpacked:
        info, header, image = unpacked
        checked = _check_image(image, header, tracker.part(0.5, 0.95))
        if checked.older:
            _upgrade(image)
        tracker(1.0)
    return VerifiedBackup(info, info.summary, header.schema_revision if checked.older else None)
