"""House → House settings… and Program phases… for administrators (the services refuse
anyone else)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject

from peerdesk.core.permissions import Action

if TYPE_CHECKING:
    from peerdesk.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("HouseFeature", text)


def install(window: MainWindow) -> None:
    HouseFeature(window)


class HouseFeature(QObject):
    """The House settings entry, shown to whoever may change the settings."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("houseFeature")
        self.window = window
        self.ctx = window.ctx
        self.settings_action = window.add_action(
            _tr("&House settings…"),
            self.open_settings,
            tip=_tr(
                "The house's name and address, paper size, the supervision rule, warnings, "
                "backups and the lock"
            ),
        )
        self.phases_action = window.add_action(
            _tr("&Program phases…"),
            self.open_phases,
            tip=_tr("The steps of the house's program: add, rename, reorder or retire them"),
        )
        house = window.menu("house")
        if house.actions():
            house.addSeparator()
        house.addAction(self.settings_action)
        house.addAction(self.phases_action)
        self.ctx.events.actor_changed.connect(self._on_events_actor_changed)
        self._on_events_actor_changed()

    def _on_events_actor_changed(self) -> None:
        may = self.ctx.actor.may(Action.MANAGE_SETTINGS)
        self.settings_action.setVisible(may)
        self.phases_action.setVisible(may)

    def open_phases(self) -> None:
        from peerdesk.ui.dialogs.phases import ProgramPhasesDialog

        ProgramPhasesDialog.ask(self.window, self.ctx)

    def open_settings(self) -> None:
        from peerdesk.ui.dialogs.house_settings import HouseSettingsDialog

        dialog = HouseSettingsDialog(self.window, self.ctx)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
