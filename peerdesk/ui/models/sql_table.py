"""The one table model every tab uses: rows fetched from SQL in pages as the view scrolls.

Configured by a :class:`peerdesk.core.listing.ListSpec`. A new query (search, filter or sort)
resets the model and loads the first page; scrolling asks :meth:`canFetchMore` /
:meth:`fetchMore` for the next page; a record written elsewhere is refreshed in place with
``dataChanged``. The model holds plain :class:`~peerdesk.core.listing.ListRow` snapshots, never
a Session or an ORM object.

A new query's counts and first page are read on a worker thread (:class:`_Load`). The window
waits for them a moment (:attr:`SqlTableModel.grace`): a quick query shows at once, as if it
had run on the window's thread; a slow one (sorting twenty years of sessions by attendees)
leaves the previous rows on screen, says it is busy (``loading_changed``) and shows its rows
when they arrive (the window's thread looks every few milliseconds). A newer query stops an
older one that is still running (SQLite's progress handler interrupts it), and an older one's
rows are never shown after a newer one's. ``query_loaded`` follows every query whose rows are
shown. Scrolling on to the next page is read the same way; refreshing one row (by its key)
stays on the window's thread.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from peerdesk.core import listing
from peerdesk.core.db import Database
from peerdesk.core.listing import Align, ListQuery, ListRow, ListSpec

PAGE_SIZE = 200
# How often SQLite asks a running query whether it was stopped, in virtual-machine steps (a
# few milliseconds). Each ask runs Python, which needs the interpreter's lock: asked every
# 20,000 steps, sorting twenty years of sessions by attendees held the window for 110 ms.
_CANCEL_CHECK_STEPS = 1_000_000
_WATCH_MS = 15  # how often the window looks whether a slow query is done

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


class _Load:
    """One query read on a worker thread: its counts (unless known) and a page of rows."""

    def __init__(
        self,
        db: Database,
        spec: ListSpec,
        query: ListQuery,
        counts: tuple[int, int] | None,
        offset: int = 0,
    ) -> None:
        self.query = query
        self.offset = offset
        self.counts = counts
        self.rows: list[ListRow] = []
        self.error: Exception | None = None
        self.done = threading.Event()
        self._db = db
        self._spec = spec
        self._stopped = False

    def stop(self) -> None:
        """Interrupt the query at SQLite's next check (a newer query replaced it)."""
        self._stopped = True

    @property
    def stopped(self) -> bool:
        return self._stopped

    def run(self) -> None:
        """On the worker thread: no Qt here (the window's thread looks at ``done``)."""
        try:
            with self._db.read() as s:
                raw = s.connection().connection.driver_connection
                assert isinstance(raw, sqlite3.Connection)
                raw.set_progress_handler(lambda: int(self._stopped), _CANCEL_CHECK_STEPS)
                try:
                    if self.counts is None:
                        self.counts = listing.counts(s, self._spec, self.query)
                    self.rows = listing.fetch_page(
                        s, self._spec, self.query, self.offset, PAGE_SIZE
                    )
                finally:
                    raw.set_progress_handler(None, 0)
        except Exception as exc:  # reported in the window's thread (or dropped, if stopped)
            self.error = exc
        finally:
            self.done.set()


class SqlTableModel(QAbstractTableModel):
    """A read-only, SQL-paged table of one :class:`ListSpec`."""

    # Emitted after every new query and refresh: (rows matching, rows in all).
    counts_changed = Signal(int, int)
    # True while a new query's rows are being read (the previous rows stay on screen).
    loading_changed = Signal(bool)
    # A new query's rows are shown (at once, or when a slow query finished).
    query_loaded = Signal()

    # Seconds the window waits for a new query before it goes on with the previous rows on
    # screen: long enough that a quick query never flickers, short enough that the window's
    # thread is never busy for long. Tests that are not about slow queries wait longer.
    grace = 0.04

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
        self._pending: _Load | None = None  # a new query on its way
        self._page: _Load | None = None  # the next page of the shown query on its way
        # While a slow query runs, the window's thread looks now and then whether it is done
        # (the worker thread touches no Qt object, so a closed window cannot be hit by it).
        self._watch = QTimer(self)
        self._watch.setInterval(_WATCH_MS)
        self._watch.timeout.connect(self._on_watch_timeout)

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

    @property
    def loading(self) -> bool:
        """True while a new query's rows are being read."""
        return self._pending is not None

    def set_query(self, query: ListQuery, *, recount: bool = True) -> None:
        """Run a new query (in the model's sort order): count and load the first page on a
        worker thread, then reset to them (see the module's docstring).

        ``recount=False`` is for a new sort of the same rows, which keeps the counts."""
        query = query.sorted_by(self._sort_key, descending=self._descending)
        keep = (self._matching, self._total) if not recount and self._query is not None else None
        if self._pending is not None:
            self._pending.stop()
        self._drop_page()
        load = _Load(self._db, self.spec, query, keep)
        self._pending = load
        if self._started(load):
            self._show(load)
        else:
            self.loading_changed.emit(True)

    def _started(self, load: _Load) -> bool:
        """Start a load on a worker thread; True if it finished within the grace."""
        threading.Thread(target=load.run, name="peerdesk-table", daemon=True).start()
        if load.done.wait(self.grace):
            return True
        self._watch.start()
        return False

    def _drop_page(self) -> None:
        if self._page is not None:
            self._page.stop()
            self._page = None

    def wait_until_loaded(self) -> None:
        """Show the pending query's rows now, waiting for them if need be (before an action
        that needs the new rows, such as finding one record in them)."""
        load = self._pending
        if load is not None:
            load.done.wait()
            self._show(load)

    def _on_watch_timeout(self) -> None:
        if self._pending is not None and self._pending.done.is_set():
            self._show(self._pending)
        if self._page is not None and self._page.done.is_set():
            self._add_page(self._page)
        if self._pending is None and self._page is None:
            self._watch.stop()

    def _show(self, load: _Load) -> None:
        if load is not self._pending:
            return  # replaced by a newer query, or already shown
        self._pending = None
        if load.error is not None:
            self.loading_changed.emit(False)
            if load.stopped:
                return
            # As if it had been read on this thread: the caller (or the window's handler of
            # unexpected errors) hears of it; the previous rows stay.
            raise load.error
        self.beginResetModel()
        self._query = load.query
        assert load.counts is not None
        self._matching, self._total = load.counts
        self._rows = load.rows
        self.fetched_rows += len(self._rows)
        # Slots reacting to our own reset (views, Qt's model tester) must not insert rows
        # while the reset is still being announced; the first page is already here.
        self._fetching = True
        try:
            self.endResetModel()
        finally:
            self._fetching = False
        self.loading_changed.emit(False)
        self.counts_changed.emit(self._matching, self._total)
        self.query_loaded.emit()

    def clear(self) -> None:
        """No rows and no query (nothing is read from the database)."""
        self._drop_page()
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
            self.loading_changed.emit(False)
        self.beginResetModel()
        self._query = None
        self._rows = []
        self._matching = self._total = 0
        self.endResetModel()
        self.counts_changed.emit(0, 0)

    def reload(self) -> None:
        """Run the same query again (after records were added or changed in bulk)."""
        query = self._pending.query if self._pending is not None else self._query
        if query is not None:
            self.set_query(query)

    def refresh_record(self, record_id: int) -> bool:
        """Re-read one loaded record's row in place.

        False when the record is not loaded or no longer matches the query (the caller then
        runs the query again)."""
        row_number = self.row_of(record_id)
        if row_number is None or self._query is None or self._pending is not None:
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
        self.wait_until_loaded()
        found = self.row_of(record_id)
        if found is not None or self._query is None:
            return found
        with self._db.read() as s:
            position = listing.position_of(s, self.spec, self._query, record_id)
        if position is None:
            return None
        self._drop_page()
        while len(self._rows) <= position and len(self._rows) < self._matching:
            with self._db.read() as s:
                page = listing.fetch_page(s, self.spec, self._query, len(self._rows), PAGE_SIZE)
            if not self._insert(page):
                break
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
        return (
            not parent.isValid()
            and not self._fetching
            and self._page is None
            and self._pending is None
            and len(self._rows) < self._matching
        )

    def fetchMore(self, parent: _Index) -> None:
        """The next page, read on a worker thread (added now if it comes within the grace)."""
        # Views (and Qt's model tester) may ask again while rows are being inserted or the
        # model is being reset; one page at a time.
        if not self.canFetchMore(parent) or self._query is None:
            return
        load = _Load(
            self._db, self.spec, self._query, (self._matching, self._total), len(self._rows)
        )
        self._page = load
        if self._started(load):
            self._add_page(load)

    def _add_page(self, load: _Load) -> None:
        if load is not self._page:
            return
        self._page = None
        if load.error is not None:
            if load.stopped:
                return
            raise load.error
        if load.query == self._query and load.offset == len(self._rows):
            self._insert(load.rows)

    def _insert(self, page: list[ListRow]) -> bool:
        """Add a page after the rows there are; False when there was none."""
        offset = len(self._rows)
        if not page:
            # The table shrank since it was counted; stop asking for more.
            self._matching = offset
            return False
        self._fetching = True
        try:
            self.beginInsertRows(QModelIndex(), offset, offset + len(page) - 1)
            self._rows.extend(page)
            self.fetched_rows += len(page)
            self.endInsertRows()
        finally:
            self._fetching = False
        return True

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
        query = self._pending.query if self._pending is not None else self._query
        if query is not None:
            self.set_query(query, recount=self._pending is not None)
