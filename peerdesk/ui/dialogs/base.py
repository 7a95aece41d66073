"""What every form dialog shares: the save flow, the message banner, OK/Cancel, a scroll area.

A form dialog reads what it shows in one read session, and on OK writes in one transaction
through the core services (``with ctx.db.begin() as s:``). If a service refuses the form, the
transaction is rolled back, each message appears under its field and the dialog stays open
with everything the person typed. Nothing is saved until the whole form is accepted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from peerdesk.core.db import Database
from peerdesk.core.errors import FieldError, PeerDeskError, ValidationError
from peerdesk.core.services._common import fmt_date
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.widgets.forms import FieldErrors, MessageBanner
from peerdesk.ui.widgets.sizing import font_scale, within_screen

log = logging.getLogger(__name__)

T = TypeVar("T")


__all__ = ["FormDialog", "fmt_date", "merge_errors", "vocab_text"]


def vocab_text(member: object) -> str:
    """A vocabulary word as the person reads it (translatable in the "vocab" context)."""
    label = getattr(member, "label", str(member))
    return QCoreApplication.translate("vocab", label)


def merge_errors(first: Sequence[FieldError], then: Sequence[FieldError]) -> list[FieldError]:
    """``first`` (the form's own checks) ahead of ``then`` (the service's), one per field."""
    merged: list[FieldError] = []
    seen: set[str] = set()
    for error in [*first, *then]:
        if error.field not in seen:
            seen.add(error.field)
            merged.append(error)
    return merged


class FormDialog(QDialog):
    """A modal form: banner on top, the fields in a scroll area, OK (default) and Cancel.

    Subclasses build their fields into ``self.body``, read their data with :meth:`read`,
    and implement :meth:`_write` (one service call or a few, in the transaction given) and
    :meth:`_announce`. After a save, ``self.saved`` holds what the service returned.
    """

    # A form that writes records asks before ✕ or Esc throws away what was typed in it; a
    # wizard, a sign-in or a report's options do not.
    asks_before_discarding = True

    def __init__(self, parent: QWidget | None, ctx: UiContext | None, title: str) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.saved: object | None = None
        self._at_start: list[object] | None = None
        self.setWindowTitle(title)
        self.setModal(True)
        self.setSizeGripEnabled(True)

        self.banner = MessageBanner(self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not here
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.body = QWidget()
        self.body.setObjectName("formBody")
        self.scroll.setWidget(self.body)
        self.errors = FieldErrors(self.banner, self, scroll=self.scroll)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button.setText(self.tr("&Save"))
        self.ok_button.setDefault(True)
        self.ok_button.setAccessibleName(self.tr("Save"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Close without saving (Esc)"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)

    @property
    def ctx(self) -> UiContext:
        assert self._ctx is not None, "this form works without a database"
        return self._ctx

    def database(self) -> Database:
        """The database the form reads and saves (forms shown before the window override it)."""
        return self.ctx.db

    # -- parts -----------------------------------------------------------------------------

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    @property
    def cancel_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert button is not None
        return button

    def set_ok_text(self, text: str) -> None:
        """Name OK after what it does ("&Discharge", "&Void") when that is clearer."""
        self.ok_button.setText(text)
        self.ok_button.setAccessibleName(text.replace("&", ""))

    def read(self, load: Callable[[Session], None]) -> bool:
        """Run ``load`` in a read session; a PeerDeskError shows in the banner and disables OK."""
        try:
            with self.database().read() as s:
                load(s)
        except PeerDeskError as exc:
            self.show_refusal(str(exc))
            self.body.setEnabled(False)  # nothing here can be used
            return False
        return True

    def show_refusal(self, text: str) -> None:
        """This form cannot be saved at all (a discharged resident's phase, a voided note)."""
        self.banner.show_message(text, "info")
        self.ok_button.setEnabled(False)

    def fit_to_screen(self, preferred: QSize) -> None:
        """Open at ``preferred`` size or the content's, whichever is larger, within the screen.

        Called last by every form: it also puts Save and Cancel after the fields in the Tab
        order (the buttons were made before the fields, so they would otherwise come first).
        """
        self._buttons_last_in_tab_order()
        # A long text put in a field shows its end ("e prevention: planning…"); show its start.
        focused = self.focusWidget()
        for edit in self.body.findChildren(QLineEdit):
            if edit is not focused:
                edit.setCursorPosition(0)
        # What the form holds when it opens, to tell later whether anything was typed.
        self._at_start = self._values() if self.asks_before_discarding else None
        scale = font_scale(self)
        content = self.body.sizeHint()
        chrome = self.buttons.sizeHint().height() + 48
        width = max(int(preferred.width() * scale), content.width() + 48)
        height = max(int(preferred.height() * scale), content.height() + chrome)
        self.resize(within_screen(width, height))

    def _buttons_last_in_tab_order(self) -> None:
        last: QWidget | None = None
        widget = self.nextInFocusChain()
        while widget is not self:
            if self.body.isAncestorOf(widget) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                last = widget
            widget = widget.nextInFocusChain()
        if last is not None:
            QWidget.setTabOrder(last, self.ok_button)
        QWidget.setTabOrder(self.ok_button, self.cancel_button)

    def exec_for(self, kind: type[T]) -> T | None:
        """Show the form modally; what it saved (a ``kind``) once it was accepted, None when
        it was cancelled. Each form's ``ask`` is this."""
        if self.exec() != QDialog.DialogCode.Accepted:
            return None
        assert isinstance(self.saved, kind)
        return self.saved

    # -- the save flow -------------------------------------------------------------------

    def _widget_problems(self) -> list[FieldError]:
        """What the form itself can tell is wrong (text typed into a picker that names no one)."""
        return []

    def _write(self, s: Session) -> object:
        raise NotImplementedError

    def _announce(self, saved: object) -> None:
        raise NotImplementedError

    def _after_refused(self) -> None:
        """A hook for forms that show more than field messages when refused."""

    # -- closing without saving ------------------------------------------------------------

    def _values(self) -> list[object]:
        """What every input of the form holds now (to tell whether anything was typed)."""
        values: list[object] = []
        for widget in self.body.findChildren(QWidget):
            if isinstance(widget, QLineEdit):
                values.append(widget.text())
            elif isinstance(widget, QPlainTextEdit):
                values.append(widget.toPlainText())
            elif isinstance(widget, QComboBox):
                values.append((widget.currentIndex(), widget.currentText()))
            elif isinstance(widget, QAbstractButton) and widget.isCheckable():
                values.append(widget.isChecked())
            elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
                model, top = widget.model(), QModelIndex()
                try:
                    columns = model.columnCount(top)
                except TypeError:  # a list model keeps its one column to itself
                    columns = 1
                values.append(
                    [
                        (model.index(r, c).data(Qt.ItemDataRole.CheckStateRole),
                         model.index(r, c).data(Qt.ItemDataRole.EditRole))
                        for r in range(model.rowCount(top))
                        for c in range(columns)
                    ]
                )  # fmt: skip
        return values

    def has_unsaved_changes(self) -> bool:
        """True when something was typed or chosen since the form opened, and not saved."""
        return (
            self.saved is None and self._at_start is not None and (self._values() != self._at_start)
        )

    def confirm(self, title: str, text: str, yes_label: str) -> bool:
        """Ask the person before going on (every question a form asks goes through here)."""
        return messages.confirm(self, title, text, yes_label)

    def _confirm_discard(self) -> bool:
        return self.confirm(
            self.tr("Discard the changes?"),
            self.tr("What you typed in this form has not been saved. Close it and lose it?"),
            self.tr("&Discard"),
        )

    def reject(self) -> None:
        """✕ or Esc: close, asking first when something typed would be lost."""
        if (
            self.asks_before_discarding
            and self.has_unsaved_changes()
            and not self._confirm_discard()
        ):
            return
        super().reject()

    def discard(self) -> None:
        """Close without asking (the window locking: nothing of a resident stays on screen)."""
        super().reject()

    def accept(self) -> None:
        """Save through the services; on any refusal stay open and say why."""
        if not self.ok_button.isEnabled():
            return
        self.errors.clear()
        if self.banner.kind == "error":
            self.banner.clear_message()
        own = self._widget_problems()
        try:
            with self.database().begin() as s:
                saved = self._write(s)
                if own:
                    raise ValidationError(*own)  # roll back: the form is not right yet
        except ValidationError as exc:
            self.errors.show(
                merge_errors(own, exc.errors),
                summary=self.tr("Nothing was saved. Please look at the messages below."),
            )
            self._after_refused()
            return
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            return
        except SQLAlchemyError as exc:
            log.exception("Saving %s failed", type(self).__name__)
            self.banner.show_message(
                self.tr(
                    "The database could not be written ({problem}); nothing was saved. "
                    "Try again, and if it keeps happening, close PeerDesk and open it again."
                ).format(problem=str(getattr(exc, "orig", None) or exc).splitlines()[0]),
                "error",
            )
            return
        self.saved = saved
        self._announce(saved)
        super().accept()
