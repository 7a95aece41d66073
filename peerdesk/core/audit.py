"""The one path every write takes to the audit trail.

Services are handed an :class:`Actor` (who is doing this) and call :func:`record` after each
create, change or void, inside the same transaction, so a record and its audit line are
written together or not at all. Each line carries the hash of the one before it, so that a
changed, deleted or reordered line shows up in :func:`verify_chain`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from peerdesk.core import clock
from peerdesk.core.models import AuditEvent
from peerdesk.core.permissions import Action, require
from peerdesk.core.vocab import Role


@dataclass(frozen=True)
class Actor:
    """The person a service acts for: their account (None before accounts exist) and role."""

    username: str
    role: Role
    user_id: int | None = None

    @classmethod
    def local_administrator(cls) -> Actor:
        """The only actor of a house with no user accounts yet: may do everything."""
        return cls(username="local", role=Role.ADMINISTRATOR)

    def require(self, action: Action) -> None:
        require(self.role, action)


def _plain(value: Any) -> Any:
    """How values json cannot write itself (dates, sets) appear in an audit line."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as ``{field: [old, new]}`` ready for the audit line."""
    return {
        key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)
    }


def _line_hash(prev_hash: str, event: AuditEvent) -> str:
    payload = json.dumps(
        [
            prev_hash,
            event.id,
            event.at.isoformat(),
            event.user_id,
            event.username,
            event.action,
            event.entity,
            event.entity_id,
            event.summary,
            event.changes,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    s: Session,
    actor: Actor,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit line (in the caller's transaction) and return it."""
    last = s.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    prev_hash = last.hash if last is not None else ""
    event = AuditEvent(
        id=(last.id + 1) if last is not None else 1,
        at=clock.now_utc(),
        user_id=actor.user_id,
        username=actor.username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        summary=summary,
        changes=json.dumps(changes, ensure_ascii=False, sort_keys=True, default=_plain)
        if changes
        else "",
        prev_hash=prev_hash,
    )
    event.hash = _line_hash(prev_hash, event)
    s.add(event)
    s.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    message: str


def verify_chain(s: Session) -> list[ChainProblem]:
    """Walk the audit trail in order and report every line that does not follow its predecessor."""
    problems: list[ChainProblem] = []
    prev_hash = ""
    expected_id = 1
    for event in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        if event.id != expected_id:
            problems.append(
                ChainProblem(
                    event.id, f"audit line {expected_id} is missing before line {event.id}"
                )
            )
        if event.prev_hash != prev_hash:
            problems.append(
                ChainProblem(event.id, f"audit line {event.id} does not follow the line before it")
            )
        if _line_hash(event.prev_hash, event) != event.hash:
            problems.append(ChainProblem(event.id, f"audit line {event.id} has been changed"))
        prev_hash = event.hash
        expected_id = event.id + 1
        s.expunge(event)
    return problems


def count_statement() -> Select[int]:
    return select(func.count()).select_from(AuditEvent)
