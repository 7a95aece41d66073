"""An intake entered by mistake is voided by an administrator, with a reason: kept in the
records and the audit log, and out of every list, count and report."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from sqlalchemy import select

from peerdesk.core import attention, listing, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import INCLUDE_VOIDED_INTAKES, Database
from peerdesk.core.demo import build_demo_house
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.exports import CsvTable, export_csv
from peerdesk.core.models import AuditEvent, PhaseChange, Stay
from peerdesk.core.report_data import (
    OutcomeOptions,
    RosterOptions,
    SignInOptions,
    gather_outcome_summary,
    gather_roster,
    gather_sign_in,
)
from peerdesk.core.services import residents
from peerdesk.core.services.follow_ups import follow_ups_due
from peerdesk.core.services.intake_void import void_intake
from tests import factories as f

R = vocab.DischargeReason


def _house_as_seen(db: Database, admin: Actor, today: dt.date) -> dict[str, Any]:
    """Everything a person can read that counts residents: the lists, the exports, Home,
    the printouts' rows and the outcome summary's figures over several periods."""
    seen: dict[str, Any] = {}
    with db.read() as s:
        for status in (None, "active", "discharged"):
            query = listing.ListQuery(status=status)
            seen[f"list {status}"] = [
                row.values for row in listing.fetch_page(s, listing.RESIDENTS, query, 0, 10_000)
            ]
            seen[f"count {status}"] = listing.count(s, listing.RESIDENTS, query)
        seen["search"] = listing.count(s, listing.RESIDENTS, listing.ListQuery(search="Brown"))
        seen["mentors"] = [
            row.values
            for row in listing.fetch_page(s, listing.MENTORS, listing.ListQuery(), 0, 500)
        ]
        for table in CsvTable:
            out = io.StringIO()
            export_csv(s, admin, table, out)
            seen[f"csv {table}"] = out.getvalue()
        seen["census"] = attention.census_by_phase(s)
        seen["assessments due"] = attention.assessments_due(s, today)
        seen["follow-ups due"] = follow_ups_due(s, today)
        seen["roster"] = gather_roster(s, admin, RosterOptions()).groups
        seen["sign-in"] = gather_sign_in(s, admin, SignInOptions()).expected
        seen["pickers"] = residents.active_residents(s)
        for start, end in (
            (None, None),
            (today - dt.timedelta(days=365), today),
            (today - dt.timedelta(days=60), today),
        ):
            for identified in (True, False):
                options = OutcomeOptions(start=start, end=end, identified=identified)
                data = gather_outcome_summary(s, admin, options)
                seen[f"outcomes {start} {identified}"] = (data.figures, data.previous, data.trend)
    return seen


def voided_intakes_of(s: Any, resident_id: int) -> list[tuple[int, dt.date, str]]:
    """The resident's voided intakes (id, intake date, reason), read past the filter that
    keeps them out of every other query."""
    rows = s.execute(
        select(Stay.id, Stay.intake_date, Stay.void_reason)
        .where(Stay.resident_id == resident_id, Stay.voided_at.is_not(None))
        .order_by(Stay.intake_date)
        .execution_options(**{INCLUDE_VOIDED_INTAKES: True})
    ).all()
    return [(row[0], row[1], row[2] or "") for row in rows]


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in before if before[key] != after[key]]


@pytest.fixture
def demo(db: Database, admin: Actor) -> Database:
    build_demo_house(db, beds=12, years=1, seed=3, actor=admin)
    return db


def test_a_duplicate_intake_voided_leaves_every_count_as_if_never_entered(
    demo: Database, admin: Actor, today: dt.date
) -> None:
    before = _house_as_seen(demo, admin, today)
    with demo.begin() as s:
        # A second "Aisha Brown", admitted and discharged, as a mistaken duplicate would be.
        aisha = f.resident(s, admin, "Aisha", "Brown", intake=today - dt.timedelta(days=200))
        residents.discharge_resident(
            s, admin, aisha.id, residents.Discharge(today - dt.timedelta(days=100), R.COMPLETED)
        )
        # And one still in residence, in a bed.
        open_one = f.resident(s, admin, "Aisha", "Browne", intake=today - dt.timedelta(days=9))
    mistaken = _house_as_seen(demo, admin, today)
    assert len(_differences(before, mistaken)) > 10  # the mistakes did show everywhere
    with demo.begin() as s:
        gone = void_intake(s, admin, aisha.stays[0].id, "Entered twice: she is resident 12")
        void_intake(s, admin, open_one.stays[0].id, "Duplicate of Aisha Brown")
    assert gone.resident_remains is False and gone.name == "Aisha Brown"
    assert _differences(before, _house_as_seen(demo, admin, today)) == []
    # The records stay, marked, with the reason and who voided them.
    with demo.read() as s:
        kept = voided_intakes_of(s, aisha.id)
        phases = s.scalars(select(PhaseChange).where(PhaseChange.resident_id == aisha.id)).all()
    assert kept == [
        (aisha.stays[0].id, aisha.stays[0].intake_date, "Entered twice: she is resident 12")
    ]
    assert [p.voided_by for p in phases] == [admin.username]


def test_a_readmission_entered_by_mistake_is_voided_and_the_resident_keeps_the_rest(
    demo: Database, admin: Actor, today: dt.date
) -> None:
    with demo.read() as s:
        query = listing.ListQuery(status="discharged")
        row = listing.fetch_page(s, listing.RESIDENTS, query, 0, 1)[0]
    before = _house_as_seen(demo, admin, today)
    with demo.begin() as s:
        sos = f.phase_id(s)
        again = residents.readmit_resident(
            s, admin, row.id, residents.Admission(today - dt.timedelta(days=3), sos)
        )
        stays_before = len(again.stays)
    with demo.begin() as s:
        voided = void_intake(s, admin, again.stays[-1].id, "Readmitted the wrong person")
    assert voided.resident_remains is True
    assert _differences(before, _house_as_seen(demo, admin, today)) == []
    with demo.begin() as s:
        shown = residents.get_resident(s, row.id)
        assert len(shown.stays) == stays_before - 1
        # The voided open stay does not keep the resident from a real readmission.
        readmitted = residents.readmit_resident(
            s, admin, row.id, residents.Admission(today - dt.timedelta(days=1), sos)
        )
    assert readmitted.current_stay is not None and readmitted.current_stay.is_open


def test_only_an_administrator_voids_an_intake_and_always_with_a_reason(
    db: Database, admin: Actor, today: dt.date
) -> None:
    with db.begin() as s:
        stay_id = f.resident(s, admin, "Lee", "Park", intake=today).stays[0].id
    supervisor = Actor("sup", vocab.Role.SUPERVISOR)
    with pytest.raises(PermissionDenied, match="may not void an intake"), db.begin() as s:
        void_intake(s, supervisor, stay_id, "Entered twice")
    with pytest.raises(ValidationError, match="Say why"), db.begin() as s:
        void_intake(s, admin, stay_id, "   ")
    with db.begin() as s:
        void_intake(s, admin, stay_id, "Entered twice")
    with pytest.raises(ValidationError, match="already voided"), db.begin() as s:
        void_intake(s, admin, stay_id, "Again")
    with db.read() as s:
        line = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "stays", AuditEvent.action == "void")
        ).one()
        assert s.get(Stay, stay_id) is None  # out of every ORM query
    assert line.summary == f"Intake of Lee Park on {today:%-d %b %Y} voided: Entered twice"
    assert json.loads(line.changes)["resident"][0].startswith("Lee Park (number")


def test_an_intake_with_records_in_its_stay_is_voided_only_once_they_are_put_right(
    db: Database, admin: Actor, today: dt.date
) -> None:
    with db.begin() as s:
        mentor = f.mentor(s, admin)
        person = f.resident(s, admin, "Kim", "Ode", intake=today - dt.timedelta(days=20))
        session = f.session(s, admin, mentor.id, [person.id], day=today - dt.timedelta(days=5))
        residents.change_phase(
            s, admin, person.id, f.phase_id(s, "MT I"), today - dt.timedelta(days=2), ""
        )
    stay_id = person.stays[0].id
    with pytest.raises(ValidationError) as refused, db.begin() as s:
        void_intake(s, admin, stay_id, "Duplicate")
    assert str(refused.value) == (
        "Kim Ode has 1 session attended and 1 phase move recorded in this stay; take those "
        "off or void them first, then void the intake."
    )
    with db.begin() as s:
        from peerdesk.core.services import sessions

        sessions.void_session(s, admin, session.id, "Wrong person")
        moved = residents.get_resident(s, person.id).phase_history[-1]
        residents.void_phase_change(s, admin, moved.id, "Wrong person")
    with db.begin() as s:
        assert void_intake(s, admin, stay_id, "Duplicate").resident_remains is False
