"""Supervision notes: mentor, kind, domains, summary, action items and acknowledgement."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import ActionItem
from peerdesk.core.services import mentors, supervision
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.supervision import SupervisionDialog
from tests import factories as f
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
def maya(db: Database, admin: Actor) -> dto.Mentor:
    with db.begin() as s:
        return mentors.create_mentor(
            s,
            admin,
            mentors.MentorDetails(
                "Maya", "Lopez", dt.date(2024, 1, 1), supervisor_name="Dana Whitaker"
            ),
        )


def open_note(qtbot: QtBot, ctx: UiContext, **kwargs: int) -> SupervisionDialog:
    dialog = SupervisionDialog(None, ctx, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_note_with_an_action_item_ticked_done_is_saved(
    qtbot: QtBot, ctx: UiContext, db: Database, maya: dto.Mentor, today: dt.date
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_note(qtbot, ctx, mentor_id=maya.id)
    assert dialog.mentor.value() == maya.id
    assert dialog.supervisor.currentText() == "Dana Whitaker"  # the mentor's usual supervisor
    assert dialog.kind.value() == vocab.SupervisionKind.SCHEDULED
    assert dialog.minutes.value() == 30
    dialog.kind.setCurrentIndex(dialog.kind.findText("Boundary issue"))
    dialog.minutes.setValue(45)
    dialog.domain_boxes[vocab.Competency.ETHICS_BOUNDARIES].setChecked(True)
    dialog.domain_boxes[vocab.Competency.COMMUNICATION].setChecked(True)
    dialog.summary.setPlainText("A resident asked to borrow money; agreed how to say no.")
    done = dialog.items.add_row("Read the ethics chapter")
    done.done.known_box.setChecked(True)  # ticked: done today
    due = dialog.items.add_row("Role-play the conversation")
    due.due.known_box.setChecked(True)
    due.due.date_edit.setDate(QDate(2026, 6, 30))
    dialog.items.add_row()  # an empty row is not saved
    before = row_counts(db)

    press_save(dialog)

    assert not dialog.isVisible()
    after = row_counts(db)
    assert after["supervision_notes"] == before["supervision_notes"] + 1
    assert after["action_items"] == before["action_items"] + 2
    assert isinstance(dialog.saved, dto.SupervisionNote)
    with db.read() as s:
        note = supervision.get_note(s, ctx.actor, dialog.saved.id)
    assert (note.mentor_id, note.supervisor_name, note.kind, note.duration_minutes) == (
        maya.id,
        "Dana Whitaker",
        vocab.SupervisionKind.BOUNDARY_ISSUE,
        45,
    )
    assert set(note.domains) == {
        vocab.Competency.ETHICS_BOUNDARIES,
        vocab.Competency.COMMUNICATION,
    }
    assert [(i.description, i.due_date, i.done_on) for i in note.action_items] == [
        ("Read the ethics chapter", None, today),
        ("Role-play the conversation", dt.date(2026, 6, 30), None),
    ]
    assert heard.seen == [("supervision_notes", note.id)]


def test_an_empty_summary_and_an_item_due_before_the_note_are_refused(
    qtbot: QtBot, ctx: UiContext, db: Database, maya: dto.Mentor
) -> None:
    dialog = open_note(qtbot, ctx, mentor_id=maya.id)
    row = dialog.items.add_row("Call back")
    row.due.known_box.setChecked(True)
    row.due.date_edit.setDate(QDate(2026, 6, 1))
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "summary", "Summary is required.")
    assert_refused(dialog, "action_items", "An action item is due (1 Jun 2026) before")
    assert row_counts(db) == before


def test_without_a_mentor_or_supervisor_nothing_is_saved(
    qtbot: QtBot, ctx: UiContext, db: Database, maya: dto.Mentor
) -> None:
    dialog = open_note(qtbot, ctx)
    dialog.summary.setPlainText("Check-in.")
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "mentor_id", "Choose the peer mentor who was supervised.")
    assert_refused(dialog, "supervisor_name", "Supervisor is required.")
    assert row_counts(db) == before
    dialog.mentor.setEditText("maya")  # part of a name is not a choice
    press_save(dialog)
    assert_refused(dialog, "mentor_id", "No peer mentor is called “maya”")


def test_a_removed_row_is_not_saved(
    qtbot: QtBot, ctx: UiContext, db: Database, maya: dto.Mentor
) -> None:
    dialog = open_note(qtbot, ctx, mentor_id=maya.id)
    dialog.summary.setPlainText("Check-in.")
    first = dialog.items.add_row("Keep")
    gone = dialog.items.add_row("Drop")
    gone.remove_button.click()
    assert first.description.accessibleName() == "Action item 1: what is to be done"
    press_save(dialog)
    assert isinstance(dialog.saved, dto.SupervisionNote)
    assert [i.description for i in dialog.saved.action_items] == ["Keep"]


def test_ticking_an_existing_item_done_is_saved_with_the_note(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, maya: dto.Mentor, today: dt.date
) -> None:
    with db.begin() as s:
        note = f.note(
            s,
            admin,
            maya.id,
            day=dt.date(2026, 6, 1),
            items=[supervision.ActionItemEntry("Finish the CPR course", dt.date(2026, 6, 20))],
        )
    dialog = open_note(qtbot, ctx, note_id=note.id)
    [row] = dialog.items.rows
    assert row.description.text() == "Finish the CPR course"
    assert row.due.date() == dt.date(2026, 6, 20) and row.done.date() is None
    row.done.known_box.setChecked(True)
    press_save(dialog)
    with db.read() as s:
        item = s.execute(select(ActionItem)).scalar_one()
    assert (item.description, item.done_on) == ("Finish the CPR course", today)


def test_the_mentor_acknowledges_a_note_at_once(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, maya: dto.Mentor, today: dt.date
) -> None:
    with db.begin() as s:
        note = f.note(s, admin, maya.id, day=dt.date(2026, 6, 1))
    heard = Announcements.listen(ctx)
    dialog = open_note(qtbot, ctx, note_id=note.id)
    assert dialog.ack_label.text() == "Maya Lopez has not acknowledged this note yet."
    dialog.ack_button.click()
    with db.read() as s:
        saved = supervision.get_note(s, admin, note.id)
    assert saved.acknowledged_on == today
    assert dialog.ack_label.text() == "Acknowledged on 15 Jun 2026 (local)."
    assert not dialog.ack_button.isEnabled()
    assert heard.seen == [("supervision_notes", note.id)]
    assert dialog.isVisible()


def test_a_peer_mentor_can_acknowledge_but_not_change_their_note(
    qtbot: QtBot, db: Database, admin: Actor, maya: dto.Mentor
) -> None:
    with db.begin() as s:
        note = f.note(s, admin, maya.id, day=dt.date(2026, 6, 1))
    ctx = make_context(db, Actor("maya", vocab.Role.PEER_MENTOR, user_id=None))
    dialog = open_note(qtbot, ctx, note_id=note.id)
    # Maya's account is not linked to her mentor record, so the service refuses her.
    assert not dialog.ok_button.isEnabled()
    assert "only a supervisor can change it" in dialog.banner.text()


def test_a_note_about_someone_else_is_not_shown_to_a_peer_mentor(
    qtbot: QtBot, db: Database, admin: Actor, maya: dto.Mentor
) -> None:
    with db.begin() as s:
        note = f.note(s, admin, maya.id, day=dt.date(2026, 6, 1))
        f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR)
        sam = f.account(s, admin, "sam", vocab.Role.PEER_MENTOR)
    ctx = make_context(db, sam)
    dialog = open_note(qtbot, ctx, note_id=note.id)
    assert dialog.banner.text() == "You may read only the supervision notes about yourself."
    assert dialog.summary.toPlainText() == ""


def test_the_supervision_dialog_is_labelled_and_new_rows_tab_in_place(
    qtbot: QtBot, ctx: UiContext, maya: dto.Mentor
) -> None:
    dialog = open_note(qtbot, ctx, mentor_id=maya.id)
    first = dialog.items.add_row("One")
    second = dialog.items.add_row("Two")
    assert control_problems(dialog) == []
    assert comes_before(
        tab_chain(dialog),
        dialog.mentor,
        dialog.supervisor,
        dialog.note_date,
        dialog.minutes,
        dialog.kind,
        dialog.domain_boxes[vocab.Competency.LIVED_EXPERIENCE],
        dialog.summary,
        first.description,
        first.done,
        second.description,
        dialog.items.add_button,
        dialog.ok_button,
    )
