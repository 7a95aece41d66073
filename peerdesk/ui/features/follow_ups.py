"""Follow-up after discharge: Home's "Follow-ups due" lines open the follow-up form, and
File → Record a follow-up… records one for the resident selected in the Residents tab."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject

from peerdesk.core.permissions import Action
from peerdesk.ui import messages

if TYPE_CHECKING:
    from peerdesk.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("FollowUpFeature", text)


def install(window: MainWindow) -> None:
    FollowUpFeature(window)


class FollowUpFeature(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("followUpFeature")
        self.window = window
        self.ctx = window.ctx
        self.record_action = window.add_action(
            _tr("Record a &follow-up…"),
            self.record_for_selected,
            tip=_tr("The call about 6 or 12 months after a resident's stay ended"),
        )
        window.add_record_action(self.record_action)
        window.home.record_requested.connect(self._on_home_record_requested)
        self.ctx.events.actor_changed.connect(self._on_events_actor_changed)
        self._on_events_actor_changed()

    def _on_events_actor_changed(self) -> None:
        self.record_action.setVisible(self.ctx.actor.may(Action.EDIT_RESIDENTS))

    def _on_home_record_requested(self, target: str, resident_id: int) -> None:
        if target == "follow_up":
            self.record(resident_id)

    def record_for_selected(self) -> None:
        resident_id = self.window.residents.selected_id()
        if resident_id is None:
            messages.info(
                self.window,
                _tr("Record a follow-up"),
                _tr("Choose a discharged resident in the Residents tab first."),
            )
            return
        self.record(resident_id)

    def record(self, resident_id: int) -> None:
        from peerdesk.ui.dialogs.follow_up import FollowUpDialog

        FollowUpDialog.ask(self.window, self.ctx, resident_id)
