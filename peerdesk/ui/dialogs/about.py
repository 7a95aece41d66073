"""Help → About PeerDesk: the version, and where this PeerDesk keeps the house's files.

Whoever helps a house over the phone first asks "which version?" and "where is the file?";
this box answers both, opens the folders, and copies the answers for an e-mail.
"""

from __future__ import annotations

import html
import platform
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from peerdesk import __version__
from peerdesk.core.house_identity import read_house_id, shown
from peerdesk.paths import resource_dir
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.widgets.forms import side_button
from peerdesk.ui.widgets.sizing import font_scale

ICON_SIZE = 64


def app_icon() -> QIcon:
    """PeerDesk's icon in every size the resources hold (an empty icon if they are missing)."""
    icon = QIcon()
    for path in sorted((resource_dir() / "icons").glob("peerdesk-*.png")):
        icon.addFile(str(path))
    return icon


def open_folder(parent: QWidget | None, folder: Path) -> bool:
    """Show ``folder`` in the file manager (made first if it is not there yet); True if it
    opened, else the person is told where it is."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    except OSError:
        opened = False
    if not opened:
        messages.warning(
            parent,
            QGuiApplication.translate("AboutDialog", "Open folder"),
            QGuiApplication.translate(
                "AboutDialog",
                "PeerDesk could not open the folder {path}; open it yourself in the file manager.",
            ).format(path=folder),
        )
    return opened


class AboutDialog(QDialog):
    """The version, the database, the local backups and the log, with buttons to open them."""

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("About PeerDesk"))
        self.setAccessibleName(self.tr("About PeerDesk"))
        paths = ctx.paths
        self.database = ctx.db.path
        self.records_folder = self.database.parent
        self.backups_folder = paths.local_backup_dir
        self.log_file = paths.log_file

        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(ICON_SIZE, ICON_SIZE))
        icon.setAccessibleName(self.tr("PeerDesk icon"))
        title = QLabel(
            self.tr(
                "<h2>PeerDesk {version}</h2><p>The record book of a peer-driven recovery "
                "residence. It works without the internet and keeps everything on this "
                "computer.</p>"
            ).format(version=html.escape(__version__)),
            self,
        )
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.RichText)
        head = QHBoxLayout()
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(title, 1)

        where = QFormLayout()
        where.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.database_label = self._path_label(self.database, self.tr("The house's records"))
        self.backups_label = self._path_label(
            self.backups_folder, self.tr("Automatic backups on this PC")
        )
        self.log_label = self._path_label(self.log_file, self.tr("The log, for whoever helps you"))
        with ctx.db.read() as s:
            self.house_id = shown(read_house_id(s))
        self.house_id_label = QLabel(self.house_id, self)
        self.house_id_label.setAccessibleName(self.tr("House ID"))
        self.house_id_label.setToolTip(
            self.tr(
                "The same for every backup of this house, whatever its name; a restore asks "
                "before it puts another house in its place"
            )
        )
        self.house_id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.addRow(self.tr("House ID:"), self.house_id_label)
        where.addRow(self.tr("Database:"), self.database_label)
        where.addRow(self.tr("Local backups:"), self.backups_label)
        where.addRow(self.tr("Log:"), self.log_label)
        note = QLabel(
            self.tr(
                "Uninstalling or updating PeerDesk never deletes these files. To move the house "
                "to another PC, make a USB backup and restore it there."
            ),
            self,
        )
        note.setWordWrap(True)

        self.open_records_button = side_button(
            self.tr("Open the &records folder"),
            self.tr("Show the folder with the database in the file manager"),
            self,
        )
        self.open_records_button.clicked.connect(lambda: open_folder(self, self.records_folder))
        self.open_log_button = side_button(
            self.tr("Open the &log folder"), self.tr("Show the folder with the log file"), self
        )
        self.open_log_button.clicked.connect(lambda: open_folder(self, self.log_file.parent))
        self.copy_button = side_button(
            self.tr("&Copy details"),
            self.tr("Copy the version and these places, to paste into an e-mail"),
            self,
        )
        self.copy_button.clicked.connect(self.copy_details)
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = self.button_box.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close"))
        self.close_button.setToolTip(self.tr("Close (Esc)"))
        self.close_button.setDefault(True)
        self.button_box.rejected.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_records_button)
        buttons.addWidget(self.open_log_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.button_box)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addSpacing(6)
        layout.addLayout(where)
        layout.addSpacing(6)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._fit(680)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> None:
        """Show the box until the person closes it."""
        dialog = cls(parent, ctx)
        dialog.exec()
        dialog.deleteLater()

    def details(self) -> str:
        """What a helper needs, as plain text."""
        return "\n".join(
            [
                f"PeerDesk {__version__}",
                f"Python {sys.version.split()[0]}, PySide6 {pyside_version}, "
                f"{platform.system()} {platform.release()}",
                f"House ID: {self.house_id}",
                f"Database: {self.database}",
                f"Local backups: {self.backups_folder}",
                f"Log: {self.log_file}",
            ]
        )

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self.copy_button.setText(self.tr("&Copied"))

    def _path_label(self, path: Path, tip: str) -> QLabel:
        label = QLabel(str(path), self)
        label.setWordWrap(True)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setToolTip(tip)
        label.setAccessibleDescription(tip)
        return label

    def _fit(self, preferred_width: int) -> None:
        """As wide as ``preferred_width`` at the usual font (wider with a larger font), and
        as tall as the words need at that width."""
        width = max(int(preferred_width * font_scale(self)), self.sizeHint().width())
        layout = self.layout()
        height = layout.heightForWidth(width) if layout is not None else -1
        self.resize(width, max(height, self.sizeHint().height()))
