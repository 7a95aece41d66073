"""The recovery sheet: a printed key that opens the house's backups when the passphrase is lost.

An administrator makes a new key here; PeerDesk saves its one-page sheet as a PDF and opens
it to print. Only when the person says the sheet is printed does the key come into use (every
backup made from then on also opens with it), and the PDF can be deleted from the PC at the
same moment: the PC keeps only the key's public half, so the PC alone opens nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import backup
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.files import write_atomically
from peerdesk.core.permissions import Action
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.backup import outcome_banner, when_text
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.widgets.forms import hint_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("recovery", text)


def open_pdf(path: Path) -> bool:
    """Open a PDF in the PC's viewer, to print it (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def sheet_file_name(house_name: str) -> str:
    safe = "".join(c if c.isalnum() or c in " -" else " " for c in house_name).strip()
    return f"PeerDesk recovery sheet - {' '.join(safe.split()) or 'house'}.pdf"


class RecoverySheetDialog(FormDialog):
    """Make the house's recovery key and print its sheet (administrators only)."""

    asks_before_discarding = False  # a job's options, not records

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent, ctx, _tr("Recovery sheet"))
        self.setObjectName("recoverySheetDialog")
        self.sheet: backup.RecoverySheet | None = None
        self.pdf: Path | None = None
        self.adopted: backup.RecoveryKeyInfo | None = None

        intro = QLabel(
            _tr(
                "A recovery key opens the house's backups when nobody remembers the backup "
                "passphrase. PeerDesk prints it on one sheet of paper with the steps to restore "
                "on a new PC.\n\nKeep that sheet in a locked drawer, away from the USB drive: "
                "anyone who holds it can open the backups and read every resident's records."
            ),
            self.body,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.current = QLabel(self.body)
        self.current.setWordWrap(True)
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.make_button = QPushButton(_tr("&Make a new recovery key and its sheet…"), self.body)
        self.make_button.setAccessibleName(_tr("Make a new recovery key and its sheet"))
        self.made = QLabel(self.body)
        self.made.setWordWrap(True)
        self.made.setTextFormat(Qt.TextFormat.PlainText)
        self.made.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps = QLabel(
            _tr(
                "1. Print the sheet that opened (File → Print in the PDF viewer).\n"
                "2. Check that every letter of the key printed clearly.\n"
                "3. Put the sheet in a locked drawer, away from the USB drive.\n"
                "4. Press “I have printed it” below, then make a new USB backup: backups made "
                "from now on open with this key too."
            ),
            self.body,
        )
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.PlainText)
        self.delete_pdf = QCheckBox(
            _tr("&Delete the PDF file from this PC then (recommended)"), self.body
        )
        self.delete_pdf.setAccessibleName(_tr("Delete the PDF file from this PC then"))
        self.delete_pdf.setChecked(True)
        self.not_yet = hint_label(
            _tr("If you close this window before that, the new key is not used."), self.body
        )
        self.outcome = outcome_banner(self.body)
        self.details = QLabel(self.body)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)

        column = QVBoxLayout(self.body)
        column.addWidget(intro)
        column.addSpacing(6)
        column.addWidget(self.current)
        column.addSpacing(6)
        column.addWidget(self.make_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.made)
        column.addWidget(self.steps)
        column.addWidget(self.delete_pdf)
        column.addWidget(self.not_yet)
        column.addWidget(self.outcome)
        column.addWidget(self.details)
        column.addStretch(1)
        for widget in (self.made, self.steps, self.delete_pdf, self.not_yet):
            widget.hide()

        self.set_ok_text(_tr("I have &printed it — use this key"))
        self.ok_button.setEnabled(False)
        self.cancel_button.setText(_tr("Close"))
        self.cancel_button.setAccessibleName(_tr("Close"))
        self.make_button.clicked.connect(self._on_make_button_clicked)
        self.read(self._load)
        self.make_button.setFocus()
        self.fit_to_screen(QSize(620, 480))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> backup.RecoveryKeyInfo | None:
        """Show the dialog; the recovery key put into use, or None."""
        dialog = cls(parent, ctx)
        dialog.exec()
        return dialog.adopted

    def _load(self, s: Session) -> None:
        if not self.ctx.actor.may(Action.MANAGE_SETTINGS):
            self.show_refusal(_tr("Only an administrator may make the house's recovery key."))
            self.make_button.setEnabled(False)
        key = backup.recovery_key_info(s)
        if key is None:
            self.current.setText(
                _tr(
                    "This house has no recovery key yet: if the backup passphrase is forgotten, "
                    "its backups cannot be opened."
                )
            )
        else:
            # "local" is the one person of a house without accounts: no name to give.
            made = (
                _tr("it was made on {when}").format(when=when_text(key.made_at))
                if key.made_by == "local"
                else _tr("it was made on {when} by {who}").format(
                    when=when_text(key.made_at), who=key.made_by
                )
            )
            self.current.setText(
                _tr(
                    "This house's recovery key has ID {id}; {made}. Make a new one if its "
                    "sheet is lost or someone saw it."
                ).format(id=key.key_id, made=made)
            )

    def choose_pdf_path(self, house_name: str) -> Path | None:
        """Ask where to save the sheet (tests replace this)."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _tr("Save the recovery sheet"),
            str(Path(folder or Path.home()) / sheet_file_name(house_name)),
            _tr("PDF (*.pdf)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def _on_make_button_clicked(self) -> None:
        self.make_sheet()

    def make_sheet(self) -> bool:
        """Make a new key, save its sheet and open it to print; False if nothing was made."""
        self.outcome.clear_message()
        try:
            sheet = backup.new_recovery_sheet(self.ctx.db, self.ctx.actor)
        except PeerDeskError as exc:
            self.outcome.show_message(str(exc), "error")
            return False
        path = self.choose_pdf_path(sheet.house_name)
        if path is None:
            return False
        from peerdesk.reports.recovery_sheet import render_recovery_sheet

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with write_atomically(path) as out:
                render_recovery_sheet(out, sheet)
        except PeerDeskError as exc:
            self.outcome.show_message(str(exc), "error")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.sheet, self.pdf = sheet, path
        opened = open_pdf(path)
        text = _tr("The sheet for the new key (ID {id}) is saved in {path}").format(
            id=sheet.key_id, path=path
        )
        text += (
            _tr(" and opened, ready to print.") if opened else _tr(". Open that file to print it.")
        )
        self.made.setText(text)
        for widget in (self.made, self.steps, self.delete_pdf, self.not_yet):
            widget.show()
        self.make_button.setText(_tr("&Make another key instead…"))
        self.make_button.setAccessibleName(_tr("Make another key instead"))
        self.ok_button.setEnabled(True)
        self.ok_button.setDefault(True)
        return True

    def accept(self) -> None:
        """The sheet is printed: put its key into use (and delete the PDF if asked)."""
        if self.sheet is None or not self.ok_button.isEnabled():
            return
        try:
            info = backup.adopt_recovery_key(self.ctx.db, self.ctx.actor, self.sheet)
        except PeerDeskError as exc:
            self.outcome.show_message(str(exc), "error")
            return
        self.adopted = info
        self.ctx.announce("preferences", 0)
        lines = [
            _tr(
                "Every backup made from now on also opens with it. Make a new USB backup now, "
                "so the drive holds one that does."
            )
        ]
        if self.pdf is not None and self.delete_pdf.isChecked():
            try:
                self.pdf.unlink(missing_ok=True)
            except OSError:
                lines.append(
                    _tr("The PDF file {path} could not be deleted; delete it by hand.").format(
                        path=self.pdf
                    )
                )
            else:
                lines.append(_tr("The PDF file was deleted from this PC."))
        self.outcome.show_message(
            "✔ " + _tr("Recovery key {id} is in use.").format(id=info.key_id), "success"
        )
        self.details.setText(" ".join(lines))
        for widget in (self.steps, self.delete_pdf, self.not_yet, self.made):
            widget.hide()
        self.make_button.setEnabled(False)
        self.sheet = None
        self.ok_button.hide()
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
        with self.ctx.db.read() as s:
            self._load(s)


__all__ = ["RecoverySheetDialog", "open_pdf", "sheet_file_name"]
