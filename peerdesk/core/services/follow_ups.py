"""Follow-up after discharge: a contact about 6 and 12 months after a stay ends.

A follow-up is *due* from 30 days before its point (182 or 365 days after the discharge) to 60
days after it, unless one is already recorded for that stay and point, the resident died, or
came back (a later stay). The contact is recorded reached or not; only a reached person has a
living situation, a recovery answer and an employment answer. A follow-up entered by mistake
is voided with a reason, never deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from peerdesk.core import audit, clock, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.funder_vocab import (
    FOLLOW_UP_CLOSES_AFTER,
    FOLLOW_UP_OPENS_BEFORE,
    FollowUpPoint,
    YesNo,
)
from peerdesk.core.models import FollowUp, Resident, Stay
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, fmt_date, get_or_not_found, void_row
from peerdesk.core.services.residents import latest_stay
from peerdesk.core.services.settings import living_situation_codes


@dataclass(frozen=True)
class FollowUpEntry:
    stay_id: int
    point: FollowUpPoint
    contacted_on: dt.date
    reached: bool
    living_situation: str | None = None
    in_recovery: YesNo = YesNo.UNKNOWN
    employed: YesNo = YesNo.UNKNOWN
    notes: str = ""


@dataclass(frozen=True)
class FollowUpRecord:
    id: int
    stay_id: int
    point: FollowUpPoint
    contacted_on: dt.date
    reached: bool
    living_situation: str | None
    in_recovery: YesNo
    employed: YesNo
    notes: str
    voided: bool


@dataclass(frozen=True)
class FollowUpDue:
    resident_id: int
    resident_name: str
    stay_id: int
    point: FollowUpPoint
    due_on: dt.date  # the point itself: the discharge date plus 182 or 365 days
    closes_on: dt.date


def _record(row: FollowUp) -> FollowUpRecord:
    return FollowUpRecord(
        id=row.id,
        stay_id=row.stay_id,
        point=FollowUpPoint(row.point),
        contacted_on=row.contacted_on,
        reached=row.reached,
        living_situation=row.living_situation,
        in_recovery=YesNo(row.in_recovery),
        employed=YesNo(row.employed),
        notes=row.notes,
        voided=row.voided_at is not None,
    )


def follow_ups_of_stay(s: Session, stay_id: int) -> list[FollowUpRecord]:
    rows = s.scalars(
        select(FollowUp).where(FollowUp.stay_id == stay_id).order_by(FollowUp.contacted_on)
    )
    return [_record(row) for row in rows]


def latest_ended_stay(s: Session, resident_id: int) -> Stay | None:
    """The resident's last stay, if it has ended (the one a follow-up is about)."""
    stay = latest_stay(s, resident_id)
    return stay if stay is not None and stay.discharge_date is not None else None


def record_follow_up(s: Session, actor: Actor, entry: FollowUpEntry) -> FollowUpRecord:
    """Record one contact; refused with one sentence per problem, nothing written."""
    actor.require(Action.EDIT_RESIDENTS)
    stay = get_or_not_found(s, Stay, entry.stay_id, "stay")
    problems = Problems()
    if stay.discharge_date is None:
        problems.add("stay", "This stay has not ended; a follow-up comes after a discharge.")
    contacted = problems.not_future(entry.contacted_on, "contacted_on", "The contact date")
    if (
        contacted is not None
        and stay.discharge_date is not None
        and contacted < (stay.discharge_date)
    ):
        problems.add(
            "contacted_on",
            f"The contact date is before the discharge ({fmt_date(stay.discharge_date)}).",
        )
    living = entry.living_situation or None
    if entry.reached:
        if living is not None and living not in living_situation_codes(s):
            problems.add("living_situation", "Choose a living situation from the list.")
    elif living is not None or {entry.in_recovery, entry.employed} != {YesNo.UNKNOWN}:
        problems.add(
            "reached",
            "Someone not reached has no answers: tick \u201creached\u201d or leave the "
            "answers empty.",
        )
    notes = problems.optional_text(entry.notes, "notes", "Notes", max_length=2000, multiline=True)
    already = s.scalar(
        select(FollowUp.id).where(
            FollowUp.stay_id == stay.id,
            FollowUp.point == entry.point.value,
            FollowUp.voided_at.is_(None),
        )
    )
    if already is not None:
        problems.add(
            "point",
            f"The {entry.point.label} follow-up of this stay is already recorded; void it "
            "first to record it again.",
        )
    problems.raise_if_any()
    row = FollowUp(
        stay_id=stay.id,
        point=entry.point.value,
        contacted_on=entry.contacted_on,
        reached=entry.reached,
        living_situation=living if entry.reached else None,
        in_recovery=entry.in_recovery.value,
        employed=entry.employed.value,
        notes=notes,
        created_at=clock.now_utc(),
        created_by=actor.username,
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        "add",
        "stays",
        stay.id,
        f"{entry.point.label} follow-up: {'reached' if entry.reached else 'not reached'} on "
        f"{fmt_date(entry.contacted_on)}",
        {"follow_up": row.id, "reached": entry.reached, "living_situation": row.living_situation,
         "in_recovery": row.in_recovery, "employed": row.employed},
    )  # fmt: skip
    return _record(row)


def void_follow_up(s: Session, actor: Actor, follow_up_id: int, reason: str) -> None:
    actor.require(Action.EDIT_RESIDENTS)
    row = get_or_not_found(s, FollowUp, follow_up_id, "follow-up")
    void_row(s, actor, row, "stays", row.stay_id, reason)


def follow_ups_due(s: Session, today: dt.date, *, stay_id: int | None = None) -> list[FollowUpDue]:
    """Every follow-up whose window is open today and not yet recorded (of one stay when
    ``stay_id`` is given), soonest first."""
    later = aliased(Stay)
    came_back = (
        select(later.id)
        .where(later.resident_id == Stay.resident_id, later.intake_date > Stay.discharge_date)
        .exists()
    )
    due = []
    for point in FollowUpPoint:
        recorded = (
            select(FollowUp.id)
            .where(
                FollowUp.stay_id == Stay.id,
                FollowUp.point == point.value,
                FollowUp.voided_at.is_(None),
            )
            .exists()
        )
        earliest = today - dt.timedelta(days=point.days + FOLLOW_UP_CLOSES_AFTER)
        latest = today - dt.timedelta(days=point.days - FOLLOW_UP_OPENS_BEFORE)
        rows = s.execute(
            select(Stay.id, Stay.resident_id, Stay.discharge_date, Resident.first_name,
                   Resident.last_name)
            .join(Resident, Resident.id == Stay.resident_id)
            .where(
                and_(Stay.discharge_date.is_not(None),
                     Stay.discharge_date.between(earliest, latest)),
                Stay.discharge_reason != vocab.DischargeReason.DECEASED.value,
                ~recorded,
                ~came_back,
                *([Stay.id == stay_id] if stay_id is not None else []),
            )
        ).all()  # fmt: skip
        for found_stay, resident_id, discharged, first, last in rows:
            assert discharged is not None  # the query asked for ended stays only
            point_day = discharged + dt.timedelta(days=point.days)
            due.append(
                FollowUpDue(
                    resident_id=resident_id,
                    resident_name=dto.person_name(first, last),
                    stay_id=found_stay,
                    point=point,
                    due_on=point_day,
                    closes_on=point_day + dt.timedelta(days=FOLLOW_UP_CLOSES_AFTER),
                )
            )
    return sorted(due, key=lambda d: (d.due_on, d.resident_name))
