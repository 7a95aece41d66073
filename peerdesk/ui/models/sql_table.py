"""The one table model every tab uses: rows fetched from SQL in pages as the view scrolls.

Configured by a :class:`peerdesk.core.listing.ListSpec`. A new query (search, filter or sort)
resets the model and loads the first page; scrolling asks :meth:`canFetchMore` /
:meth:`fetchMore` for the next page; a record written elsewhere is refreshed in place with
``dataChanged``. The model holds plain :class:`~peerdesk.core.listing.ListRow` snapshots, never
a Session or an ORM object.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from peerdesk.core import listing
from peerdesk.core.db import Database
from peerdesk.core.listing import Align, ListQuery, ListRow, ListSpec

PAGE_SIZE = 200

# The record id of a row (any column).
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# True when the row's record is voided.
VOIDED_ROLE = Qt.ItemDataRole.UserRole + 2

_ALIGN = {
    Align.LEFT: Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    Align.RIGHT: Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    Align.CENTER: Qt.AlignmentFlag.AlignCenter,
}

_Index = QModelIndex | QPersistentModelIndex


def translated_header(text: str) -> str:
    """Headers live in core as plain English; the window translates them in one context."""
    return QCoreApplication.translate("Listing", text)


class SqlTableModel(QAbstractTableModel):
    """A read-only, SQL-paged table of one :class:`ListSpec`."""

    # Emitted after every new query and refresh: (rows matching, rows in all).
    counts_changed = Signal(int, int)

    def __init__(self, db: Database, spec: ListSpec, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self.spec = spec
        self._query: ListQuery | None = None
        self._rows: list[ListRow] = []
        self._matching = 0
        self._total = 0
        # How many rows have come from the database since the model was made (tests read it
        # to prove that a big table is never loaded whole).
        self.fetched_rows = 0
        self._fetching = False
        self._headers = [translated_header(c.header) for c in spec.columns]
        self._tips = [translated_header(c.tip) if c.tip else "" for c in spec.columns]
        self._sort_key = spec.default_sort
        self._descending = spec.default_descending

    # ----------------------------------------------------------------- the query

    @property
    def query(self) -> ListQuery | None:
        return self._query

    @property
    def matching(self) -> int:
        return self._matching

    @property
    def total(self) -> int:
        return self._total

    @property
    def loaded(self) -> bool:
        return self._query is not None

    @property
    def sort_column(self) -> int:
        return self.spec.column_index(self._sort_key)

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    def set_query(self, query: ListQuery, *, recount: bool = True) -> None:
        """Run a new query (in the model's sort order): reset, count, load the first page.

        ``recount=False`` is for a new sort of the same rows, which keeps the counts."""
        query = query.sorted_by(self._sort_key, descending=self._descending)
        self.beginResetModel()
        self._query = query
        with self._db.read() as s:
            if recount:
                self._matching, self._total = listing.counts(s, self.spec, query)
            self._rows = listing.fetch_page(s, self.spec, query, 0, PAGE_SIZE)
        self.fetched_rows += len(self._rows)
        # Slots reacting to our own reset (views, Qt's model tester) must not insert rows
        # while the reset is still being announced; the first page is already here.
        self._fetching = True
        try:
            self.endResetModel()
        finally:
            self._fetching = False
        self.counts_changed.emit(self._matching, self._total)

    def clear(self) -> None:
        """No rows and no query (nothing is read from the database)."""
        self.beginResetModel()
        self._query = None
        self._rows = []
        self._matching = self._total = 0
        self.endResetModel()
        self.counts_changed.emit(0, 0)

    def reload(self) -> None:
        """Run the same query again (after records were added or changed in bulk)."""
        if self._query is not None:
            self.set_query(self._query)

    def refresh_record(self, record_id: int) -> bool:
        """Re-read one loaded record's row in place.

        False when the record is not loaded or no longer matches the query (the caller then
        runs the query again)."""
        row_number = self.row_of(record_id)
        if row_number is None or self._query is None:
            return False
        with self._db.read() as s:
            fresh = listing.fetch_row(s, self.spec, self._query, record_id, matching=True)
        if fresh is None:
            return False
        self._rows[row_number] = fresh
        self.dataChanged.emit(
            self.index(row_number, 0), self.index(row_number, self.columnCount() - 1)
        )
        return True

    def row_of(self, record_id: int) -> int | None:
        """The row number of a loaded record, or None."""
        for number, row in enumerate(self._rows):
            if row.id == record_id:
                return number
        return None

    def load_record(self, record_id: int) -> int | None:
        """Fetch pages until the record is loaded; its row number, or None if not matched."""
        found = self.row_of(record_id)
        if found is not None or self._query is None:
            return found
        with self._db.read() as s:
            position = listing.position_of(s, self.spec, self._query, record_id)
        if position is None:
            return None
        while len(self._rows) <= position and self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())
        return self.row_of(record_id)

    def record_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_values(self, row: int) -> ListRow:
        return self._rows[row]

    # ----------------------------------------------------------------- Qt's model API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.spec.columns)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and not self._fetching and len(self._rows) < self._matching

    def fetchMore(self, parent: _Index) -> None:
        # Views (and Qt's model tester) may ask again while rows are being inserted or the
        # model is being reset; one page at a time.
        if parent.isValid() or self._query is None or self._fetching:
            return
        offset = len(self._rows)
        with self._db.read() as s:
            page = listing.fetch_page(s, self.spec, self._query, offset, PAGE_SIZE)
        if not page:
            # The table shrank since it was counted; stop asking for more.
            self._matching = offset
            return
        self._fetching = True
        try:
            self.beginInsertRows(QModelIndex(), offset, offset + len(page) - 1)
            self._rows.extend(page)
            self.fetched_rows += len(page)
            self.endInsertRows()
        finally:
            self._fetching = False

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.spec.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = column.format(row.values[index.column()])
            if role == Qt.ItemDataRole.ToolTipRole:
                if row.voided:
                    return self.tr("{text} (voided)").format(text=text) if text else None
                return text or None
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[column.align]
        if role == RECORD_ID_ROLE:
            return row.id
        if role == VOIDED_ROLE:
            return row.voided
        if role == Qt.ItemDataRole.ForegroundRole and row.voided:
            palette = QApplication.palette()
            return QBrush(
                palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
            )
        if role == Qt.ItemDataRole.FontRole and row.voided:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[section] or self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[self.spec.columns[section].align]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL (a new query); before the first query, only remember the order."""
        if not 0 <= column < len(self.spec.columns):
            return
        key = self.spec.columns[column].key
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort_key, self._descending) and self._query is not None:
            return
        self._sort_key, self._descending = key, descending
        if self._query is not None:
            self.set_query(self._query, recount=False)
