"""Assessments: BARC-10 recovery capital, readiness ruler, satisfaction, living situation.

Each row stores its instrument, so scores of different scales are never mixed. A BARC-10
needs all ten items (each 1–6); its total (10–60) is computed here, never typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.models import Assessment, Resident, Stay
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, fmt_date, get_or_not_found, void_row
from peerdesk.core.services.settings import living_situation_codes

ITEM_COLUMNS = tuple(f"item_{n}" for n in range(1, 11))


@dataclass(frozen=True)
class AssessmentEntry:
    """What the form gives: ``items`` for BARC-10, ``score`` for the ruler and satisfaction,
    ``living_situation`` for a living-situation check."""

    resident_id: int
    assessed_on: dt.date
    instrument: vocab.Instrument
    score: int | None = None
    items: Sequence[int | None] = ()
    living_situation: str | None = None


def _to_dto(row: Assessment) -> dto.Assessment:
    items = tuple(getattr(row, c) for c in ITEM_COLUMNS)
    return dto.Assessment(
        id=row.id,
        resident_id=row.resident_id,
        assessed_on=row.assessed_on,
        instrument=vocab.Instrument(row.instrument),
        score=row.score,
        living_situation=row.living_situation,
        items=items if row.instrument == vocab.Instrument.BARC10.value else (),
        voided=row.voided_at is not None,
        void_reason=row.void_reason,
    )


def list_assessments(
    s: Session, resident_id: int, *, include_voided: bool = False
) -> list[dto.Assessment]:
    """A resident's assessments, oldest first."""
    query = (
        select(Assessment)
        .where(Assessment.resident_id == resident_id)
        .order_by(Assessment.assessed_on, Assessment.id)
    )
    if not include_voided:
        query = query.where(Assessment.voided_at.is_(None))
    return [_to_dto(row) for row in s.execute(query).scalars()]


def record_assessment(s: Session, actor: Actor, entry: AssessmentEntry) -> dto.Assessment:
    """Record one measurement of one resident."""
    actor.require(Action.RECORD_ASSESSMENTS)
    resident = get_or_not_found(s, Resident, entry.resident_id, "resident")
    problems = Problems()
    problems.past_date(entry.assessed_on, "assessed_on", "Assessment date")
    first_intake = s.execute(
        select(Stay.intake_date)
        .where(Stay.resident_id == resident.id)
        .order_by(Stay.intake_date)
        .limit(1)
    ).scalar()
    if (
        first_intake is not None
        and entry.assessed_on is not None
        and entry.assessed_on < first_intake
    ):
        problems.add(
            "assessed_on",
            f"Assessment date is before {resident.first_name}'s intake ({fmt_date(first_intake)}).",
        )
    values: dict[str, object] = {"score": None, "living_situation": None}
    if entry.instrument == vocab.Instrument.BARC10:
        items = list(entry.items)
        if len(items) != 10 or any(item is None for item in items):
            answered = sum(1 for item in items if item is not None)
            problems.add("items", f"BARC-10 needs all ten answers; {answered} of 10 are filled in.")
        else:
            low, high = vocab.BARC10_ITEM_SCALE.low, vocab.BARC10_ITEM_SCALE.high
            for number, item in enumerate(items, start=1):
                assert item is not None
                if not low <= item <= high:
                    problems.add(
                        "items", f"BARC-10 answer {number} must be between {low} and {high}."
                    )
            values.update(dict(zip(ITEM_COLUMNS, items, strict=True)))
            values["score"] = sum(item for item in items if item is not None)
    elif entry.instrument in vocab.SCALES:
        scale = vocab.SCALES[entry.instrument]
        values["score"] = problems.in_range(
            entry.score, "score", entry.instrument.label, scale.low, scale.high, required=True
        )
    elif entry.instrument == vocab.Instrument.LIVING_SITUATION:
        if entry.living_situation not in living_situation_codes(s):
            problems.add("living_situation", "Choose the living situation from the list.")
        values["living_situation"] = entry.living_situation
    else:
        problems.add("instrument", "Choose what is being assessed.")
    problems.raise_if_any()
    row = Assessment(
        resident_id=resident.id,
        assessed_on=entry.assessed_on,
        instrument=entry.instrument.value,
        created_at=clock.now_utc(),
        created_by=actor.username,
        **values,
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        "create",
        "assessments",
        row.id,
        f"{entry.instrument.label} for {resident.first_name} {resident.last_name} on "
        f"{fmt_date(entry.assessed_on)}",
        {"resident_id": resident.id, "instrument": entry.instrument.value, "score": row.score},
    )
    return _to_dto(row)


def void_assessment(s: Session, actor: Actor, assessment_id: int, reason: str) -> dto.Assessment:
    actor.require(Action.RECORD_ASSESSMENTS)
    row = get_or_not_found(s, Assessment, assessment_id, "assessment")
    void_row(s, actor, row, "assessments", row.id, reason)
    return _to_dto(row)
