"""Signing in: at every start, to unlock the window, and after "Sign out".

Every attempt goes through :func:`peerdesk.core.services.users.sign_in`, which checks the
password, applies the slowing lockout and writes the attempt to the audit log whether it
succeeds or not. The password box is emptied after every attempt.

The same dialog serves three moments (:class:`Moment`): the start of PeerDesk (the window is
built only after it succeeds; Quit ends PeerDesk), the locked window (the signed-in person's
username is filled in; anyone else may type theirs), and after signing out.
"""

from __future__ import annotations

import html
import logging
from enum import Enum

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.exc import SQLAlchemyError

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import FieldError
from peerdesk.core.services import users
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.widgets.forms import FormSection, hint_label

log = logging.getLogger(__name__)


class Moment(Enum):
    START = "start"
    LOCKED = "locked"
    SIGNED_OUT = "signed out"


class SignInDialog(FormDialog):
    """Username and password, checked by the accounts service.

    After a successful sign-in :attr:`actor` is the person who signed in and
    :attr:`signed_in` has been emitted. At the start, Cancel ("Quit") closes the dialog; on
    the locked window nothing closes it but a sign-in or :attr:`quit_requested`.
    """

    asks_before_discarding = False  # nothing of the records is typed here

    signed_in = Signal(object)  # the Actor
    quit_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        db: Database,
        *,
        moment: Moment = Moment.START,
        house_name: str = "",
        username: str = "",
        who: str = "",
        demo_password: str = "",
    ) -> None:
        super().__init__(parent, None, "")
        self.setObjectName("signInDialog")
        self.db = db
        self.moment = moment
        self.actor: Actor | None = None
        house = html.escape(house_name) or self.tr("PeerDesk")
        if moment is Moment.LOCKED:
            self.setWindowTitle(self.tr("PeerDesk is locked"))
            heading = self.tr("<h2>PeerDesk is locked</h2>")
            text = self.tr(
                "<p>{who} was signed in. Type the password to carry on where they left off.</p>"
                "<p>Someone else? Type your own username and password: forms left open are "
                "closed without saving.</p>"
            ).format(who=html.escape(who) or self.tr("Someone"))
            ok_text = self.tr("U&nlock")
        elif moment is Moment.SIGNED_OUT:
            self.setWindowTitle(self.tr("Sign in to PeerDesk"))
            heading = self.tr("<h2>{house}</h2>").format(house=house)
            text = self.tr("<p>Nobody is signed in. Sign in with your own account.</p>")
            ok_text = self.tr("&Sign in")
        else:
            self.setWindowTitle(self.tr("Sign in to PeerDesk"))
            heading = self.tr("<h2>{house}</h2>").format(house=house)
            text = self.tr(
                "<p>Sign in with your own account. Everything you do is recorded in the audit "
                "log under your name.</p>"
            )
            ok_text = self.tr("&Sign in")
        intro = QLabel(heading + text, self.body)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        section = FormSection("", self.errors, self.body)
        self.username = QLineEdit(self.body)
        self.username.setObjectName("username")
        self.username.setMaxLength(40)
        self.username.setText(username)
        self.username.setInputMethodHints(
            Qt.InputMethodHint.ImhNoAutoUppercase | Qt.InputMethodHint.ImhPreferLowercase
        )
        self.password = QLineEdit(self.body)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(1024)
        section.add_field(self.tr("&Username:"), self.username, "username")
        section.add_field(
            self.tr("&Password:"),
            self.password,
            "password",
            hint=self.tr("Forgot it? An administrator can set a new one for you."),
        )

        column = QVBoxLayout(self.body)
        column.addWidget(intro)
        if demo_password:
            self.demo_hint: QLabel | None = hint_label(
                self.tr(
                    "This is a demo house. Sign in as admin, supervisor, mentor or viewer to "
                    "see what each role sees; they all have the password<br><b>{password}</b>"
                ).format(password=html.escape(demo_password)),
                self.body,
            )
            self.demo_hint.setTextFormat(Qt.TextFormat.RichText)
            self.demo_hint.setObjectName("demoHint")
            self.demo_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column.addWidget(self.demo_hint)
            if moment is Moment.START:
                self.password.setText(demo_password)
        else:
            self.demo_hint = None
        column.addWidget(section)
        column.addStretch(1)

        self.set_ok_text(ok_text)
        quit_text = self.tr("&Quit") if moment is Moment.START else self.tr("&Quit PeerDesk")
        self.cancel_button.setText(quit_text)
        self.cancel_button.setAccessibleName(quit_text.replace("&", ""))
        self.cancel_button.setToolTip(self.tr("Close PeerDesk"))
        if username and not (demo_password and moment is Moment.START):
            self.password.setFocus()
        else:
            self.username.setFocus()
        self.fit_to_screen(QSize(440, 260))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        db: Database,
        *,
        house_name: str = "",
        username: str = "",
        demo_password: str = "",
    ) -> Actor | None:
        """Who signed in at the start, or None when they chose Quit."""
        dialog = cls(
            parent, db, house_name=house_name, username=username, demo_password=demo_password
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.actor
        return None

    def database(self) -> Database:
        return self.db

    # -- signing in ----------------------------------------------------------------------

    def accept(self) -> None:
        username = self.username.text().strip()
        password = self.password.text()
        missing = []
        if not username:
            missing.append(FieldError("username", self.tr("Type your username.")))
        if not password:
            missing.append(FieldError("password", self.tr("Type your password.")))
        if missing:
            self.errors.show(missing)
            return
        self.errors.clear()
        self.banner.clear_message()
        self.password.clear()  # whatever happens, the password does not stay on screen
        try:
            with self.db.begin() as s:
                result = users.sign_in(s, username, password)
        except SQLAlchemyError:
            log.exception("Signing in failed")
            self.banner.show_message(
                self.tr(
                    "PeerDesk could not read its accounts just now. Try again; if it keeps "
                    "happening, close PeerDesk and open it again."
                ),
                "error",
            )
            return
        if result.actor is None:
            self.banner.show_message(result.message, "error")
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.actor = result.actor
        self.saved = result.actor
        self.signed_in.emit(result.actor)
        QDialog.accept(self)

    # -- the locked window cannot be dismissed -------------------------------------------

    def reject(self) -> None:
        if self.moment is Moment.START:
            super().reject()
        else:
            self.quit_requested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.moment is not Moment.START:
            event.accept()  # Esc does not uncover the window
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.moment is Moment.START:
            super().closeEvent(event)
        else:
            event.ignore()
