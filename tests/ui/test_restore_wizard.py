"""The Restore wizard: choose, open, check, compare, and the window built again on the
restored records. Real backups (a cheap KDF), a real demo house, the real run_gui loop."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk import app
from peerdesk.core import backup, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import Resident
from peerdesk.core.services import users
from peerdesk.core.services.settings import name_house
from peerdesk.paths import Paths
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.backup import DRIVE_FOLDER, FOLDER_SETTING
from peerdesk.ui.dialogs.restore import RestoreRequest, RestoreRun, RestoreWizard
from peerdesk.ui.dialogs.sign_in import SignInDialog
from peerdesk.ui.dialogs.welcome import WelcomeDialog
from peerdesk.ui.features.backup import BackupFeature
from peerdesk.ui.main_window import MainWindow
from tests import factories as f
from tests.reliability.helpers import fingerprint, table_rows
from tests.ui.backup_support import (
    ADMIN,
    PASSPHRASE,
    copy_house,
    pc_disk,
    usb_backup,
    usb_volume,
)
from tests.ui.dialog_support import control_problems, make_context
from tests.window_support import Messages, demo_house, paths_for


@pytest.fixture(scope="module")
def house_file(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    return demo_house(tmp_path_factory, template_db, beds=6, years=0.5, seed=4)


@pytest.fixture
def house(house_file: Path, tmp_path: Path, today: dt.date) -> Iterator[Database]:
    db = Database.open(copy_house(house_file, tmp_path / "pc"))
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def drive(tmp_path: Path) -> Path:
    return tmp_path / "usb" / DRIVE_FOLDER


@pytest.fixture
def made(house: Database, drive: Path) -> backup.BackupResult:
    return usb_backup(house, drive)


@pytest.fixture
def ctx(house: Database, tmp_path: Path, drive: Path) -> UiContext:
    context = make_context(house, ADMIN)
    context.paths = paths_for(house.path, tmp_path / "profile")
    context.settings.setValue(FOLDER_SETTING, str(drive))  # the drive used last time
    return context


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


def open_wizard(qtbot: QtBot, ctx: UiContext) -> RestoreWizard:
    wizard = RestoreWizard(None, ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def add_resident_after_the_backup(db: Database) -> None:
    with db.begin() as s:
        f.resident(s, ADMIN, first="Added", last="Afterwards", intake=dt.date(2026, 6, 14))


# --------------------------------------------------------------------------- choosing


def test_the_drive_used_last_is_looked_in_and_its_backups_listed(
    qtbot: QtBot, ctx: UiContext, made: backup.BackupResult, drive: Path
) -> None:
    usb_backup(ctx.db, drive)  # a second one, newer
    wizard = open_wizard(qtbot, ctx)
    assert wizard.step_title.text() == "Step 1 of 4: Choose the backup"
    assert wizard.folder_label.text() == f"Looking in {drive}"
    assert wizard.found.topLevelItemCount() == 2
    first = wizard.found.topLevelItem(0)
    assert first is not None
    assert first.text(1) == "Riverbend Recovery House (demo)"
    assert first.text(2) == "USB backup"
    assert first.text(3).endswith(("kB", "MB"))
    assert wizard.info is not None and wizard.info.created_at >= made.info.created_at
    assert wizard.ok_button.text() == "&Next >" and wizard.ok_button.isEnabled()
    assert not wizard.back_button.isVisible()
    assert control_problems(wizard) == []


def test_an_empty_or_missing_folder_says_what_to_do(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, ctx)
    assert wizard.none_found.text().startswith("The folder is not there")
    assert not wizard.ok_button.isEnabled()
    wizard.show_folder(tmp_path)
    assert wizard.none_found.text().startswith("There are no PeerDesk backups in this folder.")


def test_a_new_pc_lists_the_usb_drives_and_finds_a_stick_plugged_in_late(
    qtbot: QtBot,
    house: Database,
    tmp_path: Path,
    drive: Path,
    made: backup.BackupResult,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 17: on a new PC the restore looked in the PC's own empty backups folder and
    asked "is the USB drive plugged in?" without looking at the drives."""
    context = make_context(house, ADMIN)
    context.paths = paths_for(house.path, tmp_path / "new-profile")  # nothing remembered
    volumes = [pc_disk()]
    monkeypatch.setattr("peerdesk.ui.dialogs.restore.mounted_volumes", lambda: volumes)
    wizard = open_wizard(qtbot, context)
    assert wizard.folder == context.paths.local_backup_dir
    assert wizard.none_found.text().startswith("This PC has no automatic backups yet.")
    assert wizard.drives_label.text() == "USB drives: none plugged in."
    volumes.append(usb_volume(drive.parent))  # the stick goes in
    wizard.look_again.click()
    (stick,) = wizard.drive_buttons
    stick.click()
    assert wizard.folder == drive and wizard.found.topLevelItemCount() == 1
    assert wizard.ok_button.isEnabled()


def test_a_damaged_file_is_named_before_any_passphrase(
    qtbot: QtBot, ctx: UiContext, made: backup.BackupResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = bytearray(made.path.read_bytes())
    data[30] ^= 0x20  # the header
    made.path.write_bytes(bytes(data))
    wizard = open_wizard(qtbot, ctx)
    assert wizard.found.topLevelItemCount() == 0, "a backup that is not whole is not offered"
    monkeypatch.setattr(wizard, "choose_file", lambda: made.path)
    wizard.any_file.click()
    assert wizard.banner.text().startswith("This backup file is damaged (")
    assert wizard.banner.text().endswith("use another backup.")
    assert not wizard.ok_button.isEnabled()


# --------------------------------------------------------------------------- opening


def go_to_check(wizard: RestoreWizard, secret: str) -> None:
    wizard.accept()  # the backup chosen → open it
    assert wizard.step == RestoreWizard.UNLOCK
    wizard.unlock_panel.secret.setText(secret)
    wizard.accept()  # → check
    wizard.wait()


def test_a_wrong_passphrase_is_not_right_and_changes_nothing(
    qtbot: QtBot, ctx: UiContext, house: Database, made: backup.BackupResult
) -> None:
    before = fingerprint(house.path)
    wizard = open_wizard(qtbot, ctx)
    go_to_check(wizard, "our house on Maple St")
    assert wizard.step == RestoreWizard.CHECK
    text = wizard.check_outcome.text()
    assert text.startswith("The passphrase is not right; type it again exactly as it was set")
    assert wizard.check_outcome.kind == "error"
    assert not wizard.ok_button.isEnabled() and wizard.back_button.isEnabled()
    wizard.back_button.click()
    assert wizard.step == RestoreWizard.UNLOCK
    assert wizard.request is None
    assert fingerprint(house.path) == before


def test_an_empty_or_mistyped_secret_is_caught_before_checking(
    qtbot: QtBot, ctx: UiContext, made: backup.BackupResult
) -> None:
    wizard = open_wizard(qtbot, ctx)
    wizard.accept()
    wizard.accept()
    assert wizard.step == RestoreWizard.UNLOCK
    assert wizard.unlock_message.text() == "Type the backup's passphrase."


def test_a_damaged_part_inside_is_found_by_the_check(
    qtbot: QtBot, ctx: UiContext, house: Database, made: backup.BackupResult
) -> None:
    data = bytearray(made.path.read_bytes())
    data[-100] ^= 0x01  # inside the last part of the records
    made.path.write_bytes(bytes(data))
    before = fingerprint(house.path)
    wizard = open_wizard(qtbot, ctx)
    go_to_check(wizard, PASSPHRASE)
    text = wizard.check_outcome.text()
    assert text.startswith("This backup file is damaged (part ")
    assert text.endswith("was changed or is out of place); use another backup.")
    assert not wizard.ok_button.isEnabled()
    assert fingerprint(house.path) == before
    assert not list(house.path.parent.glob(".peerdesk-work-*")), "nothing decrypted is left"


def test_the_recovery_key_opens_a_backup(
    qtbot: QtBot, ctx: UiContext, house: Database, drive: Path
) -> None:
    sheet = backup.new_recovery_sheet(house, ADMIN)
    backup.adopt_recovery_key(house, ADMIN, sheet)
    usb_backup(house, drive)
    wizard = open_wizard(qtbot, ctx)
    wizard.accept()
    panel = wizard.unlock_panel
    assert panel.ways.text() == (
        f"This backup opens with its passphrase or the recovery key with ID {sheet.key_id}."
    )
    panel.use_recovery.setChecked(True)
    panel.secret.setText(sheet.key_text.lower().replace("-", " "))
    wizard.accept()
    wizard.wait()
    assert wizard.step == RestoreWizard.CONFIRM


def test_an_automatic_backup_of_this_pc_opens_with_this_pcs_key(
    qtbot: QtBot, ctx: UiContext, house: Database
) -> None:
    add_resident_after_the_backup(house)
    made = backup.back_up_automatically(house, ADMIN, ctx.paths, on_exit=True)
    assert made is not None
    wizard = open_wizard(qtbot, ctx)
    wizard.automatic_folder.click()
    assert wizard.folder == ctx.paths.local_backup_dir
    first = wizard.found.topLevelItem(0)
    assert first is not None and first.text(2) == "Automatic (made on a PC)"
    wizard.accept()
    assert wizard.unlock_panel.use_local.isVisible() and wizard.unlock_panel.use_local.isChecked()
    assert not wizard.unlock_panel.secret.isVisible(), "nothing to type"
    wizard.accept()
    wizard.wait()
    assert wizard.step == RestoreWizard.CONFIRM


# --------------------------------------------------------------------------- confirming


def test_the_backup_is_shown_beside_this_pc_and_must_be_agreed_to(
    qtbot: QtBot, ctx: UiContext, house: Database, made: backup.BackupResult
) -> None:
    add_resident_after_the_backup(house)
    wizard = open_wizard(qtbot, ctx)
    go_to_check(wizard, PASSPHRASE)
    assert wizard.step == RestoreWizard.CONFIRM
    assert wizard.step_title.text() == "Step 4 of 4: Restore it?"
    assert wizard.verified_line.text() == "✔ The backup is whole and opens."
    assert wizard.question.text().startswith("Restore Riverbend Recovery House (demo) as it was on")
    page = wizard.steps.widget(RestoreWizard.CONFIRM)
    cells = [label.text() for label in page.findChildren(type(wizard.question)) if label.text()]
    backup_residents = made.info.row_counts["residents"]
    assert "In the backup" in cells and "On this PC now" in cells
    assert any(c.startswith(f"{backup_residents} (") for c in cells)
    assert any(c.startswith(f"{backup_residents + 1} (") for c in cells)
    assert "will no longer be in PeerDesk (it stays in the safety copy)" in wizard.warnings.text()
    assert wizard.explain.text().startswith("Restoring replaces all the records on this PC")
    assert str(ctx.paths.local_backup_dir) in wizard.explain.text()
    assert wizard.ok_button.text() == "&Restore" and not wizard.ok_button.isEnabled()
    assert control_problems(wizard) == []
    wizard.agree.setChecked(True)
    assert wizard.ok_button.isEnabled()
    wizard.accept()
    request = wizard.request
    assert request is not None and request.path == made.path
    assert request.preview.backup.info.backup_id == made.info.backup_id
    assert wizard.result() == 1
    with house.read() as s:
        assert "Added" in set(s.scalars(select(Resident.first_name))), (
            "nothing is restored by the wizard itself"
        )


def test_a_backup_of_the_same_house_renamed_is_not_another_house(
    qtbot: QtBot, ctx: UiContext, house: Database, made: backup.BackupResult
) -> None:
    with house.begin() as s:
        name_house(s, ADMIN, "Hope Street House")
    wizard = open_wizard(qtbot, ctx)
    go_to_check(wizard, PASSPHRASE)
    assert "another house" not in wizard.warnings.text()
    assert wizard.agree.text() == "&Yes, replace the records on this PC with this backup"


def test_a_backup_of_another_house_is_pointed_out_by_its_identity(
    qtbot: QtBot, made: backup.BackupResult, drive: Path, tmp_path: Path, today: dt.date
) -> None:
    (tmp_path / "other").mkdir()
    other = Database.open(tmp_path / "other" / "peerdesk.sqlite3")  # a house made apart
    try:
        with other.begin() as s:
            name_house(s, ADMIN, "Hope Street House")
            f.resident(s, ADMIN, "Aisha", "Brown")
        context = make_context(other, ADMIN)
        context.paths = paths_for(other.path, tmp_path / "other-profile")
        context.settings.setValue(FOLDER_SETTING, str(drive))
        wizard = open_wizard(qtbot, context)
        go_to_check(wizard, PASSPHRASE)
        warning = wizard.warnings.text()
        assert warning.startswith(
            "This backup is of another house: Riverbend Recovery House (demo) (house ID "
        ), warning
        assert "not Hope Street House now on this PC (house ID " in warning
        assert wizard.agree.text() == (
            "&Yes, put Riverbend Recovery House (demo) in place of Hope Street House on this PC"
        )
        assert not wizard.ok_button.isEnabled(), "nothing happens before the box is ticked"
        wizard.agree.setChecked(True)
        assert wizard.ok_button.isEnabled()
        wizard.reject()
    finally:
        other.close()


def test_on_a_new_pc_only_named_at_the_welcome_nothing_is_said_to_be_replaced(
    qtbot: QtBot, db: Database, made: backup.BackupResult, drive: Path, tmp_path: Path
) -> None:
    with db.begin() as s:
        name_house(s, ADMIN, "Typed at the welcome")
    context = make_context(db, ADMIN)
    context.paths = paths_for(db.path, tmp_path / "new-pc-profile")
    context.settings.setValue(FOLDER_SETTING, str(drive))
    wizard = open_wizard(qtbot, context)
    go_to_check(wizard, PASSPHRASE)
    assert wizard.step == RestoreWizard.CONFIRM
    assert not wizard.warnings.isVisible(), wizard.warnings.text()
    assert wizard.explain.text().startswith("There are no records on this PC yet")


def test_a_restore_that_fails_leaves_the_records_and_the_window_as_they_were(
    qtbot: QtBot,
    ctx: UiContext,
    house: Database,
    made: backup.BackupResult,
    shown: Messages,
) -> None:
    wizard = open_wizard(qtbot, ctx)
    go_to_check(wizard, PASSPHRASE)
    assert wizard.preview is not None
    made.path.unlink()  # the drive was pulled out between the check and the restore
    add_resident_after_the_backup(house)
    before = table_rows(house.path)
    parent = QWidget()
    qtbot.addWidget(parent)
    run = RestoreRun(parent, ctx, RestoreRequest(made.path, PASSPHRASE_UNLOCK, wizard.preview))
    ended: list[object] = []
    run.ended.connect(ended.append)
    run.start()
    run.wait()
    assert ended == [None]
    ((kind, title, text),) = shown.shown
    assert (kind, title) == ("error", "Restore a backup")
    assert text.startswith(f"Could not read {made.path}")
    assert table_rows(house.path) == before
    with house.read() as s:  # the window's database opens again after the attempt
        assert "Added" in set(s.scalars(select(Resident.first_name)))


PASSPHRASE_UNLOCK = backup.Passphrase(PASSPHRASE)


def test_cancel_during_the_restore_keeps_the_records_as_they_were(
    qtbot: QtBot,
    ctx: UiContext,
    house: Database,
    made: backup.BackupResult,
    shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wizard = open_wizard(qtbot, ctx)
    go_to_check(wizard, PASSPHRASE)
    assert wizard.preview is not None
    add_resident_after_the_backup(house)
    before = table_rows(house.path)
    reached, go_on = threading.Event(), threading.Event()
    real_summary = backup._current_summary

    def held(target: Path) -> tuple[backup.HouseSummary | None, str]:
        if threading.current_thread() is not threading.main_thread():
            reached.set()
            go_on.wait(10)  # the restore waits here until Cancel has been pressed
        return real_summary(target)

    monkeypatch.setattr(backup, "_current_summary", held)
    parent = QWidget()
    qtbot.addWidget(parent)
    run = RestoreRun(parent, ctx, RestoreRequest(made.path, PASSPHRASE_UNLOCK, wizard.preview))
    ended: list[object] = []
    run.ended.connect(ended.append)
    run.start()
    assert reached.wait(10)
    dialog = run.job.task.dialog
    assert dialog is not None and dialog.labelText().startswith("Restoring the backup made on")
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    cancel.click()
    go_on.set()
    run.wait()
    assert ended == [None]
    assert shown.shown == [
        (
            "info",
            "Restore a backup",
            "The restore was stopped; the records on this PC are as they were.",
        )
    ]
    assert table_rows(house.path) == before
    assert not list(ctx.paths.local_backup_dir.glob("*before-restore*"))


# --------------------------------------------------------------------------- the window again


def add_dana(db: Database) -> None:
    """The house manager's administrator account, which a backup carries with it."""
    with db.begin() as s:
        users.create_user(
            s, Actor.local_administrator(), "dana", "Dana Whitaker",
            vocab.Role.ADMINISTRATOR, "porch swing after supper",
        )  # fmt: skip


def test_a_good_backup_is_restored_and_the_window_comes_back_on_its_records(
    qapp: QApplication,
    house_file: Path,
    tmp_path: Path,
    shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths: Paths = paths_for(copy_house(house_file, tmp_path / "pc"), tmp_path / "profile")
    drive = tmp_path / "usb" / DRIVE_FOLDER
    with Database.open(paths.db) as db:
        add_dana(db)
        made = usb_backup(db, drive)
        expected = table_rows(paths.db)
        add_resident_after_the_backup(db)
    app.open_settings(paths).setValue(FOLDER_SETTING, str(drive))

    # Dana signs in at the start, and again once the window comes back on the restored house.
    sign_ins: list[str] = []

    def type_the_password(dialog: SignInDialog) -> int:
        dialog.show()
        dialog.username.setText("dana")
        dialog.password.setText("porch swing after supper")
        dialog.accept()
        assert dialog.actor is not None, dialog.banner.text()
        sign_ins.append(dialog.actor.username)
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", type_the_password)

    def drive_the_wizard(parent: QWidget, ctx: UiContext) -> RestoreRequest | None:
        wizard = RestoreWizard(parent, ctx)
        wizard.show()
        go_to_check(wizard, PASSPHRASE)
        wizard.agree.setChecked(True)
        wizard.accept()
        wizard.deleteLater()
        return wizard.request

    monkeypatch.setattr(RestoreWizard, "ask", staticmethod(drive_the_wizard))
    windows: list[dict[str, object]] = []
    real_build = app.build_window

    def build(ctx: UiContext) -> MainWindow:
        window = real_build(ctx)
        number = len(windows)

        def act() -> None:
            seen: dict[str, object] = {"title": window.windowTitle()}
            with window.ctx.db.read() as s:
                seen["names"] = set(s.scalars(select(Resident.first_name)))
            windows.append(seen)
            if number == 0:
                feature = window.findChild(BackupFeature)
                assert feature is not None
                feature.restore_action.trigger()  # the wizard, then the restore
            else:
                window.close()

        QTimer.singleShot(0, act)
        return window

    monkeypatch.setattr(app, "build_window", build)
    assert app.run_gui(paths) == 0

    assert len(windows) == 2, "the window was built again after the restore"
    assert sign_ins == ["dana", "dana"], "a sign-in before each window"
    assert "Added" in windows[0]["names"]  # type: ignore[operator]
    assert "Added" not in windows[1]["names"]  # type: ignore[operator]
    assert windows[1]["title"] == windows[0]["title"]
    after = table_rows(paths.db)
    for table in ("residents", "stays", "peer_sessions", "session_attendees", "assessments"):
        assert after[table] == expected[table], table
    ((kind, title, text),) = shown.shown
    assert (kind, title) == ("info", "Backup restored")
    assert text.startswith("The backup made on ")
    assert "The records that were on this PC are kept in " in text
    assert text.endswith("PeerDesk now opens again on the restored records.")
    safety = list(paths.local_backup_dir.glob("*-before-restore.pdbk"))
    assert len(safety) == 1
    # The safety copy holds what was replaced, "Added Afterwards" included.
    local = backup.LocalKey.load(backup.local_key_path(paths))
    assert local is not None
    kept = backup.verify_backup(safety[0], local)
    assert kept.summary.residents == made.info.row_counts["residents"] + 1
    assert not paths.lock_file.exists()


# --------------------------------------------------------------------------- a new PC


def test_on_a_new_pc_the_welcome_restores_the_house_from_the_usb_drive(
    qapp: QApplication,
    house_file: Path,
    tmp_path: Path,
    shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The old PC's house, with Dana's account, backed up to the stick.
    old = copy_house(house_file, tmp_path / "old-pc")
    stick = tmp_path / "usb"
    with Database.open(old) as db:
        add_dana(db)
        made = usb_backup(db, stick / DRIVE_FOLDER)
    expected = table_rows(old)
    # The new PC: nothing yet, and the stick plugged in.
    folder = tmp_path / "new-pc"
    folder.mkdir()
    paths = paths_for(folder / "peerdesk.sqlite3", folder)
    monkeypatch.setattr(
        "peerdesk.ui.dialogs.restore.mounted_volumes", lambda: [usb_volume(stick), pc_disk()]
    )
    steps: list[str] = []

    def choose_restore(dialog: WelcomeDialog) -> int:
        dialog.show()
        steps.append("welcome")
        dialog.restore_button.click()
        return dialog.result()

    def drive_the_wizard(parent: QWidget, ctx: UiContext) -> RestoreRequest | None:
        wizard = RestoreWizard(parent, ctx)
        wizard.show()
        steps.append(f"wizard looks in {wizard.folder}")
        go_to_check(wizard, PASSPHRASE)
        steps.append(wizard.explain.text())
        wizard.agree.setChecked(True)
        wizard.accept()
        wizard.deleteLater()
        return wizard.request

    def sign_in(dialog: SignInDialog) -> int:
        dialog.show()
        steps.append("sign-in")
        dialog.username.setText("dana")
        dialog.password.setText("porch swing after supper")
        dialog.accept()
        return dialog.result()

    def look_and_close(window: MainWindow) -> None:
        steps.append(window.windowTitle())
        window.close()

    monkeypatch.setattr(WelcomeDialog, "exec", choose_restore)
    monkeypatch.setattr(RestoreWizard, "ask", staticmethod(drive_the_wizard))
    monkeypatch.setattr(SignInDialog, "exec", sign_in)
    real_build = app.build_window

    def build(ctx: UiContext) -> MainWindow:
        window = real_build(ctx)
        QTimer.singleShot(0, lambda: look_and_close(window))
        return window

    monkeypatch.setattr(app, "build_window", build)
    assert app.run_gui(paths) == 0

    assert steps == [
        "welcome",
        f"wizard looks in {stick / DRIVE_FOLDER}",
        "There are no records on this PC yet, so nothing of the house's is replaced. After "
        "the restore PeerDesk opens again on the restored records.",
        "sign-in",
        f"PeerDesk — {made.info.house_name} — DEMO — Dana Whitaker",
    ], "no first administrator to make: the house came with its accounts"
    after = table_rows(paths.db)
    for table in ("residents", "stays", "peer_sessions", "session_attendees"):
        assert after[table] == expected[table], table
    assert [row[1] for row in after["users"]] == ["dana"]
    ((kind, title, text),) = shown.shown
    assert (kind, title) == ("info", "Backup restored")
    assert "kept in" not in text, "nothing was on this PC to keep"
    assert not list(paths.local_backup_dir.glob("*before-restore*"))
    assert not paths.lock_file.exists()


def test_a_restore_given_up_at_the_welcome_goes_back_to_it_and_leaves_nothing(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new-pc"
    folder.mkdir()
    paths = paths_for(folder / "peerdesk.sqlite3", folder)
    welcomes: list[str] = []

    def restore_then_close(dialog: WelcomeDialog) -> int:
        welcomes.append("shown")
        if len(welcomes) == 1:
            dialog.restore_button.click()  # then Cancel in the wizard
        else:
            dialog.reject()  # the second time the person closes the welcome
        return dialog.result()

    monkeypatch.setattr(WelcomeDialog, "exec", restore_then_close)
    monkeypatch.setattr(RestoreWizard, "ask", staticmethod(lambda parent, ctx: None))
    assert app.run_gui(paths) == 0
    assert welcomes == ["shown", "shown"]
    assert not paths.db.exists(), "no half-made database is left behind"
