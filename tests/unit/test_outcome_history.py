"""The previous period, the trend, the late retention cohort, targets and completeness, each
recounted by hand from the definitions (DESIGN.md, the summary's own definitions page).

The house (today 15 Jun 2026):

    stay  intake        discharge      reason            exit
    A     10 Jan 2024   1 Mar 2024     completed         recovery housing
    B     1 Aug 2024    1 Feb 2025     left voluntarily  street
    C     1 Jul 2025    1 Dec 2025     completed         own or rent
    D     20 Jun 2025   —
    E     1 Jan 2026    1 Mar 2026     moved on          recovery housing
    F     1 Feb 2026    —              (no birth date)
"""

from __future__ import annotations

import datetime as dt

from peerdesk.core import outcome_history as history
from peerdesk.core import report_data as rd
from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.outcomes import Period, last_twelve_months, outcome_figures
from peerdesk.core.services import residents, settings
from peerdesk.reports.outcome_cells import Cells
from peerdesk.reports.outcome_tables import headline_table, met
from tests import factories as f

D = dt.date
R = vocab.DischargeReason
TODAY = D(2026, 6, 15)


def build(db: Database, admin: Actor) -> None:
    stays = [
        ("A", D(2024, 1, 10), D(2024, 3, 1), R.COMPLETED, "recovery_housing"),
        ("B", D(2024, 8, 1), D(2025, 2, 1), R.LEFT_VOLUNTARILY, "street"),
        ("C", D(2025, 7, 1), D(2025, 12, 1), R.COMPLETED, "own_rent"),
        ("D", D(2025, 6, 20), None, None, None),
        ("E", D(2026, 1, 1), D(2026, 3, 1), R.MOVED_ON, "recovery_housing"),
        ("F", D(2026, 2, 1), None, None, None),
    ]
    with db.begin() as s:
        for name, intake, out, reason, exit_to in stays:
            dob = None if name == "F" else D(1990, 1, 1)
            person = f.resident(s, admin, name, "House", intake=intake, dob=dob).id
            if out is not None:
                assert reason is not None and exit_to is not None
                residents.discharge_resident(
                    s,
                    admin,
                    person,
                    residents.Discharge(out, reason, exit_living_situation=exit_to),
                )


def test_the_previous_period_has_the_same_days_just_before(db: Database, admin: Actor) -> None:
    quarter = Period(D(2026, 4, 1), D(2026, 6, 30), D(2026, 6, 15))
    before = history.previous_period(quarter)
    assert (before.start, before.end, before.as_of) == (D(2025, 12, 31), D(2026, 3, 31),
                                                         D(2026, 3, 31))  # fmt: skip
    assert before.days == quarter.days == 91


def test_the_trend_counts_each_twelve_month_year_as_its_own_summary(
    db: Database, admin: Actor, today: dt.date
) -> None:
    build(db, admin)
    period = last_twelve_months(TODAY)  # 16 Jun 2025 – 15 Jun 2026
    with db.read() as s:
        years = history.trend_years(s, period, 90)
    # Back to the year holding the first admission (10 Jan 2024): three years.
    spans = [(y.period.start, y.period.end) for y in years]
    assert spans == [
        (D(2025, 6, 16), D(2026, 6, 15)),
        (D(2024, 6, 16), D(2025, 6, 15)),
        (D(2023, 6, 16), D(2024, 6, 15)),
    ]
    # By hand: discharges dated in each year, positive ones, exits to stable housing.
    # Year 1: C (1 Dec 2025, completed, own/rent), E (1 Mar 2026, moved on, recovery housing).
    # Year 2: B (1 Feb 2025, left voluntarily, street). Year 3: A (1 Mar 2024, completed).
    assert [y.discharges.total for y in years] == [2, 1, 1]
    assert [y.positive for y in years] == [2, 0, 1]
    assert [y.housing.exits_stable.count for y in years] == [2, 0, 1]
    # 90-day retention of each year's admissions, as of each year's last day (the first as of
    # the report date): year 1 admitted D 20 Jun 25 (here on day 90), C 1 Jul 25 (here on
    # day 90), E 1 Jan 26 (left positively on day 59), F 1 Feb 26 (here): 4 of 4.
    # Year 2: B 1 Aug 2024 (here on day 90): 1 of 1. Year 3: A 10 Jan 2024, left positively
    # on day 51: 1 of 1.
    kept = [y.retention.retained for y in years if y.retention is not None]
    assert [(r.count, r.of) for r in kept] == [(4, 4), (1, 1), (1, 1)]


def test_a_checkpoint_the_period_cannot_reach_counts_the_admissions_that_reached_it(
    db: Database, admin: Actor, today: dt.date
) -> None:
    build(db, admin)
    period = last_twelve_months(TODAY)
    with db.read() as s:
        figures = outcome_figures(s, period)
        late = history.late_cohorts(s, figures)
    # No admission since 16 Jun 2025 is 365 days old on 15 Jun 2026 (D, 20 Jun 2025, is 360).
    assert next(c for c in figures.retention if c.days == 365).retained.of == 0
    cohort = late[365]
    # Admitted 365 days before the period up to 365 days before the report date:
    # 16 Jun 2024 – 15 Jun 2025: only B (1 Aug 2024), who left voluntarily on day 184.
    assert (cohort.cohort.start, cohort.cohort.end) == (D(2024, 6, 16), D(2025, 6, 15))
    assert (cohort.checkpoint.retained.count, cohort.checkpoint.retained.of) == (0, 1)


def test_targets_are_met_as_printed(db: Database, admin: Actor, today: dt.date) -> None:
    build(db, admin)
    with db.begin() as s:
        settings.update_settings(
            s, admin,
            settings.SettingsChange(target_positive_percent=100, target_housing_percent=100,
                                    target_median_stay_days=200, target_barc_percent=50),
        )  # fmt: skip
    with db.read() as s:
        data = rd.gather_outcome_summary(s, admin, rd.OutcomeOptions(identified=True))
    rows = {row[0]: row for row in headline_table(data, Cells.of(data)).rows}
    # Discharges in the period: C (153 days) and E (59 days): both positive, both stable;
    # median 106 days; no BARC-10 at all.
    assert rows["Positive discharges"][1:] == ("100% (2 of 2)", "0% (0 of 1)", "at least 100%",
                                               "met")  # fmt: skip
    assert rows["Exits to stable housing"][4] == "met"
    assert rows["Median length of stay"][1] == "106 days"
    assert rows["Median length of stay"][4] == "not met"
    assert rows["BARC-10 at or above 47"][4] == "cannot be shown"
    # A percentage is judged as printed: 99.6% prints 100% and meets a 100% target.
    assert met(data, "positive", 99.6) == "met" and met(data, "positive", 99.4) == "not met"


def test_completeness_counts_the_records_missing_each_field(
    db: Database, admin: Actor, today: dt.date
) -> None:
    build(db, admin)
    with db.read() as s:
        found = history.completeness(s, last_twelve_months(TODAY))
    # Served 16 Jun 2025 – 15 Jun 2026: C, D, E, F (B left Feb 2025); F has no birth date;
    # nobody has a BARC-10; every discharge (C, E) has an exit.
    assert found == history.Completeness(
        residents_served=4, no_birth_date=1, no_intake_situation=0, no_barc=4, discharges=2,
        no_exit_situation=0,
    )  # fmt: skip
