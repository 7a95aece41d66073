"""Void an intake entered by mistake: a duplicate of a resident already here, or a
readmission that never happened.

Only an administrator may, with a reason. The stay keeps its row, marked voided, with the
reason and who voided it; the phase it started in is voided with it; the audit log keeps the
whole intake as it was. From then on it is in no list, count or report (``peerdesk.core.db``
leaves voided stays out of every query, the ``resident_overview`` view out of every list). A
resident whose every intake was voided is in no list at all; one who still has another stay
keeps it.

An intake is voided only while nothing else was recorded in that stay (sessions attended,
assessments, phase moves after the intake, follow-ups), so that no count is left holding a
part of it: those are taken off or voided first, each with its own reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from peerdesk.core import dto
from peerdesk.core.audit import Actor
from peerdesk.core.db import INCLUDE_VOIDED_INTAKES
from peerdesk.core.errors import NotFound, ValidationError
from peerdesk.core.models import (
    Assessment,
    FollowUp,
    Mentor,
    PeerSession,
    PhaseChange,
    Resident,
    SessionAttendee,
    Stay,
)
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import fmt_date, get_or_not_found, void_row
from peerdesk.core.services.residents import INTAKE_NOTE


@dataclass(frozen=True)
class VoidedIntake:
    """What voiding did: whose intake, and whether the resident is still in the lists."""

    resident_id: int
    stay_id: int
    name: str
    intake_date: dt.date
    resident_remains: bool


def void_intake(s: Session, actor: Actor, stay_id: int, reason: str) -> VoidedIntake:
    """Void the intake (the stay) ``stay_id``, entered by mistake, with a reason."""
    actor.require(Action.VOID_INTAKES)
    stay = s.scalars(
        select(Stay).where(Stay.id == stay_id).execution_options(**{INCLUDE_VOIDED_INTAKES: True})
    ).first()
    if stay is None:
        raise NotFound(f"There is no stay number {stay_id} in this house's records.")
    if stay.voided_at is not None:
        raise ValidationError.single("reason", "This intake was already voided.")
    resident = get_or_not_found(s, Resident, stay.resident_id, "resident")
    name = f"{resident.first_name} {resident.last_name}"
    others = s.execute(
        select(func.count()).where(Stay.resident_id == resident.id, Stay.id != stay.id)
    ).scalar_one()
    # Whatever was recorded for this person while the stay ran; for their only stay, ever.
    start = stay.intake_date if others else dt.date.min
    end = stay.discharge_date if others and stay.discharge_date is not None else dt.date.max
    found = []
    recorded = _recorded_in_stay(s, resident.id, stay.id, start, end)
    if recorded:
        found.append(f"has {_listed(recorded)} recorded")
    if not others:
        mentor = s.execute(
            select(Mentor.first_name, Mentor.last_name).where(
                Mentor.former_resident_id == resident.id
            )
        ).first()
        if mentor is not None:
            found.append(f"is linked to peer mentor {mentor[0]} {mentor[1]} as a former resident")
    if found:
        raise ValidationError.single(
            "reason",
            f"{name} {' and '.join(found)} in this stay; take those off or void them first, then "
            "void the intake.",
        )
    intake_phases = s.scalars(
        select(PhaseChange).where(
            PhaseChange.resident_id == resident.id,
            PhaseChange.voided_at.is_(None),
            PhaseChange.from_date == stay.intake_date,
            PhaseChange.note == INTAKE_NOTE,
        )
    ).all()
    snapshot = {
        "resident": f"{name} (number {resident.id})",
        "intake_date": stay.intake_date,
        "referral_source": stay.referral_source,
        "intake_living_situation": stay.intake_living_situation,
        "discharge_date": stay.discharge_date,
        "discharge_reason": stay.discharge_reason,
    }
    what = f"Intake of {name} on {fmt_date(stay.intake_date)}"
    void_row(s, actor, stay, "stays", stay.id, reason, what=what, record=snapshot)
    for change in intake_phases:
        void_row(s, actor, change, "phase_changes", change.id, reason, what=f"{what}: its phase")
    return VoidedIntake(resident.id, stay.id, name, stay.intake_date, bool(others))


def _recorded_in_stay(
    s: Session, resident_id: int, stay_id: int, start: dt.date, end: dt.date
) -> list[str]:
    """Sentences for what is recorded for the resident from ``start`` to ``end``."""
    found: list[str] = []
    attended = s.execute(
        select(func.count())
        .select_from(SessionAttendee)
        .join(PeerSession, PeerSession.id == SessionAttendee.session_id)
        .where(
            SessionAttendee.resident_id == resident_id,
            PeerSession.voided_at.is_(None),
            PeerSession.session_date.between(start, end),
        )
    ).scalar_one()
    if attended:
        found.append(dto.counted(attended, "session attended", "sessions attended"))
    assessed = s.execute(
        select(func.count()).where(
            Assessment.resident_id == resident_id,
            Assessment.voided_at.is_(None),
            Assessment.assessed_on.between(start, end),
        )
    ).scalar_one()
    if assessed:
        found.append(dto.counted(assessed, "assessment"))
    moves = s.execute(
        select(func.count()).where(
            PhaseChange.resident_id == resident_id,
            PhaseChange.voided_at.is_(None),
            PhaseChange.from_date.between(start, end),
            PhaseChange.note != INTAKE_NOTE,
        )
    ).scalar_one()
    if moves:
        found.append(dto.counted(moves, "phase move"))
    follow_ups = s.execute(
        select(func.count()).where(and_(FollowUp.stay_id == stay_id, FollowUp.voided_at.is_(None)))
    ).scalar_one()
    if follow_ups:
        found.append(dto.counted(follow_ups, "follow-up"))
    return found


def _listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"
