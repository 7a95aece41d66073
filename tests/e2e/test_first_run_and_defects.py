"""From a clean profile to the first resident, and a defect in the window, end to end.

Both run PeerDesk the way a double-click does (``peerdesk`` with no arguments, through
``cli.main``), with the real welcome, the real first administrator, the real intake form and
the real message box; only each dialog's ``exec`` is replaced by what a person would do in
it, so nothing waits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from peerdesk import cli, logs
from peerdesk.core import audit
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import Resident, User
from peerdesk.core.services import settings as settings_service
from peerdesk.paths import default_paths
from peerdesk.ui.dialogs.first_admin import FirstAdministratorDialog
from peerdesk.ui.dialogs.resident import ResidentDialog
from peerdesk.ui.dialogs.welcome import WelcomeDialog
from peerdesk.ui.main_window import MainWindow


def make_the_administrator(seen: dict[str, object]) -> Callable[[FirstAdministratorDialog], int]:
    """What the house manager does in the first administrator form: their name, a password
    twice, and Create account."""

    def fill(dialog: FirstAdministratorDialog) -> int:
        dialog.show()
        seen["first administrator"] = dialog.windowTitle()
        QTest.keyClicks(dialog.full_name, "Dana Whitaker")  # suggests the username
        QTest.keyClicks(dialog.password, "a long passphrase for the office")
        QTest.keyClicks(dialog.password_again, "a long passphrase for the office")
        dialog.ok_button.click()
        seen["administrator problems"] = [dialog.banner.text()] if dialog.isVisible() else []
        return dialog.result()

    return fill


def once_the_window_is_up(step: Callable[[MainWindow], None]) -> None:
    """Run ``step`` on the main window as soon as the event loop shows it, then close it."""

    def run() -> None:
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        try:
            step(window)
        finally:
            window.close()  # the last window closed ends the program, as for a person

    QTimer.singleShot(0, run)


def test_a_clean_profile_goes_from_the_welcome_to_the_first_resident(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, today: dt.date
) -> None:
    paths = default_paths()
    assert not paths.data_dir.exists() or not any(paths.data_dir.iterdir()), "a clean profile"
    seen: dict[str, object] = {}

    def type_the_house_name(dialog: WelcomeDialog) -> int:
        dialog.show()
        seen["welcome"] = dialog.windowTitle()
        QTest.keyClicks(dialog.name_edit, "Hope Street House")
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Enter presses Start
        return dialog.result()

    def admit_the_first_resident(dialog: ResidentDialog) -> int:
        dialog.show()
        seen["intake"] = dialog.windowTitle()
        QTest.keyClicks(dialog.first_name, "Jamie")
        QTest.keyClicks(dialog.last_name, "Doe")
        dialog.intake_date.date_edit.setDate(QDate(today.year, today.month, today.day))
        dialog.living.setCurrentIndex(dialog.living.findText("Homeless — emergency shelter"))
        dialog.room.setText("3")
        dialog.ok_button.click()
        seen["intake problems"] = [
            f"{f}: {dialog.errors.message_for(f)}"
            for f in dialog.errors.fields()
            if dialog.errors.message_for(f)
        ] + ([dialog.banner.text()] if dialog.isVisible() else [])
        return dialog.result()

    def first_resident(window: MainWindow) -> None:
        seen["title"] = window.windowTitle()
        window.tab_actions[1].trigger()  # View → Residents
        window.new_action.trigger()  # File → New record…
        tab = window.residents
        seen["rows"] = [
            tab.model.index(row, tab.spec.column_index("name")).data()
            for row in range(tab.model.rowCount())
        ]
        window.home.refresh()
        seen["home"] = window.home.status_text

    monkeypatch.setattr(WelcomeDialog, "exec", type_the_house_name)
    monkeypatch.setattr(FirstAdministratorDialog, "exec", make_the_administrator(seen))
    monkeypatch.setattr(ResidentDialog, "exec", admit_the_first_resident)
    once_the_window_is_up(first_resident)

    assert cli.main([]) == 0
    assert seen["welcome"] == "Welcome to PeerDesk"
    assert seen["administrator problems"] == []
    assert seen["title"] == "PeerDesk — Hope Street House — Dana Whitaker"
    assert seen["intake"] == "New resident: intake"
    assert seen["intake problems"] == []
    assert seen["rows"] == ["Doe, Jamie"]
    assert seen["home"] == "1 in residence"
    with Database.open(paths.db) as db, db.read() as s:
        assert settings_service.get_settings(s).house_name == "Hope Street House"
        assert audit.verify_chain(s) == []
        names = s.execute(select(Resident.first_name, Resident.last_name, Resident.room)).all()
        assert [tuple(row) for row in names] == [("Jamie", "Doe", "3")]
        accounts = s.execute(select(User.username, User.full_name, User.role)).all()
        assert [(u, n, str(r)) for u, n, r in accounts] == [
            ("dana", "Dana Whitaker", "administrator")
        ]
    assert paths.settings_file.is_file() and paths.log_file.is_file()
    assert not paths.lock_file.exists()


def test_a_defect_in_a_slot_is_one_sentence_copy_details_and_the_traceback_in_the_log(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = default_paths()
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    with Database.open(paths.db) as db, db.begin() as s:
        settings_service.name_house(s, Actor.local_administrator(), "Hope Street House")

    def deliberate_defect(_window: MainWindow) -> None:
        raise ZeroDivisionError("a deliberate defect")

    monkeypatch.setattr(MainWindow, "refresh", deliberate_defect)  # View → Refresh's slot
    boxes: list[dict[str, object]] = []

    def look_and_copy(box: QMessageBox) -> int:
        copy = next(b for b in box.buttons() if b.text() == "&Copy details")
        copy.click()
        boxes.append(
            {
                "text": box.text(),
                "buttons": sorted(b.text() for b in box.buttons()),
                "details": box.detailedText(),
                "copied": QApplication.clipboard().text(),
            }
        )
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", look_and_copy)
    monkeypatch.setattr(FirstAdministratorDialog, "exec", make_the_administrator({}))
    after: list[str] = []

    def trigger_the_defect(window: MainWindow) -> None:
        window.refresh_action.trigger()
        window.tab_actions[2].trigger()  # the window goes on working afterwards
        after.append(window.tabs.tabText(window.tabs.currentIndex()))

    once_the_window_is_up(trigger_the_defect)
    assert cli.main([]) == 0
    (box,) = boxes
    assert box["text"] == logs.FAILURE_SENTENCE
    assert "Copy details" in " ".join(map(str, box["buttons"])).replace("&", "")
    assert box["copied"] == box["details"]
    details = str(box["details"])
    assert details.startswith("PeerDesk ") and "Traceback" in details
    assert "ZeroDivisionError: a deliberate defect" in details
    assert after == ["Mentors"]
    for handler in logging.getLogger(logs.LOGGER_NAME).handlers:
        handler.flush()
    log = paths.log_file.read_text(encoding="utf-8")
    assert "ERROR peerdesk: Unexpected error:" in log
    assert "ZeroDivisionError: a deliberate defect" in log and "deliberate_defect" in log
