"""Small builders for tests: a mentor, a resident, a session, with sensible defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.core import dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.models import ProgramPhase
from peerdesk.core.services import mentors, residents, sessions, supervision


def phase_id(s: Session, short_name: str = "SOS") -> int:
    return s.execute(
        select(ProgramPhase.id).where(ProgramPhase.short_name == short_name)
    ).scalar_one()


def mentor(
    s: Session,
    actor: Actor,
    first: str = "Maya",
    last: str = "Lopez",
    start: dt.date = dt.date(2024, 1, 1),
) -> dto.Mentor:
    return mentors.create_mentor(
        s, actor, mentors.MentorDetails(first_name=first, last_name=last, start_date=start)
    )


def resident(
    s: Session,
    actor: Actor,
    first: str = "Jamie",
    last: str = "Doe",
    intake: dt.date = dt.date(2026, 1, 10),
    phase: str = "SOS",
    mentor_id: int | None = None,
    dob: dt.date | None = dt.date(1990, 5, 1),
    living: str = "shelter",
    room: str = "",
    bed: str = "",
) -> dto.Resident:
    return residents.intake_resident(
        s,
        actor,
        residents.ResidentDetails(
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            mentor_id=mentor_id,
            room=room,
            bed=bed,
        ),
        residents.Admission(
            intake_date=intake, phase_id=phase_id(s, phase), living_situation=living
        ),
    )


def session(
    s: Session,
    actor: Actor,
    mentor_id: int,
    attendee_ids: Sequence[int],
    day: dt.date = dt.date(2026, 3, 2),
    fmt: vocab.SessionFormat = vocab.SessionFormat.GROUP,
    types: frozenset[vocab.SupportType] = frozenset({vocab.SupportType.EMOTIONAL}),
    motivation: int | None = None,
    satisfaction: int | None = None,
    minutes: int = 60,
    topic: str = "Relapse prevention",
    notes: str = "",
) -> dto.PeerSession:
    return sessions.log_session(
        s,
        actor,
        sessions.SessionDetails(
            session_date=day,
            duration_minutes=minutes,
            mentor_id=mentor_id,
            format=fmt,
            support_types=types,
            attendees=[sessions.AttendeeEntry(r, motivation, satisfaction) for r in attendee_ids],
            topic=topic,
            notes=notes,
        ),
    )


def note(
    s: Session,
    actor: Actor,
    mentor_id: int,
    day: dt.date = dt.date(2026, 3, 3),
    minutes: int = 45,
    items: Sequence[supervision.ActionItemEntry] = (),
    kind: vocab.SupervisionKind = vocab.SupervisionKind.SCHEDULED,
    summary: str = "Caseload review",
) -> dto.SupervisionNote:
    return supervision.write_note(
        s,
        actor,
        supervision.NoteDetails(
            note_date=day,
            duration_minutes=minutes,
            supervisor_name="Dana Whitaker",
            mentor_id=mentor_id,
            kind=kind,
            domains=[vocab.Competency.ETHICS_BOUNDARIES],
            summary=summary,
            action_items=items,
        ),
    )


def account(
    s: Session,
    actor: Actor,
    username: str,
    role: vocab.Role,
    mentor_id: int | None = None,
    password: str = "a long enough passphrase",
) -> Actor:
    """A real user account (linked to a mentor record when given); returns its Actor."""
    from peerdesk.core.models import Mentor
    from peerdesk.core.services import users

    made = users.create_user(s, actor, username, username.title(), role, password)
    if mentor_id is not None:
        s.get(Mentor, mentor_id).user_id = made.id  # type: ignore[union-attr]
    return users.actor_for(made)
