"""The Mentors tab: peer mentors with caseload, credentials and supervision at a glance."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from peerdesk.core import listing, vocab
from peerdesk.core.listing import ListQuery
from peerdesk.ui.tabs.base import RecordTab


class MentorsTab(RecordTab):
    spec = listing.MENTORS
    record_table = "mentors"
    settings_key = "mentors"

    def title(self) -> str:
        return self.tr("Mentors")

    def search_hint(self) -> str:
        return self.tr("Search by name or role")

    def empty_text(self) -> str:
        return self.tr(
            "No peer mentors yet. Add one with New mentor (Ctrl+N), or bring in your list "
            "with File → Import a spreadsheet (Ctrl+I)."
        )

    def build_filters(self) -> None:
        self.status_filter: QComboBox = self.add_filter_combo(
            self.tr("Status filter"),
            [
                (self.tr("Active"), vocab.MentorStatus.ACTIVE.value),
                (self.tr("Inactive"), vocab.MentorStatus.INACTIVE.value),
                (self.tr("All mentors"), None),
            ],
        )

    def build_actions(self) -> None:
        self.new_action = self.add_action(
            self.tr("New mentor…"), self.new_record, tip=self.tr("Add a peer mentor (Ctrl+N)")
        )
        self.open_action = self.add_action(
            self.tr("Open…"),
            self.open_selected,
            tip=self.tr("Profile, credentials and training of the selected mentor (Enter)"),
            needs_selection=True,
        )
        self.toolbar.addSeparator()
        self.deactivate_action = self.add_action(
            self.tr("Make inactive…"),
            self._on_make_inactive,
            tip=self.tr("The selected mentor stops working with the house"),
            needs_selection=True,
        )

    def query(self) -> ListQuery:
        return ListQuery(search=self.search.text(), status=self.status_filter.currentData())

    def update_actions(self) -> None:
        self.deactivate_action.setEnabled(
            self.row_value("status") == vocab.MentorStatus.ACTIVE.value
        )

    def new_record(self) -> None:
        from peerdesk.ui.dialogs.mentor import MentorDialog

        saved = MentorDialog.ask(self, self.ctx)
        if saved is not None:
            self.select_record(saved.id)

    def open_record(self, record_id: int) -> None:
        from peerdesk.ui.dialogs.mentor import MentorDialog

        MentorDialog.ask(self, self.ctx, record_id)

    def _on_make_inactive(self) -> None:
        from peerdesk.ui.dialogs.mentor import DeactivateMentorDialog

        record_id = self.selected_id()
        if record_id is not None:
            DeactivateMentorDialog.ask(self, self.ctx, record_id)
