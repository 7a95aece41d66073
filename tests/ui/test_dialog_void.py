"""Voiding asks why; without a reason nothing happens."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from peerdesk.ui.dialogs.void import VoidDialog
from tests.ui.dialog_support import assert_refused, control_problems, press_save


def open_void(qtbot: QtBot, what: str = "the session on 2 Mar 2026") -> VoidDialog:
    dialog = VoidDialog(None, what)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_dialog_names_the_record_and_keeps_the_reason(qtbot: QtBot) -> None:
    dialog = open_void(qtbot)
    assert "Void the session on 2 Mar 2026?" in dialog.heading.text()
    dialog.reason_edit.setPlainText("Logged on the wrong day.")
    press_save(dialog)
    assert not dialog.isVisible()
    assert dialog.reason == "Logged on the wrong day."


def test_a_reason_is_required(qtbot: QtBot) -> None:
    dialog = open_void(qtbot)
    press_save(dialog)
    assert_refused(dialog, "reason", "Say why this record is being voided.")
    dialog.reason_edit.setPlainText("x" * 501)
    press_save(dialog)
    assert_refused(dialog, "reason", "at most 500 characters")


def test_ask_returns_the_trimmed_reason_or_none(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def give_reason(dialog: VoidDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.reason_edit.setPlainText("  Entered twice.\n")
        press_save(dialog)
        return dialog.result()

    monkeypatch.setattr(VoidDialog, "exec", give_reason)
    assert VoidDialog.ask(None, "the note") == "Entered twice."

    def change_mind(dialog: VoidDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.reason_edit.setPlainText("Entered twice.")
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(VoidDialog, "exec", change_mind)
    assert VoidDialog.ask(None, "the note") is None


def test_markup_in_the_name_of_the_record_is_shown_as_text(qtbot: QtBot) -> None:
    dialog = open_void(qtbot, "the credential <b>CPRS</b> & co")
    assert "&lt;b&gt;CPRS&lt;/b&gt; &amp; co" in dialog.heading.text()


def test_the_void_dialog_is_labelled(qtbot: QtBot) -> None:
    dialog = open_void(qtbot)
    assert dialog.ok_button.text() == "&Void"
    assert control_problems(dialog) == []
