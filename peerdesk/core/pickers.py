"""What the forms' pickers offer, read in one query each (no Qt).

The services answer "who is active now"; a form also needs "who was in residence on the
session's date", "everyone who ever lived here" (to link a mentor to the resident they were),
the supervisor names already in use, and, for the window's self-test, one record of each kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import Session

from peerdesk.core import dto, vocab
from peerdesk.core.models import (
    Mentor,
    PeerSession,
    PhaseChange,
    ProgramPhase,
    Resident,
    Stay,
    SupervisionNote,
)
from peerdesk.core.services import residents
from peerdesk.core.views import resident_overview


def residents_on(s: Session, day: dt.date) -> list[dto.ResidentBrief]:
    """Everyone with a stay covering ``day`` (discharge day included), by last name.

    ``phase_name`` is the short name of the phase they were in on that day ("MT II"), so a
    group held last month lists each resident as the mentor saw them then, in a narrow column.
    """
    phase_on_day = (
        select(ProgramPhase.short_name)
        .join(PhaseChange, PhaseChange.phase_id == ProgramPhase.id)
        .where(
            PhaseChange.resident_id == Resident.id,
            PhaseChange.voided_at.is_(None),
            PhaseChange.from_date <= day,
        )
        .order_by(PhaseChange.from_date.desc(), PhaseChange.id.desc())
        .limit(1)
        .correlate(Resident)
        .scalar_subquery()
    )
    query = (
        select(*residents.BRIEF_COLUMNS, phase_on_day.label("phase_name"))
        .where(
            Resident.id.in_(
                select(Stay.resident_id).where(
                    Stay.intake_date <= day,
                    or_(Stay.discharge_date.is_(None), Stay.discharge_date >= day),
                )
            )
        )
        .order_by(Resident.last_name, Resident.first_name, Resident.id)
    )
    return [residents.brief_of(r) for r in s.execute(query)]


def all_residents(s: Session) -> list[dto.ResidentBrief]:
    """Every resident the house has had, by last name; ``phase_name`` is empty once discharged."""
    query = (
        select(
            Resident.id,
            Resident.first_name,
            Resident.last_name,
            Resident.preferred_name,
            Resident.room,
            Resident.bed,
            Resident.mentor_id,
            resident_overview.c.status,
            ProgramPhase.name.label("phase_name"),
        )
        .join(resident_overview, resident_overview.c.resident_id == Resident.id)
        .outerjoin(ProgramPhase, ProgramPhase.id == resident_overview.c.phase_id)
        .order_by(Resident.last_name, Resident.first_name, Resident.id)
    )
    return [
        dto.ResidentBrief(
            id=r.id,
            name=dto.person_name(r.first_name, r.last_name, r.preferred_name),
            room=r.room if r.status == vocab.ResidentStatus.ACTIVE.value else "",
            bed=r.bed if r.status == vocab.ResidentStatus.ACTIVE.value else "",
            phase_name=(r.phase_name or "")
            if r.status == vocab.ResidentStatus.ACTIVE.value
            else "",
            mentor_id=r.mentor_id,
        )
        for r in s.execute(query)
    ]


def supervisor_names(s: Session) -> list[str]:
    """The supervisor names already written on mentors and notes, alphabetically."""
    names = union(
        select(Mentor.supervisor_name.label("name")),
        select(SupervisionNote.supervisor_name.label("name")),
    ).subquery()
    rows = s.execute(
        select(names.c.name).where(names.c.name != "").order_by(func.lower(names.c.name))
    ).scalars()
    return list(dict.fromkeys(name.strip() for name in rows if name.strip()))


@dataclass(frozen=True)
class SampleRecords:
    """One record of each kind (None when the house has none), for the window's self-test."""

    resident_id: int | None
    active_resident_id: int | None
    discharged_resident_id: int | None
    mentor_id: int | None
    active_mentor_id: int | None
    session_id: int | None
    note_id: int | None


def sample_records(s: Session) -> SampleRecords:
    def first(query: Select[int]) -> int | None:
        return s.execute(query).scalars().first()

    def resident_with(status: vocab.ResidentStatus) -> int | None:
        return first(
            select(resident_overview.c.resident_id)
            .where(resident_overview.c.status == status.value)
            .order_by(resident_overview.c.resident_id)
            .limit(1)
        )

    return SampleRecords(
        resident_id=first(select(Resident.id).order_by(Resident.id).limit(1)),
        active_resident_id=resident_with(vocab.ResidentStatus.ACTIVE),
        discharged_resident_id=resident_with(vocab.ResidentStatus.DISCHARGED),
        mentor_id=first(select(Mentor.id).order_by(Mentor.id).limit(1)),
        active_mentor_id=first(
            select(Mentor.id)
            .where(Mentor.status == vocab.MentorStatus.ACTIVE.value)
            .order_by(Mentor.id)
            .limit(1)
        ),
        session_id=first(
            select(PeerSession.id)
            .where(PeerSession.voided_at.is_(None))
            .order_by(PeerSession.id.desc())
            .limit(1)
        ),
        note_id=first(
            select(SupervisionNote.id)
            .where(SupervisionNote.voided_at.is_(None))
            .order_by(SupervisionNote.id.desc())
            .limit(1)
        ),
    )


def mentor_of_user(s: Session, user_id: int | None) -> int | None:
    """The mentor record linked to a user account (a peer mentor logging their own session)."""
    if user_id is None:
        return None
    return s.execute(select(Mentor.id).where(Mentor.user_id == user_id).limit(1)).scalar()
