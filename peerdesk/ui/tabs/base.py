"""What the Residents, Mentors, Sessions and Supervision tabs share.

Each tab is a toolbar (New, Open, its own actions, Void), a search box that filters as the
person types, filter combos, and a table over the one SQL-paged model. The tab loads its
first page only when it is first shown, so the window opens fast on a ten-year house.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import (
    QByteArray,
    QDate,
    QEvent,
    QItemSelectionModel,
    QLocale,
    QObject,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtCore import Signal as _Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import clock, listing
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.listing import ListQuery, ListSpec
from peerdesk.core.services import mentors as mentor_service
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.models.sql_table import RECORD_ID_ROLE, SqlTableModel
from peerdesk.ui.tabs.elsewhere import ElsewhereHint

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peerdesk.core.audit import Actor

SEARCH_DELAY_MS = 200


def plain(text: str) -> str:
    """An action's text without its mnemonic ampersand, for accessible names."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


E = TypeVar("E", bound=StrEnum)


def chosen(enum: type[E], combo: QComboBox) -> E | None:
    """A combo's chosen vocabulary member (combos hold the stored code), or None for all."""
    code = combo.currentData()
    return None if code is None else enum(code)


def qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def fit_columns(view: QTableView, max_chars: int = 34) -> None:
    """Size each column to its header and the loaded rows, within reason."""
    header = view.horizontalHeader()
    # Measure a sample of rows, not every loaded one: this runs when a tab first opens.
    header.setResizeContentsPrecision(60)
    char = view.fontMetrics().averageCharWidth()
    last = header.count() - 1
    for section in range(header.count()):
        if section == last and header.stretchLastSection():
            continue
        view.resizeColumnToContents(section)
        width = max(header.sectionSize(section), header.sectionSizeHint(section)) + char
        header.resizeSection(section, min(width, char * max_chars))


class DateRangeFilter(QWidget):
    """A combo of common periods, with two date boxes for "Between dates…"."""

    changed = _Signal()

    ANY, LAST_30, LAST_90, THIS_YEAR, LAST_12_MONTHS, BETWEEN = range(6)

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.period = QComboBox(self)
        for text in (
            self.tr("Any date"),
            self.tr("Last 30 days"),
            self.tr("Last 90 days"),
            self.tr("This year"),
            self.tr("Last 12 months"),
            self.tr("Between dates…"),
        ):
            self.period.addItem(text)
        self.period.setAccessibleName(self.tr("{what} date range").format(what=what))
        self.period.setToolTip(self.tr("Show only records from this period"))
        today = clock.today()
        self.start = QDateEdit(qdate(today - dt.timedelta(days=30)), self)
        self.end = QDateEdit(qdate(today), self)
        for box, name in ((self.start, self.tr("From date")), (self.end, self.tr("To date"))):
            box.setCalendarPopup(True)
            box.setDisplayFormat("d MMM yyyy")
            box.setAccessibleName(name)
            box.setVisible(False)
            box.dateChanged.connect(self._on_date_changed)
        self.dash = QLabel(self.tr("to"), self)
        self.dash.setVisible(False)
        layout.addWidget(self.period)
        layout.addWidget(self.start)
        layout.addWidget(self.dash)
        layout.addWidget(self.end)
        self.period.currentIndexChanged.connect(self._on_period_changed)

    def _on_period_changed(self, index: int) -> None:
        between = index == self.BETWEEN
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(between)
        self.changed.emit()

    def _on_date_changed(self, _value: QDate) -> None:
        if self.period.currentIndex() == self.BETWEEN:
            self.changed.emit()

    def reset(self) -> None:
        self.period.setCurrentIndex(self.ANY)

    def bounds(self) -> tuple[dt.date | None, dt.date | None]:
        today = clock.today()
        index = self.period.currentIndex()
        if index == self.LAST_30:
            return today - dt.timedelta(days=29), None
        if index == self.LAST_90:
            return today - dt.timedelta(days=89), None
        if index == self.THIS_YEAR:
            return dt.date(today.year, 1, 1), None
        if index == self.LAST_12_MONTHS:
            return today.replace(year=today.year - 1) + dt.timedelta(days=1), None
        if index == self.BETWEEN:
            start, end = pydate(self.start.date()), pydate(self.end.date())
            return min(start, end), max(start, end)
        return None, None


class RecordTab(QWidget):
    """A tab of one kind of record: toolbar, search, filters, and the paged table."""

    # The status bar line for this tab ("42 of 118 residents").
    status_changed = _Signal(str)
    # The selected record changed (its id, or 0 for none).
    selection_changed = _Signal(int)

    spec: ListSpec
    # The table whose ids the rows are ("residents"); announcements of it refresh one row.
    record_table: str
    settings_key: str

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._show_voided = False
        self._status = ""
        self.model = SqlTableModel(ctx.db, self.spec, self)
        self.model.counts_changed.connect(self._on_model_counts_changed)
        self.model.query_loaded.connect(self._on_model_query_loaded)
        self.model.loading_changed.connect(self._on_model_loading_changed)
        self._keep: int | None = None  # the record selected before a new query
        self._to_the_list = False  # Enter in the search box: go to the rows once they are in

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setAccessibleName(self.tr("{tab} actions").format(tab=self.title()))
        self._selection_actions: list[QAction] = []
        self._filter_combos: list[QComboBox] = []
        self._date_ranges: list[DateRangeFilter] = []

        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        for button in self.search.findChildren(QToolButton):
            button.setAccessibleName(self.tr("Clear the search"))
        self.search.setPlaceholderText(self.search_hint())
        self.search.setAccessibleName(self.tr("Search {tab}").format(tab=self.title().lower()))
        self.search.setToolTip(self.search_hint())
        self.search.setMinimumWidth(self.fontMetrics().averageCharWidth() * 28)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_query)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)

        self.filter_bar = QHBoxLayout()
        self.filter_bar.setSpacing(8)
        self.filter_bar.addWidget(self.search, 2)
        self.build_filters()
        self.filter_bar.addStretch(1)

        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("{tab} table").format(tab=self.title()))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(round(self.fontMetrics().height() * 1.7))
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setMinimumSectionSize(self.fontMetrics().averageCharWidth() * 5)
        self._set_default_widths()
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        self.view.setSortingEnabled(True)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        # Columns are fitted to the first rows there are (an empty table's width would cut
        # every name later) unless the person has set a width themselves.
        self._columns_fitted = False
        self._own_widths = False
        self._fitting = False
        header.sectionResized.connect(self._on_header_section_resized)

        self.build_actions()
        self._update_actions()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addLayout(self.filter_bar)
        # Over an empty table (a new house): what to do first.
        self.empty_label = QLabel(self.empty_text(), self.view.viewport())
        self.empty_label.setObjectName("emptyTable")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); padding: 24px;")
        self.empty_label.hide()
        self.view.viewport().installEventFilter(self)
        self.elsewhere = ElsewhereHint(self)
        self.elsewhere.show_requested.connect(self._on_elsewhere_show_requested)
        layout.addWidget(self.elsewhere)
        self.body_layout = layout
        layout.addWidget(self.body(), 1)
        ctx.events.records_changed.connect(self._on_records_changed)

    # ----------------------------------------------------------------- for subclasses

    def title(self) -> str:
        raise NotImplementedError

    def search_hint(self) -> str:
        return self.tr("Search")

    def empty_text(self) -> str:
        """What the table says while the house has none of its records: where to start."""
        return ""

    def build_filters(self) -> None:
        """Add this tab's filter widgets to ``self.filter_bar``."""

    def build_actions(self) -> None:
        """Add this tab's actions to the toolbar."""

    def body(self) -> QWidget:
        """What sits under the filters: the table (the Residents tab adds its detail pane)."""
        return self.view

    def query(self) -> ListQuery:
        """The tab's current search and filters."""
        return ListQuery(search=self.search.text(), show_voided=self._show_voided)

    def clear_filters(self) -> None:
        """Back to a view in which any record of this kind can be found: no search, every
        filter on its "All …" entry and any date (the query is not run again here)."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        for combo in self._filter_combos:
            self.set_filter(combo, None)
        for dates in self._date_ranges:
            dates.blockSignals(True)
            dates.reset()
            dates.blockSignals(False)

    def new_record(self) -> None:
        """Ctrl+N: the tab's "New" action."""

    def open_record(self, record_id: int) -> None:
        """Enter or a double click: open the record's form."""

    # ----------------------------------------------------------------- helpers

    def add_action(
        self,
        text: str,
        slot: Callable[[], Any],
        *,
        tip: str = "",
        needs_selection: bool = False,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        """A toolbar action with a tooltip and an accessible name."""
        action = QAction(text, self)
        action.setToolTip(tip or plain(text))
        action.setStatusTip(tip or plain(text))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.toolbar.addAction(action)
        button = self.toolbar.widgetForAction(action)
        if button is not None:
            button.setAccessibleName(plain(text))
            button.setAccessibleDescription(tip or plain(text))
        if needs_selection:
            self._selection_actions.append(action)
        return action

    def add_filter_combo(
        self, label: str, items: list[tuple[str, object]], *, default: int = 0
    ) -> QComboBox:
        combo = QComboBox(self)
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(default)
        combo.setAccessibleName(label)
        combo.setToolTip(label)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(lambda _index: self.apply_query())
        self.filter_bar.addWidget(combo)
        self._filter_combos.append(combo)
        return combo

    def set_filter(self, combo: QComboBox, value: object) -> None:
        """Choose the entry holding ``value`` (the first entry if none does), quietly: the
        caller runs the query once all filters are set."""
        combo.blockSignals(True)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        combo.blockSignals(False)

    def add_date_range(self, what: str) -> DateRangeFilter:
        dates = DateRangeFilter(what, self)
        dates.changed.connect(self.apply_query)
        self.filter_bar.addWidget(dates)
        self._date_ranges.append(dates)
        return dates

    def mentor_items(self, *, include_inactive: bool = True) -> list[tuple[str, object]]:
        with self.ctx.db.read() as s:
            people = mentor_service.list_mentors(s, include_inactive=include_inactive)
        items: list[tuple[str, object]] = [(self.tr("All mentors"), None)]
        items += [
            (m.name if m.active else self.tr("{name} (inactive)").format(name=m.name), m.id)
            for m in people
        ]
        return items

    def refill_combo(self, combo: QComboBox, items: list[tuple[str, object]]) -> None:
        """Replace a combo's choices, keeping the chosen value when it is still there."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, value in items:
            combo.addItem(text, value)
        index = max(0, combo.findData(current)) if current is not None else 0
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    def void_selected(
        self, what: str, title: str, void: Callable[[Session, Actor, int, str], object]
    ) -> None:
        """Ask why ``what`` (the selected record) is voided, void it with ``void`` and announce
        it; nothing happens when no live record is selected or the person cancels."""
        from peerdesk.ui.dialogs.void import VoidDialog

        record_id = self.selected_id()
        if record_id is None or self.selected_is_voided():
            return
        reason = VoidDialog.ask(self, what)
        if reason is None:
            return

        def write() -> object:
            with self.ctx.db.begin() as s:
                return void(s, self.ctx.actor, record_id, reason)

        if self.run_write(title, write) is not None:
            self.ctx.announce(self.record_table, record_id)

    def run_write(self, title: str, write: Callable[[], Any]) -> Any | None:
        """Run one write; a PeerDeskError is shown as its sentence and None returned."""
        try:
            return write()
        except PeerDeskError as exc:
            messages.error(self, title, str(exc))
            return None

    def _set_default_widths(self) -> None:
        char = self.fontMetrics().averageCharWidth()
        header = self.view.horizontalHeader()
        for index, column in enumerate(self.spec.columns):
            title = self.model.headerData(index, Qt.Orientation.Horizontal)
            wanted = max(column.width, len(str(title)) + 3)
            header.resizeSection(index, char * wanted + 16)

    # ----------------------------------------------------------------- state

    @property
    def status_text(self) -> str:
        return self._status

    def ensure_loaded(self) -> None:
        """Load the first page the first time the tab is needed."""
        if not self.model.loaded:
            self.apply_query()

    def apply_query(self, *, select: int | None = None) -> None:
        """Run the tab's search and filters now, keeping the selected record (or selecting
        ``select``) if it shows.

        A slow query leaves the previous rows on screen until its own arrive
        (:meth:`_on_model_query_loaded` then does the rest)."""
        self._search_timer.stop()
        if select is not None:
            self._keep = select
        elif not self.model.loading:
            self._keep = self.selected_id()
        self.model.set_query(self.query())

    def _on_model_query_loaded(self) -> None:
        self._fit_columns_once()
        if self._keep is not None:
            self._select_loaded(self._keep)
        self._update_actions()
        self.selection_changed.emit(self.selected_id() or 0)
        if self._to_the_list:
            self._go_to_the_list()

    def _on_model_loading_changed(self, loading: bool) -> None:
        """A quiet sign that a slow search, filter or sort is on its way."""
        viewport = self.view.viewport()
        if loading:
            viewport.setCursor(Qt.CursorShape.BusyCursor)
            self.status_changed.emit(self.tr("Looking through the records…"))
        else:
            viewport.unsetCursor()
            self.status_changed.emit(self._status)

    def refresh(self) -> None:
        if self.model.loaded:
            self.apply_query()

    def set_show_voided(self, show: bool) -> None:
        if show != self._show_voided:
            self._show_voided = show
            if self.model.loaded:
                self.apply_query()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def selected_row(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else self.model.record_id(row)

    def select_record(self, record_id: int) -> bool:
        """Show and select a record, clearing the filters if they hide it."""
        self.ensure_loaded()
        row = self.model.load_record(record_id)
        if row is None:
            self.clear_filters()
            self.apply_query()
            row = self.model.load_record(record_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def _select_loaded(self, record_id: int) -> None:
        row = self.model.row_of(record_id)
        if row is not None:
            self._select_row(row)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def open_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.open_record(record_id)

    def row_value(self, key: str) -> Any:
        """A column's raw value in the selected row (None without a selection)."""
        row = self.selected_row()
        if row is None:
            return None
        return self.model.row_values(row).values[self.spec.column_index(key)]

    def selected_is_voided(self) -> bool:
        row = self.selected_row()
        return row is not None and self.model.row_values(row).voided

    def _update_actions(self) -> None:
        has = self.selected_id() is not None
        for action in self._selection_actions:
            action.setEnabled(has)
        self.update_actions()

    def update_actions(self) -> None:
        """Enable or disable the tab's own actions for the selected record."""

    def _fit_columns_once(self) -> None:
        """Fit the columns to the first rows there are, unless the person set widths."""
        if self._columns_fitted or self._own_widths or self.model.rowCount() == 0:
            return
        self._columns_fitted = True
        self._fitting = True
        try:
            fit_columns(self.view)
        finally:
            self._fitting = False

    def _on_header_section_resized(self, section: int, _old: int, _new: int) -> None:
        header = self.view.horizontalHeader()
        stretched = header.stretchLastSection() and header.logicalIndex(header.count() - 1) == (
            section
        )
        if not self._fitting and not stretched:
            self._own_widths = True  # the person's width: kept, never fitted again

    def save_layout(self, settings: QSettings) -> None:
        settings.setValue(f"{self.settings_key}/header", self.view.horizontalHeader().saveState())
        settings.setValue(f"{self.settings_key}/own_widths", self._own_widths)

    def restore_layout(self, settings: QSettings) -> None:
        state = settings.value(f"{self.settings_key}/header")
        if isinstance(state, QByteArray | bytes) and state:
            header = self.view.horizontalHeader()
            self._fitting = True  # restoring widths is not the person setting them
            try:
                restored = header.restoreState(QByteArray(state))
            finally:
                self._fitting = False
            if restored:
                # The person's own column widths win over fitting them to the first page;
                # widths PeerDesk chose (perhaps on an empty house) are fitted again.
                own = settings.value(f"{self.settings_key}/own_widths", False)
                self._own_widths = own in (True, "true", "1", 1)
                # The restored sort indicator becomes the model's sort before the first load.
                self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    # ----------------------------------------------------------------- slots

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search_return_pressed(self) -> None:
        self._to_the_list = True  # once the rows are there
        self.apply_query()

    def _go_to_the_list(self) -> None:
        """After Enter in the search box: to the first row found."""
        self._to_the_list = False
        if self.model.rowCount() > 0:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.selected_id() is None:
                self._select_row(0)

    def _on_view_activated(self, index: Any) -> None:
        value = self.model.data(index, RECORD_ID_ROLE)
        if value is not None:
            self.open_record(int(value))

    def _on_view_selection_changed(self, _selected: Any, _deselected: Any) -> None:
        self._update_actions()
        self.selection_changed.emit(self.selected_id() or 0)

    def _on_model_counts_changed(self, matching: int, total: int) -> None:
        locale = QLocale()
        noun = self.spec.noun if total == 1 else self.spec.plural
        noun = self.tr(noun)
        if matching == total:
            text = self.tr("{total} {noun}").format(total=locale.toString(total), noun=noun)
        else:
            text = self.tr("{matching} of {total} {noun}").format(
                matching=locale.toString(matching), total=locale.toString(total), noun=noun
            )
        if self._show_voided and self.spec.voided is not None:
            text += self.tr(" (voided records shown)")
        self._status = text
        self.status_changed.emit(text)
        self._say_what_matches_elsewhere(matching)
        self.empty_label.setVisible(total == 0 and bool(self.empty_label.text()))
        self._place_empty_label()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._place_empty_label()
        return super().eventFilter(watched, event)

    def _place_empty_label(self) -> None:
        area = self.view.viewport().rect()
        self.empty_label.setGeometry(area.adjusted(0, 0, 0, -area.height() // 3))

    def _filtered(self) -> bool:
        """True when a filter (not the search) narrows the list."""
        return any(c.currentData() is not None for c in self._filter_combos) or any(
            d.bounds() != (None, None) for d in self._date_ranges
        )

    def _say_what_matches_elsewhere(self, matching: int) -> None:
        """A search that finds nothing here says how many it finds with the filters off."""
        search = self.search.text().strip()
        if matching or not search or not self._filtered():
            self.elsewhere.say(search, 0)
            return
        everywhere = ListQuery(search=search, show_voided=self._show_voided)
        with self.ctx.db.read() as s:
            found = listing.count(s, self.spec, everywhere)
        self.elsewhere.say(search, found, self.tr(self.spec.noun), self.tr(self.spec.plural))

    def _on_elsewhere_show_requested(self) -> None:
        search = self.search.text()
        self.clear_filters()
        self.search.blockSignals(True)
        self.search.setText(search)
        self.search.blockSignals(False)
        self.apply_query()

    def _on_records_changed(self, table: str, record_id: int) -> None:
        if table not in self.spec.tables or not self.model.loaded:
            return
        own = bool(record_id) and table == self.record_table
        if own and self.model.refresh_record(record_id):
            self._update_actions()
            self.selection_changed.emit(self.selected_id() or 0)
            return
        self.apply_query(select=record_id if own else None)
