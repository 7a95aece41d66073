"""The backup log the Home tab reads: a line for every backup made or failed, each with its
line in the audit trail."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.models import BackupRecord


def _log(
    db: Database,
    actor: Actor,
    kind: str,
    location: Path,
    *,
    size: int | None,
    verified: bool,
    message: str,
    audit_action: str,
    audit_summary: str,
    extra: Callable[[Session], None] | None = None,
) -> None:
    with db.begin() as s:
        record = BackupRecord(
            at=clock.now_utc(),
            username=actor.username,
            kind=kind,
            location=str(location),
            size_bytes=size,
            verified=verified,
            message=message,
        )
        s.add(record)
        s.flush()
        audit.record(s, actor, audit_action, "backup_log", record.id, audit_summary)
        if extra is not None:
            extra(s)


def _log_failure(db: Database, actor: Actor, kind: str, folder: Path, message: str) -> None:
    """Record a failed backup (for the Home tab); a log that cannot be written is not news."""
    with contextlib.suppress(SQLAlchemyError, PeerDeskError):
        _log(
            db,
            actor,
            kind,
            folder,
            size=None,
            verified=False,
            message=message,
            audit_action="backup" if kind == "usb" else "automatic backup",
            audit_summary=f"Backup to {folder} failed: {message}",
        )
