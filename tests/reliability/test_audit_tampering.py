"""The audit trail of a house with accounts, tampered with as someone with the database file
and an SQLite editor could: every case is reported by ``check`` (even though it signs in,
which writes a line), and by the audit view.

Each attacker here also puts the guard triggers back after using the file, unless dropping
them is the case itself; the anchor this PC keeps outside the database is what catches a
trail cut back with its head fixed, or rewritten with freshly computed hashes.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from peerdesk import cli
from peerdesk.core import audit, audit_log, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.audit_anchor import AnchorFile, keep_anchor
from peerdesk.core.audit_check import verify_trail
from peerdesk.core.db import Database
from peerdesk.core.services import users
from peerdesk.paths import default_paths
from peerdesk.ui.main_window import MainWindow
from tests import factories as f
from tests.window_support import Messages, open_window

PASSWORD = "three little birds sing"


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


GUARDS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'Audit lines cannot be changed'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'Audit lines cannot be deleted'); END",
)


@pytest.fixture
def house(template_db: Path, tmp_path: Path, today: dt.date) -> Path:
    """A house with three accounts, a resident and sign-ins, written as the CLI writes
    (the anchor kept in this PC's config folder)."""
    path = tmp_path / "house.sqlite3"
    shutil.copyfile(template_db, path)
    db = Database.open(path)
    keep_anchor(db, default_paths().config_dir, new_house=False)
    try:
        with db.begin() as s:
            boss = f.account(s, Actor.local_administrator(), "boss", vocab.Role.ADMINISTRATOR,
                             password=PASSWORD)  # fmt: skip
            f.account(s, boss, "sup", vocab.Role.SUPERVISOR, password=PASSWORD)
            f.account(s, boss, "maya", vocab.Role.VIEWER, password=PASSWORD)
            f.resident(s, boss, "Aisha", "Brown")
            f.resident(s, boss, "Marcus", "Lee")
        for name in ("boss", "sup", "maya", "boss"):
            with db.begin() as s:
                users.sign_in(s, name, PASSWORD)
        with db.read() as s:
            assert verify_trail(s).ok
    finally:
        db.close()
    return path


def tamper(path: Path, *statements: str, guards_back: bool = True) -> None:
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_events_no_update")
    raw.execute("DROP TRIGGER audit_events_no_delete")
    for statement in statements:
        raw.execute(statement)
    if guards_back:
        for guard in GUARDS:
            raw.execute(guard)
    raw.commit()
    raw.close()


def rewrite_from(path: Path, line: int, summary: str) -> None:
    """Change one line and recompute every hash after it, and the head: a careful attacker."""
    raw = sqlite3.connect(path)
    raw.row_factory = sqlite3.Row
    raw.execute("DROP TRIGGER audit_events_no_update")
    rows = [dict(r) for r in raw.execute("SELECT * FROM audit_events ORDER BY id")]
    prev = ""
    for row in rows:
        if row["id"] == line:
            row["summary"] = summary
        if row["id"] >= line:
            hashed = {**row, "at": dt.datetime.fromisoformat(row["at"])}
            row["prev_hash"] = prev
            row["hash"] = audit.line_hash(prev, hashed)
            raw.execute(
                "UPDATE audit_events SET summary = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (row["summary"], row["prev_hash"], row["hash"], row["id"]),
            )
        prev = row["hash"]
    raw.execute("UPDATE preferences SET value = ? WHERE key = 'audit.head'",
                (f"{rows[-1]['id']}:{prev}",))  # fmt: skip
    raw.execute(GUARDS[0])
    raw.commit()
    raw.close()


def last_line(path: Path) -> int:
    raw = sqlite3.connect(path)
    try:
        return int(raw.execute("SELECT max(id) FROM audit_events").fetchone()[0] or 0)
    finally:
        raw.close()


def lock_out(path: Path, name: str) -> None:
    db = Database.open(path)
    keep_anchor(db, default_paths().config_dir, new_house=False)
    try:
        for _ in range(5):
            with db.begin() as s:
                users.sign_in(s, name, "not the password at all")
    finally:
        db.close()


def cut_back(path: Path, lines: int) -> None:
    """Delete the newest lines and set the head to the new last line."""
    end = last_line(path) - lines
    raw = sqlite3.connect(path)
    digest = raw.execute("SELECT hash FROM audit_events WHERE id = ?", (end,)).fetchone()[0]
    raw.close()
    tamper(
        path,
        f"DELETE FROM audit_events WHERE id > {end}",
        f"UPDATE preferences SET value = '{end}:{digest}' WHERE key = 'audit.head'",
    )


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "the newest line deleted": (
        lambda p: tamper(p, f"DELETE FROM audit_events WHERE id = {last_line(p)}"),
        "the newest audit lines are missing",
    ),
    "the newest three lines deleted": (
        lambda p: tamper(p, f"DELETE FROM audit_events WHERE id > {last_line(p) - 3}"),
        "the newest audit lines are missing",
    ),
    "every line deleted": (
        lambda p: tamper(p, "DELETE FROM audit_events"),
        "the newest audit lines are missing",
    ),
    "every line and the head deleted": (
        lambda p: tamper(
            p, "DELETE FROM audit_events", "DELETE FROM preferences WHERE key = 'audit.head'"
        ),
        "the trail was cut back",
    ),
    "one line edited": (
        lambda p: tamper(p, "UPDATE audit_events SET summary = 'nothing happened' WHERE id = 4"),
        "audit line 4 has been changed",
    ),
    "two lines swapped": (
        lambda p: tamper(
            p,
            "UPDATE audit_events SET id = -1 WHERE id = 3",
            "UPDATE audit_events SET id = 3 WHERE id = 4",
            "UPDATE audit_events SET id = 4 WHERE id = -1",
        ),
        "does not follow the line before it",
    ),
    "the guards dropped": (
        lambda p: tamper(p, guards_back=False),
        "the guard that stops audit lines being changed has been removed",
    ),
    "cut back three lines, the head set to match": (
        lambda p: cut_back(p, 3),
        "the trail was cut back",
    ),
    "rewritten with new hashes": (
        lambda p: rewrite_from(p, 4, "nothing happened"),
        "the trail was rewritten",
    ),
    "a viewer made an administrator": (
        lambda p: tamper(p, "UPDATE users SET role = 'administrator' WHERE username = 'maya'"),
        "the account maya was changed outside PeerDesk",
    ),
    "a lockout cleared": (
        lambda p: (
            lock_out(p, "sup"),
            tamper(
                p, "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = 'sup'"
            ),
        ),
        "the account sup was changed outside PeerDesk",
    ),
    "an account added": (
        lambda p: tamper(
            p,
            "INSERT INTO users (username, full_name, role, password_hash, active, "
            "may_print_identified, failed_logins, created_at) SELECT 'eve', 'Eve', "
            "'administrator', password_hash, 1, 1, 0, created_at FROM users "
            "WHERE username = 'boss'",
        ),
        "the account eve was added outside PeerDesk",
    ),
    "an account removed": (
        lambda p: tamper(p, "DELETE FROM users WHERE username = 'maya'"),
        "was removed outside PeerDesk",
    ),
}


def check(path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setenv("PEERDESK_PASSWORD", PASSWORD)
    status = cli.main(["--db", str(path), "--user", "boss", "check"])
    out, err = capsys.readouterr()
    assert status == 1, out + err
    assert "The database has problems (" in err and "audit trail)" in err
    return out


@pytest.mark.parametrize("case", CASES)
@pytest.mark.tally("audit trail tamperings caught")
def test_check_reports_it_before_and_after_it_signs_in(
    case: str, house: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    change, words = CASES[case]
    change(house)
    first = check(house, monkeypatch, capsys)
    assert words in first, first
    # The first check signed in (an audit line): the evidence is still there.
    check(house, monkeypatch, capsys)
    assert "The trail is whole up to line" in first or "No line of the trail" in first


@pytest.mark.parametrize("case", CASES)
@pytest.mark.tally("audit trail tamperings caught")
def test_the_audit_view_reports_it(case: str, house: Path) -> None:
    change, words = CASES[case]
    change(house)
    anchor = AnchorFile.for_database(default_paths().config_dir, house).read()
    db = Database.open(house)
    try:
        with db.read() as s:
            boss = Actor("boss", vocab.Role.ADMINISTRATOR, 1)
            status = audit_log.chain_status(s, boss, anchor)
    finally:
        db.close()
    assert not status.ok
    assert any(words in p.message for p in status.problems), status.problems
    assert status.sentence().startswith("The audit trail has been tampered with: ")


def test_a_whole_trail_passes_everywhere(
    house: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lock_out(house, "sup")  # lockouts, and the sign-ins of check, are PeerDesk's own writes
    monkeypatch.setenv("PEERDESK_PASSWORD", PASSWORD)
    for _ in range(2):
        assert cli.main(["--db", str(house), "--user", "boss", "check"]) == 0
    out = capsys.readouterr().out
    assert "audit trail: ok" in out


def open_home(qtbot: QtBot, path: Path, folder: Path) -> tuple[Database, MainWindow]:
    db = Database.open(path)
    keep_anchor(db, default_paths().config_dir, new_house=False)
    window = open_window(qtbot, db, folder)
    home = window.home
    qtbot.waitUntil(lambda: home._trail_task is not None and home._trail_task.outcome is not None)
    return db, window


@pytest.mark.parametrize("case", CASES)
@pytest.mark.tally("audit trail tamperings caught")
def test_home_says_at_start_since_when_the_trail_is_broken(
    case: str, house: Path, qtbot: QtBot, tmp_path: Path, shown: Messages
) -> None:
    change, words = CASES[case]
    change(house)
    db, window = open_home(qtbot, house, tmp_path / "profile")
    try:
        card = window.home.trail
        assert card.isVisible()
        report = window.home.trail_report
        assert report is not None and not report.ok
        text = " ".join(b.text() for b in card.findChildren(QAbstractButton))
        assert words in text, text
        assert "The trail is whole up to line" in text or "No line of the trail" in text
        assert text.endswith("tell the program director.")
    finally:
        window.close()
        db.close()


def test_home_keeps_quiet_about_a_whole_trail_and_its_line_opens_the_audit_log(
    house: Path, qtbot: QtBot, tmp_path: Path, shown: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, window = open_home(qtbot, house, tmp_path / "whole")
    try:
        assert not window.home.trail.isVisible()
        assert window.home.trail_report is not None and window.home.trail_report.ok
    finally:
        window.close()
        db.close()
    tamper(house, "UPDATE audit_events SET summary = 'x' WHERE id = 2")
    opened: list[object] = []
    monkeypatch.setattr(
        "peerdesk.ui.dialogs.audit_log.AuditLogDialog.ask",
        classmethod(lambda cls, parent, ctx: opened.append(ctx)),
    )
    db, window = open_home(qtbot, house, tmp_path / "broken")
    try:
        (line,) = [b for b in window.home.trail.findChildren(QAbstractButton) if b.isVisible()]
        line.click()
        assert opened, "the line opens the audit log for an administrator"
    finally:
        window.close()
        db.close()


@pytest.mark.tally("audit trail tamperings caught")
def test_a_backup_holds_the_trail_when_the_anchor_is_gone_too(
    house: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone with the database and this PC's config folder cuts the trail back and removes
    the anchor: the automatic backup in the backups folder still holds the line."""
    from peerdesk.core import backup

    paths = default_paths().with_db(house)  # as `peerdesk --db house` sees this PC
    db = Database.open(house)
    try:
        boss = Actor("boss", vocab.Role.ADMINISTRATOR, 1)
        made = backup.back_up_automatically(db, boss, paths, on_exit=True)
    finally:
        db.close()
    assert made is not None and made.info.audit_head is not None
    held_line = made.info.audit_head[0]
    cut_back(house, last_line(house) - held_line + 2)
    AnchorFile.for_database(paths.config_dir, house).forget()

    out = check(house, monkeypatch, capsys)
    assert f"the trail was cut back: line {held_line}, which the backup made on " in out, out


def test_a_copy_of_the_house_restored_elsewhere_is_not_taken_for_a_tampered_trail(
    house: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last month's records restored onto another database file on the same PC, to look at
    them: the house's own automatic backups (same house, same backups folder) hold a trail
    that is not the copy's, and the copy's are not the house's; neither raises an alarm."""
    from peerdesk.core import backup

    boss = Actor("boss", vocab.Role.ADMINISTRATOR, 1)
    secret = backup.Passphrase("the house passphrase, long enough")
    usb = tmp_path / "usb"
    usb.mkdir()
    db = Database.open(house)
    try:
        made = backup.back_up(db, boss, usb, secret, kdf=backup.KdfSettings(64, 1, 1))
    finally:
        db.close()
    copy = tmp_path / "last-month.sqlite3"
    backup.restore_backup(made.path, secret, default_paths().with_db(copy), actor=boss)
    for path, who in ((house, "Later"), (copy, "Copy")):
        db = Database.open(path)
        keep_anchor(db, default_paths().config_dir, new_house=False)
        try:
            with db.begin() as s:
                f.resident(s, boss, who, "Resident")
            assert backup.back_up_automatically(db, boss, default_paths().with_db(path))
        finally:
            db.close()
    monkeypatch.setenv("PEERDESK_PASSWORD", PASSWORD)
    for path in (house, copy):
        assert cli.main(["--db", str(path), "--user", "boss", "check"]) == 0, capsys.readouterr()
    assert "audit trail: ok" in capsys.readouterr().out
