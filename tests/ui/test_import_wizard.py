"""The import wizard over a real database, with spreadsheets written by each test.

Every page is driven through its own widgets (the file dialog and the progress window are the
only things patched or clicked from outside); each test waits for ``work_finished`` rather
than sleeping, since reading, checking and importing run on a worker thread.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QModelIndex, Qt, QThread, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QPushButton, QWidget, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from peerdesk.core import dto, imports, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.imports import ImportKind, ImportResult, RowStatus
from peerdesk.core.models import AuditEvent, Mentor, Resident
from peerdesk.core.services import residents
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.import_wizard import (
    CHECK_PAGE,
    COLUMNS_PAGE,
    DONE_PAGE,
    FILE_PAGE,
    FOLDER_KEY,
    ImportWizard,
)
from peerdesk.ui.models.import_preview import PAGE_SIZE, TICK, PreviewModel
from tests import factories as f
from tests.ui.dialog_support import Announcements, control_problems, make_context, row_counts
from tests.ui.import_support import (
    WAIT_MS,
    FileDialog,
    choose,
    next_page,
    press_import,
    to_check_page,
    write_csv,
)


@pytest.fixture
def ctx(db: Database, admin: Actor) -> UiContext:
    return make_context(db, admin)


@pytest.fixture
def wizard(qtbot: QtBot, ctx: UiContext) -> ImportWizard:
    w = ImportWizard(None, ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def file_dialog(monkeypatch: pytest.MonkeyPatch) -> FileDialog:
    return FileDialog(monkeypatch)


def resident_names(db: Database) -> list[str]:
    with db.read() as s:
        rows = s.execute(select(Resident.first_name, Resident.last_name).order_by(Resident.id))
        return [f"{first} {last}" for first, last in rows]


def import_audit_lines(db: Database) -> list[str]:
    with db.read() as s:
        return list(
            s.execute(select(AuditEvent.summary).where(AuditEvent.action == "import")).scalars()
        )


@pytest.fixture
def jamie(db: Database, admin: Actor) -> dto.Resident:
    """A resident already in the house (a duplicate of one row of the messy sheet)."""
    with db.begin() as s:
        return f.resident(s, admin, "Jamie", "Doe", dob=dt.date(1990, 5, 1))


MESSY = [
    "First Name;Last;DOB;Move-in;Room #;Bed;Phase;Notes;;",
    'José;O\'Neil;3/7/1990;2026-06-01;201;A;SOS;"likes; coffee";;',
    "",
    "Ann;Lee;1985-07-13;7 Jun 2026;201;B;Phase I;;;",
    "Jamie;Doe;1990-05-01;2026-06-02;202;A;SOS;already here;;",
    "Marcus;Bell;31/31/1979;2026-06-03;202;B;SOS;;;",
]


# --------------------------------------------------------------------------- page 1: the file


def test_the_file_page_says_how_a_messy_csv_was_read_and_remembers_the_folder(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    ctx: UiContext,
    tmp_path: Path,
) -> None:
    page = wizard.file_page
    assert wizard.currentId() == FILE_PAGE
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert control_problems(wizard) == []

    folder = tmp_path / "usb stick"
    folder.mkdir()
    path = write_csv(folder / "house.csv", MESSY)
    choose(qtbot, wizard, file_dialog, path)

    assert page.path_edit.text() == str(path)
    assert page.read_label.text() == (
        "Read house.csv as CSV, UTF-8, semicolons: 4 rows under the heading row on line 1 "
        "(lines 2–6), 8 columns."
    )
    assert page.read_label.isVisible() and not page.banner.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert ctx.settings.value(FOLDER_KEY) == str(folder)

    # Next time the file dialog opens in that folder.
    choose(qtbot, wizard, file_dialog, path)
    assert file_dialog.folders[-1] == str(folder)
    wizard2 = ImportWizard(None, ctx)
    qtbot.addWidget(wizard2)
    file_dialog.path = None
    wizard2.file_page.choose_button.click()
    assert file_dialog.folders[-1] == str(folder)
    assert wizard2.sheet is None  # nothing chosen, nothing read


@pytest.mark.parametrize(
    ("name", "data", "sentence"),
    [
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0" + bytes(100),
            "old.xls is an old Excel file (.xls); open it in Excel and save it as .xlsx or CSV, "
            "then import that.",
        ),
        ("empty.csv", b"", "empty.csv is empty; choose the file that holds the records."),
    ],
)
def test_an_unreadable_file_is_one_sentence_on_the_page(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    tmp_path: Path,
    name: str,
    data: bytes,
    sentence: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    choose(qtbot, wizard, file_dialog, path)
    page = wizard.file_page
    assert page.banner.isVisible() and page.banner.text() == sentence
    assert not page.read_label.isVisible()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_a_path_typed_in_is_read_too(qtbot: QtBot, wizard: ImportWizard, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    page = wizard.file_page
    page.path_edit.setText(str(missing))
    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        page.path_edit.editingFinished.emit()
    assert page.banner.text() == f"There is no file {missing}; check the name and the folder."
    # Once the file is there, the same path is read again.
    write_csv(missing, MESSY)
    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        page.path_edit.editingFinished.emit()
    assert not page.banner.isVisible()
    assert wizard.sheet is not None and len(wizard.sheet.rows) == 4


def test_an_excel_workbook_is_read_with_its_date_cells(
    qtbot: QtBot, wizard: ImportWizard, file_dialog: FileDialog, db: Database, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Residents"
    sheet.append(["First", "Last", "DOB", "Intake Date"])
    sheet.append(["Rosa", "Diaz", dt.datetime(1988, 4, 12), 46174])  # a serial: 2026-06-01
    path = tmp_path / "house.xlsx"
    book.save(path)
    choose(qtbot, wizard, file_dialog, path)
    assert "as Excel workbook, sheet Residents: 1 row" in wizard.file_page.read_label.text()
    next_page(qtbot, wizard)
    assert wizard.columns_page.samples[2].text() == "12 Apr 1988"
    next_page(qtbot, wizard)
    press_import(qtbot, wizard)
    with db.read() as s:
        rosa = s.execute(select(Resident)).scalar_one()
        assert rosa.date_of_birth == dt.date(1988, 4, 12)


# --------------------------------------------------------------------------- page 2: columns


def test_the_columns_page_guesses_shows_values_and_names_what_is_missing(
    qtbot: QtBot, wizard: ImportWizard, file_dialog: FileDialog, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "binder.csv",
        ["Given name,Surname,Born,Came in,Room #", "Ana,Avila,1990-01-02,2026-06-01,12"],
    )
    choose(qtbot, wizard, file_dialog, path)
    next_page(qtbot, wizard)
    page = wizard.columns_page
    assert wizard.currentId() == COLUMNS_PAGE
    assert [c.currentText() for c in page.combos] == [
        "First name",
        "Last name",
        "Date of birth",
        "(leave out)",
        "Room",
    ]
    assert page.samples[0].text() == "Ana"
    assert page.samples[3].text() == "2026-06-01"
    assert page.missing_label.isVisible()
    assert page.missing_label.text() == (
        "No column holds the intake date yet: choose the column that holds it above, or add it "
        "to the spreadsheet and choose the file again."
    )
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert control_problems(wizard) == []

    page.combos[3].setCurrentIndex(page.combos[3].findText("Intake date"))

    assert not page.missing_label.isVisible()
    assert wizard.mapping is not None and wizard.mapping.column_of("intake_date") == 3
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_correcting_the_mapping_moves_a_field_and_the_import_follows_it(
    qtbot: QtBot, wizard: ImportWizard, file_dialog: FileDialog, db: Database, tmp_path: Path
) -> None:
    # "Start" is guessed as the intake date, but this house's "Start" is the phase.
    path = write_csv(
        tmp_path / "house.csv",
        ["First,Last,Start,Moved in", "Ana,Avila,Phase I,2026-06-01"],
    )
    choose(qtbot, wizard, file_dialog, path)
    next_page(qtbot, wizard)
    page = wizard.columns_page
    assert page.combos[2].currentText() == "Intake date"
    assert page.combos[3].currentText() == "(leave out)"

    page.combos[3].setCurrentIndex(page.combos[3].findText("Intake date"))
    # A field fills one column: the column that had it is left out now.
    assert page.combos[2].currentText() == "(leave out)"
    page.combos[2].setCurrentIndex(page.combos[2].findText("Phase"))

    next_page(qtbot, wizard)
    assert [r.status for r in wizard.preview.rows] == [RowStatus.NEW]  # type: ignore[union-attr]
    press_import(qtbot, wizard)
    with db.read() as s:
        ana = residents.get_resident(s, s.execute(select(Resident.id)).scalar_one())
    assert ana.current_phase is not None and ana.current_phase.phase_name == "Phase I"
    assert ana.current_stay is not None and ana.current_stay.intake_date == dt.date(2026, 6, 1)


def test_the_date_order_is_shown_with_a_date_of_this_file_and_used(
    qtbot: QtBot, wizard: ImportWizard, file_dialog: FileDialog, db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "house.csv",
        ["First,Last,DOB,Intake", "Ana,Avila,1990-01-02,2026-06-01", "Ben,Brooks,,3/5/2026"],
    )
    choose(qtbot, wizard, file_dialog, path)
    next_page(qtbot, wizard)
    page = wizard.columns_page
    assert page.month_first.isChecked()  # the house setting
    assert page.month_first.text() == "&Month first: 3/5/2026 is 5 Mar 2026"
    assert page.day_first.text() == "&Day first: 3/5/2026 is 3 May 2026"
    assert page.date_example.text() == (
        "Line 3 has intake date 3/5/2026, which could be either date. How does this file "
        "write its dates? (The house setting is month first.)"
    )
    page.day_first.click()
    assert wizard.date_order is vocab.DateOrder.DAY_FIRST
    next_page(qtbot, wizard)
    ben = next(r for r in wizard.preview.rows if r.line == 3)  # type: ignore[union-attr]
    assert ben.notes == ("Intake date 3/5/2026 read as 3 May 2026 (day first)",)
    press_import(qtbot, wizard)
    with db.read() as s:
        intakes = sorted(
            residents.get_resident(s, rid).current_stay.intake_date  # type: ignore[union-attr]
            for rid in s.execute(select(Resident.id)).scalars()
        )
    assert intakes == [dt.date(2026, 5, 3), dt.date(2026, 6, 1)]


def test_a_file_without_ambiguous_dates_says_the_order_changes_nothing(
    qtbot: QtBot, wizard: ImportWizard, file_dialog: FileDialog, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "house.csv", ["First,Last,Intake", "Ana,Avila,25/12/2025"])
    choose(qtbot, wizard, file_dialog, path)
    next_page(qtbot, wizard)
    assert wizard.columns_page.date_example.text() == (
        "No date in this file can be read both ways, so this choice changes nothing here."
    )


# --------------------------------------------------------------------------- the whole way


def test_a_messy_csv_all_the_way_through(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    ctx: UiContext,
    db: Database,
    jamie: dto.Resident,
    tmp_path: Path,
) -> None:
    heard = Announcements.listen(ctx)
    path = write_csv(tmp_path / "house.csv", MESSY)
    choose(qtbot, wizard, file_dialog, path)
    next_page(qtbot, wizard)
    assert wizard.columns_page.month_first.text() == "&Month first: 3/7/1990 is 7 Mar 1990"
    before = row_counts(db)
    next_page(qtbot, wizard)

    # The check wrote nothing.
    assert row_counts(db) == before
    page = wizard.check_page
    assert page.counts_label.text() == (
        "4 rows in house.csv: 2 new (2 ticked to import), 1 duplicate, 1 wrong."
    )
    assert [b.text() for b in page.filter_buttons.values()] == [
        "&All (4)",
        "&New (2)",
        "&Duplicates (1)",
        "&Wrong (1)",
    ]
    model = page.model
    shown = [
        (model.index(r, 1).data(), model.index(r, 2).data(), model.index(r, 3).data())
        for r in range(model.rowCount())
    ]
    assert shown == [
        ("2", "New", "José O'Neil"),
        ("4", "New", "Ann Lee"),
        ("5", "Duplicate", "Jamie Doe"),
        ("6", "Wrong", "Marcus Bell"),
    ]
    assert model.index(0, 4).data() == "Date of birth 3/7/1990 read as 7 Mar 1990 (month first)"
    assert model.index(2, 4).data() == "Already in the records (same name and date of birth)"
    assert model.index(3, 4).data() == (
        'Date of birth "31/31/1979" is not a date; write it like 2026-03-07.'
    )
    assert model.index(0, TICK).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.index(2, TICK).data(Qt.ItemDataRole.CheckStateRole) is None
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.text() == "&Import 2 residents" and commit.isEnabled()
    assert control_problems(wizard) == []

    press_import(qtbot, wizard)

    assert wizard.currentId() == DONE_PAGE
    done = wizard.done_page
    assert done.summary.text() == "2 residents imported from house.csv; 1 duplicate skipped."
    assert "1 wrong row was left out." in done.details.text()
    assert "They are on the Residents tab now." in done.details.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert resident_names(db) == ["Jamie Doe", "José O'Neil", "Ann Lee"]
    assert import_audit_lines(db) == ["Imported 2 residents from house.csv"]
    assert heard.seen == [("residents", 0)]
    assert isinstance(wizard.imported, ImportResult) and wizard.imported.imported == 2
    assert control_problems(wizard) == []


def test_unticked_rows_and_filters(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    db: Database,
    jamie: dto.Resident,
    tmp_path: Path,
) -> None:
    to_check_page(qtbot, wizard, file_dialog, write_csv(tmp_path / "house.csv", MESSY))
    page = wizard.check_page
    commit = wizard.button(QWizard.WizardButton.CommitButton)

    page.filter_buttons[RowStatus.WRONG].click()
    assert [page.model.preview_row(r).line for r in range(page.model.rowCount())] == [6]
    assert page.fix_box.isVisible()  # the first wrong row is selected with its cells
    page.filter_buttons[RowStatus.NEW].click()
    assert [page.model.preview_row(r).line for r in range(page.model.rowCount())] == [2, 4]

    page.untick_all_button.click()
    assert page.model.ticked_count == 0 and not commit.isEnabled()
    assert page.counts_label.text().endswith("Tick at least one new row to import.")
    page.tick_all_button.click()
    assert commit.text() == "&Import 2 residents"
    # Untick Ann with the mouse-free way: Space on her row.
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(1, 3))
    QTest.keyClick(page.view, Qt.Key.Key_Space)
    assert page.model.ticked_lines == [2]
    assert commit.text() == "&Import 1 resident"
    # Enter does not import: the person presses Import on purpose.
    QTest.keyClick(page.view, Qt.Key.Key_Return)
    assert wizard.currentId() == CHECK_PAGE and resident_names(db) == ["Jamie Doe"]

    press_import(qtbot, wizard)
    assert resident_names(db) == ["Jamie Doe", "José O'Neil"]
    assert "1 new row was not ticked and was left out." in wizard.done_page.details.text()


def test_fixing_a_wrong_cell_in_the_preview(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    db: Database,
    jamie: dto.Resident,
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "house.csv", MESSY)
    on_disk = path.read_bytes()
    to_check_page(qtbot, wizard, file_dialog, path)
    page = wizard.check_page
    page.select_line(6)
    assert page.fix_box.isVisible()
    assert page.fix_box.title() == "Line 6: Marcus Bell"
    assert page.fix_reason.text() == (
        'Date of birth "31/31/1979" is not a date; write it like 2026-03-07.'
    )
    # The wrong cell comes first, and Alt+R reaches it.
    wrong = next(iter(page.fix_edits.values()))
    assert wrong is page.fix_edits[2] and wrong.text() == "31/31/1979"
    assert page.fix_cells.focusProxy() is wrong
    assert control_problems(wizard) == []

    # A correction that is still wrong says so and keeps the row selected.
    wrong.setText("31/13/1979")
    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        QTest.keyClick(wrong, Qt.Key.Key_Return)  # Enter uses the corrections, never imports
    assert page.banner.text() == (
        'Line 6 is still wrong: Date of birth "31/13/1979" is not a date; write it like 2026-03-07.'
    )
    assert page.fix_box.isVisible() and page.fix_edits[2].text() == "31/13/1979"

    page.fix_edits[2].setText("1979-03-31")
    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        page.fix_button.click()

    assert page.banner.text() == "Line 6 is new now and ticked to import."
    marcus = next(r for r in wizard.preview.rows if r.line == 6)  # type: ignore[union-attr]
    assert marcus.status is RowStatus.NEW
    assert page.model.ticked_lines == [2, 4, 6]
    assert page.counts_label.text().startswith("4 rows in house.csv: 3 new (3 ticked")
    press_import(qtbot, wizard)
    assert "Corrections made here were imported" in wizard.done_page.details.text()
    with db.read() as s:
        born = s.execute(
            select(Resident.date_of_birth).where(Resident.last_name == "Bell")
        ).scalar_one()
    assert born == dt.date(1979, 3, 31)
    assert path.read_bytes() == on_disk  # the spreadsheet itself is not changed


def test_an_unchanged_correction_says_so(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    jamie: dto.Resident,
    tmp_path: Path,
) -> None:
    to_check_page(qtbot, wizard, file_dialog, write_csv(tmp_path / "house.csv", MESSY))
    page = wizard.check_page
    page.select_line(6)
    page.fix_button.click()
    assert not wizard.busy
    assert page.banner.text() == "Nothing was changed on line 6; correct a cell first."


def test_cancelling_the_check_writes_nothing_and_check_again_works(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    release = threading.Event()
    real = imports.preview_import

    def held(*args: Any, **kwargs: Any) -> imports.Preview:
        assert release.wait(WAIT_MS / 1000), "the test never let the check go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "preview_import", held)
    choose(qtbot, wizard, file_dialog, write_csv(tmp_path / "house.csv", MESSY))
    next_page(qtbot, wizard)
    before = row_counts(db)
    wizard.button(QWizard.WizardButton.NextButton).click()
    task = wizard.task
    assert task is not None and task.dialog is not None
    # While it works, neither Import nor Back can be pressed.
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    qtbot.waitUntil(task.dialog.isVisible, timeout=WAIT_MS)
    cancel = task.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        cancel.click()
        release.set()

    page = wizard.check_page
    assert wizard.currentId() == CHECK_PAGE and wizard.preview is None
    assert page.banner.text() == (
        "Checking was stopped; nothing was written. Press Check again to check the rows, or "
        "Back to change the columns."
    )
    assert page.model.rowCount() == 0
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert row_counts(db) == before

    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        page.check_again_button.click()
    assert page.model.rowCount() == 4
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_cancelling_the_import_writes_nothing(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    to_check_page(qtbot, wizard, file_dialog, write_csv(tmp_path / "house.csv", MESSY))
    release = threading.Event()
    real = imports.import_rows

    def held(*args: Any, **kwargs: Any) -> ImportResult:
        assert release.wait(WAIT_MS / 1000), "the test never let the import go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "import_rows", held)
    before = row_counts(db)
    wizard.button(QWizard.WizardButton.CommitButton).click()
    task = wizard.task
    assert task is not None and task.dialog is not None
    # Closing the wizard while rows are written does not leave them half-done.
    wizard.reject()
    assert wizard.isVisible()
    qtbot.waitUntil(task.dialog.isVisible, timeout=WAIT_MS)
    with qtbot.waitSignal(wizard.work_finished, timeout=WAIT_MS):
        task.dialog.findChild(QPushButton).click()  # type: ignore[union-attr]
        release.set()
    assert wizard.check_page.banner.text() == "The import was stopped; nothing was written."
    assert wizard.currentId() == CHECK_PAGE and wizard.imported is None
    assert row_counts(db) == before


def test_all_or_nothing_when_the_records_changed_after_the_check(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    ctx: UiContext,
    db: Database,
    admin: Actor,
    tmp_path: Path,
) -> None:
    heard = Announcements.listen(ctx)
    to_check_page(qtbot, wizard, file_dialog, write_csv(tmp_path / "house.csv", MESSY))
    assert wizard.check_page.model.ticked_lines == [2, 4, 5]
    # Someone admits Ann Lee at the intake form meanwhile.
    with db.begin() as s:
        f.resident(s, admin, "Ann", "Lee", dob=dt.date(1985, 7, 13))
    before = row_counts(db)

    press_import(qtbot, wizard)

    assert row_counts(db) == before  # not José, not Jamie: nothing
    assert import_audit_lines(db) == []
    assert heard.seen == []
    page = wizard.check_page
    assert wizard.currentId() == CHECK_PAGE and wizard.imported is None
    assert page.banner.text() == (
        "Ann Lee (line 4) is in the records now; nothing was imported. Preview the file again. "
        "The rows below were checked again; look at them and import again."
    )
    ann = next(r for r in wizard.preview.rows if r.line == 4)  # type: ignore[union-attr]
    assert ann.status is RowStatus.DUPLICATE
    assert page.model.ticked_lines == [2, 5]

    press_import(qtbot, wizard)
    assert wizard.done_page.summary.text() == (
        "2 residents imported from house.csv; 1 duplicate skipped."
    )


def test_the_remembered_mapping_is_offered_next_time(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    ctx: UiContext,
    db: Database,
    tmp_path: Path,
) -> None:
    lines = ["First,Last,Came in,Start", "Ana,Avila,2026-06-01,SOS"]
    choose(qtbot, wizard, file_dialog, write_csv(tmp_path / "june.csv", lines))
    next_page(qtbot, wizard)
    page = wizard.columns_page
    assert page.intro.text() == "june.csv: 4 columns."
    page.combos[2].setCurrentIndex(page.combos[2].findText("Intake date"))
    page.combos[3].setCurrentIndex(page.combos[3].findText("Phase"))
    next_page(qtbot, wizard)
    press_import(qtbot, wizard)

    again = ImportWizard(None, ctx)
    qtbot.addWidget(again)
    again.show()
    lines = ["First,Last,Came in,Start", "Ben,Brooks,2026-06-02,Phase I"]
    choose(qtbot, again, file_dialog, write_csv(tmp_path / "july.csv", lines))
    next_page(qtbot, again)
    combos = again.columns_page.combos
    assert [c.currentText() for c in combos] == ["First name", "Last name", "Intake date", "Phase"]
    assert again.columns_page.intro.text() == (
        "july.csv: 4 columns. The choices of your last import of residents are filled in where "
        "the headings are the same."
    )


def test_going_back_keeps_the_choices_and_a_new_kind_gets_its_own(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    db: Database,
    tmp_path: Path,
) -> None:
    lines = ["Name,Start date,Notes", "Maya Lopez,2024-01-01,"]
    choose(qtbot, wizard, file_dialog, write_csv(tmp_path / "staff.csv", lines))
    next_page(qtbot, wizard)
    combos = wizard.columns_page.combos
    combos[2].setCurrentIndex(0)  # leave the notes out
    wizard.back()
    next_page(qtbot, wizard)
    assert wizard.columns_page.combos[2].currentText() == "(leave out)"
    wizard.back()
    wizard.file_page.mentors_button.click()
    next_page(qtbot, wizard)
    assert [c.currentText() for c in wizard.columns_page.combos] == [
        "Full name",
        "Start date",
        "Notes",
    ]
    next_page(qtbot, wizard)
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "&Import 1 peer mentor"
    press_import(qtbot, wizard)
    assert wizard.done_page.summary.text() == (
        "1 peer mentor imported from staff.csv; no duplicates."
    )
    assert "They are on the Mentors tab now." in wizard.done_page.details.text()
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Mentor)).scalar_one() == 1


def test_closing_while_the_rows_are_checked_stops_the_check(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    release = threading.Event()
    real = imports.preview_import

    def held(*args: Any, **kwargs: Any) -> imports.Preview:
        release.wait(WAIT_MS / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "preview_import", held)
    choose(qtbot, wizard, file_dialog, write_csv(tmp_path / "house.csv", MESSY))
    next_page(qtbot, wizard)
    wizard.button(QWizard.WizardButton.NextButton).click()
    task = wizard.task
    assert task is not None
    QTimer.singleShot(0, release.set)  # the check goes on only once the wizard waits for it
    wizard.reject()
    assert not wizard.isVisible() and wizard.result() == QDialog.DialogCode.Rejected
    assert task.outcome is not None and task.outcome.cancelled
    assert wizard.preview is None and not wizard.busy


# --------------------------------------------------------------------------- a big sheet


def test_a_2000_row_sheet_is_checked_off_the_window_thread_and_paged(
    qtbot: QtBot,
    wizard: ImportWizard,
    file_dialog: FileDialog,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    lines = ["First Name,Last Name,DOB,Intake Date,Phase"]
    lines += [f"Person{n},Family{n},1980-01-{1 + n % 28:02d},2026-05-01,SOS" for n in range(2000)]
    path = write_csv(tmp_path / "big.csv", lines)
    choose(qtbot, wizard, file_dialog, path)
    next_page(qtbot, wizard)

    # A clock in the window's thread: if the check ran there, it could not tick meanwhile.
    ticked = threading.Event()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(ticked.set)
    timer.start()
    seen: dict[str, Any] = {}
    real = imports.preview_import

    def watched(*args: Any, **kwargs: Any) -> imports.Preview:
        seen["thread"] = QThread.currentThread()
        started = time.perf_counter()
        preview = real(*args, **kwargs)
        seen["seconds"] = time.perf_counter() - started
        # The check is done but not handed back yet: the window still answers.
        ticked.clear()
        seen["window alive"] = ticked.wait(WAIT_MS / 1000)
        return preview

    monkeypatch.setattr(imports, "preview_import", watched)
    next_page(qtbot, wizard)
    timer.stop()
    print(f"\n2,000 rows checked in {seen['seconds']:.2f} s off the window's thread")

    assert seen["thread"] is not QThread.currentThread()
    assert seen["window alive"]
    model = wizard.check_page.model
    assert model.matching_rows == 2000
    assert model.rowCount() == PAGE_SIZE  # the first page; more as the view scrolls
    assert len(wizard.findChildren(QWidget)) < 300  # no widget per row
    wizard.check_page.view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > PAGE_SIZE, timeout=WAIT_MS)
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "&Import 2,000 residents"


def test_the_preview_model_passes_qts_model_tester(
    qtmodeltester: Any, db: Database, admin: Actor, jamie: dto.Resident, tmp_path: Path
) -> None:
    lines = [*MESSY, *(f"P{n};Q{n};1980-01-01;2026-06-01;;;SOS;;;" for n in range(450))]
    sheet = imports.read_sheet(write_csv(tmp_path / "house.csv", lines))
    with db.read() as s:
        mapping = imports.offered_mapping(s, ImportKind.RESIDENTS, sheet.header)
        preview = imports.preview_import(s, admin, sheet, mapping)
    model = PreviewModel()
    model.set_preview(preview, unticked={4})
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE
    qtmodeltester.check(model)  # fetches the rest, as a view scrolled to the end would
    assert model.rowCount() == 454 and not model.canFetchMore(QModelIndex())
    assert model.ticked_count == 451
    index = model.index(0, TICK)
    assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.ticked_count == 450
    assert not model.setData(model.index(2, TICK), 2, Qt.ItemDataRole.CheckStateRole)  # dupe
    model.set_filter(RowStatus.WRONG)
    assert model.rowCount() == 1 and model.preview_row(0).line == 6
    qtmodeltester.check(model)
    model.set_preview(None)
    assert model.rowCount() == 0 and model.ticked_count == 0


# --------------------------------------------------------------------------- ask and permission


def test_ask_returns_what_was_imported_or_none(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    file_dialog: FileDialog,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "house.csv", MESSY)

    def walk_through(w: ImportWizard) -> int:
        qtbot.addWidget(w)
        w.show()
        to_check_page(qtbot, w, file_dialog, path)
        press_import(qtbot, w)
        w.button(QWizard.WizardButton.FinishButton).click()
        return w.result()

    monkeypatch.setattr(ImportWizard, "exec", walk_through)
    result = ImportWizard.ask(None, ctx)
    assert isinstance(result, ImportResult) and result.imported == 3

    def cancel(w: ImportWizard) -> int:
        qtbot.addWidget(w)
        w.reject()
        return w.result()

    monkeypatch.setattr(ImportWizard, "exec", cancel)
    before = row_counts(db)
    assert ImportWizard.ask(None, ctx) is None
    assert row_counts(db) == before


@pytest.fixture
def viewer_ctx(db: Database) -> UiContext:
    return make_context(db, Actor(username="val", role=vocab.Role.VIEWER))


def test_a_role_that_may_not_import_is_told_so_on_the_first_page(
    qtbot: QtBot, viewer_ctx: UiContext
) -> None:
    w = ImportWizard(None, viewer_ctx)
    qtbot.addWidget(w)
    w.show()
    assert w.banner.text() == "A viewer account may not import a spreadsheet. Ask an administrator."
    assert not w.file_page.choose_button.isEnabled()
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()
