"""A name pasted with a line break, or typed with a right-to-left override, through the real
window's intake form: the form stays open with the sentence beside each field, and nothing
is written. (Every other form shows its service's sentence the same way; the services' own
checks are in tests/unit/test_hostile_input.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import settings as settings_service
from peerdesk.ui.dialogs.resident import ResidentDialog
from peerdesk.ui.main_window import MainWindow
from tests.ui.dialog_support import press_save, row_counts
from tests.window_support import Messages, open_window

pytestmark = pytest.mark.tally("hostile inputs answered with one sentence")


@pytest.fixture
def window(
    qtbot: QtBot, db: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    Messages().install(monkeypatch)
    with db.begin() as s:
        settings_service.name_house(s, admin, "Maple House")
    return open_window(qtbot, db, tmp_path / "profile")


def test_the_intake_form_refuses_a_pasted_line_break_and_a_right_to_left_override(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    seen: dict[str, str | None] = {}

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not open yet
            QTimer.singleShot(20, fill_and_save)
            return
        assert isinstance(dialog, ResidentDialog)
        dialog.first_name.setText("Jamie\u202eeoD")  # shown as "JamieDoe" turned around
        QApplication.clipboard().setText("Doe\r\nSmith")  # copied from two cells of a sheet
        dialog.last_name.paste()
        dialog.living.setCurrentIndex(dialog.living.findText("Homeless — emergency shelter"))
        press_save(dialog)
        seen["open"] = "yes" if dialog.isVisible() else None
        for field in ("first_name", "last_name"):
            label = dialog.errors.label_for(field)
            seen[field] = label.text() if label.isVisibleTo(dialog) else None
        dialog.reject()

    before = row_counts(db)
    window.tabs.setCurrentWidget(window.residents)
    QTimer.singleShot(0, fill_and_save)
    button = window.residents.toolbar.widgetForAction(window.residents.new_action)
    assert button is not None
    button.click()  # the form is modal: this returns once it is closed

    assert seen["open"] == "yes", "the refused form stayed open"
    assert seen["first_name"] == (
        "First name contains a character that cannot be printed (a right-to-left override); "
        "type it again without it."
    )
    assert seen["last_name"] == (
        "Last name contains a character that cannot be printed (a line break); "
        "type it again without it."
    )
    assert row_counts(db) == before
    assert QApplication.activeModalWidget() is None or not isinstance(
        QApplication.activeModalWidget(), QDialog
    )
