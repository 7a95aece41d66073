"""Numbers a form asks for: scores on a fixed scale, optional ratings, minutes.

- :class:`ScoreChooser` — one answer on a short scale as a row of radio buttons (a BARC-10
  item 1–6, the readiness ruler 0–10, satisfaction 1–5). Nothing is chosen until someone
  chooses, so an unanswered item is never mistaken for a low score.
- :class:`OptionalScoreSpin` — a rating that may be left blank ("—"), for the per-attendee
  motivation and satisfaction of a session.
- :class:`MinutesSpinBox` — how long something lasted, in minutes.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from peerdesk.core.services._common import MAX_MINUTES


class ScoreChooser(QWidget):
    """One whole-number answer from ``low`` to ``high``; ``value()`` is None until chosen.

    ``anchors`` names what the ends mean (e.g. {1: "strongly disagree", 6: "strongly
    agree"}); they are read out to screen readers and shown as tooltips.
    """

    changed = Signal()

    def __init__(
        self,
        low: int,
        high: int,
        parent: QWidget | None = None,
        *,
        anchors: dict[int, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.low, self.high = low, high
        self._anchors = anchors or {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.buttons: list[QRadioButton] = []
        for number in range(low, high + 1):
            button = QRadioButton(str(number), self)
            if number in self._anchors:
                button.setToolTip(self._anchors[number])
            self.group.addButton(button, number)
            self.buttons.append(button)
            row.addWidget(button)
        row.addStretch(1)
        self.group.idToggled.connect(self._on_group_idToggled)
        self.setFocusProxy(self.buttons[0])
        self.setAccessibleName(self.tr("Score"))

    def value(self) -> int | None:
        chosen = self.group.checkedId()
        return None if chosen == -1 else chosen

    def set_value(self, value: int | None) -> None:
        if value is None:
            self.group.setExclusive(False)
            for button in self.buttons:
                button.setChecked(False)
            self.group.setExclusive(True)
            self.setFocusProxy(self.buttons[0])
            self.changed.emit()
        else:
            self.button(value).setChecked(True)

    def button(self, value: int) -> QRadioButton:
        return self.buttons[value - self.low]

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        for number, button in enumerate(self.buttons, start=self.low):
            anchor = self._anchors.get(number)
            button.setAccessibleName(f"{name}: {number}")
            button.setAccessibleDescription(anchor or "")

    def _on_group_idToggled(self, number: int, checked: bool) -> None:
        if checked:
            self.setFocusProxy(self.button(number))
            self.changed.emit()


class OptionalScoreSpin(QSpinBox):
    """A rating from ``low`` to ``high`` that may be left blank (shown as "—")."""

    def __init__(self, low: int, high: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(low - 1, high)
        self.setSpecialValueText("—")
        self.setValue(low - 1)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        # Wide enough to read "10" at any font size, not stretched across the form.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00000") + 36)

    def validate(self, text: str, pos: int) -> object:
        # A number typed past the scale ("15" on 0–10) stays on screen as typed, so the form
        # can refuse it in words instead of keeping the "1" the spin box would have kept.
        bare = text.strip()
        if bare.isdigit() and not self.minimum() + 1 <= int(bare) <= self.maximum():
            return QValidator.State.Intermediate, text, pos
        return super().validate(text, pos)

    def out_of_range(self) -> int | None:
        """The number typed when it is not on the scale (never kept), else None."""
        bare = self.cleanText().strip() or self.text().strip()
        if bare.isdigit() and not self.minimum() + 1 <= int(bare) <= self.maximum():
            return int(bare)
        return None

    def refusal(self, what: str) -> str:
        """The sentence for a number off the scale."""
        return QCoreApplication.translate(
            "OptionalScoreSpin", "{what} is from {low} to {high}; {typed} cannot be kept."
        ).format(what=what, low=self.minimum() + 1, high=self.maximum(), typed=self.out_of_range())

    def score(self) -> int | None:
        value = self.value()
        return None if value == self.minimum() else value

    def set_score(self, value: int | None) -> None:
        self.setValue(self.minimum() if value is None else value)


class MinutesSpinBox(QSpinBox):
    """A duration in minutes (1 minute to 12 hours), stepping by 5."""

    def __init__(self, minutes: int = 60, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(1, MAX_MINUTES)
        self.setSingleStep(5)
        self.setSuffix(self.tr(" min"))
        self.setValue(minutes)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setAccelerated(True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
