"""House → Audit log…: who did what to which record, filtered, a page at a time, and printed.

For supervisors and administrators. The lines come from SQL one page at a time (newest first),
so a ten-year trail opens as fast as a new one. Whether the hash chain is whole is checked in
the background when the view opens (a big trail takes a while) and shown above the lines.
"Print to PDF…" writes the filtered lines with the chain's state, off the window's thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import audit_log, clock
from peerdesk.core.audit import AuditLine
from peerdesk.core.audit_log import AuditFilter, ChainStatus
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.permissions import Action
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.record_list import read_only_table
from peerdesk.ui.tabs.base import DateRangeFilter
from peerdesk.ui.widgets.forms import MessageBanner, buddy_label
from peerdesk.ui.workers import BackgroundTask

PAGE_SIZE = 100
NUMBER_DELAY_MS = 300

COLUMNS = ("Line", "When", "Who", "What", "Record", "Summary", "Fields changed")


class AuditLogDialog(QDialog):
    """The audit log view: filters, one page of lines, the chain's state, Print to PDF."""

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent)
        self.setObjectName("auditLogDialog")
        self.ctx = ctx
        self.offset = 0
        self.matching = 0
        self.lines: list[AuditLine] = []
        self.chain: ChainStatus | None = None
        self._chain_task: BackgroundTask | None = None
        self._print_task: BackgroundTask | None = None
        self.setWindowTitle(self.tr("Audit log"))
        self.setModal(True)
        self.setSizeGripEnabled(True)

        self.chain_banner = MessageBanner(self)
        self.chain_banner.setObjectName("chainBanner")
        self.chain_banner.show_message(self.tr("Checking that the audit trail is whole…"), "info")

        # -- filters
        self.person = QComboBox(self)
        self.person.setAccessibleName(self.tr("Person"))
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Kind of record"))
        self.kind.addItem(self.tr("Every kind of record"), None)
        for entity, label in audit_log.RECORD_KINDS.items():
            self.kind.addItem(self.tr(label), entity)
        self.number = QLineEdit(self)
        self.number.setValidator(QIntValidator(1, 2_000_000_000, self))
        self.number.setPlaceholderText(self.tr("any"))
        # Room for a seven-digit number or the word "any", never squeezed below it.
        self.number.setMinimumWidth(self.fontMetrics().averageCharWidth() * 9)
        self.number.setMaximumWidth(self.fontMetrics().averageCharWidth() * 12)
        self.dates = DateRangeFilter(self.tr("Audit"), self)
        filters = QHBoxLayout()
        filters.addWidget(buddy_label(self.tr("&Who:"), self.person, self))
        filters.addWidget(self.person)
        filters.addSpacing(8)
        filters.addWidget(buddy_label(self.tr("&Record:"), self.kind, self))
        filters.addWidget(self.kind)
        filters.addWidget(buddy_label(self.tr("N&umber:"), self.number, self))
        filters.addWidget(self.number)
        filters.addSpacing(8)
        filters.addWidget(buddy_label(self.tr("&Dates:"), self.dates.period, self))
        filters.addWidget(self.dates)
        filters.addStretch(1)

        # -- the lines
        self.table = read_only_table(self, [self.tr(c) for c in COLUMNS], self.tr("Audit lines"))
        self.table.verticalHeader().setDefaultSectionSize(round(self.fontMetrics().height() * 1.5))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in range(5):  # line, when, who, what, record: as wide as they need
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(6, self.fontMetrics().averageCharWidth() * 34)

        self.newer_button = QPushButton(self.tr("‹ &Newer"), self)
        self.newer_button.setAccessibleName(self.tr("Newer lines"))
        self.newer_button.clicked.connect(self._on_newer_clicked)
        self.older_button = QPushButton(self.tr("&Older ›"), self)
        self.older_button.setAccessibleName(self.tr("Older lines"))
        self.older_button.clicked.connect(self._on_older_clicked)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("pageLabel")
        pages = QHBoxLayout()
        pages.addWidget(self.newer_button)
        pages.addWidget(self.older_button)
        pages.addWidget(self.page_label, 1)

        self.buttons = QDialogButtonBox(self)
        self.print_button = self.buttons.addButton(
            self.tr("&Print to PDF…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button.setAccessibleName(self.tr("Print to PDF"))
        self.print_button.setToolTip(self.tr("Save the lines these filters show as a PDF"))
        self.print_button.clicked.connect(self._on_print_clicked)
        self.print_button.setVisible(ctx.actor.may(Action.PRINT_IDENTIFIED))
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        close.setAccessibleName(self.tr("Close"))
        self.buttons.rejected.connect(self.reject)

        self.banner = MessageBanner(self)  # what the filters or the permissions refused
        self.body = QWidget(self)
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(filters)
        column.addWidget(buddy_label(self.tr("&Lines:"), self.table, self))
        column.addWidget(self.table, 1)
        column.addLayout(pages)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chain_banner)
        layout.addWidget(self.banner)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.buttons)

        self._number_timer = QTimer(self)
        self._number_timer.setSingleShot(True)
        self._number_timer.setInterval(NUMBER_DELAY_MS)
        self._number_timer.timeout.connect(self.apply_filters)
        self._fill_people()
        self.person.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.kind.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.number.textChanged.connect(lambda _t: self._number_timer.start())
        self.dates.changed.connect(self.apply_filters)
        self.apply_filters()
        self._fit()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> None:
        dialog = cls(parent, ctx)
        dialog.check_chain()
        dialog.exec()

    def _fit(self) -> None:
        scale = max(1.0, self.fontMetrics().height() / 16)
        width, height = int(1180 * scale), int(680 * scale)
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            width = min(width, int(area.width() * 0.96))
            height = min(height, int(area.height() * 0.92))
        self.resize(QSize(width, height))

    def _fill_people(self) -> None:
        self.person.addItem(self.tr("Everyone"), None)
        try:
            with self.ctx.db.read() as s:
                found = audit_log.people(s, self.ctx.actor)
        except PeerDeskError:
            found = []
        for person in found:
            text = f"{person.username} — {person.full_name}"
            if not person.active:
                text += self.tr(" (deactivated)")
            self.person.addItem(text, person.user_id)
        self.person.addItem(self.tr("Before accounts (local)"), audit_log.LOCAL_USERNAME)

    # -- the filters and the page ----------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        who = self.person.currentData()
        number = self.number.text().strip()
        start, end = self.dates.bounds()
        return AuditFilter(
            user_id=who if isinstance(who, int) else None,
            username=who if isinstance(who, str) else None,
            entity=self.kind.currentData(),
            entity_id=int(number) if number.isdigit() else None,
            date_from=start,
            date_to=end,
        )

    def apply_filters(self) -> None:
        """The filters changed: back to the newest page."""
        self._number_timer.stop()
        self.offset = 0
        self.load_page()

    def load_page(self) -> None:
        f = self.current_filter()
        try:
            with self.ctx.db.read() as s:
                self.matching = audit_log.count_lines(s, self.ctx.actor, f)
                self.offset = min(self.offset, max(0, (self.matching - 1) // PAGE_SIZE * PAGE_SIZE))
                self.lines = audit_log.page_of_lines(s, self.ctx.actor, f, self.offset, PAGE_SIZE)
        except PeerDeskError as exc:
            self.lines, self.matching = [], 0
            self.banner.show_message(str(exc), "error")
            self.page_label.setText("")
            self._fill_table()
            self.newer_button.setEnabled(False)
            self.older_button.setEnabled(False)
            return
        self.banner.clear_message()
        self._fill_table()
        locale = QLocale()
        if self.matching == 0:
            text = self.tr("No line matches these filters.")
        else:
            text = self.tr("Lines {first}–{last} of {total}, newest first").format(
                first=locale.toString(self.offset + 1),
                last=locale.toString(self.offset + len(self.lines)),
                total=locale.toString(self.matching),
            )
        self.page_label.setText(text)
        self.newer_button.setEnabled(self.offset > 0)
        self.older_button.setEnabled(self.offset + len(self.lines) < self.matching)

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            at = clock.to_local(line.at)
            cells = [
                str(line.id),
                f"{at.day} {at:%b %Y %H:%M:%S}",
                line.username,
                line.action.replace("_", " "),
                audit_log.record_text(line.entity, line.entity_id),
                line.summary,
                audit_log.describe_changes(line.changes),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 5 and text:
                    item.setToolTip(text)
                if column == 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.scrollToTop()

    def _on_newer_clicked(self) -> None:
        self.offset = max(0, self.offset - PAGE_SIZE)
        self.load_page()

    def _on_older_clicked(self) -> None:
        if self.offset + PAGE_SIZE < self.matching:
            self.offset += PAGE_SIZE
            self.load_page()

    # -- the chain -------------------------------------------------------------------------

    def check_chain(self) -> BackgroundTask:
        """Walk the whole chain off the window's thread; the banner says the result."""
        db, actor, backups = self.ctx.db, self.ctx.actor, self.ctx.paths.local_backup_dir
        anchor = db.anchor.read() if db.anchor is not None else None

        def work(_progress: object, _cancelled: object) -> ChainStatus:
            from peerdesk.core.check import held_by_backups

            held = held_by_backups(db, backups)  # the automatic backups hold it too
            with db.read() as s:
                return audit_log.chain_status(s, actor, anchor, held)

        task = BackgroundTask(work, show_progress=False)
        # A bound slot: the connection ends with the dialog if it closes before the check.
        task.finished.connect(self._on_chain_task_finished)
        self._chain_task = task
        task.start()
        return task

    def _on_chain_task_finished(self) -> None:
        outcome = self._chain_task.outcome if self._chain_task is not None else None
        if outcome is None:
            return
        if outcome.error is not None:
            self.chain_banner.show_message(outcome.error, "error")
            return
        status = outcome.result
        assert isinstance(status, ChainStatus)
        self.chain = status
        self.chain_banner.show_message(status.sentence(), "success" if status.ok else "error")

    # -- printing --------------------------------------------------------------------------

    def choose_pdf_path(self) -> Path | None:
        """Where to save the printout (tests replace this)."""
        start = str(Path.home() / "audit-log.pdf")
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Print the audit log to a PDF"), start, self.tr("PDF files (*.pdf)")
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")

    def _on_print_clicked(self) -> None:
        path = self.choose_pdf_path()
        if path is not None:
            self.print_to(path)

    def print_to(self, path: Path) -> BackgroundTask:
        """Gather, draw and save the filtered lines as a PDF, with a progress dialog."""
        db, actor = self.ctx.db, self.ctx.actor
        options = audit_log.AuditLogOptions(self.current_filter())

        def work(progress: object, _cancelled: object) -> Path:
            from peerdesk.core.files import write_atomically
            from peerdesk.reports.audit_log import render_audit_log

            with db.read() as s:
                data = audit_log.gather_audit_log(s, actor, options)
            with write_atomically(path) as out:
                render_audit_log(out, data)
            audit_log.record_printed(db, actor, data, str(path))
            return path

        task = BackgroundTask(
            work,
            parent=self,
            title=self.tr("Audit log"),
            label=self.tr("Writing the audit log…"),
            cancellable=False,
        )
        task.finished.connect(self._on_print_task_finished)
        self._print_task = task
        self.print_button.setEnabled(False)
        task.start()
        return task

    def _on_print_task_finished(self) -> None:
        outcome = self._print_task.outcome if self._print_task is not None else None
        self.print_button.setEnabled(True)
        if outcome is None:
            return
        if outcome.error is not None:
            messages.error(self, self.tr("Audit log"), outcome.error)
            return
        messages.info(
            self,
            self.tr("Audit log"),
            self.tr("The audit log was saved to {path}.").format(path=outcome.result),
        )
