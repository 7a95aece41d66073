"""Helpers for the import wizard's tests: a stand-in file dialog, sheets written as Excel
writes them, and pressing through the pages while waiting for the wizard's worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget, QWizard
from pytestqt.qtbot import QtBot

from peerdesk.ui.dialogs import import_wizard
from peerdesk.ui.dialogs.import_wizard import CHECK_PAGE, COLUMNS_PAGE, ImportWizard

WAIT_MS = 30_000


class FileDialog:
    """Stands in for QFileDialog.getOpenFileName: answers ``path`` and notes the folder."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path: Path | None = None
        self.folders: list[str] = []
        monkeypatch.setattr(
            import_wizard.QFileDialog, "getOpenFileName", staticmethod(self._answer)
        )

    def _answer(self, _parent: QWidget, _caption: str, folder: str, _filter: str) -> tuple:
        self.folders.append(folder)
        return (str(self.path) if self.path else "", "")


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8-sig") -> Path:
    """A CSV as Excel writes it: CRLF line ends (and a BOM unless told otherwise)."""
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def choose(qtbot: QtBot, wizard: ImportWizard, dialog: FileDialog, path: Path) -> None:
    """Choose ``path`` with the file page's button and wait until it has been read."""
    dialog.path = path
    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        wizard.file_page.choose_button.click()


def next_page(qtbot: QtBot, wizard: ImportWizard) -> None:
    """Press Next; the check page checks the rows first, so wait for that."""
    going_to_check = wizard.currentId() == COLUMNS_PAGE
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), "Next is disabled"
    if going_to_check:
        with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
            button.click()
    else:
        button.click()


def press_import(qtbot: QtBot, wizard: ImportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.CommitButton)
    assert button.isEnabled(), "Import is disabled"
    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        button.click()


def to_check_page(qtbot: QtBot, wizard: ImportWizard, dialog: FileDialog, path: Path) -> None:
    choose(qtbot, wizard, dialog, path)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.currentId() == CHECK_PAGE
