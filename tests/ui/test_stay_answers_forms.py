"""The funders' questions on the forms: asked at intake, corrected on the details form, asked
at discharge and again at readmission (who they are carried over), each saved with the rest of
its form and audited; and the details pane showing them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import dto, funder_vocab, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent
from peerdesk.core.services import residents
from peerdesk.core.services.stay_answers import Answers, answers_of, record_answers
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.discharge import DischargeDialog, ReadmitDialog
from peerdesk.ui.dialogs.resident import ResidentDialog
from peerdesk.ui.tabs.resident_detail import ResidentDetail
from peerdesk.ui.widgets.answers import AnswersSection
from tests import factories as f
from tests.ui.dialog_support import control_problems, make_context, press_save, row_counts
from tests.ui.test_dialog_resident import fill_valid_intake


@pytest.fixture
def ctx(db: Database, admin: Actor) -> UiContext:
    return make_context(db, admin)


@pytest.fixture
def jamie(db: Database, admin: Actor) -> dto.Resident:
    with db.begin() as s:
        return f.resident(s, admin, intake=dt.date(2026, 1, 10), room="2", bed="A")


def shown(qtbot: QtBot, dialog: ResidentDialog | DischargeDialog | ReadmitDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()


def choose(combo: QComboBox, text: str) -> None:
    row = combo.findText(text)
    assert row >= 0, f"{text!r} is not in the list"
    combo.setCurrentIndex(row)


def answers_of_stay(db: Database, resident_id: int, index: int = -1) -> Answers:
    with db.read() as s:
        stay = residents.get_resident(s, resident_id).stays[index]
        return answers_of(s, stay.id)


def answer_lines(db: Database) -> list[dict[str, list[str]]]:
    """The changes of every "Funders' answers recorded" audit line, oldest first."""
    with db.read() as s:
        found = s.execute(
            select(AuditEvent.changes)
            .where(AuditEvent.summary == "Funders' answers recorded")
            .order_by(AuditEvent.id)
        ).scalars()
        return [json.loads(changes) for changes in found]


def test_each_list_offers_its_answers_in_order_and_starts_at_unknown(
    qtbot: QtBot, ctx: UiContext
) -> None:
    dialog = ResidentDialog(None, ctx)
    shown(qtbot, dialog)
    assert list(dialog.answers.combos) == list(funder_vocab.INTAKE_QUESTIONS)
    race = dialog.answers.combos["race"]
    assert [race.itemText(i) for i in range(race.count())] == [m.label for m in funder_vocab.Race]
    assert not race.isEditable()  # nothing else can be typed in
    assert {c.currentText() for c in dialog.answers.combos.values()} == {"Unknown"}
    assert race.accessibleName() == "Race"
    assert dialog.exit_answers.isHidden()  # nobody has left yet


def test_intake_saves_the_answers_on_the_new_stay_with_an_audit_line(
    qtbot: QtBot, ctx: UiContext, db: Database
) -> None:
    dialog = ResidentDialog(None, ctx)
    shown(qtbot, dialog)
    fill_valid_intake(dialog)
    combos = dialog.answers.combos
    choose(combos["gender"], "Non-binary")
    choose(combos["race"], "More than one race")
    choose(combos["veteran"], "Declined to answer")
    choose(combos["income_entry"], "Under $500 a month")
    before = row_counts(db)

    press_save(dialog)

    assert isinstance(dialog.saved, dto.Resident)
    after = row_counts(db)
    assert after["residents"] == before["residents"] + 1
    assert after["stay_answers"] == before["stay_answers"] + 1
    answers = answers_of_stay(db, dialog.saved.id)
    assert [answers[q] for q in ("gender", "race", "veteran", "income_entry", "justice")] == [
        "non_binary",
        "multiracial",
        "declined",
        "under_500",
        "unknown",  # not chosen
    ]
    assert answer_lines(db) == [
        {
            "gender": ["unknown", "non_binary"],
            "race": ["unknown", "multiracial"],
            "veteran": ["unknown", "declined"],
            "income_entry": ["unknown", "under_500"],
        }
    ]


def test_an_intake_left_at_unknown_writes_no_answers(
    qtbot: QtBot, ctx: UiContext, db: Database
) -> None:
    dialog = ResidentDialog(None, ctx)
    shown(qtbot, dialog)
    fill_valid_intake(dialog)
    before = row_counts(db)
    press_save(dialog)
    assert isinstance(dialog.saved, dto.Resident)
    assert row_counts(db)["stay_answers"] == before["stay_answers"]
    assert answer_lines(db) == []


def test_a_refused_intake_keeps_the_chosen_answers_and_writes_none(
    qtbot: QtBot, ctx: UiContext, db: Database
) -> None:
    dialog = ResidentDialog(None, ctx)
    shown(qtbot, dialog)
    fill_valid_intake(dialog)
    dialog.first_name.clear()
    choose(dialog.answers.combos["gender"], "Woman")
    before = row_counts(db)
    press_save(dialog)
    assert dialog.isVisible() and dialog.errors.message_for("first_name")
    assert row_counts(db) == before
    assert dialog.answers.combos["gender"].currentText() == "Woman"


def test_editing_shows_the_latest_stays_answers_and_audits_the_one_changed(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, jamie: dto.Resident
) -> None:
    assert jamie.current_stay is not None
    with db.begin() as s:
        record_answers(s, admin, jamie.current_stay.id, {"gender": "man", "moud_entry": "yes"})
    dialog = ResidentDialog(None, ctx, jamie.id)
    shown(qtbot, dialog)
    assert dialog.answers.combos["gender"].currentText() == "Man"
    assert dialog.answers.combos["moud_entry"].currentText() == "Yes"
    assert dialog.exit_answers.isHidden()  # still in residence

    choose(dialog.answers.combos["moud_entry"], "No")
    press_save(dialog)

    assert not dialog.isVisible()
    answers = answers_of_stay(db, jamie.id)
    assert (answers["gender"], answers["moud_entry"]) == ("man", "no")
    assert answer_lines(db)[-1] == {"moud_entry": ["yes", "no"]}  # only what changed


def test_an_edit_that_changes_no_answer_writes_no_answers_line(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = ResidentDialog(None, ctx, jamie.id)
    shown(qtbot, dialog)
    dialog.phone.setText("(859) 555-0199")
    before = row_counts(db)
    press_save(dialog)
    assert not dialog.isVisible()
    assert row_counts(db)["stay_answers"] == before["stay_answers"] == 0
    assert answer_lines(db) == []


def test_discharge_records_the_exit_answers_on_the_stay_it_closes(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = DischargeDialog(None, ctx, jamie.id)
    shown(qtbot, dialog)
    assert list(dialog.answers.combos) == list(funder_vocab.EXIT_QUESTIONS)
    choose(dialog.reason, "Completed program")
    choose(dialog.exit_living, "Recovery housing")
    choose(dialog.answers.combos["employment_exit"], "Employed full time")
    choose(dialog.answers.combos["income_exit"], "$2,000 or more a month")

    press_save(dialog)

    assert not dialog.isVisible()
    assert isinstance(dialog.saved, dto.Resident)
    closed = dialog.saved.stays[-1]
    assert closed.id == jamie.stays[-1].id and closed.discharge_date is not None
    answers = answers_of_stay(db, jamie.id)
    assert (answers["employment_exit"], answers["income_exit"], answers["moud_exit"]) == (
        "full_time",
        "2000_up",
        "unknown",
    )
    assert answer_lines(db) == [
        {"employment_exit": ["unknown", "full_time"], "income_exit": ["unknown", "2000_up"]}
    ]


def test_a_refused_discharge_records_no_answers(
    qtbot: QtBot, ctx: UiContext, db: Database, jamie: dto.Resident
) -> None:
    dialog = DischargeDialog(None, ctx, jamie.id)
    shown(qtbot, dialog)
    choose(dialog.answers.combos["employment_exit"], "Employed part time")
    before = row_counts(db)
    press_save(dialog)  # no reason chosen
    assert dialog.isVisible() and dialog.errors.message_for("reason")
    assert row_counts(db) == before


@pytest.fixture
def discharged(db: Database, admin: Actor, jamie: dto.Resident) -> dto.Resident:
    assert jamie.current_stay is not None
    with db.begin() as s:
        record_answers(
            s,
            admin,
            jamie.current_stay.id,
            {
                "gender": "woman",
                "race": "asian",
                "ethnicity": "not_hispanic",
                "veteran": "yes",
                "justice": "court",
                "employment_entry": "looking",
                "moud_entry": "yes",
            },
        )
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


def test_readmission_starts_from_who_they_are_and_asks_the_rest_again(
    qtbot: QtBot, ctx: UiContext, db: Database, discharged: dto.Resident
) -> None:
    dialog = ReadmitDialog(None, ctx, discharged.id)
    shown(qtbot, dialog)
    texts = {q: combo.currentText() for q, combo in dialog.answers.combos.items()}
    assert texts == {
        "gender": "Woman",
        "race": "Asian",
        "ethnicity": "Not Hispanic or Latino/a",
        "veteran": "Yes",
        # how their life is going is asked afresh
        "justice": "Unknown",
        "employment_entry": "Unknown",
        "income_entry": "Unknown",
        "moud_entry": "Unknown",
    }
    assert "from the last stay; check them with Jamie Doe" in dialog.answers.hint.text()
    choose(dialog.answers.combos["employment_entry"], "Employed part time")

    press_save(dialog)

    assert not dialog.isVisible()
    new, old = answers_of_stay(db, discharged.id, -1), answers_of_stay(db, discharged.id, 0)
    assert [new[q] for q in ("gender", "race", "veteran", "employment_entry", "justice")] == [
        "woman",
        "asian",
        "yes",
        "part_time",
        "unknown",
    ]
    assert (old["employment_entry"], old["justice"]) == ("looking", "court")  # kept as it was


def test_the_details_of_someone_discharged_correct_the_discharge_answers(
    qtbot: QtBot, ctx: UiContext, db: Database, discharged: dto.Resident
) -> None:
    dialog = ResidentDialog(None, ctx, discharged.id)
    shown(qtbot, dialog)
    assert not dialog.exit_answers.isHidden()
    assert dialog.answers.combos["race"].currentText() == "Asian"
    choose(dialog.exit_answers.combos["moud_exit"], "Yes")
    press_save(dialog)
    assert not dialog.isVisible()
    assert answers_of_stay(db, discharged.id)["moud_exit"] == "yes"
    assert answer_lines(db)[-1] == {"moud_exit": ["unknown", "yes"]}


def test_every_answers_form_is_labelled_and_alt_q_reaches_the_first_list(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, discharged: dto.Resident
) -> None:
    with db.begin() as s:
        robin = f.resident(s, admin, "Robin", "Hill")
    forms: list[Callable[[], ResidentDialog | DischargeDialog | ReadmitDialog]] = [
        lambda: ResidentDialog(None, ctx),
        lambda: ResidentDialog(None, ctx, discharged.id),  # with the discharge's answers too
        lambda: ReadmitDialog(None, ctx, discharged.id),
        lambda: DischargeDialog(None, ctx, robin.id),
    ]
    for make in forms:
        dialog = make()
        shown(qtbot, dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        assert control_problems(dialog) == [], dialog.windowTitle()
        first = next(iter(dialog.answers.combos.values()))
        assert dialog.focusWidget() is not first
        qtbot.keyClick(dialog, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
        assert dialog.focusWidget() is first, dialog.windowTitle()
        dialog.reject()


def test_the_intake_form_still_fits_a_1366_by_768_screen_at_150_percent_font(
    qtbot: QtBot, ctx: UiContext
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.font()
    bigger = app.font()
    bigger.setPointSizeF(original.pointSizeF() * 1.5)
    app.setFont(bigger)
    try:
        dialog = ResidentDialog(None, ctx)
        shown(qtbot, dialog)
        # What fit_to_screen leaves on a 1366×768 screen (95 % wide, 92 % high).
        dialog.resize(int(1366 * 0.95), int(768 * 0.92))
        qtbot.waitUntil(lambda: dialog.answers.width() > 0)
        QApplication.processEvents()
        # No sideways scrolling: the fields fit the width and the rest scrolls down.
        assert dialog.body.minimumSizeHint().width() <= dialog.scroll.viewport().width()
        assert not dialog.scroll.horizontalScrollBar().isVisible()
        section: AnswersSection = dialog.answers
        for question, combo in section.combos.items():
            # Every answer, the longest included, shows whole in its list.
            longest = max((combo.itemText(i) for i in range(combo.count())), key=len)
            needed = combo.fontMetrics().horizontalAdvance(longest) + 24  # and the arrow
            assert needed <= combo.width(), (question, longest, combo.width())
        last = section.combos["moud_entry"]
        dialog.scroll.ensureWidgetVisible(last)
        QApplication.processEvents()
        assert not last.visibleRegion().isEmpty()  # reachable by scrolling
    finally:
        app.setFont(original)


def test_the_details_pane_shows_each_stays_known_answers(
    qtbot: QtBot, ctx: UiContext, db: Database, admin: Actor, discharged: dto.Resident
) -> None:
    with db.begin() as s:
        back = residents.readmit_resident(
            s,
            admin,
            discharged.id,
            residents.Admission(dt.date(2026, 4, 1), f.phase_id(s), living_situation="shelter"),
        )
    pane = ResidentDetail(ctx)
    qtbot.addWidget(pane)
    pane.show_resident(back.id)
    text = pane.stay.text()
    current, earlier = text.split("Earlier stay, 10 Jan 2026 – 1 Mar 2026")
    # The new stay was never asked: one line, not a list of unknowns.
    assert "answers: not recorded" in current  # "Funders' answers: not recorded"
    assert "Unknown" not in current
    # The earlier stay lists what was answered, and leaves out what was not.
    assert "Asian" in earlier and "Referred by a court" in earlier
    assert "Employment at entry" in earlier and "Unemployed, looking for work" in earlier
    assert "Employment at exit" not in earlier  # unknown, so not shown
    assert "not recorded" not in earlier
