"""The import preview's table: one line per spreadsheet row, new, duplicate or wrong.

A sheet may have thousands of rows, so the model holds the preview's frozen
:class:`~peerdesk.core.imports.PreviewRow` tuple and hands the view pages of it as it scrolls
(``canFetchMore``/``fetchMore``); a filter (all, new, duplicates, wrong) is a list of row
numbers, not a copy of the rows. Nothing here is a widget per row: the tick in front of each
new row is a check state, drawn by the view.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from peerdesk.core.imports import Preview, PreviewRow, RowStatus

PAGE_SIZE = 200

# The PreviewRow of a row (any column).
PREVIEW_ROW_ROLE = Qt.ItemDataRole.UserRole + 1

TICK, LINE, STATUS, NAME, DETAILS = range(5)

_Index = QModelIndex | QPersistentModelIndex

# Quiet tints that keep dark text readable (contrast above 7:1).
_TINTS = {
    RowStatus.NEW: None,
    RowStatus.DUPLICATE: QColor("#eeeeee"),
    RowStatus.WRONG: QColor("#fdecea"),
}
_STATUS_TEXT = {
    RowStatus.NEW: "New",
    RowStatus.DUPLICATE: "Duplicate",
    RowStatus.WRONG: "Wrong",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("PreviewModel", text)


def status_text(status: RowStatus) -> str:
    """ "New", "Duplicate" or "Wrong", as the table shows it."""
    return _tr(_STATUS_TEXT[status])


def row_details(row: PreviewRow) -> str:
    """Why a row is a duplicate or wrong, then how its ambiguous dates were read."""
    parts = [row.reason] if row.reason else []
    parts += row.notes
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


class PreviewModel(QAbstractTableModel):
    """Rows of a :class:`Preview` with a tick for each new row (ticked unless untaken)."""

    # The number of ticked new rows changed.
    ticks_changed = Signal(int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[PreviewRow, ...] = ()
        self._shown: list[int] = []  # positions in _rows that pass the filter
        self._loaded = 0  # how many of _shown the view has been given
        self._filter: RowStatus | None = None
        self._unticked: set[int] = set()  # spreadsheet lines of new rows left out
        self._new_lines: frozenset[int] = frozenset()
        self._headers = [_tr("Import"), _tr("Line"), _tr("Status"), _tr("Name"), _tr("Details")]

    # ----------------------------------------------------------------- what it shows

    def set_preview(self, preview: Preview | None, unticked: Iterable[int] = ()) -> None:
        """Show ``preview``; the new rows on ``unticked`` lines start without their tick."""
        self.beginResetModel()
        self._rows = preview.rows if preview is not None else ()
        self._new_lines = frozenset(r.line for r in self._rows if r.status is RowStatus.NEW)
        self._unticked = set(unticked) & self._new_lines
        self._apply_filter()
        self.endResetModel()
        self.ticks_changed.emit(self.ticked_count)

    def set_filter(self, status: RowStatus | None) -> None:
        """Show only the rows with ``status`` (all rows for None)."""
        if status is self._filter:
            return
        self.beginResetModel()
        self._filter = status
        self._apply_filter()
        self.endResetModel()

    @property
    def status_filter(self) -> RowStatus | None:
        return self._filter

    def _apply_filter(self) -> None:
        wanted = self._filter
        self._shown = [
            i for i, row in enumerate(self._rows) if wanted is None or row.status is wanted
        ]
        self._loaded = min(PAGE_SIZE, len(self._shown))

    @property
    def loaded_rows(self) -> int:
        """Rows handed to the view so far (tests read it: a big sheet is paged, not dumped)."""
        return self._loaded

    @property
    def matching_rows(self) -> int:
        """Rows that pass the filter, loaded or not."""
        return len(self._shown)

    def preview_row(self, row: int) -> PreviewRow:
        return self._rows[self._shown[row]]

    def row_of_line(self, line: int) -> int | None:
        """The view row of a spreadsheet line (loading pages up to it), or None if filtered out."""
        for number, position in enumerate(self._shown):
            if self._rows[position].line == line:
                while self._loaded <= number:
                    self.fetchMore(QModelIndex())
                return number
        return None

    # ----------------------------------------------------------------- ticks

    @property
    def ticked_lines(self) -> list[int]:
        """The spreadsheet lines of the new rows to import, in order."""
        return sorted(self._new_lines - self._unticked)

    @property
    def ticked_count(self) -> int:
        return len(self._new_lines) - len(self._unticked)

    @property
    def unticked_lines(self) -> frozenset[int]:
        return frozenset(self._unticked)

    def set_ticked(self, line: int, ticked: bool) -> None:
        if line not in self._new_lines or (line not in self._unticked) == ticked:
            return
        if ticked:
            self._unticked.discard(line)
        else:
            self._unticked.add(line)
        row = self.row_of_line(line)
        if row is not None:
            index = self.index(row, TICK)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.ticks_changed.emit(self.ticked_count)

    def set_all_ticked(self, ticked: bool) -> None:
        """Tick (or untick) every new row, shown or filtered out."""
        self._unticked = set() if ticked else set(self._new_lines)
        if self._loaded:
            self.dataChanged.emit(
                self.index(0, TICK),
                self.index(self._loaded - 1, TICK),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.ticks_changed.emit(self.ticked_count)

    # ----------------------------------------------------------------- Qt's model API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._loaded < len(self._shown)

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or self._loaded >= len(self._shown):
            return
        more = min(PAGE_SIZE, len(self._shown) - self._loaded)
        self.beginInsertRows(QModelIndex(), self._loaded, self._loaded + more - 1)
        self._loaded += more
        self.endInsertRows()

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == TICK:
                return _tr("Ticked new rows are imported; duplicates and wrong rows never are")
            if section == LINE:
                return _tr("The row's line number in the spreadsheet")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == TICK and self.preview_row(index.row()).status is RowStatus.NEW:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._loaded:
            return None
        row = self.preview_row(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == LINE:
                return str(row.line)
            if column == STATUS:
                return status_text(row.status)
            if column == NAME:
                return row.name
            if column == DETAILS:
                return row_details(row).replace("\n", " ")
            return None
        if role == Qt.ItemDataRole.CheckStateRole and column == TICK:
            if row.status is not RowStatus.NEW:
                return None
            ticked = row.line not in self._unticked
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column in (NAME, DETAILS):
            return row_details(row) or None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == TICK:
            if row.status is not RowStatus.NEW:
                return _tr("not imported")
            return _tr("import") if row.line not in self._unticked else _tr("leave out")
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = _TINTS[row.status]
            return QBrush(tint) if tint is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == PREVIEW_ROW_ROLE:
            return row
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.CheckStateRole
            or not self.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
        ):
            return False
        state = value.value if isinstance(value, Qt.CheckState) else int(value)
        self.set_ticked(self.preview_row(index.row()).line, state == Qt.CheckState.Checked.value)
        return True
