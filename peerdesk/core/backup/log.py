"""The backup log the Home tab reads: a line for every backup made or failed, each with its
line in the audit trail."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


# How long a backup already written and verified waits for the database to take its line in
# the backup log (another program may hold the write lock for a while).
LOG_PATIENCE_SECONDS = 60.0


def _log_made(db: Database, actor: Actor, kind: str, location: Path, **line: Any) -> str:
    """Log a backup that is written and verified; "" when logged, else one sentence saying
    the backup is good but its line is missing. A good backup is never reported as failed."""
    deadline = time.monotonic() + LOG_PATIENCE_SECONDS
    while True:
        try:
            _log(db, actor, kind, location, **line)
            return ""
        except (SQLAlchemyError, PeerDeskError) as exc:
            if time.monotonic() >= deadline:
                logging.getLogger("peerdesk").warning(
                    "A verified backup, %s, could not be logged: %s", location, exc
                )
                return (
                    "The backup is good, but the database was too busy to record it in the "
                    "backup log, so Home may not show it yet."
                )
            time.sleep(0.5)


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
