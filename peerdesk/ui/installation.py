"""Is this PeerDesk whole? The self-test's check of what an installer can forget.

A one-folder build carries its own Qt plugins, icons, user guide and migrations; when one is
left out the program may still start and then fail in front of a house manager (no printer
dialog, a blank icon, no help). ``--self-test`` runs :func:`check_installation` so CI fails
instead. Reportlab and Alembic are not imported here: start-up must not pay for them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTemporaryDir
from PySide6.QtGui import QGuiApplication, QIcon, QImageReader, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from peerdesk import guide
from peerdesk.core.db import MIGRATIONS_DIR
from peerdesk.paths import resource_dir

ICON_FILES = ("peerdesk.svg", "peerdesk.ico", "peerdesk-16.png", "peerdesk-256.png")
IMAGE_FORMATS = ("png", "svg", "ico", "jpg")


def _platform_plugins() -> tuple[str, ...]:
    """The platform plugins this system needs besides ``offscreen`` (used by the self-test)."""
    if sys.platform == "win32":
        return ("qwindows", "qoffscreen")
    if sys.platform == "darwin":
        return ("qcocoa", "qoffscreen")
    return ("qxcb", "qwayland", "qoffscreen")


def _plugin_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))


def _has_plugin(folder: str, stem: str) -> bool:
    return any(stem in path.name for path in (_plugin_dir() / folder).glob("*"))


def check_installation() -> str:
    """Every plugin, resource and script PeerDesk needs is here; AssertionError names the
    first thing missing."""
    missing = [p for p in _platform_plugins() if not _has_plugin("platforms", p)]
    assert not missing, f"Qt platform plugins missing from {_plugin_dir()}: {', '.join(missing)}"
    if sys.platform.startswith("linux"):
        assert _has_plugin("printsupport", "cups"), "the Qt print support plugin (CUPS) is missing"
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    lacking = [f for f in IMAGE_FORMATS if f not in formats]
    assert not lacking, f"Qt image formats missing: {', '.join(lacking)}"

    icons = resource_dir() / "icons"
    absent = [name for name in ICON_FILES if not (icons / name).is_file()]
    assert not absent, f"icons missing from {icons}: {', '.join(absent)}"
    assert not QIcon(str(icons / "peerdesk.svg")).isNull(), "the SVG icon does not load"
    assert (resource_dir() / "peerdesk.desktop").is_file(), "peerdesk.desktop is missing"

    for page in guide.PAGES:
        text = guide.render_page(page)  # GuideMissing says which file
        assert "{{" not in text, f"the guide page {page} has an unfilled placeholder"
    versions = list((MIGRATIONS_DIR / "versions").glob("0*.py"))
    whole = (MIGRATIONS_DIR / "env.py").is_file() and bool(versions)
    assert whole, f"the database migrations are missing from {MIGRATIONS_DIR}"

    work = QTemporaryDir()
    assert work.isValid(), "no temporary folder to print a test page into"
    pdf = Path(work.path()) / "check.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(pdf))
    document = QTextDocument()
    document.setHtml("<h1>PeerDesk</h1><p>Printing works.</p>")
    document.print_(printer)
    assert pdf.read_bytes().startswith(b"%PDF-"), "printing to PDF wrote no PDF"
    work.remove()
    platform = QGuiApplication.platformName()
    return (
        f"Qt plugins (running on {platform}), icons, the user guide ({len(guide.PAGES)} pages), "
        "migrations, printing to PDF"
    )
