"""Peer mentors: the profile, the credentials and training ledgers, and leaving."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import Credential
from peerdesk.core.services import mentors
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.mentor import DeactivateMentorDialog, MentorDialog
from peerdesk.ui.dialogs.void import VoidDialog
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
def maya(db: Database, admin: Actor) -> dto.Mentor:
    with db.begin() as s:
        return f.mentor(s, admin, "Maya", "Lopez", start=dt.date(2024, 1, 1))


def open_mentor(qtbot: QtBot, ctx: UiContext, mentor_id: int | None = None) -> MentorDialog:
    dialog = MentorDialog(None, ctx, mentor_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_new_mentor_is_saved_with_a_former_resident_link(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, today: dt.date
) -> None:
    with db.begin() as s:
        former = f.resident(s, admin, "Chris", "Park", phase="Phase II")
    heard = Announcements.listen(ctx)
    dialog = open_mentor(qtbot, ctx)
    assert not dialog.tabs.isTabEnabled(1) and not dialog.tabs.isTabEnabled(2)
    assert dialog.role_title.text() == "Peer mentor"
    assert dialog.start_date.date() == today
    dialog.first_name.setText("Chris")
    dialog.last_name.setText("Park")
    dialog.email.setText("chris@example.org")
    dialog.supervisor.setEditText("Dana Whitaker")
    dialog.former_resident.setEditText("Chris Park")
    before = row_counts(db)

    press_save(dialog)

    assert not dialog.isVisible()
    assert row_counts(db)["mentors"] == before["mentors"] + 1
    assert isinstance(dialog.saved, dto.Mentor)
    with db.read() as s:
        saved = mentors.get_mentor(s, dialog.saved.id)
    assert (saved.name, saved.email, saved.supervisor_name) == (
        "Chris Park",
        "chris@example.org",
        "Dana Whitaker",
    )
    assert (saved.former_resident_id, saved.start_date) == (former.id, today)
    assert heard.seen == [("mentors", saved.id)]


def test_profile_problems_show_beside_their_fields(
    qtbot: QtBot, ctx: UiContext, db: Database
) -> None:
    dialog = open_mentor(qtbot, ctx)
    dialog.first_name.setText("Chris")
    dialog.email.setText("chris.example.org")
    dialog.former_resident.setEditText("Nobody Here")
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "last_name", "Last name is required.")
    assert_refused(dialog, "email", "Email should look like name@example.org.")
    assert_refused(dialog, "former_resident_id", "No resident is called “Nobody Here”")
    assert row_counts(db) == before


def test_an_existing_mentor_shows_caseload_and_edits_the_profile(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, maya: dto.Mentor
) -> None:
    with db.begin() as s:
        f.resident(s, admin, mentor_id=maya.id)
    dialog = open_mentor(qtbot, ctx, maya.id)
    assert "mentors 1 resident now" in dialog.heading.text()
    assert "active since 1 Jan 2024" in dialog.heading.text()
    dialog.phone.setText("(859) 555-0177")
    press_save(dialog)
    with db.read() as s:
        assert mentors.get_mentor(s, maya.id).phone == "(859) 555-0177"


def test_a_credential_is_added_at_once_and_listed(
    qtbot: QtBot, ctx: UiContext, db: Database, maya: dto.Mentor
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_mentor(qtbot, ctx, maya.id)
    dialog.tabs.setCurrentIndex(1)
    dialog.credential_name.setText("Certified Peer Specialist")
    dialog.credential_number.setText("CPS-1234")
    dialog.credential_issued.known_box.setChecked(True)
    dialog.credential_issued.date_edit.setDate(QDate(2025, 8, 1))
    dialog.credential_expires.known_box.setChecked(True)
    dialog.credential_expires.date_edit.setDate(QDate(2026, 7, 31))

    dialog.add_credential_button.click()

    with db.read() as s:
        [credential] = mentors.get_mentor(s, maya.id).credentials
    assert (credential.name, credential.number) == ("Certified Peer Specialist", "CPS-1234")
    assert credential.expires_on == dt.date(2026, 7, 31)
    assert dialog.credentials_table.rowCount() == 1
    assert dialog.credentials_table.item(0, 4).text() == "Expires in 46 days"
    assert dialog.banner.text() == "Credential “Certified Peer Specialist” added."
    assert dialog.credential_name.text() == ""  # ready for the next one
    assert heard.seen == [("mentors", maya.id)]
    assert dialog.isVisible()  # the profile is still open for editing


def test_a_credential_that_expires_before_it_was_issued_is_refused(
    qtbot: QtBot, ctx: UiContext, db: Database, maya: dto.Mentor
) -> None:
    dialog = open_mentor(qtbot, ctx, maya.id)
    dialog.tabs.setCurrentIndex(1)
    dialog.credential_name.setText("CPRS")
    dialog.credential_issued.known_box.setChecked(True)
    dialog.credential_issued.date_edit.setDate(QDate(2026, 1, 1))
    dialog.credential_expires.known_box.setChecked(True)
    dialog.credential_expires.date_edit.setDate(QDate(2025, 1, 1))
    before = row_counts(db)
    dialog.add_credential_button.click()
    message = dialog.credential_errors.message_for("expires_on")
    assert message == "Expiry date must be after the issue date."
    assert dialog.credential_errors.label_for("expires_on").isVisibleTo(dialog)
    assert row_counts(db) == before
    assert dialog.credential_name.text() == "CPRS"  # kept for correcting


def test_voiding_a_credential_asks_why(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    admin: Actor,
    maya: dto.Mentor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with db.begin() as s:
        mentors.add_credential(s, admin, maya.id, mentors.CredentialDetails("CPRS", "1"))
    asked: list[str] = []

    def no_reason(parent: object, what: str) -> str | None:
        asked.append(what)
        return None

    monkeypatch.setattr(VoidDialog, "ask", no_reason)
    dialog = open_mentor(qtbot, ctx, maya.id)
    dialog.tabs.setCurrentIndex(1)
    dialog.credentials_table.selectRow(0)
    before = row_counts(db)
    dialog.void_credential_button.click()
    assert asked == ["the credential “CPRS”"]
    assert row_counts(db) == before  # changed their mind: nothing voided

    monkeypatch.setattr(VoidDialog, "ask", lambda parent, what: "Entered for the wrong mentor.")
    dialog.void_credential_button.click()
    with db.read() as s:
        row = s.execute(select(Credential)).scalar_one()
    assert (row.void_reason, row.voided_by) == ("Entered for the wrong mentor.", "local")
    assert dialog.credentials_table.item(0, 4).text() == "Voided"


def test_void_without_a_selection_says_what_to_do(
    qtbot: QtBot, ctx: UiContext, maya: dto.Mentor
) -> None:
    dialog = open_mentor(qtbot, ctx, maya.id)
    dialog.tabs.setCurrentIndex(2)
    dialog.void_training_button.click()
    assert dialog.banner.text() == "Select the training to void first."


def test_training_is_added_and_counted_over_the_last_twelve_months(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    admin: Actor,
    maya: dto.Mentor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with db.begin() as s:
        for day, minutes in ((dt.date(2025, 3, 1), 600), (dt.date(2026, 2, 1), 90)):
            mentors.add_training(
                s,
                admin,
                maya.id,
                mentors.TrainingDetails(day, "Ethics", vocab.Competency.ETHICS_BOUNDARIES, minutes),
            )
    dialog = open_mentor(qtbot, ctx, maya.id)
    dialog.tabs.setCurrentIndex(2)
    assert dialog.training_total.text().startswith("<b>1 h 30 min</b> of training")  # not 2025
    dialog.training_topic.setText("Naloxone")
    dialog.training_competency.setCurrentIndex(
        dialog.training_competency.findText("Treatment frameworks")
    )
    dialog.training_minutes.setValue(120)
    dialog.add_training_button.click()
    assert dialog.training_total.text().startswith("<b>3 h 30 min</b> of training")
    assert dialog.training_table.rowCount() == 3
    assert dialog.training_table.item(0, 1).text() == "Naloxone"  # newest first

    monkeypatch.setattr(VoidDialog, "ask", lambda parent, what: "Duplicate.")
    dialog.training_table.selectRow(0)
    dialog.void_training_button.click()
    assert dialog.training_total.text().startswith("<b>1 h 30 min</b> of training")
    assert dialog.training_table.item(0, 4).text() == "Voided"


def test_training_without_a_competency_is_refused_beside_it(
    qtbot: QtBot, ctx: UiContext, db: Database, maya: dto.Mentor
) -> None:
    dialog = open_mentor(qtbot, ctx, maya.id)
    dialog.tabs.setCurrentIndex(2)
    dialog.training_topic.setText("Naloxone")
    before = row_counts(db)
    dialog.add_training_button.click()
    assert dialog.training_errors.message_for("competency") == (
        "Choose the core competency the training covers."
    )
    assert row_counts(db) == before


def open_deactivate(qtbot: QtBot, ctx: UiContext, mentor_id: int) -> DeactivateMentorDialog:
    dialog = DeactivateMentorDialog(None, ctx, mentor_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_mentor_with_residents_cannot_leave_until_they_have_another(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, maya: dto.Mentor
) -> None:
    with db.begin() as s:
        f.resident(s, admin, mentor_id=maya.id)
    dialog = open_deactivate(qtbot, ctx, maya.id)
    assert "They still mentor Jamie Doe. Give them another mentor first" in dialog.caseload.text()
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "end_date", "still mentors 1 active resident; give that resident")
    assert row_counts(db) == before


def test_a_mentor_leaves_on_a_date(
    qtbot: QtBot, ctx: UiContext, db: Database, maya: dto.Mentor, today: dt.date
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_deactivate(qtbot, ctx, maya.id)
    dialog.reason.setText("Moved away")
    press_save(dialog)
    with db.read() as s:
        saved = mentors.get_mentor(s, maya.id)
    assert (saved.status, saved.end_date) == (vocab.MentorStatus.INACTIVE, today)
    assert heard.seen == [("mentors", maya.id)]
    again = open_deactivate(qtbot, ctx, maya.id)
    assert again.banner.text() == "Maya Lopez is already inactive."
    assert not again.ok_button.isEnabled()


def test_the_mentor_dialogs_are_labelled_on_every_tab(
    qtbot: QtBot, ctx: UiContext, maya: dto.Mentor
) -> None:
    dialog = open_mentor(qtbot, ctx, maya.id)
    for tab in range(3):
        dialog.tabs.setCurrentIndex(tab)
        assert control_problems(dialog) == [], tab
    assert control_problems(open_deactivate(qtbot, ctx, maya.id)) == []
