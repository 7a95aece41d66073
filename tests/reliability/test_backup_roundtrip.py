"""restore(backup(house)) is the same house, table by table.

Houses come from hypothesis (through the services, with any text people might type), from
the demo generator, and (slow) a ten-year, 100-bed demo house. Each backup is restored over
another house, so the replace path is exercised, not only the empty-PC one.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerdesk.core import audit, backup, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.check import run_checks
from peerdesk.core.db import Database
from peerdesk.core.services import assessments, residents
from peerdesk.core.services.settings import name_house
from peerdesk.paths import Paths
from tests import factories
from tests.reliability.helpers import PASSPHRASE, integrity, make_backup, table_rows

LOG_TABLES = ("audit_events", "backup_log")

# Any text a field accepts: letters of every script, emoji, quotes, symbols. Control
# characters, text-direction overrides and broken characters are refused by every field
# (tests/unit/test_hostile_input.py); notes keep line breaks and tabs as well.
printable = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)
typed_text = st.text(alphabet=printable, min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s != ""
)
typed_notes = st.text(alphabet=st.one_of(printable, st.sampled_from("\r\n\t")), max_size=300)


@dataclass(frozen=True)
class HouseContents:
    house: str
    people: list[tuple[str, str]]
    intakes: list[dt.date]
    notes: list[str]
    discharged: list[bool]
    readiness: list[int]


@st.composite
def house_contents(draw: st.DrawFn) -> HouseContents:
    people = draw(st.lists(st.tuples(typed_text, typed_text), min_size=1, max_size=6))
    size = len(people)
    return HouseContents(
        house=draw(typed_text),
        people=people,
        intakes=draw(
            st.lists(
                st.dates(dt.date(2024, 1, 1), dt.date(2026, 5, 1)), min_size=size, max_size=size
            )
        ),
        notes=draw(st.lists(typed_notes, min_size=1, max_size=4)),
        discharged=draw(st.lists(st.booleans(), min_size=size, max_size=size)),
        readiness=draw(st.lists(st.integers(0, 10), min_size=1, max_size=size)),
    )


def fill_house(db: Database, contents: HouseContents) -> None:
    """Write a house through the same services the window uses."""
    actor = Actor.local_administrator()
    with db.begin() as s:
        name_house(s, actor, contents.house)
        mentor = factories.mentor(s, actor)
        ids = [
            factories.resident(s, actor, first=first, last=last, intake=intake, dob=None).id
            for (first, last), intake in zip(contents.people, contents.intakes, strict=True)
        ]
        for n, note in enumerate(contents.notes):
            factories.session(
                s, actor, mentor.id, ids, day=dt.date(2026, 5, 2 + n), notes=note, motivation=n
            )
        for rid, score in zip(ids, contents.readiness, strict=False):
            assessments.record_assessment(
                s,
                actor,
                assessments.AssessmentEntry(
                    rid, dt.date(2026, 6, 1), vocab.Instrument.READINESS, score=score
                ),
            )
        for rid, leaves in zip(ids, contents.discharged, strict=True):
            if leaves:
                residents.discharge_resident(
                    s,
                    actor,
                    rid,
                    residents.Discharge(
                        dt.date(2026, 6, 14), vocab.DischargeReason.COMPLETED, notes="Graduated"
                    ),
                )


def pc_paths(db_path: Path, root: Path) -> Paths:
    return Paths(db=db_path, data_dir=root, config_dir=root / "config", log_dir=root / "logs")


def assert_same_house(before: dict[str, list[tuple[object, ...]]], restored_path: Path) -> None:
    """Every table equal; the two logs equal up to what the restore itself added."""
    after = table_rows(restored_path)
    assert set(after) == set(before)
    for table, rows in before.items():
        if table in LOG_TABLES:
            known = {row[0] for row in rows}
            assert [r for r in after[table] if r[0] in known] == rows, table
            added = [r for r in after[table] if r[0] not in known]
            assert added, f"the restore wrote no line into {table}"
        elif table == "preferences":
            # The audit head moves on with the restore's own line, and the restored trail is
            # a trail of its own from then on (a new identity).
            moving = {audit.HEAD_KEY, audit.TRAIL_KEY}
            assert [r for r in after[table] if r[0] not in moving] == [
                r for r in rows if r[0] not in moving
            ], table
            trail = [r for r in after[table] if r[0] == audit.TRAIL_KEY]
            assert trail and trail != [r for r in rows if r[0] == audit.TRAIL_KEY]
        else:
            assert after[table] == rows, table
    assert integrity(restored_path) == "ok"
    restored = Database.open(restored_path)
    try:
        assert all(check.ok for check in run_checks(restored)), run_checks(restored)
    finally:
        restored.close()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(contents=house_contents())
def test_hypothesis_houses_come_back_table_by_table(
    contents: HouseContents, template_db: Path, demo_template: Path, today: dt.date
) -> None:
    # today (a frozen calendar) is the same for every example, so sharing it is sound.
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        source_path = root / "source.sqlite3"
        shutil.copyfile(template_db, source_path)
        (root / "usb").mkdir()
        source = Database.open(source_path)
        try:
            fill_house(source, contents)
            before = table_rows(source_path)
            result = make_backup(source, root / "usb")
        finally:
            source.close()
        # Restore over another house (the demo one), as on a PC that already has records.
        target = root / "target.sqlite3"
        shutil.copyfile(demo_template, target)
        restored = backup.restore_backup(
            result.path,
            PASSPHRASE,
            pc_paths(target, root),
            actor=Actor.local_administrator(),
            replace_other_house=True,  # another house, on purpose
        )
        assert restored.replaced is not None and restored.replaced.residents > 0
        assert restored.restored.residents == len(contents.people)
        assert_same_house(before, target)


def test_a_demo_house_comes_back_table_by_table(house: Database, usb: Path, tmp_path: Path) -> None:
    before = table_rows(house.path)
    result = make_backup(house, usb)
    target = tmp_path / "new-pc" / "peerdesk.sqlite3"
    target.parent.mkdir()
    outcome = backup.restore_backup(
        result.path, PASSPHRASE, pc_paths(target, tmp_path), actor=Actor.local_administrator()
    )
    assert outcome.safety_copy is None and outcome.replaced is None  # nothing was there
    assert outcome.restored.residents == result.info.row_counts["residents"]
    assert_same_house(before, target)
    # The USB backup it came from is the house's last one: Home does not say "never".
    from peerdesk.core import attention

    with Database.open(target) as restored, restored.read() as s:
        last = attention.last_verified_backup(s)
        assert last is not None and last.at == result.info.created_at
        assert last.location == str(result.path)
        assert attention.usb_backup_warning(s) is None


def test_an_older_backup_is_upgraded_in_a_copy_then_on_restore(
    house: Database, usb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = table_rows(house.path)
    result = make_backup(house, usb)
    house.close()
    # This PeerDesk pretends to be one migration ahead of the backup.
    from peerdesk.core import db as dbmod

    made_at = dbmod.HEAD_REVISION
    monkeypatch.setattr(dbmod, "HEAD_REVISION", "0099_pretend")
    checked = backup.verify_backup(result.path, PASSPHRASE, work_dir=tmp_path)
    assert checked.upgraded_from == made_at
    assert not list(tmp_path.glob(".peerdesk-work-*"))
    target = tmp_path / "pc2" / "peerdesk.sqlite3"
    target.parent.mkdir()
    backup.restore_backup(
        result.path, PASSPHRASE, pc_paths(target, tmp_path), actor=Actor.local_administrator()
    )
    assert_same_house(before, target)


@pytest.mark.slow
def test_a_ten_year_house_comes_back_table_by_table(ten_year_house: Path, tmp_path: Path) -> None:
    db = Database.open(ten_year_house)
    try:
        before = table_rows(ten_year_house)
        result = backup.back_up(db, Actor.local_administrator(), tmp_path, PASSPHRASE)
    finally:
        db.close()
    target = tmp_path / "restored.sqlite3"
    backup.restore_backup(
        result.path, PASSPHRASE, pc_paths(target, tmp_path), actor=Actor.local_administrator()
    )
    assert_same_house(before, target)
