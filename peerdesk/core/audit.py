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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from peerdesk.core import account_seal, clock
from peerdesk.core.errors import PermissionDenied
from peerdesk.core.models import AuditEvent, Preference
from peerdesk.core.permissions import Action, allowed, refusal
from peerdesk.core.vocab import Role


@dataclass(frozen=True)
class Actor:
    """The person a service acts for: their account (None before accounts exist), their role,
    and anything an administrator allowed them beyond it (a viewer printing named reports)."""

    username: str
    role: Role
    user_id: int | None = None
    also_allowed: frozenset[Action] = frozenset()

    @classmethod
    def local_administrator(cls) -> Actor:
        """The only actor of a house with no user accounts yet: may do everything."""
        return cls(username="local", role=Role.ADMINISTRATOR)

    def may(self, action: Action) -> bool:
        return action in self.also_allowed or allowed(self.role, action)

    def require(self, action: Action) -> None:
        """Raise PermissionDenied (which the database audits) unless this person may."""
        if not self.may(action):
            raise PermissionDenied(refusal(self.role, action), actor=self)


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


# The fields of a line its hash covers, in the order they are hashed.
HASHED_FIELDS = (
    "id",
    "at",
    "user_id",
    "username",
    "action",
    "entity",
    "entity_id",
    "summary",
    "changes",
)


def line_hash(prev_hash: str, line: Mapping[str, Any]) -> str:
    """The hash of a line (its fields by name, ``at`` a datetime) chained to ``prev_hash``."""
    return hash_values(
        prev_hash, [line[k].isoformat() if k == "at" else line[k] for k in HASHED_FIELDS]
    )


def hash_values(prev_hash: str, values: Sequence[Any]) -> str:
    """The hash of a line given as its HASHED_FIELDS values in order (``at`` in ISO form)."""
    payload = json.dumps([prev_hash, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One audit line to append, before it is given its number, time and place in the chain."""

    action: str
    entity: str = ""
    entity_id: int | None = None
    summary: str = ""
    changes: Mapping[str, Any] | None = None


def _last_row(s: Session) -> tuple[int, str]:
    """The newest stored line's id and hash (0 and "" for an empty trail)."""
    last = s.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (last.id, last.hash) if last is not None else (0, "")


def _chain_end(s: Session) -> tuple[int, str]:
    """Where the next line chains from: the stored head, never merely the last row.

    Lines deleted from the end leave the head where it was, so the next line keeps the gap
    (and ``check`` reports it) instead of chaining over it. Should the head be missing or
    behind the rows (a head lowered by hand loses no line), the last row is used.
    """
    head = s.get(Preference, HEAD_KEY)
    stored = parse_head(head.value) if head is not None else None
    last = _last_row(s)
    if stored is not None and stored[0] >= last[0]:
        return stored
    return last


def _next_line(
    after: tuple[int, str], at: dt.datetime, actor: Actor, entry: Entry
) -> dict[str, Any]:
    """The columns of the line that follows ``after`` (id and hash), hash included."""
    prev_id, prev_hash = after
    line: dict[str, Any] = {
        "id": prev_id + 1,
        "at": at,
        "user_id": actor.user_id,
        "username": actor.username,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "summary": entry.summary,
        "changes": json.dumps(entry.changes, ensure_ascii=False, sort_keys=True, default=_plain)
        if entry.changes
        else "",
        "prev_hash": prev_hash,
    }
    line["hash"] = line_hash(prev_hash, line)
    return line


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
    if entity == "users" and entity_id is not None:
        changes = account_seal.seal(s, entity_id, action, changes)
    line = _next_line(
        _chain_end(s), clock.now_utc(), actor, Entry(action, entity, entity_id, summary, changes)
    )
    event = AuditEvent(**line)
    s.add(event)
    _set_head(s, event.id, event.hash)
    s.flush()
    return event


def record_many(s: Session, actor: Actor, entries: Iterable[Entry]) -> None:
    """Append many audit lines at once (an import), in order, in the caller's transaction.

    The lines and their chain are exactly what as many calls of :func:`record` would write,
    but the trail's end is read once, the hashes are chained here, the lines go in with one
    bulk insert and the head is moved once.
    """
    s.flush()  # lines added through record() must be in the trail before these follow them
    at = clock.now_utc()
    lines: list[dict[str, Any]] = []
    last = _chain_end(s)
    for entry in entries:
        if entry.entity == "users" and entry.entity_id is not None:
            sealed = account_seal.seal(s, entry.entity_id, entry.action, entry.changes)
            entry = Entry(entry.action, entry.entity, entry.entity_id, entry.summary, sealed)
        line = _next_line(last, at, actor, entry)
        lines.append(line)
        last = (line["id"], line["hash"])
    if lines:
        s.execute(insert(AuditEvent), lines)
        _set_head(s, *last)
        s.flush()


HEAD_KEY = "audit.head"
# This database's trail, told apart from another copy of the same house's (migration 0003);
# a restore gives the restored trail a new one.
TRAIL_KEY = "audit.trail"
# Where a write transaction leaves the head it moved, for the anchor outside the database.
HEAD_INFO = "peerdesk.audit.head"


def _set_head(s: Session, event_id: int, event_hash: str) -> None:
    """Keep the newest line's id and hash apart from the trail, so removing the last lines
    (which leaves the rest of the chain intact) is still detected."""
    s.info[HEAD_INFO] = (event_id, event_hash)
    head = s.get(Preference, HEAD_KEY)
    value = f"{event_id}:{event_hash}"
    if head is None:
        s.add(Preference(key=HEAD_KEY, value=value))
    else:
        head.value = value


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    message: str


def verify_chain(s: Session) -> list[ChainProblem]:
    """Every problem of the trail (see :func:`peerdesk.core.audit_check.verify_trail`)."""
    from peerdesk.core.audit_check import verify_trail

    return list(verify_trail(s).problems)


def parse_head(value: str) -> tuple[int, str] | None:
    """The stored head, ``"<line>:<hash>"``, as a line number and hash (None if unreadable)."""
    number, _, digest = value.partition(":")
    return (int(number), digest) if number.isdigit() else None


def count_statement() -> Select[int]:
    return select(func.count()).select_from(AuditEvent)


@dataclass(frozen=True)
class AuditLine:
    """One audit line as the audit view and its printout show it (times in UTC)."""

    id: int
    at: dt.datetime
    username: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    changes: str


def list_events(
    s: Session,
    actor: Actor,
    *,
    username: str | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[AuditLine]:
    """Audit lines, newest first, filtered by user, record and date (inclusive)."""
    actor.require(Action.READ_AUDIT)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    if username:
        query = query.where(AuditEvent.username == username.strip().lower())
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if date_from is not None:
        query = query.where(AuditEvent.at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        query = query.where(
            AuditEvent.at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
        )
    return [
        AuditLine(e.id, e.at, e.username, e.action, e.entity, e.entity_id, e.summary, e.changes)
        for e in s.execute(query).scalars()
    ]
