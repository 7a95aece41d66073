"""Correct a discharge entered wrongly: the date, reason, outcome class, where they went or
the notes of a resident's last, ended stay. The same rules as the discharge itself; the old
values stay in the audit log beside the new ones."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, dto
from peerdesk.core.audit import Actor
from peerdesk.core.errors import ValidationError
from peerdesk.core.models import PhaseChange, Resident
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, get_or_not_found
from peerdesk.core.services.residents import (
    Discharge,
    _check_discharge,
    _discharge_values,
    get_resident,
    latest_stay,
)
from peerdesk.core.services.settings import living_situation_codes


def correct_discharge(
    s: Session, actor: Actor, resident_id: int, discharge: Discharge, reason: str = ""
) -> dto.Resident:
    """Put right the discharge of the resident's last stay (which must have ended)."""
    actor.require(Action.EDIT_RESIDENTS)
    resident = get_or_not_found(s, Resident, resident_id, "resident")
    stay = latest_stay(s, resident_id)
    if stay is None or stay.discharge_date is None:
        raise ValidationError.single(
            "discharge_date",
            f"{resident.first_name} {resident.last_name} is in residence; there is no "
            "discharge to correct.",
        )
    last_phase = s.execute(
        select(func.max(PhaseChange.from_date)).where(
            PhaseChange.resident_id == resident_id,
            PhaseChange.voided_at.is_(None),
            PhaseChange.from_date >= stay.intake_date,
        )
    ).scalar()
    problems = Problems()
    notes = _check_discharge(
        problems, discharge, stay.intake_date, last_phase, living_situation_codes(s)
    )
    why = problems.optional_text(reason, "why", "The reason", max_length=500, multiline=True)
    problems.raise_if_any()
    after = _discharge_values(discharge, notes)
    before = {key: getattr(stay, key) for key in after}
    changes = audit.diff(before, after)
    if not changes:
        return get_resident(s, resident_id)
    for key, value in after.items():
        setattr(stay, key, value)
    summary = "Discharge corrected" + (f": {why}" if why else "")
    audit.record(s, actor, "change", "stays", stay.id, summary, changes)
    return get_resident(s, resident_id)
