"""Around the backup file: names, keeping the newest on the stick, automatic backups thinned
by age, the backup log and the Home tab's warning, permissions, and the recovery sheet."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from peerdesk.core import backup, clock, leftovers, vocab
from peerdesk.core.attention import last_verified_backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PermissionDenied
from peerdesk.core.models import BackupRecord
from peerdesk.core.services.settings import SettingsChange, name_house, update_settings
from peerdesk.paths import Paths
from peerdesk.reports.recovery_sheet import render_recovery_sheet
from tests import factories

ADMIN = Actor.local_administrator()
CHEAP = backup.KdfSettings(memory_kib=64, iterations=1, lanes=1)
PASSPHRASE = backup.Passphrase("correct horse battery staple")
START = dt.datetime(2026, 6, 15, 9, 0)


class Clock:
    """A wall clock the test moves by hand (UTC, as the database stores it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = START
        monkeypatch.setattr(clock, "now_utc", lambda: self.now)
        monkeypatch.setattr(clock, "to_local", lambda stamp: stamp)

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def pc(db: Database, tmp_path: Path) -> Paths:
    return Paths(db.path, db.path.parent, tmp_path / "config", tmp_path / "logs")


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def back_up(db: Database, folder: Path) -> backup.BackupResult:
    return backup.back_up(db, ADMIN, folder, PASSPHRASE, kdf=CHEAP)


def change_something(db: Database, n: int = 0) -> None:
    with db.begin() as s:
        factories.mentor(s, ADMIN, first=f"Mentor{n}", last="Change")


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("house", "name"),
    [
        ("Riverbend Recovery House (demo)", "PeerDesk-Riverbend-Recovery-House-demo-20260615-0930"),
        ("Maison Sainte-Thérèse", "PeerDesk-Maison-Sainte-Therese-20260615-0930"),
        ("../../etc/passwd", "PeerDesk-etc-passwd-20260615-0930"),
        ('Hope: "A" <house> | C:\\', "PeerDesk-Hope-A-house-C-20260615-0930"),
        ("", "PeerDesk-house-20260615-0930"),
        ("希望之家", "PeerDesk-house-20260615-0930"),
        ("A" * 90, f"PeerDesk-{'A' * 40}-20260615-0930"),
    ],
)
def test_backup_file_names_are_safe_on_any_drive(house: str, name: str) -> None:
    assert backup.backup_file_name(house, dt.datetime(2026, 6, 15, 9, 30)) == name + ".pdbk"


def test_two_backups_in_one_minute_get_two_names(db: Database, usb: Path, wall: Clock) -> None:
    first = back_up(db, usb)
    wall.advance(seconds=20)
    second = back_up(db, usb)
    assert first.path.name == "PeerDesk-house-20260615-0900.pdbk"
    assert second.path.name == "PeerDesk-house-20260615-0900-2.pdbk"
    assert [i.path for i in backup.list_backups(usb)] == [second.path, first.path]


# --------------------------------------------------------------------------- the stick


def test_the_stick_keeps_the_newest_backups_of_this_house_only(
    db: Database, usb: Path, wall: Clock, template_db: Path, tmp_path: Path, today: dt.date
) -> None:
    with db.begin() as s:
        name_house(s, ADMIN, "Hope House")
        update_settings(s, ADMIN, SettingsChange(backups_to_keep=3))
    # Another house's backup, a damaged file and a stale unfinished one share the stick.
    other_path = tmp_path / "other.sqlite3"
    other_path.write_bytes(template_db.read_bytes())
    other = Database.open(other_path)
    try:
        with other.begin() as s:
            name_house(s, ADMIN, "Hope House Annex")
        theirs = back_up(other, usb).path
    finally:
        other.close()
    junk = usb / "PeerDesk-Hope-House-20200101-0000.pdbk"
    junk.write_bytes(b"not whole")
    stale = usb / "PeerDesk-Hope-House-20260615-0850.pdbk.partial"
    stale.write_bytes(b"half, from a backup killed an hour ago")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    busy = usb / "PeerDesk-Hope-House-20260615-0855.pdbk.partial"
    writer = busy.open("w+b")  # another PeerDesk writing it right now holds its lock
    writer.write(b"being written by another PeerDesk right now")
    assert leftovers.try_lock(writer)
    made = []
    try:
        for _ in range(6):
            wall.advance(minutes=5)
            made.append(back_up(db, usb))
    finally:
        writer.close()
    kept = sorted(p.name for p in usb.iterdir())
    assert kept == sorted([theirs.name, junk.name, busy.name, *(r.path.name for r in made[-3:])])
    assert made[-1].removed == (made[-4].path,)


def test_the_last_verified_backup_is_never_deleted(
    db: Database, usb: Path, wall: Clock, today: dt.date
) -> None:
    with db.begin() as s:
        update_settings(s, ADMIN, SettingsChange(backups_to_keep=1))
    first = back_up(db, usb)
    wall.advance(minutes=5)
    second = back_up(db, usb)
    # Keep 1 would delete the first, but it was the last verified one when the second began.
    assert first.path.exists() and second.path.exists() and second.removed == ()
    wall.advance(minutes=5)
    third = back_up(db, usb)
    assert third.removed == (first.path,)
    assert sorted(usb.iterdir()) == sorted([second.path, third.path])


def test_every_backup_is_logged_with_an_audit_line(db: Database, usb: Path, wall: Clock) -> None:
    from sqlalchemy import select

    from peerdesk.core.models import AuditEvent

    result = back_up(db, usb)
    with db.read() as s:
        (record,) = s.execute(select(BackupRecord)).scalars()
        assert (record.kind, record.verified, record.username) == ("usb", True, "local")
        assert (
            record.location == str(result.path) and record.size_bytes == result.path.stat().st_size
        )
        assert record.message.startswith("Verified. A house with no name yet: 0 residents")
        line = s.execute(select(AuditEvent).where(AuditEvent.action == "backup")).scalar_one()
        assert line.entity_id == record.id and str(result.path) in line.summary
        last = last_verified_backup(s)
    assert last is not None and last.location == str(result.path) and last.at == START


def test_a_missing_stick_is_refused_and_logged(db: Database, tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError) as caught:
        back_up(db, tmp_path / "E-drive")
    assert str(caught.value) == (
        f"The folder {tmp_path / 'E-drive'} does not exist; plug in the USB drive or choose "
        "another folder."
    )
    with db.read() as s:
        assert last_verified_backup(s) is None
        from sqlalchemy import select

        (failed,) = s.execute(select(BackupRecord)).scalars()
    assert not failed.verified and failed.message == str(caught.value)


# --------------------------------------------------------------------------- Home tab


def add_record(db: Database, at: dt.datetime, *, kind: str = "usb", verified: bool = True) -> None:
    with db.begin() as s:
        s.add(
            BackupRecord(
                at=at, username="local", kind=kind, location="E:/x.pdbk", verified=verified
            )
        )


def test_the_home_tab_warns_when_the_usb_backup_is_old(db: Database) -> None:
    now = dt.datetime(2026, 6, 15, 12, 0)
    with db.read() as s:
        warning = backup.usb_backup_warning(s, now)
    assert warning is not None and warning.message.startswith("This house has never been backed up")
    add_record(db, now - dt.timedelta(days=30))
    add_record(db, now - dt.timedelta(days=2), kind="automatic")  # not on a USB drive
    add_record(db, now - dt.timedelta(days=1), verified=False)  # failed
    with db.read() as s:
        warning = backup.usb_backup_warning(s, now)
    assert warning is not None and warning.last_backup == now - dt.timedelta(days=30)
    assert warning.message.startswith("The last verified USB backup is 30 days old (")
    with db.begin() as s:
        update_settings(s, ADMIN, SettingsChange(backup_warning_days=45))
    with db.read() as s:
        assert backup.usb_backup_warning(s, now) is None
    add_record(db, now - dt.timedelta(days=6))
    with db.begin() as s:
        update_settings(s, ADMIN, SettingsChange(backup_warning_days=7))
    with db.read() as s:
        assert backup.usb_backup_warning(s, now) is None


# --------------------------------------------------------------------------- automatic


def test_automatic_backups_run_only_when_something_changed(
    db: Database, pc: Paths, wall: Clock, today: dt.date
) -> None:
    assert not backup.automatic_backup_due(db, on_exit=True)  # a new, untouched house
    assert backup.back_up_automatically(db, ADMIN, pc, on_exit=True) is None
    change_something(db)
    first = backup.back_up_automatically(db, ADMIN, pc, on_exit=True)
    assert first is not None and first.path.parent == pc.local_backup_dir
    assert first.info.kind == "automatic"
    # Its own log line and audit line are not a change.
    assert backup.back_up_automatically(db, ADMIN, pc, on_exit=True) is None
    change_something(db, 1)
    wall.advance(minutes=10)
    assert backup.back_up_automatically(db, ADMIN, pc) is None  # the timer: too soon
    assert backup.automatic_backup_due(db, on_exit=True)  # closing: yes
    wall.advance(minutes=20)
    second = backup.back_up_automatically(db, ADMIN, pc)  # 30 minutes on: yes
    assert second is not None and second.path != first.path


def test_signing_in_and_out_is_not_a_change_that_needs_a_backup(
    db: Database, pc: Paths, wall: Clock, today: dt.date
) -> None:
    """Every close after a sign-in used to write a full backup: the sign-in's own audit line
    counted as a change (issue 17)."""
    from peerdesk.core import accounts
    from peerdesk.core.services import users

    change_something(db)
    assert backup.back_up_automatically(db, ADMIN, pc, on_exit=True) is not None
    with db.begin() as s:
        users.create_user(s, ADMIN, "dana", "Dana Reyes", vocab.Role.ADMINISTRATOR,
                          "a long enough passphrase")  # fmt: skip
    assert backup.back_up_automatically(db, ADMIN, pc, on_exit=True) is not None  # a change
    with db.begin() as s:
        dana = users.sign_in(s, "dana", "a long enough passphrase").actor
        assert dana is not None
        users.sign_in(s, "dana", "a wrong passphrase, typed")  # a failed attempt is no change
        accounts.record_lock(s, dana, "Idle for 5 minutes")
        accounts.record_unlock(s, dana, dana)
        accounts.record_sign_out(s, dana)
    assert not backup.automatic_backup_due(db, on_exit=True)
    change_something(db, 1)
    assert backup.automatic_backup_due(db, on_exit=True)


def test_automatic_backups_are_thinned_by_age(
    db: Database, pc: Paths, wall: Clock, today: dt.date
) -> None:
    stamps = []
    for day in range(40):
        change_something(db, day)
        result = backup.back_up_automatically(db, ADMIN, pc, on_exit=True)
        assert result is not None
        stamps.append(result.info.created_at)
        wall.advance(days=1, hours=day % 3)
    left = {i.created_at for i in backup.list_backups(pc.local_backup_dir)}
    assert left == backup.backups_to_keep_by_age(stamps)
    assert max(stamps) in left and 12 < len(left) <= 12 + 10 + 9


def test_a_failed_automatic_backup_says_why_and_is_logged(
    db: Database, pc: Paths, today: dt.date
) -> None:
    change_something(db)
    pc.data_dir.joinpath("backups").write_text("a file where the folder should be")
    with pytest.raises(backup.BackupError, match="Could not make the backup folder"):
        backup.back_up_automatically(db, ADMIN, pc, on_exit=True)
    with db.read() as s:
        from sqlalchemy import select

        (failed,) = s.execute(select(BackupRecord)).scalars()
    assert failed.kind == "automatic" and not failed.verified


def test_thinning_keeps_the_newest_of_each_day_week_and_month() -> None:
    hourly = [START - dt.timedelta(hours=h) for h in range(24 * 400)]
    kept = backup.backups_to_keep_by_age(hourly)
    assert START in kept
    days = sorted({s.date() for s in kept}, reverse=True)
    assert days[:12] == [START.date() - dt.timedelta(days=d) for d in range(12)]
    for day in days[:12]:
        assert max(s for s in hourly if s.date() == day) in kept
    months = {(s.year, s.month) for s in kept}
    assert len(months) == 9
    assert len(kept) <= 12 + 10 + 9


stamps = st.lists(
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)), min_size=1, max_size=200
)


@given(stamps)
def test_thinning_properties(times: list[dt.datetime]) -> None:
    kept = backup.backups_to_keep_by_age(times)
    assert max(times) in kept
    assert kept <= set(times)
    assert len(kept) <= 12 + 10 + 9
    assert backup.backups_to_keep_by_age(kept) == kept  # thinning twice changes nothing
    recent_days = sorted({t.date() for t in times}, reverse=True)[:12]
    for day in recent_days:
        assert max(t for t in times if t.date() == day) in kept


# --------------------------------------------------------------------------- permissions


def test_who_may_back_up_restore_and_make_a_recovery_key(
    db: Database, usb: Path, pc: Paths, tmp_path: Path
) -> None:
    mentor = Actor("maya", vocab.Role.PEER_MENTOR)
    viewer = Actor("auditor", vocab.Role.VIEWER)
    with pytest.raises(PermissionDenied, match="may not seal a backup with a passphrase"):
        backup.back_up(db, mentor, usb, PASSPHRASE, kdf=CHEAP)
    backup.adopt_recovery_key(db, ADMIN, backup.new_recovery_sheet(db, ADMIN))
    result = backup.back_up(db, mentor, usb, None)  # the house's keys only
    with pytest.raises(PermissionDenied, match="may not back up the house"):
        backup.back_up(db, viewer, usb, PASSPHRASE, kdf=CHEAP)
    with pytest.raises(PermissionDenied, match="may not restore a backup"):
        backup.restore_backup(result.path, PASSPHRASE, pc, actor=mentor)
    with pytest.raises(PermissionDenied, match="may not change the house settings"):
        backup.new_recovery_sheet(db, mentor)


# --------------------------------------------------------------------------- the sheet


@pytest.fixture
def sheet(db: Database) -> backup.RecoverySheet:
    with db.begin() as s:
        name_house(s, ADMIN, "Maison Sainte-Thérèse")
        update_settings(s, ADMIN, SettingsChange(paper_size=vocab.PaperSize.A4))
    return backup.new_recovery_sheet(db, ADMIN)


def test_the_recovery_sheet_shows_the_key_and_the_steps(sheet: backup.RecoverySheet) -> None:
    out = io.BytesIO()
    render_recovery_sheet(out, sheet)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4, the house's paper
    text = " ".join(reader.pages[0].extract_text().split())
    for group in sheet.key_text.split("-"):
        assert group in text
    for words in (
        "Recovery key for Maison Sainte-Thérèse",
        f"Key ID {sheet.key_id}",
        "Restore a backup",
        "recovery key",
        "KEEP LOCKED AWAY",
        "page 1 of 1",
        "--recovery-key-file",
    ):
        assert words in text, words


def test_the_sheets_key_becomes_the_houses_only_when_adopted(
    db: Database, sheet: backup.RecoverySheet, usb: Path
) -> None:
    with db.read() as s:
        assert backup.recovery_key_info(s) is None
    assert back_up(db, usb).info.recovery_key_id is None
    info = backup.adopt_recovery_key(db, ADMIN, sheet)
    assert info.key_id == sheet.key_id and info.made_by == "local"
    with db.read() as s:
        known = backup.recovery_key_info(s)
    assert known == info
    assert back_up(db, usb).info.recovery_key_id == sheet.key_id
