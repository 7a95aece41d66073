"""Help → User guide: the guide's pages in a window beside the work, printable.

The pages are HTML files in ``resources/guide`` (see :mod:`peerdesk.guide`); the browser
fills in their placeholders as it loads each one, so links between pages work as in any
browser. The window is not modal — a house manager reads it while doing the task — and one
window serves the whole session: :meth:`GuideWindow.present` brings it back to the front.

Print… and Save as PDF… print the whole guide, each chapter on a new page.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk import guide
from peerdesk.core import vocab
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.files import write_atomically
from peerdesk.core.services import settings as settings_service
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.widgets.forms import side_button
from peerdesk.ui.widgets.sizing import fit_for_font

READING_SCALE = 1.15
PRINT_POINT_SIZE = 10.5
PDF_NAME = "PeerDesk user guide.pdf"
FOLDER_KEY = "guide/pdf_folder"
_HTML = QTextDocument.ResourceType.HtmlResource.value
_PAGE_ROLE = Qt.ItemDataRole.UserRole


def page_url(page: str, anchor: str = "") -> QUrl:
    url = QUrl.fromLocalFile(str(guide.guide_dir() / page))
    if anchor:
        url.setFragment(anchor)
    return url


def choose_printer(parent: QWidget, paper: vocab.PaperSize) -> QPrinter | None:
    """The printer the person picked in the print dialog, or None when they cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(_page_size(paper))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(QApplication.translate("GuideWindow", "Print the user guide"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def choose_pdf_path(parent: QWidget, folder: Path) -> Path | None:
    """Where to save the guide as a PDF, or None when the person cancelled."""
    name, _filter = QFileDialog.getSaveFileName(
        parent,
        QApplication.translate("GuideWindow", "Save the user guide as PDF"),
        str(folder / PDF_NAME),
        QApplication.translate("GuideWindow", "PDF files (*.pdf)"),
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def _page_size(paper: vocab.PaperSize) -> QPageSize:
    return QPageSize(
        QPageSize.PageSizeId.A4 if paper == vocab.PaperSize.A4 else QPageSize.PageSizeId.Letter
    )


def print_guide(printer: QPrinter) -> None:
    """The whole guide onto ``printer`` (a real printer or a PDF file)."""
    document = QTextDocument()
    font = document.defaultFont()
    font.setPointSizeF(PRINT_POINT_SIZE)
    document.setDefaultFont(font)
    document.setHtml(guide.whole_guide_html())
    document.print_(printer)


class GuideBrowser(QTextBrowser):
    """A text browser that fills in the guide's placeholders as it loads each page."""

    def loadResource(self, kind: int, name: QUrl) -> object:
        if kind == _HTML and name.isLocalFile():
            page = Path(name.toLocalFile()).name
            try:
                return guide.render_page(page)
            except guide.GuideMissing as exc:
                return f"<h1>{self.tr('Page not found')}</h1><p>{exc}</p>"
        return super().loadResource(kind, name)


class GuideWindow(QDialog):
    """The user guide: contents on the left, the page on the right, print and save below."""

    def __init__(self, parent: QWidget | None, ctx: UiContext | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("PeerDesk user guide"))
        self.setAccessibleName(self.tr("PeerDesk user guide"))
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setModal(False)
        self.setSizeGripEnabled(True)

        self.contents = QTreeWidget(self)
        self.contents.setHeaderHidden(True)
        self.contents.setAccessibleName(self.tr("Contents of the guide"))
        self.contents.setRootIsDecorated(True)
        self._fill_contents()
        self.contents.itemActivated.connect(self._on_contents_item_activated)
        self.contents.itemClicked.connect(self._on_contents_item_activated)

        self.browser = GuideBrowser(self)
        self.browser.setAccessibleName(self.tr("Guide page"))
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        self.browser.document().setDocumentMargin(14)
        reading = self.browser.font()  # a little larger than the window's, for reading
        reading.setPointSizeF(reading.pointSizeF() * READING_SCALE)
        self.browser.setFont(reading)
        self.browser.sourceChanged.connect(self._on_browser_source_changed)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setAccessibleName(self.tr("Contents and page"))
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._titled(self.tr("C&hapters"), self.contents))
        self.splitter.addWidget(self._titled(self.tr("&Text"), self.browser))
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)

        self.back_button = side_button(
            self.tr("&Back"), self.tr("The page before (Alt+Left)"), self
        )
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.back_button.setEnabled(False)
        self.home_button = side_button(
            self.tr("C&ontents"), self.tr("The guide's first page"), self
        )
        self.home_button.clicked.connect(lambda: self.show_page("index.html"))
        self.print_button = side_button(
            self.tr("&Print…"), self.tr("Print the whole guide, each chapter on a new page"), self
        )
        self.print_button.clicked.connect(self.print_guide)
        self.pdf_button = side_button(
            self.tr("Save as P&DF…"), self.tr("Save the whole guide as a PDF file"), self
        )
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button = side_button(self.tr("&Close"), self.tr("Close the guide (Esc)"), self)
        self.close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        for button in (self.back_button, self.home_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.print_button, self.pdf_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

        self.show_page("index.html")
        fit_for_font(self, QSize(1040, 720))
        side = min(self._contents_width(), self.width() * 2 // 5)
        self.splitter.setSizes([side, self.width() - side])

    # ----------------------------------------------------------------- opening

    @classmethod
    def present(
        cls, parent: QWidget | None, ctx: UiContext | None = None, page: str = "index.html"
    ) -> GuideWindow:
        """Show the guide at ``page`` (the same window again if it is open) and return it."""
        found = parent.findChildren(cls) if parent is not None else []
        window = found[0] if found else cls(parent, ctx)
        page, _hash, anchor = page.partition("#")
        window.show_page(page, anchor)
        window.show()
        # Bring it back from behind the main window or the taskbar (raise_() is not needed
        # once the window is active, and some platforms refuse it).
        window.setWindowState(
            (window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
        window.activateWindow()
        return window

    def show_page(self, page: str, anchor: str = "") -> None:
        self.browser.setSource(page_url(page, anchor), QTextDocument.ResourceType.HtmlResource)

    def current_page(self) -> str:
        return Path(self.browser.source().toLocalFile()).name

    # ----------------------------------------------------------------- printing

    def _paper(self) -> vocab.PaperSize:
        if self._ctx is None:
            return vocab.PaperSize.LETTER
        with self._ctx.db.read() as s:
            return settings_service.get_settings(s).paper_size

    def _pdf_folder(self) -> Path:
        if self._ctx is not None:
            remembered = self._ctx.settings.value(FOLDER_KEY, "")
            if isinstance(remembered, str) and remembered and Path(remembered).is_dir():
                return Path(remembered)
        return Path.home()

    def print_guide(self) -> bool:
        """Print the whole guide on a printer the person chooses; True when it was sent."""
        printer = choose_printer(self, self._paper())
        if printer is None:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            print_guide(printer)
        finally:
            QGuiApplication.restoreOverrideCursor()
        return True

    def save_pdf(self) -> Path | None:
        """Save the whole guide as a PDF where the person says; its path, or None."""
        path = choose_pdf_path(self, self._pdf_folder())
        if path is None:
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_guide_pdf(path, self._paper())
        except PeerDeskError as exc:
            QGuiApplication.restoreOverrideCursor()
            messages.error(self, self.tr("Save as PDF"), str(exc))
            return None
        QGuiApplication.restoreOverrideCursor()
        if self._ctx is not None:
            self._ctx.settings.setValue(FOLDER_KEY, str(path.parent))
        messages.info(
            self,
            self.tr("Save as PDF"),
            self.tr("The user guide was saved as {path}.").format(path=path),
        )
        return path

    # ----------------------------------------------------------------- parts

    def _titled(self, title: str, widget: QWidget) -> QWidget:
        """``widget`` under a small heading whose mnemonic reaches it (Alt+letter)."""
        box = QWidget(self)
        label = QLabel(title, box)
        label.setBuddy(widget)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(label)
        column.addWidget(widget, 1)
        return box

    def _fill_contents(self) -> None:
        top = QTreeWidgetItem([self.tr("Welcome")])
        top.setData(0, _PAGE_ROLE, "index.html")
        self.contents.addTopLevelItem(top)
        try:
            chapters = guide.contents()
        except guide.GuideMissing:
            return  # the page itself says what is wrong
        for chapter in chapters:
            item = QTreeWidgetItem([chapter.title])
            item.setData(0, _PAGE_ROLE, chapter.name)
            for section in chapter.sections:
                child = QTreeWidgetItem([section.title])
                child.setData(0, _PAGE_ROLE, f"{chapter.name}#{section.anchor}")
                item.addChild(child)
            self.contents.addTopLevelItem(item)

    def _contents_width(self) -> int:
        """Wide enough for the longest chapter title, so none is cut short."""
        metrics = self.contents.fontMetrics()
        longest = max(
            metrics.horizontalAdvance(self.contents.topLevelItem(i).text(0))  # type: ignore[union-attr]
            for i in range(self.contents.topLevelItemCount())
        )
        return longest + self.contents.indentation() * 2 + 32

    # ----------------------------------------------------------------- slots

    def _on_contents_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, _PAGE_ROLE)
        if isinstance(target, str):
            page, _hash, anchor = target.partition("#")
            self.show_page(page, anchor)

    def _on_browser_source_changed(self, url: QUrl) -> None:
        page = Path(url.toLocalFile()).name
        for index in range(self.contents.topLevelItemCount()):
            item = self.contents.topLevelItem(index)
            if item is None:
                continue
            here = item.data(0, _PAGE_ROLE) == page
            item.setExpanded(here and item.childCount() > 0)
            if here:
                self.contents.blockSignals(True)
                self.contents.setCurrentItem(item)
                self.contents.blockSignals(False)


def write_guide_pdf(path: Path, paper: vocab.PaperSize) -> None:
    """The whole guide as a PDF at ``path``, written whole or not at all (PeerDeskError)."""
    with tempfile.TemporaryDirectory(prefix="peerdesk-guide-") as work:
        draft = Path(work) / PDF_NAME
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(draft))
        printer.setPageSize(_page_size(paper))
        printer.setDocName(guide.TITLE)
        print_guide(printer)
        data = draft.read_bytes()
    with write_atomically(path) as out:
        out.write(data)
