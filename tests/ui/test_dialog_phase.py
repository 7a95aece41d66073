"""Changing phase keeps the old phase in the history."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from peerdesk.core import dto
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import residents
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.phase import ChangePhaseDialog
from tests import factories as f
from tests.ui.dialog_support import (
    Announcements,
    assert_refused,
    control_problems,
    make_context,
    press_save,
    row_counts,
)


@pytest.fixture
def ctx(db: Database, admin: Actor) -> UiContext:
    return make_context(db, admin)


@pytest.fixture
def jamie(db: Database, admin: Actor) -> dto.Resident:
    with db.begin() as s:
        return f.resident(s, admin, intake=dt.date(2026, 1, 10))


def open_phase(qtbot: QtBot, ctx: UiContext, resident_id: int) -> ChangePhaseDialog:
    dialog = ChangePhaseDialog(None, ctx, resident_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_next_phase_from_today_is_offered_and_saved_as_history(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident, today: dt.date
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_phase(qtbot, ctx, jamie.id)
    assert "is in Safe Off the Streets since 10 Jan 2026" in dialog.heading.text().replace(
        "<b>", ""
    ).replace("</b>", "")
    assert dialog.phase.currentText() == "Motivational Track I"
    assert dialog.from_date.date() == today
    dialog.note.setPlainText("Ninety days clean; the team agreed.")
    before = row_counts(db)

    press_save(dialog)

    assert not dialog.isVisible()
    assert row_counts(db)["phase_changes"] == before["phase_changes"] + 1
    with db.read() as s:
        saved = residents.get_resident(s, jamie.id)
    assert [c.phase_name for c in saved.phase_history] == [
        "Safe Off the Streets",
        "Motivational Track I",
    ]
    assert saved.phase_history[-1].from_date == today
    assert saved.phase_history[-1].note == "Ninety days clean; the team agreed."
    assert heard.seen == [("residents", jamie.id)]


def test_a_date_before_the_intake_is_refused_beside_the_date(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = open_phase(qtbot, ctx, jamie.id)
    dialog.from_date.date_edit.setDate(QDate(2026, 1, 2))
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "from_date", "before the intake date (10 Jan 2026)")
    assert row_counts(db) == before


def test_the_phase_they_are_in_is_refused_beside_the_phase(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = open_phase(qtbot, ctx, jamie.id)
    dialog.phase.setCurrentIndex(dialog.phase.findText("Safe Off the Streets"))
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "phase_id", "Jamie is already in Safe Off the Streets.")
    assert row_counts(db) == before


def test_in_the_last_phase_nothing_is_chosen_for_them(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor
) -> None:
    with db.begin() as s:
        senior = f.resident(s, admin, "Sam", "Lee", phase="Phase II")
    dialog = open_phase(qtbot, ctx, senior.id)
    assert dialog.phase.value() is None
    press_save(dialog)
    assert_refused(dialog, "phase_id", "Choose a program phase.")


def test_a_discharged_resident_cannot_change_phase(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, jamie: dto.Resident
) -> None:
    with db.begin() as s:
        residents.discharge_resident(
            s,
            admin,
            jamie.id,
            residents.Discharge(dt.date(2026, 3, 1), residents.vocab.DischargeReason.COMPLETED),
        )
    dialog = open_phase(qtbot, ctx, jamie.id)
    assert "Readmit them before changing their phase." in dialog.banner.text()
    assert not dialog.ok_button.isEnabled()
    before = row_counts(db)
    dialog.accept()
    assert dialog.isVisible() and row_counts(db) == before


def test_the_phase_dialog_is_labelled(qtbot: QtBot, ctx: UiContext, jamie: dto.Resident) -> None:
    assert control_problems(open_phase(qtbot, ctx, jamie.id)) == []
