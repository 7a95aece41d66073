"""When the drive fills up, turns read-only, vanishes, or the process is killed, the live
database keeps every committed row and passes its integrity check, and no unfinished file is
ever taken for a backup."""

from __future__ import annotations

import errno
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from sqlalchemy import text

from peerdesk.core import audit, backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import BackupRecord
from peerdesk.paths import Paths
from tests import figures
from tests.reliability.helpers import (
    PASSPHRASE,
    fingerprint,
    integrity,
    make_backup,
    table_rows,
)

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor.local_administrator()
LOGS = ("audit_events", "backup_log")
REAL_OPEN: Callable[[Path], BinaryIO] = backup._open_output


class FaultyFile:
    """A file whose ``fail_at``-th write raises ``error`` (0: never)."""

    writes = 0

    def __init__(self, real: BinaryIO, fail_at: int, error: int) -> None:
        self._real = real
        self._fail_at = fail_at
        self._error = error

    def write(self, data: bytes) -> int:
        FaultyFile.writes += 1
        if FaultyFile.writes == self._fail_at:
            raise OSError(self._error, os.strerror(self._error))
        return self._real.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def records(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """The house's records, without the two logs a failed backup may add a line to (nor the
    audit trail's head, which moves with every audit line)."""
    rows = {k: v for k, v in table_rows(path).items() if k not in LOGS}
    rows["preferences"] = [r for r in rows.get("preferences", []) if r[0] != audit.HEAD_KEY]
    return rows


def failures_logged(db: Database) -> list[BackupRecord]:
    from sqlalchemy import select

    with db.read() as s:
        return list(
            s.execute(select(BackupRecord).where(BackupRecord.verified.is_(False))).scalars()
        )


def inject(monkeypatch: pytest.MonkeyPatch, fail_at: int, error: int) -> None:
    FaultyFile.writes = 0

    def faulty_open(path: Path) -> BinaryIO:
        return FaultyFile(REAL_OPEN(path), fail_at, error)  # type: ignore[return-value]

    monkeypatch.setattr(backup, "_open_output", faulty_open)


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (errno.ENOSPC, "The drive is full; free some space or use another drive."),
        (errno.EIO, "The drive stopped answering; check that it is still plugged in."),
        (errno.EROFS, "The drive is read-only; use another drive or unlock it."),
    ],
)
@pytest.mark.tally("full, busy or vanishing drives answered")
def test_a_failure_at_each_write_leaves_nothing_and_says_why(
    db: Database, usb: Path, monkeypatch: pytest.MonkeyPatch, error: int, sentence: str
) -> None:
    # A small house in 16 KiB chunks: every write is still tried, there are just fewer.
    before = records(db.path)
    inject(monkeypatch, 0, error)
    make_backup(db, usb, chunk_size=16384).path.unlink()
    total = FaultyFile.writes
    assert total > 20  # the header, then every chunk of the house
    for fail_at in range(1, total + 1):
        inject(monkeypatch, fail_at, error)
        with pytest.raises(backup.BackupError) as caught:
            make_backup(db, usb, chunk_size=16384)
        message = str(caught.value)
        assert message.startswith("Could not write the backup ") and message.endswith(sentence)
        assert list(usb.iterdir()) == [], f"left behind after write {fail_at}"
    assert len(failures_logged(db)) == total
    assert records(db.path) == before and integrity(db.path) == "ok"


@pytest.mark.tally("full, busy or vanishing drives answered")
def test_a_read_only_drive_is_refused_before_anything_is_written(
    house: Database, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(path: Path) -> BinaryIO:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(backup, "_open_output", read_only)
    with pytest.raises(backup.BackupError, match="The drive is read-only"):
        make_backup(house, usb)
    assert list(usb.iterdir()) == []


@pytest.mark.parametrize("step", ["fsync", "replace", "folder fsync"])
@pytest.mark.tally("full, busy or vanishing drives answered")
def test_a_failed_sync_or_rename_keeps_no_file(
    house: Database, usb: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    def fail(*_args: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    if step == "fsync":
        monkeypatch.setattr(backup.os, "fsync", fail)
    elif step == "replace":
        monkeypatch.setattr(backup.os, "replace", fail)
    else:
        monkeypatch.setattr(backup, "fsync_directory", fail)
    with pytest.raises(backup.BackupError, match="The drive stopped answering"):
        make_backup(house, usb)
    assert list(usb.iterdir()) == []


@pytest.mark.tally("full, busy or vanishing drives answered")
def test_a_drive_that_vanishes_leaves_at_most_a_partial_that_is_never_a_backup(
    house: Database, usb: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    inject(monkeypatch, 40, errno.EIO)
    real_unlink = Path.unlink

    def gone(self: Path, missing_ok: bool = False) -> None:
        if self.name.endswith(".partial"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", gone)
    with pytest.raises(backup.BackupError, match="stopped answering"):
        make_backup(house, usb)
    monkeypatch.undo()
    (partial,) = usb.iterdir()
    assert partial.name.endswith(".pdbk.partial")
    assert backup.list_backups(usb) == []
    with pytest.raises(backup.NotABackup, match="is an unfinished backup"):
        backup.verify_backup(partial, PASSPHRASE, work_dir=tmp_path)


def test_a_backup_that_reads_back_wrong_is_not_kept(
    house: Database, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A failing stick (or one that lies about its size) returns other bytes than were written.
    real_read_back = backup._read_back

    def bad_stick(path: Path, *args: Any, **kwargs: Any) -> Any:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x10
        path.write_bytes(bytes(data))
        return real_read_back(path, *args, **kwargs)

    monkeypatch.setattr(backup, "_read_back", bad_stick)
    with pytest.raises(backup.BackupError) as caught:
        make_backup(house, usb)
    assert "did not read back correctly, so it was not kept" in str(caught.value)
    assert list(usb.iterdir()) == []
    (failure,) = failures_logged(house)
    assert failure.kind == "usb" and "did not read back" in failure.message


def test_cancel_during_a_backup_leaves_nothing(house: Database, usb: Path) -> None:
    seen: list[float] = []
    with pytest.raises(backup.BackupCancelled, match="nothing was written"):
        make_backup(house, usb, progress=seen.append, cancelled=lambda: len(seen) > 20)
    assert list(usb.iterdir()) == [] and failures_logged(house) == []
    assert seen == sorted(seen) and 0 < seen[-1] < 1


def test_progress_runs_from_zero_to_one(house: Database, usb: Path) -> None:
    seen: list[float] = []
    make_backup(house, usb, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 10


# --------------------------------------------------------------------------- restore faults


@pytest.fixture
def good_backup(house: Database, usb: Path, demo_template: Path) -> Path:
    """A backup of the demo house; the live database is then given different records."""
    result = make_backup(house, usb)
    with house.begin() as s:
        from tests import factories

        factories.resident(s, ADMIN, first="Only", last="OnThisPC")
    house.close()
    return result.path


def assert_untouched(paths: Paths, before_records: dict[str, list[tuple[object, ...]]]) -> None:
    assert records(paths.db) == before_records
    assert integrity(paths.db) == "ok"
    assert not list(paths.db.parent.glob(".peerdesk-work-*"))
    # The safety backup is made while the backup is checked; a restore that did not happen
    # leaves none behind.
    assert not list(paths.local_backup_dir.glob("*before-restore*"))


@pytest.mark.tally("full, busy or vanishing drives answered")
def test_a_full_disk_while_unpacking_leaves_the_pc_as_it_was(
    good_backup: Path, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = records(paths.db)
    live = fingerprint(paths.db)

    real_init = backup._ImageWriter.__init__

    def filling_up(self: Any, path: Path) -> None:
        real_init(self, path)
        self._file = FaultyFile(self._file, 3, errno.ENOSPC)

    FaultyFile.writes = 0
    monkeypatch.setattr(backup._ImageWriter, "__init__", filling_up)
    with pytest.raises(
        backup.BackupError, match=r"^This PC's drive is full: there is no room in .* to unpack"
    ):
        backup.restore_backup(good_backup, PASSPHRASE, paths, actor=ADMIN)
    assert fingerprint(paths.db) == live
    assert_untouched(paths, before)


def test_a_failed_swap_leaves_the_pc_as_it_was(
    good_backup: Path, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = records(paths.db)

    def fail(*_args: object) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(backup.os, "replace", fail)
    with pytest.raises(backup.BackupError, match="not allowed to write there"):
        backup.restore_backup(good_backup, PASSPHRASE, paths, actor=ADMIN)
    assert_untouched(paths, before)


def test_a_database_still_open_elsewhere_is_not_replaced(
    good_backup: Path, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "_SWAP_BUSY_SECONDS", 0.05)
    before = records(paths.db)
    window = Database.open(paths.db)  # a window that forgot to close its database
    try:
        with window.read() as s:
            s.execute(text("SELECT 1")).all()
        with pytest.raises(backup.DatabaseInUse, match="is still open in PeerDesk"):
            backup.restore_backup(good_backup, PASSPHRASE, paths, actor=ADMIN)
    finally:
        window.close()
    assert_untouched(paths, before)


def test_saying_no_or_cancelling_leaves_the_pc_as_it_was(good_backup: Path, paths: Paths) -> None:
    before = records(paths.db)
    live = fingerprint(paths.db)
    shown: list[backup.RestorePreview] = []

    def say_no(preview: backup.RestorePreview) -> bool:
        shown.append(preview)
        return False

    with pytest.raises(backup.RestoreDeclined, match="Nothing was restored"):
        backup.restore_backup(good_backup, PASSPHRASE, paths, actor=ADMIN, confirm=say_no)
    (preview,) = shown
    assert preview.current is not None
    assert preview.current.residents == preview.backup.summary.residents + 1
    ticks: list[float] = []
    with pytest.raises(backup.BackupCancelled, match="are as they were"):
        backup.restore_backup(
            good_backup,
            PASSPHRASE,
            paths,
            actor=ADMIN,
            progress=ticks.append,
            cancelled=lambda: len(ticks) > 30,
        )
    assert fingerprint(paths.db) == live
    assert_untouched(paths, before)


def restored_elsewhere(safety_copy: Path, paths: Paths, tmp_path: Path) -> Path:
    """Restore a safety copy (sealed with this PC's key) into a folder of its own; its file."""
    local = backup.LocalKey.load(backup.local_key_path(paths))
    assert local is not None
    other = tmp_path / "check"
    other.mkdir()
    checked = Paths(other / "peerdesk.sqlite3", other, other / "config", other / "logs")
    backup.restore_backup(safety_copy, local, checked, actor=ADMIN)
    return checked.db


def _index_out_of_step(demo_template: Path, folder: Path) -> Path:
    """A house whose last-name index no longer matches its table: damage only SQLite's whole
    integrity check finds (its quick check does not compare indexes with their tables)."""
    damaged = folder / "damaged.sqlite3"
    shutil.copyfile(demo_template, damaged)
    c = sqlite3.connect(damaged, isolation_level=None)
    try:
        c.execute("PRAGMA writable_schema = ON")
        c.execute(
            "UPDATE sqlite_master SET sql = replace(sql, '(last_name)', '(first_name)') "
            "WHERE name = 'ix_residents_last_name'"
        )
    finally:
        c.close()
    return damaged


def test_a_damaged_house_is_not_backed_up_and_says_so(
    demo_template: Path, usb: Path, tmp_path: Path
) -> None:
    db = Database.open(_index_out_of_step(demo_template, tmp_path))
    try:
        with pytest.raises(backup.BackupError, match="records on this PC are damaged"):
            make_backup(db, usb)
    finally:
        db.close()
    assert list(usb.iterdir()) == []


def test_an_older_backup_of_damaged_records_gets_the_whole_check_and_is_refused(
    demo_template: Path, usb: Path, paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup from before the header recorded the whole check (made here by leaving the
    check and its mark out) is checked whole when restored: the damage is found."""
    from peerdesk.core.backup import writing

    before = records(paths.db)
    db = Database.open(_index_out_of_step(demo_template, tmp_path))
    with monkeypatch.context() as m:
        m.setattr(writing, "_check_snapshot", lambda image, progress: True)
        m.setattr(writing, "WHOLE", "")
        try:
            made = make_backup(db, usb)
        finally:
            db.close()
    with pytest.raises(backup.BackupError, match="are damaged"):
        backup.restore_backup(made.path, PASSPHRASE, paths, actor=ADMIN)
    assert_untouched(paths, before)


def test_a_backup_checked_whole_when_made_is_restored_with_the_quick_checks(
    demo_template: Path, usb: Path, paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerdesk.core.backup import image_checks, verifying, writing

    runs: list[tuple[str, bool]] = []

    def spy(where: str) -> Callable[..., image_checks.ImageProblems]:
        def checked(c: sqlite3.Connection, *, whole: bool, progress: Any) -> Any:
            runs.append((where, whole))
            return image_checks.check_image(c, whole=whole, progress=progress)

        return checked

    monkeypatch.setattr(writing, "check_image", spy("made"))
    monkeypatch.setattr(verifying, "check_image", spy("opened"))
    copy = tmp_path / "house.sqlite3"
    shutil.copyfile(demo_template, copy)
    db = Database.open(copy)
    try:
        made = make_backup(db, usb)
    finally:
        db.close()
    assert backup.read_backup_info(made.path).image_checked == "integrity"
    result = backup.restore_backup(made.path, PASSPHRASE, paths, actor=ADMIN)
    assert runs[0] == ("made", True)
    assert ("opened", False) in runs and ("opened", True) not in runs
    # The safety copy of the house it replaced is made in a hurry, without the whole check,
    # and says so: restoring it would run the whole check.
    assert result.safety_copy is not None
    assert backup.read_backup_info(result.safety_copy).image_checked == ""
    assert runs.count(("made", True)) == 1


def test_records_changed_while_the_question_is_open_are_in_the_safety_copy(
    good_backup: Path, paths: Paths, tmp_path: Path
) -> None:
    def add_one_first(_preview: backup.RestorePreview) -> bool:
        # The safety backup is already made by now; this change must still be kept.
        db = Database.open(paths.db)
        try:
            with db.begin() as s:
                from tests import factories

                factories.resident(s, ADMIN, first="Added", last="WhileAsking")
        finally:
            db.close()
        return True

    result = backup.restore_backup(
        good_backup, PASSPHRASE, paths, actor=ADMIN, confirm=add_one_first
    )
    assert result.safety_copy is not None
    assert [p.name for p in paths.local_backup_dir.glob("*before-restore*")] == [
        result.safety_copy.name
    ]
    checked = restored_elsewhere(result.safety_copy, paths, tmp_path)
    names = {(row[1], row[2]) for row in table_rows(checked)["residents"]}
    assert {("Added", "WhileAsking"), ("Only", "OnThisPC")} <= names


def test_a_stale_wal_is_folded_into_the_safety_copy_and_never_replayed(
    good_backup: Path, paths: Paths, tmp_path: Path
) -> None:
    # A PeerDesk that died with rows still in its WAL: they are committed records.
    script = (
        "import sqlite3, os, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "for n in range(50):\n"
        "    c.execute(\"INSERT INTO preferences VALUES (?, 'in the wal')\", (f'stale-{n}',))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(paths.db)], check=True)
    assert Path(str(paths.db) + "-wal").stat().st_size > 0
    result = backup.restore_backup(good_backup, PASSPHRASE, paths, actor=ADMIN)
    restored = table_rows(paths.db)
    assert not [row for row in restored["preferences"] if str(row[0]).startswith("stale-")]
    assert integrity(paths.db) == "ok"
    # The rows from the old WAL are in the safety copy, not lost.
    assert result.safety_copy is not None
    checked = restored_elsewhere(result.safety_copy, paths, tmp_path)
    kept = [row for row in table_rows(checked)["preferences"] if str(row[0]).startswith("stale-")]
    assert len(kept) == 50


def test_an_unreadable_database_is_kept_as_it_was_and_replaced(
    good_backup: Path, paths: Paths
) -> None:
    paths.db.write_bytes(b"\x00garbage where a database used to be" * 100)
    garbage = paths.db.read_bytes()
    result = backup.restore_backup(good_backup, PASSPHRASE, paths, actor=ADMIN)
    assert result.replaced is None
    assert result.safety_copy is not None and result.safety_copy.read_bytes() == garbage
    assert integrity(paths.db) == "ok"


# --------------------------------------------------------------------------- killed


def _child(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.kill_child", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when(child: subprocess.Popen[str], delay: float) -> tuple[list[str], bool]:
    assert child.stdout is not None
    first = child.stdout.readline().strip()
    assert first == "ready", (first, child.stderr.read() if child.stderr else "")
    time.sleep(delay)
    child.kill()
    out, _ = child.communicate(timeout=60)
    lines = [first, *out.splitlines()]
    return lines, "done" in lines


def killed_backups(house_path: Path, usb: Path, tmp_path: Path, runs: int, seed: int) -> None:
    rng = random.Random(seed)
    finished = 0
    for run in range(runs):
        lines, done = _kill_when(_child("backup", house_path, usb), rng.uniform(0.0, 1.2))
        finished += done
        figures.tally("backups and restores killed, nothing lost")
        committed = [int(line.split()[1]) for line in lines if line.startswith("committed ")]
        assert integrity(house_path) == "ok", run
        present = {
            str(row[0])
            for row in table_rows(house_path)["preferences"]
            if str(row[0]).startswith("kill-test-")
        }
        assert {f"kill-test-{n}" for n in committed} <= present, run
        for file in usb.iterdir():
            if file.name.endswith(".partial"):
                with pytest.raises(backup.NotABackup):
                    backup.verify_backup(file, PASSPHRASE, work_dir=tmp_path)
            else:  # a renamed file was synced first: it is whole
                backup.verify_backup(file, PASSPHRASE, work_dir=tmp_path)
            file.unlink()
        # The rows the dead process wrote stay; clear them so the next run counts afresh.
        connection = sqlite3.connect(house_path)
        connection.execute("DELETE FROM preferences WHERE key LIKE 'kill-test-%'")
        connection.commit()
        connection.close()
    assert finished < runs, "no run was killed before it finished"
    # What a killed run left in the database folder is swept by the next one.
    db = Database.open(house_path)
    try:
        make_backup(db, usb)
    finally:
        db.close()
    assert not list(house_path.parent.glob(".peerdesk-work-*"))


def killed_restores(good_backup: Path, paths: Paths, runs: int, seed: int) -> None:
    rng = random.Random(seed)
    pristine = paths.db.with_name("pristine.sqlite3")
    shutil.copyfile(paths.db, pristine)
    old = records(paths.db)
    new_residents = backup.read_backup_info(good_backup).row_counts["residents"]
    assert len(old["residents"]) != new_residents
    finished = 0
    for run in range(runs):
        _, done = _kill_when(_child("restore", paths.db, good_backup), rng.uniform(0.0, 1.0))
        finished += done
        figures.tally("backups and restores killed, nothing lost")
        assert integrity(paths.db) == "ok", run
        now = records(paths.db)
        assert now == old or len(now["residents"]) == new_residents, run
        # Put the old house back for the next run.
        for suffix in ("-wal", "-shm"):
            Path(str(paths.db) + suffix).unlink(missing_ok=True)
        shutil.copyfile(pristine, paths.db)
    assert finished < runs, "no run was killed before it finished"
    # The next restore sweeps whatever the dead ones left in the database folder.
    backup.restore_backup(good_backup, PASSPHRASE, paths, actor=ADMIN)
    assert not list(paths.db.parent.glob(".peerdesk-work-*"))


def test_a_backup_killed_at_random_moments_harms_nothing(
    house_path: Path, usb: Path, tmp_path: Path
) -> None:
    killed_backups(house_path, usb, tmp_path, runs=3, seed=1)


def test_a_restore_killed_at_random_moments_leaves_one_whole_house(
    good_backup: Path, paths: Paths
) -> None:
    killed_restores(good_backup, paths, runs=3, seed=2)


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_restore_that_dies_at_the_swap_leaves_one_whole_house(
    good_backup: Path, paths: Paths, moment: str
) -> None:
    old = records(paths.db)
    wanted = backup.read_backup_info(good_backup).row_counts["residents"]
    child = _child(f"restore-dies-{moment}-swap", paths.db, good_backup)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 9 and "done" not in out, err
    figures.tally("backups and restores killed, nothing lost")
    assert integrity(paths.db) == "ok"
    now = records(paths.db)
    if moment == "before":
        assert now == old
    else:
        assert len(now["residents"]) == wanted and now != old
    db = Database.open(paths.db)  # and PeerDesk opens it as usual
    db.close()


@pytest.mark.slow
def test_many_killed_backups_and_restores(
    house_path: Path, usb: Path, tmp_path: Path, template_db: Path
) -> None:
    killed_backups(house_path, usb, tmp_path, runs=25, seed=11)
    db = Database.open(house_path)
    try:
        good = make_backup(db, usb).path
    finally:
        db.close()
    pc = tmp_path / "pc2"
    pc.mkdir()
    target = pc / "peerdesk.sqlite3"
    target.write_bytes(template_db.read_bytes())  # another house: an empty one
    killed_restores(good, Paths(target, pc, pc / "config", pc / "logs"), runs=25, seed=12)
