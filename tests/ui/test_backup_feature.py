"""Backups in the main window: the House menu and toolbar, automatic local backups, and the
Home tab's warning that opens the Backup dialog."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from peerdesk.core import backup, clock, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import BackupRecord
from peerdesk.ui.features import backup as feature_module
from peerdesk.ui.features.backup import BackupFeature
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.widgets.forms import plain_text
from tests import factories as f
from tests.ui.backup_support import ADMIN, usb_backup
from tests.window_support import Messages, open_window, patch_dialog


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def window(qtbot: QtBot, db: Database, tmp_path: Path, shown: Messages) -> MainWindow:
    return open_window(qtbot, db, tmp_path / "profile")


def feature_of(window: MainWindow) -> BackupFeature:
    found = window.findChild(BackupFeature)
    assert found is not None
    return found


def local_backups(window: MainWindow) -> list[Path]:
    folder = window.ctx.paths.local_backup_dir
    return sorted(folder.glob("*.pdbk")) if folder.is_dir() else []


def change_something(db: Database, first: str = "Jordan") -> None:
    with db.begin() as s:
        f.resident(s, ADMIN, first=first, last="Rivers")


# --------------------------------------------------------------------------- menu


def test_the_house_menu_and_the_toolbar_offer_backups(window: MainWindow) -> None:
    feature = feature_of(window)
    menu = window.menu("house")
    # First in the House menu; the user accounts and the audit log come after them.
    assert [plain_text(a.text()) for a in menu.actions() if not a.isSeparator()][:4] == [
        "Back up to USB drive…",
        "Verify a backup…",
        "Restore a backup…",
        "Recovery sheet…",
    ]
    assert feature.backup_action.shortcut().toString() == "Ctrl+Shift+B"
    assert feature.backup_action in window.toolbar.actions() and window.toolbar.isVisible()
    button = window.toolbar.widgetForAction(feature.backup_action)
    assert button is not None and button.accessibleName() == "Back up to USB drive"
    assert all(a.statusTip() for a in feature.actions())


def test_each_entry_opens_its_dialog(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    feature = feature_of(window)
    backups = patch_dialog(monkeypatch, "backup", "BackupDialog", lambda *a: None)
    verifies = patch_dialog(monkeypatch, "backup", "VerifyBackupDialog", lambda *a: None)
    restores = patch_dialog(monkeypatch, "restore", "RestoreWizard", lambda *a: None)
    sheets = patch_dialog(monkeypatch, "recovery", "RecoverySheetDialog", lambda *a: None)
    for action in feature.actions():
        action.trigger()
    assert [len(backups), len(verifies), len(restores), len(sheets)] == [1, 1, 1, 1]
    assert backups[0] == (window, window.ctx)
    assert not window.ctx.rebuild_requested, "a cancelled wizard restores nothing"


def test_what_a_role_may_not_do_is_not_offered(window: MainWindow) -> None:
    feature = feature_of(window)
    window.ctx.set_actor(Actor("maya", vocab.Role.PEER_MENTOR))
    assert feature.backup_action.isVisible() and feature.verify_action.isVisible()
    assert not feature.restore_action.isVisible() and not feature.recovery_action.isVisible()
    window.ctx.set_actor(Actor("auditor", vocab.Role.VIEWER))
    assert not any(a.isVisible() for a in feature.actions())
    window.ctx.set_actor(ADMIN)
    assert all(a.isVisible() for a in feature.actions())


def test_the_demo_house_is_never_restored_into_nor_backed_up_automatically(
    qtbot: QtBot, db: Database, tmp_path: Path, shown: Messages
) -> None:
    window = open_window(qtbot, db, tmp_path / "profile", is_demo=True)
    feature = feature_of(window)
    assert not feature.restore_action.isEnabled()
    assert feature.restore_action.statusTip() == "Not in the demo house"
    assert not feature.automatic.timer.isActive()
    change_something(db)
    window.close()
    assert local_backups(window) == []


# --------------------------------------------------------------------------- automatic


def automatic_backups_made(db: Database) -> int:
    with db.read() as s:
        return (
            s.query(BackupRecord)
            .filter(BackupRecord.kind == "automatic", BackupRecord.verified.is_(True))
            .count()
        )


def newest_residents(window: MainWindow) -> int:
    """Residents in the newest automatic backup (older ones of the same day are thinned)."""
    (newest, *_older) = backup.list_backups(window.ctx.paths.local_backup_dir)
    assert newest.kind == "automatic"
    return newest.row_counts["residents"]


def test_closing_backs_up_only_when_something_changed(
    qtbot: QtBot, db: Database, tmp_path: Path, shown: Messages
) -> None:
    profile = tmp_path / "profile"
    first = open_window(qtbot, db, profile)
    assert feature_of(first).automatic.timer.isActive()
    change_something(db)
    first.close()
    assert automatic_backups_made(db) == 1
    assert newest_residents(first) == 1

    second = open_window(qtbot, db, profile)
    second.close()
    assert automatic_backups_made(db) == 1, "nothing changed: no new backup"

    third = open_window(qtbot, db, profile)
    change_something(db, "Casey")
    third.close()
    assert automatic_backups_made(db) == 2
    assert newest_residents(third) == 2
    assert len(local_backups(third)) == 1, "one a day is kept (thinned by age)"
    assert shown.shown == []


def test_while_open_an_automatic_backup_is_made_when_due(
    window: MainWindow, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    automatic = feature_of(window).automatic
    assert automatic.timer.interval() == feature_module.CHECK_EVERY_MS
    automatic.timer.timeout.emit()
    assert automatic.job is None, "nothing changed since the house was made: not due"

    change_something(db)
    automatic.timer.timeout.emit()
    job = automatic.job
    assert job is not None and job.task.dialog is None, "no progress window while working"
    job.task.wait()
    assert automatic_backups_made(db) == 1 and newest_residents(window) == 1
    assert window.statusBar().currentMessage().startswith("Automatic backup made (")

    change_something(db, "Casey")
    automatic.timer.timeout.emit()
    assert automatic.job is job, "less than 30 minutes since the last one: not yet"
    later = clock.now_utc() + dt.timedelta(minutes=31)
    monkeypatch.setattr(clock, "now_utc", lambda: later)
    automatic.timer.timeout.emit()
    assert automatic.job is not job
    automatic.job.task.wait()  # type: ignore[union-attr]
    assert automatic_backups_made(db) == 2 and newest_residents(window) == 2


def test_a_failed_automatic_backup_goes_to_the_log_and_the_status_bar(
    window: MainWindow, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    folder = window.ctx.paths.local_backup_dir
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the backup folder should be", encoding="utf-8")
    change_something(db)
    automatic = feature_of(window).automatic
    with caplog.at_level(logging.WARNING, logger="peerdesk"):
        automatic.timer.timeout.emit()
        assert automatic.job is not None
        automatic.job.task.wait()
    message = window.statusBar().currentMessage()
    assert message.startswith("The automatic backup failed: ")
    assert "Traceback" not in message
    assert "The automatic backup failed" in caplog.text
    with db.read() as s:
        record = s.query(BackupRecord).one()
    assert record.kind == "automatic" and not record.verified
    window.close()  # the closing attempt fails the same way, quietly
    assert "The automatic backup failed" in caplog.text


def test_a_defect_while_closing_never_stops_the_window_closing(
    window: MainWindow,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> bool:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(backup, "automatic_backup_due", broken)
    with caplog.at_level(logging.ERROR, logger="peerdesk"):
        window.close()
    assert not window.isVisible()
    assert "RuntimeError: the disk went away" in caplog.text


def test_a_restore_pauses_the_automatic_backups(window: MainWindow, db: Database) -> None:
    automatic = feature_of(window).automatic
    change_something(db)
    automatic.timer.timeout.emit()
    automatic.pause()
    assert not automatic.timer.isActive() and not automatic.is_running
    automatic.resume()
    assert automatic.timer.isActive()


# --------------------------------------------------------------------------- Home


def test_home_warns_without_a_usb_backup_and_the_warning_opens_the_backup_dialog(
    window: MainWindow, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def back_up_now(_parent: object, ctx: object) -> backup.BackupResult:
        made = usb_backup(db, tmp_path / "usb")
        window.ctx.announce("backup_log", 0)
        return made

    asked = patch_dialog(monkeypatch, "backup", "BackupDialog", back_up_now)
    home = window.home
    warning, action = home.backup.buttons
    assert warning.text() == (
        "⚠ This house has never been backed up to a USB drive; make a backup today."
    )
    assert action.text() == "Back up to a USB drive now…"
    warning.click()
    assert len(asked) == 1
    assert home.backup.buttons == [], "a verified backup today: no warning"
    assert (
        home.backup.findChildren(type(home.heading))[-1]
        .text()
        .startswith("Last verified USB backup today (")
    )


def test_home_warns_when_the_last_usb_backup_is_older_than_the_house_setting(
    window: MainWindow, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = patch_dialog(monkeypatch, "backup", "BackupDialog", lambda *a: None)
    with db.begin() as s:
        s.add(
            BackupRecord(
                at=clock.now_utc() - dt.timedelta(days=9),
                username="local",
                kind="usb",
                location="/media/stick/PeerDesk backups/old.pdbk",
                size_bytes=1000,
                verified=True,
                message="Verified.",
            )
        )
    window.ctx.announce("backup_log", 0)
    warning, action = window.home.backup.buttons
    action.click()
    assert len(asked) == 1
    assert warning.text().startswith("⚠ The last verified USB backup is 9 days old (")
    assert warning.text().endswith("make a backup today.")
