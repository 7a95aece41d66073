"""Forms with inline messages: a label with a mnemonic for every input, a red line under it.

A dialog builds its inputs into :class:`FormSection` group boxes (or registers them by hand
with :meth:`FieldErrors.register`), naming each input after the service argument it feeds
(``first_name``, ``intake_date`` …). When the service refuses the form with a
``ValidationError``, :meth:`FieldErrors.show` puts each message under its input, and any
message for a field the form does not show goes to the :class:`MessageBanner` at the top.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core.errors import FieldError

ERROR_COLOUR = "#a4161a"  # dark red: readable on the light window background (contrast > 7:1)
HINT_COLOUR = "#4a4a4a"


def plain_text(label: str) -> str:
    """A label's text without its mnemonic marker: "&First name" → "First name"."""
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(":")


def mnemonic_of(text: str) -> str | None:
    """The letter after a single "&" in a label or button text, lower-cased; None if none."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def buddy_label(text: str, widget: QWidget, parent: QWidget | None = None) -> QLabel:
    """A label whose mnemonic (Alt+letter) focuses ``widget``; the widget is named after it."""
    label = QLabel(text, parent)
    label.setBuddy(widget)
    if not widget.accessibleName():
        widget.setAccessibleName(plain_text(text))
    return label


def error_label(parent: QWidget | None = None) -> QLabel:
    """A hidden red line that shows one validation message."""
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.hide()
    return label


def hint_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A short grey explanation under an input."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {HINT_COLOUR};")
    return label


def side_button(text: str, tip: str, parent: QWidget) -> QPushButton:
    """A button beside a list or page (not a dialog's default: Enter does not press it),
    named for screen readers by its text without the mnemonic."""
    button = QPushButton(text, parent)
    button.setAccessibleName(plain_text(text))
    button.setToolTip(tip)
    button.setAutoDefault(False)
    return button


class MessageBanner(QLabel):
    """A box at the top of a form for messages that belong to no one input.

    ``kind`` "error" is red; "info" is a calm blue for facts such as "this session was voided".
    Hidden while empty.
    """

    _STYLES: ClassVar[dict[str, str]] = {
        "error": (
            "QLabel { background: #fdecea; color: #5f0f0f; border: 1px solid #e6a19a;"
            " border-radius: 4px; padding: 8px; }"
        ),
        "info": (
            "QLabel { background: #e8f1fb; color: #0b2e4f; border: 1px solid #9dbfe3;"
            " border-radius: 4px; padding: 8px; }"
        ),
        "success": (
            "QLabel { background: #e7f5ea; color: #0f3d1a; border: 1px solid #94cc9f;"
            " border-radius: 4px; padding: 8px; }"
        ),
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(QCoreApplication.translate("MessageBanner", "Message"))
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        self.kind = kind
        self.setStyleSheet(self._STYLES[kind])
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.setAccessibleDescription("")
        self.hide()


@dataclass
class _Slot:
    widget: QWidget
    label: QLabel


class FieldErrors(QObject):
    """Which red line belongs to which service field, and the banner for the rest."""

    def __init__(
        self,
        banner: MessageBanner,
        parent: QObject | None = None,
        *,
        scroll: QScrollArea | None = None,
    ) -> None:
        super().__init__(parent)
        self.banner = banner
        self.scroll = scroll
        self._slots: dict[str, _Slot] = {}
        self._shown: dict[str, str] = {}
        self._loose: list[str] = []  # banner messages that belong to no field
        self._watched: set[int] = set()

    def register(self, fields: str | Iterable[str], widget: QWidget, label: QLabel) -> None:
        """Show messages for ``fields`` in ``label`` (under ``widget``, focused on error).

        Registering a field again moves it (a form whose pages change, such as an
        assessment's instrument, points ``score`` at the page on show).
        """
        for field in [fields] if isinstance(fields, str) else fields:
            self._slots[field] = _Slot(widget, label)
        self._watch(widget)

    def _watch(self, widget: QWidget) -> None:
        """A message goes as soon as the person changes what it is about."""
        if id(widget) in self._watched:
            return
        self._watched.add(id(widget))
        inputs: list[QWidget] = [widget, *widget.findChildren(QWidget)]
        for part in inputs:
            signal = None
            if isinstance(part, QLineEdit):
                signal = part.textEdited
            elif isinstance(part, QComboBox):
                signal = part.activated
            elif isinstance(part, QSpinBox | QDoubleSpinBox):
                signal = part.valueChanged
            elif isinstance(part, QDateTimeEdit):
                signal = part.dateTimeChanged
            elif isinstance(part, QPlainTextEdit):
                signal = part.textChanged
            elif isinstance(part, QAbstractButton) and part.isCheckable():
                signal = part.clicked
            if signal is not None:
                signal.connect(lambda *_args, w=widget: self._on_input_changed(w))
        changed = getattr(widget, "changed", None)
        if changed is not None and hasattr(changed, "connect"):
            changed.connect(lambda *_args, w=widget: self._on_input_changed(w))

    def _on_input_changed(self, widget: QWidget) -> None:
        fixed = [f for f, slot in self._slots.items() if slot.widget is widget and f in self._shown]
        if not fixed:
            return
        for field in fixed:
            del self._shown[field]
            slot = self._slots[field]
            slot.label.clear()
            slot.label.hide()
            slot.widget.setAccessibleDescription("")
        if any(f in self._slots for f in self._shown):
            return  # other fields still say what is wrong
        if self.banner.kind == "error":
            if self._loose:
                self.banner.show_message("\n".join(self._loose), "error")
            else:
                self.banner.clear_message()

    def fields(self) -> list[str]:
        return list(self._slots)

    def label_for(self, field: str) -> QLabel:
        return self._slots[field].label

    def widget_for(self, field: str) -> QWidget:
        return self._slots[field].widget

    def message_for(self, field: str) -> str | None:
        """The message shown for ``field`` now (under its input or in the banner)."""
        return self._shown.get(field)

    @property
    def has_errors(self) -> bool:
        return bool(self._shown)

    def clear(self) -> None:
        for slot in self._slots.values():
            slot.label.clear()
            slot.label.hide()
            slot.widget.setAccessibleDescription("")
        self._shown.clear()
        self._loose = []
        if self.banner.kind == "error":
            self.banner.clear_message()

    def show(self, errors: Sequence[FieldError], *, summary: str = "") -> None:
        """Put each message under its input; unknown fields and ``summary`` go to the banner."""
        self.clear()
        loose: list[str] = []
        first: _Slot | None = None  # the first field with a message: focused, scrolled to
        order = list(self._slots)
        placed: dict[str, list[str]] = {}
        for error in errors:
            self._shown.setdefault(error.field, error.message)
            if error.field in self._slots:
                messages = placed.setdefault(error.field, [])
                if error.message not in messages:
                    messages.append(error.message)
            elif error.message not in loose:
                loose.append(error.message)
        # Two fields may share one input (a list of attendees and their ratings).
        by_label: dict[int, tuple[_Slot, list[str]]] = {}
        for field in order:
            if field not in placed:
                continue
            slot = self._slots[field]
            entry = by_label.setdefault(id(slot.label), (slot, []))
            entry[1].extend(m for m in placed[field] if m not in entry[1])
            if first is None:
                first = slot
        for slot, messages in by_label.values():
            text = "\n".join(messages)
            slot.label.setText(text)
            slot.label.show()
            slot.widget.setAccessibleDescription(text)
        self._loose = loose
        lines = [summary] if summary and placed else []
        lines += loose
        if lines:
            self.banner.show_message("\n".join(lines), "error")
        if first is not None:
            if self.scroll is not None:
                # The message line under the input has just appeared: lay the form out again
                # so that it is scrolled into view too (under a tall input, at 150 % text, it
                # was below the visible part while the banner said "look below").
                widget: QWidget | None = first.label.parentWidget()
                while widget is not None:  # innermost first: each grows its parent
                    if widget.layout() is not None:
                        widget.layout().activate()
                    if widget is self.scroll.widget():
                        break
                    widget = widget.parentWidget()
                self.scroll.ensureWidgetVisible(first.widget)
                self.scroll.ensureWidgetVisible(first.label)
            first.widget.setFocus(Qt.FocusReason.OtherFocusReason)


class FormSection(QGroupBox):
    """A titled group of labelled inputs, each with its red message line underneath."""

    def __init__(self, title: str, errors: FieldErrors, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.errors = errors
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if title:
            self.setAccessibleName(plain_text(title))
        else:
            # Untitled: a plain stretch of the form, without a frame.
            self.setFlat(True)
            self.setStyleSheet("QGroupBox { border: none; margin: 0; padding: 0; }")
            self.form.setContentsMargins(0, 0, 0, 0)

    def add_field(
        self,
        label: str,
        widget: QWidget,
        fields: str | Sequence[str] = (),
        *,
        hint: str = "",
    ) -> QLabel:
        """Add ``widget`` under ``label`` (with a mnemonic); messages for ``fields`` show below.

        Returns the label so a dialog can change its text later.
        """
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            column.addWidget(hint_label(hint, holder))
        message = error_label(holder)
        column.addWidget(message)
        buddy = buddy_label(label, widget, self)
        self.form.addRow(buddy, holder)
        if fields:
            self.errors.register(fields, widget, message)
        return buddy

    def add_block(
        self, label: str, widget: QWidget, fields: str | Sequence[str] = (), *, hint: str = ""
    ) -> QLabel:
        """Like :meth:`add_field`, with the label above a wide input (notes, a summary, a list)."""
        buddy = buddy_label(label, widget, self)
        self.form.addRow(buddy)
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if hint:
            column.addWidget(hint_label(hint, holder))
        column.addWidget(widget, 1)
        message = error_label(holder)
        column.addWidget(message)
        self.form.addRow(holder)
        if fields:
            self.errors.register(fields, widget, message)
        return buddy

    def add_button(self, button: QWidget) -> None:
        """A button under the fields, at its natural size (an "Add" for a sub-form)."""
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(button)
        row.addStretch(1)
        self.form.addRow("", holder)

    def add_row_widget(self, widget: QWidget) -> None:
        """A whole-width row (a sentence, a group of tick boxes)."""
        self.form.addRow(widget)
