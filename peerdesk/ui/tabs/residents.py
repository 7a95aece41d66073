"""The Residents tab: the roster, its filters, and the selected resident beside it."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QSplitter, QWidget

from peerdesk.core import listing, vocab
from peerdesk.core.listing import ListQuery
from peerdesk.core.services import settings as settings_service
from peerdesk.ui.context import UiContext
from peerdesk.ui.tabs.base import RecordTab
from peerdesk.ui.tabs.resident_detail import ResidentDetail


class ResidentsTab(RecordTab):
    spec = listing.RESIDENTS
    record_table = "residents"
    settings_key = "residents"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.selection_changed.connect(self._on_selection_changed)
        ctx.events.records_changed.connect(self._on_any_record_changed)

    def title(self) -> str:
        return self.tr("Residents")

    def search_hint(self) -> str:
        return self.tr("Search by name, room or notes")

    def empty_text(self) -> str:
        return self.tr(
            "No residents yet. Admit someone with New intake (Ctrl+N), or bring in the list "
            "you keep with File → Import a spreadsheet (Ctrl+I)."
        )

    def build_filters(self) -> None:
        self.status_filter: QComboBox = self.add_filter_combo(
            self.tr("Status filter"),
            [
                (self.tr("In residence"), vocab.ResidentStatus.ACTIVE.value),
                (self.tr("Discharged"), vocab.ResidentStatus.DISCHARGED.value),
                (self.tr("All residents"), None),
            ],
        )
        self.phase_filter: QComboBox = self.add_filter_combo(
            self.tr("Phase filter"), self._phase_items()
        )
        self.mentor_filter: QComboBox = self.add_filter_combo(
            self.tr("Mentor filter"), self.mentor_items(include_inactive=False)
        )

    def _phase_items(self) -> list[tuple[str, object]]:
        with self.ctx.db.read() as s:
            phases = settings_service.list_phases(s)
        return [(self.tr("All phases"), None)] + [(p.name, p.id) for p in phases]

    def build_actions(self) -> None:
        self.new_action = self.add_action(
            self.tr("New intake…"), self.new_record, tip=self.tr("Admit a new resident (Ctrl+N)")
        )
        self.edit_action = self.add_action(
            self.tr("Edit…"),
            self.open_selected,
            tip=self.tr("Change the selected resident's details (Enter)"),
            needs_selection=True,
        )
        self.toolbar.addSeparator()
        self.phase_action = self.add_action(
            self.tr("Change phase…"),
            self._on_change_phase,
            tip=self.tr("Move the selected resident to another program phase"),
            needs_selection=True,
        )
        self.discharge_action = self.add_action(
            self.tr("Discharge…"),
            self._on_discharge,
            tip=self.tr("Record how and when the selected resident left"),
            needs_selection=True,
        )
        self.readmit_action = self.add_action(
            self.tr("Readmit…"),
            self._on_readmit,
            tip=self.tr("Admit the selected discharged resident again"),
            needs_selection=True,
        )
        self.toolbar.addSeparator()
        self.assessment_action = self.add_action(
            self.tr("Record assessment…"),
            self._on_record_assessment,
            tip=self.tr("BARC-10, readiness ruler, satisfaction or living situation"),
            needs_selection=True,
        )
        self.session_action = self.add_action(
            self.tr("Log session…"),
            self._on_log_session,
            tip=self.tr("Log a peer support session with the selected resident"),
            needs_selection=True,
        )

    def body(self) -> QWidget:
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setAccessibleName(self.tr("Residents and the selected resident"))
        self.splitter.setChildrenCollapsible(False)
        self.detail = ResidentDetail(self.ctx, self.splitter)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([780, 480])
        return self.splitter

    def query(self) -> ListQuery:
        return ListQuery(
            search=self.search.text(),
            status=self.status_filter.currentData(),
            phase_id=self.phase_filter.currentData(),
            mentor_id=self.mentor_filter.currentData(),
        )

    def show_phase(self, phase_id: int | None) -> None:
        """The residents in residence in one phase (from the Home tab's census)."""
        self.ensure_loaded()
        self.clear_filters()
        self.set_filter(self.status_filter, vocab.ResidentStatus.ACTIVE.value)
        self.set_filter(self.phase_filter, phase_id)
        self.apply_query()

    def update_actions(self) -> None:
        status = self.row_value("status")
        active = status == vocab.ResidentStatus.ACTIVE.value
        discharged = status == vocab.ResidentStatus.DISCHARGED.value
        self.phase_action.setEnabled(active)
        self.discharge_action.setEnabled(active)
        self.readmit_action.setEnabled(discharged)
        self.session_action.setEnabled(active)

    def save_layout(self, settings: QSettings) -> None:
        super().save_layout(settings)
        settings.setValue("residents/splitter", self.splitter.saveState())
        self.detail.save_layout(settings)

    def restore_layout(self, settings: QSettings) -> None:
        super().restore_layout(settings)
        state = settings.value("residents/splitter")
        if state:
            self.splitter.restoreState(state)  # type: ignore[arg-type]
        self.detail.restore_layout(settings)

    # ----------------------------------------------------------------- the dialogs

    def new_record(self) -> None:
        from peerdesk.ui.dialogs.resident import ResidentDialog

        saved = ResidentDialog.ask(self, self.ctx)
        if saved is not None:
            self.select_record(saved.id)

    def open_record(self, record_id: int) -> None:
        from peerdesk.ui.dialogs.resident import ResidentDialog

        ResidentDialog.ask(self, self.ctx, record_id)

    def _on_change_phase(self) -> None:
        from peerdesk.ui.dialogs.phase import ChangePhaseDialog

        record_id = self.selected_id()
        if record_id is not None:
            ChangePhaseDialog.ask(self, self.ctx, record_id)

    def _on_discharge(self) -> None:
        from peerdesk.ui.dialogs.discharge import DischargeDialog

        record_id = self.selected_id()
        if record_id is not None:
            DischargeDialog.ask(self, self.ctx, record_id)

    def _on_readmit(self) -> None:
        from peerdesk.ui.dialogs.discharge import ReadmitDialog

        record_id = self.selected_id()
        if record_id is not None:
            ReadmitDialog.ask(self, self.ctx, record_id)

    def _on_record_assessment(self) -> None:
        from peerdesk.ui.dialogs.assessment import AssessmentDialog

        record_id = self.selected_id()
        if record_id is not None:
            AssessmentDialog.ask(self, self.ctx, record_id)

    def _on_log_session(self) -> None:
        from peerdesk.ui.dialogs.session import SessionDialog

        record_id = self.selected_id()
        if record_id is not None:
            SessionDialog.ask(self, self.ctx, resident_id=record_id)

    # ----------------------------------------------------------------- keeping up

    def _on_selection_changed(self, record_id: int) -> None:
        self.detail.show_resident(record_id or None)

    def _on_any_record_changed(self, table: str, _record_id: int) -> None:
        if table == "mentors":
            self.refill_combo(self.mentor_filter, self.mentor_items(include_inactive=False))
        if table == "program_phases":
            self.refill_combo(self.phase_filter, self._phase_items())
        if table in ("assessments", "peer_sessions") and self.detail.resident_id is not None:
            self.detail.show_resident(self.detail.resident_id)
