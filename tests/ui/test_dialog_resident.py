"""The resident form: intake of a new resident, and editing an existing one's details."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent, PhaseChange, Resident, Stay
from peerdesk.core.services import residents
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.resident import ResidentDialog
from tests import factories as f
from tests.conftest import DiscardPrompt
from tests.ui.dialog_support import (
    Announcements,
    assert_refused,
    comes_before,
    control_problems,
    make_context,
    press_save,
    row_counts,
    tab_chain,
)


@pytest.fixture
def ctx(db: Database, admin: Actor) -> UiContext:
    return make_context(db, admin)


@pytest.fixture
def mentor_id(db: Database, admin: Actor) -> int:
    with db.begin() as s:
        return f.mentor(s, admin, "Maya", "Lopez").id


def open_intake(qtbot: QtBot, ctx: UiContext) -> ResidentDialog:
    dialog = ResidentDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill_valid_intake(dialog: ResidentDialog) -> None:
    dialog.first_name.setText("Jamie")
    dialog.last_name.setText("Doe")
    dialog.preferred_name.setText("Jay")
    dialog.date_of_birth.known_box.setChecked(True)
    dialog.date_of_birth.date_edit.setDate(QDate(1990, 5, 1))
    dialog.phone.setText("(859) 555-0101")
    dialog.contact_name.setText("Pat Doe (mother)")
    dialog.contact_phone.setText("(859) 555-0102")
    dialog.intake_date.date_edit.setDate(QDate(2026, 6, 1))
    dialog.referral.setEditText("Court or probation")
    dialog.living.setCurrentIndex(dialog.living.findText("Homeless — emergency shelter"))
    dialog.room.setText("3")
    dialog.bed.setText("B")


def test_intake_saves_one_resident_with_their_stay_and_phase(
    qtbot: QtBot, ctx: UiContext, db: Database, mentor_id: int, today: dt.date
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_intake(qtbot, ctx)
    assert dialog.intake_date.date() == today  # today by default
    assert dialog.phase.currentText() == "Safe Off the Streets"  # the first phase
    assert dialog.mentor.currentText() == "No mentor yet"
    fill_valid_intake(dialog)
    dialog.mentor.setEditText("maya lopez")  # typed, any case
    before = row_counts(db)

    press_save(dialog)

    assert not dialog.isVisible()
    assert isinstance(dialog.saved, dto.Resident)
    after = row_counts(db)
    assert after["residents"] == before["residents"] + 1
    assert after["stays"] == before["stays"] + 1
    assert after["phase_changes"] == before["phase_changes"] + 1
    with db.read() as s:
        resident = residents.get_resident(s, dialog.saved.id)
    assert (resident.first_name, resident.last_name, resident.preferred_name) == (
        "Jamie",
        "Doe",
        "Jay",
    )
    assert resident.date_of_birth == dt.date(1990, 5, 1)
    assert (resident.room, resident.bed, resident.mentor_id) == ("3", "B", mentor_id)
    assert resident.emergency_contact_name == "Pat Doe (mother)"
    stay = resident.current_stay
    assert stay is not None
    assert (stay.intake_date, stay.referral_source, stay.intake_living_situation) == (
        dt.date(2026, 6, 1),
        "Court or probation",
        "shelter",
    )
    assert resident.current_phase is not None
    assert resident.current_phase.phase_name == "Safe Off the Streets"
    assert heard.seen == [("residents", resident.id)]


def test_a_blank_date_of_birth_is_saved_as_not_known(
    qtbot: QtBot, ctx: UiContext, db: Database
) -> None:
    dialog = open_intake(qtbot, ctx)
    fill_valid_intake(dialog)
    dialog.date_of_birth.known_box.setChecked(False)
    assert dialog.date_of_birth.date_edit.text() == "Not known"
    press_save(dialog)
    assert isinstance(dialog.saved, dto.Resident)
    assert dialog.saved.date_of_birth is None


def _empty_first_name(d: ResidentDialog) -> None:
    d.first_name.setText("   ")


def _future_intake(d: ResidentDialog) -> None:
    d.intake_date.date_edit.setDate(QDate(2026, 7, 1))


def _no_living_situation(d: ResidentDialog) -> None:
    d.living.setCurrentIndex(0)


def _born_after_intake(d: ResidentDialog) -> None:
    d.date_of_birth.date_edit.setDate(QDate(2026, 6, 2))


def _mentor_nobody_knows(d: ResidentDialog) -> None:
    d.mentor.setEditText("Zed Nobody")


@pytest.mark.parametrize(
    ("spoil", "field", "words"),
    [
        (_empty_first_name, "first_name", "First name is required."),
        (_future_intake, "intake_date", "is in the future; today is 15 Jun 2026"),
        (_no_living_situation, "living_situation", "Choose the living situation at intake"),
        (_born_after_intake, "date_of_birth", "Date of birth must be before the intake date."),
        (_mentor_nobody_knows, "mentor_id", "No peer mentor is called “Zed Nobody”"),
    ],
)
def test_an_invalid_intake_stays_open_with_the_message_beside_the_field(
    qtbot: QtBot, ctx: UiContext, db: Database, spoil: object, field: str, words: str
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_intake(qtbot, ctx)
    fill_valid_intake(dialog)
    spoil(dialog)  # type: ignore[operator]
    before = row_counts(db)

    press_save(dialog)

    assert_refused(dialog, field, words)
    assert row_counts(db) == before  # nothing written, not even an audit line
    assert heard.seen == []
    assert dialog.saved is None
    assert dialog.banner.isVisibleTo(dialog)
    assert "Nothing was saved" in dialog.banner.text()
    assert dialog.first_name.text() != "" or field == "first_name"  # the typing is kept


def test_every_problem_shows_at_once_and_correcting_them_saves(
    qtbot: QtBot, ctx: UiContext, db: Database
) -> None:
    dialog = open_intake(qtbot, ctx)
    press_save(dialog)  # nothing filled in
    for field in ("first_name", "last_name", "living_situation"):
        assert dialog.errors.label_for(field).isVisibleTo(dialog)
    assert dialog.focusWidget() is dialog.first_name  # the first wrong field has the focus

    fill_valid_intake(dialog)
    press_save(dialog)
    assert isinstance(dialog.saved, dto.Resident)
    assert not dialog.errors.has_errors


def test_a_taken_bed_is_named(qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.resident(s, admin, "Robin", "Hill", room="3", bed="B")
    dialog = open_intake(qtbot, ctx)
    fill_valid_intake(dialog)
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "bed", "Room 3 bed B is taken by Robin Hill.")
    assert row_counts(db) == before


def test_a_viewer_is_told_in_one_sentence_and_nothing_is_written(
    qtbot: QtBot, db: Database
) -> None:
    ctx = make_context(db, Actor("visitor", vocab.Role.VIEWER, user_id=None))
    dialog = open_intake(qtbot, ctx)
    fill_valid_intake(dialog)
    before = row_counts(db)
    press_save(dialog)
    assert dialog.isVisible()
    assert dialog.banner.text() == (
        "A viewer account may not add or change residents. Ask an administrator."
    )
    after = row_counts(db)
    # No record is written; only the refusal itself goes into the audit trail.
    assert after["audit_events"] == before["audit_events"] + 1
    assert {k: v for k, v in after.items() if k not in ("audit_events", "preferences")} == {
        k: v for k, v in before.items() if k not in ("audit_events", "preferences")
    }


def test_editing_changes_details_and_corrects_the_intake(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor
) -> None:
    with db.begin() as s:
        jamie = f.resident(s, admin, intake=dt.date(2026, 1, 10), room="1", bed="A")
    heard = Announcements.listen(ctx)
    dialog = ResidentDialog(None, ctx, jamie.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.first_name.text() == "Jamie"
    assert dialog.intake_date.date() == dt.date(2026, 1, 10)
    assert "Safe Off the Streets" in dialog.current_phase.text()
    assert not dialog.phase.isVisible()  # phases change through their own form

    dialog.phone.setText("(859) 555-0199")
    dialog.intake_date.date_edit.setDate(QDate(2026, 1, 12))
    press_save(dialog)

    assert not dialog.isVisible()
    with db.read() as s:
        saved = residents.get_resident(s, jamie.id)
        changes = s.execute(
            select(AuditEvent.entity).where(AuditEvent.action == "change").order_by(AuditEvent.id)
        ).scalars()
        assert list(changes) == ["residents", "stays"]
        assert s.execute(select(Stay.intake_date)).scalar_one() == dt.date(2026, 1, 12)
        assert s.execute(select(PhaseChange.from_date)).scalar_one() == dt.date(2026, 1, 12)
    assert saved.phone == "(859) 555-0199"
    assert heard.seen == [("residents", jamie.id)]


def test_an_edit_with_problems_in_both_parts_shows_both_and_writes_nothing(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor
) -> None:
    with db.begin() as s:
        jamie = f.resident(s, admin)
    dialog = ResidentDialog(None, ctx, jamie.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.last_name.clear()
    dialog.intake_date.date_edit.setDate(QDate(2026, 8, 1))
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "last_name", "Last name is required.")
    assert_refused(dialog, "intake_date", "is in the future")
    assert row_counts(db) == before
    with db.read() as s:
        assert s.execute(select(Resident.last_name)).scalar_one() == "Doe"


def test_an_unknown_resident_is_said_plainly(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = ResidentDialog(None, ctx, 4242)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "There is no resident number 4242" in dialog.banner.text()
    assert not dialog.ok_button.isEnabled()


def test_every_control_is_named_and_tab_follows_the_columns(
    qtbot: QtBot, ctx: UiContext, mentor_id: int
) -> None:
    dialog = open_intake(qtbot, ctx)
    assert control_problems(dialog) == []
    chain = tab_chain(dialog)
    assert comes_before(
        chain,
        dialog.first_name,
        dialog.last_name,
        dialog.preferred_name,
        dialog.date_of_birth,
        dialog.phone,
        dialog.contact_name,
        dialog.contact_phone,
        dialog.intake_date,
        dialog.phase,
        dialog.referral,
        dialog.living,
        dialog.room,
        dialog.bed,
        dialog.mentor,
        dialog.notes,
        dialog.ok_button,
    )
    assert dialog.ok_button.isDefault()


def test_enter_saves_and_escape_cancels(qtbot: QtBot, ctx: UiContext, db: Database) -> None:
    dialog = open_intake(qtbot, ctx)
    fill_valid_intake(dialog)
    before = row_counts(db)
    qtbot.keyClick(dialog.first_name, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert row_counts(db) == before and dialog.saved is None

    dialog = open_intake(qtbot, ctx)
    fill_valid_intake(dialog)
    qtbot.keyClick(dialog.bed, Qt.Key.Key_Return)  # Enter in a field presses Save
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    assert row_counts(db)["residents"] == before["residents"] + 1


def test_esc_on_a_half_filled_form_asks_before_throwing_it_away(
    qtbot: QtBot, ctx: UiContext, discard_prompt: DiscardPrompt
) -> None:
    """Issue 17: ✕ or Esc threw away what was typed without asking."""
    untouched = ResidentDialog(None, ctx)
    qtbot.addWidget(untouched)
    untouched.show()
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible() and discard_prompt.asked == [], "nothing typed: no question"

    dialog = ResidentDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.first_name, "Aisha")
    discard_prompt.answer = False  # "Cancel": keep the form
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.first_name.text() == "Aisha"
    assert discard_prompt.asked == ["ResidentDialog"]
    discard_prompt.answer = True  # "Discard"
    dialog.close()  # the title bar's ✕
    assert not dialog.isVisible() and dialog.saved is None
    assert discard_prompt.asked == ["ResidentDialog", "ResidentDialog"]


def test_a_second_aisha_brown_without_a_birth_date_is_asked_about(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, discard_prompt: DiscardPrompt
) -> None:
    """Issue 17: a duplicate intake was saved silently when the birth date was left empty."""
    with db.begin() as s:
        f.resident(s, admin, "Aisha", "Brown", intake=dt.date(2026, 6, 1), dob=None)
        f.resident(s, admin, "Marcus", "Lee", intake=dt.date(2026, 6, 1), dob=dt.date(1990, 1, 1))

    def intake(first: str, last: str, born: dt.date | None) -> ResidentDialog:
        dialog = open_intake(qtbot, ctx)
        fill_valid_intake(dialog)
        dialog.bed.clear()  # one bed for everyone here would be refused
        dialog.first_name.setText(first)
        dialog.last_name.setText(last)
        dialog.date_of_birth.set_date(born)
        return dialog

    discard_prompt.answer = False  # "Cancel": it is the same person
    first = intake(" aisha ", "BROWN", None)
    before = row_counts(db)
    first.ok_button.click()
    assert first.saved is None and row_counts(db) == before
    ((title, text),) = discard_prompt.questions
    assert title == "Someone of the same name"
    assert text.startswith("Aisha Brown (in residence since 1 Jun 2026) is already in the records")

    discard_prompt.answer = True  # "Save a new resident": another Aisha Brown
    second = intake("Aisha", "Brown", dt.date(1999, 2, 2))
    second.ok_button.click()
    assert isinstance(second.saved, dto.Resident)

    # Both birth dates known and different: another person, nothing to ask.
    asked = len(discard_prompt.questions)
    third = intake("Marcus", "Lee", dt.date(1985, 5, 5))
    third.ok_button.click()
    assert isinstance(third.saved, dto.Resident) and len(discard_prompt.questions) == asked
