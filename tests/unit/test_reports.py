"""Printed reports, read back with pypdf: names, headers, page numbers, the notice, figures."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.core import clock, outcomes, vocab
from peerdesk.core import report_data as rd
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from peerdesk.core.errors import NotFound, PermissionDenied, ValidationError
from peerdesk.core.models import AuditEvent, Mentor, Resident
from peerdesk.core.outcomes import Share
from peerdesk.core.services import mentors, residents, settings, supervision
from peerdesk.reports import styles
from peerdesk.reports.catalog import REPORTS, ReportCancelled, save_report
from tests import bulk
from tests import factories as f
from tests.conftest import TODAY

D = dt.date
NOTICE_HEADING = "Notice of prohibition on redisclosure — 42 CFR § 2.32"
NOTICE_END = "is NOT sufficient to meet the required elements of written consent"


def render(db: Database, actor: Actor, name: str, options: Any) -> tuple[PdfReader, list[str]]:
    """The report as its reader would see it: the PDF, and each page's text in one line."""
    kind = REPORTS[name]
    with db.read() as s:
        data = kind.gather(s, actor, options)
    out = io.BytesIO()
    kind.render(out, data, None)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    return reader, [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def has_notice(page: str) -> bool:
    return "CONFIDENTIAL" in page and NOTICE_HEADING in page and NOTICE_END in page


def assert_numbered(pages: list[str]) -> None:
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page, page[-200:]


@pytest.fixture(scope="module")
def demo_path(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 24-bed demo house over one year, built once for the module on the test calendar."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(template_db, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "today", lambda: TODAY)
        with Database.open(path) as db:
            build_demo_house(db, beds=24, years=1, seed=3)
    return path


@pytest.fixture
def demo(demo_path: Path, today: dt.date) -> Iterator[Database]:
    with Database.open(demo_path) as db:
        yield db


# --------------------------------------------------------------------------- roster


def test_roster_names_everyone_in_residence_and_nobody_else(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        maya = f.mentor(s, admin, "Maya", "Lopez").id
        f.resident(s, admin, "Zoë", "Dubois", phase="Phase I", mentor_id=maya, room="12", bed="A")
        f.resident(s, admin, "José", "Ñúñez", room="3", bed="B")
        gone = f.resident(s, admin, "Gone", "Away")
        residents.discharge_resident(
            s, admin, gone.id, residents.Discharge(D(2026, 2, 1), vocab.DischargeReason.OTHER)
        )
    reader, pages = render(db, admin, "roster", rd.RosterOptions())
    text = pages[0]
    assert len(pages) == 1
    assert "Zoë Dubois" in text and "José Ñúñez" in text  # accents survive the font
    assert "Gone Away" not in text
    assert "Safe Off the Streets · 1 resident" in text and "Phase I · 1 resident" in text
    assert text.index("Safe Off the Streets ·") < text.index("Phase I ·"), "program order"
    assert "Maya Lopez" in text and "12 A" in text
    assert "2 residents in residence on 15 Jun 2026" in text
    assert has_notice(text) and "§" in text
    assert_numbered(pages)
    assert reader.pages[0].mediabox.width == 612  # Letter by default


def test_a_long_roster_repeats_its_header_on_every_page(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        mentor_ids = (f.mentor(s, admin, "Maya", "Lopez").id,)
    names = bulk.add_residents(db, 150, mentor_ids=mentor_ids)
    _, pages = render(db, admin, "roster", rd.RosterOptions())
    assert len(pages) >= 4
    for page in pages:
        if "Ada Bulk" in page:
            assert page.startswith("Resident Room Intake Days Mentor") or page.index(
                "Resident Room Intake Days Mentor"
            ) < page.index("Ada Bulk"), "the header row comes before the first name"
        assert has_notice(page)
    assert_numbered(pages)
    whole = " ".join(pages)
    assert all(whole.count(f"{name} ") == 1 for name in names), "each resident exactly once"
    assert "(continued)" in whole, "a group that runs over a page is headed again"
    assert "150 residents in residence" in pages[0]


def test_roster_by_room_with_contacts_is_landscape(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        resident = f.resident(s, admin, "Ann", "Reed", room="10", bed="B")
        residents.update_resident(
            s,
            admin,
            resident.id,
            residents.ResidentDetails(
                first_name="Ann",
                last_name="Reed",
                phone="(555) 111-2222",
                emergency_contact_name="Bea Reed",
                emergency_contact_phone="(555) 333-4444",
                room="10",
                bed="B",
            ),
        )
        f.resident(s, admin, "Cal", "Moss", room="2")
    options = rd.RosterOptions(group_by=rd.RosterGrouping.ROOM, contacts=True)
    reader, pages = render(db, admin, "roster", options)
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    assert "Phone" in pages[0] and "Emergency contact" in pages[0]
    assert "(555) 111-2222" in pages[0] and "Bea Reed (555) 333-4444" in pages[0]
    assert pages[0].index("Room 2 ·") < pages[0].index("Room 10 ·"), "rooms in walking order"


def test_paper_size_follows_the_house_setting(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        settings.update_settings(s, admin, settings.SettingsChange(paper_size=vocab.PaperSize.A4))
        f.resident(s, admin)
    reader, _ = render(db, admin, "roster", rd.RosterOptions())
    box = reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == (595, 842)


def test_printable_replaces_what_the_font_cannot_draw(db: Database, admin: Actor) -> None:
    assert styles.printable("Zoë Ñúñez § — –") == "Zoë Ñúñez § — –"
    assert styles.printable("Őrs ✓") == "Ors ?"
    with db.begin() as s:
        f.resident(s, admin, "Őrs", "Kovács")
    _, pages = render(db, admin, "roster", rd.RosterOptions())
    assert "Ors Kovács" in pages[0]


# --------------------------------------------------------------------------- mentors


def test_mentor_roster_marks_credentials_and_overdue_and_names_no_resident(
    db: Database, admin: Actor
) -> None:
    with db.begin() as s:
        maya = f.mentor(s, admin, "Maya", "Lopez").id
        ben = f.mentor(s, admin, "Ben", "Okafor").id
        f.resident(s, admin, "Jamie", "Doe", mentor_id=maya)
        for mid, expires in ((maya, D(2026, 7, 1)), (ben, D(2026, 6, 1))):
            mentors.add_credential(
                s,
                admin,
                mid,
                mentors.CredentialDetails("Peer Support Specialist", "PSS-1", None, expires),
            )
        f.note(s, admin, maya, D(2026, 6, 1), minutes=45)
        f.note(s, admin, maya, D(2026, 6, 10), minutes=20)
        left = f.mentor(s, admin, "Al", "Gone").id
        mentors.deactivate_mentor(s, admin, left, D(2026, 5, 1))
    _, pages = render(db, admin, "mentors", rd.MentorRosterOptions())
    text = pages[0]
    assert "Al Gone" not in text
    _, with_inactive = render(db, admin, "mentors", rd.MentorRosterOptions(include_inactive=True))
    assert "Al Gone" in with_inactive[0] and "Inactive since 1 May 2026" in with_inactive[0]
    assert with_inactive[0].index("Maya Lopez") < with_inactive[0].index("Al Gone")
    assert "Ben Okafor" in text and "Maya Lopez" in text
    assert "EXPIRED 1 Jun 2026" in text
    assert "expires in 16 days (1 Jul 2026)" in text
    assert "Overdue" in text and "On track" in text
    assert "Jamie Doe" not in text
    assert "CONFIDENTIAL" not in text and "42 CFR" not in text
    assert_numbered(pages)


# --------------------------------------------------------------------------- sign-in sheet


def test_sign_in_sheet_prints_the_phase_and_blank_rows(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.resident(s, admin, "Ann", "Reed", phase="Phase I")
        f.resident(s, admin, "Cal", "Moss", phase="Phase I")
        f.resident(s, admin, "Dee", "Lane", phase="SOS")
    options = rd.SignInOptions(
        title="Phase I meeting", facilitator="Maya Lopez", phase="phase i", blank_rows=3
    )
    _, pages = render(db, admin, "signin", options)
    text = pages[0]
    assert "Phase I meeting" in text and "Maya Lopez" in text and "15 Jun 2026" in text
    assert "1 Cal Moss" in text and "2 Ann Reed" in text  # by last name
    assert "Dee Lane" not in text
    assert "No. Name Room Signature Time" in text
    assert "3 4 5" in text and " 6 " not in text, "two names, then three numbered blank rows"
    assert "Expected 2" in text
    assert has_notice(text)


def test_sign_in_options_are_checked(db: Database, admin: Actor) -> None:
    with db.read() as s:
        with pytest.raises(NotFound, match="no phase called Phase IX"):
            rd.gather_sign_in(s, admin, rd.SignInOptions(phase="Phase IX"))
        with pytest.raises(ValidationError, match="title"):
            rd.gather_sign_in(s, admin, rd.SignInOptions(title="  "))
        with pytest.raises(ValidationError, match="between 0 and 200"):
            rd.gather_sign_in(s, admin, rd.SignInOptions(blank_rows=500))


# --------------------------------------------------------------------------- supervision log


def test_supervision_log_for_one_mentor(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        maya = f.mentor(s, admin, "Maya", "Lopez").id
        ben = f.mentor(s, admin, "Ben", "Okafor").id
        f.note(
            s,
            admin,
            maya,
            D(2026, 3, 3),
            summary="Talked through boundaries with a new resident.",
            items=[
                supervision.ActionItemEntry(
                    "Read the ethics chapter", D(2026, 3, 10), D(2026, 3, 9)
                ),
                supervision.ActionItemEntry("Book the training day", D(2026, 4, 1)),
            ],
        )
        voided = f.note(s, admin, maya, D(2026, 3, 4), summary="Entered by mistake.")
        supervision.void_note(s, admin, voided.id, "Duplicate")
        f.note(s, admin, ben, D(2026, 3, 5), summary="Ben's own supervision.")
        f.note(s, admin, maya, D(2024, 1, 5), summary="Long before the period.")
    with db.read() as s:
        maya_id = rd.find_mentor(s, "lopez").id
    options = rd.SupervisionLogOptions(start=D(2026, 1, 1), end=D(2026, 6, 15), mentor_id=maya_id)
    _, pages = render(db, admin, "supervision", options)
    text = " ".join(pages)
    assert "Maya Lopez" in text and "1 Jan 2026 – 15 Jun 2026 · Maya Lopez" in text
    assert "Talked through boundaries with a new resident." in text
    assert "Entered by mistake." not in text and "Long before the period." not in text
    assert "Ben's own supervision." not in text
    assert "Read the ethics chapter 10 Mar 2026 Done 9 Mar 2026" in text
    assert "Book the training day 1 Apr 2026 Open, overdue" in text
    assert "Peer mentor's signature" in text and "Supervisor's signature" in text
    assert "Not yet acknowledged in PeerDesk." in text
    assert all(has_notice(page) for page in pages)


def test_finding_a_mentor_by_name(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.mentor(s, admin, "Maya", "Lopez")
        f.mentor(s, admin, "Maya", "Reyes")
    with db.read() as s:
        assert rd.find_mentor(s, "  maya   LOPEZ ").name == "Maya Lopez"
        assert rd.find_mentor(s, "Reyes").name == "Maya Reyes"
        with pytest.raises(ValidationError, match=r"More than one peer mentor is called Maya"):
            rd.find_mentor(s, "Maya")
        with pytest.raises(NotFound, match="There is no peer mentor called Nobody"):
            rd.find_mentor(s, "Nobody")


# --------------------------------------------------------------------------- face sheets


def test_face_sheets_are_one_page_per_resident(demo: Database, admin: Actor) -> None:
    with demo.read() as s:
        active = [r.name for r in residents.active_residents(s)]
    _, pages = render(demo, admin, "facesheet", rd.FaceSheetOptions())
    assert len(pages) == len(active) > 10
    for name, page in zip(active, pages, strict=True):
        assert name in page
        assert "Phase history" in page and "Latest assessments (this stay)" in page
        assert has_notice(page)
    assert_numbered(pages)


def test_one_face_sheet_by_name(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        jamie = f.resident(s, admin, "Jamie", "Doe", intake=D(2025, 1, 10))
        residents.discharge_resident(
            s,
            admin,
            jamie.id,
            residents.Discharge(D(2025, 3, 1), vocab.DischargeReason.COMPLETED),
        )
        residents.readmit_resident(
            s, admin, jamie.id, residents.Admission(D(2026, 2, 1), f.phase_id(s, "MT I"))
        )
        f.resident(s, admin, "Alex", "Doe")
    with db.read() as s:
        with pytest.raises(ValidationError, match="More than one resident is called Doe"):
            rd.find_resident(s, "Doe")
        jamie_id = rd.find_resident(s, "jamie doe")
    _, pages = render(db, admin, "facesheet", rd.FaceSheetOptions(resident_ids=(jamie_id,)))
    assert len(pages) == 1
    text = pages[0]
    assert "Jamie Doe" in text and "Alex Doe" not in text
    assert "1 May 1990 (age 36)" in text
    assert "1 Feb 2026 in residence" in text and "10 Jan 2025 1 Mar 2025 Completed program" in text
    assert "134 days" in text  # 1 Feb to 15 Jun 2026


# --------------------------------------------------------------------------- outcome summary


def test_outcome_summary_is_de_identified_by_default(demo: Database, admin: Actor) -> None:
    _, pages = render(demo, admin, "outcomes", rd.OutcomeOptions())
    text = " ".join(pages)
    with demo.read() as s:
        people = [f"{a} {b}" for a, b in s.execute(select(Resident.first_name, Resident.last_name))]
        staff = [f"{a} {b}" for a, b in s.execute(select(Mentor.first_name, Mentor.last_name))]
    assert len(people) > 30
    assert not [name for name in people + staff if name in text]
    # Not even numbered: a staff list would tell who "Peer mentor 3" is (issue 16).
    assert "Peer mentor 1" not in text and "By peer mentor" not in text
    assert "Peer mentors who worked in the period" in text
    assert "Shortest" not in text, "two residents' exact stays"
    assert "de-identified" in pages[0]
    assert not any("CONFIDENTIAL" in page or "42 CFR" in page for page in pages)
    assert_numbered(pages)


def test_outcome_summary_figures_match_outcomes(demo: Database, admin: Actor) -> None:
    period = outcomes.last_twelve_months(TODAY)
    with demo.read() as s:
        figures = outcomes.outcome_figures(s, period)
    _, pages = render(demo, admin, "outcomes", rd.OutcomeOptions(identified=True))
    text = " ".join(pages)

    def pct(share: Share) -> str:
        return share.percent

    census = figures.census
    assert f"RESIDENTS SERVED {census.residents_served} {census.admissions} admissions" in text
    for c in figures.retention:
        if not c.retained.of:
            continue  # the summary counts the admissions that reached it in the period instead
        row = f"{c.days} days in the period {c.retained.of} {c.still_here} {c.positive_early}"
        assert f"{row} {pct(c.retained)}" in text, row
    ninety = next(c for c in figures.retention if c.days == 90)
    assert f"{ninety.retained.count} of {ninety.retained.of} eligible admissions" in text
    discharges = figures.discharges
    assert f"{discharges.total} discharges dated in the period" in text
    for outcome, share in discharges.by_class:
        assert f"{outcome.label} {share.count} {pct(share)}" in text
    los = figures.length_of_stay
    assert los.median_days is not None and los.mean_days is not None
    assert f"Median {los.median_days:.0f} days Mean {los.mean_days:.1f} days" in text
    housing = figures.housing
    assert f"Left to stable housing {housing.exits_stable} {pct(housing.exits_stable)}" in text
    capital = figures.recovery_capital
    assert capital.change.first.value is not None
    assert f"Mean first score {capital.change.first.value:.1f}" in text
    assert f"Improved {capital.change.improved} {pct(capital.change.improved)}" in text
    assert f"{figures.dose.sessions:,} sessions" in text
    assert f"{figures.dose.attendances:,} attendances" in text
    rated = figures.satisfaction
    assert rated.mean.value is not None
    assert f"{rated.mean.of:,} {rated.mean.value:.2f}" in text
    for m in figures.supervision.mentors:
        assert f"{m.mentor_name} {m.supervisions} " in text
    assert all(has_notice(page) for page in pages), "identified: the notice on every page"


def test_small_cells_are_hidden_when_de_identified(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        for first in ("Ann", "Bo", "Cy"):
            f.resident(s, admin, first, "Small", intake=D(2026, 3, 1))
    _, quiet = render(db, admin, "outcomes", rd.OutcomeOptions())
    _, exact = render(db, admin, "outcomes", rd.OutcomeOptions(identified=True))
    assert "RESIDENTS SERVED *" in " ".join(quiet) and "RESIDENTS SERVED 3" in " ".join(exact)
    assert "30 days in the period * * 0 —" in " ".join(quiet)
    assert "30 days in the period 3 3 0 100%" in " ".join(exact)


def test_a_small_count_is_not_left_to_subtraction() -> None:
    """The issue's two cases: 20 − 12 − 7 = 1 neutral discharge; 90 % of 20 − 17 = 1 who
    left positively. Each needs one more cell hidden, the smallest part beside it."""
    from peerdesk.core.disclosure import Ledger, cells_to_hide

    classes = Ledger()
    for key, value in {"all": 20, "positive": 12, "negative": 7, "neutral": 1}.items():
        classes.add(key, value)
    classes.total("all", ["positive", "negative", "neutral"])
    assert cells_to_hide(classes) == {"neutral", "negative"}

    retention = Ledger()
    for key, value in {"retained": 18, "still": 17, "positive": 1}.items():
        retention.add(key, value)
    retention.total("retained", ["still", "positive"])
    assert cells_to_hide(retention) == {"positive", "still"}

    # A loop of three sums (a+b, a+c, b+c all printed) fixes every part: a total goes too.
    loop = Ledger()
    for key, value in {"a": 2, "b": 3, "c": 9, "ab": 5, "ac": 11, "bc": 12}.items():
        loop.add(key, value)
    loop.total("ab", ["a", "b"])
    loop.total("ac", ["a", "c"])
    loop.total("bc", ["b", "c"])
    hidden = cells_to_hide(loop)
    assert {"a", "b", "c"} <= hidden and len(hidden & {"ab", "ac", "bc"}) == 1


def test_an_empty_house_still_prints(db: Database, admin: Actor) -> None:
    _, roster = render(db, admin, "roster", rd.RosterOptions())
    assert "Nobody is in residence today." in roster[0]
    _, summary = render(db, admin, "outcomes", rd.OutcomeOptions())
    assert "0 of 0 eligible admissions" in " ".join(summary)
    assert "Retained at 90 days — (0 of 0) — (0 of 0) none set" in summary[0]
    _, log = render(db, admin, "supervision", rd.SupervisionLogOptions())
    assert "No supervision was recorded in this period." in log[0]


def test_a_period_longer_than_two_years_is_counted_by_quarter(demo: Database, admin: Actor) -> None:
    # Over two years outcomes.py reads attendance rows directly instead of walking sessions
    # by date; both ways must give the same figures.
    long = outcomes.Period(D(2023, 6, 16), TODAY, TODAY)

    def figures(s: Session) -> tuple[outcomes.ScoreChange, outcomes.Satisfaction, int]:
        dose = outcomes.peer_support_dose(s, long)
        return (
            outcomes.motivation_change(s, long),
            outcomes.satisfaction(s, long),
            dose.residents_reached,
        )

    with demo.read() as s, pytest.MonkeyPatch.context() as patch:
        direct = figures(s)
        patch.setattr(outcomes, "LONG_PERIOD_DAYS", 100_000)
        by_date = figures(s)
    assert direct == by_date
    assert direct[1].mean.of > 1000 and direct[2] > 50
    options = rd.OutcomeOptions(start=D(2023, 6, 16))
    _, pages = render(demo, admin, "outcomes", options)
    assert "16 Jun 2023 to 15 Jun 2026" in pages[0]
    assert "Sessions by support type, per quarter" in " ".join(pages)


# --------------------------------------------------------------------------- the catalog


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_renders_with_its_default_options(
    demo: Database, admin: Actor, name: str
) -> None:
    kind = REPORTS[name]
    reader, pages = render(demo, admin, name, kind.options())
    assert pages and kind.title in pages[0]
    assert "Riverbend Recovery House (demo)" in pages[0]
    assert reader.metadata is not None and reader.metadata.title.startswith(kind.title)
    assert_numbered(pages)


def test_saving_records_one_audit_line(db: Database, admin: Actor, tmp_path: Path) -> None:
    with db.begin() as s:
        f.resident(s, admin)
    path = tmp_path / "roster.pdf"
    saved = save_report(db, admin, "roster", rd.RosterOptions(), path)
    assert PdfReader(path).pages and saved.detail == "1 resident by phase"
    with db.read() as s:
        line = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    assert (line.action, line.entity, line.username) == ("export", "report", "local")
    assert line.summary.startswith("Resident roster (1 resident by phase) to ")
    assert '"report": "roster"' in line.changes and '"group_by": "phase"' in line.changes


def test_cancelling_leaves_no_file_and_no_audit_line(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    bulk.add_residents(db, 200)
    seen: list[float] = []

    def cancel_half_way(done: float) -> None:
        seen.append(done)
        if done > 0.5:
            raise ReportCancelled

    with db.read() as s:
        before = s.execute(select(AuditEvent.id)).all()
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "roster.pdf"
    with pytest.raises(ReportCancelled, match="cancelled; nothing was saved"):
        save_report(db, admin, "roster", rd.RosterOptions(), path, progress=cancel_half_way)
    assert not list(folder.iterdir()), "no file and no .partial left behind"
    with db.read() as s:
        assert s.execute(select(AuditEvent.id)).all() == before
    assert seen and seen == sorted(seen)


def test_permissions(db: Database) -> None:
    viewer = Actor("visitor", vocab.Role.VIEWER, 7)
    mentor = Actor("maya", vocab.Role.PEER_MENTOR, 8)
    with db.read() as s:
        with pytest.raises(PermissionDenied, match="may not print reports that name residents"):
            rd.gather_roster(s, viewer, rd.RosterOptions())
        with pytest.raises(PermissionDenied):
            rd.gather_outcome_summary(s, viewer, rd.OutcomeOptions(identified=True))
        assert not rd.gather_outcome_summary(s, viewer, rd.OutcomeOptions()).identified
        rd.gather_mentor_roster(s, viewer, rd.MentorRosterOptions())
        with pytest.raises(PermissionDenied, match="read every supervision note"):
            rd.gather_supervision_log(s, mentor, rd.SupervisionLogOptions())


def test_report_dates_are_checked(db: Database, admin: Actor) -> None:
    with db.read() as s:
        with pytest.raises(ValidationError, match="in the future"):
            rd.gather_outcome_summary(s, admin, rd.OutcomeOptions(end=D(2026, 7, 1)))
        with pytest.raises(ValidationError, match="after it ends"):
            rd.gather_supervision_log(
                s, admin, rd.SupervisionLogOptions(start=D(2026, 5, 1), end=D(2026, 4, 1))
            )
        data = rd.gather_outcome_summary(s, admin, rd.OutcomeOptions(end=D(2026, 3, 31)))
    assert (data.figures.period.start, data.figures.period.end) == (D(2025, 4, 1), D(2026, 3, 31))
