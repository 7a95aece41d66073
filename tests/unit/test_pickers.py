"""What the forms' pickers offer: residents on a date, everyone, supervisor names, samples."""

from __future__ import annotations

import datetime as dt

from peerdesk.core import pickers, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import mentors, residents, sessions
from tests import factories as f


def test_residents_on_a_date_are_those_whose_stay_covers_it(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        ana = f.resident(s, admin, "Ana", "Avila", intake=dt.date(2026, 1, 10), room="1")
        ben = f.resident(s, admin, "Ben", "Brooks", intake=dt.date(2026, 3, 1))
        residents.change_phase(s, admin, ana.id, f.phase_id(s, "MT I"), dt.date(2026, 2, 1))
        residents.discharge_resident(
            s, admin, ben.id, residents.Discharge(dt.date(2026, 4, 1), vocab.DischargeReason.OTHER)
        )
        f.resident(s, admin, "Cal", "Cruz", intake=dt.date(2026, 5, 1))
    with db.read() as s:
        on_jan = pickers.residents_on(s, dt.date(2026, 1, 20))
        on_apr = pickers.residents_on(s, dt.date(2026, 4, 1))  # Ben's last day counts
        on_jun = pickers.residents_on(s, dt.date(2026, 6, 1))
    assert [(r.name, r.phase_name, r.room) for r in on_jan] == [("Ana Avila", "SOS", "1")]
    assert [(r.name, r.phase_name) for r in on_apr] == [
        ("Ana Avila", "MT I"),
        ("Ben Brooks", "SOS"),
    ]
    assert [r.name for r in on_jun] == ["Ana Avila", "Cal Cruz"]


def test_everyone_the_house_has_had_and_the_supervisors_named(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        gone = f.resident(s, admin, "Ben", "Brooks", room="2")
        residents.discharge_resident(
            s, admin, gone.id, residents.Discharge(dt.date(2026, 4, 1), vocab.DischargeReason.OTHER)
        )
        f.resident(s, admin, "Ana", "Avila", room="1")
        maya = mentors.create_mentor(
            s,
            admin,
            mentors.MentorDetails("Maya", "Lopez", dt.date(2024, 1, 1), supervisor_name="dana W"),
        )
        f.note(s, admin, maya.id)  # written by "Dana Whitaker"
    with db.read() as s:
        everyone = pickers.all_residents(s)
        names = pickers.supervisor_names(s)
    assert [(r.name, r.room, r.phase_name) for r in everyone] == [
        ("Ana Avila", "1", "Safe Off the Streets"),
        ("Ben Brooks", "", ""),  # no room or phase once discharged
    ]
    assert names == ["dana W", "Dana Whitaker"]


def test_sample_records_name_one_of_each_kind(db: Database, admin: Actor) -> None:
    with db.read() as s:
        assert pickers.sample_records(s) == pickers.SampleRecords(
            None, None, None, None, None, None, None
        )
    with db.begin() as s:
        maya = f.mentor(s, admin)
        ana = f.resident(s, admin, "Ana", "Avila")
        logged = f.session(s, admin, maya.id, [ana.id])
        sessions.void_session(s, admin, logged.id, "Twice.")
        kept = f.session(s, admin, maya.id, [ana.id])
        note = f.note(s, admin, maya.id)
    with db.read() as s:
        found = pickers.sample_records(s)
        assert pickers.mentor_of_user(s, None) is None
        assert pickers.mentor_of_user(s, 99) is None
    assert found.active_resident_id == ana.id and found.discharged_resident_id is None
    assert (found.mentor_id, found.active_mentor_id) == (maya.id, maya.id)
    assert (found.session_id, found.note_id) == (kept.id, note.id)  # voided ones are skipped
