"""Discharge closes the stay with a reason and outcome; readmission opens a new one."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from peerdesk.core import dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import residents
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.discharge import DischargeDialog, ReadmitDialog
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
        return f.resident(s, admin, intake=dt.date(2026, 1, 10), room="2", bed="A")


def open_discharge(qtbot: QtBot, ctx: UiContext, resident_id: int) -> DischargeDialog:
    dialog = DischargeDialog(None, ctx, resident_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(combo: object, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))  # type: ignore[attr-defined]


def test_discharge_saves_date_reason_outcome_and_where_they_go(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident, today: dt.date
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_discharge(qtbot, ctx, jamie.id)
    assert dialog.discharge_date.date() == today
    assert dialog.outcome.value() is None
    choose(dialog.reason, "Transferred")
    assert dialog.outcome.value() == vocab.OutcomeClass.NEUTRAL  # set from the reason
    choose(dialog.reason, "Completed program")
    assert dialog.outcome.value() == vocab.OutcomeClass.POSITIVE
    choose(dialog.exit_living, "Recovery housing")
    dialog.notes.setPlainText("Moving to a sober living house nearby.")
    before = row_counts(db)

    press_save(dialog)

    assert not dialog.isVisible()
    assert row_counts(db)["audit_events"] == before["audit_events"] + 1
    with db.read() as s:
        stay = residents.get_resident(s, jamie.id).current_stay
    assert stay is not None
    assert (stay.discharge_date, stay.discharge_reason, stay.discharge_outcome) == (
        today,
        vocab.DischargeReason.COMPLETED,
        vocab.OutcomeClass.POSITIVE,
    )
    assert stay.exit_living_situation == "recovery_housing"
    assert stay.discharge_notes == "Moving to a sober living house nearby."
    assert heard.seen == [("residents", jamie.id)]


def test_an_outcome_chosen_by_hand_is_kept_when_the_reason_changes(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = open_discharge(qtbot, ctx, jamie.id)
    choose(dialog.reason, "Other")
    dialog.outcome.buttons[vocab.OutcomeClass.NEGATIVE].click()
    choose(dialog.reason, "Transferred")
    assert dialog.outcome.value() == vocab.OutcomeClass.NEGATIVE
    choose(dialog.exit_living, "Unknown or not collected")
    press_save(dialog)
    assert isinstance(dialog.saved, dto.Resident)
    stay = dialog.saved.current_stay
    assert stay is not None and stay.discharge_outcome == vocab.OutcomeClass.NEGATIVE


def test_missing_reason_and_destination_and_an_early_date_all_show_at_once(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = open_discharge(qtbot, ctx, jamie.id)
    dialog.discharge_date.date_edit.setDate(QDate(2026, 1, 2))
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "discharge_date", "before the intake date (10 Jan 2026)")
    assert_refused(dialog, "reason", "Choose the reason for the discharge.")
    assert_refused(dialog, "exit_living_situation", "Choose where the resident is going to live.")
    assert row_counts(db) == before


def test_someone_already_discharged_cannot_be_discharged_again(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, jamie: dto.Resident
) -> None:
    with db.begin() as s:
        residents.discharge_resident(
            s,
            admin,
            jamie.id,
            residents.Discharge(dt.date(2026, 3, 1), vocab.DischargeReason.OTHER),
        )
    dialog = open_discharge(qtbot, ctx, jamie.id)
    assert dialog.banner.text() == "Jamie Doe is already discharged."
    assert not dialog.ok_button.isEnabled()


@pytest.fixture
def discharged(db: Database, admin: Actor, jamie: dto.Resident) -> dto.Resident:
    with db.begin() as s:
        return residents.discharge_resident(
            s,
            admin,
            jamie.id,
            residents.Discharge(
                dt.date(2026, 3, 1),
                vocab.DischargeReason.LEFT_VOLUNTARILY,
                exit_living_situation="family_friends",
            ),
        )


def open_readmit(qtbot: QtBot, ctx: UiContext, resident_id: int) -> ReadmitDialog:
    dialog = ReadmitDialog(None, ctx, resident_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_readmission_opens_a_new_stay_in_a_room_with_a_mentor(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    admin: Actor,
    discharged: dto.Resident,
    today: dt.date,
) -> None:
    with db.begin() as s:
        maya = f.mentor(s, admin)
    heard = Announcements.listen(ctx)
    dialog = open_readmit(qtbot, ctx, discharged.id)
    assert "was last here from 10 Jan 2026 to 1 Mar 2026 (Left voluntarily)" in (
        dialog.heading.text().replace("<b>", "").replace("</b>", "")
    )
    assert dialog.living.value() == "family_friends"  # where they went is where they come from
    assert dialog.phase.currentText() == "Safe Off the Streets"
    assert (dialog.room.text(), dialog.bed.text()) == ("2", "A")
    dialog.bed.setText("B")
    dialog.mentor.setEditText("Maya Lopez")
    dialog.referral.setEditText("Self")

    press_save(dialog)

    assert not dialog.isVisible()
    with db.read() as s:
        back = residents.get_resident(s, discharged.id)
    assert len(back.stays) == 2 and back.status == vocab.ResidentStatus.ACTIVE
    assert back.stays[-1].intake_date == today
    assert back.stays[-1].referral_source == "Self"
    assert (back.bed, back.mentor_id) == ("B", maya.id)
    assert heard.seen == [("residents", discharged.id)]


def test_a_bed_someone_else_is_in_now_is_not_offered_again(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, discharged: dto.Resident
) -> None:
    """Issue 17 (the screenshots): the readmit form offered the old room and bed, which
    another resident had since taken, only to refuse it on saving."""
    with db.begin() as s:
        f.resident(s, admin, "Maria", "Lopez", room="2", bed="A")
    dialog = open_readmit(qtbot, ctx, discharged.id)
    assert (dialog.room.text(), dialog.bed.text()) == ("", "")
    assert dialog.room.placeholderText() == "was 2 / A, now Maria Lopez's"


def test_readmission_before_the_last_discharge_is_refused(
    qtbot: QtBot, ctx: UiContext, db: Database, discharged: dto.Resident
) -> None:
    dialog = open_readmit(qtbot, ctx, discharged.id)
    dialog.intake_date.date_edit.setDate(QDate(2026, 2, 1))
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "intake_date", "before the last discharge (1 Mar 2026)")
    assert row_counts(db) == before


def test_a_resident_in_residence_cannot_be_readmitted(
    qtbot: QtBot, ctx: UiContext, jamie: dto.Resident
) -> None:
    dialog = open_readmit(qtbot, ctx, jamie.id)
    assert "still in residence" in dialog.banner.text()
    assert not dialog.ok_button.isEnabled()


def test_both_dialogs_are_labelled(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, discharged: dto.Resident
) -> None:
    with db.begin() as s:
        other = f.resident(s, admin, "Robin", "Hill")
    assert control_problems(open_discharge(qtbot, ctx, other.id)) == []
    assert control_problems(open_readmit(qtbot, ctx, discharged.id)) == []
