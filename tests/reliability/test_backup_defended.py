"""Backups no role can turn against the house, and backups and restores that tell the truth.

- Only an administrator seals a backup with a passphrase of their own (they may read
  everything anyway); anyone else's backup opens only with the house's recovery key, so no
  one takes home what they may not read in the window.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from peerdesk import cli
from peerdesk.core import backup, leftovers, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import BackupError, PermissionDenied
from peerdesk.core.house_identity import read_house_id, shown
from peerdesk.core.models import AuditEvent
from peerdesk.core.services.settings import SettingsChange, name_house, update_settings
from peerdesk.paths import Paths
from tests import factories
from tests.reliability.helpers import CHEAP_KDF, PASSPHRASE, SMALL_CHUNK

ADMIN = Actor.local_administrator()


@pytest.fixture
def people(house: Database) -> dict[vocab.Role, Actor]:
    """Real accounts (the audit trail names them) for each role."""
    with house.begin() as s:
        boss = factories.account(s, ADMIN, "boss", vocab.Role.ADMINISTRATOR)
        return {
            vocab.Role.ADMINISTRATOR: boss,
            vocab.Role.SUPERVISOR: factories.account(s, boss, "sam", vocab.Role.SUPERVISOR),
            vocab.Role.PEER_MENTOR: factories.account(s, boss, "maya", vocab.Role.PEER_MENTOR),
        }


OTHERS = [vocab.Role.PEER_MENTOR, vocab.Role.SUPERVISOR]


def adopt_recovery_key(db: Database) -> backup.RecoveryKey:
    sheet = backup.new_recovery_sheet(db, ADMIN)
    backup.adopt_recovery_key(db, ADMIN, sheet)
    return sheet.key


@pytest.mark.parametrize("role", OTHERS)
def test_only_an_administrator_seals_a_backup_with_a_passphrase_of_their_own(
    house: Database, usb: Path, people: dict[vocab.Role, Actor], role: vocab.Role
) -> None:
    who, boss = people[role], people[vocab.Role.ADMINISTRATOR]
    adopt_recovery_key(house)
    with pytest.raises(PermissionDenied, match="may not seal a backup with a passphrase of your"):
        backup.back_up(house, who, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    assert not list(usb.iterdir()), "nothing was written"
    with house.read() as s:
        denied = s.execute(select(AuditEvent).where(AuditEvent.action == "denied")).scalars()
        assert any("passphrase of your own" in e.summary for e in denied), "the refusal is audited"
    made = backup.back_up(house, boss, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    assert backup.verify_backup(made.path, PASSPHRASE).summary.residents > 0


@pytest.mark.parametrize("role", OTHERS)
def test_anyone_elses_backup_opens_only_with_the_house_keys(
    house: Database, usb: Path, paths: Paths, people: dict[vocab.Role, Actor], role: vocab.Role
) -> None:
    who = people[role]
    key = adopt_recovery_key(house)
    local = backup.LocalKey.load_or_create(backup.local_key_path(paths))
    made = backup.back_up(house, who, usb, None, chunk_size=SMALL_CHUNK)
    assert backup.verify_backup(made.path, key).summary.residents > 0
    with pytest.raises(BackupError, match="no passphrase"):
        backup.verify_backup(made.path, PASSPHRASE)
    # Not even this PC's key: on a shared Windows account its file could go home too.
    with pytest.raises(BackupError):
        backup.verify_backup(made.path, local)


def test_without_a_recovery_key_only_an_administrator_can_back_up(
    house: Database, usb: Path, people: dict[vocab.Role, Actor]
) -> None:
    mentor = people[vocab.Role.PEER_MENTOR]
    with pytest.raises(BackupError, match="no recovery key yet") as refused:
        backup.back_up(house, mentor, usb, None, chunk_size=SMALL_CHUNK)
    assert "ask an administrator" in str(refused.value)
    assert not list(usb.iterdir())


# --------------------------------------------------------------------------- a full drive


@pytest.fixture
def small_drive(tmp_path: Path) -> Iterator[Path]:
    """A real 6 MB drive (tmpfs) for this PC's records; skipped where it cannot be mounted."""
    mount = tmp_path / "pc-drive"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("a small drive cannot be mounted here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(drive: Path, leave: int) -> None:
    """Fill ``drive`` until only ``leave`` bytes are free."""
    free = shutil.disk_usage(drive).free
    with (drive / "filler.bin").open("wb") as out:
        out.write(b"\0" * max(0, free - leave))


@pytest.mark.tally("full, busy or vanishing drives answered")
def test_a_full_pc_drive_is_named_when_backing_up(
    small_drive: Path, demo_template: Path, usb: Path, today: object
) -> None:
    house = small_drive / "peerdesk.sqlite3"
    shutil.copyfile(demo_template, house)
    fill(small_drive, leave=house.stat().st_size // 3)
    db = Database.open(house)
    try:
        with pytest.raises(BackupError) as failed:
            backup.back_up(db, ADMIN, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    finally:
        db.close()
    message = str(failed.value)
    assert "full" in message and str(small_drive) in message, message
    assert "could not be read" not in message
    assert not list(usb.rglob("*.pdbk*")) and not list(small_drive.glob(".peerdesk-work-*"))


@pytest.mark.parametrize("room", [0.3, 1.2, 3.0])
@pytest.mark.tally("full, busy or vanishing drives answered")
def test_a_full_pc_drive_is_named_when_restoring_not_the_backup(
    small_drive: Path, demo_template: Path, usb: Path, tmp_path: Path, today: object, room: float
) -> None:
    """``room``: free space left on the PC's drive, in database sizes: the unpacked image,
    the safety backup and the restored house each need about one, so each step in turn is
    the one that finds the drive full (with four, the restore goes through)."""
    source = Database.open(shutil.copyfile(demo_template, tmp_path / "source.sqlite3"))
    try:
        made = backup.back_up(source, ADMIN, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    finally:
        source.close()
    house = small_drive / "peerdesk.sqlite3"
    shutil.copyfile(demo_template, house)
    before = house.read_bytes()
    fill(small_drive, leave=int(house.stat().st_size * room))
    pc = Paths(db=house, data_dir=small_drive, config_dir=tmp_path / "config", log_dir=tmp_path)
    with pytest.raises(BackupError) as failed:
        backup.restore_backup(made.path, PASSPHRASE, pc, actor=ADMIN)
    message = str(failed.value)
    assert "full" in message and str(small_drive) in message, message
    assert str(usb) not in message, "the USB backup is not to blame"
    assert house.read_bytes() == before
    assert not list(small_drive.glob(".peerdesk-work-*"))


# --------------------------------------------------------------------------- a busy log


@contextlib.contextmanager
def another_writer_once_written(
    house_path: Path, monkeypatch: pytest.MonkeyPatch, *, lets_go_after: float | None
) -> Iterator[None]:
    """Another program takes the write lock as soon as the backup file is read back (so only
    the log line waits), and lets go after ``lets_go_after`` seconds, or never."""
    from peerdesk.core import db as db_module

    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 100)
    blocker = sqlite3.connect(house_path, isolation_level=None, check_same_thread=False)
    original = backup.writing._read_back

    def read_back_then_lock(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)
        blocker.execute("BEGIN IMMEDIATE")
        if lets_go_after is not None:
            threading.Timer(lets_go_after, lambda: blocker.execute("COMMIT")).start()
        return result

    monkeypatch.setattr(backup, "_read_back", read_back_then_lock)
    try:
        yield
    finally:
        blocker.close()


@pytest.mark.tally("full, busy or vanishing drives answered")
def test_a_verified_backup_is_never_reported_as_failed_because_its_log_line_waited(
    house_path: Path, usb: Path, monkeypatch: pytest.MonkeyPatch, today: object
) -> None:
    """Another program holds the write lock past every wait: the file is written and
    verified, so the backup succeeds, and says its log line is missing."""
    from peerdesk.core.backup import log as backup_log

    monkeypatch.setattr(backup_log, "LOG_PATIENCE_SECONDS", 0.5)
    with another_writer_once_written(house_path, monkeypatch, lets_go_after=None):
        house = Database.open(house_path)
        try:
            made = backup.back_up(house, ADMIN, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=4096)
        finally:
            house.close()
    assert made.verified and made.path.exists()
    assert "The backup is good, but the database was too busy to record it" in made.note
    assert backup.verify_backup(made.path, PASSPHRASE).info.path == made.path


def test_a_backup_whose_log_line_waits_a_little_is_logged(
    house_path: Path, usb: Path, monkeypatch: pytest.MonkeyPatch, today: object
) -> None:
    with another_writer_once_written(house_path, monkeypatch, lets_go_after=1.0):
        house = Database.open(house_path)
        try:
            made = backup.back_up(house, ADMIN, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=4096)
            with house.read() as s:
                logged = s.scalars(select(AuditEvent.summary).where(AuditEvent.action == "backup"))
                assert any(str(made.path) in line for line in logged)
        finally:
            house.close()
    assert made.note == ""


# --------------------------------------------------------------------------- another house


@pytest.fixture
def another_house(tmp_path: Path, today: object) -> Path:
    """A house made apart from the demo one (its own identity), with records of its own."""
    folder = tmp_path / "hope-street"
    folder.mkdir()
    db = Database.open(folder / "peerdesk.sqlite3")
    try:
        with db.begin() as s:
            name_house(s, ADMIN, "Riverbend Recovery House (demo)")  # even the same name
            factories.resident(s, ADMIN, "Aisha", "Brown")
    finally:
        db.close()
    return folder / "peerdesk.sqlite3"


def test_a_backup_of_another_house_is_restored_only_when_someone_says_so(
    house: Database, usb: Path, another_house: Path, tmp_path: Path
) -> None:
    made = backup.back_up(house, ADMIN, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    pc = Paths(db=another_house, data_dir=another_house.parent, config_dir=tmp_path / "c",
               log_dir=tmp_path)  # fmt: skip
    before = another_house.read_bytes()
    with pytest.raises(backup.RestoreDeclined) as declined:
        backup.restore_backup(made.path, PASSPHRASE, pc, actor=ADMIN)  # "--yes" alone
    sentence = str(declined.value)
    assert sentence.startswith("This backup is of another house: Riverbend Recovery House")
    assert "(house ID " in sentence and "--replace-house" in sentence
    assert another_house.read_bytes() == before
    assert not list((another_house.parent / "backups").glob("*")), "no safety copy left"

    seen: list[bool] = []
    backup.restore_backup(
        made.path, PASSPHRASE, pc, actor=ADMIN, confirm=lambda p: seen.append(p.other_house) or True
    )
    assert seen == [True], "the question knew it was another house"


def test_the_same_house_renamed_is_restored_with_yes_alone(
    house: Database, usb: Path, paths: Paths
) -> None:
    made = backup.back_up(house, ADMIN, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    with house.begin() as s:
        name_house(s, ADMIN, "Hope Street House")
    house.close()
    restored = backup.restore_backup(made.path, PASSPHRASE, paths, actor=ADMIN)
    assert restored.replaced is not None and restored.replaced.house_name == "Hope Street House"
    assert restored.replaced.house_id == restored.restored.house_id != ""


def test_every_new_house_has_an_identity_of_its_own(tmp_path: Path) -> None:
    identities = set()
    for n in range(3):  # made within the same second
        (tmp_path / str(n)).mkdir()
        db = Database.open(tmp_path / str(n) / "peerdesk.sqlite3")
        with db.read() as s:
            identities.add(read_house_id(s))
        db.close()
    assert len(identities) == 3 and all(len(i) == 16 for i in identities)
    assert shown("3f2a9c1b77d012ab") == "3F2A-9C1B-77D0-12AB"


def test_a_house_from_before_identities_keeps_the_one_its_backups_carry(
    house: Database, house_path: Path
) -> None:
    """Backups made before 0003 carried an identity drawn from when the house's settings
    were made; an upgraded house keeps exactly that one."""
    from alembic import command
    from sqlalchemy import create_engine

    from peerdesk.core import db as dbmod

    house.close()
    engine = create_engine(f"sqlite:///{house_path}")
    with engine.begin() as connection:
        command.downgrade(dbmod._alembic_config(connection), "0002_sessions_in_use")
        connection.exec_driver_sql("DELETE FROM preferences WHERE key = 'house.id'")
    engine.dispose()
    created = (
        sqlite3.connect(house_path).execute("SELECT created_at FROM house_settings").fetchone()
    )
    upgraded = Database.open(house_path)
    try:
        with upgraded.read() as s:
            identity = read_house_id(s)
    finally:
        upgraded.close()
    assert identity == hashlib.sha256(f"PeerDesk house|{created[0]}".encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- what is left


def test_what_a_killed_backup_or_restore_left_is_removed_at_the_next_start(
    house_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pc = house_path.parent
    backups = pc / "backups"
    backups.mkdir()
    killed_backup = backups / "PeerDesk-Riverbend-20261207-1830.pdbk.partial"
    killed_backup.write_bytes(b"half a backup")
    two_minutes_ago = time.time() - 120  # killed, then PeerDesk started again
    os.utime(killed_backup, (two_minutes_ago, two_minutes_ago))
    killed_restore = pc / ".peerdesk-work-abc123"
    killed_restore.mkdir()
    (killed_restore / "in-use.lock").write_bytes(b"\0")
    (killed_restore / "image.sqlite3").write_bytes(house_path.read_bytes())  # records, in clear
    being_written = backups / "PeerDesk-Riverbend-20261207-1831.pdbk.partial"
    writer = being_written.open("w+b")
    assert leftovers.try_lock(writer), "another PeerDesk writing a backup right now"
    try:
        assert cli.main(["--data-dir", str(pc), "check"]) == 0
    finally:
        writer.close()
    capsys.readouterr()
    assert not killed_backup.exists() and not killed_restore.exists()
    assert being_written.exists(), "a backup still being written is not a leftover"


def test_safety_copies_are_kept_to_the_house_number_of_backups(
    house: Database, usb: Path, paths: Paths
) -> None:
    with house.begin() as s:
        update_settings(s, ADMIN, SettingsChange(backups_to_keep=3))
    made = backup.back_up(house, ADMIN, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    house.close()
    for _ in range(5):
        backup.restore_backup(made.path, PASSPHRASE, paths, actor=ADMIN)
    safety = sorted(paths.local_backup_dir.glob("*-before-restore*.pdbk"))
    assert len(safety) == 3, [p.name for p in safety]
