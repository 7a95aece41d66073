"""The line a tab shows when its search finds nothing under its filters but something under
others ("No residents in residence match “brown”; 2 match under other filters. Show them")."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class ElsewhereHint(QWidget):
    """Hidden until :meth:`say` has something to say; "Show them" asks for the filters off."""

    show_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("elsewhereHint")
        self.label = QLabel(self)
        self.label.setWordWrap(False)  # one short sentence, the button right after it
        self.button = QPushButton(self.tr("Show &them"), self)
        self.button.setAccessibleName(self.tr("Show them"))
        self.button.clicked.connect(self.show_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.label)
        row.addWidget(self.button)
        row.addStretch(1)  # the button right after the sentence it answers
        self.hide()

    def say(self, search: str, elsewhere: int, noun: str = "", plural: str = "") -> None:
        """``elsewhere`` records match ``search`` with the filters off (0: say nothing)."""
        if not elsewhere:
            self.hide()
            return
        if elsewhere == 1:
            text = self.tr(
                "Nothing here matches “{search}”, but 1 {noun} does under other filters."
            )
        else:
            text = self.tr(
                "Nothing here matches “{search}”, but {n} {plural} do under other filters."
            )
        self.label.setText(text.format(search=search, n=elsewhere, noun=noun, plural=plural))
        self.label.setAccessibleName(self.label.text())
        self.show()
