"""The outcome figures a grant report puts beside this period's: the previous period, a
year-by-year trend, retention checkpoints the period is too short to reach, and how complete
the records behind the figures are.

- **Previous period**: the same number of days, ending the day before the period starts,
  counted as that period's own summary counted it on its last day (as-of = its end date).
- **Trend**: up to five twelve-month years ending on the period's last day (year 1 is the
  twelve months up to it, year 2 the twelve before, …), each as of its own last day, back to
  the year of the house's first admission. For each: retention at the headline checkpoint,
  median length of stay, positive discharges, exits to stable housing and BARC-10 at or above
  the threshold at the latest score.
- **A checkpoint the period cannot reach** (no admission of the period had reached day N by
  the as-of date, as with 365 days on a twelve-month period): the admissions that reached
  day N during the period instead, those admitted N days before the period, up to N days
  before the as-of date; the summary says which admissions these are.
- **Completeness**: of the residents served in the period, how many have no birth date or no
  living situation at intake; of the discharges, how many have no living situation at exit;
  of the residents served, how many have no BARC-10 in the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from peerdesk.core import vocab
from peerdesk.core.models import Assessment, Resident, Stay
from peerdesk.core.outcomes import (
    DischargeOutcomes,
    HousingStability,
    LengthOfStay,
    OutcomeFigures,
    Period,
    RecoveryCapital,
    RetentionCheckpoint,
    discharge_outcomes,
    housing_stability,
    length_of_stay,
    recovery_capital,
    retention,
)

TREND_YEARS = 5


def headline_checkpoint(checkpoints: tuple[int, ...]) -> int | None:
    """The retention checkpoint a summary leads with: 90 days if the house counts it."""
    if 90 in checkpoints:
        return 90
    return checkpoints[0] if checkpoints else None


def previous_period(period: Period) -> Period:
    """The same number of days just before ``period``, as of its own last day."""
    end = period.start - dt.timedelta(days=1)
    start = end - dt.timedelta(days=period.days - 1)
    return Period(start, end, end)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class YearFigures:
    """The headline figures of one twelve-month year of the trend."""

    period: Period
    retention: RetentionCheckpoint | None
    length_of_stay: LengthOfStay
    discharges: DischargeOutcomes
    housing: HousingStability
    recovery_capital: RecoveryCapital

    @property
    def positive(self) -> int:
        return dict(self.discharges.by_class)[vocab.OutcomeClass.POSITIVE].count


def trend_years(
    s: Session,
    period: Period,
    checkpoint: int | None,
    years: int = TREND_YEARS,
    *,
    known: Sequence[OutcomeFigures] = (),
) -> tuple[YearFigures, ...]:
    """Up to ``years`` twelve-month years ending on the period's last day, newest first, none
    before the house's first admission. A year that is one of the ``known`` periods (a
    twelve-month period is the first year, its previous period the second) is not counted
    again."""
    first_intake = s.execute(select(func.min(Stay.intake_date))).scalar_one()
    if first_intake is None:
        return ()
    counted = {f.period: f for f in known}
    result = []
    for back in range(years):
        end = _years_before(period.end, back)
        start = _years_before(period.end, back + 1) + dt.timedelta(days=1)
        if end < first_intake:
            break
        year = Period(start, end, period.as_of if back == 0 else end)
        result.append(_year(s, year, checkpoint, counted.get(year)))
    return tuple(result)


def _year(
    s: Session, year: Period, checkpoint: int | None, known: OutcomeFigures | None
) -> YearFigures:
    if known is not None:
        kept = next((c for c in known.retention if c.days == checkpoint), None)
        if kept is not None or checkpoint is None:
            return YearFigures(
                period=year,
                retention=kept,
                length_of_stay=known.length_of_stay,
                discharges=known.discharges,
                housing=known.housing,
                recovery_capital=known.recovery_capital,
            )
    kept_now = retention(s, year, (checkpoint,)) if checkpoint is not None else ()
    return YearFigures(
        period=year,
        retention=kept_now[0] if kept_now else None,
        length_of_stay=length_of_stay(s, year),
        discharges=discharge_outcomes(s, year),
        housing=housing_stability(s, year),
        recovery_capital=recovery_capital(s, year),
    )


@dataclass(frozen=True)
class LateCohort:
    """Retention at a checkpoint the period's own admissions have not reached."""

    cohort: Period  # the admissions counted: intake between its start and end
    checkpoint: RetentionCheckpoint


def late_cohorts(s: Session, figures: OutcomeFigures) -> dict[int, LateCohort]:
    """For each checkpoint with no eligible admission in the period, the admissions whose
    day N fell within the period (from its start to the as-of date)."""
    period = figures.period
    result = {}
    for checkpoint in figures.retention:
        if checkpoint.retained.of:
            continue
        n = checkpoint.days
        cohort = Period(
            period.start - dt.timedelta(days=n),
            period.as_of - dt.timedelta(days=n),
            period.as_of,
        )
        (counted,) = retention(s, cohort, (n,))
        if counted.retained.of:
            result[n] = LateCohort(cohort, counted)
    return result


@dataclass(frozen=True)
class Completeness:
    """How many of the records behind the figures lack a field."""

    residents_served: int
    no_birth_date: int
    no_intake_situation: int
    no_barc: int
    discharges: int
    no_exit_situation: int


def completeness(s: Session, period: Period) -> Completeness:
    overlaps = and_(
        Stay.intake_date <= period.end,
        or_(Stay.discharge_date.is_(None), Stay.discharge_date >= period.start),
    )
    served = select(Stay.resident_id).where(overlaps)
    stay_missing_intake = (
        select(Stay.id)
        .where(
            Stay.resident_id == Resident.id,
            overlaps,
            or_(Stay.intake_living_situation.is_(None), Stay.intake_living_situation == ""),
        )
        .exists()
    )
    barc = exists().where(
        Assessment.resident_id == Resident.id,
        Assessment.instrument == vocab.Instrument.BARC10.value,
        Assessment.voided_at.is_(None),
        Assessment.score.is_not(None),
        Assessment.assessed_on.between(period.start, period.end),
    )
    people, no_birth, no_intake, no_barc = s.execute(
        select(
            func.count(),
            func.count().filter(Resident.date_of_birth.is_(None)),
            func.count().filter(stay_missing_intake),
            func.count().filter(~barc),
        ).where(Resident.id.in_(served))
    ).one()
    discharged = and_(
        Stay.discharge_date.is_not(None), Stay.discharge_date.between(period.start, period.end)
    )
    discharges, no_exit = s.execute(
        select(
            func.count(),
            func.count().filter(
                or_(Stay.exit_living_situation.is_(None), Stay.exit_living_situation == "")
            ),
        ).where(discharged)
    ).one()
    return Completeness(
        residents_served=int(people),
        no_birth_date=int(no_birth),
        no_intake_situation=int(no_intake),
        no_barc=int(no_barc),
        discharges=int(discharges),
        no_exit_situation=int(no_exit),
    )
