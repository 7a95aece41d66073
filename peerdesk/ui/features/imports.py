"""File → Import a spreadsheet… (Ctrl+I): the import wizard, for those who may import.

The entry is shown only to a person whose role may import (``Action.IMPORT_DATA``), and
follows a change of the person signed in. After an import the tab of what came in is shown;
the wizard itself announces the new records, so every tab refreshes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from peerdesk.core.permissions import Action

if TYPE_CHECKING:
    from peerdesk.ui.main_window import MainWindow

ACTION_NAME = "importSpreadsheetAction"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportFeature", text)


def install(window: MainWindow) -> None:
    action = window.add_action(
        _tr("&Import a spreadsheet…"),
        lambda: open_import(window),
        "Ctrl+I",
        tip=_tr("Bring residents or peer mentors in from a .csv or Excel file (Ctrl+I)"),
    )
    action.setObjectName(ACTION_NAME)
    window.add_record_action(action)

    def follow_actor() -> None:
        allowed = window.ctx.actor.may(Action.IMPORT_DATA)
        action.setVisible(allowed)
        action.setEnabled(allowed)

    follow_actor()
    window.ctx.events.actor_changed.connect(follow_actor)


def open_import(window: MainWindow) -> None:
    """Open the import wizard; after an import, show the tab of what came in."""
    if not window.ctx.actor.may(Action.IMPORT_DATA):
        return
    from peerdesk.core.imports import ImportKind
    from peerdesk.ui.dialogs.import_wizard import ImportWizard

    result = ImportWizard.ask(window, window.ctx)
    if result is not None and result.imported:
        tab = window.residents if result.kind is ImportKind.RESIDENTS else window.mentors
        window.tabs.setCurrentWidget(tab)
