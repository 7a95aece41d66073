"""The Sessions tab: every peer support session, newest first, ten years deep."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from peerdesk.core import listing, vocab
from peerdesk.core.listing import ListQuery, date_value
from peerdesk.core.services import sessions as session_service
from peerdesk.ui.context import UiContext
from peerdesk.ui.tabs.base import RecordTab, chosen


class SessionsTab(RecordTab):
    spec = listing.SESSIONS
    record_table = "peer_sessions"
    settings_key = "sessions"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ctx.events.records_changed.connect(self._on_any_record_changed)

    def title(self) -> str:
        return self.tr("Sessions")

    def search_hint(self) -> str:
        return self.tr("Search topics and notes")

    def empty_text(self) -> str:
        return self.tr(
            "No sessions yet. Log one with New session (Ctrl+N), or from a resident with Log "
            "session."
        )

    def build_filters(self) -> None:
        self.dates = self.add_date_range(self.tr("Session"))
        self.mentor_filter: QComboBox = self.add_filter_combo(
            self.tr("Mentor filter"), self.mentor_items()
        )
        self.format_filter: QComboBox = self.add_filter_combo(
            self.tr("Format filter"),
            [(self.tr("All formats"), None)] + [(f.label, f.value) for f in vocab.SessionFormat],
        )
        self.support_filter: QComboBox = self.add_filter_combo(
            self.tr("Support type filter"),
            [(self.tr("All support types"), None)]
            + [(t.label, t.value) for t in vocab.SupportType],
        )

    def build_actions(self) -> None:
        self.new_action = self.add_action(
            self.tr("New session…"), self.new_record, tip=self.tr("Log a session (Ctrl+N)")
        )
        self.open_action = self.add_action(
            self.tr("Open…"),
            self.open_selected,
            tip=self.tr("See or correct the selected session (Enter)"),
            needs_selection=True,
        )
        self.toolbar.addSeparator()
        self.void_action = self.add_action(
            self.tr("Void…"),
            self._on_void,
            tip=self.tr("Mark the selected session as entered by mistake, with a reason"),
            needs_selection=True,
        )

    def query(self) -> ListQuery:
        start, end = self.dates.bounds()
        return ListQuery(
            search=self.search.text(),
            show_voided=self._show_voided,
            date_from=start,
            date_to=end,
            mentor_id=self.mentor_filter.currentData(),
            session_format=chosen(vocab.SessionFormat, self.format_filter),
            support_type=chosen(vocab.SupportType, self.support_filter),
        )

    def update_actions(self) -> None:
        self.void_action.setEnabled(
            self.selected_id() is not None and not self.selected_is_voided()
        )

    def new_record(self) -> None:
        from peerdesk.ui.dialogs.session import SessionDialog

        saved = SessionDialog.ask(self, self.ctx)
        if saved is not None:
            self.select_record(saved.id)

    def open_record(self, record_id: int) -> None:
        from peerdesk.ui.dialogs.session import SessionDialog

        SessionDialog.ask(self, self.ctx, record_id)

    def _on_void(self) -> None:
        what = self.tr("the session on {date}").format(date=date_value(self.row_value("date")))
        self.void_selected(what, self.tr("Void session"), session_service.void_session)

    def _on_any_record_changed(self, table: str, _record_id: int) -> None:
        if table == "mentors":
            self.refill_combo(self.mentor_filter, self.mentor_items())
