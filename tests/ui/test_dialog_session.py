"""Peer support sessions: one-to-one and group, with attendees and their ratings."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import SessionAttendee
from peerdesk.core.services import residents, sessions
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.session import SessionDialog
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
def house(db: Database, admin: Actor) -> dict[str, int]:
    """A mentor and four residents in residence; Robin left before June."""
    with db.begin() as s:
        maya = f.mentor(s, admin, "Maya", "Lopez")
        ids = {"maya": maya.id}
        for first, last, room in (
            ("Ana", "Avila", "1"),
            ("Ben", "Brooks", "2"),
            ("Cal", "Cruz", "3"),
            ("Dee", "Diaz", "3"),
        ):
            ids[first] = f.resident(s, admin, first, last, room=room, mentor_id=maya.id).id
        robin = f.resident(s, admin, "Robin", "Hill", room="4")
        residents.discharge_resident(
            s,
            admin,
            robin.id,
            residents.Discharge(dt.date(2026, 5, 1), vocab.DischargeReason.MOVED_ON),
        )
        ids["Robin"] = robin.id
    return ids


def open_session(qtbot: QtBot, ctx: UiContext, **kwargs: int) -> SessionDialog:
    dialog = SessionDialog(None, ctx, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_group_with_three_attendees_and_their_ratings_is_saved(
    qtbot: QtBot, ctx: UiContext, db: Database, house: dict[str, int], today: dt.date
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_session(qtbot, ctx)
    assert dialog.chosen_format() == vocab.SessionFormat.GROUP
    assert dialog.minutes.value() == 60  # a group's usual length
    assert dialog.session_date.date() == today
    model = dialog.attendees.model
    assert [r.name for r in model.rows()] == ["Ana Avila", "Ben Brooks", "Cal Cruz", "Dee Diaz"]
    dialog.mentor.setEditText("Maya Lopez")
    dialog.topic.setText("Relapse prevention")
    dialog.support_boxes[vocab.SupportType.EMOTIONAL].setChecked(True)
    dialog.support_boxes[vocab.SupportType.INFORMATIONAL].setChecked(True)
    for name in ("Ana", "Ben", "Dee"):
        model.set_ticked(house[name], True)
    model.set_ratings(house["Ana"], 8, 5)
    model.set_ratings(house["Dee"], 3, None)
    assert dialog.attendees.count_label.text() == "3 of 4 residents ticked"
    before = row_counts(db)

    press_save(dialog)

    assert not dialog.isVisible()
    after = row_counts(db)
    assert after["peer_sessions"] == before["peer_sessions"] + 1
    assert after["session_attendees"] == before["session_attendees"] + 3
    assert isinstance(dialog.saved, dto.PeerSession)
    with db.read() as s:
        saved = sessions.get_session(s, dialog.saved.id)
    assert (saved.format, saved.duration_minutes, saved.topic) == (
        vocab.SessionFormat.GROUP,
        60,
        "Relapse prevention",
    )
    assert saved.mentor_id == house["maya"] and saved.session_date == today
    assert saved.support_types == {vocab.SupportType.EMOTIONAL, vocab.SupportType.INFORMATIONAL}
    assert {(a.name, a.motivation, a.satisfaction) for a in saved.attendees} == {
        ("Ana Avila", 8, 5),
        ("Ben Brooks", None, None),
        ("Dee Diaz", 3, None),
    }
    assert heard.seen == [("peer_sessions", saved.id)]


def test_a_rating_ticks_the_row_and_clear_unticks_everyone(
    qtbot: QtBot, ctx: UiContext, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx)
    model = dialog.attendees.model
    row = model.row_of(house["Cal"])
    assert model.setData(model.index(row, 3), 7, Qt.ItemDataRole.EditRole)
    assert model.index(row, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert not model.setData(model.index(row, 4), 9, Qt.ItemDataRole.EditRole)  # 1–5 only
    dialog.attendees.clear_button.click()
    assert model.ticked_rows() == []


def test_the_filter_narrows_the_list_and_tick_all_ticks_only_what_is_shown(
    qtbot: QtBot, ctx: UiContext, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx)
    dialog.attendees.filter_edit.setText("3")  # room 3
    assert dialog.attendees.shown_resident_ids() == [house["Cal"], house["Dee"]]
    dialog.attendees.tick_all_button.click()
    dialog.attendees.filter_edit.setText("")
    ticked = {row.resident_id for row in dialog.attendees.model.ticked_rows()}
    assert ticked == {house["Cal"], house["Dee"]}
    assert dialog.attendees.count_label.text() == "2 of 4 residents ticked"
    dialog.attendees.filter_edit.setText("BROOK")  # any part of a name, any case
    assert dialog.attendees.shown_resident_ids() == [house["Ben"]]
    assert dialog.attendees.count_label.text() == "2 of 4 residents ticked · 1 shown"


def test_the_list_follows_the_session_date(
    qtbot: QtBot, ctx: UiContext, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx)
    model = dialog.attendees.model
    assert house["Robin"] not in [r.resident_id for r in model.rows()]
    model.set_ticked(house["Ana"], True)
    dialog.session_date.date_edit.setDate(QDate(2026, 3, 2))  # Robin was here then
    assert house["Robin"] in [r.resident_id for r in model.rows()]
    assert [r.resident_id for r in model.ticked_rows()] == [house["Ana"]]  # ticks kept


def test_a_one_to_one_for_a_resident_starts_with_them_and_their_mentor(
    qtbot: QtBot, ctx: UiContext, db: Database, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx, resident_id=house["Ben"])
    assert dialog.chosen_format() == vocab.SessionFormat.ONE_TO_ONE
    assert dialog.attendee_pages.currentIndex() == 0
    assert dialog.one_resident.value() == house["Ben"]
    assert dialog.mentor.value() == house["maya"]
    assert dialog.minutes.value() == 30
    assert dialog.windowTitle() == "New session with Ben Brooks"
    dialog.one_motivation.setValue(6)
    dialog.support_boxes[vocab.SupportType.INSTRUMENTAL].setChecked(True)
    press_save(dialog)
    assert isinstance(dialog.saved, dto.PeerSession)
    assert [(a.resident_id, a.motivation, a.satisfaction) for a in dialog.saved.attendees] == [
        (house["Ben"], 6, None)
    ]


def test_switching_to_group_carries_the_one_resident_over(
    qtbot: QtBot, ctx: UiContext, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx, resident_id=house["Ben"])
    dialog.one_satisfaction.setValue(4)
    dialog.minutes.setValue(45)
    dialog.format.setCurrentIndex(dialog.format.findText("Group"))
    assert dialog.attendee_pages.currentIndex() == 1
    [row] = dialog.attendees.model.ticked_rows()
    assert (row.resident_id, row.satisfaction) == (house["Ben"], 4)
    assert dialog.minutes.value() == 45  # a length changed by hand stays


def test_without_support_type_or_attendee_nothing_is_saved(
    qtbot: QtBot, ctx: UiContext, db: Database, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx)
    dialog.mentor.setEditText("Maya Lopez")
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "support_types", "Tick at least one type of support given.")
    assert_refused(dialog, "attendees", "Add at least one resident who attended.")
    assert dialog.errors.label_for("attendees") is dialog.list_error
    assert row_counts(db) == before


def test_a_future_date_and_an_unknown_mentor_are_refused(
    qtbot: QtBot, ctx: UiContext, db: Database, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx)
    dialog.mentor.setEditText("Mia Lopes")
    dialog.session_date.date_edit.setDate(QDate(2026, 6, 20))
    dialog.support_boxes[vocab.SupportType.EMOTIONAL].setChecked(True)
    dialog.attendees.model.set_ticked(house["Ana"], True)
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "session_date", "(20 Jun 2026) is in the future")
    assert_refused(dialog, "mentor_id", "No active peer mentor is called “Mia Lopes”")
    assert row_counts(db) == before


def test_a_one_to_one_with_a_name_nobody_has_is_refused_under_the_resident(
    qtbot: QtBot, ctx: UiContext, db: Database, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx, resident_id=house["Ben"])
    dialog.one_resident.setEditText("Benny")
    dialog.support_boxes[vocab.SupportType.EMOTIONAL].setChecked(True)
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "attendees", "Nobody called “Benny” was in residence")
    assert dialog.errors.label_for("attendees") is dialog.one_error
    assert row_counts(db) == before


def test_correcting_a_session_replaces_its_attendees(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, house: dict[str, int]
) -> None:
    with db.begin() as s:
        logged = f.session(
            s, admin, house["maya"], [house["Ana"], house["Ben"]], day=dt.date(2026, 6, 1)
        )
    heard = Announcements.listen(ctx)
    dialog = open_session(qtbot, ctx, session_id=logged.id)
    assert dialog.windowTitle() == "Session on 1 Jun 2026"
    assert dialog.topic.text() == "Relapse prevention"
    model = dialog.attendees.model
    assert {r.resident_id for r in model.ticked_rows()} == {house["Ana"], house["Ben"]}
    model.set_ticked(house["Ben"], False)
    model.set_ticked(house["Cal"], True)
    press_save(dialog)
    with db.read() as s:
        now = set(s.execute(select(SessionAttendee.resident_id)).scalars())
    assert now == {house["Ana"], house["Cal"]}
    assert heard.seen == [("peer_sessions", logged.id)]


def test_a_voided_session_cannot_be_changed(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, house: dict[str, int]
) -> None:
    with db.begin() as s:
        logged = f.session(s, admin, house["maya"], [house["Ana"]], day=dt.date(2026, 6, 1))
        sessions.void_session(s, admin, logged.id, "Entered twice.")
    dialog = open_session(qtbot, ctx, session_id=logged.id)
    assert "voided (Entered twice.)" in dialog.banner.text()
    assert not dialog.ok_button.isEnabled()


def test_a_group_of_a_hundred_is_ticked_at_once(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor
) -> None:
    with db.begin() as s:
        maya = f.mentor(s, admin)
        for n in range(100):
            f.resident(s, admin, f"Resident{n:03}", "Test", dob=None, room=str(n))
    dialog = open_session(qtbot, ctx)
    assert dialog.attendees.model.rowCount() == 100
    dialog.mentor.set_value(maya.id)
    dialog.support_boxes[vocab.SupportType.AFFILIATIONAL].setChecked(True)
    dialog.attendees.tick_all_button.click()
    assert dialog.attendees.count_label.text() == "100 of 100 residents ticked"
    press_save(dialog)
    assert isinstance(dialog.saved, dto.PeerSession)
    assert len(dialog.saved.attendees) == 100


def test_the_attendee_model_passes_the_model_tester(
    qtbot: QtBot, ctx: UiContext, house: dict[str, int], qtmodeltester: ModelTester
) -> None:
    dialog = open_session(qtbot, ctx)
    dialog.attendees.model.set_ticked(house["Ana"], True)
    qtmodeltester.check(dialog.attendees.model)
    qtmodeltester.check(dialog.attendees.proxy)


def test_the_session_dialog_is_labelled_and_tabs_down_then_across(
    qtbot: QtBot, ctx: UiContext, house: dict[str, int]
) -> None:
    dialog = open_session(qtbot, ctx)
    assert control_problems(dialog) == []
    chain = tab_chain(dialog)
    assert comes_before(
        chain,
        dialog.format,
        dialog.mentor,
        dialog.session_date,
        dialog.minutes,
        dialog.topic,
        dialog.support_boxes[vocab.SupportType.EMOTIONAL],
        dialog.support_boxes[vocab.SupportType.AFFILIATIONAL],
        dialog.notes,
        dialog.attendees.filter_edit,
        dialog.attendees.view,
        dialog.ok_button,
    )
    dialog.format.setCurrentIndex(dialog.format.findText("One-to-one"))
    assert control_problems(dialog) == []


def test_a_rating_off_the_scale_is_refused_in_words_never_changed(
    qtbot: QtBot, ctx: UiContext, db: Database, house: dict[str, int]
) -> None:
    """Issue 17: "15" typed in the 0–10 motivation column was saved as 1."""
    dialog = open_session(qtbot, ctx)
    view, model, proxy = dialog.attendees.view, dialog.attendees.model, dialog.attendees.proxy
    source = model.index(model.row_of(house["Cal"]), 3)
    cell = proxy.mapFromSource(source)
    view.setCurrentIndex(cell)
    view.setFocus()
    qtbot.keyClick(view, "1")  # typing starts the editor, as a person does
    editor = view.focusWidget()
    qtbot.keyClicks(editor, "5")
    assert editor.text() == "15", "what was typed stays on screen"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # Qt commits a good value on its next turn of the loop
    assert source.data(Qt.ItemDataRole.EditRole) is None, "nothing kept, not 1"
    refusal = dialog.attendees.refusal_label
    assert (
        refusal.isVisible() and refusal.text() == "Motivation is from 0 to 10; 15 cannot be kept."
    )
    # The editor stays open with what was typed selected: the person types again.
    assert view.focusWidget() is editor and editor.lineEdit().selectedText() == "15"
    qtbot.keyClicks(editor, "7")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits on its next turn of the loop
    qtbot.waitUntil(lambda: source.data(Qt.ItemDataRole.EditRole) == 7)
    assert not refusal.isVisible()

    one = open_session(qtbot, ctx, resident_id=house["Ben"])
    one.support_boxes[vocab.SupportType.EMOTIONAL].setChecked(True)
    one.one_motivation.lineEdit().selectAll()
    qtbot.keyClicks(one.one_motivation, "15")
    before = row_counts(db)
    press_save(one)
    assert one.saved is None and row_counts(db) == before
    assert one.errors.message_for("attendees") == "Motivation is from 0 to 10; 15 cannot be kept."


def test_a_long_topic_shows_its_start_when_the_session_opens(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, house: dict[str, int]
) -> None:
    """Issue 17: at 150 % text an existing session showed "e prevention: planning…"."""
    topic = "Relapse prevention: planning for the holidays, family visits and old friends"
    with db.begin() as s:
        logged = f.session(s, admin, house["maya"], [house["Ana"]], topic=topic)
    dialog = open_session(qtbot, ctx, session_id=logged.id)
    assert dialog.topic.text() == topic
    assert dialog.topic.cursorPosition() == 0


def test_at_150_percent_on_a_laptop_screen_the_form_fits_and_the_list_scrolls(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, house: dict[str, int]
) -> None:
    """Issue 17: at 150 % text in a 1366×768 screen's room the whole form scrolled, cutting
    "N of M residents ticked" in half; the list of residents is what scrolls now."""
    from PySide6.QtWidgets import QApplication

    with db.begin() as s:
        for n in range(30):
            f.resident(s, admin, f"Extra{n}", "Person", room=str(100 + n))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    base = app.font()
    bigger = app.font()
    bigger.setPointSizeF(base.pointSizeF() * 1.5)
    app.setFont(bigger)
    try:
        dialog = open_session(qtbot, ctx)
        dialog.resize(1297, 706)
        qtbot.wait(20)
        assert dialog.scroll.verticalScrollBar().maximum() == 0, "the form itself scrolls"
        attendees = dialog.attendees.view
        assert attendees.verticalScrollBar().maximum() > 0  # 34 residents: the list scrolls
        count = dialog.attendees.count_label
        assert count.isVisible() and not count.visibleRegion().isEmpty()
    finally:
        app.setFont(base)
