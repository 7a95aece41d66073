"""File → Import a spreadsheet…: bring a house's residents or peer mentors in from a sheet.

Four pages, each a step of :mod:`peerdesk.core.imports`:

1. **File** — residents or peer mentors, the ``.csv``/``.xlsx`` file, and how it was read.
2. **Columns** — which field each column fills (guessed from the headings, or remembered from
   the last import), a few values of each column beside it, and the order of ambiguous dates
   with an example from this very file.
3. **Check** — every row marked new, duplicate or wrong with its line number and reason,
   filtered by status; the person ticks the new rows to import and can correct a wrong row's
   cells here (the file itself is not changed) and check again.
4. **Done** — what was imported. The import is all or nothing, and the tabs refresh.

Reading the file, checking the rows and importing them run on a worker thread
(:class:`~peerdesk.ui.workers.BackgroundTask`) with a progress window that can cancel them;
nothing is written before the last step. Tests wait for :attr:`ImportWizard.work_finished`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from peerdesk.core import imports, vocab
from peerdesk.core.imports import (
    Cell,
    ColumnMapping,
    ImportKind,
    ImportResult,
    Preview,
    PreviewRow,
    RowStatus,
    Sheet,
)
from peerdesk.core.permissions import Action, refusal
from peerdesk.core.services import settings as settings_service
from peerdesk.core.services._common import fmt_date
from peerdesk.ui.context import UiContext
from peerdesk.ui.models.import_preview import LINE, NAME, STATUS, TICK, PreviewModel
from peerdesk.ui.widgets.forms import ERROR_COLOUR, MessageBanner, buddy_label, hint_label
from peerdesk.ui.widgets.sizing import fit_for_font
from peerdesk.ui.workers import BackgroundTask, WorkCancelled

PREFERRED_SIZE = QSize(1040, 700)
SAMPLE_VALUES = 3

# Settings remembered between imports (in the window's INI file).
FOLDER_KEY = "import/folder"
KIND_KEY = "import/kind"

FILE_PAGE, COLUMNS_PAGE, CHECK_PAGE, DONE_PAGE = range(4)

# A typed date whose first two numbers could be day or month: 3/7/2026, 03-07-26.
_MAYBE_AMBIGUOUS = re.compile(r"\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b")

# The field a service names in its refusal, as the column mapping calls it.
_SERVICE_FIELDS = {
    "phase_id": "phase",
    "mentor_id": "mentor",
    "living_situation": "living_situation_at_intake",
    "exit_living_situation": "living_situation_at_exit",
    "reason": "discharge_reason",
    "outcome": "discharge_outcome",
    "former_resident_id": "former_resident",
    "supervisor": "supervisor_name",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportWizard", text)


def field_text(label: str) -> str:
    """A field's label from the core (plain English), translatable in one context."""
    return QCoreApplication.translate("imports", label)


def column_letter(column: int) -> str:
    """The spreadsheet's name for a column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_name(sheet: Sheet, column: int) -> str:
    """``DOB (column C)``, or ``Column C`` when the heading is empty."""
    heading = sheet.header[column].strip()
    letter = column_letter(column)
    if not heading:
        return _tr("Column {letter}").format(letter=letter)
    return _tr("{heading} (column {letter})").format(heading=heading, letter=letter)


def cell_text(value: Cell, *, for_editing: bool = False) -> str:
    """A cell as the page shows it (a date cell as 7 Mar 2026, or 2026-03-07 to edit)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat() if for_editing else fmt_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def kind_words(kind: ImportKind, count: int) -> str:
    """``1 resident``, ``42 residents``, ``3 peer mentors``."""
    if kind is ImportKind.RESIDENTS:
        text = _tr("1 resident") if count == 1 else _tr("{n} residents")
    else:
        text = _tr("1 peer mentor") if count == 1 else _tr("{n} peer mentors")
    return text.format(n=f"{count:,}")


def _rows_words(count: int) -> str:
    return (_tr("1 row") if count == 1 else _tr("{n} rows")).format(n=f"{count:,}")


class AmbiguousDate:
    """The first date of a sheet that reads differently month first and day first."""

    def __init__(self, text: str, line: int, label: str, month_first: dt.date, day_first: dt.date):
        self.text = text
        self.line = line
        self.label = label
        self.month_first = month_first
        self.day_first = day_first


def find_ambiguous_date(sheet: Sheet, mapping: ColumnMapping) -> AmbiguousDate | None:
    """The first typed date in a date column that the date order changes, or None."""
    fields = {f.key: f for f in imports.fields_for(mapping.kind)}
    columns = [
        (column, fields[key].label)
        for column, key in enumerate(mapping.fields)
        if key is not None and fields[key].kind == "date"
    ]
    if not columns:
        return None
    for row in sheet.rows:
        for column, label in columns:
            value = row.cells[column]
            if not isinstance(value, str) or not _MAYBE_AMBIGUOUS.match(value):
                continue
            try:
                month = imports.read_date(value, vocab.DateOrder.MONTH_FIRST)
                day = imports.read_date(value, vocab.DateOrder.DAY_FIRST)
            except imports.ImportProblem:
                continue
            if month is not None and day is not None and month.value != day.value:
                return AmbiguousDate(value.strip(), row.line, label, month.value, day.value)
    return None


class _CellEdit(QLineEdit):
    """A line edit whose Enter applies the corrections instead of pressing the wizard's
    default button (which, on the check page, would import)."""

    entered = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


# --------------------------------------------------------------------------- pages


class _Page(QWizardPage):
    """A page with a message banner above its content."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.import_wizard = wizard
        self.banner = MessageBanner(self)
        self.column = QVBoxLayout(self)
        self.column.addWidget(self.banner)

    def isComplete(self) -> bool:
        return not self.import_wizard.busy


class FilePage(_Page):
    """Residents or peer mentors, and the file to read."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Choose the spreadsheet"))
        self.setSubTitle(
            self.tr(
                "Step 1 of 4. PeerDesk reads .csv files saved by any spreadsheet program and "
                "Excel .xlsx workbooks (their first sheet). Nothing is written until the last "
                "step."
            )
        )
        kinds = QGroupBox(self.tr("What the sheet holds"), self)
        kinds.setAccessibleName(self.tr("What the sheet holds"))
        self.residents_button = QRadioButton(self.tr("&Residents"), kinds)
        self.mentors_button = QRadioButton(self.tr("Peer &mentors"), kinds)
        for button in (self.residents_button, self.mentors_button):
            button.setAccessibleName(button.text().replace("&", ""))
        kind_column = QVBoxLayout(kinds)
        kind_column.addWidget(self.residents_button)
        kind_column.addWidget(self.mentors_button)
        kind_column.addWidget(
            hint_label(
                self.tr(
                    "Import the peer mentors first, then the residents: each resident's peer "
                    "mentor is found by name."
                ),
                kinds,
            )
        )
        self.kind_buttons = QButtonGroup(self)
        self.kind_buttons.addButton(self.residents_button)
        self.kind_buttons.addButton(self.mentors_button)

        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText(self.tr("Choose a .csv or .xlsx file"))
        self.path_edit.setClearButtonEnabled(True)
        self.choose_button = QPushButton(self.tr("C&hoose…"), self)
        self.choose_button.setAccessibleName(self.tr("Choose the file"))
        self.choose_button.setToolTip(self.tr("Find the spreadsheet on this PC or a USB drive"))
        file_row = QHBoxLayout()
        file_row.addWidget(buddy_label(self.tr("&File:"), self.path_edit, self))
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)

        self.read_label = MessageBanner(self)  # how the file was read, in a green box
        self.read_label.setAccessibleName(self.tr("How the file was read"))

        self.column.addWidget(kinds)
        self.column.addSpacing(8)
        self.column.addLayout(file_row)
        self.column.addWidget(self.read_label)
        self.column.addStretch(1)

        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.path_edit.editingFinished.connect(self._on_path_edit_editing_finished)
        self.kind_buttons.buttonToggled.connect(self._on_kind_buttons_toggled)

    @property
    def kind(self) -> ImportKind:
        return ImportKind.MENTORS if self.mentors_button.isChecked() else ImportKind.RESIDENTS

    def set_kind(self, kind: ImportKind) -> None:
        button = self.mentors_button if kind is ImportKind.MENTORS else self.residents_button
        button.setChecked(True)

    def isComplete(self) -> bool:
        return super().isComplete() and self.import_wizard.sheet is not None

    def validatePage(self) -> bool:
        self.import_wizard.ctx.settings.setValue(KIND_KEY, self.kind.value)
        return True

    def show_sheet(self, sheet: Sheet | None) -> None:
        """Say how the file was read (or nothing, when it could not be)."""
        if sheet is None:
            self.read_label.clear_message()
            return
        first, last = sheet.rows[0].line, sheet.rows[-1].line
        self.read_label.show_message(
            self.tr(
                "Read {file} as {source}: {rows} under the heading row on line {header} "
                "(lines {first}–{last}), {columns} columns."
            ).format(
                file=sheet.file_name,
                source=sheet.source,
                rows=_rows_words(len(sheet.rows)),
                header=sheet.header_line,
                first=first,
                last=last,
                columns=len(sheet.header),
            ),
            "success",
        )

    def _on_choose_button_clicked(self) -> None:
        settings = self.import_wizard.ctx.settings
        current = self.path_edit.text().strip()
        folder = str(Path(current).parent) if current else str(settings.value(FOLDER_KEY, ""))
        if not folder or not Path(folder).is_dir():
            folder = str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the spreadsheet to import"),
            folder,
            self.tr("Spreadsheets (*.csv *.xlsx *.txt);;All files (*)"),
        )
        if not path:
            return
        settings.setValue(FOLDER_KEY, str(Path(path).parent))
        self.path_edit.setText(path)
        self.import_wizard.read_file(Path(path))

    def _on_path_edit_editing_finished(self) -> None:
        text = self.path_edit.text().strip()
        wizard = self.import_wizard
        if text and Path(text) != wizard.file_path and not wizard.busy:
            wizard.read_file(Path(text))

    def _on_kind_buttons_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self.import_wizard.kind = self.kind


class ColumnsPage(_Page):
    """Which field each column fills, and how ambiguous dates read."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Say which column holds what"))
        self.setSubTitle(
            self.tr(
                "Step 2 of 4. PeerDesk guessed from the headings; correct any column that is "
                "wrong. Columns left out are not imported."
            )
        )
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)

        # One row per spreadsheet column: its heading, a field to fill, a few of its values.
        self.grid_holder = QWidget()
        self.grid_holder.setObjectName("columnGrid")
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setColumnStretch(2, 1)
        self.grid.setHorizontalSpacing(12)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll.setWidget(self.grid_holder)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.grid_label = buddy_label(self.tr("Which &field each column fills:"), self.grid_holder)
        self.grid_holder.setAccessibleName(self.tr("Columns of the sheet"))
        self.combos: list[QComboBox] = []
        self.samples: list[QLabel] = []

        self.missing_label = QLabel(self)
        self.missing_label.setWordWrap(True)
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.missing_label.setAccessibleName(self.tr("Fields still needed"))

        dates = QGroupBox(self.tr("Dates typed like 3/7/2026"), self)
        dates.setAccessibleName(self.tr("Order of day and month"))
        self.month_first = QRadioButton(dates)
        self.day_first = QRadioButton(dates)
        self.order_buttons = QButtonGroup(self)
        self.order_buttons.addButton(self.month_first)
        self.order_buttons.addButton(self.day_first)
        self.date_example = QLabel(dates)
        self.date_example.setWordWrap(True)
        self.date_example.setTextFormat(Qt.TextFormat.PlainText)
        date_column = QVBoxLayout(dates)
        date_column.addWidget(self.date_example)
        date_column.addWidget(self.month_first)
        date_column.addWidget(self.day_first)

        self.column.addWidget(self.intro)
        self.column.addWidget(self.grid_label)
        self.column.addWidget(self.scroll, 1)
        self.column.addWidget(self.missing_label)
        self.column.addWidget(dates)
        self.order_buttons.buttonToggled.connect(self._on_order_buttons_toggled)
        self._example_for: tuple[Sheet, tuple[tuple[int, str | None], ...]] | None = None

    def initializePage(self) -> None:
        wizard = self.import_wizard
        wizard.offer_mapping()
        self._build_rows()
        self._show_order()
        self._update()

    def isComplete(self) -> bool:
        mapping = self.import_wizard.mapping
        return super().isComplete() and mapping is not None and not mapping.missing()

    # -- building ----------------------------------------------------------------------

    def _build_rows(self) -> None:
        wizard = self.import_wizard
        sheet, mapping = wizard.sheet, wizard.mapping
        assert sheet is not None
        assert mapping is not None
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.combos, self.samples = [], []
        fields = imports.fields_for(mapping.kind)
        bold = self.font()
        bold.setBold(True)
        for heading, text in enumerate((self.tr("Column"), self.tr("Field"), self.tr("Values"))):
            label = QLabel(text, self.grid_holder)
            label.setFont(bold)
            self.grid.addWidget(label, 0, heading)
        for column in range(len(sheet.header)):
            name = QLabel(column_name(sheet, column), self.grid_holder)
            name.setTextFormat(Qt.TextFormat.PlainText)
            combo = QComboBox(self.grid_holder)
            combo.addItem(self.tr("(leave out)"), None)
            for f in fields:
                combo.addItem(field_text(f.label), f.key)
            combo.setAccessibleName(
                self.tr("Field for {column}").format(column=column_name(sheet, column))
            )
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setCurrentIndex(max(0, combo.findData(mapping.fields[column])))
            combo.currentIndexChanged.connect(
                lambda _index, c=column: self._on_combo_current_index_changed(c)
            )
            sample = QLabel(self._samples(sheet, column), self.grid_holder)
            sample.setTextFormat(Qt.TextFormat.PlainText)
            sample.setStyleSheet("color: #4a4a4a;")
            sample.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.grid.addWidget(name, column + 1, 0)
            self.grid.addWidget(combo, column + 1, 1)
            self.grid.addWidget(sample, column + 1, 2)
            for widget in (name, combo, sample):
                widget.show()
            self.combos.append(combo)
            self.samples.append(sample)
        self.grid.setRowStretch(len(sheet.header) + 1, 1)
        if self.combos:
            # Alt+F jumps into the list at its first column; Tab goes on down the list.
            self.grid_holder.setFocusProxy(self.combos[0])
        remembered = wizard.remembered
        self.intro.setText(
            (
                self.tr(
                    "{file}: {columns} columns. The choices of your last import of {what} are "
                    "filled in where the headings are the same."
                )
                if remembered
                else self.tr("{file}: {columns} columns.")
            ).format(
                file=sheet.file_name, columns=len(sheet.header), what=wizard.mapping_kind_label
            )
        )

    def _samples(self, sheet: Sheet, column: int) -> str:
        seen: list[str] = []
        for row in sheet.rows:
            text = cell_text(row.cells[column]).replace("\r", " ").replace("\n", " ").strip()
            if text and text not in seen:
                seen.append(text[:40] + ("…" if len(text) > 40 else ""))
                if len(seen) == SAMPLE_VALUES:
                    break
        return "  ·  ".join(seen) if seen else self.tr("(empty)")

    # -- changes -----------------------------------------------------------------------

    def _on_combo_current_index_changed(self, column: int) -> None:
        wizard = self.import_wizard
        assert wizard.mapping is not None
        field = self.combos[column].currentData()
        wizard.mapping = wizard.mapping.assign(column, field)
        # A field fills one column: the column that had it is left out now.
        for other, combo in enumerate(self.combos):
            wanted = max(0, combo.findData(wizard.mapping.fields[other]))
            if combo.currentIndex() != wanted:
                combo.blockSignals(True)
                combo.setCurrentIndex(wanted)
                combo.blockSignals(False)
        self._update()

    def _on_order_buttons_toggled(self, button: QAbstractButton, checked: bool) -> None:
        if checked:
            self.import_wizard.date_order = (
                vocab.DateOrder.DAY_FIRST
                if button is self.day_first
                else vocab.DateOrder.MONTH_FIRST
            )

    def _show_order(self) -> None:
        order = self.import_wizard.date_order
        button = self.day_first if order is vocab.DateOrder.DAY_FIRST else self.month_first
        button.setChecked(True)

    def _update(self) -> None:
        wizard = self.import_wizard
        mapping = wizard.mapping
        assert mapping is not None
        missing = mapping.missing()
        if missing:
            names = self.tr(" and ").join(field_text(m).lower() for m in missing)
            self.missing_label.setText(
                self.tr(
                    "No column holds the {fields} yet: choose the column that holds it above, "
                    "or add it to the spreadsheet and choose the file again."
                ).format(fields=names)
            )
            self.missing_label.show()
        else:
            self.missing_label.clear()
            self.missing_label.hide()
        self._update_date_example()
        self.completeChanged.emit()

    def _update_date_example(self) -> None:
        wizard = self.import_wizard
        sheet, mapping = wizard.sheet, wizard.mapping
        assert sheet is not None
        assert mapping is not None
        dates = {f.key for f in imports.fields_for(mapping.kind) if f.kind == "date"}
        date_columns = tuple((i, f) for i, f in enumerate(mapping.fields) if f in dates)
        done = self._example_for
        if done is not None and done[0] is sheet and done[1] == date_columns:
            return  # the same date columns of the same sheet: the same example
        self._example_for = (sheet, date_columns)
        example = find_ambiguous_date(sheet, mapping)
        setting = wizard.house_date_order
        if example is None:
            self.month_first.setText(self.tr("&Month first, as in 3/7/2026 = 7 Mar 2026"))
            self.day_first.setText(self.tr("&Day first, as in 3/7/2026 = 3 Jul 2026"))
            self.date_example.setText(
                self.tr(
                    "No date in this file can be read both ways, so this choice changes "
                    "nothing here."
                )
            )
        else:
            self.month_first.setText(
                self.tr("&Month first: {text} is {date}").format(
                    text=example.text, date=fmt_date(example.month_first)
                )
            )
            self.day_first.setText(
                self.tr("&Day first: {text} is {date}").format(
                    text=example.text, date=fmt_date(example.day_first)
                )
            )
            self.date_example.setText(
                self.tr(
                    "Line {line} has {field} {text}, which could be either date. How does this "
                    "file write its dates? (The house setting is {setting}.)"
                ).format(
                    line=example.line,
                    field=field_text(example.label).lower(),
                    text=example.text,
                    setting=(
                        self.tr("day first")
                        if setting is vocab.DateOrder.DAY_FIRST
                        else self.tr("month first")
                    ),
                )
            )
        for button in (self.month_first, self.day_first):
            button.setAccessibleName(button.text().replace("&", ""))


class CheckPage(_Page):
    """Every row new, duplicate or wrong; ticks; corrections; then Import."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._fix_line: int | None = None  # the line whose row is selected
        self.setTitle(self.tr("Check the rows before they are written"))
        self.setSubTitle(
            self.tr(
                "Step 3 of 4. Ticked new rows are imported. Duplicates (already in the "
                "records) and wrong rows are left out; select a wrong row to correct it here."
            )
        )
        self.setCommitPage(True)
        self.counts_label = QLabel(self)
        self.counts_label.setWordWrap(True)
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.counts_label.setAccessibleName(self.tr("Row counts"))

        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[RowStatus | None, QPushButton] = {}
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Show:"), self))
        for status in (None, RowStatus.NEW, RowStatus.DUPLICATE, RowStatus.WRONG):
            button = QPushButton(self)
            button.setCheckable(True)
            button.setAutoDefault(False)
            self.filter_group.addButton(button)
            self.filter_buttons[status] = button
            filters.addWidget(button)
        filters.addStretch(1)
        self.tick_all_button = QPushButton(self.tr("&Tick all new"), self)
        self.untick_all_button = QPushButton(self.tr("Untick a&ll"), self)
        self.check_again_button = QPushButton(self.tr("Check a&gain"), self)
        self.check_again_button.setToolTip(
            self.tr("Check every row again against the records as they are now")
        )
        for button in (self.tick_all_button, self.untick_all_button, self.check_again_button):
            button.setAutoDefault(False)
            button.setAccessibleName(button.text().replace("&", ""))
            filters.addWidget(button)

        self.model = PreviewModel(self)
        self.filter_buttons[None].setChecked(True)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Rows of the sheet"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(False)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(round(self.fontMetrics().height() * 1.6))
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        width = self.fontMetrics().averageCharWidth()
        for column, chars in ((TICK, 8), (LINE, 7), (STATUS, 11), (NAME, 26)):
            header.resizeSection(column, width * chars)  # Details, the last, stretches
        self.view_label = buddy_label(self.tr("R&ows:"), self.view, self)
        self.space = QShortcut(QKeySequence(Qt.Key.Key_Space), self.view)
        self.space.setContext(Qt.ShortcutContext.WidgetShortcut)

        # The selected wrong row's cells, to correct here (the file is not changed).
        self.fix_box = QGroupBox(self)
        self.fix_box.setAccessibleName(self.tr("Correct the selected row"))
        self.fix_heading = QLabel(self.fix_box)
        self.fix_heading.setWordWrap(True)
        self.fix_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.fix_reason = QLabel(self.fix_box)
        self.fix_reason.setWordWrap(True)
        self.fix_reason.setTextFormat(Qt.TextFormat.PlainText)
        self.fix_reason.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.fix_cells = QWidget(self.fix_box)
        self.fix_cells.setObjectName("fixCells")
        # Two cells to a line, the wrong one first, so a whole row fits without scrolling.
        self.fix_grid = QGridLayout(self.fix_cells)
        self.fix_grid.setContentsMargins(0, 0, 0, 0)
        self.fix_grid.setColumnStretch(1, 1)
        self.fix_grid.setColumnStretch(3, 1)
        self.fix_scroll = QScrollArea(self.fix_box)
        self.fix_scroll.setWidgetResizable(True)
        self.fix_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.fix_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fix_scroll.setWidget(self.fix_cells)
        self.fix_button = QPushButton(self.tr("&Use these corrections"), self.fix_box)
        self.fix_button.setAutoDefault(False)
        self.fix_button.setAccessibleName(self.tr("Use these corrections"))
        self.fix_button.setToolTip(
            self.tr("Check the rows again with the corrected cells (the file is not changed)")
        )
        self.fix_hint = hint_label(
            self.tr(
                "Or leave it: a wrong row is not imported. Correct it in the spreadsheet later "
                "and import the file again; rows already imported then show as duplicates."
            ),
            self.fix_box,
        )
        self.fix_edits: dict[int, _CellEdit] = {}
        fix_column = QVBoxLayout(self.fix_box)
        fix_column.addWidget(self.fix_heading)
        fix_column.addWidget(self.fix_reason)
        fix_column.addWidget(self.fix_scroll, 1)
        fix_row = QHBoxLayout()
        fix_row.addWidget(self.fix_hint, 1)
        fix_row.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignTop)
        fix_column.addLayout(fix_row)
        self.fix_heading.setBuddy(self.fix_cells)
        self.fix_box.hide()

        self.column.addWidget(self.counts_label)
        self.column.addLayout(filters)
        self.column.addWidget(self.view_label)
        self.column.addWidget(self.view, 1)
        self.column.addWidget(self.fix_box)

        for status, button in self.filter_buttons.items():
            button.toggled.connect(
                lambda checked, s=status: self._on_filter_button_toggled(s, checked)
            )
        self.model.ticks_changed.connect(self._on_model_ticks_changed)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        self.tick_all_button.clicked.connect(lambda: self.model.set_all_ticked(True))
        self.untick_all_button.clicked.connect(lambda: self.model.set_all_ticked(False))
        self.check_again_button.clicked.connect(self._on_check_again_button_clicked)
        self.fix_button.clicked.connect(self._on_fix_button_clicked)
        self.space.activated.connect(self._on_space_activated)
        self._update_buttons_text(0)

    # -- the wizard's calls ------------------------------------------------------------

    def initializePage(self) -> None:
        wizard = self.import_wizard
        if wizard.preview is None or not wizard.preview_is_current():
            wizard.check_rows()
        else:
            self.show_preview()

    def isComplete(self) -> bool:
        wizard = self.import_wizard
        return (
            super().isComplete()
            and wizard.preview is not None
            and wizard.preview_is_current()
            and self.model.ticked_count > 0
        )

    def validatePage(self) -> bool:
        wizard = self.import_wizard
        if wizard.imported is not None:
            return True
        if not self.isComplete():
            return False
        wizard.import_ticked_rows(self.model.ticked_lines)
        return False  # the wizard moves on once the import has finished

    def show_preview(self, message: str = "", kind: str = "info") -> None:
        """Show the wizard's preview (keeping the person's ticks and filter)."""
        wizard = self.import_wizard
        preview = wizard.preview
        selected = self._fix_line
        self.model.set_preview(preview, unticked=wizard.unticked)
        if preview is None:
            self.counts_label.setText(self.tr("The rows have not been checked."))
        for status, button in self.filter_buttons.items():
            button.setText(self._filter_text(status))
            button.setAccessibleName(button.text().replace("&", ""))
        self._update_counts()
        if message:
            self.banner.show_message(message, kind)
        else:
            self.banner.clear_message()
        self._select_line(selected)
        self.completeChanged.emit()

    def _filter_text(self, status: RowStatus | None) -> str:
        preview = self.import_wizard.preview
        rows = preview.rows if preview is not None else ()
        count = sum(1 for r in rows if status is None or r.status is status)
        text = {
            None: self.tr("&All ({n})"),
            RowStatus.NEW: self.tr("&New ({n})"),
            RowStatus.DUPLICATE: self.tr("&Duplicates ({n})"),
            RowStatus.WRONG: self.tr("&Wrong ({n})"),
        }[status]
        return text.format(n=f"{count:,}")

    def _update_counts(self) -> None:
        preview = self.import_wizard.preview
        if preview is None:
            return
        new, duplicates, wrong = len(preview.new), len(preview.duplicates), len(preview.wrong)
        ticked = self.model.ticked_count
        if duplicates == 1:
            text = self.tr(
                "{rows} in {file}: {new} new ({ticked} ticked to import), 1 duplicate, "
                "{wrong} wrong."
            )
        else:
            text = self.tr(
                "{rows} in {file}: {new} new ({ticked} ticked to import), {duplicates} "
                "duplicates, {wrong} wrong."
            )
        text = text.format(
            rows=_rows_words(len(preview.rows)),
            file=preview.file_name,
            new=f"{new:,}",
            ticked=f"{ticked:,}",
            duplicates=f"{duplicates:,}",
            wrong=f"{wrong:,}",
        )
        if not new:
            text += " " + self.tr("No row is new, so there is nothing to import.")
        elif not ticked:
            text += " " + self.tr("Tick at least one new row to import.")
        self.counts_label.setText(text)

    def _update_buttons_text(self, ticked: int) -> None:
        kind = self.import_wizard.kind
        text = self.tr("&Import {what}").format(what=kind_words(kind, ticked))
        self.setButtonText(QWizard.WizardButton.CommitButton, text)
        button = self.import_wizard.button(QWizard.WizardButton.CommitButton)
        button.setAccessibleName(text.replace("&", ""))

    # -- selection and corrections -----------------------------------------------------

    def _select_line(self, line: int | None) -> None:
        row = self.model.row_of_line(line) if line is not None else None
        if row is None:
            self.view.selectionModel().clearSelection()
            self._show_fix(None)
            return
        index = self.model.index(row, NAME)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)
        self._show_fix(self.model.preview_row(row))

    def select_line(self, line: int) -> None:
        """Select a spreadsheet line in the table (showing its cells if it is wrong)."""
        self._select_line(line)

    def _show_fix(self, row: PreviewRow | None) -> None:
        wizard = self.import_wizard
        while self.fix_grid.count():
            item = self.fix_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.fix_edits = {}
        if row is None or row.status is not RowStatus.WRONG or wizard.sheet is None:
            self._fix_line = None if row is None else row.line
            self.fix_box.hide()
            return
        sheet, mapping = wizard.sheet, wizard.mapping
        assert mapping is not None
        self._fix_line = row.line
        cells = next(r.cells for r in sheet.rows if r.line == row.line)
        wrong_column = self._column_of(row.field)
        first: _CellEdit | None = None
        columns = [c for c, key in enumerate(mapping.fields) if key is not None]
        columns.sort(key=lambda c: c != wrong_column)  # the wrong cell first
        for place, column in enumerate(columns):
            key = mapping.fields[column]
            assert key is not None
            edit = _CellEdit(self.fix_cells)
            # Full height always: the cells scroll rather than squeeze at a large font.
            edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            edit.setText(cell_text(cells[column], for_editing=True))
            edit.setProperty("original", edit.text())
            edit.setAccessibleName(
                self.tr("{field}, line {line}").format(
                    field=field_text(imports.field_label(mapping.kind, key)), line=row.line
                )
            )
            edit.entered.connect(self._on_fix_button_clicked)
            label = QLabel(
                self.tr("{field} ({column}):").format(
                    field=field_text(imports.field_label(mapping.kind, key)),
                    column=column_letter(column),
                ),
                self.fix_cells,
            )
            label.setBuddy(edit)
            if column == wrong_column:
                label.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
                edit.setAccessibleDescription(row.reason)
                first = edit
            line, pair = divmod(place, 2)
            self.fix_grid.addWidget(label, line, pair * 2)
            self.fix_grid.addWidget(edit, line, pair * 2 + 1)
            # Shown now, not when the layout gets round to it, so the sizes below count them.
            label.show()
            edit.show()
            self.fix_edits[column] = edit
        self.fix_box.setTitle(
            self.tr("Line {line}: {name}").format(line=row.line, name=row.name.replace("&", "&&"))
        )
        self.fix_heading.setText(
            self.tr("Co&rrect the cells of line {line} here, then use the corrections:").format(
                line=row.line
            )
        )
        self.fix_reason.setText(row.reason)
        focus = first or next(iter(self.fix_edits.values()), None)
        # Alt+R (the heading's mnemonic) goes to the wrong cell.
        self.fix_cells.setFocusProxy(focus)
        # The cells keep their height (the scroll area would squeeze them before the grid has
        # been laid out), with room for three lines of them (the wrong one is on the first).
        self.fix_cells.setMinimumHeight(self.fix_grid.sizeHint().height())
        if focus is not None:
            lines = min(3, (len(self.fix_edits) + 1) // 2)
            spacing = max(0, self.fix_grid.verticalSpacing())
            self.fix_scroll.setMinimumHeight(lines * (focus.sizeHint().height() + spacing) + 2)
        self.fix_box.show()
        self.fix_scroll.verticalScrollBar().setValue(0)

    def _column_of(self, field: str) -> int | None:
        mapping = self.import_wizard.mapping
        assert mapping is not None
        key = _SERVICE_FIELDS.get(field, field)
        column = mapping.column_of(key) if key else None
        if column is None and key in ("first_name", "last_name"):
            column = mapping.column_of(imports.FULL_NAME)
        return column

    def corrections(self) -> dict[int, str]:
        """The cells of the shown row the person changed: column → new text."""
        return {
            column: edit.text()
            for column, edit in self.fix_edits.items()
            if edit.text() != edit.property("original")
        }

    def _on_fix_button_clicked(self) -> None:
        if self._fix_line is None:
            return
        changes = self.corrections()
        if not changes:
            self.banner.show_message(
                self.tr("Nothing was changed on line {line}; correct a cell first.").format(
                    line=self._fix_line
                ),
                "info",
            )
            return
        self.import_wizard.correct_row(self._fix_line, changes)

    def _on_view_current_row_changed(self, current: Any, _previous: Any) -> None:
        row = current.row() if current.isValid() else -1
        self._show_fix(self.model.preview_row(row) if row >= 0 else None)

    def _on_filter_button_toggled(self, status: RowStatus | None, checked: bool) -> None:
        if not checked:
            return
        line = self._fix_line
        self.model.set_filter(status)
        if line is None or self.model.row_of_line(line) is None:
            # The selected row is filtered out: select the first shown (a wrong row's cells
            # appear at once under "Wrong").
            line = self.model.preview_row(0).line if self.model.rowCount() else None
        self._select_line(line)

    def _on_model_ticks_changed(self, ticked: int) -> None:
        self.import_wizard.unticked = set(self.model.unticked_lines)
        self._update_buttons_text(ticked)
        self._update_counts()
        self.completeChanged.emit()

    def _on_check_again_button_clicked(self) -> None:
        self.import_wizard.check_rows()

    def _on_space_activated(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        row = self.model.preview_row(index.row())
        if row.status is RowStatus.NEW:
            self.model.set_ticked(row.line, row.line in self.model.unticked_lines)


class DonePage(_Page):
    """What the import wrote."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Imported"))
        self.setSubTitle(self.tr("Step 4 of 4."))
        self.setFinalPage(True)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName(self.tr("What was imported"))
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.summary.setFont(font)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.column.addWidget(self.summary)
        self.column.addSpacing(8)
        self.column.addWidget(self.details)
        self.column.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.import_wizard
        result = wizard.imported
        assert result is not None
        self.summary.setText(result_sentence(result))
        lines = []
        if result.wrong_skipped:
            lines.append(
                (
                    self.tr("1 wrong row was left out.")
                    if result.wrong_skipped == 1
                    else self.tr("{n} wrong rows were left out.")
                ).format(n=f"{result.wrong_skipped:,}")
                + " "
                + self.tr(
                    "Correct the spreadsheet and import it again: the rows imported now will "
                    "show as duplicates and be skipped."
                )
            )
        if result.not_chosen:
            lines.append(
                (
                    self.tr("1 new row was not ticked and was left out.")
                    if result.not_chosen == 1
                    else self.tr("{n} new rows were not ticked and were left out.")
                ).format(n=f"{result.not_chosen:,}")
            )
        if wizard.corrected_lines:
            lines.append(
                self.tr("Corrections made here were imported; the spreadsheet file is unchanged.")
            )
        lines.append(
            self.tr("The column choices are remembered for the next import of {what}.").format(
                what=result.kind.label
            )
        )
        tab = self.tr("Residents") if result.kind is ImportKind.RESIDENTS else self.tr("Mentors")
        lines.append(self.tr("They are on the {tab} tab now.").format(tab=tab))
        self.details.setText("\n\n".join(lines))


def result_sentence(result: ImportResult) -> str:
    """``42 residents imported from house.csv; 3 duplicates skipped.``"""
    what = kind_words(result.kind, result.imported)
    if result.duplicates_skipped == 0:
        text = _tr("{what} imported from {file}; no duplicates.")
    elif result.duplicates_skipped == 1:
        text = _tr("{what} imported from {file}; 1 duplicate skipped.")
    else:
        text = _tr("{what} imported from {file}; {n} duplicates skipped.")
    return text.format(what=what, file=result.file_name, n=f"{result.duplicates_skipped:,}")


# --------------------------------------------------------------------------- the wizard


class ImportWizard(QWizard):
    """File, columns, check, done. ``imported`` holds what was imported (None until then)."""

    # A read, check or import ended and what it found is on show.
    work_finished = Signal()

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Import a spreadsheet"))
        self.setAccessibleName(self.tr("Import a spreadsheet"))
        self.setModal(True)
        self.setSizeGripEnabled(True)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)

        # What the pages have found so far.
        self.kind = ImportKind.RESIDENTS
        self.file_path: Path | None = None
        self.source_sheet: Sheet | None = None  # as read from the file
        self.sheet: Sheet | None = None  # with the corrections made on the check page
        self.corrected_lines: set[int] = set()
        self.mapping: ColumnMapping | None = None
        self.remembered = False
        self.mapping_kind_label = ""
        self._mapping_for: tuple[Sheet, ImportKind] | None = None
        self.house_date_order = vocab.DateOrder.MONTH_FIRST
        self.date_order: vocab.DateOrder | None = None
        self.preview: Preview | None = None
        self._preview_for: tuple[Sheet, ColumnMapping, vocab.DateOrder | None] | None = None
        self.unticked: set[int] = set()
        self.imported: ImportResult | None = None
        self.task: BackgroundTask | None = None
        self._task_name = ""
        self._then: Callable[[], None] | None = None  # what to do once the task has ended
        self._after_correction: int | None = None  # the line corrected before this check

        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.check_page = CheckPage(self)
        self.done_page = DonePage(self)
        self.setPage(FILE_PAGE, self.file_page)
        self.setPage(COLUMNS_PAGE, self.columns_page)
        self.setPage(CHECK_PAGE, self.check_page)
        self.setPage(DONE_PAGE, self.done_page)
        self.setStartId(FILE_PAGE)

        for which, text in (
            (QWizard.WizardButton.BackButton, self.tr("< &Back")),
            (QWizard.WizardButton.NextButton, self.tr("&Next >")),
            (QWizard.WizardButton.CancelButton, self.tr("&Cancel")),
            (QWizard.WizardButton.FinishButton, self.tr("&Close")),
        ):
            self.setButtonText(which, text)
            self.button(which).setAccessibleName(text.replace("&", "").strip("<> "))
        self.button(QWizard.WizardButton.CancelButton).setToolTip(
            self.tr("Close without importing anything (Esc)")
        )

        remembered_kind = str(ctx.settings.value(KIND_KEY, ImportKind.RESIDENTS.value))
        self.kind = (
            ImportKind.MENTORS
            if remembered_kind == ImportKind.MENTORS.value
            else ImportKind.RESIDENTS
        )
        self.file_page.set_kind(self.kind)
        if not ctx.actor.may(Action.IMPORT_DATA):
            self.file_page.banner.show_message(refusal(ctx.actor.role, Action.IMPORT_DATA), "info")
            for widget in (self.file_page.path_edit, self.file_page.choose_button):
                widget.setEnabled(False)
        self.currentIdChanged.connect(self._on_current_id_changed)
        fit_for_font(self, PREFERRED_SIZE)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> ImportResult | None:
        """Walk the person through an import; what was imported, or None."""
        wizard = cls(parent, ctx)
        try:
            wizard.exec()
            return wizard.imported
        finally:
            wizard.deleteLater()

    # -- what the self-test and the dialog tests look at -------------------------------

    def _page_now(self) -> _Page:
        page = self.currentPage()
        return page if isinstance(page, _Page) else self.file_page

    @property
    def banner(self) -> MessageBanner:
        """The message banner of the page on show."""
        return self._page_now().banner

    @property
    def body(self) -> QWidget:
        """The page on show."""
        return self._page_now()

    @property
    def busy(self) -> bool:
        """True while a file is read, rows are checked or an import runs."""
        return self.task is not None

    # -- the work of each step ----------------------------------------------------------

    def read_file(self, path: Path) -> None:
        """Read ``path`` on a worker; the file page then says how it was read."""
        if self.busy:
            return
        page = self.file_page
        page.banner.clear_message()
        page.show_sheet(None)
        self.file_path = path
        self.source_sheet = self.sheet = None
        self.preview = None

        def work(_progress: Callable[[float], None], _cancelled: Callable[[], bool]) -> Sheet:
            return imports.read_sheet(path)

        task = self._start(
            "read",
            work,
            self.tr("Reading the spreadsheet"),
            self.tr("Reading {file}…").format(file=path.name),
        )
        if task.dialog is not None:
            task.dialog.setRange(0, 0)  # reading cannot tell how far it is: a busy bar
        task.succeeded.connect(self._on_read_succeeded)
        task.failed.connect(self._on_read_failed)
        task.cancelled.connect(self._on_read_cancelled)
        task.start()

    def _on_read_succeeded(self, sheet: Sheet) -> None:
        self.source_sheet = self.sheet = sheet
        self.corrected_lines = set()
        self.unticked = set()
        self.file_page.show_sheet(sheet)

    def _on_read_failed(self, sentence: str) -> None:
        self.file_path = None  # the same path may be read again once the file is put right
        self.file_page.banner.show_message(sentence, "error")

    def _on_read_cancelled(self) -> None:
        self.file_path = None
        self.file_page.banner.show_message(
            self.tr("Reading was stopped; choose the file again to read it."), "info"
        )

    def offer_mapping(self) -> None:
        """The mapping offered for this sheet and kind (remembered, else guessed), unless the
        person already chose one for them."""
        sheet = self.source_sheet
        assert sheet is not None
        assert self.sheet is not None
        done = self._mapping_for
        if done is not None and done[0] is sheet and done[1] is self.kind:
            return  # keep what the person chose for this sheet
        with self.ctx.db.read() as s:
            offered = imports.offered_mapping(s, self.kind, sheet.header)
            self.house_date_order = settings_service.get_settings(s).date_order
        self.mapping = offered
        self.remembered = offered != imports.guess_mapping(self.kind, sheet.header)
        self.mapping_kind_label = self.kind.label
        self._mapping_for = (sheet, self.kind)
        if self.date_order is None:
            self.date_order = self.house_date_order

    def preview_is_current(self) -> bool:
        """True when the preview on show was made from the sheet, mapping and date order now."""
        if self.preview is None or self._preview_for is None:
            return False
        sheet, mapping, order = self._preview_for
        return sheet is self.sheet and mapping == self.mapping and order is self.date_order

    def check_rows(self, message: str = "", kind: str = "info") -> None:
        """Check every row (new, duplicate, wrong) on a worker; nothing is written."""
        if self.busy:
            return
        sheet, mapping, order = self.sheet, self.mapping, self.date_order
        assert sheet is not None
        assert mapping is not None
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> Preview:
            try:
                with db.read() as s:
                    return imports.preview_import(
                        s,
                        actor,
                        sheet,
                        mapping,
                        date_order=order,
                        progress=_core_progress(progress, cancelled),
                    )
            except imports.ImportCancelled:
                raise WorkCancelled from None

        self.check_page.banner.clear_message()
        task = self._start(
            "check",
            work,
            self.tr("Checking the rows"),
            self.tr("Checking {rows} against the records…").format(
                rows=_rows_words(len(sheet.rows))
            ),
        )
        inputs = (sheet, mapping, order)
        task.succeeded.connect(
            lambda preview: self._on_check_succeeded(preview, inputs, message, kind)
        )
        task.failed.connect(self._on_check_failed)
        task.cancelled.connect(self._on_check_cancelled)
        task.start()

    def _on_check_succeeded(
        self,
        preview: Preview,
        inputs: tuple[Sheet, ColumnMapping, vocab.DateOrder | None],
        message: str,
        kind: str,
    ) -> None:
        self.preview = preview
        self._preview_for = inputs
        self.check_page.show_preview(message, kind)

    def _on_check_failed(self, sentence: str) -> None:
        self.preview = None
        self.check_page.show_preview(sentence, "error")

    def _on_check_cancelled(self) -> None:
        self.preview = None
        self.check_page.show_preview(
            self.tr(
                "Checking was stopped; nothing was written. Press Check again to check the "
                "rows, or Back to change the columns."
            ),
            "info",
        )

    def correct_row(self, line: int, changes: dict[int, str]) -> None:
        """Use corrected cells of one row (the file is not changed) and check again."""
        sheet = self.sheet
        if sheet is None or self.busy:
            return
        for column, text in changes.items():
            sheet = sheet.with_cell(line, column, text.strip())
        self.sheet = sheet
        self.corrected_lines.add(line)
        self._after_correction = line
        self.check_rows()

    def import_ticked_rows(self, lines: list[int]) -> None:
        """Import the ticked new rows on a worker, all or nothing; then show the result."""
        preview = self.preview
        assert preview is not None
        db, actor = self.ctx.db, self.ctx.actor
        written: list[ImportResult] = []

        def work(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> ImportResult:
            try:
                with db.begin() as s:
                    result = imports.import_rows(
                        s, actor, preview, lines, progress=_core_progress(progress, cancelled)
                    )
            except imports.ImportCancelled:
                raise WorkCancelled from None
            written.append(result)
            return result

        self.check_page.banner.clear_message()
        task = self._start(
            "import",
            work,
            self.tr("Importing"),
            self.tr("Writing {what}…").format(what=kind_words(preview.kind, len(lines))),
        )
        task.succeeded.connect(self._on_import_succeeded)
        task.failed.connect(self._on_import_failed)
        # Cancel pressed while the rows were being committed: they were written all the same.
        task.cancelled.connect(
            lambda: (
                self._on_import_succeeded(written[0]) if written else self._on_import_cancelled()
            )
        )
        task.start()

    def _on_import_succeeded(self, result: ImportResult) -> None:
        self.imported = result
        self.ctx.announce("residents" if result.kind is ImportKind.RESIDENTS else "mentors", 0)

    def _on_import_failed(self, sentence: str) -> None:
        # The records changed since the check (or the rows were refused now): nothing was
        # written; check again so the table shows the records as they are.
        message = (
            sentence
            + " "
            + self.tr("The rows below were checked again; look at them and import again.")
        )
        self._then = lambda: self.check_rows(message, "error")

    def _on_import_cancelled(self) -> None:
        self.check_page.banner.show_message(
            self.tr("The import was stopped; nothing was written."), "info"
        )

    # -- running work ------------------------------------------------------------------

    def _start(self, name: str, work: Callable[..., Any], title: str, label: str) -> BackgroundTask:
        if self.task is not None:
            raise RuntimeError("One piece of work at a time.")
        task = BackgroundTask(work, parent=self, title=title, label=label)
        self.task = task
        self._task_name = name
        task.finished.connect(self._on_task_finished)
        # The progress window shows after a moment; until then nothing else may start.
        for page in self._pages():
            page.setEnabled(False)
        self._sync_buttons()
        return task

    def _pages(self) -> tuple[_Page, ...]:
        return (self.file_page, self.columns_page, self.check_page, self.done_page)

    def _on_task_finished(self) -> None:
        name = self._task_name
        self.task = None
        self._task_name = ""
        for page in self._pages():
            page.setEnabled(True)
        self._sync_buttons()
        then, self._then = self._then, None
        if name == "import" and self.imported is not None:
            self.next()  # on to the result page
        elif name == "check" and self._after_correction is not None:
            self._say_how_correction_went()
        if then is not None:
            then()
        if self.task is None:
            self.work_finished.emit()

    def _say_how_correction_went(self) -> None:
        line = self._after_correction
        self._after_correction = None
        if self.preview is None or line is None:
            return
        row = next((r for r in self.preview.rows if r.line == line), None)
        if row is None:
            return
        page = self.check_page
        if row.status is RowStatus.NEW:
            page.banner.show_message(
                self.tr("Line {line} is new now and ticked to import.").format(line=line),
                "success",
            )
            self._next_wrong_after(line)
        elif row.status is RowStatus.DUPLICATE:
            page.banner.show_message(
                self.tr("Line {line} is a duplicate now: {reason}.").format(
                    line=line, reason=row.reason
                ),
                "info",
            )
        else:
            page.banner.show_message(
                self.tr("Line {line} is still wrong: {reason}").format(
                    line=line, reason=row.reason
                ),
                "error",
            )
            page.select_line(line)

    def _next_wrong_after(self, line: int) -> None:
        assert self.preview is not None
        wrong = [r.line for r in self.preview.wrong]
        following = [w for w in wrong if w > line] or wrong
        if following:
            self.check_page.select_line(following[0])

    def _sync_buttons(self) -> None:
        """Next (or Import) and Back wait while work runs."""
        page = self.currentPage()
        if page is not None:
            page.completeChanged.emit()
        if self.task is not None:
            self.button(QWizard.WizardButton.BackButton).setEnabled(False)

    def _on_current_id_changed(self, page_id: int) -> None:
        # On the check page Enter must not import: the person presses Import on purpose.
        self.setOption(QWizard.WizardOption.NoDefaultButton, page_id == CHECK_PAGE)
        self._sync_buttons()

    def done(self, result: int) -> None:
        """Closing waits for an import to finish, and stops a read or a check first."""
        task = self.task
        if task is not None:
            if self._task_name == "import":
                return
            task.cancel()
            task.wait()
        super().done(result)


def _core_progress(
    progress: Callable[[float], None], cancelled: Callable[[], bool]
) -> imports.Progress:
    """The core's (done, total) → keep going? callback, on top of a worker's progress."""

    def report(done: int, total: int) -> bool:
        progress(done / total if total else 1.0)
        return not cancelled()

    return report
