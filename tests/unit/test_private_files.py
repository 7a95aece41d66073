"""The house's files are its owner's alone: created 0600 (folders 0700) and tightened at
start-up when an earlier PeerDesk left them readable by every user of the PC."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from peerdesk import cli
from peerdesk.paths import default_paths

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def everything_under(*folders: Path) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        found.append(folder)
        found += sorted(folder.rglob("*"))
    return found


def test_a_new_house_and_its_backups_are_for_their_owner_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = default_paths()
    usb = tmp_path / "usb"
    usb.mkdir()
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text("a long passphrase for the house\n")
    before = os.umask(0o022)
    assert cli.main(["demo", "--residents", "3", "--years", "0.2"]) == 0
    password = capsys.readouterr().out.split("demo password: ")[1].split()[0]
    monkeypatch.setenv("PEERDESK_PASSWORD", password)
    as_admin = ["--user", "admin"]
    assert cli.main([*as_admin, "check"]) == 0
    assert (
        cli.main([*as_admin, "backup", "--to", str(usb), "--passphrase-file", str(passphrase)]) == 0
    )
    sheet, key = tmp_path / "sheet.pdf", tmp_path / "key.txt"
    assert cli.main([*as_admin, "recovery-key", "--sheet", str(sheet), "--key-out", str(key)]) == 0
    capsys.readouterr()
    assert os.umask(before) == 0o022, "the mask is put back after each run"
    made = everything_under(paths.data_dir)
    assert paths.db in made and any(p.name == "peerdesk.log" for p in made)
    assert any(p.suffix == ".json" for p in made), "the audit anchor"
    for path in made:
        expected = 0o700 if path.is_dir() else 0o600
        assert mode(path) & 0o077 == 0, (path, oct(mode(path)))
        assert mode(path) & expected == expected, (path, oct(mode(path)))
    (backup,) = usb.glob("*.pdbk")
    for path in (backup, sheet, key):
        assert mode(path) == 0o600, (path, oct(mode(path)))


def test_files_left_readable_by_an_earlier_peerdesk_are_tightened_at_start(
    template_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = default_paths()
    for folder in (paths.data_dir, paths.config_dir, paths.log_dir, paths.local_backup_dir):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)
    paths.db.write_bytes(template_db.read_bytes())
    old = [
        paths.db,
        paths.local_backup_dir / "PeerDesk-House-20261201-1800.pdbk",
        paths.config_dir / "peerdesk.ini",
        paths.log_dir / "peerdesk.log",
    ]
    for path in old[1:]:
        path.write_text("x")
    for path in old:
        path.chmod(0o644)

    assert cli.main(["check"]) == 0
    capsys.readouterr()

    for path in old:
        assert mode(path) == 0o600, (path, oct(mode(path)))
    for folder in (paths.data_dir, paths.config_dir, paths.log_dir, paths.local_backup_dir):
        assert mode(folder) == 0o700, (folder, oct(mode(folder)))
    assert "Made 8 files and folders private" in paths.log_file.read_text()


def test_a_database_named_with_db_is_tightened_but_not_its_neighbours(
    template_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    house = shared / "house.sqlite3"
    house.write_bytes(template_db.read_bytes())
    house.chmod(0o644)
    neighbour = shared / "minutes.txt"
    neighbour.write_text("the house meeting")
    neighbour.chmod(0o644)

    assert cli.main(["--db", str(house), "check"]) == 0
    capsys.readouterr()

    assert mode(house) == 0o600
    assert mode(neighbour) == 0o644 and mode(shared) == 0o755
