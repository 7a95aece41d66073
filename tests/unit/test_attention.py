"""The Home tab's rules, on a small house whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt

from peerdesk.core import attention, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import assessments, mentors, residents, supervision
from tests import factories as f

AS_OF = dt.date(2026, 6, 15)


def test_census_by_phase_counts_only_active_residents(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.resident(s, admin, "A", "One")
        f.resident(s, admin, "B", "Two")
        c = f.resident(s, admin, "C", "Three", phase="Phase I")
        gone = f.resident(s, admin, "D", "Four", phase="Phase I")
        residents.discharge_resident(
            s, admin, gone.id, residents.Discharge(dt.date(2026, 2, 1), vocab.DischargeReason.OTHER)
        )
        del c
    with db.read() as s:
        counts = [(c.phase_name, c.residents) for c in attention.census_by_phase(s)]
    assert counts == [("Safe Off the Streets", 2), ("Phase I", 1)]


def test_supervision_cadence(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        on_time = f.mentor(s, admin, "On", "Time")
        short_only = f.mentor(s, admin, "Short", "Only")
        one = f.mentor(s, admin, "Just", "Once")
        brand_new = f.mentor(s, admin, "Brand", "New", start=dt.date(2026, 6, 1))
        f.note(s, admin, on_time.id, dt.date(2026, 6, 1), minutes=45)
        f.note(s, admin, on_time.id, dt.date(2026, 6, 14), minutes=15)
        f.note(s, admin, on_time.id, dt.date(2026, 5, 16), minutes=15)  # outside the 30 days
        f.note(s, admin, short_only.id, dt.date(2026, 6, 2), minutes=20)
        f.note(s, admin, short_only.id, dt.date(2026, 6, 9), minutes=20)
        f.note(s, admin, one.id, dt.date(2026, 5, 17), minutes=60)  # first day of the window
        voided = f.note(s, admin, one.id, dt.date(2026, 6, 10), minutes=60)
        supervision.void_note(s, admin, voided.id, "Wrong mentor")
        del brand_new
    with db.read() as s:
        status = {x.mentor_name: x for x in attention.supervision_cadence(s, AS_OF)}
    assert not status["On Time"].overdue and status["On Time"].in_window == 2
    assert status["On Time"].days_since_last == 1
    assert status["Short Only"].overdue
    assert "No supervision of 30 minutes" in status["Short Only"].reason
    assert status["Just Once"].overdue and status["Just Once"].reason.startswith("1 of 2")
    assert status["Just Once"].last_supervision == dt.date(2026, 5, 17)
    assert not status["Brand New"].overdue, "first 30 days are not flagged"
    assert list(status)[:2] == ["Just Once", "Short Only"], "overdue mentors come first"


def test_assessment_due(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        fresh = f.resident(s, admin, "Fresh", "Intake", intake=dt.date(2026, 6, 1))
        never = f.resident(s, admin, "Never", "Assessed", intake=dt.date(2026, 5, 1))
        recent = f.resident(s, admin, "Recent", "Score", intake=dt.date(2026, 1, 1))
        stale = f.resident(s, admin, "Stale", "Score", intake=dt.date(2026, 1, 1))
        for rid, day in (
            (fresh.id, dt.date(2026, 6, 1)),
            (recent.id, dt.date(2026, 6, 1)),
            (stale.id, dt.date(2026, 5, 1)),
        ):
            assessments.record_assessment(
                s,
                admin,
                assessments.AssessmentEntry(rid, day, vocab.Instrument.BARC10, items=[3] * 10),
            )
        del never
    with db.read() as s:
        due = [(d.resident_name, d.due_since) for d in attention.assessments_due(s, AS_OF)]
    assert due == [("Never Assessed", dt.date(2026, 5, 1)), ("Stale Score", dt.date(2026, 5, 31))]


def test_credentials_expiring_uses_the_newest_of_each(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        renewed = f.mentor(s, admin, "Re", "Newed")
        lapsing = f.mentor(s, admin, "La", "Psing")
        expired = f.mentor(s, admin, "Ex", "Pired")
        for mid, issued, expires in (
            (renewed.id, dt.date(2024, 1, 1), dt.date(2026, 1, 1)),
            (renewed.id, dt.date(2026, 1, 1), dt.date(2028, 1, 1)),
            (lapsing.id, dt.date(2024, 8, 1), dt.date(2026, 8, 1)),
            (expired.id, dt.date(2024, 6, 1), dt.date(2026, 6, 1)),
        ):
            mentors.add_credential(
                s,
                admin,
                mid,
                mentors.CredentialDetails(
                    "Peer Support Specialist", issued_on=issued, expires_on=expires
                ),
            )
    with db.read() as s:
        found = [(c.mentor_name, c.expired) for c in attention.credentials_expiring(s, AS_OF)]
    assert found == [("Ex Pired", True), ("La Psing", False)]


def test_open_action_items(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        m = f.mentor(s, admin)
        f.note(
            s,
            admin,
            m.id,
            dt.date(2026, 6, 1),
            items=[
                supervision.ActionItemEntry("Late one", due_date=dt.date(2026, 6, 10)),
                supervision.ActionItemEntry(
                    "Done one", due_date=dt.date(2026, 6, 5), done_on=dt.date(2026, 6, 4)
                ),
                supervision.ActionItemEntry("Later one", due_date=dt.date(2026, 7, 1)),
            ],
        )
    with db.read() as s:
        items = [(i.description, i.overdue) for i in attention.open_action_items(s, AS_OF)]
    assert items == [("Late one", True), ("Later one", False)]
