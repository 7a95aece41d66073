"""Backing the house up to a USB drive with a passphrase: the backup a person asks for."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.core.audit import Actor
from peerdesk.core.backup.crypto import _Recipients
from peerdesk.core.backup.errors import BackupCancelled
from peerdesk.core.backup.format import CHUNK_SIZE
from peerdesk.core.backup.jobs import Cancelled, Progress, _Progress
from peerdesk.core.backup.keeping import _keep_newest
from peerdesk.core.backup.keys import (
    DEFAULT_KDF,
    KdfSettings,
    LocalKey,
    Passphrase,
    check_new_passphrase,
)
from peerdesk.core.backup.log import _log_failure, _log_made
from peerdesk.core.backup.recovery import recovery_key_info
from peerdesk.core.backup.writing import BackupResult, _make_backup
from peerdesk.core.db import Database
from peerdesk.core.errors import BackupError
from peerdesk.core.models import BackupRecord
from peerdesk.core.permissions import Action
from peerdesk.core.services.settings import get_settings


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(size // 1000, 1)} kB"


def back_up(
    db: Database,
    actor: Actor,
    folder: Path | str,
    passphrase: Passphrase | None,
    *,
    local_key: LocalKey | None = None,
    kdf: KdfSettings = DEFAULT_KDF,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> BackupResult:
    """Back the house up into ``folder`` (a USB drive), read the file back, and keep the
    newest ``backups_to_keep`` backups of this house there.

    With a ``passphrase`` (administrators only) the file opens with it and, once the house has
    one, the recovery key. Without one it opens only with the house's own keys: the recovery
    key (and this PC's key, ``local_key``, when a caller gives it), so nobody takes home a
    backup that a key of their own opens. The window and the command line give no PC key: on
    a shared Windows account its file could go home with the stick.
    """
    db.require(actor, Action.BACKUP)
    folder = Path(folder)
    with db.read() as s:
        keep = get_settings(s).backups_to_keep
        recovery = recovery_key_info(s)
        previous = _last_verified_in(s, folder)
    if passphrase is not None:
        db.require(actor, Action.BACKUP_WITH_OWN_PASSPHRASE)
        check_new_passphrase(passphrase.text)
        recipients = _Recipients(passphrase=passphrase, kdf=kdf, recovery=recovery)
    elif recovery is None:
        raise BackupError(
            "This house has no recovery key yet, so only a backup with a passphrase can be "
            "made, and only an administrator may set one: ask an administrator to print the "
            "recovery sheet (House → Recovery sheet…), or to make the backup."
        )
    else:
        recipients = _Recipients(recovery=recovery, local=local_key)
    tracker = _Progress(progress, cancelled, "The backup was stopped; nothing was written.")
    try:
        made = _make_backup(
            db.path, folder, "usb", recipients, chunk_size=chunk_size, progress=tracker
        )
    except BackupCancelled:
        raise
    except BackupError as exc:
        _log_failure(db, actor, "usb", folder, str(exc))
        raise
    removed, not_removed = _keep_newest(folder, made, keep, protect={made.path, *previous})
    info = made.info
    sealed = "" if passphrase is not None else " (opens with the house's recovery key)"
    note = _log_made(
        db,
        actor,
        "usb",
        made.path,
        size=info.file_size,
        verified=True,
        message=f"Verified{sealed}. {info.summary.describe()}.",
        audit_action="backup",
        audit_summary=f"Backup written to {made.path} and verified ({_size_text(info.file_size)})"
        + sealed,
    )
    return BackupResult(made.path, info, True, removed, not_removed, note)


def _last_verified_in(s: Session, folder: Path) -> set[Path]:
    rows = s.execute(
        select(BackupRecord.location)
        .where(BackupRecord.verified.is_(True), BackupRecord.kind == "usb")
        .order_by(BackupRecord.at.desc(), BackupRecord.id.desc())
    ).scalars()
    for location in rows:
        path = Path(location)
        if path.parent == folder:
            return {path}
    return set()
