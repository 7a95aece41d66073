"""The audit log as people read it: filtered by person, record and date, a page at a time.

The audit view and its printout share this module. Lines are read newest first, a page at a
time with ``LIMIT``/``OFFSET`` on indexed columns (the person through ``user_id``, the record
through ``entity, entity_id``, the date through ``at``), so a ten-year trail is never loaded
whole. Times are stored in UTC; the date filters are the PC's local calendar days.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock
from peerdesk.core.account_seal import SEAL_KEY
from peerdesk.core.audit import Actor, AuditLine, ChainProblem
from peerdesk.core.audit_anchor import Anchor
from peerdesk.core.audit_check import HeldLine, verify_trail
from peerdesk.core.db import Database
from peerdesk.core.errors import NotFound, ValidationError
from peerdesk.core.models import AuditEvent, User
from peerdesk.core.permissions import Action
from peerdesk.core.report_data import ReportHeader, _header
from peerdesk.core.services._common import fmt_date

# The records an audit line can be about, as a person names them (in the filter's order).
RECORD_KINDS: dict[str, str] = {
    "residents": "Residents",
    "stays": "Stays (intake and discharge)",
    "phase_changes": "Phase changes",
    "assessments": "Assessments",
    "mentors": "Peer mentors",
    "credentials": "Credentials",
    "training_entries": "Training",
    "peer_sessions": "Peer support sessions",
    "supervision_notes": "Supervision notes",
    "action_items": "Action items",
    "users": "User accounts and sign-ins",
    "house_settings": "House settings",
    "program_phases": "Program phases",
    "report": "Printed and saved reports",
    "backup_log": "Backups and restores",
    "preferences": "Backup keys",
}

# One record of each kind, as a line of the view names it ("Session #42").
RECORD_NAMES: dict[str, str] = {
    "residents": "Resident",
    "stays": "Stay",
    "phase_changes": "Phase change",
    "assessments": "Assessment",
    "mentors": "Mentor",
    "credentials": "Credential",
    "training_entries": "Training",
    "peer_sessions": "Session",
    "supervision_notes": "Supervision note",
    "action_items": "Action item",
    "users": "Account",
    "house_settings": "House settings",
    "program_phases": "Program phase",
    "report": "Report",
    "backup_log": "Backup",
    "preferences": "Backup key",
}

LOCAL_USERNAME = "local"  # who acted before the house had accounts


@dataclass(frozen=True)
class AuditFilter:
    """Which lines to show. ``user_id`` picks an account's lines; ``username`` picks lines
    written without an account (``local`` before accounts, or a name typed at a failed
    sign-in). Dates are local calendar days, both inclusive."""

    user_id: int | None = None
    username: str | None = None
    entity: str | None = None
    entity_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def describe(self, people: dict[int, str] | None = None) -> str:
        """The filter in words, for the printout's subtitle."""
        parts: list[str] = []
        if self.user_id is not None:
            parts.append(f"by {(people or {}).get(self.user_id, f'account {self.user_id}')}")
        elif self.username:
            parts.append(f"by {self.username}")
        if self.entity:
            kind = RECORD_KINDS.get(self.entity, self.entity)
            parts.append(
                f"{kind.lower()} #{self.entity_id}" if self.entity_id is not None else kind.lower()
            )
        elif self.entity_id is not None:
            parts.append(f"record #{self.entity_id}")
        if self.date_from and self.date_to:
            parts.append(f"{fmt_date(self.date_from)} – {fmt_date(self.date_to)}")
        elif self.date_from:
            parts.append(f"from {fmt_date(self.date_from)}")
        elif self.date_to:
            parts.append(f"up to {fmt_date(self.date_to)}")
        return ", ".join(parts) if parts else "every line"


def local_day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of a local calendar day, in naive UTC as the trail stores it."""
    return dt.datetime.combine(day, dt.time()).astimezone(dt.UTC).replace(tzinfo=None)


def _where(f: AuditFilter) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if f.user_id is not None:
        clauses.append(AuditEvent.user_id == f.user_id)
    elif f.username:
        clauses.append(AuditEvent.user_id.is_(None))
        clauses.append(AuditEvent.username == f.username.strip().lower())
    if f.entity:
        clauses.append(AuditEvent.entity == f.entity)
    if f.entity_id is not None:
        clauses.append(AuditEvent.entity_id == f.entity_id)
    if f.date_from is not None:
        clauses.append(AuditEvent.at >= local_day_start(f.date_from))
    if f.date_to is not None:
        clauses.append(AuditEvent.at < local_day_start(f.date_to + dt.timedelta(days=1)))
    return and_(true(), *clauses)


def _check(f: AuditFilter) -> None:
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ValidationError.single(
            "date_to",
            f"The last day ({fmt_date(f.date_to)}) is before the first ({fmt_date(f.date_from)}).",
        )


def count_lines(s: Session, actor: Actor, f: AuditFilter) -> int:
    """How many lines match the filter."""
    actor.require(Action.READ_AUDIT)
    _check(f)
    return int(s.execute(select(func.count(AuditEvent.id)).where(_where(f))).scalar_one())


def _lines(query: Select[Any]) -> Select[Any]:
    return query.order_by(AuditEvent.id.desc())


def page_of_lines(
    s: Session, actor: Actor, f: AuditFilter, offset: int, limit: int
) -> list[AuditLine]:
    """Lines ``offset`` to ``offset + limit`` of the filter's lines, newest first."""
    actor.require(Action.READ_AUDIT)
    _check(f)
    rows = s.execute(
        _lines(select(AuditEvent).where(_where(f))).offset(max(0, offset)).limit(limit)
    ).scalars()
    return [
        AuditLine(e.id, e.at, e.username, e.action, e.entity, e.entity_id, e.summary, e.changes)
        for e in rows
    ]


@dataclass(frozen=True)
class Person:
    """Someone whose lines the view can pick: an account, by id."""

    user_id: int
    username: str
    full_name: str
    active: bool


def find_person(s: Session, actor: Actor, username: str) -> int:
    """The id of the account called ``username`` (for ``export audit --by``)."""
    actor.require(Action.READ_AUDIT)
    name = username.strip().lower()
    found = s.execute(select(User.id).where(User.username == name)).scalar()
    if found is None:
        raise NotFound(f"There is no account called {name}; check the spelling.")
    return int(found)


def people(s: Session, actor: Actor) -> list[Person]:
    """Every account (deactivated ones too), for the view's person filter."""
    actor.require(Action.READ_AUDIT)
    rows = s.execute(
        select(User.id, User.username, User.full_name, User.active).order_by(User.username)
    ).all()
    return [Person(uid, name, full, bool(active)) for uid, name, full, active in rows]


@dataclass(frozen=True)
class ChainStatus:
    """Whether every line of the trail follows the one before it."""

    lines: int
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def sentence(self) -> str:
        if self.ok:
            return (
                f"The audit trail is whole: all {self.lines:,} lines follow each other and "
                "none has been changed."
            )
        first = self.problems[0].message
        more = len(self.problems) - 1
        return (
            f"The audit trail has been tampered with: {first}"
            + (f" (and {more} more {'problem' if more == 1 else 'problems'})" if more else "")
            + ". Keep this PC as it is and tell the program director."
        )


def chain_status(
    s: Session, actor: Actor, anchor: Anchor | None = None, held: Sequence[HeldLine] = ()
) -> ChainStatus:
    """Walk the whole trail, held to this PC's ``anchor`` and to the lines the house's
    backups hold (slow on a big trail: run it off the window's thread)."""
    actor.require(Action.READ_AUDIT)
    report = verify_trail(s, anchor, held)
    return ChainStatus(report.lines, report.problems)


PRINTED_ARROW = "»"  # the printout's font has no "→"


def describe_changes(changes: str, arrow: str = "→") -> str:
    """The JSON of a line's changed fields in words: ``role: viewer → supervisor``,
    ``house name: (empty) → Hope Street`` (a field's name with spaces, not underscores)."""
    if not changes:
        return ""
    try:
        parsed = json.loads(changes)
    except ValueError:
        return changes
    if not isinstance(parsed, dict):
        return changes

    def text(value: Any) -> str:
        if value is None or value == "":
            return "(empty)"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "(none)"
        return str(value)

    parts = []
    for key, value in parsed.items():
        if key == SEAL_KEY:  # the account's seal is for the check, not for reading
            continue
        name = str(key).replace("_", " ")
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{name}: {text(value[0])} {arrow} {text(value[1])}")
        else:
            parts.append(f"{name}: {text(value)}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- the printout

MAX_PRINTED_LINES = 2000  # 80 to 200 pages; narrow the filters for more


@dataclass(frozen=True)
class AuditLogOptions:
    filter: AuditFilter = field(default_factory=AuditFilter)
    max_lines: int = MAX_PRINTED_LINES


@dataclass(frozen=True)
class PrintedLine:
    """One line as the printout shows it (time in local time)."""

    id: int
    at: dt.datetime
    username: str
    action: str
    record: str
    summary: str
    changes: str


@dataclass(frozen=True)
class AuditLogData:
    header: ReportHeader
    filter_text: str
    lines: tuple[PrintedLine, ...]
    matching: int  # lines that match the filter (more than printed when cut)
    chain: ChainStatus

    @property
    def cut(self) -> bool:
        return self.matching > len(self.lines)


def record_text(entity: str, entity_id: int | None) -> str:
    """``peer_sessions`` 42 as ``Session #42``; a kind without a record as its plural."""
    if not entity:
        return ""
    if entity_id is None:
        return RECORD_KINDS.get(entity, entity)
    return f"{RECORD_NAMES.get(entity, entity)} #{entity_id}"


def gather_audit_log(
    s: Session,
    actor: Actor,
    options: AuditLogOptions,
    progress: Callable[[float], None] | None = None,
) -> AuditLogData:
    """The filtered lines (newest first, at most ``max_lines``) and the chain's state.

    Audit lines name residents, so printing them needs permission to print names too.
    """
    actor.require(Action.READ_AUDIT)
    actor.require(Action.PRINT_IDENTIFIED)
    f = options.filter
    matching = count_lines(s, actor, f)
    lines = page_of_lines(s, actor, f, 0, options.max_lines)
    if progress is not None:
        progress(0.3)
    chain = chain_status(s, actor)
    names = {p.user_id: p.username for p in people(s, actor)}
    return AuditLogData(
        header=_header(s, actor, "Audit log", f.describe(names).capitalize(), names_residents=True),
        filter_text=f.describe(names),
        lines=tuple(
            PrintedLine(
                line.id,
                clock.to_local(line.at),
                line.username,
                line.action,
                record_text(line.entity, line.entity_id),
                line.summary,
                describe_changes(line.changes, arrow=PRINTED_ARROW),
            )
            for line in lines
        ),
        matching=matching,
        chain=chain,
    )


def record_printed(db: Database, actor: Actor, data: AuditLogData, where: str) -> None:
    """One audit line saying who printed or saved the audit log, with which filter."""
    with db.begin() as s:
        audit.record(
            s,
            actor,
            "export",
            "report",
            None,
            f"Audit log ({len(data.lines)} of {data.matching} lines, {data.filter_text}) "
            f"to {where}",
        )
