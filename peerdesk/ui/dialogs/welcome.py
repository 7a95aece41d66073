"""The first-run welcome: what PeerDesk is, and the house's name — or, on a new PC, the way
to restore the house from its backup instead."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core.errors import FieldError
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.widgets.forms import FormSection

MAX_NAME = 120  # the same limit as the house settings


@dataclass(frozen=True)
class WelcomeChoice:
    """What the person chose at the welcome: a new house with this name, or to restore one
    from a backup (a house moving to a new PC)."""

    house_name: str = ""
    restore: bool = False


class WelcomeDialog(FormDialog):
    """Asks the house's name on the very first start; the window then names the house."""

    asks_before_discarding = False  # nothing of the records is typed here

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
                "<p>Moving your house to a new computer? Plug in the USB drive with its backup "
                "and choose <b>Restore a backup instead</b>.</p>"
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
        self.restore_button = QPushButton(self.tr("&Restore a backup instead…"), self)
        self.restore_button.setAccessibleName(self.tr("Restore a backup instead"))
        self.restore_button.setToolTip(
            self.tr("Open the house's records from a PeerDesk backup, on a new computer")
        )
        self.restore_button.setAutoDefault(False)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.choice: WelcomeChoice | None = None
        self.name_edit.setFocus()
        self.fit_to_screen(QSize(560, 430))

    @classmethod
    def ask(cls, parent: QWidget | None) -> WelcomeChoice | None:
        """A new house's name or a restore, or None when the person closes the welcome."""
        dialog = cls(parent)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _on_restore_button_clicked(self) -> None:
        self.errors.clear()
        self.choice = WelcomeChoice(restore=True)
        QDialog.accept(self)

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
        self.choice = WelcomeChoice(house_name=name)
        QDialog.accept(self)
