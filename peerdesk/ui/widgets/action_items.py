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
    QGridLayout,
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
    """The inputs of one action item."""

    def __init__(self, editor: ActionItemsEditor, number: int) -> None:
        parent = editor.rows_widget
        self.description = QLineEdit(parent)
        self.description.setPlaceholderText(editor.tr("what the mentor will do"))
        self.due = DateField(
            parent,
            optional=True,
            blank_text=editor.tr("No due date"),
            default=clock.today() + dt.timedelta(days=DUE_IN_DAYS),
        )
        self.done = DateField(
            parent,
            optional=True,
            blank_text=editor.tr("Not yet"),
            default=clock.today(),
        )
        self.remove_button = QToolButton(parent)
        self.remove_button.setText("✕")
        self.renumber(editor, number)

    def renumber(self, editor: ActionItemsEditor, number: int) -> None:
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

    def widgets(self) -> list[QWidget]:
        return [self.description, self.due, self.done, self.remove_button]

    def focus_chain(self) -> list[QWidget]:
        """The row's inputs in Tab order (the date fields' tick, then their date)."""
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
        self.grid = QGridLayout(self.rows_widget)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.headers = [
            QLabel(self.tr("Action"), self.rows_widget),
            QLabel(self.tr("Due by"), self.rows_widget),
            QLabel(self.tr("Done"), self.rows_widget),
        ]
        for column, header in enumerate(self.headers):
            header.setStyleSheet("font-weight: bold;")
            self.grid.addWidget(header, 0, column)
        self.grid.setColumnStretch(0, 1)
        self.empty_label = QLabel(self.tr("No action items."), self.rows_widget)
        self.empty_label.setStyleSheet("color: #4a4a4a;")
        self.grid.addWidget(self.empty_label, 1, 0, 1, 4)
        self.add_button = QPushButton(self.tr("&New action item"), self)
        self.add_button.setAccessibleName(self.tr("New action item"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.rows_widget)
        column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFocusProxy(self.add_button)
        self._update_headers()

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
        line = len(self.rows) + 1
        for column, widget in enumerate(row.widgets()):
            self.grid.addWidget(widget, line, column)
            widget.show()  # at once, not when the layout next runs: Tab and tests see it now
        self.rows.append(row)
        self._relink()
        self._update_headers()
        self.changed.emit()
        return row

    def entries(self) -> list[ActionItemEntry]:
        return [row.entry() for row in self.rows if not row.is_empty()]

    def _on_add_button_clicked(self) -> None:
        row = self.add_row()
        row.description.setFocus()

    def _remove(self, row: ActionItemRow) -> None:
        index = self.rows.index(row)
        self.rows.remove(row)
        for widget in row.widgets():
            self.grid.removeWidget(widget)
            widget.deleteLater()
        # Close the gap: the rows below move up one line.
        for line, later in enumerate(self.rows[index:], start=index + 1):
            for column, widget in enumerate(later.widgets()):
                self.grid.removeWidget(widget)
                self.grid.addWidget(widget, line, column)
        for number, other in enumerate(self.rows, start=1):
            other.renumber(self, number)
        self._update_headers()
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

    def _update_headers(self) -> None:
        has_rows = bool(self.rows)
        for header in self.headers:
            header.setVisible(has_rows)
        self.empty_label.setVisible(not has_rows)
