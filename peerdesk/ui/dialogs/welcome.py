"""The first-run welcome: what PeerDesk is, and the house's name."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from peerdesk.core.errors import FieldError
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.widgets.forms import FormSection

MAX_NAME = 120  # the same limit as the house settings


class WelcomeDialog(FormDialog):
    """Asks the house's name on the very first start; the window then names the house."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, None, self.tr("Welcome to PeerDesk"))
        self.house_name = ""

        intro = QLabel(
            self.tr(
                "<h2>Welcome to PeerDesk</h2>"
                "<p>PeerDesk is your house's record book: residents and their stays, peer "
                "mentors, peer support sessions, supervision and assessments, all kept in one "
                "file on this computer. It works without the internet.</p>"
                "<p>Nothing is ever deleted: people are discharged or made inactive, and a "
                "record entered by mistake is voided with a reason, so the history stays "
                "complete for your auditors.</p>"
                "<p>Once PeerDesk is open, press <b>F1</b> at any time for the user guide.</p>"
            ),
            self.body,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        section = FormSection(self.tr("Your house"), self.errors, self.body)
        self.name_edit = QLineEdit(self.body)
        self.name_edit.setMaxLength(MAX_NAME + 20)  # room to type; too long is said in words
        self.name_edit.setPlaceholderText(self.tr("for example: Hope Street Recovery House"))
        section.add_field(
            self.tr("&Name of the house:"),
            self.name_edit,
            "house_name",
            hint=self.tr("It heads every printout and report."),
        )

        column = QVBoxLayout(self.body)
        column.addWidget(intro)
        column.addWidget(section)
        column.addStretch(1)
        self.set_ok_text(self.tr("&Start"))
        self.name_edit.setFocus()
        self.fit_to_screen(QSize(560, 400))

    @classmethod
    def ask(cls, parent: QWidget | None) -> str | None:
        """The house's name, or None when the person closes the welcome."""
        dialog = cls(parent)
        return dialog.house_name if dialog.exec() == QDialog.DialogCode.Accepted else None

    def accept(self) -> None:
        name = " ".join(self.name_edit.text().split())
        problem = None
        if not name:
            problem = self.tr("Type the name of your house; it heads every printout.")
        elif len(name) > MAX_NAME:
            problem = self.tr("The name is too long (at most {n} characters).").format(n=MAX_NAME)
        if problem is not None:
            self.errors.show([FieldError("house_name", problem)])
            return
        self.errors.clear()
        self.house_name = name
        self.saved = name
        QDialog.accept(self)
