"""What the House dialogs that manage a short list share (User accounts…, Program phases…):
a banner for what a service refused, a sentence saying what the list is, the list itself (one
row selected at a time, read only), the buttons beside it, and Close."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.ui.widgets.forms import MessageBanner, buddy_label, side_button


def read_only_table(parent: QWidget, columns: Sequence[str], name: str) -> QTableWidget:
    """A table to read and choose a row from: whole rows, one at a time, no editing."""
    table = QTableWidget(0, len(columns), parent)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    return table


class RecordListDialog(QDialog):
    """A modal list of records with its buttons; subclasses fill it in ``refresh``."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        intro: str,
        columns: Sequence[str],
        list_label: str,
        list_name: str,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setSizeGripEnabled(True)
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.table = read_only_table(self, columns, list_name)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list_label = buddy_label(list_label, self.table, self)
        self.side = QVBoxLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        close.setAccessibleName(self.tr("Close"))
        self.buttons.rejected.connect(self.reject)
        self.banner = MessageBanner(self)  # what a service refused

    def side_button(self, text: str, slot: Callable[[], object], tip: str) -> QPushButton:
        """A button beside the list (in the order they are made)."""
        made = side_button(text, tip, self)
        made.clicked.connect(lambda _checked=False: slot())
        self.side.addWidget(made)
        return made

    def lay_out(self, width: int, height: int) -> None:
        """Put the parts in place (once the buttons are made) and size the dialog for the
        font: ``width`` × ``height`` at the usual size, more for a larger font."""
        self.side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addLayout(self.side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.intro)
        layout.addWidget(self.list_label)
        layout.addLayout(middle, 1)
        layout.addWidget(self.buttons)
        scale = max(1.0, self.fontMetrics().height() / 16)
        self.resize(int(width * scale), int(height * scale))

    def fill_row(self, row: int, cells: Sequence[str], record_id: int, *, greyed: bool) -> None:
        """One record's row; a greyed one is out of use (deactivated, retired)."""
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            if greyed:
                item.setForeground(self.palette().placeholderText())
            self.table.setItem(row, column, item)

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None
