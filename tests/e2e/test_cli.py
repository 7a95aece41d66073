"""The command line as scripts and scheduled jobs use it: exit codes, sentences, files."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "peerdesk", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result
    err = result.stderr.strip()
    assert "Traceback" not in result.stderr
    assert len(err.splitlines()) == 1, err
    assert err.endswith("."), err
    for word in words:
        assert word in err, err


def demo_password(stdout: str) -> str:
    """The password `demo` prints on a line of its own as `demo password: <password>`."""
    lines = [line for line in stdout.splitlines() if line.startswith("demo password: ")]
    assert len(lines) == 1, stdout
    return lines[0].removeprefix("demo password: ")


@pytest.fixture(scope="module")
def demo_house(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("cli") / "house.sqlite3"
    result = run("--db", path, "demo", "--residents", "8", "--years", "1", "--seed", "2")
    assert result.returncode == 0, result.stderr
    assert "Demo house built" in result.stdout
    return path, demo_password(result.stdout)


@pytest.fixture(scope="module")
def demo_db(demo_house: tuple[Path, str]) -> Path:
    return demo_house[0]


@pytest.fixture
def as_admin(demo_house: tuple[Path, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a command on the demo house signed in as its administrator."""
    path, password = demo_house

    def run_as(*args: str | Path, user: str = "admin") -> subprocess.CompletedProcess[str]:
        return run("--db", path, "--user", user, *args, env={"PEERDESK_PASSWORD": password})

    return run_as


def test_check_passes_on_a_demo_house(as_admin: Callable[..., Any]) -> None:
    result = as_admin("check")
    assert result.returncode == 0, result.stderr
    assert "integrity: ok" in result.stdout
    assert "audit trail: ok" in result.stdout


def test_check_finds_a_tampered_audit_line(
    demo_db: Path, demo_house: tuple[Path, str], tmp_path: Path
) -> None:
    copy = tmp_path / "tampered.sqlite3"
    source = sqlite3.connect(demo_db)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("DROP TRIGGER audit_events_no_update")
    target.execute("UPDATE audit_events SET summary = 'nothing happened' WHERE id = 1")
    target.commit()
    target.close()
    result = run("--db", copy, "check")
    assert_one_sentence(result, "user accounts", "--user")
    result = run("--db", copy, "--user", "admin", "check", env={"PEERDESK_PASSWORD": demo_house[1]})
    assert_one_sentence(result, "audit trail", "Restore the latest")
    assert "audit line 1 has been changed" in result.stdout


def test_export_csv_has_field_names_and_iso_dates(
    as_admin: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "residents.csv"
    result = as_admin("export", "csv", "residents", "--out", out)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows, "the demo house has residents"
    assert {"first_name", "last_name", "status", "intake_date"} <= set(rows[0])
    assert all(len(r["intake_date"]) == 10 and r["intake_date"][4] == "-" for r in rows)
    assert {r["status"] for r in rows} <= {"active", "discharged"}
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize("table", ["mentors", "sessions", "supervision", "assessments"])
def test_every_table_exports(as_admin: Callable[..., Any], tmp_path: Path, table: str) -> None:
    out = tmp_path / f"{table}.csv"
    result = as_admin("export", "csv", table, "--out", out)
    assert result.returncode == 0, result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) > 1


def test_a_new_file_in_an_existing_folder_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    result = run("--db", path, "check")
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_a_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    assert_one_sentence(run("--db", tmp_path / "nowhere" / "x.sqlite3", "check"), "does not exist")
    assert not (tmp_path / "nowhere").exists()


def test_export_to_a_missing_folder_is_a_user_error(
    as_admin: Callable[..., Any], tmp_path: Path
) -> None:
    result = as_admin("export", "csv", "residents", "--out", tmp_path / "no" / "r.csv")
    assert_one_sentence(result, "does not exist")


def test_demo_into_a_house_with_records_is_a_user_error(as_admin: Callable[..., Any]) -> None:
    assert_one_sentence(as_admin("demo"), "already holds")


def test_a_house_with_accounts_needs_a_right_login(
    demo_db: Path, as_admin: Callable[..., Any], tmp_path: Path
) -> None:
    assert_one_sentence(run("--db", demo_db, "check"), "--user NAME")
    wrong = run(
        "--db",
        demo_db,
        "--user",
        "admin",
        "check",
        env={"PEERDESK_PASSWORD": "not the demo password"},
    )
    assert_one_sentence(wrong, "not right")
    no_password = subprocess.run(
        [sys.executable, "-m", "peerdesk", "--db", str(demo_db), "--user", "admin", "check"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PEERDESK_PASSWORD"},
    )
    assert_one_sentence(no_password, "PEERDESK_PASSWORD")
    viewer = as_admin("export", "csv", "residents", "--out", tmp_path / "r.csv", user="viewer")
    assert_one_sentence(viewer, "viewer account may not")
    assert not (tmp_path / "r.csv").exists()
    assert as_admin("check", user="supervisor").returncode == 0


def test_a_file_that_is_not_a_database_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("milk, eggs\n")
    assert_one_sentence(run("--db", path, "check"), "not a PeerDesk database")


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "--years", "ten"],
        ["demo", "--residents", "0"],
        ["export", "csv", "pets", "--out", "x.csv"],
        ["export", "csv", "residents"],
        ["no-such-command"],
        ["--db", "a.sqlite3", "--data-dir", "x", "check"],
    ],
)
def test_bad_arguments_exit_2(args: list[str], tmp_path: Path) -> None:
    result = run(*args)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert "usage:" in result.stderr


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("PeerDesk ")
