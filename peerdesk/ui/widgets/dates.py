"""A date input with a calendar popup, and an optional "no date" state.

Dates read as "15 Jun 2026" (the way PeerDesk writes them everywhere), so 3/7 can never be
misread. Where a date may be blank (date of birth, credential expiry, an action item's due
date or done date), a tick box in front of the date says whether there is one — the same
control the Windows date picker uses — and an unticked field reads "not known" or whatever
the form says.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QSizePolicy, QWidget

from peerdesk.core import clock, vocab
from peerdesk.core.typed_dates import typed_date

DISPLAY_FORMAT = "d MMM yyyy"
EARLIEST = QDate(1900, 1, 1)
# QDateEdit shows its special text at its minimum date; a blank optional field sits there.
_BLANK = QDate(1752, 9, 14)


# How a typed 3/7 is read: the house's date order (the window sets it from House settings).
typed_order = vocab.DateOrder.MONTH_FIRST


class TypedDateEdit(QDateEdit):
    """A date edit that also takes a date as people type it: "7 Mar 2026", "March 7",
    "3/7/2026", "today" (read by :func:`peerdesk.core.typed_dates.typed_date`). Anything
    else goes back to the date it had, never to another one."""

    def validate(self, text: str, pos: int) -> object:
        found = super().validate(text, pos)
        state = found[0] if isinstance(found, tuple) else found
        if state == QValidator.State.Acceptable:
            return found
        # Let the person finish typing; it is read on Enter or when they move on.
        return QValidator.State.Intermediate, text, pos

    def interpret_typed(self) -> None:
        """Take what was typed as the date, when it reads as one."""
        found = super().validate(self.text(), 0)
        state = found[0] if isinstance(found, tuple) else found
        if state == QValidator.State.Acceptable:
            return
        value = typed_date(self.text(), typed_order)
        if value is not None and value >= to_date(self.minimumDate()):
            self.setDate(to_qdate(value))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.interpret_typed()
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.interpret_typed()
        super().focusOutEvent(event)


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class DateField(QWidget):
    """One date, typed or picked from a calendar; ``optional`` adds the "there is a date" tick.

    ``date()`` is None when an optional field is unticked. ``default`` is the date the field
    takes when it is ticked without a remembered date (today, usually).
    """

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        value: dt.date | None = None,
        optional: bool = False,
        blank_text: str = "",
        tick_text: str = "",
        default: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self._default = default or value or clock.today()
        self._remembered: dt.date | None = None
        self._optional = optional
        self._blank_text = blank_text or self.tr("No date")

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.known_box: QCheckBox | None = None
        if optional:
            self.known_box = QCheckBox(tick_text, self)
            self.known_box.toggled.connect(self._on_known_box_toggled)
            row.addWidget(self.known_box)
        self.date_edit = TypedDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(DISPLAY_FORMAT)
        self.date_edit.setMinimumDate(EARLIEST)
        self.date_edit.dateChanged.connect(self._on_date_edit_dateChanged)
        row.addWidget(self.date_edit, 1)
        # A date is short: it keeps its natural width instead of stretching across the form.
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_date(value if (value is not None or optional) else self._default)

    # -- value --------------------------------------------------------------------------

    def date(self) -> dt.date | None:
        if self.known_box is not None and not self.known_box.isChecked():
            return None
        self.date_edit.interpret_typed()  # typed, and saved without leaving the field
        return to_date(self.date_edit.date())

    def set_date(self, value: dt.date | None) -> None:
        if value is None and self.known_box is None:
            value = self._default
        if value is None:
            assert self.known_box is not None
            self.known_box.setChecked(False)
            self._show_blank()
        else:
            self._remembered = value
            if self.known_box is not None:
                self.known_box.blockSignals(True)
                self.known_box.setChecked(True)
                self.known_box.blockSignals(False)
            self._show_date(value)
        self._update_focus()
        self.changed.emit()

    def is_blank(self) -> bool:
        return self.date() is None

    def set_default(self, value: dt.date) -> None:
        """The date a blank optional field takes when ticked."""
        self._default = value

    # -- accessibility -----------------------------------------------------------------

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.date_edit.setAccessibleName(name)
        if self.known_box is not None and not self.known_box.accessibleName():
            self.known_box.setAccessibleName(self.tr("{name}: there is a date").format(name=name))

    def setAccessibleDescription(self, description: str) -> None:
        super().setAccessibleDescription(description)
        self.date_edit.setAccessibleDescription(description)

    # -- internals ---------------------------------------------------------------------

    def _show_blank(self) -> None:
        self.date_edit.blockSignals(True)
        self.date_edit.setMinimumDate(_BLANK)
        self.date_edit.setSpecialValueText(self._blank_text)
        self.date_edit.setDate(_BLANK)
        self.date_edit.setEnabled(False)
        self.date_edit.blockSignals(False)

    def _show_date(self, value: dt.date) -> None:
        self.date_edit.blockSignals(True)
        self.date_edit.setSpecialValueText("")
        self.date_edit.setMinimumDate(EARLIEST)
        self.date_edit.setEnabled(True)
        self.date_edit.setDate(to_qdate(value))
        self.date_edit.blockSignals(False)

    def _update_focus(self) -> None:
        # The label's Alt+letter lands on the tick while there is no date, else on the date.
        blank = self.known_box is not None and not self.known_box.isChecked()
        self.setFocusProxy(self.known_box if blank else self.date_edit)

    def _on_known_box_toggled(self, checked: bool) -> None:
        if checked:
            self._show_date(self._remembered or self._default)
        else:
            self._show_blank()
        self._update_focus()
        self.changed.emit()

    def _on_date_edit_dateChanged(self, value: QDate) -> None:
        if value != _BLANK:
            self._remembered = to_date(value)
        self.changed.emit()
