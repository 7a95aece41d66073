"""backup, verify-backup, restore and recovery-key as scripts and a house manager use them.

These run the real program with the default key-stretching cost, so they are few.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from peerdesk.cli import main
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from tests.e2e.test_cli import assert_one_sentence, demo_password, run

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo house without user accounts (so no command needs --user)."""
    path = tmp_path_factory.mktemp("backup-cli") / "house.sqlite3"
    with Database.open(path) as db:
        build_demo_house(db, beds=6, years=1, seed=4)
    return path


@pytest.fixture
def pc(house: Path, tmp_path: Path) -> Path:
    """A copy of the demo house: what is on this PC."""
    path = tmp_path / "pc" / "peerdesk.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(house, path)
    return path


@pytest.fixture
def secrets(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "passphrase.txt"
    good.write_text(PASSPHRASE + "\n", encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("too short\n", encoding="utf-8")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("correct horse battery stable\n", encoding="utf-8")
    return {"good": good, "short": short, "wrong": wrong}


def residents(path: Path) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT * FROM residents ORDER BY id").fetchall()
    finally:
        connection.close()


def back_up(pc: Path, usb: Path, passphrase: Path) -> Path:
    usb.mkdir(exist_ok=True)
    result = run("--db", pc, "backup", "--to", usb, "--passphrase-file", passphrase)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()  # only the path: scheduled scripts read it
    path = Path(line)
    assert path.parent == usb and path.name.startswith("PeerDesk-Riverbend-Recovery-House-demo-")
    assert path.suffix == ".pdbk" and path.is_file()
    return path


def test_backup_verify_and_restore_from_the_command_line(
    pc: Path, tmp_path: Path, secrets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "sheet.pdf"
    key = tmp_path / "recovery-key.txt"
    assert (
        main(["--db", str(pc), "recovery-key", "--sheet", str(sheet), "--key-out", str(key)]) == 0
    )
    assert capsys.readouterr().out.startswith("Recovery key ")
    assert sheet.read_bytes().startswith(b"%PDF")
    assert key.read_text(encoding="utf-8").splitlines()[0].startswith("# PeerDesk recovery key")

    file = back_up(pc, tmp_path / "usb", secrets["good"])
    checked = run("verify-backup", file, "--passphrase-file", secrets["good"])
    assert checked.returncode == 0, checked.stderr
    assert "Verified: the backup is whole and can be restored." in checked.stdout
    assert "Riverbend Recovery House (demo):" in checked.stdout
    refused(
        capsys,
        "verify-backup",
        file,
        "--passphrase-file",
        secrets["wrong"],
        words="The passphrase is not right",
    )

    before = residents(pc)
    refused(
        capsys,
        "--db",
        pc,
        "restore",
        file,
        "--passphrase-file",
        secrets["good"],
        words="PeerDesk asks first",
    )
    restored = run("--db", pc, "restore", file, "--passphrase-file", secrets["good"], "--yes")
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Restored from the backup made on ")
    kept = restored.stdout.splitlines()[-1]
    assert kept.startswith("The records that were on this PC are kept in ")
    assert Path(kept.removeprefix("The records that were on this PC are kept in ")[:-1]).is_file()
    assert residents(pc) == before
    assert main(["--db", str(pc), "check"]) == 0

    # A new PC, the recovery key alone, and nothing there yet: no question asked.
    new_pc = tmp_path / "new-pc" / "peerdesk.sqlite3"
    new_pc.parent.mkdir()
    fresh = run("--db", new_pc, "restore", file, "--recovery-key-file", key)
    assert fresh.returncode == 0, fresh.stderr
    assert "kept in" not in fresh.stdout
    assert residents(new_pc) == before
    typo = tmp_path / "typo.txt"
    text = key.read_text(encoding="utf-8").splitlines()[-1]
    typo.write_text(text[:5] + ("A" if text[5] != "A" else "B") + text[6:], encoding="utf-8")
    refused(capsys, "verify-backup", file, "--recovery-key-file", typo, words="group 2 (")


def refused(capsys: pytest.CaptureFixture[str], *args: str | Path, words: str) -> str:
    """Run the command in this process (no terminal on stdin): exit 1, one sentence."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    assert len(err.strip().splitlines()) == 1 and err.strip().endswith("."), err
    assert words in err, err
    return err


def test_refusals_are_one_sentence(
    pc: Path, tmp_path: Path, secrets: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    good = secrets["good"]
    refused(
        capsys,
        "--db",
        pc,
        "backup",
        "--to",
        usb,
        "--passphrase-file",
        secrets["short"],
        words="at least 12 characters",
    )
    refused(capsys, "--db", pc, "backup", "--to", usb, words="No passphrase was given")
    refused(
        capsys,
        "--db",
        pc,
        "backup",
        "--to",
        tmp_path / "E",
        "--passphrase-file",
        good,
        words="plug in the USB drive",
    )
    refused(
        capsys,
        "--db",
        tmp_path / "none.sqlite3",
        "backup",
        "--to",
        usb,
        "--passphrase-file",
        good,
        words="nothing to back up",
    )
    refused(
        capsys,
        "--db",
        pc,
        "backup",
        "--to",
        usb,
        "--passphrase-file",
        tmp_path / "no.txt",
        words="Could not read the passphrase file",
    )
    refused(
        capsys,
        "--db",
        pc,
        "recovery-key",
        "--sheet",
        tmp_path / "none" / "s.pdf",
        words="does not exist",
    )
    assert list(usb.iterdir()) == []

    assert main(["--db", str(pc), "backup", "--to", str(usb), "--passphrase-file", str(good)]) == 0
    (file,) = usb.iterdir()
    capsys.readouterr()
    refused(capsys, "verify-backup", file, words="No passphrase was given")
    data = file.read_bytes()
    damaged = {
        "empty.pdbk": (b"", "is empty"),
        "plain.pdbk": (pc.read_bytes(), "is a plain database file"),
        "cut.pdbk": (data[: len(data) // 2], "This backup file is damaged (it is cut short)"),
        "flipped.pdbk": (
            data[:-100] + bytes([data[-100] ^ 4]) + data[-99:],
            "This backup file is damaged (part",
        ),
        "tail.pdbk": (data + b"\n", "This backup file is damaged (it has extra bytes"),
    }
    before = residents(pc)
    for name, (content, words) in damaged.items():
        path = tmp_path / name
        path.write_bytes(content)
        refused(
            capsys, "--db", pc, "restore", path, "--passphrase-file", good, "--yes", words=words
        )
    assert residents(pc) == before
    assert not list(pc.parent.glob(".peerdesk-work-*"))
    # And once as a real process: exit 1, one sentence, no traceback.
    assert_one_sentence(
        run("verify-backup", tmp_path / "flipped.pdbk", "--passphrase-file", good),
        "This backup file is damaged (part",
    )


def test_bad_arguments_exit_2(pc: Path, tmp_path: Path, secrets: dict[str, Path]) -> None:
    both = run(
        "--db", pc, "restore", tmp_path / "x.pdbk",
        "--passphrase-file", secrets["good"], "--recovery-key-file", secrets["good"],
    )  # fmt: skip
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    assert run("--db", pc, "backup").returncode == 2  # no --to
    assert run("--db", pc, "recovery-key").returncode == 2  # no --sheet


def test_a_house_with_accounts_backs_up_and_restores_only_for_the_right_people(
    tmp_path: Path, secrets: dict[str, Path]
) -> None:
    from tests.e2e.test_cli import demo_password

    pc = tmp_path / "pc" / "peerdesk.sqlite3"
    pc.parent.mkdir()
    built = run("--db", pc, "demo", "--residents", "4", "--years", "0.5", "--seed", "9")
    assert built.returncode == 0, built.stderr
    password = {"PEERDESK_PASSWORD": demo_password(built.stdout)}
    usb = tmp_path / "usb"
    usb.mkdir()
    good = secrets["good"]
    assert_one_sentence(run("--db", pc, "backup", "--to", usb, "--passphrase-file", good), "--user")

    def as_user(user: str, *args: str | Path) -> Any:
        return run("--db", pc, "--user", user, *args, env=password)

    # A peer mentor may back up, but never with a passphrase of their own choosing.
    assert_one_sentence(
        as_user("mentor", "backup", "--to", usb, "--passphrase-file", good),
        "may not seal a backup with a passphrase of your own",
    )
    assert_one_sentence(as_user("mentor", "backup", "--to", usb), "no recovery key yet")
    sheet, key = tmp_path / "sheet.pdf", tmp_path / "key.txt"
    made_key = as_user("admin", "recovery-key", "--sheet", sheet, "--key-out", key)
    assert made_key.returncode == 0, made_key.stderr
    made = as_user("mentor", "backup", "--to", usb)
    assert made.returncode == 0, made.stderr
    file = Path(made.stdout.strip())
    assert_one_sentence(
        as_user("admin", "verify-backup", file, "--passphrase-file", good), "no passphrase"
    )
    assert_one_sentence(
        as_user("supervisor", "restore", file, "--recovery-key-file", key, "--yes"),
        "supervisor account may not restore a backup",
    )
    restored = as_user("admin", "restore", file, "--recovery-key-file", key, "--yes")
    assert restored.returncode == 0, restored.stderr
    checked = run("--db", pc, "--user", "admin", "check", env=password)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_yes_alone_does_not_put_another_house_in_place_of_this_one(
    pc: Path, tmp_path: Path, secrets: dict[str, Path]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    made = run("--db", pc, "backup", "--to", usb, "--passphrase-file", secrets["good"])
    assert made.returncode == 0, made.stderr
    file = Path(made.stdout.strip())
    verified = run("--db", pc, "verify-backup", file, "--passphrase-file", secrets["good"])
    assert re.search(r"^House ID [0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}\.$",
                     verified.stdout, re.MULTILINE), verified.stdout  # fmt: skip
    other = tmp_path / "other" / "peerdesk.sqlite3"
    other.parent.mkdir()
    built = run("--db", other, "demo", "--residents", "3", "--years", "0.2")
    assert built.returncode == 0, built.stderr
    password = {"PEERDESK_PASSWORD": demo_password(built.stdout)}

    def house_of(path: Path) -> tuple[object, ...]:
        c = sqlite3.connect(path)
        try:
            return c.execute(
                "SELECT (SELECT value FROM preferences WHERE key = 'house.id'), "
                "(SELECT count(*) FROM residents)"
            ).fetchone()
        finally:
            c.close()

    before = house_of(other)
    refused = run("--db", other, "--user", "admin", "restore", file,
                  "--passphrase-file", secrets["good"], "--yes", env=password)  # fmt: skip
    assert_one_sentence(refused, "This backup is of another house", "--replace-house")
    assert house_of(other) == before
    replaced = run("--db", other, "--user", "admin", "restore", file, "--passphrase-file",
                   secrets["good"], "--yes", "--replace-house", env=password)  # fmt: skip
    assert replaced.returncode == 0, replaced.stderr
    assert house_of(other) == house_of(pc)
