"""`peerdesk phases`: the program phases listed in order, and added, renamed, moved, retired
and put back in use from the command line, each refusal one sentence."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import assert_one_sentence, run


def test_phases_are_listed_and_changed_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "house.sqlite3"
    listed = run("--db", db, "phases")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "1. Safe Off the Streets (SOS): in use, 0 in it now",
        "2. Motivational Track I (MT I): in use, 0 in it now",
        "3. Motivational Track II (MT II): in use, 0 in it now",
        "4. Phase I (Phase I): in use, 0 in it now",
        "5. Phase II (Phase II): in use, 0 in it now, residents may serve as peer mentors",
    ]
    for args in (
        ("add", "Alumni", "--short", "Alum", "--mentors-may-serve"),
        ("rename", "mt i", "Motivation One"),
        ("move", "Phase II", "earlier"),
        ("retire", "SOS"),
    ):
        done = run("--db", db, "phases", *args)
        assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Retire: Safe Off the Streets.",
        "1. Safe Off the Streets (SOS): retired, 0 in it now",
        "2. Motivation One (MT I): in use, 0 in it now",
        "3. Motivational Track II (MT II): in use, 0 in it now",
        "4. Phase II (Phase II): in use, 0 in it now, residents may serve as peer mentors",
        "5. Phase I (Phase I): in use, 0 in it now",
        "6. Alumni (Alum): in use, 0 in it now, residents may serve as peer mentors",
    ]
    back = run("--db", db, "phases", "reinstate", "safe off the streets")
    assert back.returncode == 0 and "1. Safe Off the Streets (SOS): in use" in back.stdout


def test_a_wrong_phase_command_is_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "house.sqlite3"
    assert_one_sentence(run("--db", db, "phases", "retire", "Nope"), "no phase called Nope")
    assert_one_sentence(
        run("--db", db, "phases", "rename", "SOS", "phase ii"), "already a phase called"
    )
    assert_one_sentence(run("--db", db, "phases", "add", "  "), "name")
    wrong = run("--db", db, "phases", "move", "SOS", "sideways")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
