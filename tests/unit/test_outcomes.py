"""Every outcome figure, on a small house whose answers are worked out by hand below.

The house (report period 1 Jan – 31 Mar 2026, as of 31 May 2026):

    stay  intake      discharge   reason / class             came from → left to
    A     5 Jan 2026  —                                      shelter
    B     10 Jan      1 Feb (d22) completed / positive       jail → recovery housing
    C     15 Jan      14 Feb (d30) left voluntarily / neg.   shelter → street
    D     1 Feb       15 Mar (d42) administrative / neg.     family/friends → unknown
    E     20 Mar      —                                      shelter
    F     1 Dec 2025  31 Mar (d120) moved on / positive      street → own or rent
    G     1 Jun 2025  —                                      shelter
    H     1 Oct 2025  15 Nov 2025, readmitted 1 Mar 2026     shelter
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from peerdesk.core import outcomes, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ValidationError
from peerdesk.core.outcomes import Mean, Period, Share
from peerdesk.core.services import assessments, mentors, residents, sessions, settings, supervision
from tests import factories as f

D = dt.date
PERIOD = Period(D(2026, 1, 1), D(2026, 3, 31), D(2026, 5, 31))
T = vocab.SupportType
ALL_3S = [3] * 10  # BARC-10 total 30
ALL_5S = [5] * 10  # 50
TOTAL_47 = [5] * 7 + [4] * 3  # 35 + 12 = 47, exactly the threshold
TOTAL_46 = [5] * 6 + [4] * 4  # 30 + 16 = 46, just under


@dataclass
class House:
    ids: dict[str, int]
    m1: int
    m2: int


def _discharge(
    s: Session,
    admin: Actor,
    resident_id: int,
    day: dt.date,
    reason: vocab.DischargeReason,
    exit_to: str = "unknown",
) -> None:
    residents.discharge_resident(
        s,
        admin,
        resident_id,
        residents.Discharge(day, reason, exit_living_situation=exit_to),
    )


def _session(
    s: Session,
    admin: Actor,
    mentor_id: int,
    day: dt.date,
    minutes: int,
    fmt: vocab.SessionFormat,
    types: set[vocab.SupportType],
    *attendees: tuple[int, int | None, int | None],
) -> int:
    return sessions.log_session(
        s,
        admin,
        sessions.SessionDetails(
            session_date=day,
            duration_minutes=minutes,
            mentor_id=mentor_id,
            format=fmt,
            support_types=frozenset(types),
            attendees=[sessions.AttendeeEntry(r, m, sat) for r, m, sat in attendees],
        ),
    ).id


def _assess(
    s: Session,
    admin: Actor,
    resident_id: int,
    day: dt.date,
    instrument: vocab.Instrument,
    score: int | None = None,
    items: list[int] | None = None,
) -> int:
    return assessments.record_assessment(
        s,
        admin,
        assessments.AssessmentEntry(resident_id, day, instrument, score=score, items=items or []),
    ).id


@pytest.fixture
def house(db: Database, admin: Actor) -> House:
    with db.begin() as s:
        m1 = f.mentor(s, admin, "Maya", "Lopez").id
        m2 = f.mentor(s, admin, "Ben", "Okafor").id
        ids = {
            "A": f.resident(s, admin, "Ann", "A", intake=D(2026, 1, 5)).id,
            "B": f.resident(s, admin, "Bo", "B", intake=D(2026, 1, 10), living="jail").id,
            "C": f.resident(s, admin, "Cy", "C", intake=D(2026, 1, 15)).id,
            "D": f.resident(s, admin, "Di", "D", intake=D(2026, 2, 1), living="family_friends").id,
            "E": f.resident(s, admin, "Ed", "E", intake=D(2026, 3, 20)).id,
            "F": f.resident(s, admin, "Fay", "F", intake=D(2025, 12, 1), living="street").id,
            "G": f.resident(s, admin, "Gus", "G", intake=D(2025, 6, 1)).id,
            "H": f.resident(s, admin, "Hal", "H", intake=D(2025, 10, 1)).id,
        }
        reasons = vocab.DischargeReason
        _discharge(s, admin, ids["B"], D(2026, 2, 1), reasons.COMPLETED, "recovery_housing")
        _discharge(s, admin, ids["C"], D(2026, 2, 14), reasons.LEFT_VOLUNTARILY, "street")
        _discharge(s, admin, ids["D"], D(2026, 3, 15), reasons.ADMINISTRATIVE)
        _discharge(s, admin, ids["F"], D(2026, 3, 31), reasons.MOVED_ON, "own_rent")
        _discharge(s, admin, ids["H"], D(2025, 11, 15), reasons.LEFT_VOLUNTARILY)
        residents.readmit_resident(
            s, admin, ids["H"], residents.Admission(D(2026, 3, 1), f.phase_id(s))
        )

        # Readiness: A 4 → (6) → 7; B one score; C two on 16 Jan (3 and 5, so 4) then 4;
        # D 8 → 6 (a voided 10 after it); E one in the period, one after it.
        readiness = vocab.Instrument.READINESS
        _assess(s, admin, ids["A"], D(2026, 1, 6), readiness, 4)
        _assess(s, admin, ids["A"], D(2026, 3, 20), readiness, 7)
        _assess(s, admin, ids["C"], D(2026, 1, 16), readiness, 3)
        _assess(s, admin, ids["D"], D(2026, 2, 2), readiness, 8)
        _assess(s, admin, ids["D"], D(2026, 3, 10), readiness, 6)
        voided = _assess(s, admin, ids["D"], D(2026, 3, 12), readiness, 10)
        assessments.void_assessment(s, admin, voided, "Wrong resident")
        _assess(s, admin, ids["E"], D(2026, 3, 21), readiness, 5)
        _assess(s, admin, ids["E"], D(2026, 4, 1), readiness, 9)

        # BARC-10: A 30 → 50; G 47 → 46; H once (40); D twice on one day (20 and 24).
        barc = vocab.Instrument.BARC10
        _assess(s, admin, ids["A"], D(2026, 1, 6), barc, items=ALL_3S)
        _assess(s, admin, ids["A"], D(2026, 3, 20), barc, items=ALL_5S)
        _assess(s, admin, ids["G"], D(2026, 1, 10), barc, items=TOTAL_47)
        _assess(s, admin, ids["G"], D(2026, 3, 10), barc, items=TOTAL_46)
        _assess(s, admin, ids["H"], D(2026, 3, 2), barc, items=[4] * 10)
        _assess(s, admin, ids["D"], D(2026, 2, 2), barc, items=[2] * 10)
        _assess(s, admin, ids["D"], D(2026, 2, 2), barc, items=[2] * 6 + [3] * 4)

        # Satisfaction by assessment: G rates 5 (and a voided 1).
        sat = vocab.Instrument.SATISFACTION
        _assess(s, admin, ids["G"], D(2026, 3, 5), sat, 5)
        voided = _assess(s, admin, ids["G"], D(2026, 3, 6), sat, 1)
        assessments.void_assessment(s, admin, voided, "Entered twice")

        fmt = vocab.SessionFormat
        # (resident, motivation, satisfaction)
        _session(
            s,
            admin,
            m1,
            D(2026, 1, 16),
            60,
            fmt.GROUP,
            {T.EMOTIONAL, T.AFFILIATIONAL},
            (ids["A"], None, 4),
            (ids["C"], 5, None),
        )
        _session(
            s, admin, m2, D(2026, 1, 20), 30, fmt.ONE_TO_ONE, {T.INFORMATIONAL}, (ids["B"], 5, 5)
        )
        _session(
            s,
            admin,
            m1,
            D(2026, 2, 10),
            45,
            fmt.ONE_TO_ONE,
            {T.EMOTIONAL, T.INSTRUMENTAL},
            (ids["A"], 6, None),
        )
        _session(
            s,
            admin,
            m2,
            D(2026, 2, 10),
            90,
            fmt.GROUP,
            {T.AFFILIATIONAL},
            (ids["C"], 4, None),
            (ids["D"], None, 2),
            (ids["G"], None, None),
        )
        voided = _session(
            s, admin, m1, D(2026, 3, 25), 60, fmt.GROUP, {T.EMOTIONAL}, (ids["A"], 0, 1)
        )
        sessions.void_session(s, admin, voided, "Logged twice")
        _session(s, admin, m1, D(2026, 4, 2), 30, fmt.ONE_TO_ONE, {T.EMOTIONAL}, (ids["E"], 2, 3))

        # Supervision: Maya on cadence as of 31 May; Ben last seen 1 Mar.
        f.note(s, admin, m1, D(2026, 2, 5), minutes=60)
        f.note(s, admin, m1, D(2026, 5, 10), minutes=45)
        f.note(s, admin, m1, D(2026, 5, 25), minutes=20)
        f.note(s, admin, m2, D(2026, 3, 1), minutes=30)
        voided = f.note(s, admin, m2, D(2026, 3, 2), minutes=60).id
        supervision.void_note(s, admin, voided, "Wrong mentor")
        competency = vocab.Competency.ETHICS_BOUNDARIES
        for day, minutes in ((D(2025, 5, 31), 60), (D(2025, 6, 1), 120), (D(2026, 4, 1), 90)):
            mentors.add_training(
                s, admin, m1, mentors.TrainingDetails(day, "Ethics", competency, minutes)
            )
        extra = mentors.add_training(
            s, admin, m1, mentors.TrainingDetails(D(2026, 4, 2), "Typo", competency, 600)
        )
        mentors.void_training(s, admin, extra.training[-1].id, "Typed 600 for 60")
        mentors.add_credential(
            s,
            admin,
            m1,
            mentors.CredentialDetails("Peer Support Specialist", expires_on=D(2026, 7, 15)),
        )
        mentors.add_credential(
            s,
            admin,
            m2,
            mentors.CredentialDetails("Peer Support Specialist", expires_on=D(2027, 1, 1)),
        )
    return House(ids, m1, m2)


def test_census_and_moves(db: Database, house: House) -> None:
    with db.read() as s:
        figures = outcomes.census_figures(s, PERIOD)
        on_15_feb = outcomes.census(s, D(2026, 2, 15))
    # 1 Jan: F and G. 31 Mar: A, E, G, H (F left that day, so is not counted).
    assert (figures.at_start, figures.at_end, figures.at_as_of) == (2, 4, 4)
    # 15 Feb: A, D, F, G (C left on 14 Feb).
    assert on_15_feb == 4
    # A B C D E and H's second stay were admitted; H's is a readmission.
    assert (figures.admissions, figures.readmissions) == (6, 1)
    assert figures.discharges == 4  # B, C, D, F
    assert figures.residents_served == 8  # everyone, H once


def test_retention_counts_eligible_stays_and_positive_early_discharges(
    db: Database, house: House
) -> None:
    with db.read() as s:
        thirty, ninety, half_year = outcomes.retention(s, PERIOD, (30, 90, 180))
    # Day 30 falls on or before 31 May for all six admissions (E: 19 Apr).
    # Retained: A, D (left on day 42), E, H still here; B left positively on day 22.
    # C left on day 30 itself, negatively: not in residence on day 30, not retained.
    assert thirty.retained == Share(5, 6)
    assert (thirty.still_here, thirty.positive_early, thirty.admissions) == (4, 1, 6)
    # Day 90 is after 31 May for E (18 Jun): 5 eligible. A and H still here, B positive.
    assert ninety.retained == Share(3, 5)
    assert (ninety.still_here, ninety.positive_early) == (2, 1)
    # Nobody admitted in the period has reached day 180 by 31 May.
    assert half_year.retained == Share(0, 0) and str(half_year.retained) == "0 of 0"
    assert half_year.retained.percent == "—"


def test_retention_uses_the_house_checkpoints(db: Database, admin: Actor, house: House) -> None:
    with db.begin() as s:
        settings.update_settings(s, admin, settings.SettingsChange(retention_checkpoints="90, 30"))
    with db.read() as s:
        figures = outcomes.outcome_figures(s, PERIOD)
    assert [(c.days, c.retained) for c in figures.retention] == [
        (30, Share(5, 6)),
        (90, Share(3, 5)),
    ]


def test_length_of_stay_median_of_an_even_and_an_odd_count(db: Database, house: House) -> None:
    with db.read() as s:
        whole = outcomes.length_of_stay(s, PERIOD)
        odd = outcomes.length_of_stay(s, Period(D(2026, 2, 1), D(2026, 3, 15), D(2026, 3, 15)))
    # B 22, C 30, D 42, F 120 days: the two middle ones are tied for the median.
    assert whole.discharges == 4
    assert whole.median_days == (30 + 42) / 2
    assert whole.mean_days == (22 + 30 + 42 + 120) / 4
    assert (whole.shortest_days, whole.longest_days) == (22, 120)
    # 1 Feb – 15 Mar: B, C, D → the middle one.
    assert (odd.discharges, odd.median_days) == (3, 30)


def test_discharge_outcomes_by_reason_and_class(db: Database, house: House) -> None:
    with db.read() as s:
        figures = outcomes.discharge_outcomes(s, PERIOD)
    reasons = dict(figures.by_reason)
    assert figures.total == 4
    assert reasons[vocab.DischargeReason.COMPLETED] == Share(1, 4)
    assert reasons[vocab.DischargeReason.MOVED_ON] == Share(1, 4)
    assert reasons[vocab.DischargeReason.LEFT_VOLUNTARILY] == Share(1, 4)  # H's was in 2025
    assert reasons[vocab.DischargeReason.DECEASED] == Share(0, 4)
    assert dict(figures.by_class) == {
        vocab.OutcomeClass.POSITIVE: Share(2, 4),
        vocab.OutcomeClass.NEUTRAL: Share(0, 4),
        vocab.OutcomeClass.NEGATIVE: Share(2, 4),
    }


def test_housing_stability(db: Database, house: House) -> None:
    with db.read() as s:
        housing = outcomes.housing_stability(s, PERIOD)
    # B → recovery housing and F → own or rent are stable; C → street, D → unknown are not.
    assert housing.exits_stable == Share(2, 4)
    # C (shelter) and F (street) came from homelessness; of them only F left to stability.
    assert housing.entered_homeless == Share(2, 4)
    assert housing.homeless_to_stable == Share(1, 2)


def test_motivation_change_needs_two_scored_days(db: Database, house: House) -> None:
    with db.read() as s:
        change = outcomes.motivation_change(s, PERIOD)
    # A: 4 → 7 (+3; the voided session's 0 on 25 Mar is ignored).
    # C: 16 Jan has an assessment 3 and a session 5, so that day is 4; 10 Feb 4 → 0.
    # D: 8 → 6 (−2; the voided 10 is ignored).
    # B (one score) and E (one in the period) are scored but have no change.
    assert change.residents_scored == 5
    assert change.scores == 3 + 1 + 3 + 2 + 1  # A, B, C, D, E rows in the period
    assert change.first == Mean((4 + 4 + 8) / 3, 3)
    assert change.latest == Mean((7 + 4 + 6) / 3, 3)
    assert change.change.value == pytest.approx((3 + 0 - 2) / 3)
    assert (change.improved, change.unchanged, change.worse) == (
        Share(1, 3),
        Share(1, 3),
        Share(1, 3),
    )


def test_recovery_capital_first_versus_latest(db: Database, house: House) -> None:
    with db.read() as s:
        capital = outcomes.recovery_capital(s, PERIOD)
    # A 30 → 50, G 47 → 46. H has one score; D's two are on the same day.
    assert capital.threshold == 47
    assert capital.change.residents_scored == 4
    assert capital.change.first == Mean((30 + 47) / 2, 2)
    assert capital.change.latest == Mean((50 + 46) / 2, 2)
    assert capital.change.improved == Share(1, 2)
    assert capital.change.worse == Share(1, 2)
    assert capital.at_threshold_first == Share(1, 2)  # G's 47 counts: "at or above"
    assert capital.at_threshold_latest == Share(1, 2)  # A's 50; G fell to 46


def test_satisfaction_counts_every_rating(db: Database, house: House) -> None:
    with db.read() as s:
        rated = outcomes.satisfaction(s, PERIOD)
    # Sessions: A 4, B 5, D 2; assessment: G 5. The voided ones and E's April 3 are out.
    assert rated.mean == Mean((4 + 5 + 2 + 5) / 4, 4)
    assert dict(rated.distribution) == {
        1: Share(0, 4),
        2: Share(1, 4),
        3: Share(0, 4),
        4: Share(1, 4),
        5: Share(2, 4),
    }
    assert rated.residents == 4


def test_peer_support_dose(db: Database, house: House) -> None:
    with db.read() as s:
        dose = outcomes.peer_support_dose(s, PERIOD)
    # Four live sessions in the period: 60 + 30 + 45 + 90 minutes; 2 + 1 + 1 + 3 attendees.
    assert (dose.sessions, dose.hours, dose.attendances) == (4, 225 / 60, 7)
    assert dose.attendee_hours == (60 * 2 + 30 + 45 + 90 * 3) / 60
    assert dose.residents_reached == 5  # A, B, C, D, G
    by_type = {r.key: (r.sessions, r.hours, r.attendances) for r in dose.by_type}
    assert by_type == {
        "emotional": (2, (60 + 45) / 60, 3),
        "informational": (1, 0.5, 1),
        "instrumental": (1, 0.75, 1),
        "affiliational": (2, (60 + 90) / 60, 5),
    }
    by_format = {r.key: (r.sessions, r.hours, r.attendances) for r in dose.by_format}
    assert by_format["group"] == (2, 2.5, 5)
    assert by_format["one_to_one"] == (2, 1.25, 2)
    assert by_format["phone_video"] == (0, 0, 0)
    assert [(r.label, r.sessions, r.attendances) for r in dose.by_mentor] == [
        ("Ben Okafor", 2, 4),
        ("Maya Lopez", 2, 3),
    ]
    months = {m.month: m for m in dose.by_month}
    assert list(months) == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]
    assert (months[D(2026, 1, 1)].sessions, months[D(2026, 1, 1)].attendances) == (2, 3)
    assert dict(months[D(2026, 2, 1)].by_type) == {
        T.EMOTIONAL: 1,
        T.INFORMATIONAL: 0,
        T.INSTRUMENTAL: 1,
        T.AFFILIATIONAL: 1,
    }
    assert months[D(2026, 3, 1)].sessions == 0
    # Days in residence (admitted day in, discharge day out):
    # Jan: A 27, B 22, C 17, F 31, G 31 = 128.
    # Feb: A 28, C 13, D 28, F 28, G 28 = 125.
    # Mar: A 31, D 14, E 12, F 30, G 31, H 31 = 149.
    assert [m.resident_days for m in dose.by_month] == [128, 125, 149]
    assert dose.resident_days == 402
    assert dose.per_resident_month == pytest.approx(7 / (402 / (365.25 / 12)))


def test_supervision_figures(db: Database, house: House) -> None:
    with db.read() as s:
        figures = outcomes.supervision_figures(s, PERIOD)
    by_name = {m.mentor_name: m for m in figures.mentors}
    maya, ben = by_name["Maya Lopez"], by_name["Ben Okafor"]
    assert (maya.supervisions, maya.hours) == (1, 1.0)  # 5 Feb; May's two are after the period
    assert (maya.last_supervision, maya.days_since_last, maya.overdue) == (D(2026, 5, 25), 6, False)
    assert maya.training_hours == (120 + 90) / 60  # 1 Jun 2025 is day 365; 31 May 2025 is not
    assert (ben.supervisions, ben.hours) == (1, 0.5)  # the voided note does not count
    assert (ben.days_since_last, ben.overdue) == (91, True)
    assert ben.training_hours == 0
    assert figures.overdue == Share(1, 2)
    assert [c.mentor_name for c in figures.credentials_expiring] == ["Maya Lopez"]


def test_an_empty_period_reads_zero_of_zero(db: Database, house: House) -> None:
    with db.read() as s:
        empty = outcomes.outcome_figures(s, Period(D(2020, 1, 1), D(2020, 12, 31), D(2020, 12, 31)))
    assert empty.census.admissions == 0 and empty.census.residents_served == 0
    assert all(c.retained == Share(0, 0) for c in empty.retention)
    assert empty.length_of_stay.median_days is None and empty.length_of_stay.mean_days is None
    assert empty.discharges.total == 0
    assert empty.motivation.improved == Share(0, 0) and empty.motivation.change == Mean(None, 0)
    assert empty.recovery_capital.at_threshold_latest == Share(0, 0)
    assert empty.housing.exits_stable == Share(0, 0)
    assert empty.satisfaction.mean == Mean(None, 0)
    assert empty.dose.sessions == 0 and empty.dose.per_resident_month is None
    assert len(empty.dose.by_month) == 12


def test_shares_read_as_people_say_them() -> None:
    assert (str(Share(7, 9)), Share(7, 9).percent) == ("7 of 9", "78%")
    assert Share(8, 60_982).percent == "<1%", "above zero never reads 0%"
    assert (Share(0, 5).percent, Share(0, 0).percent, Share(0, 0).fraction) == ("0%", "—", None)


def test_period_checks_and_the_default_period(today: dt.date) -> None:
    assert outcomes.last_twelve_months(today) == Period(D(2025, 6, 16), today, today)
    leap = outcomes.last_twelve_months(D(2024, 2, 29))
    assert (leap.start, leap.end) == (D(2023, 3, 1), D(2024, 2, 29))
    with pytest.raises(ValidationError, match=r"starts .* after it ends"):
        Period.checked(D(2026, 3, 1), D(2026, 2, 1))
    with pytest.raises(ValidationError, match="in the future"):
        Period.checked(D(2026, 1, 1), D(2026, 7, 1))
    with pytest.raises(ValidationError, match="before the period starts"):
        Period.checked(D(2026, 1, 1), D(2026, 3, 1), D(2025, 12, 1))
    assert Period.checked(D(2026, 1, 1), D(2026, 3, 1)).as_of == D(2026, 3, 1)
