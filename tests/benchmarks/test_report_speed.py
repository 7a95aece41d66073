"""How long the big printouts take, with a plain-reportlab baseline for comparison.

Run with ``-s`` to see the timings. The ten-year house takes a while to build, so that test
is marked ``slow`` (``pytest -m slow``); the thousand-row roster runs in the default suite.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.platypus import SimpleDocTemplate, Table

from peerdesk.core import clock
from peerdesk.core import report_data as rd
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from peerdesk.reports.catalog import REPORTS
from tests import bulk
from tests import factories as f
from tests.conftest import TODAY

ROSTER_BUDGET = 2.0
OUTCOMES_BUDGET = 3.0


def _timed_report(db: Database, actor: Actor, name: str, options: object) -> tuple[float, bytes]:
    kind = REPORTS[name]
    started = time.perf_counter()
    with db.read() as s:
        data = kind.gather(s, actor, options)
    out = io.BytesIO()
    kind.render(out, data, None)
    return time.perf_counter() - started, out.getvalue()


def _plain_reportlab(rows: int) -> float:
    """One giant reportlab Table of the same size, standard font, no styling."""
    data = [["", "Name", "Room", "Intake", "Days", "Mentor"]] + [
        ["", f"Ada Bulk{n:04d}", "101 A", "5 Jan 2026", "161", "Maya Lopez"] for n in range(rows)
    ]
    started = time.perf_counter()
    SimpleDocTemplate(io.BytesIO(), pagesize=LETTER).build([Table(data, repeatRows=1)])
    return time.perf_counter() - started


def test_a_thousand_row_roster(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        mentor_ids = tuple(f.mentor(s, admin, "Maya", name).id for name in ("Lopez", "Reyes"))
    bulk.add_residents(db, 1000, mentor_ids=mentor_ids)
    seconds, pdf = _timed_report(db, admin, "roster", rd.RosterOptions())
    baseline = _plain_reportlab(1000)
    reader = PdfReader(io.BytesIO(pdf))
    print(
        f"\n1,000-row roster: {seconds:.2f} s for {len(reader.pages)} pages "
        f"(plain reportlab, one giant table: {baseline:.2f} s)"
    )
    last = reader.pages[-1].extract_text() or ""
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last
    assert seconds < ROSTER_BUDGET


@pytest.fixture(scope="module")
def ten_year_house(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ten-years") / "house.sqlite3"
    shutil.copyfile(template_db, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "today", lambda: TODAY)
        with Database.open(path) as db:
            build_demo_house(db, beds=100, years=10, seed=1)
    return path


@pytest.fixture
def ten_years(ten_year_house: Path, today: dt.date) -> Iterator[Database]:
    with Database.open(ten_year_house) as db:
        yield db


@pytest.mark.slow
@pytest.mark.parametrize(
    ("label", "options"),
    [
        ("the last 12 months", rd.OutcomeOptions()),
        ("all ten years", rd.OutcomeOptions(start=TODAY - dt.timedelta(days=3653))),
    ],
)
def test_outcome_summary_on_a_ten_year_house(
    ten_years: Database, admin: Actor, label: str, options: rd.OutcomeOptions
) -> None:
    seconds, pdf = _timed_report(ten_years, admin, "outcomes", options)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"\noutcome summary, 10-year 100-bed house, {label}: {seconds:.2f} s, {pages} pages")
    assert seconds < OUTCOMES_BUDGET
