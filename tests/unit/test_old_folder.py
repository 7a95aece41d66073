"""A Windows house kept by PeerDesk 0.1.0 in %LOCALAPPDATA%\\PeerDesk\\PeerDesk moves up one
folder at the first start of a newer PeerDesk, with nothing lost on the way."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import platformdirs
import platformdirs.windows
import pytest
from sqlalchemy import func, select

from peerdesk import cli, old_folder
from peerdesk.core import models
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.paths import DB_FILENAME, default_paths
from tests import factories as f


@pytest.fixture
def local_appdata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs as on Windows, with %LOCALAPPDATA% in a temporary folder, and no
    PEERDESK_HOME (the default folders are what a house on Windows gets)."""
    folder = tmp_path / "AppData" / "Local"
    folder.mkdir(parents=True)
    monkeypatch.delenv("PEERDESK_HOME")
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda _name: str(folder))
    return folder


def test_on_windows_the_records_are_in_localappdata_peerdesk(local_appdata: Path) -> None:
    paths = default_paths()
    assert paths.db == local_appdata / "PeerDesk" / "peerdesk.sqlite3"
    assert paths.config_dir == local_appdata / "PeerDesk"
    assert paths.log_dir == local_appdata / "PeerDesk" / "Logs"


def _old_house(local_appdata: Path, template_db: Path, residents: int = 3) -> Path:
    """A house as PeerDesk 0.1.0 left it: the last residents only in the write-ahead log,
    with automatic backups, their key, the settings and the log beside the database."""
    old = local_appdata / "PeerDesk" / "PeerDesk"
    old.mkdir(parents=True)
    scratch = local_appdata / "scratch"
    scratch.mkdir()
    shutil.copyfile(template_db, scratch / DB_FILENAME)
    database = Database.open(scratch / DB_FILENAME)
    with database.begin() as s:
        f.resident(s, Actor.local_administrator(), "Aisha", "Brown", intake=dt.date(2026, 1, 5))
    raw = sqlite3.connect(scratch / DB_FILENAME, isolation_level=None)
    raw.execute("PRAGMA wal_autocheckpoint=0")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with database.begin() as s:
        for number in range(1, residents):
            f.resident(s, Actor.local_administrator(), f"Later{number}", "Resident")
    # Copy while the log still holds the later residents (nobody is writing now).
    for name in (DB_FILENAME, DB_FILENAME + "-wal"):
        shutil.copyfile(scratch / name, old / name)
    raw.close()
    database.close()
    assert (old / (DB_FILENAME + "-wal")).stat().st_size > 0
    (old / "backups").mkdir()
    (old / "backups" / "PeerDesk-House-20261201-1800.pdbk").write_bytes(b"a backup")
    (old / "local-backup.key").write_text("the key of the automatic backups")
    (old / "peerdesk.ini").write_text("[window]\ngeometry=1\n")
    (old / "Logs").mkdir()
    (old / "Logs" / "peerdesk.log").write_text("an old line\n")
    return old


def _residents(db: Path) -> int:
    database = Database.open(db)
    try:
        with database.read() as s:
            return s.scalar(select(func.count()).select_from(models.Resident)) or 0
    finally:
        database.close()


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_first_start_moves_everything_up_and_loses_nothing(
    local_appdata: Path, template_db: Path
) -> None:
    old = _old_house(local_appdata, template_db)
    others = {k: v for k, v in _digest(old).items() if not k.startswith(DB_FILENAME)}
    paths = default_paths()

    result = old_folder.settle_default_folder(paths, platform="win32")

    assert result.moved and result.paths == paths
    assert not old.exists(), "the old folder is gone once empty"
    assert _residents(paths.db) == 3, "the residents only in the write-ahead log came along"
    new = paths.data_dir
    assert {k: v for k, v in _digest(new).items() if not k.startswith(DB_FILENAME)} == others
    assert "Moved the house's records from" in result.detail

    again = old_folder.settle_default_folder(paths, platform="win32")
    assert not again.moved and again.detail == "", "the next start has nothing to do"


def test_a_house_open_elsewhere_stays_where_it_is_for_now(
    local_appdata: Path, template_db: Path
) -> None:
    old = _old_house(local_appdata, template_db)
    before = _digest(old)
    reader = sqlite3.connect(old / DB_FILENAME, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM residents").fetchone()  # an older window reading
    try:
        result = old_folder.settle_default_folder(default_paths(), platform="win32")
    finally:
        reader.close()

    assert not result.moved
    assert result.paths.db == old / DB_FILENAME, "this run opens the house where it is"
    assert result.paths.config_dir == old and result.paths.log_dir == old / "Logs"
    assert "is open in another PeerDesk window" in result.detail
    assert _digest(old).keys() >= before.keys() - {DB_FILENAME + "-wal"}
    assert not (local_appdata / "PeerDesk" / DB_FILENAME).exists()
    assert _residents(old / DB_FILENAME) == 3

    later = old_folder.settle_default_folder(default_paths(), platform="win32")
    assert later.moved, "the next start moves it"
    assert _residents(later.paths.db) == 3


def test_a_window_lock_left_by_a_crash_does_not_keep_the_house_back(
    local_appdata: Path, template_db: Path
) -> None:
    old = _old_house(local_appdata, template_db)
    (old / (DB_FILENAME + ".lock")).write_text("4242\nPeerDesk\nPC\n")
    result = old_folder.settle_default_folder(default_paths(), platform="win32")
    assert result.moved and not old.exists()


def test_two_houses_are_never_merged(local_appdata: Path, template_db: Path) -> None:
    old = _old_house(local_appdata, template_db)
    paths = default_paths()
    shutil.copyfile(template_db, paths.db)
    before = _digest(old)

    result = old_folder.settle_default_folder(paths, platform="win32")

    assert not result.moved and result.paths == paths
    assert _digest(old) == before, "the old house is left exactly as it was"
    assert "Two databases" in result.detail


def test_a_file_already_in_the_new_place_is_not_overwritten(
    local_appdata: Path, template_db: Path
) -> None:
    old = _old_house(local_appdata, template_db)
    paths = default_paths()
    (paths.data_dir / "peerdesk.ini").write_text("[newer]\n")

    result = old_folder.settle_default_folder(paths, platform="win32")

    assert result.moved and _residents(paths.db) == 3
    assert (paths.data_dir / "peerdesk.ini").read_text() == "[newer]\n"
    assert (old / "peerdesk.ini").exists(), "the older settings stay in the old folder"
    assert "peerdesk.ini" in result.detail


def test_nothing_is_looked_at_off_windows_or_with_peerdesk_home(
    local_appdata: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _old_house(local_appdata, template_db)
    paths = default_paths()
    assert old_folder.settle_default_folder(paths, platform="linux").detail == ""
    monkeypatch.setenv("PEERDESK_HOME", str(local_appdata / "elsewhere"))
    assert old_folder.settle_default_folder(paths, platform="win32").detail == ""
    assert (old / DB_FILENAME).exists()


def test_the_command_line_moves_the_house_before_it_opens_it(
    local_appdata: Path,
    template_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _old_house(local_appdata, template_db)
    monkeypatch.setattr(old_folder.sys, "platform", "win32")

    assert cli.main(["check"]) == 0

    new = local_appdata / "PeerDesk"
    assert not (new / "PeerDesk").exists()
    assert _residents(new / DB_FILENAME) == 3
    log = (new / "Logs" / "peerdesk.log").read_text()
    assert "an old line" in log and "Moved the house's records from" in log


def test_a_house_just_moved_by_another_peerdesk_is_never_made_again_empty(tmp_path: Path) -> None:
    """Two PeerDesks start at once (the window and a scheduled backup): the one that finds
    the database gone from the old folder must not create an empty one there."""
    gone = tmp_path / "PeerDesk" / DB_FILENAME
    gone.parent.mkdir()
    assert old_folder._quiet_database(gone) == ""
    assert not gone.exists()
