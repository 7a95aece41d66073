"""Peer support sessions: one-to-one, group, phone/video and community outings.

A session needs a mentor, a date, at least one attendee in residence that day and at least
one of the four support types. A peer mentor account logs only its own sessions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import Mentor, PeerSession, Resident, SessionAttendee
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, fmt_date, get_or_not_found, void_row
from peerdesk.core.services.residents import residents_in_residence


@dataclass(frozen=True)
class AttendeeEntry:
    """One resident at the session, with their optional readiness and satisfaction ratings."""

    resident_id: int
    motivation: int | None = None
    satisfaction: int | None = None


@dataclass(frozen=True)
class SessionDetails:
    session_date: dt.date
    duration_minutes: int
    mentor_id: int
    format: vocab.SessionFormat
    support_types: frozenset[vocab.SupportType]
    attendees: Sequence[AttendeeEntry]
    topic: str = ""
    notes: str = field(default="")


def get_session(s: Session, session_id: int) -> dto.PeerSession:
    row = get_or_not_found(s, PeerSession, session_id, "session")
    mentor = s.get(Mentor, row.mentor_id)
    attendees = s.execute(
        select(
            SessionAttendee.resident_id,
            SessionAttendee.motivation,
            SessionAttendee.satisfaction,
            Resident.first_name,
            Resident.last_name,
            Resident.preferred_name,
        )
        .join(Resident, Resident.id == SessionAttendee.resident_id)
        .where(SessionAttendee.session_id == row.id)
        .order_by(Resident.last_name, Resident.first_name)
    ).all()
    return dto.PeerSession(
        id=row.id,
        session_date=row.session_date,
        duration_minutes=row.duration_minutes,
        mentor_id=row.mentor_id,
        mentor_name=dto.person_name(mentor.first_name, mentor.last_name) if mentor else "",
        format=vocab.SessionFormat(row.format),
        topic=row.topic,
        notes=row.notes,
        support_types=frozenset(t for t in vocab.SupportType if getattr(row, t.value)),
        attendees=tuple(
            dto.Attendee(
                resident_id=a.resident_id,
                name=dto.person_name(a.first_name, a.last_name, a.preferred_name),
                motivation=a.motivation,
                satisfaction=a.satisfaction,
            )
            for a in attendees
        ),
        voided=row.voided_at is not None,
        void_reason=row.void_reason,
    )


def _own_mentor_only(actor: Actor, mentor: Mentor) -> None:
    """A peer mentor account may log and change only its own sessions."""
    if actor.role == vocab.Role.PEER_MENTOR and mentor.user_id != actor.user_id:
        raise PermissionDenied(
            "A peer mentor account may log only its own sessions. Choose yourself as the mentor.",
            actor=actor,
        )


def _check(s: Session, details: SessionDetails) -> tuple[dict[str, object], Mentor | None]:
    problems = Problems()
    problems.past_date(details.session_date, "session_date", "Session date")
    problems.minutes(details.duration_minutes, "duration_minutes")
    mentor = s.get(Mentor, details.mentor_id) if details.mentor_id is not None else None
    if mentor is None:
        problems.add("mentor_id", "Choose the peer mentor who led the session.")
    elif details.session_date is not None and (
        details.session_date < mentor.start_date
        or (mentor.end_date is not None and details.session_date > mentor.end_date)
    ):
        problems.add(
            "mentor_id",
            f"{mentor.first_name} {mentor.last_name} was not a peer mentor here on "
            f"{fmt_date(details.session_date)}.",
        )
    if not isinstance(details.format, vocab.SessionFormat):
        problems.add("format", "Choose the session format.")
    if not details.support_types:
        problems.add("support_types", "Tick at least one type of support given.")
    topic = problems.optional_text(details.topic, "topic", "Topic", max_length=200)
    notes = problems.optional_text(
        details.notes, "notes", "Notes", max_length=20000, multiline=True
    )

    ids = [a.resident_id for a in details.attendees]
    if not ids:
        problems.add("attendees", "Add at least one resident who attended.")
    elif len(set(ids)) != len(ids):
        problems.add("attendees", "A resident is listed twice; tick each attendee once.")
    elif details.format == vocab.SessionFormat.ONE_TO_ONE and len(ids) != 1:
        problems.add(
            "attendees",
            f"A one-to-one session has one resident; {len(ids)} are ticked. Choose Group for more.",
        )
    for attendee in details.attendees:
        problems.in_range(
            attendee.motivation, "attendees", "Motivation (readiness ruler)", 0, 10, required=False
        )
        problems.in_range(attendee.satisfaction, "attendees", "Satisfaction", 1, 5, required=False)
    if ids and details.session_date is not None and not problems.has("attendees"):
        present = residents_in_residence(s, ids, details.session_date)
        missing = [i for i in ids if i not in present]
        if missing:
            names = s.execute(
                select(Resident.first_name, Resident.last_name).where(Resident.id.in_(missing))
            ).all()
            listed = ", ".join(f"{n.first_name} {n.last_name}" for n in names) or "a resident"
            problems.add(
                "attendees",
                f"{listed} was not in residence on {fmt_date(details.session_date)}; "
                "remove them from this session.",
            )
    problems.raise_if_any()
    values: dict[str, object] = {
        "session_date": details.session_date,
        "duration_minutes": details.duration_minutes,
        "mentor_id": details.mentor_id,
        "format": details.format.value,
        "topic": topic,
        "notes": notes,
        **{t.value: t in details.support_types for t in vocab.SupportType},
    }
    return values, mentor


def _write_attendees(s: Session, session_id: int, attendees: Sequence[AttendeeEntry]) -> None:
    s.execute(
        insert(SessionAttendee),
        [
            {
                "session_id": session_id,
                "resident_id": a.resident_id,
                "motivation": a.motivation,
                "satisfaction": a.satisfaction,
            }
            for a in attendees
        ],
    )


def log_session(s: Session, actor: Actor, details: SessionDetails) -> dto.PeerSession:
    """Record a session and who attended."""
    actor.require(Action.LOG_SESSIONS)
    values, mentor = _check(s, details)
    assert mentor is not None
    _own_mentor_only(actor, mentor)
    now = clock.now_utc()
    row = PeerSession(**values, created_at=now, created_by=actor.username, updated_at=now)
    s.add(row)
    s.flush()
    _write_attendees(s, row.id, details.attendees)
    audit.record(
        s,
        actor,
        "create",
        "peer_sessions",
        row.id,
        f"{details.format.label} session on {fmt_date(details.session_date)} "
        f"with {len(details.attendees)} attendee{'' if len(details.attendees) == 1 else 's'}",
        {k: v for k, v in values.items() if k != "notes"}
        | {"attendees": sorted(a.resident_id for a in details.attendees)},
    )
    return get_session(s, row.id)


def update_session(
    s: Session, actor: Actor, session_id: int, details: SessionDetails
) -> dto.PeerSession:
    """Correct a session; the earlier values stay in the audit log."""
    actor.require(Action.LOG_SESSIONS)
    row = get_or_not_found(s, PeerSession, session_id, "session")
    if row.voided_at is not None:
        raise ValidationError.single(
            "session_date", "This session was voided; it can no longer be changed."
        )
    old_mentor = s.get(Mentor, row.mentor_id)
    if old_mentor is not None:
        _own_mentor_only(actor, old_mentor)
    values, mentor = _check(s, details)
    assert mentor is not None
    _own_mentor_only(actor, mentor)
    before = {key: getattr(row, key) for key in values}
    old_attendees = s.execute(
        select(
            SessionAttendee.resident_id, SessionAttendee.motivation, SessionAttendee.satisfaction
        )
        .where(SessionAttendee.session_id == row.id)
        .order_by(SessionAttendee.resident_id)
    ).all()
    for key, value in values.items():
        setattr(row, key, value)
    changes = audit.diff(before, values)
    new_attendees = sorted((a.resident_id, a.motivation, a.satisfaction) for a in details.attendees)
    if [tuple(a) for a in old_attendees] != new_attendees:
        s.execute(delete(SessionAttendee).where(SessionAttendee.session_id == row.id))
        _write_attendees(s, row.id, details.attendees)
        changes["attendees"] = [[list(a) for a in old_attendees], [list(a) for a in new_attendees]]
    if changes:
        row.updated_at = clock.now_utc()
        if "notes" in changes:
            changes["notes"] = ["…", "…"]  # notes can be long: the audit says they changed
        audit.record(
            s,
            actor,
            "change",
            "peer_sessions",
            row.id,
            f"Session on {fmt_date(row.session_date)} corrected",
            changes,
        )
    return get_session(s, row.id)


def void_session(s: Session, actor: Actor, session_id: int, reason: str) -> dto.PeerSession:
    """Void a session entered by mistake; it stays, hidden from counts, with the reason."""
    actor.require(Action.LOG_SESSIONS)
    row = get_or_not_found(s, PeerSession, session_id, "session")
    mentor = s.get(Mentor, row.mentor_id)
    if mentor is not None:
        _own_mentor_only(actor, mentor)
    void_row(s, actor, row, "peer_sessions", row.id, reason)
    return get_session(s, row.id)
