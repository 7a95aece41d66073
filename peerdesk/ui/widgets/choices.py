"""A plain drop-down list of fixed choices (phases, living situations, reasons, kinds).

Unlike the pickers these lists are short and fixed, so there is nothing to type: the value
behind each entry is the code or id the service wants. A ``placeholder`` entry ("Choose…")
means nothing is chosen yet, so a form never saves a default nobody picked.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget


class ChoiceCombo(QComboBox):
    """Entries of (value, text); ``value()`` is None while the placeholder is shown."""

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "") -> None:
        super().__init__(parent)
        self._placeholder = placeholder
        self._values: list[object] = []
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)

    def set_choices(self, choices: Iterable[tuple[object, str]]) -> None:
        keep = self.value()
        self.blockSignals(True)
        self.clear()
        self._values = []
        if self._placeholder:
            self.addItem(self._placeholder)
            self._values.append(None)
        for value, text in choices:
            self.addItem(text)
            self._values.append(value)
        self.blockSignals(False)
        self.set_value(keep)

    def value(self) -> object:
        row = self.currentIndex()
        return self._values[row] if 0 <= row < len(self._values) else None

    def set_value(self, value: object) -> None:
        row = self._values.index(value) if value in self._values else -1
        if row < 0 and self._placeholder:
            row = 0
        self.setCurrentIndex(row)

    def values(self) -> list[object]:
        return [v for v in self._values if v is not None]
