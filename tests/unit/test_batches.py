"""A sheet and a form follow one set of rules.

An import hands its rows to the services' batches (``IntakeBatch``, ``MentorBatch``), which
check them in memory and write them in bulk. Whatever the intake and mentor forms refuse, a
batch refuses too, in the same words; two rows of one batch cannot take one bed; and a batch
writes the very records and audit lines the forms would, with a trail that still verifies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, imports, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import FieldError, ValidationError
from peerdesk.core.models import AuditEvent, Preference
from peerdesk.core.services import mentors, residents, settings
from tests import factories as f

House = dict[str, int]


def build_house(db: Database, admin: Actor) -> House:
    """Two mentors (one gone), a resident in room 1 bed A, one linked to a mentor, a retired
    phase: everything the rules can trip over."""
    with db.begin() as s:
        maya = f.mentor(s, admin, "Maya", "Lopez")
        gone = f.mentor(s, admin, "Lee", "Stone")
        mentors.deactivate_mentor(s, admin, gone.id, dt.date(2026, 1, 1))
        f.resident(s, admin, "Sam", "Reyes", dob=dt.date(1980, 2, 2), room="1", bed="A")
        f.resident(s, admin, "José", "Núñez", dob=dt.date(1975, 3, 3))
        rae = f.resident(s, admin, "Rae", "Cole", dob=dt.date(1988, 8, 8))
        mentors.create_mentor(
            s,
            admin,
            mentors.MentorDetails("Ida", "Bell", dt.date(2025, 1, 1), former_resident_id=rae.id),
        )
        retired = settings.add_phase(s, admin, "Alumni")
        settings.retire_phase(s, admin, retired.id)
        return {
            "maya": maya.id,
            "gone": gone.id,
            "rae": rae.id,
            "retired": retired.id,
            "sos": f.phase_id(s, "SOS"),
            "mt1": f.phase_id(s, "MT I"),
        }


@pytest.fixture
def house(db: Database, admin: Actor) -> House:
    return build_house(db, admin)


def leave(**changes: Any) -> residents.Discharge:
    fields: dict[str, Any] = {
        "discharge_date": dt.date(2026, 3, 1),
        "reason": vocab.DischargeReason.COMPLETED,
        "exit_living_situation": "own_rent",
    }
    return residents.Discharge(**{**fields, **changes})


def intake(
    h: House, discharge: residents.Discharge | None = None, **changes: Any
) -> residents.Intake:
    """Jo Pax, admitted to SOS on 10 Jan 2026 from a shelter, with ``changes``."""
    details = residents.ResidentDetails("Jo", "Pax", date_of_birth=dt.date(1990, 5, 1))
    admission = residents.Admission(dt.date(2026, 1, 10), h["sos"], living_situation="shelter")
    admission_fields = {f.name for f in dataclasses.fields(residents.Admission)}
    details = dataclasses.replace(
        details, **{k: v for k, v in changes.items() if k not in admission_fields}
    )
    admission = dataclasses.replace(
        admission, **{k: v for k, v in changes.items() if k in admission_fields}
    )
    return residents.Intake(details, admission, discharge)


def through_the_forms(s: Session, actor: Actor, item: residents.Intake) -> int:
    resident = residents.intake_resident(s, actor, item.details, item.admission)
    if item.discharge is not None:
        residents.discharge_resident(s, actor, resident.id, item.discharge)
    return resident.id


def through_a_batch(s: Session, actor: Actor, item: residents.Intake) -> int:
    batch = residents.IntakeBatch(s, actor)
    batch.add(item)
    (resident_id,) = batch.write()
    return resident_id


ResidentCase = Callable[[House], residents.Intake]

RESIDENT_CASES: list[Any] = [
    pytest.param(lambda h: intake(h, first_name=""), "first_name", id="no first name"),
    pytest.param(lambda h: intake(h, last_name="x" * 81), "last_name", id="last name too long"),
    pytest.param(
        lambda h: intake(h, preferred_name="x" * 81), "preferred_name", id="preferred too long"
    ),
    pytest.param(
        lambda h: intake(h, date_of_birth=dt.date(2027, 1, 1)), "date_of_birth", id="born later"
    ),
    pytest.param(
        lambda h: intake(h, date_of_birth=dt.date(1899, 12, 31)), "date_of_birth", id="born 1899"
    ),
    pytest.param(
        lambda h: intake(h, date_of_birth=dt.date(2026, 2, 1)),
        "date_of_birth",
        id="born after the intake",
    ),
    pytest.param(lambda h: intake(h, phone="5" * 41), "phone", id="phone too long"),
    pytest.param(lambda h: intake(h, room="r" * 21), "room", id="room too long"),
    pytest.param(lambda h: intake(h, notes="n" * 20001), "notes", id="notes too long"),
    pytest.param(
        lambda h: intake(h, intake_date=dt.date(2026, 7, 1)), "intake_date", id="intake later"
    ),
    pytest.param(lambda h: intake(h, intake_date=None), "intake_date", id="no intake date"),
    pytest.param(lambda h: intake(h, phase_id=None), "phase_id", id="no phase"),
    pytest.param(lambda h: intake(h, phase_id=h["retired"]), "phase_id", id="retired phase"),
    pytest.param(lambda h: intake(h, phase_id=9999), "phase_id", id="no such phase"),
    pytest.param(
        lambda h: intake(h, living_situation="castle"), "living_situation", id="no such situation"
    ),
    pytest.param(
        lambda h: intake(h, referral_source="r" * 121), "referral_source", id="referral too long"
    ),
    pytest.param(lambda h: intake(h, mentor_id=9999), "mentor_id", id="no such mentor"),
    pytest.param(lambda h: intake(h, mentor_id=h["gone"]), "mentor_id", id="mentor has left"),
    pytest.param(lambda h: intake(h, room="1", bed="A"), "bed", id="bed taken"),
    pytest.param(
        lambda h: intake(
            h, first_name=" SAM ", last_name="reyes", date_of_birth=dt.date(1980, 2, 2)
        ),
        "first_name",
        id="same person",
    ),
    pytest.param(
        lambda h: intake(
            h, first_name="JOSÉ", last_name="NÚÑEZ", date_of_birth=dt.date(1975, 3, 3)
        ),
        "first_name",
        id="same person in capitals with accents",
    ),
    pytest.param(
        lambda h: intake(
            h,
            first_name="",
            room="1",
            bed="A",
            living_situation="castle",
            intake_date=dt.date(2026, 7, 1),
        ),
        "first_name",
        id="four problems at once",
    ),
    pytest.param(
        lambda h: intake(h, leave(discharge_date=dt.date(2026, 1, 9))),
        "discharge_date",
        id="left before the intake",
    ),
    pytest.param(
        lambda h: intake(h, leave(discharge_date=dt.date(2026, 6, 16))),
        "discharge_date",
        id="leaves tomorrow",
    ),
    pytest.param(
        lambda h: intake(h, leave(exit_living_situation="castle")),
        "exit_living_situation",
        id="left for nowhere",
    ),
    pytest.param(lambda h: intake(h, leave(notes="n" * 5001)), "notes", id="long exit notes"),
    pytest.param(
        lambda h: intake(h, leave(), room="1", bed="A"), "bed", id="former resident in a taken bed"
    ),
]


def refusal(db: Database, action: Callable[[Session], object]) -> tuple[FieldError, ...]:
    """The errors ``action`` is refused with (and the transaction rolled back)."""
    with pytest.raises(ValidationError) as caught, db.begin() as s:
        action(s)
    return caught.value.errors


@pytest.mark.parametrize(("case", "field"), RESIDENT_CASES)
def test_a_batch_refuses_what_the_intake_form_refuses_in_the_same_words(
    db: Database, admin: Actor, house: House, case: ResidentCase, field: str
) -> None:
    item = case(house)
    by_form = refusal(db, lambda s: through_the_forms(s, admin, item))
    by_batch = refusal(db, lambda s: through_a_batch(s, admin, item))
    assert by_batch == by_form
    assert by_form[0].field == field, by_form
    assert all(error.message.endswith(".") for error in by_form)


def test_the_example_resident_is_welcome_both_ways(
    db: Database, admin: Actor, house: House
) -> None:
    """So each case above is refused for what it changes, not for the example itself."""
    with db.begin() as s:
        through_the_forms(s, admin, intake(house, leave()))
        through_a_batch(s, admin, intake(house, leave(), first_name="Al"))


def mentor(end_date: dt.date | None = None, **changes: Any) -> mentors.NewMentor:
    """Kim Ode, a peer mentor since 1 Mar 2025, with ``changes``."""
    details = mentors.MentorDetails("Kim", "Ode", dt.date(2025, 3, 1))
    return mentors.NewMentor(dataclasses.replace(details, **changes), end_date)


def mentor_through_the_forms(s: Session, actor: Actor, item: mentors.NewMentor) -> int:
    made = mentors.create_mentor(s, actor, item.details)
    if item.end_date is not None:
        mentors.deactivate_mentor(s, actor, made.id, item.end_date)
    return made.id


def mentor_through_a_batch(s: Session, actor: Actor, item: mentors.NewMentor) -> int:
    batch = mentors.MentorBatch(s, actor)
    batch.add(item)
    (mentor_id,) = batch.write()
    return mentor_id


MentorCase = Callable[[House], mentors.NewMentor]

MENTOR_CASES: list[Any] = [
    pytest.param(lambda h: mentor(last_name=" "), "last_name", id="no last name"),
    pytest.param(lambda h: mentor(role_title=""), "role_title", id="no role"),
    pytest.param(lambda h: mentor(email="kim at home"), "email", id="not an email"),
    pytest.param(lambda h: mentor(supervisor_name="s" * 121), "supervisor_name", id="long name"),
    pytest.param(lambda h: mentor(start_date=None), "start_date", id="no start date"),
    pytest.param(
        lambda h: mentor(former_resident_id=9999), "former_resident_id", id="no such resident"
    ),
    pytest.param(
        lambda h: mentor(former_resident_id=h["rae"]),
        "former_resident_id",
        id="resident already linked",
    ),
    pytest.param(lambda h: mentor(user_id=9999), "user_id", id="no such account"),
    pytest.param(lambda h: mentor(dt.date(2025, 2, 1)), "end_date", id="ended before starting"),
    pytest.param(lambda h: mentor(dt.date(2026, 6, 16)), "end_date", id="ends tomorrow"),
]


@pytest.mark.parametrize(("case", "field"), MENTOR_CASES)
def test_a_batch_refuses_what_the_mentor_form_refuses_in_the_same_words(
    db: Database, admin: Actor, house: House, case: MentorCase, field: str
) -> None:
    item = case(house)
    by_form = refusal(db, lambda s: mentor_through_the_forms(s, admin, item))
    by_batch = refusal(db, lambda s: mentor_through_a_batch(s, admin, item))
    assert by_batch == by_form
    assert by_form[0].field == field, by_form
    with db.begin() as s:  # and the example itself is welcome both ways
        mentor_through_the_forms(s, admin, mentor(dt.date(2026, 1, 31)))
        mentor_through_a_batch(s, admin, mentor(dt.date(2026, 1, 31), first_name="Lou"))


def test_two_rows_of_one_batch_cannot_take_one_bed_nor_be_one_person(
    db: Database, admin: Actor, house: House
) -> None:
    with db.begin() as s:
        batch = residents.IntakeBatch(s, admin)
        batch.add(intake(house, first_name="Al", room="7", bed="B"))
        with pytest.raises(ValidationError) as caught:
            batch.add(intake(house, first_name="Bo", room="7", bed="B"))
        assert caught.value.errors == (FieldError("bed", "Room 7 bed B is taken by Al Pax."),)
        with pytest.raises(ValidationError) as caught:
            batch.add(intake(house, first_name="al ", room="9", bed="A"))
        assert caught.value.errors == (
            FieldError(
                "first_name",
                "al Pax with this date of birth is already in the records; readmit them instead "
                "of a new intake.",
            ),
        )
        # Someone who has left does not keep their bed.
        batch.add(intake(house, leave(), first_name="Cy", room="8", bed="C"))
        batch.add(intake(house, first_name="Di", room="8", bed="C"))
        assert len(batch) == 3
        written = [residents.get_resident(s, i) for i in batch.write()]
        assert len(batch) == 0
    assert [(r.first_name, r.room, r.bed, r.status) for r in written] == [
        ("Al", "7", "B", vocab.ResidentStatus.ACTIVE),
        ("Cy", "8", "C", vocab.ResidentStatus.DISCHARGED),
        ("Di", "8", "C", vocab.ResidentStatus.ACTIVE),
    ]
    # Once written, the form sees them like anyone else.
    words = "Room 7 bed B is taken by Al Pax."
    assert refusal(db, lambda s: f.resident(s, admin, "Ed", "Fox", room="7", bed="B")) == (
        FieldError("bed", words),
    )


def last_audit_line(db: Database) -> int:
    with db.read() as s:
        return s.execute(select(func.max(AuditEvent.id))).scalar_one() or 0


def audit_lines(db: Database, after: int) -> list[tuple[object, ...]]:
    """The audit lines after line ``after``, without their times (and so their hashes)."""
    with db.read() as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id))
        return [
            (e.id, e.username, e.action, e.entity, e.entity_id, e.summary, e.changes)
            for e in events.scalars()
        ]


def test_a_batch_writes_what_the_forms_write(
    db: Database, admin: Actor, house: House, template_db: Path, tmp_path: Path
) -> None:
    twin_path = tmp_path / "twin.sqlite3"
    shutil.copyfile(template_db, twin_path)
    people = [
        intake(house),
        intake(
            house,
            first_name=" Zoë ",
            last_name="Ng",
            preferred_name="Zo",
            phone="502-555-0100",
            emergency_contact_name="Bea Ng",
            room="2",
            bed="B",
            mentor_id=house["maya"],
            notes="Likes tea",
            phase_id=house["mt1"],
            referral_source=" Drug court ",
        ),
        intake(
            house,
            leave(outcome=vocab.OutcomeClass.NEUTRAL, notes=" Moved in with her sister "),
            first_name="Ann",
            date_of_birth=None,
            room="3",
            bed="C",
        ),
    ]
    staff = [mentor(), mentor(dt.date(2026, 1, 31), first_name="Lou", email="lou@example.org")]
    last_line = last_audit_line(db)
    with Database.open(twin_path) as twin:
        assert build_house(twin, admin) == house
        with db.begin() as s:
            by_form = [through_the_forms(s, admin, p) for p in people]
            by_form_staff = [mentor_through_the_forms(s, admin, m) for m in staff]
        with twin.begin() as s:
            batch = residents.IntakeBatch(s, admin)
            for person in people:
                batch.add(person)
            by_batch = batch.write()
            staff_batch = mentors.MentorBatch(s, admin)
            for m in staff:
                staff_batch.add(m)
            by_batch_staff = staff_batch.write()
        assert (by_batch, by_batch_staff) == (by_form, by_form_staff)
        with db.read() as s, twin.read() as t:
            for resident_id in by_form:
                assert residents.get_resident(t, resident_id) == residents.get_resident(
                    s, resident_id
                )
            for mentor_id in by_form_staff:
                assert mentors.get_mentor(t, mentor_id) == mentors.get_mentor(s, mentor_id)
            assert audit.verify_chain(t) == []
        assert audit_lines(twin, last_line) == audit_lines(db, last_line)
        assert len(audit_lines(db, last_line)) == 3 + 1 + 2 + 1  # creates, discharge, leaving


def test_the_audit_trail_verifies_after_a_batch_import_and_goes_on(
    db: Database, admin: Actor, house: House
) -> None:
    data = "First,Last,DOB,Intake,Room,Bed,Status,Discharge date,Reason\r\n" + "".join(
        f"P{n},Q,1990-01-{1 + n:02d},2026-01-05,{n},A,{'discharged' if n % 3 == 0 else ''},"
        f"{'2026-02-01' if n % 3 == 0 else ''},{'moved_on' if n % 3 == 0 else ''}\r\n"
        for n in range(2, 20)
    )
    sheet = imports.read_csv_bytes(data.encode(), "trail.csv")
    before = last_audit_line(db)
    with db.begin() as s:
        mapping = imports.offered_mapping(s, imports.ImportKind.RESIDENTS, sheet.header)
        outcome = imports.import_sheet(s, admin, sheet, mapping)
    assert outcome.result is not None and outcome.result.imported == 18
    with db.begin() as s:  # a form writes after the import: the chain goes on from its end
        f.resident(s, admin, "After", "Import")
    with db.read() as s:
        assert audit.verify_chain(s) == []
        head = s.get(Preference, audit.HEAD_KEY)
        last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    assert head is not None and head.value == f"{last.id}:{last.hash}"
    # 18 intakes, 6 of them discharged, the import's own line, and the form's line.
    assert last.id - before == 18 + 6 + 1 + 1


def test_record_many_writes_the_lines_record_would(db: Database, admin: Actor) -> None:
    entries = [
        audit.Entry("create", "residents", 7, "Intake of José", {"on": dt.date(2026, 1, 2)}),
        audit.Entry("note", summary="no record, no changes"),
    ]
    before = last_audit_line(db)
    with db.begin() as s:
        for e in entries:
            audit.record(s, admin, e.action, e.entity, e.entity_id, e.summary, e.changes)
        audit.record_many(s, admin, entries)
        audit.record_many(s, admin, [])
    lines = audit_lines(db, before)
    assert [line[2:] for line in lines[:2]] == [line[2:] for line in lines[2:]]
    assert lines[0][6] == '{"on": "2026-01-02"}'
    with db.read() as s:
        assert audit.verify_chain(s) == []
