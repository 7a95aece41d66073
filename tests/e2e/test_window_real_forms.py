"""A week in the house through the real window and the real forms, each really modal.

Nothing is patched: a toolbar button or shortcut opens the form with its own ``ask`` (a modal
``exec``); while it is open, a timer fills it through its widgets, as a person would, and
presses Save. The tests then read what the window shows: the right tab, the right counts,
the Home tab's lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import settings as settings_service
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.tabs.base import RecordTab
from tests.ui.dialog_support import press_save, row_counts
from tests.window_support import Messages, open_window

D = TypeVar("D", bound=QDialog)

# What the last refused form said, so a failing step shows why.
refusals: list[str] = []


@pytest.fixture
def window(
    qtbot: QtBot, db: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    Messages().install(monkeypatch)
    with db.begin() as s:
        settings_service.name_house(s, admin, "Maple House")
    main = open_window(qtbot, db, tmp_path / "profile")
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    return main


def with_the_form(
    qtbot: QtBot, kind: type[D], fill: Callable[[D], None], *, save: bool = True
) -> list[D]:
    """When the next modal form opens, check it is a ``kind``, fill it and press Save (or
    Cancel). Returns a list that holds the form once it was handled."""
    seen: list[D] = []

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not open yet: look again shortly
            QTimer.singleShot(20, handle)
            return
        assert isinstance(dialog, kind), type(dialog).__name__
        seen.append(dialog)
        fill(dialog)
        if save:
            press_save(dialog)
        if dialog.isVisible():  # refused: leave it to the test, but never hang the run
            errors = dialog.errors  # type: ignore[attr-defined]
            refusals.extend(
                f"{field}: {errors.message_for(field)}"
                for field in errors.fields()
                if errors.message_for(field)
            )
            refusals.append(dialog.banner.text())  # type: ignore[attr-defined]
            QTimer.singleShot(3000, dialog.reject)

    QTimer.singleShot(0, handle)
    return seen


def click(tab: RecordTab, action: Any) -> None:
    button = tab.toolbar.widgetForAction(action)
    assert button is not None and button.isEnabled(), action.text()
    button.click()


def shortcut(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """Press Ctrl+key in the window, once it is active again after a form closed."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)


def choose(combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


def select(tab: RecordTab, record_id: int) -> None:
    assert tab.select_record(record_id), f"record {record_id} is not in the table"


def test_a_week_in_the_house_through_the_real_forms(
    qtbot: QtBot, window: MainWindow, db: Database, today: dt.date
) -> None:
    from peerdesk.ui.dialogs.discharge import DischargeDialog
    from peerdesk.ui.dialogs.mentor import MentorDialog
    from peerdesk.ui.dialogs.phase import ChangePhaseDialog
    from peerdesk.ui.dialogs.resident import ResidentDialog
    from peerdesk.ui.dialogs.session import SessionDialog
    from peerdesk.ui.dialogs.supervision import SupervisionDialog

    # --- a peer mentor joins: Mentors tab, Ctrl+N ---------------------------------------
    shortcut(qtbot, window, Qt.Key.Key_3)
    assert window.tabs.currentWidget() is window.mentors

    def new_mentor(d: MentorDialog) -> None:
        d.first_name.setText("Maya")
        d.last_name.setText("Lopez")
        d.start_date.set_date(dt.date(2024, 1, 8))
        d.supervisor.setEditText("Dana Whitaker")

    mentor_forms = with_the_form(qtbot, MentorDialog, new_mentor)
    shortcut(qtbot, window, Qt.Key.Key_N)
    assert mentor_forms and not mentor_forms[0].isVisible()
    maya = mentor_forms[0].saved.id  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.mentors.model.row_of(maya) is not None)

    # --- three residents arrive: Residents tab, New intake ------------------------------
    shortcut(qtbot, window, Qt.Key.Key_2)
    arrivals: dict[str, int] = {}
    for first, last, room, bed in (
        ("Ana", "Avila", "1", "A"),
        ("Ben", "Brooks", "1", "B"),
        ("Cal", "Cruz", "2", "A"),
    ):

        def intake(
            d: ResidentDialog,
            first: str = first,
            last: str = last,
            room: str = room,
            bed: str = bed,
        ) -> None:
            d.first_name.setText(first)
            d.last_name.setText(last)
            d.date_of_birth.known_box.setChecked(True)
            d.date_of_birth.date_edit.setDate(QDate(1988, 4, 12))
            d.intake_date.date_edit.setDate(QDate(2026, 3, 2))
            choose(d.living, "Homeless — emergency shelter")
            d.room.setText(room)
            d.bed.setText(bed)
            d.mentor.setEditText("Maya Lopez")

        forms = with_the_form(qtbot, ResidentDialog, intake)
        click(window.residents, window.residents.new_action)
        assert forms and not forms[0].isVisible(), f"the intake was refused: {refusals}"
        arrivals[first] = forms[0].saved.id  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.residents.model.matching == 3)

    # --- a refused form stays open and writes nothing ------------------------------------
    before = row_counts(db)

    def no_last_name(d: ResidentDialog) -> None:
        d.first_name.setText("Dee")
        choose(d.living, "Homeless — emergency shelter")

    refused = with_the_form(qtbot, ResidentDialog, no_last_name)

    def check_and_cancel() -> None:
        dialog = refused[0]
        assert dialog.isVisible(), "a refused form stays open"
        assert dialog.errors.message_for("last_name") == "Last name is required."
        dialog.reject()

    def when_refused() -> None:
        if refused:
            check_and_cancel()
        else:
            QTimer.singleShot(20, when_refused)

    QTimer.singleShot(50, when_refused)
    click(window.residents, window.residents.new_action)
    assert refused and not refused[0].isVisible()
    assert row_counts(db) == before, "nothing written for a refused form"

    # --- Ana moves on to Motivational Track I -------------------------------------------
    select(window.residents, arrivals["Ana"])

    def next_phase(d: ChangePhaseDialog) -> None:
        choose(d.phase, "Motivational Track I")
        d.from_date.set_date(dt.date(2026, 4, 1))

    phase_forms = with_the_form(qtbot, ChangePhaseDialog, next_phase)
    click(window.residents, window.residents.phase_action)
    assert phase_forms and not phase_forms[0].isVisible()

    # --- a group session with all three, two of them rating it --------------------------
    shortcut(qtbot, window, Qt.Key.Key_4)
    assert window.tabs.currentWidget() is window.sessions

    def group(d: SessionDialog) -> None:
        d.session_date.set_date(dt.date(2026, 4, 6))
        d.mentor.setEditText("Maya Lopez")
        d.topic.setText("Coping with cravings")
        d.support_boxes[vocab.SupportType.EMOTIONAL].setChecked(True)
        d.support_boxes[vocab.SupportType.AFFILIATIONAL].setChecked(True)
        model = d.attendees.model
        for rid in arrivals.values():
            model.set_ticked(rid, True)
        model.set_ratings(arrivals["Ana"], 7, 5)
        model.set_ratings(arrivals["Ben"], 4, None)

    session_forms = with_the_form(qtbot, SessionDialog, group)
    shortcut(qtbot, window, Qt.Key.Key_N)
    assert session_forms and not session_forms[0].isVisible(), (
        f"the session was refused: {refusals}"
    )
    session_id = session_forms[0].saved.id  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.sessions.model.row_of(session_id) is not None)
    row = window.sessions.model.row_of(session_id)
    attendees = window.sessions.spec.column_index("attendees")
    assert window.sessions.model.index(row, attendees).data() in (3, "3")

    # --- supervision with an action item ------------------------------------------------
    shortcut(qtbot, window, Qt.Key.Key_5)

    def supervise(d: SupervisionDialog) -> None:
        d.mentor.setEditText("Maya Lopez")
        d.note_date.set_date(dt.date(2026, 4, 7))
        d.minutes.setValue(45)
        d.domain_boxes[vocab.Competency.ETHICS_BOUNDARIES].setChecked(True)
        d.summary.setPlainText("Caseload review; a boundary question about rides.")
        item = d.items.add_row("Read the ethics chapter")
        item.due.known_box.setChecked(True)
        item.due.date_edit.setDate(QDate(2026, 7, 1))

    note_forms = with_the_form(qtbot, SupervisionDialog, supervise)
    shortcut(qtbot, window, Qt.Key.Key_N)
    assert note_forms and not note_forms[0].isVisible(), f"the note was refused: {refusals}"
    note_id = note_forms[0].saved.id  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.supervision.model.row_of(note_id) is not None)

    # --- Cal leaves: Residents tab, Discharge -------------------------------------------
    shortcut(qtbot, window, Qt.Key.Key_2)
    select(window.residents, arrivals["Cal"])

    def leave(d: DischargeDialog) -> None:
        d.discharge_date.set_date(dt.date(2026, 5, 20))
        choose(d.reason, "Moved on positively")
        choose(d.exit_living, "Recovery housing")

    discharge_forms = with_the_form(qtbot, DischargeDialog, leave)
    click(window.residents, window.residents.discharge_action)
    assert discharge_forms and not discharge_forms[0].isVisible(), (
        f"the discharge was refused: {refusals}"
    )

    # --- what the window shows now -----------------------------------------------------
    qtbot.waitUntil(lambda: window.residents.model.matching == 2)  # "In residence" by default
    assert "2 of 3 residents" in window.status_label.text()
    shortcut(qtbot, window, Qt.Key.Key_1)
    window.home.refresh()
    text = " ".join(b.accessibleName() for card in window.home.cards for b in card.buttons)
    assert "Safe Off the Streets: 1" in text and "Motivational Track I: 1" in text
    assert "Read the ethics chapter" in text
