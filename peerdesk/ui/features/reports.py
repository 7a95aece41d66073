"""Printing from the window: the Reports menu, the toolbar's Print… (Ctrl+P), the preview,
and "Print …" shortcuts on the Residents, Sessions and Supervision tabs.

Each entry opens the report dialog (:class:`~peerdesk.ui.dialogs.reports.ReportDialog`) on
its report; the tabs' shortcuts fill in the selected record. The drawn report opens in its
own preview window (:class:`~peerdesk.ui.dialogs.report_preview.ReportPreview`), from which
it is printed or saved. Only the reports the person at the window may print are offered;
when someone else signs in, the menus follow and open previews close.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from peerdesk.core import clock
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.services import sessions as session_service
from peerdesk.core.services import supervision as supervision_service
from peerdesk.ui import messages, printouts
from peerdesk.ui.tabs.base import plain

if TYPE_CHECKING:
    from peerdesk.ui.main_window import MainWindow
    from peerdesk.ui.printouts import RenderedReport

TAB_SHORTCUT = "Ctrl+Shift+P"


class ReportsFeature(QObject):
    """The window's printing: its actions, and the previews that are open."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("reportsFeature")
        self.window = window
        self.ctx = window.ctx
        self.previews: list[QDialog] = []

        menu = window.menu("reports")
        self.report_actions: dict[str, QAction] = {}
        for choice in printouts.CHOICES:
            action = window.add_action(
                printouts.tr(choice.text) + "…",
                lambda name=choice.name: self.open_dialog(name),
                tip=printouts.tr("Print the {report}").format(
                    report=printouts.plain_title(choice).lower()
                ),
            )
            menu.addAction(action)
            self.report_actions[choice.name] = action
        menu.addSeparator()
        self.print_action = window.add_action(
            self.tr("&Print…"),
            self.open_dialog,
            "Ctrl+P",
            tip=self.tr("Print a report: choose it, look it over, print it or save it as a PDF"),
        )
        self.print_action.setIconText(self.tr("Print…"))
        menu.addAction(self.print_action)
        window.toolbar.addAction(self.print_action)
        button = window.toolbar.widgetForAction(self.print_action)
        if button is not None:
            button.setAccessibleName(self.tr("Print"))

        residents = window.residents
        residents.toolbar.addSeparator()
        self.face_sheet_action = residents.add_action(
            self.tr("Print face sheet…"),
            self.print_face_sheet,
            tip=self.tr("Print the selected resident's face sheet ({keys})").format(
                keys=TAB_SHORTCUT
            ),
            needs_selection=True,
            shortcut=TAB_SHORTCUT,
        )
        sessions = window.sessions
        sessions.toolbar.addSeparator()
        self.sign_in_action = sessions.add_action(
            self.tr("Print sign-in sheet…"),
            self.print_sign_in_sheet,
            tip=self.tr("Print a sign-in sheet for the selected group session ({keys})").format(
                keys=TAB_SHORTCUT
            ),
            shortcut=TAB_SHORTCUT,
        )
        sessions.selection_changed.connect(self._on_sessions_selection_changed)
        supervision = window.supervision
        supervision.toolbar.addSeparator()
        self.supervision_log_action = supervision.add_action(
            self.tr("Print supervision log…"),
            self.print_supervision_log,
            tip=self.tr(
                "Print the supervision log of the selected note's peer mentor ({keys})"
            ).format(keys=TAB_SHORTCUT),
            shortcut=TAB_SHORTCUT,
        )
        supervision.selection_changed.connect(self._on_supervision_selection_changed)

        window.closing.connect(self.close_previews)
        self.ctx.events.actor_changed.connect(self._on_actor_changed)
        self._on_actor_changed()

    # ----------------------------------------------------------------- what may be printed

    def _on_actor_changed(self) -> None:
        self.close_previews()  # another person's printouts do not stay on screen
        offered = set(printouts.available_reports(self.ctx.db, self.ctx.actor))
        for name, action in self.report_actions.items():
            action.setVisible(name in offered)
        self.print_action.setEnabled(bool(offered))
        self.face_sheet_action.setVisible("facesheet" in offered)
        self.sign_in_action.setVisible("signin" in offered)
        self.supervision_log_action.setVisible("supervision" in offered)
        self._on_sessions_selection_changed(self.window.sessions.selected_id() or 0)
        self._on_supervision_selection_changed(self.window.supervision.selected_id() or 0)

    def _on_sessions_selection_changed(self, record_id: int) -> None:
        tab = self.window.sessions
        is_group = bool(record_id) and tab.row_value("format") == "group"
        self.sign_in_action.setEnabled(is_group and not tab.selected_is_voided())

    def _on_supervision_selection_changed(self, record_id: int) -> None:
        tab = self.window.supervision
        self.supervision_log_action.setEnabled(
            bool(record_id) or tab.mentor_filter.currentData() is not None
        )

    # ----------------------------------------------------------------- opening the dialog

    def open_dialog(self, report: str | None = None, preset: dict[str, Any] | None = None) -> None:
        """The report dialog (on ``report``, with ``preset`` options), then the preview."""
        from peerdesk.ui.dialogs.reports import ReportDialog

        rendered = ReportDialog.ask(self.window, self.ctx, report, preset)
        if rendered is not None:
            self.show_preview(rendered)

    def show_preview(self, rendered: RenderedReport) -> QDialog:
        from peerdesk.ui.dialogs.report_preview import ReportPreview

        preview = ReportPreview(self.window, self.ctx, rendered)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.finished.connect(lambda _result, p=preview: self._forget(p))
        self.previews.append(preview)
        preview.show()
        return preview

    def _forget(self, preview: QDialog) -> None:
        if preview in self.previews:
            self.previews.remove(preview)

    def close_previews(self) -> None:
        for preview in list(self.previews):
            preview.reject()

    # ----------------------------------------------------------------- the tabs' shortcuts

    def print_face_sheet(self) -> None:
        resident_id = self.window.residents.selected_id()
        if resident_id is not None:
            self.open_dialog("facesheet", {"resident_ids": (resident_id,)})

    def print_sign_in_sheet(self) -> None:
        tab = self.window.sessions
        session_id = tab.selected_id()
        if session_id is None or tab.row_value("format") != "group":
            return
        try:
            with self.ctx.db.read() as s:
                session = session_service.get_session(s, session_id)
        except PeerDeskError as exc:
            messages.error(self.window, plain(self.sign_in_action.text()), str(exc))
            return
        self.open_dialog(
            "signin",
            {
                "title": session.topic.strip() or self.tr("Group session"),
                "session_date": session.session_date,
                "facilitator": session.mentor_name,
            },
        )

    def print_supervision_log(self) -> None:
        tab = self.window.supervision
        note_id = tab.selected_id()
        mentor_id: int | None = tab.mentor_filter.currentData()
        if note_id is not None:
            try:
                with self.ctx.db.read() as s:
                    mentor_id = supervision_service.get_note(s, self.ctx.actor, note_id).mentor_id
            except PeerDeskError as exc:
                messages.error(self.window, plain(self.supervision_log_action.text()), str(exc))
                return
        if mentor_id is None:
            return
        preset: dict[str, Any] = {"mentor_id": mentor_id}
        start, end = tab.dates.bounds()
        if start is not None:
            # The tab's period filter becomes the log's period.
            preset.update(start=start, end=end or clock.today())
        self.open_dialog("supervision", preset)


def install(window: MainWindow) -> None:
    """Add the Reports menu, Print… on the toolbar and the tabs' print shortcuts."""
    ReportsFeature(window)


def feature_of(window: MainWindow) -> ReportsFeature:
    """The installed feature of ``window`` (for tests and other features)."""
    found = window.findChild(ReportsFeature, "reportsFeature")
    assert found is not None, "the reports feature is not installed"
    return found
