"""The outcome definitions of DESIGN.md, in one place, as SQL aggregates.

Everything is counted inside SQLite (``GROUP BY``, common table expressions); only the
aggregates come back to Python, so a ten-year house with a million attendance rows costs no
more memory than a new one. Every figure carries its numerator *and* its denominator
(:class:`Share`, :class:`Mean`), so a report can say "7 of 9 residents eligible" and a small
house never reads a percentage of nothing.

How each figure is counted, and the edge cases decided here:

- **Period.** ``[start, end]``, both days included, and an as-of date (default ``end``) that
  may not be before ``start`` nor after today. Admissions are ``stays`` rows: a resident
  readmitted in the period is two admissions. Voided sessions, notes, assessments, phase
  changes and training never count.
- **Census on a day D**: residents with a stay whose intake is on or before D and whose
  discharge is after D (or not yet). Someone discharged on D is not counted on D; someone
  admitted on D is. The same rule defines "days in residence" everywhere below.
- **Residents served**: people with a stay that overlaps the period (intake on or before the
  end, discharge on or after the start), each person once.
- **Retention at N days** (the house's ``retention_checkpoints``): the cohort is the stays
  admitted in the period; a stay is *eligible* when intake + N days is on or before the as-of
  date, and *retained* when it was still open on day N (no discharge, or a discharge after
  day N) or it ended with a **positive** outcome (completed the program, moved on
  positively) — a positive early discharge counts as retained, as DESIGN.md says. A discharge
  on day N itself is "not in residence on day N", so it is retained only if positive.
- **Length of stay**: discharge date − intake date in days, over the discharges dated in the
  period. With an even count the median is the mean of the two middle stays (so it can end in
  .5); equal lengths need no rule. No discharges → median and mean are None, shown "—".
- **Discharge outcomes**: the discharges dated in the period by reason and by outcome class;
  every share is of all those discharges.
- **Motivation change** (the readiness ruler, 0–10) and **recovery capital** (BARC-10,
  10–60): the scores dated in the period; readiness comes both from ``assessments``
  (instrument ``readiness``) and from session attendees' ``motivation``. A day's score is the
  mean of that resident's scores that day (an assessment and a session on one day do not
  fight over which is "first"). A resident needs scores on two different days to have a
  change — one with a single score (or several on one day) is counted as *scored* but left out
  of the change. Change = latest day − first day; *improved* means a change above zero. The
  first score is the first one in the period, not necessarily the intake score.
- **Recovery capital** also reports, of the same paired residents, how many were at or above
  ``vocab.BARC10_THRESHOLD`` (47) at their first and at their latest score.
- **Housing stability**: of the discharges dated in the period, the share whose exit living
  situation is stable (``living_situations.is_stable``; a missing exit counts as not stable),
  beside the share of the same discharges who entered from homelessness, and how many of
  those left to stable housing.
- **Satisfaction**: every rating (1–5) dated in the period, from ``assessments`` and from
  session attendees; the mean is over ratings, not over residents.
- **Peer support dose**: sessions dated in the period. A session counts once under each
  support type it gave, so the four types add up to more than the sessions. *Hours* are the
  sessions' own length (the mentors' time); *attendee hours* are length × attendees.
  Sessions per resident per month = attendances ÷ resident-months, where resident-months are
  the days in residence within the period (or month) ÷ 30.4375.
- **Supervision**: per mentor who worked with the house in the period (started by its end,
  not gone before its start, whatever they do today), the supervision notes dated in the
  period (count and hours), and the cadence judgement of
  :func:`peerdesk.core.attention.supervision_cadence` on the as-of date, or on the mentor's
  last day if they left before it (last supervision, days since, overdue); training hours in
  the 365 days up to the as-of date; credentials as they stood on the as-of date (a renewal
  issued later did not exist yet) from :func:`~peerdesk.core.attention.credentials_expiring`.
  So a past period printed again later gives the same figures.
- **An empty period** is not an error: every share reads "0 of 0" and every mean is None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Select,
    SQLColumnExpression,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from peerdesk.core import attention, clock, dto, vocab
from peerdesk.core.errors import FieldError, ValidationError
from peerdesk.core.models import (
    Assessment,
    LivingSituation,
    Mentor,
    PeerSession,
    SessionAttendee,
    Stay,
    SupervisionNote,
    TrainingEntry,
)
from peerdesk.core.services._common import fmt_date
from peerdesk.core.services.settings import get_settings

DAYS_PER_MONTH = 365.25 / 12
TRAINING_WINDOW_DAYS = 365
LONG_PERIOD_DAYS = 2 * 365

ScoreQuery = Select[*tuple[Any, ...]]
DateColumn = SQLColumnExpression[dt.date] | SQLColumnExpression[dt.date | None]


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Share:
    """``count`` of ``of``: a numerator with its denominator ("7 of 9")."""

    count: int
    of: int

    @property
    def fraction(self) -> float | None:
        """count ÷ of, or None when there is nothing to divide by."""
        return self.count / self.of if self.of else None

    @property
    def percent(self) -> str:
        """``78%``; ``<1%`` for a share above zero that would round to nothing; ``—`` of 0."""
        fraction = self.fraction
        if fraction is None:
            return "—"
        if 0 < fraction < 0.005:
            return "<1%"
        return f"{fraction:.0%}"

    def __str__(self) -> str:
        return f"{self.count} of {self.of}"


@dataclass(frozen=True)
class Mean:
    """An average and how many values it is of; ``value`` is None when ``of`` is 0."""

    value: float | None
    of: int


@dataclass(frozen=True)
class Period:
    """A report period ``[start, end]`` (both days included) and the as-of date."""

    start: dt.date
    end: dt.date
    as_of: dt.date

    @classmethod
    def checked(cls, start: dt.date, end: dt.date, as_of: dt.date | None = None) -> Period:
        """A period, or ValidationError with a sentence for each date that cannot be used."""
        as_of = end if as_of is None else as_of
        today = clock.today()
        problems: list[FieldError] = []
        if start > end:
            problems.append(
                FieldError(
                    "from",
                    f"The period starts ({fmt_date(start)}) after it ends ({fmt_date(end)}); "
                    "swap the two dates.",
                )
            )
        if as_of > today:
            problems.append(
                FieldError(
                    "as_of" if as_of != end else "to",
                    f"The report date ({fmt_date(as_of)}) is in the future; today is "
                    f"{fmt_date(today)}.",
                )
            )
        elif as_of < start:
            problems.append(
                FieldError(
                    "as_of",
                    f"The as-of date ({fmt_date(as_of)}) is before the period starts "
                    f"({fmt_date(start)}).",
                )
            )
        if problems:
            raise ValidationError(*problems)
        return cls(start, end, as_of)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def last_twelve_months(today: dt.date) -> Period:
    """The default report period: the twelve months up to and including ``today``."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return Period(year_ago + dt.timedelta(days=1), today, today)


@dataclass(frozen=True)
class Census:
    """Who was here: on the first and last day of the period, on the as-of date, and moves."""

    at_start: int
    at_end: int
    at_as_of: int
    residents_served: int
    admissions: int
    readmissions: int
    discharges: int


@dataclass(frozen=True)
class RetentionCheckpoint:
    days: int
    retained: Share  # of the eligible admissions
    still_here: int  # of the retained, how many were still in residence on day N
    positive_early: int  # of the retained, how many left positively before day N
    admissions: int  # all admissions in the period, eligible or not


@dataclass(frozen=True)
class LengthOfStay:
    discharges: int
    median_days: float | None
    mean_days: float | None
    shortest_days: int | None
    longest_days: int | None


@dataclass(frozen=True)
class DischargeOutcomes:
    total: int
    by_reason: tuple[tuple[vocab.DischargeReason, Share], ...]
    by_class: tuple[tuple[vocab.OutcomeClass, Share], ...]


@dataclass(frozen=True)
class ScoreChange:
    """First versus latest score per resident, over the residents with two scored days."""

    residents_scored: int  # residents with at least one score in the period
    scores: int  # how many scores (rows) were counted
    first: Mean  # of the paired residents
    latest: Mean
    change: Mean
    improved: Share
    unchanged: Share
    worse: Share


@dataclass(frozen=True)
class RecoveryCapital:
    change: ScoreChange
    at_threshold_first: Share  # of the paired residents
    at_threshold_latest: Share
    threshold: int


@dataclass(frozen=True)
class HousingStability:
    exits_stable: Share  # of the discharges in the period
    entered_homeless: Share  # of the same discharges
    homeless_to_stable: Share  # of those who entered from homelessness


@dataclass(frozen=True)
class Satisfaction:
    mean: Mean
    distribution: tuple[tuple[int, Share], ...]  # rating 1–5 → share of ratings
    residents: int


@dataclass(frozen=True)
class DoseRow:
    """Sessions and hours for one support type, format, mentor or month."""

    key: str
    label: str
    sessions: int
    hours: float
    attendances: int
    attendee_hours: float


@dataclass(frozen=True)
class MonthDose:
    month: dt.date  # the first of the month
    sessions: int
    hours: float
    attendances: int
    by_type: tuple[tuple[vocab.SupportType, int], ...]  # sessions giving each type
    resident_days: int

    @property
    def per_resident_month(self) -> float | None:
        months = self.resident_days / DAYS_PER_MONTH
        return self.attendances / months if months else None


@dataclass(frozen=True)
class PeerSupportDose:
    sessions: int
    hours: float
    attendances: int
    attendee_hours: float
    residents_reached: int
    resident_days: int
    by_type: tuple[DoseRow, ...]
    by_format: tuple[DoseRow, ...]
    by_mentor: tuple[DoseRow, ...]
    by_month: tuple[MonthDose, ...]

    @property
    def resident_months(self) -> float:
        return self.resident_days / DAYS_PER_MONTH

    @property
    def per_resident_month(self) -> float | None:
        """Sessions attended per resident per month in residence (None with nobody here)."""
        months = self.resident_months
        return self.attendances / months if months else None


@dataclass(frozen=True)
class MentorSupervision:
    mentor_id: int
    mentor_name: str
    supervisions: int
    hours: float
    last_supervision: dt.date | None
    days_since_last: int | None
    overdue: bool
    overdue_reason: str
    training_hours: float  # in the 365 days up to the as-of date


@dataclass(frozen=True)
class SupervisionFigures:
    mentors: tuple[MentorSupervision, ...]
    overdue: Share  # of the active mentors
    credentials_expiring: tuple[attention.ExpiringCredential, ...]
    warning_days: int


@dataclass(frozen=True)
class OutcomeFigures:
    """Every figure of DESIGN.md's "Outcome definitions" for one period."""

    period: Period
    census: Census
    retention: tuple[RetentionCheckpoint, ...]
    length_of_stay: LengthOfStay
    discharges: DischargeOutcomes
    motivation: ScoreChange
    recovery_capital: RecoveryCapital
    housing: HousingStability
    satisfaction: Satisfaction
    dose: PeerSupportDose
    supervision: SupervisionFigures


# --------------------------------------------------------------------------- helpers


def _days_between(later: DateColumn, earlier: DateColumn) -> ColumnElement[float]:
    return func.julianday(later) - func.julianday(earlier)


def _plus_days(column: DateColumn, days: int) -> ColumnElement[dt.date]:
    return func.date(column, f"+{days} days", type_=Date)


def _in_period(column: DateColumn, period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end)


def _stays_discharged_in(period: Period) -> ColumnElement[bool]:
    return and_(Stay.discharge_date.is_not(None), _in_period(Stay.discharge_date, period))


# --------------------------------------------------------------------------- census


def census(s: Session, on: dt.date) -> int:
    """Residents in residence on ``on`` (intake on or before, discharge after or none)."""
    return int(
        s.execute(
            select(func.count(distinct(Stay.resident_id))).where(
                Stay.intake_date <= on,
                or_(Stay.discharge_date.is_(None), Stay.discharge_date > on),
            )
        ).scalar_one()
    )


def census_figures(s: Session, period: Period) -> Census:
    earlier = aliased(Stay)
    readmission = (
        select(earlier.id)
        .where(
            earlier.resident_id == Stay.resident_id,
            or_(
                earlier.intake_date < Stay.intake_date,
                and_(earlier.intake_date == Stay.intake_date, earlier.id < Stay.id),
            ),
        )
        .exists()
    )
    admitted = _in_period(Stay.intake_date, period)
    moves = s.execute(
        select(
            func.count(case((admitted, 1))),
            func.count(case((and_(admitted, readmission), 1))),
            func.count(case((_stays_discharged_in(period), 1))),
            func.count(
                distinct(
                    case(
                        (
                            and_(
                                Stay.intake_date <= period.end,
                                or_(
                                    Stay.discharge_date.is_(None),
                                    Stay.discharge_date >= period.start,
                                ),
                            ),
                            Stay.resident_id,
                        )
                    )
                )
            ),
        )
    ).one()
    return Census(
        at_start=census(s, period.start),
        at_end=census(s, period.end),
        at_as_of=census(s, period.as_of),
        residents_served=int(moves[3]),
        admissions=int(moves[0]),
        readmissions=int(moves[1]),
        discharges=int(moves[2]),
    )


# --------------------------------------------------------------------------- retention


def retention(
    s: Session, period: Period, checkpoints: tuple[int, ...] | None = None
) -> tuple[RetentionCheckpoint, ...]:
    """Retention at each checkpoint (the house's ``retention_checkpoints`` by default)."""
    days = checkpoints if checkpoints is not None else get_settings(s).retention_checkpoints
    columns: list[ColumnElement[int]] = [func.count()]
    for n in days:
        day_n = _plus_days(Stay.intake_date, n)
        eligible = day_n <= period.as_of
        here = or_(Stay.discharge_date.is_(None), Stay.discharge_date > day_n)
        positive = Stay.discharge_outcome == vocab.OutcomeClass.POSITIVE.value
        columns += [
            func.count(case((eligible, 1))),
            func.count(case((and_(eligible, here), 1))),
            func.count(case((and_(eligible, ~here, positive), 1))),
        ]
    row = s.execute(select(*columns).where(_in_period(Stay.intake_date, period))).one()
    admissions = int(row[0])
    result = []
    for index, n in enumerate(days):
        eligible_n, here_n, positive_n = (int(v) for v in row[1 + 3 * index : 4 + 3 * index])
        result.append(
            RetentionCheckpoint(
                days=n,
                retained=Share(here_n + positive_n, eligible_n),
                still_here=here_n,
                positive_early=positive_n,
                admissions=admissions,
            )
        )
    return tuple(result)


# --------------------------------------------------------------------------- discharges


def length_of_stay(s: Session, period: Period) -> LengthOfStay:
    los = _days_between(Stay.discharge_date, Stay.intake_date)
    where = _stays_discharged_in(period)
    count, mean, shortest, longest = s.execute(
        select(func.count(), func.avg(los), func.min(los), func.max(los)).where(where)
    ).one()
    if not count:
        return LengthOfStay(0, None, None, None, None)
    # The middle one (odd count) or two (even count), straight from an ordered query.
    middle = (
        s.execute(
            select(los).where(where).order_by(los).limit(2 - count % 2).offset((count - 1) // 2)
        )
        .scalars()
        .all()
    )
    return LengthOfStay(
        discharges=int(count),
        median_days=sum(float(v) for v in middle) / len(middle),
        mean_days=float(mean),
        shortest_days=round(shortest),
        longest_days=round(longest),
    )


def discharge_outcomes(s: Session, period: Period) -> DischargeOutcomes:
    where = _stays_discharged_in(period)
    reasons = dict(
        s.execute(
            select(Stay.discharge_reason, func.count()).where(where).group_by(Stay.discharge_reason)
        ).all()
    )
    classes = dict(
        s.execute(
            select(Stay.discharge_outcome, func.count())
            .where(where)
            .group_by(Stay.discharge_outcome)
        ).all()
    )
    total = sum(int(v) for v in reasons.values())
    return DischargeOutcomes(
        total=total,
        by_reason=tuple(
            (reason, Share(int(reasons.get(reason.value, 0)), total))
            for reason in vocab.DischargeReason
        ),
        by_class=tuple(
            (outcome, Share(int(classes.get(outcome.value, 0)), total))
            for outcome in vocab.OutcomeClass
        ),
    )


def housing_stability(s: Session, period: Period) -> HousingStability:
    exit_to = aliased(LivingSituation)
    came_from = aliased(LivingSituation)
    stable = exit_to.is_stable.is_(True)
    homeless = came_from.category == vocab.LivingCategory.HOMELESS.value
    total, stable_count, homeless_count, homeless_stable = s.execute(
        select(
            func.count(),
            func.count(case((stable, 1))),
            func.count(case((homeless, 1))),
            func.count(case((and_(homeless, stable), 1))),
        )
        .select_from(Stay)
        .outerjoin(exit_to, exit_to.code == Stay.exit_living_situation)
        .outerjoin(came_from, came_from.code == Stay.intake_living_situation)
        .where(_stays_discharged_in(period))
    ).one()
    return HousingStability(
        exits_stable=Share(int(stable_count), int(total)),
        entered_homeless=Share(int(homeless_count), int(total)),
        homeless_to_stable=Share(int(homeless_stable), int(homeless_count)),
    )


# --------------------------------------------------------------------------- scores


def _score_change(
    s: Session, scores: CTE, threshold: int | None = None
) -> tuple[ScoreChange, Share, Share]:
    """First versus latest per resident from ``scores`` (``resident_id, day, score`` rows).

    Returns the change and, when ``threshold`` is given, the shares of paired residents at or
    above it at first and at latest (otherwise two "0 of 0").
    """
    per_day = (
        select(
            scores.c.resident_id,
            scores.c.day,
            func.avg(scores.c.score).label("score"),
            func.count().label("rows"),
        )
        .group_by(scores.c.resident_id, scores.c.day)
        .cte("per_day")
    )
    span = (
        select(
            per_day.c.resident_id,
            func.min(per_day.c.day).label("first_day"),
            func.max(per_day.c.day).label("last_day"),
            func.count().label("days"),
        )
        .group_by(per_day.c.resident_id)
        .cte("span")
    )
    first = per_day.alias("first_day_score")
    latest = per_day.alias("latest_day_score")
    pairs = (
        select(first.c.score.label("first_score"), latest.c.score.label("latest_score"))
        .select_from(span)
        .join(
            first,
            and_(first.c.resident_id == span.c.resident_id, first.c.day == span.c.first_day),
        )
        .join(
            latest,
            and_(latest.c.resident_id == span.c.resident_id, latest.c.day == span.c.last_day),
        )
        .where(span.c.days >= 2)
        .cte("pairs")
    )
    mark = threshold if threshold is not None else 0
    row = s.execute(
        select(
            select(func.count()).select_from(span).scalar_subquery(),
            select(func.coalesce(func.sum(per_day.c.rows), 0)).scalar_subquery(),
            func.count(),
            func.avg(pairs.c.first_score),
            func.avg(pairs.c.latest_score),
            func.avg(pairs.c.latest_score - pairs.c.first_score),
            func.count(case((pairs.c.latest_score > pairs.c.first_score, 1))),
            func.count(case((pairs.c.latest_score == pairs.c.first_score, 1))),
            func.count(case((pairs.c.latest_score < pairs.c.first_score, 1))),
            func.count(case((pairs.c.first_score >= mark, 1))),
            func.count(case((pairs.c.latest_score >= mark, 1))),
        ).select_from(pairs)
    ).one()
    scored, rows, paired = int(row[0]), int(row[1]), int(row[2])

    def mean(value: float | None) -> Mean:
        return Mean(None if value is None else float(value), paired)

    change = ScoreChange(
        residents_scored=scored,
        scores=rows,
        first=mean(row[3]),
        latest=mean(row[4]),
        change=mean(row[5]),
        improved=Share(int(row[6]), paired),
        unchanged=Share(int(row[7]), paired),
        worse=Share(int(row[8]), paired),
    )
    if threshold is None:
        return change, Share(0, 0), Share(0, 0)
    return change, Share(int(row[9]), paired), Share(int(row[10]), paired)


def _assessment_scores(instrument: vocab.Instrument, period: Period) -> ScoreQuery:
    return select(
        Assessment.resident_id.label("resident_id"),
        Assessment.assessed_on.label("day"),
        Assessment.score.label("score"),
    ).where(
        Assessment.instrument == instrument.value,
        Assessment.voided_at.is_(None),
        Assessment.score.is_not(None),
        _in_period(Assessment.assessed_on, period),
    )


def _attendee_scores(column: InstrumentedAttribute[int | None], period: Period) -> ScoreQuery:
    day = PeerSession.session_date
    # Over a long period it is faster to read every attendance row than to walk the sessions
    # by date and look up each one's attendees; date() around the column stops SQLite from
    # choosing the date index.
    dated = func.date(day) if period.days > LONG_PERIOD_DAYS else day
    return (
        select(
            SessionAttendee.resident_id.label("resident_id"),
            day.label("day"),
            column.label("score"),
        )
        .join(PeerSession, PeerSession.id == SessionAttendee.session_id)
        .where(
            PeerSession.voided_at.is_(None),
            column.is_not(None),
            dated.between(period.start.isoformat(), period.end.isoformat()),
        )
    )


def motivation_change(s: Session, period: Period) -> ScoreChange:
    """Readiness ruler first versus latest, from assessments and session ratings."""
    scores = union_all(
        _assessment_scores(vocab.Instrument.READINESS, period),
        _attendee_scores(SessionAttendee.motivation, period),
    ).cte("scores")
    return _score_change(s, scores)[0]


def recovery_capital(s: Session, period: Period) -> RecoveryCapital:
    """BARC-10 first versus latest, and how many were at or above 47 at each."""
    threshold = vocab.BARC10_THRESHOLD
    scores = _assessment_scores(vocab.Instrument.BARC10, period).cte("scores")
    change, first, latest = _score_change(s, scores, threshold)
    return RecoveryCapital(change, first, latest, threshold)


def satisfaction(s: Session, period: Period) -> Satisfaction:
    ratings = union_all(
        _assessment_scores(vocab.Instrument.SATISFACTION, period),
        _attendee_scores(SessionAttendee.satisfaction, period),
    ).cte("ratings")
    # One statement, so SQLite builds the ratings once for both counts.
    residents_n = select(func.count(distinct(ratings.c.resident_id))).scalar_subquery()
    rows = s.execute(
        select(ratings.c.score, func.count(), residents_n).group_by(ratings.c.score)
    ).all()
    counts = {int(score): int(n) for score, n, _ in rows}
    total = sum(counts.values())
    residents = int(rows[0][2]) if rows else 0
    mean = sum(score * n for score, n in counts.items()) / total if total else None
    scale = vocab.SCALES[vocab.Instrument.SATISFACTION]
    return Satisfaction(
        mean=Mean(mean, total),
        distribution=tuple(
            (rating, Share(counts.get(rating, 0), total))
            for rating in range(scale.low, scale.high + 1)
        ),
        residents=residents,
    )


# --------------------------------------------------------------------------- dose


def peer_support_dose(s: Session, period: Period) -> PeerSupportDose:
    """Sessions, hours and attendances by support type, format, mentor and month."""
    live = and_(PeerSession.voided_at.is_(None), _in_period(PeerSession.session_date, period))
    # Attendees per session, counted once for the period's sessions only (a correlated count
    # per session is slower on a ten-year house).
    attendees = (
        select(SessionAttendee.session_id, func.count().label("n"))
        .where(
            SessionAttendee.session_id.in_(
                select(PeerSession.id).where(_in_period(PeerSession.session_date, period))
            )
        )
        .group_by(SessionAttendee.session_id)
        .subquery("attendees")
    )
    month = func.strftime("%Y-%m-01", PeerSession.session_date)
    types = [getattr(PeerSession, t.value) for t in vocab.SupportType]
    keys = [month, PeerSession.format, PeerSession.mentor_id, *types]
    # One row per (month, format, mentor, combination of types): a few thousand at most for
    # ten years; every breakdown below is a sum over these groups.
    groups = s.execute(
        select(
            *keys,
            func.count(),
            func.sum(PeerSession.duration_minutes),
            func.sum(attendees.c.n),
            func.sum(attendees.c.n * PeerSession.duration_minutes),
        )
        .join(attendees, attendees.c.session_id == PeerSession.id)
        .where(live)
        .group_by(*keys)
    ).all()

    totals: dict[tuple[str, str], list[int]] = {}
    for row in groups:
        month_key, fmt, mentor_id = str(row[0]), str(row[1]), str(row[2])
        values = (int(row[7]), int(row[8]), int(row[9]), int(row[10]))
        keys = [("all", ""), ("format", fmt), ("mentor", mentor_id), ("month", month_key)]
        for support, given in zip(vocab.SupportType, row[3:7], strict=True):
            if given:
                keys += [("type", support.value), ("month-type", f"{month_key}/{support.value}")]
        for key in keys:
            entry = totals.get(key)
            if entry is None:
                totals[key] = list(values)
            else:
                entry[0] += values[0]
                entry[1] += values[1]
                entry[2] += values[2]
                entry[3] += values[3]

    def dose_row(dimension: str, key: str, label: str) -> DoseRow:
        n, minutes, attended, attendee_minutes = totals.get((dimension, key), [0, 0, 0, 0])
        return DoseRow(key, label, n, minutes / 60, attended, attendee_minutes / 60)

    names = {
        str(mid): dto.person_name(first, last)
        for mid, first, last in s.execute(
            select(Mentor.id, Mentor.first_name, Mentor.last_name).where(
                Mentor.id.in_([int(key) for dim, key in totals if dim == "mentor"])
            )
        ).all()
    }
    by_mentor = sorted(
        (dose_row("mentor", key, name) for key, name in names.items()),
        key=lambda r: (-r.sessions, r.label),
    )
    resident_days = _resident_days_by_month(s, period)
    by_month = []
    for month_start in _months(period):
        key = month_start.isoformat()
        totals_of_month = dose_row("month", key, key)
        by_month.append(
            MonthDose(
                month=month_start,
                sessions=totals_of_month.sessions,
                hours=totals_of_month.hours,
                attendances=totals_of_month.attendances,
                by_type=tuple(
                    (t, totals.get(("month-type", f"{key}/{t.value}"), [0])[0])
                    for t in vocab.SupportType
                ),
                resident_days=resident_days.get(month_start, 0),
            )
        )
    everything = dose_row("all", "", "")
    reached = s.execute(_residents_reached(live)).scalar_one()
    return PeerSupportDose(
        sessions=everything.sessions,
        hours=everything.hours,
        attendances=everything.attendances,
        attendee_hours=everything.attendee_hours,
        residents_reached=int(reached),
        resident_days=sum(m.resident_days for m in by_month),
        by_type=tuple(dose_row("type", t.value, t.label) for t in vocab.SupportType),
        by_format=tuple(dose_row("format", f.value, f.label) for f in vocab.SessionFormat),
        by_mentor=tuple(by_mentor),
        by_month=tuple(by_month),
    )


def _residents_reached(live: ColumnElement[bool]) -> Select[int]:
    """How many residents attended at least one session in the period.

    The attendances of the period's sessions, read through the sessions' date index: the cost
    follows the period asked for. (One EXISTS per resident instead read the attendances of
    everyone who had ever lived in the house: 0.9 s for ten years of a twenty-year house.)"""
    return (
        select(func.count(distinct(SessionAttendee.resident_id)))
        .join(PeerSession, PeerSession.id == SessionAttendee.session_id)
        .where(live)
    )


def _months(period: Period) -> list[dt.date]:
    """The first day of each calendar month the period touches."""
    months = []
    month = period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _resident_days_by_month(s: Session, period: Period) -> dict[dt.date, int]:
    """Days in residence (census rule) of everyone, in each month of the period."""
    months = select(literal(period.start.replace(day=1).isoformat()).label("start")).cte(
        "months", recursive=True
    )
    months = months.union_all(
        select(func.date(months.c.start, "+1 month")).where(
            func.date(months.c.start, "+1 month") <= period.end.isoformat()
        )
    )
    # Each month clipped to the period: [first, stop).
    first = func.max(months.c.start, period.start.isoformat())
    stop = func.min(
        func.date(months.c.start, "+1 month"), (period.end + dt.timedelta(days=1)).isoformat()
    )
    leaves = func.min(func.coalesce(Stay.discharge_date, stop), stop)
    days = func.max(func.julianday(leaves) - func.julianday(func.max(Stay.intake_date, first)), 0)
    rows = s.execute(
        select(months.c.start, func.sum(days))
        .select_from(months)
        .join(
            Stay,
            and_(
                Stay.intake_date < stop,
                or_(Stay.discharge_date.is_(None), Stay.discharge_date > first),
            ),
        )
        .group_by(months.c.start)
    ).all()
    return {dt.date.fromisoformat(str(start)): round(total) for start, total in rows}


# --------------------------------------------------------------------------- supervision


def supervision_figures(s: Session, period: Period) -> SupervisionFigures:
    """The mentors who worked in the period (whatever they do today), each judged against the
    supervision rule on the as-of date or, for one who left before it, on their last day."""
    in_period = attention.worked_between(period.start, period.end)
    judged_on: dict[dt.date, list[int]] = {}
    for mentor_id, end in s.execute(select(Mentor.id, Mentor.end_date).where(in_period)):
        day = min(period.as_of, end) if end is not None else period.as_of
        judged_on.setdefault(day, []).append(mentor_id)
    cadence = {
        c.mentor_id: c
        for day, ids in judged_on.items()
        for c in attention.supervision_cadence(s, day, mentor_ids=ids)
    }
    mentor_notes = and_(
        SupervisionNote.mentor_id == Mentor.id,
        SupervisionNote.voided_at.is_(None),
        _in_period(SupervisionNote.note_date, period),
    )
    note_count = select(func.count()).where(mentor_notes).correlate(Mentor).scalar_subquery()
    note_minutes = (
        select(func.coalesce(func.sum(SupervisionNote.duration_minutes), 0))
        .where(mentor_notes)
        .correlate(Mentor)
        .scalar_subquery()
    )
    training_from = period.as_of - dt.timedelta(days=TRAINING_WINDOW_DAYS - 1)
    training = (
        select(func.coalesce(func.sum(TrainingEntry.minutes), 0))
        .where(
            TrainingEntry.mentor_id == Mentor.id,
            TrainingEntry.voided_at.is_(None),
            TrainingEntry.trained_on.between(training_from, period.as_of),
        )
        .correlate(Mentor)
        .scalar_subquery()
    )
    rows = s.execute(
        select(
            Mentor.id,
            Mentor.first_name,
            Mentor.last_name,
            note_count,
            note_minutes,
            training,
        )
        .where(Mentor.id.in_(list(cadence)))
        .order_by(Mentor.last_name, Mentor.first_name, Mentor.id)
    ).all()
    mentors = []
    for mid, first, last, count, minutes, trained in rows:
        status = cadence[mid]
        mentors.append(
            MentorSupervision(
                mentor_id=mid,
                mentor_name=dto.person_name(first, last),
                supervisions=int(count),
                hours=int(minutes) / 60,
                last_supervision=status.last_supervision,
                days_since_last=status.days_since_last,
                overdue=status.overdue,
                overdue_reason=status.reason,
                training_hours=int(trained) / 60,
            )
        )
    return SupervisionFigures(
        mentors=tuple(mentors),
        overdue=Share(sum(1 for m in mentors if m.overdue), len(mentors)),
        credentials_expiring=tuple(attention.credentials_expiring(s, period.as_of)),
        warning_days=get_settings(s).credential_warning_days,
    )


# --------------------------------------------------------------------------- everything


def outcome_figures(s: Session, period: Period) -> OutcomeFigures:
    """Every outcome figure for ``period``, in one read."""
    return OutcomeFigures(
        period=period,
        census=census_figures(s, period),
        retention=retention(s, period),
        length_of_stay=length_of_stay(s, period),
        discharges=discharge_outcomes(s, period),
        motivation=motivation_change(s, period),
        recovery_capital=recovery_capital(s, period),
        housing=housing_stability(s, period),
        satisfaction=satisfaction(s, period),
        dose=peer_support_dose(s, period),
        supervision=supervision_figures(s, period),
    )
