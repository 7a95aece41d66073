"""Program phases: added, renamed, moved in the program's order, retired and put back in use,
each audited; the history of every resident follows the phase, not its name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import AuditEvent
from peerdesk.core.services import residents, settings
from tests import factories as f

DEFAULT = [
    "Safe Off the Streets",
    "Motivational Track I",
    "Motivational Track II",
    "Phase I",
    "Phase II",
]


def names(db: Database, *, include_retired: bool = False) -> list[str]:
    with db.read() as s:
        return [p.name for p in settings.list_phases(s, include_retired=include_retired)]


def audit_lines(db: Database) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(AuditEvent.summary)
                .where(AuditEvent.entity == "program_phases")
                .order_by(AuditEvent.id)
            )
        )


def test_a_phase_is_renamed_and_its_residents_history_follows(db: Database, admin: Actor) -> None:
    assert names(db) == DEFAULT
    with db.begin() as s:
        pat = f.resident(s, admin, "Pat", "Kim", phase="MT I")
        changed = settings.update_phase(
            s, admin, f.phase_id(s, "MT I"), "Motivation One", "Mot 1", mentors_allowed=False
        )
    assert (changed.name, changed.short_name) == ("Motivation One", "Mot 1")
    with db.read() as s:
        current = residents.get_resident(s, pat.id).current_phase
    assert current is not None and current.phase_name == "Motivation One"
    assert audit_lines(db) == ["Phase Motivational Track I renamed Motivation One"]
    with db.begin() as s:  # the same again changes nothing and writes no line
        settings.update_phase(s, admin, changed.id, "Motivation One", "Mot 1")
    assert len(audit_lines(db)) == 1


def test_a_name_is_needed_and_unique(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationError) as caught, db.begin() as s:
        settings.update_phase(s, admin, f.phase_id(s, "MT I"), "phase ii")
    assert caught.value.for_field("name") == "There is already a phase called phase ii."
    with pytest.raises(ValidationError) as caught, db.begin() as s:
        settings.add_phase(s, admin, "   ")
    assert caught.value.for_field("name") is not None
    assert names(db) == DEFAULT


def test_phases_move_in_the_programs_order_and_stop_at_either_end(
    db: Database, admin: Actor
) -> None:
    with db.begin() as s:
        settings.move_phase(s, admin, f.phase_id(s, "Phase II"), -1)
    assert names(db)[-2:] == ["Phase II", "Phase I"]
    with db.begin() as s:
        settings.move_phase(s, admin, f.phase_id(s, "SOS"), -1)  # already first
        settings.move_phase(s, admin, f.phase_id(s, "Phase I"), +1)  # already last
    assert names(db)[0] == "Safe Off the Streets" and names(db)[-1] == "Phase I"
    assert audit_lines(db) == ["Phase Phase II moved earlier in the program (now 4 of 5)"]


def test_retired_phases_keep_their_place_and_come_back(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        alumni = settings.add_phase(s, admin, "Alumni", mentors_allowed=True)
        settings.retire_phase(s, admin, alumni.id)
        settings.retire_phase(s, admin, alumni.id)  # twice is once
    assert names(db) == DEFAULT
    assert names(db, include_retired=True) == [*DEFAULT, "Alumni"]
    with db.begin() as s:
        back = settings.reinstate_phase(s, admin, alumni.id)
    assert back.active and back.mentors_allowed and names(db) == [*DEFAULT, "Alumni"]
    assert audit_lines(db) == [
        "Phase Alumni added",
        "Phase Alumni retired",
        "Phase Alumni in use again",
    ]


def test_a_phase_with_residents_in_it_is_not_retired(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.resident(s, admin, "Pat", "Kim", phase="SOS")
        assert settings.residents_by_phase(s) == {f.phase_id(s, "SOS"): 1}
    with pytest.raises(ValidationError) as caught, db.begin() as s:
        settings.retire_phase(s, admin, f.phase_id(s, "SOS"))
    assert caught.value.for_field("phase") == (
        "1 active resident is in Safe Off the Streets; move them to another phase first."
    )
    assert names(db) == DEFAULT


def test_the_last_phase_in_use_is_not_retired(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        for short in ("SOS", "MT I", "MT II", "Phase I"):
            settings.retire_phase(s, admin, f.phase_id(s, short))
    with pytest.raises(ValidationError) as caught, db.begin() as s:
        settings.retire_phase(s, admin, f.phase_id(s, "Phase II"))
    assert caught.value.for_field("phase") == (
        "Phase II is the only phase in use; add another before retiring it."
    )
    assert names(db) == ["Phase II"]


def test_only_who_may_change_the_settings_changes_phases(db: Database) -> None:
    mentor = Actor(user_id=7, username="sam", role=vocab.Role.PEER_MENTOR)
    with pytest.raises(PermissionDenied), db.begin() as s:
        settings.update_phase(s, mentor, f.phase_id(s, "SOS"), "Street")
    with pytest.raises(PermissionDenied), db.begin() as s:
        settings.move_phase(s, mentor, f.phase_id(s, "SOS"), 1)
    with pytest.raises(PermissionDenied), db.begin() as s:
        settings.reinstate_phase(s, mentor, f.phase_id(s, "SOS"))
    assert names(db) == DEFAULT
