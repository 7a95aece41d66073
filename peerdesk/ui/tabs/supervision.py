"""The Supervision tab: supervision notes for peer mentors, with open action items."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from peerdesk.core import listing, vocab
from peerdesk.core.listing import ListQuery, date_value
from peerdesk.core.services import supervision as supervision_service
from peerdesk.ui.context import UiContext
from peerdesk.ui.tabs.base import RecordTab, chosen


class SupervisionTab(RecordTab):
    spec = listing.SUPERVISION
    record_table = "supervision_notes"
    settings_key = "supervision"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ctx.events.records_changed.connect(self._on_any_record_changed)

    def title(self) -> str:
        return self.tr("Supervision")

    def search_hint(self) -> str:
        return self.tr("Search summaries")

    def empty_text(self) -> str:
        return self.tr(
            "No supervision notes yet. Write one with New note (Ctrl+N) after a supervision "
            "meeting."
        )

    def build_filters(self) -> None:
        self.mentor_filter: QComboBox = self.add_filter_combo(
            self.tr("Mentor filter"), self.mentor_items()
        )
        self.dates = self.add_date_range(self.tr("Supervision"))
        self.kind_filter: QComboBox = self.add_filter_combo(
            self.tr("Kind filter"),
            [(self.tr("All kinds"), None)] + [(k.label, k.value) for k in vocab.SupervisionKind],
        )

    def build_actions(self) -> None:
        self.new_action = self.add_action(
            self.tr("New note…"),
            self.new_record,
            tip=self.tr("Write a supervision note (Ctrl+N)"),
        )
        self.open_action = self.add_action(
            self.tr("Open…"),
            self.open_selected,
            tip=self.tr("Read, correct or acknowledge the selected note (Enter)"),
            needs_selection=True,
        )
        self.toolbar.addSeparator()
        self.void_action = self.add_action(
            self.tr("Void…"),
            self._on_void,
            tip=self.tr("Mark the selected note as entered by mistake, with a reason"),
            needs_selection=True,
        )

    def query(self) -> ListQuery:
        start, end = self.dates.bounds()
        return ListQuery(
            search=self.search.text(),
            show_voided=self._show_voided,
            mentor_id=self.mentor_filter.currentData(),
            date_from=start,
            date_to=end,
            kind=chosen(vocab.SupervisionKind, self.kind_filter),
            notes_about_user=listing.notes_reader(self.ctx.actor),
        )

    def update_actions(self) -> None:
        self.void_action.setEnabled(
            self.selected_id() is not None and not self.selected_is_voided()
        )

    def new_record(self) -> None:
        from peerdesk.ui.dialogs.supervision import SupervisionDialog

        saved = SupervisionDialog.ask(self, self.ctx)
        if saved is not None:
            self.select_record(saved.id)

    def open_record(self, record_id: int) -> None:
        from peerdesk.ui.dialogs.supervision import SupervisionDialog

        SupervisionDialog.ask(self, self.ctx, record_id)

    def _on_void(self) -> None:
        what = self.tr("the supervision note of {mentor} on {date}").format(
            mentor=self.row_value("mentor"), date=date_value(self.row_value("date"))
        )
        self.void_selected(what, self.tr("Void supervision note"), supervision_service.void_note)

    def _on_any_record_changed(self, table: str, _record_id: int) -> None:
        if table == "mentors":
            self.refill_combo(self.mentor_filter, self.mentor_items())
