"""The preview of a drawn report: its pages as they will print, then Print… or Save as PDF….

The preview owns the report's temporary PDF and removes it when it closes (a report naming
residents must not linger on the office PC). Printing goes through the system's print
dialog and runs off the window's thread with a Cancel button; saving writes the very file
previewed, whole or not at all. Both are written to the audit trail.
"""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path

from PySide6.QtCore import QPointF, QSize, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import clock
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.files import explain_os_error, write_atomically
from peerdesk.ui import printing, printouts
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.reports import NOTICE_STYLE
from peerdesk.ui.printouts import RenderedReport
from peerdesk.ui.widgets.forms import MessageBanner
from peerdesk.ui.widgets.sizing import fit_for_font
from peerdesk.ui.workers import BackgroundTask

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
SAVE_FOLDER_KEY = "reports/save_folder"


class ReportPreview(QDialog):
    """One drawn report on screen, page by page, with Print… and Save as PDF…."""

    def __init__(self, parent: QWidget | None, ctx: UiContext, report: RenderedReport) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report = report
        self.print_task: BackgroundTask | None = None
        self._printer: object | None = None
        self._discarded = False
        title = printouts.plain_title(printouts.BY_NAME[report.name])
        self.setWindowTitle(self.tr("Preview: {title}").format(title=title))
        self.setAccessibleName(self.windowTitle())
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)

        self.document = QPdfDocument(self)
        problem = self.document.load(str(report.path))

        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.notice = QLabel(
            self.tr(
                "Names residents: every page is marked CONFIDENTIAL with the 42 CFR § 2.32 "
                "notice. Keep printed copies locked away and shred them when done."
            ),
            self,
        )
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.banner = MessageBanner(self)

        self.view = QPdfView(self)
        self.view.setAccessibleName(self.tr("Report pages"))
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFrameShape(QFrame.Shape.StyledPanel)
        self.navigator = self.view.pageNavigator()

        self.print_button = self._button(self.tr("&Print…"), self.print_report)
        self.save_button = self._button(self.tr("&Save as PDF…"), self.save_report)
        self.previous_button = self._button(self.tr("Pre&vious"), self.previous_page)
        self.next_button = self._button(self.tr("&Next"), self.next_page)
        self.page_spin = QSpinBox(self)
        self.page_spin.setAccessibleName(self.tr("Page"))
        self.page_spin.setKeyboardTracking(False)
        page_label = QLabel(self.tr("Pa&ge"), self)
        page_label.setBuddy(self.page_spin)
        self.page_count_label = QLabel(self)
        self.zoom_out_button = self._button(self.tr("Zoom &out"), self.zoom_out)
        self.zoom_in_button = self._button(self.tr("Zoom &in"), self.zoom_in)
        self.fit_width_button = self._button(self.tr("Fit &width"), self.fit_width)
        self.whole_page_button = self._button(self.tr("W&hole page"), self.whole_page)
        self.close_button = self._button(self.tr("&Close"), self.close)
        self.close_button.setAutoDefault(False)

        self._shortcut(QKeySequence.StandardKey.Print, self.print_report, self.print_button)
        self._shortcut(QKeySequence.StandardKey.Save, self.save_report, self.save_button)
        self._shortcut("Ctrl+PgUp", self.previous_page, self.previous_button)
        self._shortcut("Ctrl+PgDown", self.next_page, self.next_button)
        self._shortcut(QKeySequence.StandardKey.ZoomIn, self.zoom_in, self.zoom_in_button)
        self._shortcut("Ctrl+=", self.zoom_in, None)
        self._shortcut(QKeySequence.StandardKey.ZoomOut, self.zoom_out, self.zoom_out_button)
        self._shortcut("Ctrl+0", self.fit_width, self.fit_width_button)

        controls = QHBoxLayout()
        controls.addWidget(self.print_button)
        controls.addWidget(self.save_button)
        controls.addSpacing(16)
        controls.addWidget(self.previous_button)
        controls.addWidget(page_label)
        controls.addWidget(self.page_spin)
        controls.addWidget(self.page_count_label)
        controls.addWidget(self.next_button)
        controls.addSpacing(16)
        controls.addWidget(self.zoom_out_button)
        controls.addWidget(self.zoom_in_button)
        controls.addWidget(self.fit_width_button)
        controls.addWidget(self.whole_page_button)
        controls.addStretch(1)
        controls.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.notice)
        layout.addWidget(self.banner)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)

        self.page_spin.valueChanged.connect(self._on_page_spin_value_changed)
        self.navigator.currentPageChanged.connect(self._on_navigator_current_page_changed)
        pages = self.page_count()
        self.page_spin.setRange(1, max(1, pages))
        self.page_count_label.setText(self.tr("of {count}").format(count=pages))
        self._show_heading(title)
        if problem != QPdfDocument.Error.None_ or pages == 0:
            self.banner.show_message(
                self.tr("The report could not be shown; close this window and prepare it again."),
                "error",
            )
            for button in (self.print_button, self.save_button):
                button.setEnabled(False)
        self._update_page_buttons()
        fit_for_font(self, QSize(1000, 760))
        self.print_button.setFocus()

    # -- building --------------------------------------------------------------------------

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    def _shortcut(
        self,
        keys: QKeySequence.StandardKey | str,
        slot: object,
        button: QPushButton | None,
    ) -> None:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.addAction(action)
        if button is not None and not action.shortcut().isEmpty():
            text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{button.accessibleName()} ({text})")

    def _show_heading(self, title: str) -> None:
        pages = self.page_count()
        self.heading.setText(
            self.tr("<b>{title}</b> — {about} · {pages}").format(
                title=html.escape(title),
                about=html.escape(self.report.subtitle),
                pages=self.tr("1 page") if pages == 1 else self.tr("{n} pages").format(n=pages),
            )
        )
        self.notice.setVisible(self.report.names_residents)

    # -- pages and zoom ------------------------------------------------------------------

    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        """The page on show, from 1."""
        return self.navigator.currentPage() + 1

    def go_to_page(self, number: int) -> None:
        """Show page ``number`` (from 1), within the report."""
        index = min(max(number, 1), max(1, self.page_count())) - 1
        self.navigator.jump(index, QPointF(), self.navigator.currentZoom())

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def _effective_zoom(self) -> float:
        """The zoom on screen now, also in the fit modes (where Qt reports 1.0)."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        points = self.document.pagePointSize(max(0, self.current_page() - 1))
        if points.width() <= 0 or points.height() <= 0:
            return 1.0
        dpi = self.view.logicalDpiX() / 72.0
        viewport = self.view.viewport().size()
        by_width = viewport.width() / (points.width() * dpi)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return by_width
        return min(by_width, viewport.height() / (points.height() * dpi))

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], factor)))

    def zoom_in(self) -> None:
        now = self._effective_zoom()
        self.set_zoom(next((z for z in ZOOM_STEPS if z > now * 1.01), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        now = self._effective_zoom()
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < now * 0.99), ZOOM_STEPS[0]))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def whole_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def _update_page_buttons(self) -> None:
        page, pages = self.current_page(), self.page_count()
        self.previous_button.setEnabled(page > 1)
        self.next_button.setEnabled(page < pages)

    def _on_page_spin_value_changed(self, value: int) -> None:
        if value != self.current_page():
            self.go_to_page(value)

    def _on_navigator_current_page_changed(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self._update_page_buttons()

    # -- printing --------------------------------------------------------------------------

    def print_report(self) -> None:
        """The print dialog, then the pages to the printer off the window's thread."""
        if self.print_task is not None or not self.print_button.isEnabled():
            return
        self.banner.clear_message()
        title = printouts.plain_title(printouts.BY_NAME[self.report.name])
        printer = printing.printer_for(self.document.pagePointSize(0), title)
        if not printing.choose_printer(self, printer, self.page_count()):
            return
        pages = printing.pages_to_print(printer, self.page_count())
        where = printing.printer_label(printer)
        task = BackgroundTask(
            partial(printing.print_pdf, self.report.path, printer, pages),
            parent=self,
            title=self.tr("Printing"),
            label=self.tr("Sending the {title} to {printer}…").format(
                title=title.lower(), printer=where
            ),
        )
        task.succeeded.connect(partial(self._on_printed, where))
        task.failed.connect(self._on_print_failed)
        task.cancelled.connect(self._on_print_cancelled)
        self.print_task, self._printer = task, printer  # the printer lives until the end
        self.print_button.setEnabled(False)
        task.start()

    def _print_ended(self) -> None:
        self.print_task, self._printer = None, None
        self.print_button.setEnabled(True)

    def _on_printed(self, where: str, sheets: object) -> None:
        self._print_ended()
        try:
            printouts.record_printed(self.ctx.db, self.ctx.actor, self.report, where)
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            return
        count = int(sheets)  # type: ignore[call-overload]
        self.banner.show_message(
            (
                self.tr("1 page sent to {printer}.")
                if count == 1
                else self.tr("{count} pages sent to {printer}.")
            ).format(count=count, printer=where),
            "success",
        )

    def _on_print_failed(self, sentence: str) -> None:
        self._print_ended()
        self.banner.show_message(sentence, "error")

    def _on_print_cancelled(self) -> None:
        self._print_ended()
        self.banner.show_message(
            self.tr("Printing was cancelled; the pages not yet sent were dropped."), "info"
        )

    # -- saving ----------------------------------------------------------------------------

    def suggested_path(self) -> Path:
        folder = str(self.ctx.settings.value(SAVE_FOLDER_KEY, "") or "")
        if not folder or not Path(folder).is_dir():
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
        title = printouts.plain_title(printouts.BY_NAME[self.report.name])
        return Path(folder) / f"{title} {clock.today().isoformat()}.pdf"

    def save_report(self) -> None:
        """Save the previewed PDF where the person chooses; the folder is remembered."""
        if not self.save_button.isEnabled():
            return
        path = printing.choose_pdf_path(self, self.suggested_path())
        if path is None:
            return
        self.banner.clear_message()
        try:
            try:
                content = self.report.path.read_bytes()
            except OSError as exc:
                raise PeerDeskError(
                    explain_os_error(exc, self.report.path, "read the prepared report")
                ) from exc
            with write_atomically(path) as out:
                out.write(content)
            printouts.record_saved(self.ctx.db, self.ctx.actor, self.report, path)
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            return
        self.ctx.settings.setValue(SAVE_FOLDER_KEY, str(path.parent))
        self.banner.show_message(self.tr("Saved as {path}.").format(path=path), "success")

    # -- closing ---------------------------------------------------------------------------

    def done(self, result: int) -> None:
        """Close (Close, Esc or the title bar): stop printing and remove the temporary PDF."""
        task = self.print_task
        if task is not None:
            task.cancel()
            task.wait()
        if not self._discarded:
            self._discarded = True
            self.document.close()
            self.report.discard()
        super().done(result)
