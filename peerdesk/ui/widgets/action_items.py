"""The action items of a supervision note: what was agreed, due by when, done when.

One row per item: a description, an optional due date, and a "Done" tick with the date it
was done (ticking it fills in today). Rows are added with a button and removed with the ✕ at
their end; a row left completely empty is not saved.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import clock, dto
from peerdesk.core.services.supervision import ActionItemEntry
from peerdesk.ui.widgets.dates import DateField

DUE_IN_DAYS = 14  # the due date a ticked "due by" suggests


class ActionItemRow:
    """The inputs of one action item: the description on one line, the dates under it."""

    def __init__(self, editor: ActionItemsEditor, number: int) -> None:
        self.box = QFrame(editor.rows_widget)
        self.box.setFrameShape(QFrame.Shape.StyledPanel)
        self.number = QLabel(self.box)
        self.description = QLineEdit(self.box)
        self.description.setPlaceholderText(editor.tr("what the mentor will do"))
        self.remove_button = QToolButton(self.box)
        self.remove_button.setText("✕")
        self.due = DateField(
            self.box,
            optional=True,
            blank_text=editor.tr("No due date"),
            default=clock.today() + dt.timedelta(days=DUE_IN_DAYS),
        )
        self.done = DateField(
            self.box,
            optional=True,
            blank_text=editor.tr("Not yet"),
            default=clock.today(),
        )
        top = QHBoxLayout()
        top.addWidget(self.number)
        top.addWidget(self.description, 1)
        top.addWidget(self.remove_button)
        dates = QHBoxLayout()
        dates.addSpacing(self.number.sizeHint().width())
        dates.addWidget(QLabel(editor.tr("Due by:"), self.box))
        dates.addWidget(self.due)
        dates.addSpacing(16)
        dates.addWidget(QLabel(editor.tr("Done:"), self.box))
        dates.addWidget(self.done)
        dates.addStretch(1)
        column = QVBoxLayout(self.box)
        column.setContentsMargins(6, 4, 6, 4)
        column.setSpacing(4)
        column.addLayout(top)
        column.addLayout(dates)
        self.renumber(editor, number)

    def renumber(self, editor: ActionItemsEditor, number: int) -> None:
        self.number.setText(f"{number}.")
        self.description.setAccessibleName(
            editor.tr("Action item {n}: what is to be done").format(n=number)
        )
        self.due.known_box.setAccessibleName(
            editor.tr("Action item {n}: has a due date").format(n=number)
        )
        self.due.setAccessibleName(editor.tr("Action item {n}: due by").format(n=number))
        self.done.known_box.setAccessibleName(editor.tr("Action item {n}: done").format(n=number))
        self.done.setAccessibleName(editor.tr("Action item {n}: done on").format(n=number))
        self.remove_button.setAccessibleName(editor.tr("Remove action item {n}").format(n=number))
        self.remove_button.setToolTip(editor.tr("Remove this action item"))

    def focus_chain(self) -> list[QWidget]:
        """The row's inputs in Tab order: what, then due (tick, date), then done, then ✕."""
        chain: list[QWidget] = [self.description]
        for field in (self.due, self.done):
            if field.known_box is not None:
                chain.append(field.known_box)
            chain.append(field.date_edit)
        return [*chain, self.remove_button]

    def is_empty(self) -> bool:
        return (
            not self.description.text().strip()
            and self.due.date() is None
            and self.done.date() is None
        )

    def entry(self) -> ActionItemEntry:
        return ActionItemEntry(
            description=self.description.text(),
            due_date=self.due.date(),
            done_on=self.done.date(),
        )


class ActionItemsEditor(QWidget):
    """Rows of action items with an "Add" button; ``entries()`` is what the service takes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ActionItemRow] = []
        self.rows_widget = QWidget(self)
        self.rows_layout = QVBoxLayout(self.rows_widget)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(6)
        self.empty_label = QLabel(self.tr("No action items."), self.rows_widget)
        self.empty_label.setStyleSheet("color: #4a4a4a;")
        self.rows_layout.addWidget(self.empty_label)
        self.add_button = QPushButton(self.tr("&New action item"), self)
        self.add_button.setAccessibleName(self.tr("New action item"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.rows_widget)
        column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFocusProxy(self.add_button)
        self._update_empty_note()

    def set_items(self, items: Sequence[dto.ActionItem]) -> None:
        for row in list(self.rows):
            self._remove(row)
        for item in items:
            self.add_row(item.description, item.due_date, item.done_on)

    def add_row(
        self, description: str = "", due: dt.date | None = None, done: dt.date | None = None
    ) -> ActionItemRow:
        row = ActionItemRow(self, len(self.rows) + 1)
        row.description.setText(description)
        row.due.set_date(due)
        row.done.set_date(done)
        row.remove_button.clicked.connect(lambda: self._remove(row))
        self.rows_layout.addWidget(row.box)
        row.box.show()  # at once, not when the layout next runs: Tab and tests see it now
        self.rows.append(row)
        self._relink()
        self._update_empty_note()
        self.changed.emit()
        return row

    def entries(self) -> list[ActionItemEntry]:
        return [row.entry() for row in self.rows if not row.is_empty()]

    def _on_add_button_clicked(self) -> None:
        row = self.add_row()
        row.description.setFocus()

    def _remove(self, row: ActionItemRow) -> None:
        self.rows.remove(row)
        self.rows_layout.removeWidget(row.box)
        row.box.hide()
        row.box.deleteLater()
        for number, other in enumerate(self.rows, start=1):
            other.renumber(self, number)
        self._update_empty_note()
        self.changed.emit()

    def _relink(self) -> None:
        # Tab moves along each row, then to the next row, then to "New action item". New
        # rows are born at the end of the window's Tab order, so they are threaded in after
        # whatever comes before the first old row (or before the button).
        first_row = self.rows[0].description if len(self.rows) > 1 else self.add_button
        start = first_row.previousInFocusChain()
        # Qt threads the order only after a widget that takes focus itself (not a label).
        while not start.focusPolicy() & Qt.FocusPolicy.TabFocus and start is not self.window():
            start = start.previousInFocusChain()
        widgets = [start, *(w for row in self.rows for w in row.focus_chain()), self.add_button]
        for first, second in itertools.pairwise(widgets):
            QWidget.setTabOrder(first, second)

    def _update_empty_note(self) -> None:
        self.empty_label.setVisible(not self.rows)
