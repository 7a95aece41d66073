"""The first-run welcome asks the house's name."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from peerdesk.ui.dialogs.welcome import WelcomeChoice, WelcomeDialog
from tests.ui.dialog_support import assert_refused, control_problems, press_save


def open_welcome(qtbot: QtBot) -> WelcomeDialog:
    dialog = WelcomeDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_name_typed_is_the_answer_with_spaces_tidied(qtbot: QtBot) -> None:
    dialog = open_welcome(qtbot)
    assert dialog.ok_button.text() == "&Start"
    dialog.name_edit.setText("  Hope   Street House ")
    press_save(dialog)
    assert not dialog.isVisible()
    assert dialog.house_name == "Hope Street House"


@pytest.mark.parametrize(
    ("typed", "words"),
    [("   ", "Type the name of your house"), ("x" * 121, "at most 120 characters")],
)
def test_a_missing_or_overlong_name_keeps_the_welcome_open(
    qtbot: QtBot, typed: str, words: str
) -> None:
    dialog = open_welcome(qtbot)
    dialog.name_edit.setText(typed)
    press_save(dialog)
    assert_refused(dialog, "house_name", words)
    assert dialog.house_name == ""


def test_ask_returns_the_name_a_restore_or_none(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def type_and_start(dialog: WelcomeDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.name_edit.setText("Hope House")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(WelcomeDialog, "exec", type_and_start)
    assert WelcomeDialog.ask(None) == WelcomeChoice(house_name="Hope House")

    def restore_instead(dialog: WelcomeDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.restore_button.click()  # no name is needed for that
        return dialog.result()

    monkeypatch.setattr(WelcomeDialog, "exec", restore_instead)
    assert WelcomeDialog.ask(None) == WelcomeChoice(restore=True)

    def close(dialog: WelcomeDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(WelcomeDialog, "exec", close)
    assert WelcomeDialog.ask(None) is None


def test_the_welcome_is_labelled(qtbot: QtBot) -> None:
    assert control_problems(open_welcome(qtbot)) == []
