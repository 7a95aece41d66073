"""Who the house served, in the categories funders ask for, counted in SQL.

- **Residents served** (each person once, as for the census): gender, race, ethnicity and
  veteran status as answered at their latest stay that overlaps the period, and age band on
  that stay's intake date (no birth date: "Unknown").
- **Admissions in the period** (stays): justice involvement, employment, income and
  medication for opioid use disorder at entry.
- **Discharges in the period** (stays): employment, income and medication at exit, and
  employment at entry of the same discharges, so the change is over the same people.

A stay never asked (no answers row, as every stay of an older house) counts as "Unknown" in
every list, so each list adds up to its denominator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from peerdesk.core import funder_vocab
from peerdesk.core.models import Resident, Stay, StayAnswers
from peerdesk.core.outcomes import Period
from peerdesk.core.vocab import _Labelled

StayIds = Select[Any] | ScalarSelect[Any]


@dataclass(frozen=True)
class Breakdown:
    """One question's answers over a group: (code, label, count) in the list's order."""

    question: str
    title: str
    group: str  # "residents served", "admissions", "discharges"
    rows: tuple[tuple[str, str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.rows)


@dataclass(frozen=True)
class PeopleFigures:
    served: tuple[Breakdown, ...]
    admitted: tuple[Breakdown, ...]
    discharged: tuple[Breakdown, ...]

    def all(self) -> tuple[Breakdown, ...]:
        return self.served + self.admitted + self.discharged


def _counts(s: Session, stays: StayIds, question: str) -> dict[str, int]:
    answers = aliased(StayAnswers)
    column: ColumnElement[str] = func.coalesce(getattr(answers, question), funder_vocab.UNKNOWN)
    rows = s.execute(
        select(column, func.count())
        .select_from(Stay)
        .outerjoin(answers, answers.stay_id == Stay.id)
        .where(Stay.id.in_(stays))
        .group_by(column)
    ).all()
    return {str(code): int(n) for code, n in rows}


def _breakdown(question: str, group: str, counts: dict[str, int]) -> Breakdown:
    questions = {**funder_vocab.INTAKE_QUESTIONS, **funder_vocab.EXIT_QUESTIONS}
    enum, title = questions[question]
    members: list[_Labelled] = list(enum)
    return Breakdown(
        question, title, group, tuple((m.value, m.label, counts.get(m.value, 0)) for m in members)
    )


def people_figures(s: Session, period: Period) -> PeopleFigures:
    overlapping = and_(
        Stay.intake_date <= period.end,
        or_(Stay.discharge_date.is_(None), Stay.discharge_date >= period.start),
    )
    # Each resident served once: their latest stay overlapping the period.
    latest = (
        select(func.max(Stay.id)).where(overlapping).group_by(Stay.resident_id).scalar_subquery()
    )
    admitted = select(Stay.id).where(Stay.intake_date.between(period.start, period.end))
    discharged = select(Stay.id).where(
        Stay.discharge_date.is_not(None), Stay.discharge_date.between(period.start, period.end)
    )
    served = tuple(
        _breakdown(q, "residents served", _counts(s, latest, q))
        for q in ("gender", "race", "ethnicity", "veteran")
    )
    ages: dict[str, int] = {}
    for birth, intake in s.execute(
        select(Resident.date_of_birth, Stay.intake_date)
        .join(Stay, Stay.resident_id == Resident.id)
        .where(Stay.id.in_(latest))
    ):
        band = funder_vocab.age_band(birth, intake)
        ages[band] = ages.get(band, 0) + 1
    age = Breakdown(
        "age",
        "Age at intake",
        "residents served",
        tuple((label, label, ages.get(label, 0)) for label in funder_vocab.age_band_labels()),
    )
    return PeopleFigures(
        served=(*served, age),
        admitted=tuple(
            _breakdown(q, "admissions", _counts(s, admitted, q))
            for q in ("justice", "employment_entry", "income_entry", "moud_entry")
        ),
        discharged=tuple(
            _breakdown(q, "discharges", _counts(s, discharged, q))
            for q in ("employment_entry", "employment_exit", "income_exit", "moud_exit")
        ),
    )
