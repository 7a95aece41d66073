"""One test per cell of the role × action table, denials included (and audited).

Each action is tried through the real service as each role. The table in
``peerdesk.core.permissions`` says what should happen; a peer mentor's "own" actions are
tried on their own mentor record.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.core import audit, report_data, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.exports import CsvTable, export_csv
from peerdesk.core.models import AuditEvent
from peerdesk.core.permissions import ROLE_PERMISSIONS, Action
from peerdesk.core.services import assessments, mentors, residents, settings, supervision, users
from peerdesk.core.services.intake_void import void_intake
from tests import factories as f


@dataclass
class House:
    own_mentor: int  # the mentor record linked to the peer mentor account
    other_mentor: int
    resident: int
    own_note: int
    other_note: int
    actors: dict[vocab.Role, Actor]


@pytest.fixture
def house(db: Database, admin: Actor) -> House:
    with db.begin() as s:
        own = f.mentor(s, admin, "Own", "Mentor")
        other = f.mentor(s, admin, "Other", "Mentor")
        r = f.resident(s, admin, mentor_id=own.id)
        own_note = f.note(s, admin, own.id)
        other_note = f.note(s, admin, other.id)
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR)
        actors = {
            vocab.Role.ADMINISTRATOR: boss,
            vocab.Role.SUPERVISOR: f.account(s, boss, "sup", vocab.Role.SUPERVISOR),
            vocab.Role.PEER_MENTOR: f.account(s, boss, "peer", vocab.Role.PEER_MENTOR, own.id),
            vocab.Role.VIEWER: f.account(s, boss, "view", vocab.Role.VIEWER),
        }
    return House(own.id, other.id, r.id, own_note.id, other_note.id, actors)


Operation = Callable[[Session, Actor, House], Any]

OPERATIONS: dict[Action, Operation] = {
    Action.VIEW_RECORDS: lambda s, a, h: residents.get_resident(s, h.resident),
    Action.EDIT_RESIDENTS: lambda s, a, h: f.resident(s, a, "New", "Person"),
    Action.VOID_INTAKES: lambda s, a, h: void_intake(
        s, a, f.resident(s, Actor.local_administrator(), "Twice", "Entered").stays[0].id, "Twice"
    ),
    Action.RECORD_ASSESSMENTS: lambda s, a, h: assessments.record_assessment(
        s,
        a,
        assessments.AssessmentEntry(
            h.resident, dt.date(2026, 2, 1), vocab.Instrument.READINESS, score=6
        ),
    ),
    Action.LOG_SESSIONS: lambda s, a, h: f.session(s, a, h.own_mentor, [h.resident]),
    Action.EDIT_MENTORS: lambda s, a, h: f.mentor(s, a, "Brand", "New"),
    Action.READ_ALL_SUPERVISION: lambda s, a, h: supervision.get_note(s, a, h.other_note),
    Action.READ_OWN_SUPERVISION: lambda s, a, h: supervision.get_note(s, a, h.own_note),
    Action.WRITE_SUPERVISION: lambda s, a, h: f.note(s, a, h.other_mentor),
    Action.ACKNOWLEDGE_SUPERVISION: lambda s, a, h: supervision.acknowledge_note(
        s, a, h.own_note, dt.date(2026, 3, 5)
    ),
    Action.EXPORT_DATA: lambda s, a, h: export_csv(s, a, CsvTable.MENTORS, io.StringIO()),
    Action.MANAGE_SETTINGS: lambda s, a, h: settings.name_house(s, a, "Hope House"),
    Action.MANAGE_ACCOUNTS: lambda s, a, h: users.create_user(
        s, a, "newbie", "New Person", vocab.Role.VIEWER, "a long enough passphrase"
    ),
    Action.READ_AUDIT: lambda s, a, h: audit.list_events(s, a),
    Action.GENERATE_DEMO: lambda s, a, h: a.require(Action.GENERATE_DEMO),
    Action.PRINT_IDENTIFIED: lambda s, a, h: report_data.gather_roster(
        s, a, report_data.RosterOptions()
    ),
    Action.IMPORT_DATA: lambda s, a, h: _import_one_resident(s, a),
}
# Backup and restore work outside one transaction: their cells are below.
OUTSIDE_A_TRANSACTION = {Action.BACKUP, Action.BACKUP_WITH_OWN_PASSPHRASE, Action.RESTORE}


def _import_one_resident(s: Session, actor: Actor) -> Any:
    from peerdesk.core import imports

    sheet = imports.read_csv_bytes(
        b"First name,Last name,Intake date,Phase\r\nNew,Person,2026-02-01,SOS\r\n", "new.csv"
    )
    mapping = imports.offered_mapping(s, imports.ImportKind.RESIDENTS, sheet.header)
    return imports.import_sheet(s, actor, sheet, mapping)


def test_every_action_has_a_cell() -> None:
    assert set(OPERATIONS) | OUTSIDE_A_TRANSACTION == set(Action)


# What a peer mentor may do differs from the role table only where the record is their own.
OWN_ONLY = {Action.READ_OWN_SUPERVISION}


def expected(role: vocab.Role, action: Action) -> bool:
    return action in ROLE_PERMISSIONS[role]


CELLS = [(role, action) for role in vocab.Role for action in OPERATIONS]


@pytest.mark.parametrize(("role", "action"), CELLS, ids=[f"{r.value}-{a.name}" for r, a in CELLS])
def test_role_action_cell(db: Database, house: House, role: vocab.Role, action: Action) -> None:
    actor = house.actors[role]
    operation = OPERATIONS[action]
    if expected(role, action):
        with db.begin() as s:
            operation(s, actor, house)
        return
    with pytest.raises(PermissionDenied), db.begin() as s:
        operation(s, actor, house)
    assert_refusal_audited(db, actor)


def assert_refusal_audited(db: Database, actor: Actor) -> None:
    with db.read() as s:
        last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert last is not None
    assert (last.action, last.username) == ("denied", actor.username), "refusals are audited"


def test_a_peer_mentor_cannot_read_anothers_supervision(db: Database, house: House) -> None:
    with pytest.raises(PermissionDenied, match="about yourself"), db.read() as s:
        supervision.get_note(s, house.actors[vocab.Role.PEER_MENTOR], house.other_note)


def test_a_peer_mentor_cannot_acknowledge_anothers_note(db: Database, house: House) -> None:
    with pytest.raises(PermissionDenied, match="about yourself"), db.begin() as s:
        supervision.acknowledge_note(s, house.actors[vocab.Role.PEER_MENTOR], house.other_note)


def test_demo_needs_an_empty_house_even_for_an_administrator(db: Database, house: House) -> None:
    from peerdesk.core.demo import build_demo_house

    with pytest.raises(ValidationError, match="already holds"):
        build_demo_house(db, beds=3, years=1, actor=house.actors[vocab.Role.ADMINISTRATOR])
    with pytest.raises(PermissionDenied):
        build_demo_house(db, beds=3, years=1, actor=house.actors[vocab.Role.SUPERVISOR])


def test_mentor_deactivation_and_reactivation_need_edit_mentors(db: Database, house: House) -> None:
    with pytest.raises(PermissionDenied), db.begin() as s:
        mentors.reactivate_mentor(s, house.actors[vocab.Role.PEER_MENTOR], house.other_mentor)


@pytest.mark.parametrize("role", list(vocab.Role), ids=[r.value for r in vocab.Role])
def test_backup_cells(db: Database, house: House, role: vocab.Role, tmp_path: Path) -> None:
    """A backup with a passphrase of one's own (administrators), and one that opens only
    with the house's recovery key (everyone who may back up)."""
    from peerdesk.core import backup

    sheet = backup.new_recovery_sheet(db, Actor.local_administrator())
    backup.adopt_recovery_key(db, Actor.local_administrator(), sheet)
    actor = house.actors[role]
    usb = tmp_path / "usb"
    usb.mkdir()
    cheap = backup.KdfSettings(memory_kib=64, iterations=1, lanes=1)
    own = lambda: backup.back_up(  # noqa: E731
        db, actor, usb, backup.Passphrase("a long enough passphrase"), kdf=cheap
    )
    if expected(role, Action.BACKUP_WITH_OWN_PASSPHRASE):
        assert own().path.exists()
    else:
        with pytest.raises(PermissionDenied):
            own()
        assert list(usb.iterdir()) == []
        assert_refusal_audited(db, actor)
    house_keys = lambda: backup.back_up(db, actor, usb, None)  # noqa: E731
    if expected(role, Action.BACKUP):
        made = house_keys()
        assert backup.verify_backup(made.path, sheet.key).info.path == made.path
        return
    with pytest.raises(PermissionDenied):
        house_keys()
    assert_refusal_audited(db, actor)


@pytest.mark.parametrize("role", list(vocab.Role), ids=[r.value for r in vocab.Role])
def test_restore_cell(db: Database, house: House, role: vocab.Role, tmp_path: Path) -> None:
    from peerdesk.core import backup
    from peerdesk.paths import Paths

    actor = house.actors[role]
    if expected(role, Action.RESTORE):
        return  # an administrator's restores are the restore tests' subject
    pc = Paths(db=db.path, data_dir=tmp_path, config_dir=tmp_path, log_dir=tmp_path)
    with pytest.raises(PermissionDenied):
        backup.restore_backup(tmp_path / "any.pdbk", backup.Passphrase("x" * 12), pc, actor=actor)


def test_the_readme_table_is_the_code_table() -> None:
    """The README's "Who may do what" table says exactly what the services enforce."""
    from peerdesk.core.permissions import role_table_rows

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for action, cells in role_table_rows():
        assert f"| {action} | " + " | ".join(cells) + " |" in readme, action
