"""The automatic backups into the local backup folder: due when something changed (every 30
minutes, and when the window closes), sealed with this PC's key, thinned by age."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import clock
from peerdesk.core.audit import Actor
from peerdesk.core.backup.crypto import _Recipients
from peerdesk.core.backup.errors import BackupCancelled, _os_sentence
from peerdesk.core.backup.format import CHUNK_SIZE
from peerdesk.core.backup.jobs import Cancelled, Progress, _Progress
from peerdesk.core.backup.keeping import _delete, _same_house, backups_to_keep_by_age
from peerdesk.core.backup.keys import LocalKey, local_key_path
from peerdesk.core.backup.log import _log_failure, _log_made
from peerdesk.core.backup.recovery import recovery_key_info
from peerdesk.core.backup.summary import _BACKUP_ACTIONS
from peerdesk.core.backup.writing import BackupResult, _make_backup
from peerdesk.core.db import Database
from peerdesk.core.errors import BackupError
from peerdesk.core.models import AuditEvent, BackupRecord, Preference
from peerdesk.paths import Paths

AUTOMATIC_INTERVAL: Final = dt.timedelta(minutes=30)

_PREF_AUTOMATIC_MARK = "backup.automatic.audit_mark"

# Audit lines that change no record: signing in and out, the lock, a refusal, a report saved.
# A window opened, looked at and closed again leaves only these, and needs no backup.
_NOT_CHANGES = (*_BACKUP_ACTIONS, "login", "login_failed", "logout", "lock", "unlock",
                "denied", "export")  # fmt: skip


def _audit_mark(s: Session) -> int:
    """The newest audit line that changed a record."""
    return int(
        s.execute(
            select(func.coalesce(func.max(AuditEvent.id), 0)).where(
                AuditEvent.action.not_in(_NOT_CHANGES)
            )
        ).scalar_one()
    )


def automatic_backup_due(
    db: Database, *, on_exit: bool = False, now: dt.datetime | None = None
) -> bool:
    """True when a record changed since the last automatic backup (a sign-in, the lock or a
    printed report is not a change) and, unless the window is closing, the last one is at
    least 30 minutes old."""
    with db.read() as s:
        mark = _audit_mark(s)
        stored = s.get(Preference, _PREF_AUTOMATIC_MARK)
        last_mark = int(stored.value) if stored is not None and stored.value.isdigit() else 0
        if mark == 0 or mark <= last_mark:
            return False
        if on_exit:
            return True
        last = s.execute(
            select(func.max(BackupRecord.at)).where(
                BackupRecord.kind == "automatic", BackupRecord.verified.is_(True)
            )
        ).scalar_one_or_none()
    moment = now or clock.now_utc()
    return last is None or moment - last >= AUTOMATIC_INTERVAL


def back_up_automatically(
    db: Database,
    actor: Actor,
    paths: Paths,
    *,
    on_exit: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> BackupResult | None:
    """The window calls this on exit and every 30 minutes: back up into the local backup
    folder when something changed (None when nothing did), then thin that folder by age.

    Automatic backups are sealed with this PC's automatic-backup key and, once the house has
    one, its recovery key.
    """
    if not automatic_backup_due(db, on_exit=on_exit):
        return None
    folder = paths.local_backup_dir
    with db.read() as s:
        recovery = recovery_key_info(s)
    tracker = _Progress(progress, cancelled, "The automatic backup was stopped.")
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(_os_sentence(exc, folder, "make the backup folder")) from exc
        local = LocalKey.load_or_create(local_key_path(paths))
        made = _make_backup(
            db.path,
            folder,
            "automatic",
            _Recipients(recovery=recovery, local=local),
            chunk_size=chunk_size,
            progress=tracker,
        )
    except BackupCancelled:
        raise
    except BackupError as exc:
        _log_failure(db, actor, "automatic", folder, str(exc))
        raise
    ours = _same_house(folder, made, "automatic")
    keep = backups_to_keep_by_age(clock.to_local(i.created_at) for i in ours)
    removed, not_removed = _delete(
        i.path
        for i in ours
        if clock.to_local(i.created_at) not in keep
        and i.path != made.path
        and i.created_at <= made.info.created_at
    )
    mark = made.contents.audit_mark

    def remember(s: Session) -> None:
        s.merge(Preference(key=_PREF_AUTOMATIC_MARK, value=str(mark)))

    info = made.info
    note = _log_made(
        db,
        actor,
        "automatic",
        made.path,
        size=info.file_size,
        verified=True,
        message="Verified.",
        audit_action="automatic backup",
        audit_summary=f"Automatic backup written to {made.path} and verified",
        extra=remember,
    )
    return BackupResult(made.path, info, True, removed, not_removed, note)
