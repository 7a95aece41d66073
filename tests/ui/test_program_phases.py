"""House → Program phases…: an administrator adds, renames, reorders, retires and brings back
program phases in the window; the Residents filter follows at once, a refusal is one sentence
in the dialog, and only administrators see the entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import settings as settings_service
from peerdesk.ui.dialogs.phases import PhaseDialog, ProgramPhasesDialog
from peerdesk.ui.features.house import HouseFeature
from peerdesk.ui.main_window import MainWindow
from tests import factories as f
from tests.ui.accounts_support import add_accounts, window_for
from tests.ui.dialog_support import control_problems
from tests.window_support import Messages


@pytest.fixture
def house(db: Database) -> Database:
    with db.begin() as s:
        settings_service.name_house(s, Actor.local_administrator(), "Hope Street House")
        m = f.mentor(s, Actor.local_administrator())
        f.resident(s, Actor.local_administrator(), "Pat", "Kim", phase="SOS", mentor_id=m.id)
    add_accounts(db)
    return db


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


def phases_action(window: MainWindow) -> object:
    feature = window.findChild(HouseFeature)
    assert feature is not None
    return feature.phases_action


def in_the_dialog(window: MainWindow, act: object) -> None:
    """Choose House → Program phases… and let ``act(dialog)`` work in it, then close it."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ProgramPhasesDialog)
        try:
            act(dialog)  # type: ignore[operator]
        finally:
            dialog.reject()

    QTimer.singleShot(0, run)
    phases_action(window).trigger()  # type: ignore[attr-defined]


def fill_phase_form(name: str, short: str = "", *, mentors: bool = False) -> object:
    """What an administrator types in the phase form, then Save."""

    def fill(dialog: PhaseDialog) -> int:
        dialog.show()
        dialog.name.setText(name)
        dialog.short_name.setText(short)
        dialog.mentors_allowed.setChecked(mentors)
        dialog.ok_button.click()
        return dialog.result()

    return fill


def table_rows(dialog: ProgramPhasesDialog) -> list[list[str]]:
    return [
        [dialog.table.item(row, column).text() for column in range(dialog.table.columnCount())]
        for row in range(dialog.table.rowCount())
    ]


def filter_names(window: MainWindow) -> list[str]:
    combo = window.residents.phase_filter
    return [combo.itemText(i) for i in range(combo.count())]


def test_an_administrator_shapes_the_program_and_the_window_follows(
    qtbot: QtBot,
    house: Database,
    tmp_path: Path,
    shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = window_for(qtbot, house, tmp_path, "boss")
    assert phases_action(window).isVisible()  # type: ignore[attr-defined]
    seen: dict[str, object] = {}

    def shape(dialog: ProgramPhasesDialog) -> None:
        seen["first rows"] = table_rows(dialog)[:2]
        seen["labelled"] = control_problems(dialog)
        monkeypatch.setattr(PhaseDialog, "exec", fill_phase_form("Alumni", mentors=True))
        dialog.add_button.click()
        dialog.select_name("Motivational Track I")
        monkeypatch.setattr(PhaseDialog, "exec", fill_phase_form("Motivation One", "Mot 1"))
        dialog.change_button.click()
        dialog.select_name("Phase II")
        dialog.up_button.click()
        dialog.select_name("Safe Off the Streets")
        dialog.retire_button.click()  # Pat is in it: refused, said in the dialog
        seen["refused"] = dialog.banner.text()
        dialog.select_name("Motivational Track II")
        dialog.retire_button.click()
        seen["after"] = table_rows(dialog)
        seen["bring back"] = dialog.retire_button.text()
        seen["filter meanwhile"] = filter_names(window)

    in_the_dialog(window, shape)
    assert seen["labelled"] == []
    assert seen["first rows"] == [
        ["1", "Safe Off the Streets", "SOS", "No", "1", "In use"],
        ["2", "Motivational Track I", "MT I", "No", "0", "In use"],
    ]
    assert seen["refused"] == (
        "1 active resident is in Safe Off the Streets; move them to another phase first."
    )
    assert seen["after"] == [
        ["1", "Safe Off the Streets", "SOS", "No", "1", "In use"],
        ["2", "Motivation One", "Mot 1", "No", "0", "In use"],
        ["3", "Motivational Track II", "MT II", "No", "0", "Retired"],
        ["4", "Phase II", "Phase II", "Yes", "0", "In use"],
        ["5", "Phase I", "Phase I", "No", "0", "In use"],
        ["6", "Alumni", "Alumni", "Yes", "0", "In use"],
    ]
    assert seen["bring back"] == "Put back in &use"
    assert seen["filter meanwhile"] == [
        "All phases",
        "Safe Off the Streets",
        "Motivation One",
        "Phase II",
        "Phase I",
        "Alumni",
    ], "the Residents filter followed each change at once"
    assert [text.split("?")[0] for text in shown.texts("confirm")] == [
        "Retire the phase Safe Off the Streets",
        "Retire the phase Motivational Track II",
    ], "asked before each retirement"


def test_only_administrators_see_program_phases(
    qtbot: QtBot, house: Database, tmp_path: Path
) -> None:
    for username in ("sup", "peer", "view"):
        window = window_for(qtbot, house, tmp_path / username, username)
        assert not phases_action(window).isVisible()  # type: ignore[attr-defined]
        window.close()
