"""The inputs the forms share: dates, pickers, scores, and the inline messages."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.core import dto
from peerdesk.core.errors import FieldError
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FieldErrors, FormSection, MessageBanner, mnemonic_of
from peerdesk.ui.widgets.pickers import MentorPicker, ResidentPicker
from peerdesk.ui.widgets.scores import MinutesSpinBox, OptionalScoreSpin, ScoreChooser


def test_a_required_date_reads_as_day_month_year(qtbot: QtBot) -> None:
    field = DateField(value=dt.date(2026, 3, 7))
    qtbot.addWidget(field)
    assert field.date_edit.text() == "7 Mar 2026"  # never 3/7 or 7/3
    assert field.date_edit.calendarPopup()
    field.date_edit.setDate(QDate(2026, 3, 8))
    assert field.date() == dt.date(2026, 3, 8)
    field.set_date(None)  # a required date cannot be blanked: it goes to its default
    assert field.date() == dt.date(2026, 3, 7)


def test_an_optional_date_can_be_blank_and_remembers_its_date(qtbot: QtBot) -> None:
    field = DateField(optional=True, blank_text="Not known", default=dt.date(2000, 1, 1))
    qtbot.addWidget(field)
    changes: list[None] = []
    field.changed.connect(lambda: changes.append(None))
    assert field.date() is None and field.is_blank()
    assert field.date_edit.text() == "Not known" and not field.date_edit.isEnabled()
    assert field.focusProxy() is field.known_box
    field.known_box.setChecked(True)
    assert field.date() == dt.date(2000, 1, 1)  # the default when first ticked
    assert field.focusProxy() is field.date_edit
    field.date_edit.setDate(QDate(1990, 5, 1))
    field.known_box.setChecked(False)
    assert field.date() is None
    field.known_box.setChecked(True)
    assert field.date() == dt.date(1990, 5, 1)  # remembered, not reset
    assert len(changes) == 4


def test_an_optional_date_names_its_parts(qtbot: QtBot) -> None:
    field = DateField(optional=True)
    qtbot.addWidget(field)
    field.setAccessibleName("Date of birth")
    assert field.date_edit.accessibleName() == "Date of birth"
    assert field.known_box.accessibleName() == "Date of birth: there is a date"


def _mentors() -> list[dto.MentorBrief]:
    return [
        dto.MentorBrief(1, "Maya Lopez", "Peer mentor", True),
        dto.MentorBrief(2, "Sam Lopez", "Peer mentor", True),
        dto.MentorBrief(3, "Ada Reyes", "Peer mentor", False),
    ]


def test_the_mentor_picker_finds_any_part_of_a_name(qtbot: QtBot) -> None:
    picker = MentorPicker(none_text="No mentor yet")
    qtbot.addWidget(picker)
    picker.set_mentors(_mentors())
    assert picker.texts() == ["No mentor yet", "Maya Lopez", "Sam Lopez", "Ada Reyes (inactive)"]
    completer = picker.completer()
    completer.setCompletionPrefix("LOP")
    matches = [
        completer.completionModel().index(row, 0).data()
        for row in range(completer.completionCount())
    ]
    assert matches == ["Maya Lopez", "Sam Lopez"]
    picker.setEditText("sam lopez")
    assert picker.value() == 2 and picker.unmatched_text() is None
    picker.setEditText("Sam L")
    assert picker.value() is None and picker.unmatched_text() == "Sam L"
    picker.set_value(None)
    assert picker.currentText() == "No mentor yet" and picker.unmatched_text() is None
    picker.set_value(1)
    picker.set_mentors(_mentors()[1:])  # Maya gone from the list: the choice is cleared
    assert picker.value() is None


def test_the_resident_picker_shows_room_and_bed(qtbot: QtBot) -> None:
    picker = ResidentPicker()
    qtbot.addWidget(picker)
    picker.set_residents([dto.ResidentBrief(5, "Jamie Doe", "3", "B", "SOS", None)])
    assert picker.texts() == ["Jamie Doe · 3 B"]
    picker.set_value(5)
    assert picker.value() == 5


def test_a_score_chooser_starts_unanswered_and_can_be_cleared(qtbot: QtBot) -> None:
    chooser = ScoreChooser(1, 6, anchors={1: "Strongly disagree", 6: "Strongly agree"})
    qtbot.addWidget(chooser)
    chooser.setAccessibleName("Statement 1")
    assert chooser.value() is None
    assert chooser.button(6).accessibleName() == "Statement 1: 6"
    assert chooser.button(6).accessibleDescription() == "Strongly agree"
    chooser.button(3).click()
    assert chooser.value() == 3 and chooser.focusProxy() is chooser.button(3)
    chooser.set_value(None)
    assert chooser.value() is None


def test_ratings_may_be_blank_and_minutes_stay_in_range(qtbot: QtBot) -> None:
    rating = OptionalScoreSpin(1, 5)
    qtbot.addWidget(rating)
    assert rating.score() is None and rating.text() == "—"
    rating.set_score(4)
    assert rating.score() == 4
    minutes = MinutesSpinBox(60)
    qtbot.addWidget(minutes)
    minutes.setValue(0)
    assert minutes.value() == 1
    minutes.setValue(10_000)
    assert minutes.value() == 720
    assert minutes.text() == "720 min"


def test_messages_go_under_their_fields_and_the_rest_to_the_banner(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    banner = MessageBanner(host)
    errors = FieldErrors(banner, host)
    section = FormSection("About", errors, host)
    first, last = QLineEdit(host), QLineEdit(host)
    section.add_field("&First name:", first, "first_name")
    section.add_field("&Last name:", last, "last_name")
    layout = QVBoxLayout(host)
    layout.addWidget(banner)
    layout.addWidget(section)
    host.show()
    assert first.accessibleName() == "First name"

    errors.show(
        [
            FieldError("last_name", "Last name is required."),
            FieldError("user_id", "Choose the user account from the list."),
        ],
        summary="Nothing was saved.",
    )
    assert errors.label_for("last_name").text() == "Last name is required."
    assert errors.label_for("last_name").isVisible()
    assert not errors.label_for("first_name").isVisible()
    assert last.accessibleDescription() == "Last name is required."
    assert banner.isVisible()
    assert banner.text() == "Nothing was saved.\nChoose the user account from the list."
    assert errors.message_for("user_id") == "Choose the user account from the list."

    errors.clear()
    assert not banner.isVisible() and not errors.label_for("last_name").isVisible()
    assert not errors.has_errors


def test_mnemonics_are_read_as_qt_reads_them() -> None:
    assert mnemonic_of("&First name:") == "f"
    assert mnemonic_of("Len&gth:") == "g"
    assert mnemonic_of("Fish && chips") is None
    assert mnemonic_of("Plain") is None


def test_a_date_is_typed_as_people_write_it(
    qtbot: QtBot, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: dates could be typed only as numbers."""
    from PySide6.QtCore import Qt

    from peerdesk.core import vocab
    from peerdesk.ui.widgets import dates
    from peerdesk.ui.widgets.dates import DateField

    field = DateField(value=dt.date(2026, 1, 1))
    qtbot.addWidget(field)
    field.show()
    edit = field.date_edit
    for typed, wanted in (
        ("7 Mar 2026", dt.date(2026, 3, 7)),
        ("March 7", dt.date(2026, 3, 7)),
        ("12/25", dt.date(2026, 12, 25)),  # the house's order: month first by default
        ("yesterday", today - dt.timedelta(days=1)),
    ):
        edit.lineEdit().selectAll()
        qtbot.keyClicks(edit, typed)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        assert field.date() == wanted, typed
        assert edit.text() == f"{wanted.day} {wanted:%b %Y}"
    edit.lineEdit().selectAll()
    qtbot.keyClicks(edit, "7 Foo")
    assert field.date() == today - dt.timedelta(days=1), "not a date: the date stays"
    monkeypatch.setattr(dates, "typed_order", vocab.DateOrder.DAY_FIRST)  # House settings
    edit.lineEdit().selectAll()
    qtbot.keyClicks(edit, "3/7/2026")
    assert field.date() == dt.date(2026, 7, 3)
