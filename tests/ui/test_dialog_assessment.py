"""Assessments: the ten BARC-10 statements with a live total, and the short scales."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from peerdesk.core import dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import assessments
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.assessment import AssessmentDialog
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


def open_assessment(
    qtbot: QtBot, ctx: UiContext, resident_id: int, instrument: vocab.Instrument | None = None
) -> AssessmentDialog:
    dialog = AssessmentDialog(None, ctx, resident_id, instrument)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_ten_statements_are_shown_in_their_fixed_wording(
    qtbot: QtBot, ctx: UiContext, jamie: dto.Resident
) -> None:
    dialog = open_assessment(qtbot, ctx, jamie.id)
    shown = [dialog.findChild(type(dialog.heading), f"barcItem{n}").text() for n in range(1, 11)]
    assert shown == list(vocab.BARC10_ITEMS)
    assert [chooser.value() for chooser in dialog.items] == [None] * 10  # nothing pre-chosen


def test_the_total_follows_each_answer_and_marks_47_or_more(
    qtbot: QtBot, ctx: UiContext, jamie: dto.Resident
) -> None:
    dialog = open_assessment(qtbot, ctx, jamie.id)
    assert dialog.total_label.text() == "Total so far: 0 · 0 of 10 answered"
    dialog.items[0].button(4).click()
    dialog.items[1].button(6).click()
    assert dialog.total_label.text() == "Total so far: 10 · 2 of 10 answered"
    for chooser in dialog.items[2:]:
        chooser.button(4).click()  # 10 + 8 × 4 = 42
    assert dialog.total_label.text() == "<b>Total: 42</b> of 60"
    assert not dialog.marker_label.isVisibleTo(dialog)
    for chooser in dialog.items[2:7]:
        chooser.button(5).click()  # 42 + 5 = 47
    assert dialog.barc_total() == (47, 10)
    assert dialog.total_label.text() == "<b>Total: 47</b> of 60"
    assert dialog.marker_label.isVisibleTo(dialog) and dialog.marker_label.text() == "≥ 47"
    dialog.items[9].button(1).click()  # 47 − 3 = 44: below the marker again
    assert dialog.barc_total() == (44, 10)
    assert not dialog.marker_label.isVisibleTo(dialog)


def test_a_full_barc10_is_saved_with_its_items_and_total(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident, today: dt.date
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_assessment(qtbot, ctx, jamie.id)
    answers = [5, 6, 4, 5, 3, 6, 5, 6, 4, 5]
    for chooser, answer in zip(dialog.items, answers, strict=True):
        chooser.button(answer).click()
    before = row_counts(db)

    press_save(dialog)

    assert not dialog.isVisible()
    assert row_counts(db)["assessments"] == before["assessments"] + 1
    with db.read() as s:
        [saved] = assessments.list_assessments(s, jamie.id)
    assert saved.instrument == vocab.Instrument.BARC10
    assert saved.items == tuple(answers)
    assert saved.score == sum(answers) == 49
    assert saved.assessed_on == today
    assert heard.seen == [("assessments", saved.id)]


def test_an_unfinished_barc10_says_how_many_are_answered_and_saves_nothing(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = open_assessment(qtbot, ctx, jamie.id)
    for chooser in dialog.items[:8]:
        chooser.button(3).click()
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "items", "BARC-10 needs all ten answers; 8 of 10 are filled in.")
    assert row_counts(db) == before


def test_the_message_under_a_tall_input_is_scrolled_into_view(
    qtbot: QtBot, ctx: UiContext, jamie: dto.Resident
) -> None:
    """Issue 17: on a short screen (1366×768 at 150 % text) the banner said "look at the
    messages below" while the message under the ten statements was out of sight."""
    dialog = open_assessment(qtbot, ctx, jamie.id)
    dialog.resize(dialog.width(), 420)
    qtbot.wait(10)
    for chooser in dialog.items[:6]:
        chooser.button(4).click()
    press_save(dialog)
    label = dialog.errors.label_for("items")
    assert label.isVisible() and "6 of 10" in label.text()
    viewport = dialog.scroll.viewport()
    top_left = label.mapTo(viewport, label.rect().topLeft())
    bottom = label.mapTo(viewport, label.rect().bottomLeft())
    assert top_left.y() >= 0 and bottom.y() <= viewport.height(), "the message is out of sight"


def test_a_date_before_the_intake_is_refused_beside_the_date(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = open_assessment(qtbot, ctx, jamie.id, vocab.Instrument.SATISFACTION)
    dialog.assessed_on.date_edit.setDate(QDate(2025, 12, 1))
    dialog.satisfaction.button(4).click()
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "assessed_on", "before Jamie's intake (10 Jan 2026)")
    assert row_counts(db) == before


def test_the_readiness_ruler_needs_a_score_and_saves_it(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = open_assessment(qtbot, ctx, jamie.id, vocab.Instrument.READINESS)
    assert dialog.pages.currentIndex() == 1
    assert [b.text() for b in dialog.readiness.buttons] == [str(n) for n in range(11)]
    before = row_counts(db)
    press_save(dialog)
    assert_refused(dialog, "score", "Readiness ruler is required.")
    assert dialog.errors.label_for("score") is dialog.readiness_error
    assert row_counts(db) == before

    dialog.readiness.button(0).click()  # zero is an answer, not a blank
    press_save(dialog)
    assert isinstance(dialog.saved, dto.Assessment)
    assert (dialog.saved.instrument, dialog.saved.score) == (vocab.Instrument.READINESS, 0)


def test_switching_instrument_saves_only_the_one_shown(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = open_assessment(qtbot, ctx, jamie.id)
    dialog.items[0].button(2).click()  # a half-finished BARC-10 left behind
    dialog.instrument_buttons[vocab.Instrument.LIVING_SITUATION].click()
    assert dialog.pages.currentIndex() == 3
    press_save(dialog)
    assert_refused(dialog, "living_situation", "Choose the living situation from the list.")
    dialog.living.setCurrentIndex(dialog.living.findText("Recovery housing"))
    press_save(dialog)
    assert isinstance(dialog.saved, dto.Assessment)
    assert dialog.saved.instrument == vocab.Instrument.LIVING_SITUATION
    assert dialog.saved.living_situation == "recovery_housing"
    assert dialog.saved.items == ()


def test_the_last_barc10_is_shown_for_comparison(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, jamie: dto.Resident
) -> None:
    with db.begin() as s:
        assessments.record_assessment(
            s,
            admin,
            assessments.AssessmentEntry(
                jamie.id, dt.date(2026, 2, 1), vocab.Instrument.BARC10, items=[4] * 10
            ),
        )
    dialog = open_assessment(qtbot, ctx, jamie.id)
    assert "last BARC-10 total 40 on 1 Feb 2026" in dialog.heading.text()


def test_the_assessment_dialog_is_labelled_on_every_page(
    qtbot: QtBot, ctx: UiContext, jamie: dto.Resident
) -> None:
    dialog = open_assessment(qtbot, ctx, jamie.id)
    for member in vocab.Instrument:
        dialog.instrument_buttons[member].click()
        assert control_problems(dialog) == [], member
