"""A past period's outcome summary counts the peer mentors and credentials of *then*, and gives
the same figures when it is printed again later (issue 16).

The expected figures are recounted here from the definitions (DESIGN.md: "per mentor,
supervisions and hours in the period, days since the last, overdue flag; credentials expiring
within 60 days"; the house rule: at least two supervisions in the last 30 days, one of them
30 minutes or more), over the facts the test itself wrote, never by calling the functions
that print them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peerdesk.core import outcomes
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import mentors
from tests import factories as f

ADMIN = Actor.local_administrator()
PERIOD = outcomes.Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 12, 31))
WINDOW, PER_MONTH, LONG = 30, 2, 30


@dataclass
class Worker:
    first: str
    start: dt.date
    end: dt.date | None
    notes: list[tuple[dt.date, int]]  # (date, minutes)


STAFF = [
    # Supervised twice a month, an hour each, all of 2024: never overdue.
    Worker(
        "Ana",
        dt.date(2023, 1, 1),
        None,
        [(dt.date(2024, m, d), 60) for m in range(1, 13) for d in (5, 20)],
    ),
    # Left on 30 June 2024 with one supervision in her last month: overdue on her last day.
    Worker("Ben", dt.date(2023, 1, 1), dt.date(2024, 6, 30), [(dt.date(2024, 6, 10), 45)]),
    # Worked all of 2024, left in February 2025: overdue at the end of 2024.
    Worker(
        "Eve",
        dt.date(2023, 5, 1),
        dt.date(2025, 2, 1),
        [(dt.date(2024, 3, 1), 40), (dt.date(2024, 11, 1), 40)],
    ),
    # Started after the period, and left before it: neither worked in 2024.
    Worker("Cal", dt.date(2025, 3, 1), None, []),
    Worker("Dee", dt.date(2022, 1, 1), dt.date(2023, 6, 30), [(dt.date(2023, 6, 1), 60)]),
]


def recount() -> dict[str, tuple[int, bool]]:
    """Per mentor who worked in the period: supervisions in it, and overdue on the report
    date (or their last day, if they left before it)."""
    figures = {}
    for w in STAFF:
        if w.start > PERIOD.end or (w.end is not None and w.end < PERIOD.start):
            continue
        in_period = [n for n in w.notes if PERIOD.start <= n[0] <= PERIOD.end]
        day = min(PERIOD.as_of, w.end) if w.end else PERIOD.as_of
        window = [n for n in w.notes if day - dt.timedelta(days=WINDOW - 1) <= n[0] <= day]
        new = (day - w.start).days < WINDOW
        overdue = not new and (len(window) < PER_MONTH or not any(m >= LONG for _, m in window))
        figures[w.first] = (len(in_period), overdue)
    return figures


def build(db: Database) -> dict[str, int]:
    ids = {}
    with db.begin() as s:
        for w in STAFF:
            made = f.mentor(s, ADMIN, w.first, "Worker", start=w.start)
            ids[w.first] = made.id
            for day, minutes in w.notes:
                f.note(s, ADMIN, made.id, day=day, minutes=minutes)
        for w in STAFF:
            if w.end is not None:
                mentors.deactivate_mentor(s, ADMIN, ids[w.first], w.end, "Moved on")
    return ids


def summary(db: Database) -> dict[str, tuple[int, bool]]:
    with db.read() as s:
        figures = outcomes.supervision_figures(s, PERIOD)
    return {m.mentor_name.split()[0]: (m.supervisions, m.overdue) for m in figures.mentors}


def test_the_mentors_of_the_period_not_of_today(db: Database, today: dt.date) -> None:
    build(db)
    expected = recount()
    assert set(expected) == {"Ana", "Ben", "Eve"}
    assert summary(db) == expected
    with db.read() as s:
        overdue = outcomes.supervision_figures(s, PERIOD).overdue
    assert (overdue.count, overdue.of) == (2, 3)  # "2 of 3", not "0 of 1" (today's Ana)


def test_a_past_year_printed_again_later_gives_the_same_figures(
    db: Database, today: dt.date
) -> None:
    ids = build(db)
    first = summary(db)
    with db.begin() as s:  # what happens after the period changes nothing of it
        f.note(s, ADMIN, ids["Eve"], day=dt.date(2025, 1, 15), minutes=60)
        f.note(s, ADMIN, ids["Ana"], day=dt.date(2026, 5, 1), minutes=60)
        mentors.deactivate_mentor(s, ADMIN, ids["Ana"], dt.date(2026, 6, 1), "Retired")
    assert summary(db) == first == recount()


def test_a_credential_is_judged_as_it_stood_on_the_report_date(
    db: Database, today: dt.date
) -> None:
    """Expired 35 days after the report date and renewed later: the report of then warns."""
    renewal_issued = dt.date(2025, 2, 1)
    with db.begin() as s:
        ana = f.mentor(s, ADMIN, "Ana", "Worker", start=dt.date(2023, 1, 1))
        for issued, expires in (
            (dt.date(2022, 2, 4), dt.date(2025, 2, 4)),
            (renewal_issued, dt.date(2028, 2, 1)),
        ):
            mentors.add_credential(
                s,
                ADMIN,
                ana.id,
                mentors.CredentialDetails("Peer Support Specialist", "PSS-1", issued, expires),
            )
    with db.read() as s:
        then = outcomes.supervision_figures(s, PERIOD).credentials_expiring
        now = outcomes.supervision_figures(
            s, outcomes.Period(dt.date(2025, 6, 1), today, today)
        ).credentials_expiring
    assert [(c.mentor_name, c.expires_on, c.expired) for c in then] == [
        ("Ana Worker", dt.date(2025, 2, 4), False)
    ]
    assert now == (), "renewed: nothing to warn about today"


def test_the_heading_and_in_residence_speak_of_the_same_day(db: Database, today: dt.date) -> None:
    """With an as-of date before the period's end, "in residence" counts the as-of date."""
    import io

    from pypdf import PdfReader

    from peerdesk.core import report_data as rd
    from peerdesk.reports.catalog import REPORTS

    with db.begin() as s:
        f.resident(s, ADMIN, "Aisha", "Brown", intake=dt.date(2024, 1, 10))
        f.resident(s, ADMIN, "Marcus", "Lee", intake=dt.date(2024, 11, 15))
    options = rd.OutcomeOptions(
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        as_of=dt.date(2024, 10, 31),
        identified=True,
    )
    kind = REPORTS["outcomes"]
    with db.read() as s:
        data = kind.gather(s, ADMIN, options)
    out = io.BytesIO()
    kind.render(out, data, None)
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    first = " ".join(pages[0].extract_text().split())
    key_figures = " ".join(pages[1].extract_text().split())
    assert "figures as of 31 Oct 2024" in first
    assert "IN RESIDENCE 1 on 31 Oct 2024" in key_figures, key_figures[:600]
