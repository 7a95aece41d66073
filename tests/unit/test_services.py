"""Every validation rule of the services, and what a correct action writes.

Each refused action must name the field, say why in a sentence, and write nothing: no row and
no audit line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import (
    Assessment,
    AuditEvent,
    PeerSession,
    PhaseChange,
    Resident,
    SessionAttendee,
    Stay,
    SupervisionNote,
)
from peerdesk.core.services import assessments, mentors, residents, sessions, settings, supervision
from tests import factories as f

TABLES = (
    Resident,
    Stay,
    PhaseChange,
    PeerSession,
    SessionAttendee,
    SupervisionNote,
    Assessment,
    AuditEvent,
)


def _counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {
            t.__tablename__: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in TABLES
        }


def refused(db: Database, action: Callable[[Session], Any], field: str, words: str) -> None:
    """``action`` raises a ValidationError for ``field`` mentioning ``words``; nothing written."""
    before = _counts(db)
    with pytest.raises(ValidationError) as caught, db.begin() as s:
        action(s)
    message = caught.value.for_field(field)
    assert message is not None, f"no message for {field}: {caught.value.errors}"
    assert words.lower() in message.lower(), message
    assert message.endswith("."), "every message is a sentence"
    assert _counts(db) == before


@pytest.fixture
def house(db: Database, admin: Actor) -> dict[str, int]:
    """A mentor and two residents admitted on 10 Jan 2026."""
    with db.begin() as s:
        m = f.mentor(s, admin)
        a = f.resident(s, admin, "Jamie", "Doe", mentor_id=m.id)
        b = f.resident(s, admin, "Alex", "Roe", mentor_id=m.id, dob=dt.date(1985, 2, 2))
    return {"mentor": m.id, "a": a.id, "b": b.id}


# --------------------------------------------------------------------------- residents


@pytest.mark.parametrize(
    ("first", "last", "field"), [("", "Doe", "first_name"), ("Jamie", "  ", "last_name")]
)
def test_names_are_required(db: Database, admin: Actor, first: str, last: str, field: str) -> None:
    refused(db, lambda s: f.resident(s, admin, first, last), field, "required")


def test_intake_date_cannot_be_in_the_future(db: Database, admin: Actor, today: dt.date) -> None:
    refused(
        db,
        lambda s: f.resident(s, admin, intake=today + dt.timedelta(days=1)),
        "intake_date",
        "in the future",
    )


def test_date_of_birth_must_be_before_intake(db: Database, admin: Actor) -> None:
    refused(
        db,
        lambda s: f.resident(s, admin, dob=dt.date(2026, 2, 1)),
        "date_of_birth",
        "before the intake",
    )


def test_unknown_living_situation_is_refused(db: Database, admin: Actor) -> None:
    refused(db, lambda s: f.resident(s, admin, living="castle"), "living_situation", "list")


def test_the_same_person_twice_is_refused_with_a_hint_to_readmit(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(db, lambda s: f.resident(s, admin, "jamie", "DOE"), "first_name", "readmit")


def test_a_bed_cannot_hold_two_active_residents(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.resident(s, admin, "Jo", "One", room="101", bed="A")
    refused(
        db,
        lambda s: f.resident(s, admin, "Jo", "Two", room="101", bed="A"),
        "bed",
        "taken by Jo One",
    )


def test_intake_writes_resident_stay_phase_and_audit(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        r = f.resident(s, admin, "Pat", "Kim", phase="MT I")
    assert r.status == vocab.ResidentStatus.ACTIVE
    assert r.current_phase is not None and r.current_phase.phase_name == "Motivational Track I"
    assert r.current_stay is not None and r.current_stay.intake_date == dt.date(2026, 1, 10)
    with db.read() as s:
        event = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert event is not None
    assert (event.action, event.entity, event.entity_id) == ("create", "residents", r.id)
    assert "Pat Kim" in event.summary


def test_phase_change_is_kept_as_history(db: Database, admin: Actor, house: dict[str, int]) -> None:
    with db.begin() as s:
        r = residents.change_phase(s, admin, house["a"], f.phase_id(s, "MT I"), dt.date(2026, 2, 1))
        r = residents.change_phase(
            s, admin, house["a"], f.phase_id(s, "MT II"), dt.date(2026, 3, 1)
        )
    assert [c.phase_name for c in r.phase_history] == [
        "Safe Off the Streets",
        "Motivational Track I",
        "Motivational Track II",
    ]
    assert r.current_phase is not None and r.current_phase.phase_name == "Motivational Track II"


def test_phase_change_before_intake_or_current_phase_is_refused(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(
        db,
        lambda s: residents.change_phase(
            s, admin, house["a"], f.phase_id(s, "MT I"), dt.date(2026, 1, 1)
        ),
        "from_date",
        "before the intake",
    )
    with db.begin() as s:
        residents.change_phase(s, admin, house["a"], f.phase_id(s, "MT I"), dt.date(2026, 3, 1))
    refused(
        db,
        lambda s: residents.change_phase(
            s, admin, house["a"], f.phase_id(s, "MT II"), dt.date(2026, 2, 1)
        ),
        "from_date",
        "before the current phase",
    )
    refused(
        db,
        lambda s: residents.change_phase(
            s, admin, house["a"], f.phase_id(s, "MT I"), dt.date(2026, 4, 1)
        ),
        "phase_id",
        "already",
    )


def _discharge(
    s: Session,
    admin: Actor,
    rid: int,
    day: dt.date,
    reason: vocab.DischargeReason = vocab.DischargeReason.COMPLETED,
) -> Any:
    return residents.discharge_resident(
        s, admin, rid, residents.Discharge(day, reason, exit_living_situation="own_rent")
    )


def test_discharge_cannot_be_before_intake(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(
        db,
        lambda s: _discharge(s, admin, house["a"], dt.date(2026, 1, 9)),
        "discharge_date",
        "before the intake date (10 Jan 2026)",
    )


def test_discharge_cannot_be_in_the_future(
    db: Database, admin: Actor, house: dict[str, int], today: dt.date
) -> None:
    refused(
        db,
        lambda s: _discharge(s, admin, house["a"], today + dt.timedelta(days=3)),
        "discharge_date",
        "in the future",
    )


def test_discharge_defaults_the_outcome_class_and_readmit_opens_a_new_stay(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    with db.begin() as s:
        r = _discharge(
            s, admin, house["a"], dt.date(2026, 4, 1), vocab.DischargeReason.ADMINISTRATIVE
        )
    assert r.status == vocab.ResidentStatus.DISCHARGED
    assert r.current_stay.discharge_outcome == vocab.OutcomeClass.NEGATIVE
    refused(
        db,
        lambda s: _discharge(s, admin, house["a"], dt.date(2026, 4, 2)),
        "discharge_date",
        "already discharged",
    )
    refused(
        db,
        lambda s: residents.readmit_resident(
            s, admin, house["a"], residents.Admission(dt.date(2026, 3, 1), f.phase_id(s))
        ),
        "intake_date",
        "before the last discharge",
    )
    with db.begin() as s:
        r = residents.readmit_resident(
            s, admin, house["a"], residents.Admission(dt.date(2026, 5, 1), f.phase_id(s))
        )
    assert len(r.stays) == 2 and r.status == vocab.ResidentStatus.ACTIVE
    assert r.stays[0].discharge_reason == vocab.DischargeReason.ADMINISTRATIVE


def test_correcting_the_intake_date_moves_the_intake_phase_and_is_audited(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    with db.begin() as s:
        r = residents.correct_admission(
            s,
            admin,
            house["a"],
            residents.Admission(dt.date(2026, 1, 5), f.phase_id(s), living_situation="street"),
        )
    assert r.current_stay.intake_date == dt.date(2026, 1, 5)
    assert r.phase_history[0].from_date == dt.date(2026, 1, 5)
    with db.read() as s:
        event = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert event is not None and "2026-01-10" in event.changes and "2026-01-05" in event.changes


# --------------------------------------------------------------------------- sessions


def test_a_session_needs_a_mentor(db: Database, admin: Actor, house: dict[str, int]) -> None:
    refused(db, lambda s: f.session(s, admin, 999, [house["a"]]), "mentor_id", "choose")


def test_a_session_date_cannot_be_in_the_future(
    db: Database, admin: Actor, house: dict[str, int], today: dt.date
) -> None:
    refused(
        db,
        lambda s: f.session(
            s, admin, house["mentor"], [house["a"]], day=today + dt.timedelta(days=1)
        ),
        "session_date",
        "in the future",
    )


def test_a_session_needs_an_attendee(db: Database, admin: Actor, house: dict[str, int]) -> None:
    refused(db, lambda s: f.session(s, admin, house["mentor"], []), "attendees", "at least one")


def test_a_session_needs_a_support_type(db: Database, admin: Actor, house: dict[str, int]) -> None:
    refused(
        db,
        lambda s: f.session(s, admin, house["mentor"], [house["a"]], types=frozenset()),
        "support_types",
        "at least one",
    )


def test_one_to_one_has_exactly_one_resident(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(
        db,
        lambda s: f.session(
            s, admin, house["mentor"], [house["a"], house["b"]], fmt=vocab.SessionFormat.ONE_TO_ONE
        ),
        "attendees",
        "one resident",
    )


def test_a_discharged_resident_cannot_attend_a_later_session(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    with db.begin() as s:
        _discharge(s, admin, house["a"], dt.date(2026, 3, 1))
    refused(
        db,
        lambda s: f.session(
            s, admin, house["mentor"], [house["a"], house["b"]], day=dt.date(2026, 3, 2)
        ),
        "attendees",
        "Jamie Doe was not in residence on 2 Mar 2026",
    )
    with db.begin() as s:  # the discharge day itself is fine
        f.session(s, admin, house["mentor"], [house["a"]], day=dt.date(2026, 3, 1))


def test_a_resident_cannot_attend_before_intake(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(
        db,
        lambda s: f.session(s, admin, house["mentor"], [house["a"]], day=dt.date(2026, 1, 9)),
        "attendees",
        "not in residence",
    )


@pytest.mark.parametrize(
    ("motivation", "satisfaction"), [(11, None), (-1, None), (None, 0), (None, 6)]
)
def test_session_ratings_stay_within_their_scales(
    db: Database,
    admin: Actor,
    house: dict[str, int],
    motivation: int | None,
    satisfaction: int | None,
) -> None:
    refused(
        db,
        lambda s: f.session(
            s,
            admin,
            house["mentor"],
            [house["a"]],
            motivation=motivation,
            satisfaction=satisfaction,
        ),
        "attendees",
        "between",
    )


def test_duration_must_be_sensible(db: Database, admin: Actor, house: dict[str, int]) -> None:
    refused(
        db,
        lambda s: f.session(s, admin, house["mentor"], [house["a"]], minutes=0),
        "duration_minutes",
        "at least one minute",
    )


def test_group_session_with_three_attendees_is_written_and_searchable(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    with db.begin() as s:
        c = f.resident(s, admin, "Sam", "Poe", dob=dt.date(1970, 1, 1))
        made = f.session(
            s,
            admin,
            house["mentor"],
            [house["a"], house["b"], c.id],
            motivation=7,
            satisfaction=4,
            notes="Talked about gratitude journals",
        )
    assert len(made.attendees) == 3
    assert {a.motivation for a in made.attendees} == {7}
    with db.read() as s:
        found = (
            s.connection()
            .exec_driver_sql(
                "SELECT rowid FROM peer_sessions_fts WHERE peer_sessions_fts MATCH 'gratitude'"
            )
            .fetchall()
        )
    assert found == [(made.id,)]


def test_correcting_a_session_replaces_attendees_and_voiding_keeps_it(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    with db.begin() as s:
        made = f.session(s, admin, house["mentor"], [house["a"]])
        changed = sessions.update_session(
            s,
            admin,
            made.id,
            sessions.SessionDetails(
                session_date=made.session_date,
                duration_minutes=90,
                mentor_id=house["mentor"],
                format=vocab.SessionFormat.GROUP,
                support_types=frozenset({vocab.SupportType.INFORMATIONAL}),
                attendees=[sessions.AttendeeEntry(house["a"]), sessions.AttendeeEntry(house["b"])],
                topic="Job readiness",
            ),
        )
    assert changed.duration_minutes == 90 and len(changed.attendees) == 2
    refused(db, lambda s: sessions.void_session(s, admin, made.id, "  "), "reason", "why")
    with db.begin() as s:
        voided = sessions.void_session(s, admin, made.id, "Entered twice")
    assert voided.voided and voided.void_reason == "Entered twice"
    with db.read() as s:
        assert s.get(PeerSession, made.id) is not None


# --------------------------------------------------------------------------- assessments


def _barc(s: Session, admin: Actor, rid: int, items: list[int | None]) -> Any:
    return assessments.record_assessment(
        s,
        admin,
        assessments.AssessmentEntry(rid, dt.date(2026, 2, 1), vocab.Instrument.BARC10, items=items),
    )


def test_barc10_needs_all_ten_items(db: Database, admin: Actor, house: dict[str, int]) -> None:
    refused(db, lambda s: _barc(s, admin, house["a"], [4] * 9 + [None]), "items", "9 of 10")


def test_barc10_items_are_one_to_six_and_total_is_computed(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(db, lambda s: _barc(s, admin, house["a"], [4] * 9 + [7]), "items", "between 1 and 6")
    with db.begin() as s:
        made = _barc(s, admin, house["a"], [5, 5, 5, 5, 5, 5, 5, 4, 4, 4])
    assert made.score == 47 and made.items[0] == 5


@pytest.mark.parametrize(
    ("instrument", "score"),
    [
        (vocab.Instrument.READINESS, 11),
        (vocab.Instrument.READINESS, -1),
        (vocab.Instrument.SATISFACTION, 0),
        (vocab.Instrument.SATISFACTION, 6),
        (vocab.Instrument.READINESS, None),
    ],
)
def test_scores_stay_within_their_scale(
    db: Database,
    admin: Actor,
    house: dict[str, int],
    instrument: vocab.Instrument,
    score: int | None,
) -> None:
    refused(
        db,
        lambda s: assessments.record_assessment(
            s,
            admin,
            assessments.AssessmentEntry(house["a"], dt.date(2026, 2, 1), instrument, score=score),
        ),
        "score",
        "required" if score is None else "between",
    )


def test_assessment_before_intake_is_refused(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(
        db,
        lambda s: assessments.record_assessment(
            s,
            admin,
            assessments.AssessmentEntry(
                house["a"], dt.date(2025, 12, 1), vocab.Instrument.READINESS, score=5
            ),
        ),
        "assessed_on",
        "before Jamie's intake",
    )


# --------------------------------------------------------------------------- mentors, supervision


def test_mentor_name_and_credential_dates(db: Database, admin: Actor) -> None:
    refused(db, lambda s: f.mentor(s, admin, first=""), "first_name", "required")
    with db.begin() as s:
        m = f.mentor(s, admin)
    refused(
        db,
        lambda s: mentors.add_credential(
            s,
            admin,
            m.id,
            mentors.CredentialDetails(
                "PSS", issued_on=dt.date(2026, 1, 1), expires_on=dt.date(2025, 1, 1)
            ),
        ),
        "expires_on",
        "after the issue date",
    )


def test_a_mentor_with_residents_cannot_be_made_inactive(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(
        db,
        lambda s: mentors.deactivate_mentor(s, admin, house["mentor"], dt.date(2026, 6, 1)),
        "end_date",
        "still mentors 2 active resident",
    )


def test_supervision_note_with_action_item_and_acknowledgement(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(db, lambda s: f.note(s, admin, house["mentor"], summary=""), "summary", "required")
    refused(
        db,
        lambda s: f.note(
            s,
            admin,
            house["mentor"],
            items=[supervision.ActionItemEntry("Read chapter 3", due_date=dt.date(2026, 3, 1))],
        ),
        "action_items",
        "before the supervision date",
    )
    with db.begin() as s:
        n = f.note(
            s,
            admin,
            house["mentor"],
            items=[supervision.ActionItemEntry("Read chapter 3", due_date=dt.date(2026, 3, 20))],
        )
        n = supervision.set_action_item_done(s, admin, n.action_items[0].id, dt.date(2026, 3, 18))
        n = supervision.acknowledge_note(s, admin, n.id, dt.date(2026, 3, 4))
    assert n.action_items[0].is_done and n.acknowledged_on == dt.date(2026, 3, 4)


def test_a_peer_mentor_logs_only_their_own_sessions(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    with db.begin() as s:
        f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR)
        other = f.mentor(s, admin, "Other", "Mentor")
        mentor_login = f.account(s, admin, "maya", vocab.Role.PEER_MENTOR, mentor_id=other.id)
        viewer = f.account(s, admin, "auditor", vocab.Role.VIEWER)
    with pytest.raises(PermissionDenied, match="only its own sessions"), db.begin() as s:
        f.session(s, mentor_login, house["mentor"], [house["a"]])
    with db.begin() as s:  # their own session is fine
        f.session(s, mentor_login, other.id, [house["a"]])
    with pytest.raises(PermissionDenied, match="viewer account may not"), db.begin() as s:
        f.resident(s, viewer, "New", "Person")
    with db.read() as s:
        denied = (
            s.execute(
                select(AuditEvent.username)
                .where(AuditEvent.action == "denied")
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert denied == ["maya", "auditor"], "refusals are kept in the audit trail"


# --------------------------------------------------------------------------- settings


def test_settings_validate_and_audit(db: Database, admin: Actor) -> None:
    refused(
        db,
        lambda s: settings.update_settings(
            s, admin, settings.SettingsChange(retention_checkpoints="30, soon")
        ),
        "retention_checkpoints",
        "whole numbers",
    )
    refused(db, lambda s: settings.name_house(s, admin, "  "), "house_name", "required")
    with db.begin() as s:
        house = settings.update_settings(
            s,
            admin,
            settings.SettingsChange(house_name="Hope House", retention_checkpoints="90,30"),
        )
    assert house.house_name == "Hope House" and house.retention_checkpoints == (30, 90)


def test_a_phase_with_residents_in_it_cannot_be_retired(
    db: Database, admin: Actor, house: dict[str, int]
) -> None:
    refused(
        db,
        lambda s: settings.retire_phase(s, admin, f.phase_id(s, "SOS")),
        "phase",
        "2 active resident",
    )
    with db.begin() as s:
        added = settings.add_phase(s, admin, "Alumni", "Alumni")
        retired = settings.retire_phase(s, admin, added.id)
    assert not retired.active
