"""The house's first account: its administrator, made right after the house is named.

A house made before accounts existed is asked the same once it is opened by a PeerDesk that
has them. There is no "Not now": the records are protected by 42 CFR Part 2, and a window that
anyone at the PC can open without signing in is exactly what accounts are here to end. Quit
leaves everything as it was; whoever is not the right person to hold the administrator's
account can close PeerDesk and ask the program director to start it.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import FieldError, ValidationError
from peerdesk.core.services import users
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.widgets.forms import FormSection


def password_rule() -> str:
    """The one rule a password has, said the same way in every form."""
    return QCoreApplication.translate(
        "accounts",
        "At least {n} characters, nothing else required: a few words that mean something to "
        "you work well, for example “porch swing after supper 1987”.",
    ).format(n=users.MIN_PASSWORD_LENGTH)


def suggested_username(full_name: str) -> str:
    """``Dana Whitaker`` → ``dana``, ``José`` → ``jose``: the first name in small letters, as
    a username may be spelled."""
    first = full_name.split()[0] if full_name.split() else ""
    plain = unicodedata.normalize("NFKD", first.lower())
    return "".join(ch for ch in plain if ch.isascii() and (ch.isalnum() or ch in "._-"))


def same_password(first: QLineEdit, again: QLineEdit, field: str) -> list[FieldError]:
    """The form's own check that the password was typed the same twice (under ``field``)."""
    if first.text() and again.text() != first.text():
        return [
            FieldError(
                field,
                QCoreApplication.translate(
                    "accounts", "The two passwords are not the same; type it again."
                ),
            )
        ]
    return []


def password_box(parent: QWidget) -> QLineEdit:
    """A box whose typing shows as dots."""
    box = QLineEdit(parent)
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setMaxLength(1024)
    return box


class UsernameSuggestion(QObject):
    """Fills the username from the full name as it is typed, until the person types a
    username of their own."""

    def __init__(self, full_name: QLineEdit, username: QLineEdit) -> None:
        super().__init__(username)
        self.username = username
        self.typed = False
        full_name.textEdited.connect(self._on_full_name_text_edited)
        username.textEdited.connect(self._on_username_text_edited)

    def _on_full_name_text_edited(self, text: str) -> None:
        if not self.typed:
            self.username.setText(suggested_username(text))

    def _on_username_text_edited(self, _text: str) -> None:
        self.typed = True


class FirstAdministratorDialog(FormDialog):
    """Full name, username and a password typed twice; makes the administrator's account
    and signs them in (both written to the audit log)."""

    asks_before_discarding = False  # nothing of the records is typed here

    def __init__(self, parent: QWidget | None, db: Database, *, existing_house: bool) -> None:
        super().__init__(parent, None, "")
        self.setObjectName("firstAdministratorDialog")
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("The administrator's account"))
        if existing_house:
            text = self.tr(
                "<h2>From now on, everyone signs in</h2>"
                "<p>Until now anyone at this computer could open every record. The records "
                "are protected by federal law (42 CFR Part 2), so PeerDesk now gives each "
                "person their own account and writes what they do in the audit log under "
                "their name.</p>"
                "<p>Make the house's <b>administrator</b> account to carry on: usually the "
                "program director or house manager, who then adds everyone else's accounts "
                "under House → User accounts. If that is not you, choose Quit and ask them "
                "to open PeerDesk; nothing changes until then.</p>"
            )
        else:
            text = self.tr(
                "<h2>Who looks after PeerDesk?</h2>"
                "<p>The records are protected by federal law (42 CFR Part 2), so everyone "
                "signs in with their own account, and what they do is written in the audit "
                "log under their name.</p>"
                "<p>This first account is the house's <b>administrator</b>: usually the "
                "program director or house manager, who adds everyone else's accounts under "
                "House → User accounts.</p>"
            )
        intro = QLabel(text, self.body)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        section = FormSection(self.tr("Administrator"), self.errors, self.body)
        self.full_name = QLineEdit(self.body)
        self.full_name.setMaxLength(140)
        self.full_name.setPlaceholderText(self.tr("for example: Dana Whitaker"))
        self.username = QLineEdit(self.body)
        self.username.setMaxLength(40)
        self.username.setPlaceholderText(self.tr("for example: dana"))
        self.password = password_box(self.body)
        self.password_again = password_box(self.body)
        section.add_field(self.tr("&Full name:"), self.full_name, "full_name")
        section.add_field(
            self.tr("&Username:"),
            self.username,
            "username",
            hint=self.tr("What you type to sign in: small letters, no spaces."),
        )
        section.add_field(self.tr("&Password:"), self.password, "password", hint=password_rule())
        section.add_field(
            self.tr("Password &again:"),
            self.password_again,
            "password_again",
            hint=self.tr(
                "Write it down and keep it in a locked drawer. If every administrator forgets "
                "their password, nobody can set a new one: make a second administrator soon."
            ),
        )
        UsernameSuggestion(self.full_name, self.username)

        column = QVBoxLayout(self.body)
        column.addWidget(intro)
        column.addWidget(section)
        column.addStretch(1)
        self.set_ok_text(self.tr("&Create account"))
        self.cancel_button.setText(self.tr("&Quit"))
        self.cancel_button.setAccessibleName(self.tr("Quit"))
        self.cancel_button.setToolTip(self.tr("Close PeerDesk; nothing is changed"))
        self.full_name.setFocus()
        self.fit_to_screen(QSize(600, 440))

    @classmethod
    def ask(cls, parent: QWidget | None, db: Database, *, existing_house: bool) -> Actor | None:
        """The administrator, signed in; None when the person chose Quit."""
        dialog = cls(parent, db, existing_house=existing_house)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.actor
        return None

    def _widget_problems(self) -> list[FieldError]:
        return same_password(self.password, self.password_again, "password_again")

    def _write(self, s: Session) -> Actor:
        password = self.password.text()
        made = users.create_user(
            s,
            Actor.local_administrator(),
            self.username.text(),
            self.full_name.text(),
            vocab.Role.ADMINISTRATOR,
            password,
        )
        result = users.sign_in(s, made.username, password)
        if result.actor is None:  # cannot happen with the password just set; never half-made
            raise ValidationError.single("password", result.message)
        return result.actor

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, Actor)
        self.actor = saved
        self.password.clear()
        self.password_again.clear()

    def database(self) -> Database:
        return self.db
