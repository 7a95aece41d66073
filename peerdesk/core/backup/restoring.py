"""Restoring a backup: verified completely before anything is touched, shown beside what the
PC holds now, a safety backup of the current database, then the file swapped in atomically."""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import shutil
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from peerdesk.core import audit, clock
from peerdesk.core.audit import Actor
from peerdesk.core.audit_anchor import AnchorFile
from peerdesk.core.backup.crypto import _Recipients
from peerdesk.core.backup.errors import (
    DatabaseInUse,
    RestoreDeclined,
    _is_busy,
    _is_full,
    _NotReadable,
    _os_sentence,
    _pc_drive_full,
)
from peerdesk.core.backup.format import EXTENSION, BackupInfo
from peerdesk.core.backup.jobs import Cancelled, Progress, _Background, _Progress
from peerdesk.core.backup.keeping import _delete, _same_house
from peerdesk.core.backup.keys import LocalKey, Unlock, local_key_path
from peerdesk.core.backup.recovery import _PREF_RECOVERY, _recovery_from_json
from peerdesk.core.backup.summary import (
    HouseSummary,
    _Contents,
    _current_summary,
    _read_without_changing,
)
from peerdesk.core.backup.verifying import (
    VerifiedBackup,
    _check_image,
    _unpacked,
    verify_backup,
)
from peerdesk.core.backup.writing import _Made, _make_backup
from peerdesk.core.db import Database
from peerdesk.core.errors import BackupError, PeerDeskError
from peerdesk.core.files import fsync_directory, fsync_file
from peerdesk.core.house_identity import shown
from peerdesk.core.models import BackupRecord, Preference, User
from peerdesk.core.permissions import Action
from peerdesk.paths import Paths

# How long a restore waits for another window to let go of the database before it gives up.
_SWAP_BUSY_SECONDS = 2.0


@dataclass(frozen=True)
class RestorePreview:
    """What a restore would bring back, beside what the PC has now (None: no database yet)."""

    backup: VerifiedBackup
    current: HouseSummary | None
    current_problem: str = ""  # why the PC's file could not be read, when it could not

    @property
    def other_house(self) -> bool:
        """The backup is of another house than the one whose records are on this PC (not a
        different moment of the same house): restoring it changes which house this PC holds."""
        now = self.current
        if now is None or not (
            now.residents or now.mentors or now.peer_sessions or now.supervision_notes
        ):
            return False  # nothing of a house here yet (a new PC, a house only just named)
        there = self.backup.summary.house_id
        return bool(now.house_id and there and now.house_id != there)

    def other_house_sentence(self) -> str:
        """What the question says when the backup is of another house."""
        assert self.current is not None
        made = self.backup.summary
        return (
            f"This backup is of another house: {made.house_name or 'a house with no name'} "
            f"(house ID {shown(made.house_id)}), not {self.current.house_name or 'the house'} "
            f"now on this PC (house ID {shown(self.current.house_id)}). Restoring it puts that "
            "house's records in place of this one's."
        )


@dataclass(frozen=True)
class RestoreResult:
    db_path: Path
    restored: HouseSummary
    backup: BackupInfo
    safety_copy: Path | None  # the database that was replaced, kept in the local backup folder
    replaced: HouseSummary | None


def preview_restore(
    path: Path | str,
    unlock: Unlock,
    paths: Paths,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> RestorePreview:
    """Verify a backup through and through and say what restoring it would replace, changing
    nothing: what a restore shows before it asks (the window shows it, then restores)."""
    work = paths.db.parent if paths.db.parent.is_dir() else None
    verified = verify_backup(path, unlock, work_dir=work, progress=progress, cancelled=cancelled)
    current, problem = _current_summary(paths.db)
    return RestorePreview(verified, current, problem)


def _raw_copy_aside(target: Path, folder: Path) -> Path:
    """Keep an unreadable database exactly as it is (it cannot go into a backup file)."""
    stamp = clock.to_local(clock.now_utc()).strftime("%Y%m%d-%H%M%S")
    copy = folder / f"{target.stem}-unreadable-before-restore-{stamp}{target.suffix}"
    try:
        for suffix in ("", "-wal"):
            source = Path(str(target) + suffix)
            if source.exists():
                dest = Path(str(copy) + suffix)
                shutil.copyfile(source, dest)
                fsync_file(dest)
        fsync_directory(folder)
    except OSError as exc:
        raise BackupError(
            _os_sentence(exc, folder, "keep a copy of the current database in")
        ) from exc
    return copy


@dataclass(frozen=True)
class _Safety:
    """The safety backup of the database about to be replaced, and what it holds (None for
    an unreadable database kept as a plain copy)."""

    path: Path
    contents: _Contents | None
    made: _Made | None = None  # the backup file written (None for a plain copy)

    def discard(self) -> None:
        """Remove it: the restore it was made for did not happen."""
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink(missing_ok=True)

    def still_current(self, target: Path) -> bool:
        """Whether the database it was made from has not changed since (every change a
        PeerDesk makes adds or removes rows or writes an audit line)."""
        if self.contents is None:
            return True
        try:
            now = _read_without_changing(target)
        except sqlite3.Error:
            return False
        return (now.row_counts, now.audit_mark) == (
            self.contents.row_counts,
            self.contents.audit_mark,
        )


def _safety_backup(target: Path, paths: Paths, progress: _Progress) -> _Safety:
    """Back up the database about to be replaced into the local backup folder."""
    folder = paths.local_backup_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(_os_sentence(exc, folder, "make the backup folder")) from exc
    local = LocalKey.load_or_create(local_key_path(paths))
    recovery = None
    with contextlib.suppress(sqlite3.Error):
        c = sqlite3.connect(target, isolation_level=None)
        try:
            row = c.execute(
                "SELECT value FROM preferences WHERE key = ?", (_PREF_RECOVERY,)
            ).fetchone()
            recovery = _recovery_from_json(row[0]) if row else None
        finally:
            c.close()
    try:
        made = _make_backup(
            target,
            folder,
            "safety",
            _Recipients(recovery=recovery, local=local),
            suffix="-before-restore",
            progress=progress,
        )
    except BackupError as exc:
        if isinstance(exc.__cause__, _NotReadable):
            return _Safety(_raw_copy_aside(target, folder), None)
        if exc.__cause__ is not None and _is_full(exc.__cause__):
            raise _pc_drive_full(
                folder, "keep a safety copy of the records now on this PC before the restore"
            ) from exc
        raise
    return _Safety(made.path, made.contents, made)


def _thin_safety_copies(folder: Path, made: _Made, target: Path) -> None:
    keep = 10
    with contextlib.suppress(sqlite3.Error, TypeError):
        c = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            keep = int(c.execute("SELECT backups_to_keep FROM house_settings").fetchone()[0])
        finally:
            c.close()
    ours = _same_house(folder, made, "safety", suffix="-before-restore")  # newest first
    _delete(info.path for info in ours[max(keep, 1) :] if info.path != made.path)


def _prepare_restored(
    image: Path,
    actor: Actor,
    info: BackupInfo,
    safety: Path | None,
) -> tuple[int, str]:
    """Upgrade the restored image if it is older, log the restore in it, and fold its WAL
    into the one file, so the swap moves a finished database. Returns the head of its audit
    trail (the restore's own line), for this PC's anchor."""
    try:
        restored = Database.open(image)
    except PeerDeskError as exc:
        raise BackupError(
            "This backup is from an older PeerDesk and could not be brought up to date; keep "
            "the file and ask for help."
        ) from exc
    made = clock.to_local(info.created_at).strftime("%d %b %Y %H:%M")
    try:
        with restored.begin() as s:
            # The person restoring signed in to the house that was here: in the restored
            # records their account may not exist, or its number may be someone else's.
            same = (
                actor.user_id is not None
                and s.execute(
                    select(User.id).where(User.id == actor.user_id, User.username == actor.username)
                ).first()
            )
            if not same:
                actor = replace(actor, user_id=None)
            if safety is not None:
                s.add(
                    BackupRecord(
                        at=clock.now_utc(),
                        username=actor.username,
                        kind="safety",
                        location=str(safety),
                        size_bytes=safety.stat().st_size,
                        verified=safety.suffix == EXTENSION,
                        message="The database that was on this PC, kept before a restore.",
                    )
                )
            if info.kind == "usb":
                # The records now are this backup's: it is their last USB backup, as old as
                # it is (it was read whole and checked to restore it), so Home does not say
                # the house was never backed up, nor that its backup is newer than it is.
                s.add(
                    BackupRecord(
                        at=info.created_at,
                        username=actor.username,
                        kind="usb",
                        location=str(info.path),
                        size_bytes=info.file_size,
                        verified=True,
                        message="The USB backup these records were restored from.",
                    )
                )
            record = BackupRecord(
                at=clock.now_utc(),
                username=actor.username,
                kind="restore",
                location=str(info.path),
                size_bytes=info.file_size,
                verified=True,
                message=f"Restored the backup made on {made}.",
            )
            s.add(record)
            s.flush()
            audit.record(
                s,
                actor,
                "restore",
                "backup_log",
                record.id,
                f"Restored the backup {info.path.name} made on {made}",
            )
            head: tuple[int, str] = s.info[audit.HEAD_INFO]
            # From here on a trail of its own: the backups of the trail it replaced, and of
            # any other copy restored from the same backup, no longer speak for it.
            s.merge(Preference(key=audit.TRAIL_KEY, value=secrets.token_hex(8)))
    except (SQLAlchemyError, OSError) as exc:
        raise BackupError(
            f"The restored records could not be prepared ({exc}); nothing was changed."
        ) from exc
    finally:
        restored.close()
    c = sqlite3.connect(image, isolation_level=None)
    try:
        c.execute("PRAGMA journal_mode = DELETE")
    finally:
        c.close()
    fsync_file(image)
    return head


def _swap_in(image: Path, target: Path) -> None:
    """Put ``image`` in place of ``target`` so that no old WAL can ever be replayed over it.

    Switching the old database out of WAL mode checkpoints every committed transaction into
    the main file and deletes its ``-wal`` and ``-shm``; SQLite refuses the switch while any
    other connection is open, which is how a window still using the file is detected. Only
    then is the restored file renamed over it.
    """
    if target.exists() and target.stat().st_size > 0:
        try:
            c = sqlite3.connect(target, isolation_level=None, timeout=_SWAP_BUSY_SECONDS)
        except sqlite3.Error:
            c = None
        if c is not None:
            try:
                c.execute("PRAGMA journal_mode = DELETE").fetchone()
            except sqlite3.Error as exc:
                if _is_busy(exc):
                    raise DatabaseInUse(
                        f"{target.name} is still open in PeerDesk or another program; close it "
                        "and restore again (nothing was changed)."
                    ) from exc
                # Not a database SQLite can read: nothing in it to fold in.
            finally:
                c.close()
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(image, target)
        fsync_directory(target.parent)
    except OSError as exc:
        raise BackupError(_os_sentence(exc, target, "replace")) from exc


def restore_backup(
    path: Path | str,
    unlock: Unlock,
    paths: Paths,
    *,
    actor: Actor,
    confirm: Callable[[RestorePreview], bool] | None = None,
    replace_other_house: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> RestoreResult:
    """Replace the database at ``paths.db`` with the one in a backup.

    A backup of another house than the one on this PC is restored only when ``confirm``
    (which sees :attr:`RestorePreview.other_house`) agrees, or ``replace_other_house`` says
    so: agreeing in advance without a question is for the same house only.

    Verifies the backup fully first; calls ``confirm`` with what is in it beside what is on
    the PC (not called when the PC has no database yet; ``None`` means already confirmed);
    keeps a safety backup of the current database in ``paths.local_backup_dir``; then swaps
    the file in atomically. Close every :class:`Database` on ``paths.db`` before calling.
    Until the swap, a failure or a Cancel leaves the current database exactly as it was, and
    no safety backup behind (it is made while the backup is checked, so it is removed again).
    """
    actor.require(Action.RESTORE)
    path = Path(path)
    target = paths.db
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the name of the database file.")
    if not target.parent.is_dir():
        raise BackupError(
            f"The folder {target.parent} does not exist; create it first, or choose another "
            "place for the database."
        )
    stopped = "The restore was stopped; the records on this PC are as they were."
    tracker = _Progress(progress, cancelled, stopped)
    with _unpacked(path, unlock, target.parent, tracker.part(0.0, 0.4)) as unpacked:
        info, header, image = unpacked
        has_current = target.exists() and target.stat().st_size > 0
        # The safety backup reads only the current database, so it is made on a second thread
        # while SQLite checks the image (the longest step); it is removed again if the check
        # fails, the restore is declined or stopped, and made anew if the database changed
        # while the question was open.
        abandon = threading.Event()
        early: _Background[_Safety] | None = None
        if has_current:

            def give_up() -> bool:
                return abandon.is_set() or (cancelled is not None and cancelled())

            quiet = _Progress(None, give_up, stopped)
            early = _Background(
                functools.partial(_safety_backup, target, paths, quiet), "peerdesk-safety"
            )
        try:
            checked = _check_image(image, header, tracker.part(0.4, 0.9))
            current, problem = _current_summary(target)
            verified = VerifiedBackup(
                info, info.summary, header.schema_revision if checked.older else None
            )
            preview = RestorePreview(verified, current, problem)
            if confirm is not None and has_current and not confirm(preview):
                raise RestoreDeclined(
                    "Nothing was restored; the records on this PC are as they were."
                )
            if preview.other_house and confirm is None and not replace_other_house:
                # Answering yes in advance (--yes) is for the same house only.
                raise RestoreDeclined(
                    f"{preview.other_house_sentence()} Nothing was restored: to do it, answer "
                    "the question in a terminal, or add --replace-house; or restore onto a new "
                    "database with --db."
                )
            tracker.check()
            safety = early.result() if early is not None else None
        except BaseException:
            if early is not None:
                abandon.set()
                with contextlib.suppress(BaseException):
                    early.result().discard()
            raise
        if safety is not None and not safety.still_current(target):
            safety.discard()
            safety = _safety_backup(target, paths, tracker.part(0.9, 0.95))
        tracker(0.95)
        safety_copy = safety.path if safety is not None else None
        try:
            head = _prepare_restored(image, actor, info, safety_copy)
            tracker.check()
            _swap_in(image, target)
            # PeerDesk replaced the trail itself: this PC's anchor holds the restored one from
            # now on (at once, so a failure below never leaves the old anchor against it).
            with contextlib.suppress(OSError):
                AnchorFile.for_database(paths.config_dir, target).reset(*head)
        except BaseException:
            # While the image is still in the work folder the swap did not happen and the
            # safety backup is not needed; once it is gone it is kept whatever went wrong.
            if safety is not None and image.exists():
                safety.discard()
            raise
    # The swap is done: from here a Cancel pressed meanwhile must not claim nothing changed.
    if progress is not None:
        progress(1.0)
    try:
        Database.open(target).close()  # reopen: sets WAL again, proves it opens
    except PeerDeskError as exc:
        kept = f"; the records that were here are kept in {safety_copy}" if safety_copy else ""
        raise BackupError(
            f"The backup was put in place but PeerDesk cannot open it now{kept}; ask for help."
        ) from exc
    if safety is not None and safety.made is not None:
        # Safety copies are kept like USB backups: the house's newest few, never more. Only
        # now that the restore is done: a declined or failed one must not cost an older copy.
        _thin_safety_copies(paths.local_backup_dir, safety.made, target)
    restored, _ = _current_summary(target)
    return RestoreResult(
        db_path=target,
        restored=restored or info.summary,
        backup=info,
        safety_copy=safety_copy,
        replaced=current,
    )
