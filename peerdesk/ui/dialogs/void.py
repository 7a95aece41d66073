"""Why a record is being voided. The caller then calls the service's void function."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from peerdesk.core.errors import FieldError
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.widgets.forms import FormSection

MAX_REASON = 500  # the services' limit for a void reason


class VoidDialog(FormDialog):
    """Asks for the reason (required) a record entered by mistake is voided."""

    def __init__(self, parent: QWidget | None, what: str, after: str = "") -> None:
        super().__init__(parent, None, self.tr("Void a record"))
        self.reason = ""
        self.heading = QLabel(
            self.tr("<h3>Void {what}?</h3>").format(what=html.escape(what)), self.body
        )
        explain = QLabel(
            self.tr(
                "Voiding is for a record entered by mistake. The record is not deleted: it "
                "stays in the records marked as void, with your reason and your name, and no "
                "longer counts in tables and reports."
            ),
            self.body,
        )
        explain.setWordWrap(True)
        consequence = QLabel(after, self.body)  # what else voiding this record does
        consequence.setWordWrap(True)
        consequence.setVisible(bool(after))
        section = FormSection(self.tr("Reason"), self.errors, self.body)
        self.reason_edit = QPlainTextEdit(self.body)
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText(
            self.tr("for example: entered twice; the session was on another day")
        )
        self.reason_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        section.add_field(self.tr("&Why is it being voided?"), self.reason_edit, "reason")
        column = QVBoxLayout(self.body)
        column.addWidget(self.heading)
        column.addWidget(explain)
        column.addWidget(consequence)
        column.addWidget(section)
        column.addStretch(1)
        self.set_ok_text(self.tr("&Void"))
        self.reason_edit.setFocus()
        self.fit_to_screen(QSize(520, 340))

    @classmethod
    def ask(cls, parent: QWidget | None, what: str, after: str = "") -> str | None:
        """The reason, or None when the person decides not to void; ``after`` says what
        else voiding this record does."""
        dialog = cls(parent, what, after)
        return dialog.reason if dialog.exec() == QDialog.DialogCode.Accepted else None

    def accept(self) -> None:
        reason = self.reason_edit.toPlainText().strip()
        problem = None
        if not reason:
            problem = self.tr("Say why this record is being voided.")
        elif len(reason) > MAX_REASON:
            problem = self.tr("The reason is too long (at most {n} characters).").format(
                n=MAX_REASON
            )
        if problem is not None:
            self.errors.show([FieldError("reason", problem)])
            return
        self.errors.clear()
        self.reason = reason
        self.saved = reason
        QDialog.accept(self)
