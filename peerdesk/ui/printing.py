"""Printing a report's PDF on the office printer, and the two standard dialogs it needs.

QtPdf draws each page of the PDF into an image at the printer's resolution (at most
:data:`PRINT_DPI_LIMIT`, so a page stays a few tens of megabytes however fine the printer),
and the image goes onto the printer's page at the PDF's own size, so the printout matches
the preview. :func:`print_pdf` is work for a :class:`~peerdesk.ui.workers.BackgroundTask`:
Qt supports painting on a QPrinter from another thread, and the PDF is opened again in that
thread, so the preview stays usable while the pages go out.

The printer and file dialogs are called through this module (``printing.choose_printer``),
so tests replace them instead of showing modal windows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from peerdesk.core.errors import PeerDeskError
from peerdesk.ui.workers import WorkCancelled

PRINT_DPI_LIMIT = 300
POINTS_PER_INCH = 72.0


def _tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


def printer_for(page_points: QSizeF, title: str) -> QPrinter:
    """A printer set up for the report: its paper size and orientation, the whole sheet."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    width, height = page_points.width(), page_points.height()
    size = QPageSize(QSizeF(min(width, height), max(width, height)), QPageSize.Unit.Point)
    printer.setPageSize(size)
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    )
    # The report has its own margins; the printer's own edge is left to the report's margins.
    printer.setFullPage(True)
    return printer


def choose_printer(parent: QWidget | None, printer: QPrinter, page_count: int) -> bool:
    """The system's print dialog (printer, copies, pages); True when the person printed."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_tr("Print"))
    dialog.setAccessibleName(_tr("Print"))
    dialog.setMinMax(1, max(1, page_count))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
    return dialog.exec() == QDialog.DialogCode.Accepted


def choose_pdf_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """The system's "Save as" dialog for a PDF; None when the person cancelled."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, _tr("Save as PDF"), str(suggested), _tr("PDF files (*.pdf)")
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def printer_label(printer: QPrinter) -> str:
    """Where the pages went, for the audit line and the message: a printer or a file."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return printer.outputFileName()
    return printer.printerName() or _tr("the default printer")


def pages_to_print(printer: QPrinter, page_count: int) -> list[int]:
    """The page indexes (from 0) the person asked for in the print dialog."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(page_count, printer.toPage() or page_count)
        return list(range(first - 1, last))
    return list(range(page_count))


def _page_image(document: QPdfDocument, index: int, dpi: float) -> QImage:
    """Page ``index`` as an opaque image (white paper) at ``dpi``."""
    points = document.pagePointSize(index)
    size = QSize(
        math.ceil(points.width() * dpi / POINTS_PER_INCH),
        math.ceil(points.height() * dpi / POINTS_PER_INCH),
    )
    drawn = document.render(index, size)
    # QtPdf leaves the paper transparent; some printer drivers print images with an alpha
    # channel slowly or not at all, so the page goes out on white.
    page = QImage(size, QImage.Format.Format_RGB32)
    page.fill(Qt.GlobalColor.white)
    painter = QPainter(page)
    painter.drawImage(QPointF(0, 0), drawn)
    painter.end()
    return page


def _target(printer: QPrinter, points: QSizeF) -> QRectF:
    """Where a page of ``points`` goes on the printer's sheet: its own size, centred, or
    shrunk to fit when the sheet is smaller (an A4 report on Letter paper)."""
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    scale = printer.resolution() / POINTS_PER_INCH
    width, height = points.width() * scale, points.height() * scale
    fit = min(1.0, paper.width() / width, paper.height() / height)
    width, height = width * fit, height * fit
    return QRectF(
        paper.x() + (paper.width() - width) / 2,
        paper.y() + (paper.height() - height) / 2,
        width,
        height,
    )


def print_pdf(
    path: Path,
    printer: QPrinter,
    pages: list[int],
    progress: Callable[[float], None],
    cancelled: Callable[[], bool],
) -> int:
    """Print ``pages`` of the PDF at ``path`` on ``printer``; returns the sheets sent.

    Cancelling drops the print job (nothing half-printed is queued) and raises
    :class:`WorkCancelled`.
    """
    document = QPdfDocument()
    try:
        if document.load(str(path)) != QPdfDocument.Error.None_:
            raise PeerDeskError(
                _tr("The report could not be read back for printing; prepare it again.")
            )
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        sheets = [index for _copy in range(copies) for index in pages]
        dpi = min(float(printer.resolution()), PRINT_DPI_LIMIT)
        painter = QPainter()
        if not painter.begin(printer):
            raise PeerDeskError(
                _tr(
                    "The printer {name} could not be started; check that it is on and "
                    "connected, then print again."
                ).format(name=printer_label(printer))
            )
        try:
            for done, index in enumerate(sheets):
                if cancelled():
                    printer.abort()
                    raise WorkCancelled
                if done and not printer.newPage():
                    raise PeerDeskError(
                        _tr(
                            "The printer {name} stopped taking pages; check it and print again."
                        ).format(name=printer_label(printer))
                    )
                image = _page_image(document, index, dpi)
                painter.drawImage(_target(printer, document.pagePointSize(index)), image)
                progress((done + 1) / len(sheets))
        finally:
            if painter.isActive():
                painter.end()
        return len(sheets)
    finally:
        document.close()
