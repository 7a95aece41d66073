"""Who attended a session: a filterable, tickable list with each attendee's two ratings.

A group in a big house may have a hundred residents in residence. The list is a small
in-memory model (one row per resident in residence on the session's date, never the whole
history), filtered by name, room or phase as you type, with a tick per row and optional
motivation (readiness ruler 0–10) and satisfaction (1–5) columns. Typing a rating into an
unticked row ticks it. The model holds only what the form will save; it never writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import dto
from peerdesk.ui.widgets.forms import error_label
from peerdesk.ui.widgets.scores import OptionalScoreSpin

Index = QModelIndex | QPersistentModelIndex

NAME, ROOM, PHASE, MOTIVATION, SATISFACTION = range(5)
RATING_SCALES = {MOTIVATION: (0, 10), SATISFACTION: (1, 5)}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2  # the text the filter box searches


@dataclass(frozen=True)
class AttendeeRow:
    resident_id: int
    name: str
    room: str
    phase: str
    ticked: bool = False
    motivation: int | None = None
    satisfaction: int | None = None
    in_residence: bool = True


class AttendeeModel(QAbstractTableModel):
    """Rows of residents, each tickable, with two optional ratings."""

    ticks_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AttendeeRow] = []
        self._headers = (
            self.tr("Resident"),
            self.tr("Room"),
            self.tr("Phase"),
            self.tr("Motivation\n0–10"),
            self.tr("Satisfaction\n1–5"),
        )

    # -- filling -------------------------------------------------------------------------

    def set_residents(
        self, residents: Sequence[dto.ResidentBrief], keep: Iterable[AttendeeRow] = ()
    ) -> None:
        """List ``residents``; rows in ``keep`` keep their tick and ratings.

        A kept row whose resident is not in ``residents`` (no longer in residence on the
        date chosen) stays, marked, so the form can say so rather than drop them quietly.
        """
        kept = {row.resident_id: row for row in keep if row.ticked}
        rows = []
        for r in residents:
            place = " ".join(p for p in (r.room, r.bed) if p)
            old = kept.pop(r.id, None)
            rows.append(
                AttendeeRow(
                    resident_id=r.id,
                    name=r.name,
                    room=place,
                    phase=r.phase_name,
                    ticked=old is not None,
                    motivation=old.motivation if old else None,
                    satisfaction=old.satisfaction if old else None,
                )
            )
        rows += [replace(row, in_residence=False) for row in kept.values()]
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()
        self.ticks_changed.emit()

    def rows(self) -> list[AttendeeRow]:
        return list(self._rows)

    def ticked_rows(self) -> list[AttendeeRow]:
        return [row for row in self._rows if row.ticked]

    def row_of(self, resident_id: int) -> int:
        for number, row in enumerate(self._rows):
            if row.resident_id == resident_id:
                return number
        raise KeyError(resident_id)

    def set_ticked(self, resident_id: int, ticked: bool) -> None:
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self.setData(
            self.index(self.row_of(resident_id), NAME), state, Qt.ItemDataRole.CheckStateRole
        )

    def set_ratings(
        self, resident_id: int, motivation: int | None, satisfaction: int | None
    ) -> None:
        row = self.row_of(resident_id)
        self.setData(self.index(row, MOTIVATION), motivation, Qt.ItemDataRole.EditRole)
        self.setData(self.index(row, SATISFACTION), satisfaction, Qt.ItemDataRole.EditRole)

    def tick_rows(self, rows: Iterable[int], ticked: bool) -> None:
        changed = False
        for number in rows:
            if self._rows[number].ticked != ticked:
                self._rows[number] = replace(self._rows[number], ticked=ticked)
                changed = True
        if changed and self._rows:
            self.dataChanged.emit(
                self.index(0, NAME),
                self.index(len(self._rows) - 1, NAME),
                [Qt.ItemDataRole.CheckStateRole],
            )
            self.ticks_changed.emit()

    # -- the model -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == NAME:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif index.column() in RATING_SCALES:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return row.resident_id
        if role == FILTER_ROLE:
            return f"{row.name} {row.room} {row.phase}"
        if role == Qt.ItemDataRole.CheckStateRole and column == NAME:
            return Qt.CheckState.Checked if row.ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                if not row.in_residence:
                    return self.tr("{name} (not in residence on this date)").format(name=row.name)
                return row.name
            if column == ROOM:
                return row.room
            if column == PHASE:
                return row.phase
            value = row.motivation if column == MOTIVATION else row.satisfaction
            return "—" if value is None else str(value)
        if role == Qt.ItemDataRole.EditRole and column in RATING_SCALES:
            return row.motivation if column == MOTIVATION else row.satisfaction
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RATING_SCALES:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return str(self.data(index, Qt.ItemDataRole.DisplayRole))
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        number, column = index.row(), index.column()
        row = self._rows[number]
        if role == Qt.ItemDataRole.CheckStateRole and column == NAME:
            ticked = Qt.CheckState(value) == Qt.CheckState.Checked
            if ticked == row.ticked:
                return True
            self._rows[number] = replace(row, ticked=ticked)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
            self.ticks_changed.emit()
            return True
        if role == Qt.ItemDataRole.EditRole and column in RATING_SCALES:
            low, high = RATING_SCALES[column]
            rating = None if value is None or value == "" else int(value)
            if rating is not None and not low <= rating <= high:
                return False
            field = "motivation" if column == MOTIVATION else "satisfaction"
            # A rating is only kept for someone who attended, so giving one ticks the row.
            ticked = row.ticked or rating is not None
            self._rows[number] = replace(row, **{field: rating}, ticked=ticked)
            self.dataChanged.emit(self.index(number, NAME), index)
            if ticked != row.ticked:
                self.ticks_changed.emit()
            return True
        return False


class RatingDelegate(QStyledItemDelegate):
    """Edits a rating cell with a spin box whose lowest step means "not asked" (—). A number
    off the scale is not kept: ``refused`` says so in one sentence."""

    refused = Signal(str)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        # Qt keeps an editor whose text is not acceptable open on Enter and drops it when the
        # focus leaves: say why, in words, either way.
        if isinstance(editor, OptionalScoreSpin) and editor.out_of_range() is not None:
            leaving = event.type() == QEvent.Type.FocusOut
            pressed = (
                event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab))
            )
            if leaving or pressed:
                self.refused.emit(editor.refusal(self._what(editor)))
                if pressed:
                    editor.selectAll()
                    return True
        return super().eventFilter(editor, event)

    @staticmethod
    def _what(editor: QWidget) -> str:
        """The column's name without its scale ("Motivation")."""
        return (editor.accessibleName() or "The rating").split(" ")[0]

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        low, high = RATING_SCALES[index.column()]
        editor = OptionalScoreSpin(low, high, parent)
        editor.setAccessibleName(
            str(index.model().headerData(index.column(), Qt.Orientation.Horizontal)).replace(
                "\n", " "
            )
        )
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, OptionalScoreSpin)
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.set_score(None if value is None else int(value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, OptionalScoreSpin)
        if editor.out_of_range() is not None:
            self.refused.emit(editor.refusal(self._what(editor)))
            return
        editor.interpretText()
        model.setData(index, editor.score(), Qt.ItemDataRole.EditRole)
        self.refused.emit("")


class _Filter(QSortFilterProxyModel):
    """Rows whose name, room or phase contain the typed text (any case)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(NAME)
        self.setFilterRole(FILTER_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)


class AttendeeList(QWidget):
    """The filter box, "Tick all shown" and "Clear", the list itself and a count of ticks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(
            self.tr("Type a name, room or phase to narrow the list")
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_label = QLabel(self.tr("Fi&nd:"), self)
        self.filter_label.setBuddy(self.filter_edit)
        self.filter_edit.setAccessibleName(self.tr("Find a resident in the list"))
        self.tick_all_button = QPushButton(self.tr("Tic&k all shown"), self)
        self.tick_all_button.setAccessibleName(self.tr("Tick all shown"))
        self.clear_button = QPushButton(self.tr("C&lear ticks"), self)
        self.clear_button.setAccessibleName(self.tr("Clear ticks"))

        self.view = QTableView(self)
        # The models belong to the view, so they go with it: a view outliving its model
        # would ask a half-destroyed Python model for its rows.
        self.proxy = _Filter(self.view)
        self.model = AttendeeModel(self.view)
        self.proxy.setSourceModel(self.model)
        self.view.setModel(self.proxy)
        self.delegate = RatingDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setAlternatingRowColors(True)
        # The list takes the height the form has left (it scrolls itself), at least five
        # rows: its own wish for height made the whole form scroll on a 1366×768 screen.
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.view.setMinimumHeight(self.fontMetrics().lineSpacing() * 9)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        # Every column as wide as what it shows (names are never cut short); a narrow list
        # scrolls sideways instead, and a wide one gives the room to the last column.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.setAccessibleName(self.tr("Residents in residence on the session date"))
        self.view.setAccessibleDescription(
            self.tr("Space ticks a resident; type a number to rate motivation or satisfaction.")
        )
        self.count_label = QLabel(self)
        self.refusal_label = error_label(self)
        self.delegate.refused.connect(self._on_delegate_refused)
        self.list_label = QLabel(self.tr("Residents in residence that da&y:"), self)
        self.list_label.setBuddy(self.view)

        top = QHBoxLayout()
        top.addWidget(self.filter_label)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.tick_all_button)
        top.addWidget(self.clear_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.list_label)
        column.addWidget(self.view, 1)
        column.addWidget(self.refusal_label)
        column.addWidget(self.count_label)
        self.setFocusProxy(self.view)

        self.filter_edit.textChanged.connect(self._on_filter_edit_textChanged)
        self.tick_all_button.clicked.connect(self._on_tick_all_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.model.ticks_changed.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self._update_count()

    def shown_resident_ids(self) -> list[int]:
        return [
            int(self.proxy.index(row, NAME).data(ID_ROLE)) for row in range(self.proxy.rowCount())
        ]

    def _on_delegate_refused(self, sentence: str) -> None:
        """A rating off the scale was not kept: say so under the list until the next rating."""
        self.refusal_label.setText(sentence)
        self.refusal_label.setVisible(bool(sentence))
        self.view.setAccessibleDescription(sentence or self.tr(
            "Space ticks a resident; type a number to rate motivation or satisfaction."
        ))  # fmt: skip

    def _on_filter_edit_textChanged(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _on_tick_all_button_clicked(self) -> None:
        rows = [
            self.proxy.mapToSource(self.proxy.index(r, NAME)).row()
            for r in range(self.proxy.rowCount())
        ]
        self.model.tick_rows(rows, True)

    def _on_clear_button_clicked(self) -> None:
        self.model.tick_rows(range(self.model.rowCount()), False)

    def _update_count(self) -> None:
        total = self.model.rowCount()
        ticked = len(self.model.ticked_rows())
        shown = self.proxy.rowCount()
        text = self.tr("{ticked} of {total} residents ticked").format(ticked=ticked, total=total)
        if shown != total:
            text += self.tr(" · {shown} shown").format(shown=shown)
        self.count_label.setText(text)
