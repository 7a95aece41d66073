"""Follow-up after discharge, as the outcome summary counts it.

For each point (6 and 12 months): the follow-ups *due* in the period are the discharges (not
deaths) whose point (discharge + 182 or 365 days) fell in the period, up to the as-of date;
of those, how many were *contacted* (a follow-up recorded, reached or not, on or before the
as-of date), how many *reached*; and of those reached, how many lived in stable housing, said
they were in recovery, and were employed. Every share has its denominator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from peerdesk.core import vocab
from peerdesk.core.funder_vocab import FollowUpPoint, YesNo
from peerdesk.core.models import FollowUp, LivingSituation, Stay
from peerdesk.core.outcomes import Period


@dataclass(frozen=True)
class FollowUpFigures:
    point: FollowUpPoint
    due: int
    contacted: int
    reached: int
    stable: int  # of those reached
    in_recovery: int
    employed: int


def follow_up_figures(s: Session, period: Period) -> tuple[FollowUpFigures, ...]:
    last = min(period.end, period.as_of)
    result = []
    for point in FollowUpPoint:
        first_discharge = period.start - dt.timedelta(days=point.days)
        last_discharge = last - dt.timedelta(days=point.days)
        if last_discharge < first_discharge:
            result.append(FollowUpFigures(point, 0, 0, 0, 0, 0, 0))
            continue
        contact = (
            select(
                FollowUp.stay_id.label("stay_id"),
                func.max(case((FollowUp.reached.is_(True), 1), else_=0)).label("reached"),
                func.max(case((LivingSituation.is_stable.is_(True), 1), else_=0)).label("stable"),
                func.max(case((FollowUp.in_recovery == YesNo.YES.value, 1), else_=0)).label(
                    "recovery"
                ),
                func.max(case((FollowUp.employed == YesNo.YES.value, 1), else_=0)).label(
                    "employed"
                ),
            )
            .outerjoin(LivingSituation, LivingSituation.code == FollowUp.living_situation)
            .where(
                FollowUp.point == point.value,
                FollowUp.voided_at.is_(None),
                FollowUp.contacted_on <= period.as_of,
            )
            .group_by(FollowUp.stay_id)
            .subquery("contact")
        )
        row = s.execute(
            select(
                func.count(),
                func.count(contact.c.stay_id),
                func.coalesce(func.sum(contact.c.reached), 0),
                func.coalesce(func.sum(contact.c.stable * contact.c.reached), 0),
                func.coalesce(func.sum(contact.c.recovery * contact.c.reached), 0),
                func.coalesce(func.sum(contact.c.employed * contact.c.reached), 0),
            )
            .select_from(Stay)
            .outerjoin(contact, contact.c.stay_id == Stay.id)
            .where(
                and_(
                    Stay.discharge_date.is_not(None),
                    Stay.discharge_date.between(first_discharge, last_discharge),
                ),
                Stay.discharge_reason != vocab.DischargeReason.DECEASED.value,
            )
        ).one()
        result.append(FollowUpFigures(point, *(int(v) for v in row)))
    return tuple(result)
