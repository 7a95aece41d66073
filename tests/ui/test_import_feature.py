"""File → Import a spreadsheet… in the real main window: the menu entry, Ctrl+I, who sees it,
and the tabs showing what came in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.imports import ImportKind, ImportResult
from peerdesk.ui.dialogs.import_wizard import ImportWizard
from peerdesk.ui.features.imports import ACTION_NAME
from peerdesk.ui.main_window import MainWindow
from tests.ui.import_support import FileDialog, press_import, to_check_page, write_csv
from tests.window_support import Messages, open_window, patch_dialog


@pytest.fixture
def window(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    Messages().install(monkeypatch)
    return open_window(qtbot, db, tmp_path / "profile")


def import_action(window: MainWindow) -> QAction:
    action = window.findChild(QAction, ACTION_NAME)
    assert action is not None
    return action


def result(kind: ImportKind, imported: int = 3) -> ImportResult:
    return ImportResult(kind, "house.csv", imported, 0, 0, 0, tuple(range(1, imported + 1)))


def test_the_entry_stands_under_new_record_in_the_file_menu(window: MainWindow) -> None:
    action = import_action(window)
    texts = [a.text() for a in window.menu("file").actions()]
    # Then the accounts' Lock now and Sign out, and Quit last.
    assert texts[:4] == ["&New record…", "&Import a spreadsheet…", "Record a &follow-up…", ""]
    assert texts[-1] == "&Quit"
    assert action.shortcut().toString() == "Ctrl+I"
    assert action.isVisible() and action.isEnabled()
    assert "Excel" in action.toolTip()


@pytest.mark.parametrize(
    ("kind", "tab"), [(ImportKind.RESIDENTS, "residents"), (ImportKind.MENTORS, "mentors")]
)
def test_ctrl_i_opens_the_wizard_and_then_shows_the_tab_of_what_came_in(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, kind: ImportKind, tab: str
) -> None:
    calls = patch_dialog(monkeypatch, "import_wizard", "ImportWizard", lambda *_args: result(kind))
    assert window.tabs.currentWidget() is window.home
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert len(calls) == 1 and calls[0] == (window, window.ctx)
    assert window.tabs.currentWidget() is getattr(window, tab)


def test_nothing_imported_leaves_the_window_as_it_was(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = patch_dialog(monkeypatch, "import_wizard", "ImportWizard", lambda *_args: None)
    import_action(window).trigger()
    assert len(calls) == 1 and window.tabs.currentWidget() is window.home


def test_only_roles_that_may_import_see_the_entry(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = patch_dialog(monkeypatch, "import_wizard", "ImportWizard", lambda *_args: None)
    action = import_action(window)
    for role in (vocab.Role.SUPERVISOR, vocab.Role.PEER_MENTOR, vocab.Role.VIEWER):
        window.ctx.set_actor(Actor(username=role.value, role=role))
        assert not action.isVisible() and not action.isEnabled(), role
        qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert calls == []
    window.ctx.set_actor(Actor(username="boss", role=vocab.Role.ADMINISTRATOR))
    assert action.isVisible() and action.isEnabled()


def test_an_import_shows_up_in_the_residents_tab(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window.tabs.setCurrentWidget(window.residents)
    assert window.residents.model.rowCount() == 0
    window.tabs.setCurrentWidget(window.home)
    file_dialog = FileDialog(monkeypatch)
    path = write_csv(
        tmp_path / "house.csv",
        ["First Name;Last;DOB;Move-in", "Ana;Avila;1990-01-02;2026-06-01"],
    )

    def walk_through(w: ImportWizard) -> int:
        qtbot.addWidget(w)
        w.show()
        to_check_page(qtbot, w, file_dialog, path)
        press_import(qtbot, w)
        w.button(QWizard.WizardButton.FinishButton).click()
        return w.result()

    monkeypatch.setattr(ImportWizard, "exec", walk_through)
    import_action(window).trigger()

    assert window.tabs.currentWidget() is window.residents
    model = window.residents.model
    names: list[Any] = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert any("Avila" in str(name) for name in names), names
