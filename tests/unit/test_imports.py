"""Spreadsheet import: messy real-world files made here, read, mapped, previewed, imported.

Every file is written by the test in the shape houses really have: Excel's BOM and CRLF,
semicolons from a European Excel, Windows-1252 from an old PC, quoted commas and line breaks,
blank lines, trailing empty columns, Excel date cells and serial numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from peerdesk.core import imports, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ImportProblem, PermissionDenied
from peerdesk.core.exports import CsvTable, export_csv
from peerdesk.core.exports import rows as export_rows
from peerdesk.core.imports import ImportKind, RowStatus
from peerdesk.core.models import AuditEvent, Mentor, Preference, Resident, Stay
from peerdesk.core.services import mentors, residents, settings
from peerdesk.core.services.stay_answers import answers_of, record_answers
from tests import factories as f

RESIDENTS = ImportKind.RESIDENTS
MENTORS = ImportKind.MENTORS


def counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {
            t.__tablename__: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (Resident, Stay, Mentor, AuditEvent, Preference)
        }


def preview(
    db: Database,
    admin: Actor,
    sheet: imports.Sheet,
    kind: ImportKind = RESIDENTS,
    order: vocab.DateOrder | None = None,
) -> imports.Preview:
    with db.begin() as s:
        mapping = imports.offered_mapping(s, kind, sheet.header)
        return imports.preview_import(s, admin, sheet, mapping, date_order=order)


def by_line(result: imports.Preview) -> dict[int, imports.PreviewRow]:
    return {row.line: row for row in result.rows}


# --------------------------------------------------------------------------- reading CSV

MESSY = (
    "\ufeffFirst Name;Last;DOB;Move-in;Room #;Bed;Notes;;\r\n"
    'José;O\'Neil;1990-05-01;2026-03-07;1;A;"likes; coffee\r\nand, tea";;\r\n'
    "\r\n"
    ";;;;;;;;\r\n"
    'Ann;Lee;1985-07-13;7 Mar 2026;2;B;\'=HYPERLINK("x");;\r\n'
)


def test_a_messy_excel_csv_is_read_row_by_row_with_spreadsheet_line_numbers() -> None:
    sheet = imports.read_csv_bytes(MESSY.encode("utf-8"), "house.csv")
    assert sheet.source == "CSV, UTF-8, semicolons"
    # The BOM is gone and the trailing empty columns are dropped.
    assert sheet.header == ("First Name", "Last", "DOB", "Move-in", "Room #", "Bed", "Notes")
    assert [row.line for row in sheet.rows] == [2, 5]  # blank lines skipped, still counted
    jose, ann = sheet.rows
    assert jose.cells[:2] == ("José", "O'Neil")
    assert jose.cells[6] == "likes; coffee\r\nand, tea"
    # The apostrophe an export puts before formula-looking text is taken off again.
    assert ann.cells[6] == '=HYPERLINK("x")'


def test_windows_1252_commas_and_bare_line_feeds() -> None:
    text = 'First,Last,Intake\n"Zoë","Muñoz, Jr.",3/7/2026\nRené,D\'Arcy,3/7/2026\n'
    sheet = imports.read_csv_bytes(text.encode("cp1252"), "old-pc.csv")
    assert sheet.source == "CSV, Windows-1252, commas"
    assert sheet.rows[0].cells == ("Zoë", "Muñoz, Jr.", "3/7/2026")
    assert sheet.rows[1].cells[:2] == ("René", "D'Arcy")


def test_excel_unicode_text_is_utf16_with_tabs() -> None:
    sheet = imports.read_csv_bytes("First\tLast\r\nJosé\tÑúñez\r\n".encode("utf-16"), "u.txt")
    assert sheet.source == "CSV, UTF-16, tabs"
    assert sheet.rows[0].cells == ("José", "Ñúñez")


def test_a_delimiter_inside_quoted_headers_does_not_fool_the_sniffer() -> None:
    sheet = imports.read_csv_bytes(
        b'"Last, First";DOB;Phase\r\n"Doe, Jamie";1990-01-01;SOS\r\n', "x"
    )
    assert sheet.header == ("Last, First", "DOB", "Phase")


def test_only_the_apostrophe_before_a_formula_start_is_taken_off() -> None:
    sheet = imports.read_csv_bytes(b"A,B,C,D,E\r\n'+1,'-2,'@x,'hello,O'Neil\r\n", "q.csv")
    assert sheet.rows[0].cells == ("+1", "-2", "@x", "'hello", "O'Neil")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "is empty"),
        (b"\r\n\r\n;;;\r\n", "is empty"),
        (b"First,Last\r\n\r\n", "no rows under it"),
    ],
)
def test_empty_files_say_so(data: bytes, words: str) -> None:
    with pytest.raises(ImportProblem, match=words):
        imports.read_csv_bytes(data, "x.csv")


def test_files_that_cannot_be_read_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ImportProblem, match="There is no file"):
        imports.read_sheet(tmp_path / "missing.csv")
    with pytest.raises(ImportProblem, match="is a folder"):
        imports.read_sheet(tmp_path)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    with pytest.raises(ImportProblem, match=r"old Excel file \(\.xls\).*save it as \.xlsx"):
        imports.read_sheet(old)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(ImportProblem, match="could not be read as an Excel workbook"):
        imports.read_sheet(broken)


def test_a_title_above_the_header_is_skipped_but_a_one_column_sheet_still_reads() -> None:
    sheet = imports.read_csv_bytes(
        b"Residents June 2026,,\r\n\r\nFirst,Last,Intake\r\nA,B,C\r\n", "t"
    )
    assert (sheet.header_line, sheet.header, sheet.rows[0].line) == (
        3,
        ("First", "Last", "Intake"),
        4,
    )
    sheet = imports.read_csv_bytes(b"Name\r\nJamie Doe\r\nAnn Lee\r\n", "names.csv")
    assert (sheet.header, len(sheet.rows)) == (("Name",), 2)


def test_a_csv_file_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "residents.txt"
    path.write_bytes(MESSY.encode("utf-8"))
    assert len(imports.read_sheet(path).rows) == 2


# --------------------------------------------------------------------------- reading xlsx


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Residents"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_excel_sheet_with_date_cells_and_serial_numbers(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "house.xlsx",
        [
            ["Residents — June 2026"],  # a title above the table
            [],
            ["Given name", "Surname", "Birth date", "Intake Date", "Phone", "Room #"],
            ["José", "O'Neil", dt.datetime(1990, 5, 1), 46088, 5025551234, 12],
            [],
            ["Zoë", "Ng", 32874, dt.datetime(2026, 3, 7, 14, 30), "502-555-0000", "3B"],
            ["Ann", "Lee", "3/7/1985", "7 Mar 2026", None, None, None],
        ],
    )
    sheet = imports.read_sheet(path)
    assert sheet.source == "Excel workbook, sheet Residents"
    assert (sheet.header_line, sheet.header[0]) == (3, "Given name")
    assert [row.line for row in sheet.rows] == [4, 6, 7]
    result = preview(db, admin, sheet)
    assert [row.status for row in result.rows] == [RowStatus.NEW] * 3
    jose, zoe, ann = (row.record for row in result.rows)
    assert isinstance(jose, imports.ResidentRecord)
    assert isinstance(zoe, imports.ResidentRecord)
    assert isinstance(ann, imports.ResidentRecord)
    assert jose.details.date_of_birth == dt.date(1990, 5, 1)
    assert jose.admission.intake_date == dt.date(2026, 3, 7)  # serial 46088
    assert jose.details.phone == "5025551234"
    assert jose.details.room == "12"
    assert zoe.details.date_of_birth == dt.date(1990, 1, 1)  # serial 32874
    assert type(zoe.admission.intake_date) is dt.date  # the time of day is dropped
    assert zoe.admission.intake_date == dt.date(2026, 3, 7)
    assert ann.details.date_of_birth == dt.date(1985, 3, 7)
    assert by_line(result)[7].notes == ("Date of birth 3/7/1985 read as 7 Mar 1985 (month first)",)


# --------------------------------------------------------------------------- dates

MDY, DMY = vocab.DateOrder.MONTH_FIRST, vocab.DateOrder.DAY_FIRST


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-03-07", MDY, dt.date(2026, 3, 7)),
        ("2026/3/7", DMY, dt.date(2026, 3, 7)),
        ("3/7/2026", MDY, dt.date(2026, 3, 7)),
        ("3/7/2026", DMY, dt.date(2026, 7, 3)),
        ("03-07-2026", MDY, dt.date(2026, 3, 7)),
        ("03.07.2026", DMY, dt.date(2026, 7, 3)),
        ("7 Mar 2026", MDY, dt.date(2026, 3, 7)),
        ("7 March 2026", DMY, dt.date(2026, 3, 7)),
        ("March 7, 2026", DMY, dt.date(2026, 3, 7)),
        ("Sat, 7th March 2026", MDY, dt.date(2026, 3, 7)),
        ("7-Mar-26", MDY, dt.date(2026, 3, 7)),
        ("3/7/85", MDY, dt.date(1985, 3, 7)),
        ("20260307", MDY, dt.date(2026, 3, 7)),
        ("2026-03-07 00:00:00", MDY, dt.date(2026, 3, 7)),
        ("46088", MDY, dt.date(2026, 3, 7)),
        ("13/7/2026", MDY, dt.date(2026, 7, 13)),
        ("7/13/2026", DMY, dt.date(2026, 7, 13)),
        ("", MDY, None),
    ],
)
def test_dates_as_people_type_them(text: str, order: vocab.DateOrder, expected: object) -> None:
    read = imports.read_date(text, order)
    assert (read.value if read else None) == expected


def test_excel_serial_numbers_and_date_cells() -> None:
    assert imports.read_date(46088, MDY) == imports.ReadDate(dt.date(2026, 3, 7))
    assert imports.read_date(46088.0, MDY) == imports.ReadDate(dt.date(2026, 3, 7))
    assert imports.read_date(dt.date(2026, 3, 7), DMY) == imports.ReadDate(dt.date(2026, 3, 7))
    for number in (7, 1985, float("nan"), float("inf"), 10**9):
        with pytest.raises(imports.CellProblem, match="is not a date"):
            imports.read_date(number, MDY)


def test_how_an_ambiguous_date_was_read_is_said() -> None:
    read = imports.read_date("3/7/2026", DMY, "Intake date")
    assert read is not None
    assert read.note == "Intake date 3/7/2026 read as 3 Jul 2026 (day first)"
    assert imports.read_date("7/7/2026", DMY, "Intake date") == imports.ReadDate(
        dt.date(2026, 7, 7)
    )
    read = imports.read_date("13/7/2026", MDY, "Intake date")
    assert read is not None and "unlike the house setting" in read.note


@pytest.mark.parametrize(
    "text", ["31/31/2026", "soon", "1985", "Mar 2026", "2/30/2026", "7", "3/7/202", "99999999"]
)
def test_what_is_not_a_date_says_how_to_write_one(text: str) -> None:
    with pytest.raises(
        imports.CellProblem, match="is not a date; write it like 2026-03-07"
    ) as caught:
        imports.read_date(text, MDY, "Intake date")
    assert str(caught.value).startswith("Intake date")


# --------------------------------------------------------------------------- mapping


def test_the_mapping_is_guessed_from_common_headers() -> None:
    header = [
        "First",
        "LAST NAME",
        "D.O.B.",
        "Intake Date",
        "Room #",
        "Bed",
        "Phone",
        "Emergency contact",
        "Emergency phone",
        "Phase",
        "Mentor",
        "Referral",
        "Date of birth (mm/dd/yyyy)",
        "Favourite colour",
        "",
    ]
    mapping = imports.guess_mapping(RESIDENTS, header)
    assert mapping.fields == (
        "first_name",
        "last_name",
        "date_of_birth",
        "intake_date",
        "room",
        "bed",
        "phone",
        "emergency_contact_name",
        "emergency_contact_phone",
        "phase",
        "mentor",
        "referral_source",
        None,  # date_of_birth is already taken by D.O.B.
        None,
        None,
    )
    assert imports.guess_mapping(RESIDENTS, ["Given name", "Surname", "Move-in"]).fields == (
        "first_name",
        "last_name",
        "intake_date",
    )
    assert imports.guess_mapping(MENTORS, ["Name", "Start date", "E-mail"]).fields == (
        "full_name",
        "start_date",
        "email",
    )


def test_the_export_headers_map_to_themselves(db: Database, admin: Actor) -> None:
    for kind, table in ((RESIDENTS, CsvTable.RESIDENTS), (MENTORS, CsvTable.MENTORS)):
        with db.read() as s:
            header, _rows = export_rows(s, table)
        mapping = imports.guess_mapping(kind, header)
        assert [h for h, fld in zip(header, mapping.fields, strict=True) if fld is None] == ["id"]
        assert mapping.fields[1:] == tuple(header[1:]), "each export header is its own field"


def test_a_corrected_mapping_moves_the_field_and_is_remembered(db: Database, admin: Actor) -> None:
    sheet = imports.read_csv_bytes(b"Client,Surname,Start,Code\r\nJamie,Doe,2026-01-05,9\r\n", "x")
    with db.begin() as s:
        offered = imports.offered_mapping(s, RESIDENTS, sheet.header)
    assert offered.fields == ("full_name", "last_name", "intake_date", None)
    corrected = offered.assign(0, "first_name").assign(3, "room")
    assert corrected.fields == ("first_name", "last_name", "intake_date", "room")
    assert corrected.assign(3, "first_name").fields == (
        None,
        "last_name",
        "intake_date",
        "first_name",
    )
    with db.begin() as s:
        result = imports.preview_import(s, admin, sheet, corrected)
        imports.import_rows(s, admin, result)
    with db.read() as s:
        again = imports.offered_mapping(s, RESIDENTS, ["code", "CLIENT", "surname", "Start"])
        stored = json.loads(s.get(Preference, "import.mapping.residents").value)  # type: ignore[union-attr]
    assert again.fields == ("room", "first_name", "last_name", "intake_date")
    assert stored["columns"]["client"] == "first_name"
    with db.read() as s:  # the other kind keeps its own
        assert imports.offered_mapping(s, MENTORS, ["Client"]).fields == (None,)


def test_a_damaged_remembered_mapping_falls_back_to_the_guess(db: Database) -> None:
    with db.begin() as s:
        s.add(Preference(key="import.mapping.residents", value="not json"))
    with db.read() as s:
        assert imports.offered_mapping(s, RESIDENTS, ["First"]).fields == ("first_name",)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (b"First,Intake\r\n", "holds the last name"),
        (b"First,Last\r\n", "holds the intake date"),
        (b"Phone,Intake\r\n", "holds the first name and last name"),
    ],
)
def test_a_missing_required_column_is_named(
    db: Database, admin: Actor, header: bytes, words: str
) -> None:
    sheet = imports.read_csv_bytes(header + b"a,b\r\n", "house.csv")
    before = counts(db)
    with pytest.raises(ImportProblem, match=f"No column of house.csv {words}"):
        preview(db, admin, sheet)
    assert counts(db) == before


def test_a_full_name_column_is_split(db: Database, admin: Actor) -> None:
    data = 'Name,Intake\r\n"Doe, Jamie",2026-01-05\r\nMary Ann O\'Neil,2026-01-05\r\n'
    result = preview(db, admin, imports.read_csv_bytes(data.encode(), "n.csv"))
    names = [
        (r.record.details.first_name, r.record.details.last_name)
        for r in result.rows
        if r.record is not None
    ]
    assert names == [("Jamie", "Doe"), ("Mary Ann", "O'Neil")]


# --------------------------------------------------------------------------- the preview


def house_with_a_mentor(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.mentor(s, admin, "Maya", "Lopez")
        f.resident(s, admin, "Sam", "Reyes", dob=dt.date(1980, 2, 2), room="1", bed="A")


PREVIEW_CSV = (
    "First name,Last name,DOB,Intake date,Room,Bed,Phase,Mentor,Living situation\r\n"
    "José,O'Neil,3/7/1990,2026-03-07,2,A,MT I,maya lopez,Shelter\r\n"  # 2 new
    "SAM,reyes,1980-02-02,2026-01-01,,,,,\r\n"  # 3 duplicate of an existing resident
    "Ann,Lee,1985-07-13,2026-03-07,1,A,,,\r\n"  # 4 wrong: the service says the bed is taken
    "ann,LEE,1985-07-13,2026-03-08,5,A,,,\r\n"  # 5 new: line 4 will not be imported
    "José,O'Neil,1990-03-07,2026-03-07,,,,,\r\n"  # 6 duplicate of line 2
    "Bo,Ng,1991-01-01,2026-07-01,,,,,\r\n"  # 7 wrong: intake in the future
    "Cy,Park,1991-01-01,2026-01-01,,,Phase 9,,\r\n"  # 8 wrong: no such phase
    "Di,Wu,1991-01-01,2026-01-01,,,,Nobody Here,\r\n"  # 9 wrong: no such mentor
    "Ed,Fox,31/31/1991,2026-01-01,,,,,\r\n"  # 10 wrong: not a date
    ",Gray,1991-01-01,2026-01-01,,,,,\r\n"  # 11 wrong: no first name
    "Flo,Hart,1991-01-01,2026-01-01,,,,,Castle\r\n"  # 12 wrong: no such living situation
)


def test_each_row_is_new_duplicate_or_wrong_with_its_reason(db: Database, admin: Actor) -> None:
    house_with_a_mentor(db, admin)
    sheet = imports.read_csv_bytes(PREVIEW_CSV.encode(), "house.csv")
    before = counts(db)
    result = preview(db, admin, sheet)
    assert counts(db) == before, "a preview writes nothing"
    rows = by_line(result)
    assert {line: row.status for line, row in rows.items()} == {
        2: RowStatus.NEW,
        3: RowStatus.DUPLICATE,
        4: RowStatus.WRONG,
        5: RowStatus.NEW,
        6: RowStatus.DUPLICATE,
        7: RowStatus.WRONG,
        8: RowStatus.WRONG,
        9: RowStatus.WRONG,
        10: RowStatus.WRONG,
        11: RowStatus.WRONG,
        12: RowStatus.WRONG,
    }
    assert rows[2].name == "José O'Neil"
    assert rows[2].notes == ("Date of birth 3/7/1990 read as 7 Mar 1990 (month first)",)
    assert rows[3].reason == "already in the records (same name and date of birth)"
    assert (rows[4].field, rows[4].reason) == ("bed", "Room 1 bed A is taken by Sam Reyes.")
    assert rows[6].reason == "same name and date of birth as line 2"
    assert rows[7].field == "intake_date"
    assert rows[7].reason == "Intake date (1 Jul 2026) is in the future; today is 15 Jun 2026."
    assert rows[8].reason == (
        'Phase "Phase 9" is not a phase here (Safe Off the Streets, Motivational Track I, '
        "Motivational Track II, Phase I, Phase II)."
    )
    assert rows[9].reason.startswith("No peer mentor called Nobody Here is in the records")
    assert rows[10].reason == 'Date of birth "31/31/1991" is not a date; write it like 2026-03-07.'
    assert (rows[11].field, rows[11].reason) == ("first_name", "First name is required.")
    assert rows[12].reason.startswith('Living situation at intake "Castle" is not in the list')
    assert result.summary() == "2 new, 2 duplicates, 7 wrong"

    jose = rows[2].record
    assert isinstance(jose, imports.ResidentRecord)
    assert jose.admission.living_situation == "shelter"
    with db.read() as s:
        assert jose.details.mentor_id == s.execute(select(Mentor.id)).scalar_one()

    # The house reads dates day first: the same file reads José's birthday as 3 July.
    with db.begin() as s:
        settings.update_settings(s, admin, settings.SettingsChange(date_order=DMY))
    dmy = by_line(preview(db, admin, sheet))
    assert dmy[2].notes == ("Date of birth 3/7/1990 read as 3 Jul 1990 (day first)",)
    assert dmy[6].status is RowStatus.NEW  # 7 Mar 1990 now differs from line 2's 3 Jul


def test_importing_writes_the_new_rows_and_one_audit_line(db: Database, admin: Actor) -> None:
    house_with_a_mentor(db, admin)
    sheet = imports.read_csv_bytes(PREVIEW_CSV.encode(), "house.csv")
    result = preview(db, admin, sheet)
    before = counts(db)
    with db.begin() as s:
        done = imports.import_rows(s, admin, result)
    assert done.summary() == (
        "Imported 2 residents from house.csv; skipped 2 duplicates and 7 wrong rows."
    )
    after = counts(db)
    assert after["residents"] - before["residents"] == 2
    with db.read() as s:
        jose = residents.get_resident(s, done.record_ids[0])
        last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    assert (jose.first_name, jose.last_name, jose.mentor_name) == ("José", "O'Neil", "Maya Lopez")
    assert (
        jose.current_phase is not None and jose.current_phase.phase_name == "Motivational Track I"
    )
    assert (last.action, last.entity) == ("import", "residents")
    assert last.summary == "Imported 2 residents from house.csv"
    assert json.loads(last.changes) == {
        "file": "house.csv",
        "imported": 2,
        "duplicates_skipped": 2,
        "wrong_skipped": 7,
        "not_chosen": 0,
    }
    # One audit line per resident (the service's) plus the import's own.
    assert after["audit_events"] - before["audit_events"] == 3


def test_only_the_chosen_rows_are_imported(db: Database, admin: Actor) -> None:
    house_with_a_mentor(db, admin)
    result = preview(db, admin, imports.read_csv_bytes(PREVIEW_CSV.encode(), "house.csv"))
    before = counts(db)
    words = "Line 4 is marked wrong; choose only rows marked new"
    with pytest.raises(ImportProblem, match=words), db.begin() as s:
        imports.import_rows(s, admin, result, [2, 4])
    with pytest.raises(ImportProblem, match="Line 99 is not in the preview"), db.begin() as s:
        imports.import_rows(s, admin, result, [99])
    assert counts(db) == before
    with db.begin() as s:
        done = imports.import_rows(s, admin, result, [5])
    assert (done.imported, done.not_chosen) == (1, 1)
    with db.begin() as s:
        assert imports.import_rows(s, admin, result, []).imported == 0
    assert counts(db)["residents"] == before["residents"] + 1


def test_an_import_refused_after_the_preview_writes_nothing(db: Database, admin: Actor) -> None:
    house_with_a_mentor(db, admin)
    data = "First,Last,Intake,Room,Bed\r\nAl,Bo,2026-01-02,7,A\r\nCy,Di,2026-01-02,8,A\r\n"
    result = preview(db, admin, imports.read_csv_bytes(data.encode(), "late.csv"))
    assert len(result.new) == 2
    with db.begin() as s:  # someone takes room 8 bed A in the meantime
        f.resident(s, admin, "Early", "Bird", room="8", bed="A")
    before = counts(db)
    with pytest.raises(ImportProblem) as caught, db.begin() as s:
        imports.import_rows(s, admin, result)
    assert str(caught.value) == (
        "Nothing was imported: line 3 (Cy Di) was refused now (Room 8 bed A is taken by "
        "Early Bird); preview the file again."
    )
    assert counts(db) == before
    with db.begin() as s:  # and someone adds Al Bo by hand
        f.resident(s, admin, "AL", "bo", dob=None)
    words = r"Al Bo \(line 2\) is in the records now"
    with pytest.raises(ImportProblem, match=words), db.begin() as s:
        imports.import_rows(s, admin, result, [2])


def test_discharged_residents_come_in_discharged_before_the_current_ones(
    db: Database, admin: Actor
) -> None:
    # Room 4 bed A: Jo left in May; Kim sleeps there now (listed first in the sheet).
    data = (
        "first_name,last_name,intake_date,room,bed,status,discharge_date,discharge_reason,"
        "discharge_outcome,living_situation_at_exit,discharge_notes\r\n"
        "Kim,Ode,2026-05-20,4,A,active,,,,,\r\n"
        "Jo,Pax,2026-01-02,4,A,discharged,2026-05-19,Completed program,,own_rent,Moved in with"
        " her sister\r\n"
        "Lu,Quo,2026-01-02,,,discharged,,,,,\r\n"
        "Al,Bix,2026-01-02,,,gone fishing,,,,,\r\n"
        "Mo,Rex,2026-01-02,,,active,2026-02-02,moved_on,,,\r\n"
        "Ned,Sol,2026-01-02,,,,2026-02-02,,,,\r\n"
        "Oz,Tam,2026-01-02,,,,,,,,Said goodbye\r\n"
    )
    result = preview(db, admin, imports.read_csv_bytes(data.encode(), "stays.csv"))
    rows = by_line(result)
    assert [rows[n].status for n in (2, 3)] == [RowStatus.NEW, RowStatus.NEW]
    assert rows[4].reason == "Discharge date is required for a discharged resident."
    assert rows[5].reason == 'Status "gone fishing" should be active or discharged.'
    assert rows[6].reason == "The row has a discharge date but says active; clear one of them."
    assert rows[7].reason.startswith("Discharge reason is required with a discharge date")
    assert rows[8].reason == "Discharge notes is given but the discharge date is empty."
    with db.begin() as s:
        done = imports.import_rows(s, admin, result)
    with db.read() as s:
        people = {r.first_name: r for r in (residents.get_resident(s, i) for i in done.record_ids)}
    jo = people["Jo"].current_stay
    assert jo is not None and jo.discharge_reason is vocab.DischargeReason.COMPLETED
    assert jo.discharge_outcome is vocab.OutcomeClass.POSITIVE
    assert (jo.exit_living_situation, jo.discharge_notes) == (
        "own_rent",
        "Moved in with her sister",
    )
    assert people["Kim"].status is vocab.ResidentStatus.ACTIVE


def test_mentors_import_with_their_status_and_former_resident(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.resident(s, admin, "Rae", "Cole")
        f.mentor(s, admin, "Existing", "Mentor")
    data = (
        "Name,Start date,Status,End date,Supervisor,E-mail,Former resident,Role\r\n"
        "Maya Lopez,2024-01-08,active,,Dana Whitaker,maya@example.org,Rae Cole,\r\n"
        '"Stone, Lee",1/2/2023,inactive,2025-12-31,,,Nobody,Senior peer mentor\r\n'
        "existing mentor,2024-01-01,,,,,,\r\n"
        "Pat Kim,2024-01-01,inactive,,,,,\r\n"
        "Val Ray,,,,,,,\r\n"
        "Sky Ito,2024-01-01,,,,not-an-email,,\r\n"
    )
    result = preview(db, admin, imports.read_csv_bytes(data.encode(), "m.csv"), MENTORS)
    rows = by_line(result)
    assert [rows[n].status for n in range(2, 8)] == [
        RowStatus.NEW,
        RowStatus.NEW,
        RowStatus.DUPLICATE,
        RowStatus.WRONG,
        RowStatus.WRONG,
        RowStatus.WRONG,
    ]
    assert rows[3].notes == (
        "Former resident Nobody is not linked (not found in the records, or more than one)",
        "Start date 1/2/2023 read as 2 Jan 2023 (month first)",
    )
    assert rows[4].reason == "already in the records (same name)"
    assert rows[5].reason == "End date is required for an inactive peer mentor."
    assert rows[6].reason == "Start date is required."
    assert rows[7].reason == "Email should look like name@example.org."  # the service's words
    with db.begin() as s:
        done = imports.import_rows(s, admin, result)
    with db.read() as s:
        maya, lee = (mentors.get_mentor(s, i) for i in done.record_ids)
    assert (maya.former_resident_name, maya.supervisor_name) == ("Rae Cole", "Dana Whitaker")
    assert (lee.first_name, lee.last_name, lee.status) == (
        "Lee",
        "Stone",
        vocab.MentorStatus.INACTIVE,
    )
    assert (lee.start_date, lee.end_date) == (dt.date(2023, 1, 2), dt.date(2025, 12, 31))
    assert lee.role_title == "Senior peer mentor"
    assert maya.role_title == "Peer mentor"


def test_import_sheet_writes_all_new_rows_or_nothing(db: Database, admin: Actor) -> None:
    house_with_a_mentor(db, admin)
    sheet = imports.read_csv_bytes(PREVIEW_CSV.encode(), "house.csv")
    before = counts(db)
    with db.begin() as s:
        mapping = imports.offered_mapping(s, RESIDENTS, sheet.header)
        refused = imports.import_sheet(s, admin, sheet, mapping)
    assert refused.result is None and len(refused.preview.wrong) == 7
    assert counts(db) == before
    with db.begin() as s:
        done = imports.import_sheet(s, admin, sheet, mapping, skip_wrong_rows=True)
    assert done.result is not None and done.result.imported == 2
    assert counts(db)["residents"] == before["residents"] + 2
    assert done.preview.rows == refused.preview.rows, "one pass previews like the preview"


def test_two_rows_of_one_sheet_cannot_take_one_bed(db: Database, admin: Actor) -> None:
    data = "First,Last,Intake,Room,Bed\r\n" + "".join(
        f"P{n},Q,2026-01-05,{n},A\r\n" for n in range(2, 9)
    )
    data += "Late,Comer,2026-01-06,2,A\r\n"  # line 9 takes line 2's bed
    sheet = imports.read_csv_bytes(data.encode(), "beds.csv")
    late = by_line(preview(db, admin, sheet))[9]
    assert (late.status, late.field, late.reason) == (
        RowStatus.WRONG,
        "bed",
        "Room 2 bed A is taken by P2 Q.",
    )
    with db.begin() as s:
        mapping = imports.offered_mapping(s, RESIDENTS, sheet.header)
        done = imports.import_sheet(s, admin, sheet, mapping, skip_wrong_rows=True)
    assert done.result is not None and done.result.imported == 7
    assert by_line(done.preview)[9] == late
    with db.read() as s:
        in_the_bed = s.execute(select(Resident.first_name).where(Resident.room == "2")).all()
    assert in_the_bed == [("P2",)]


def test_only_administrators_import(db: Database) -> None:
    supervisor = Actor("dana", vocab.Role.SUPERVISOR)
    sheet = imports.read_csv_bytes(b"First,Last,Intake\r\nA,B,2026-01-01\r\n", "x.csv")
    with pytest.raises(PermissionDenied), db.begin() as s:
        mapping = imports.offered_mapping(s, RESIDENTS, sheet.header)
        imports.preview_import(s, supervisor, sheet, mapping)


def test_a_fixed_cell_changes_the_preview(db: Database, admin: Actor) -> None:
    sheet = imports.read_csv_bytes(b"First,Last,Intake\r\nAl,,2026-01-01\r\n", "x.csv")
    assert preview(db, admin, sheet).rows[0].status is RowStatus.WRONG
    fixed = sheet.with_cell(2, 1, "Bo")
    assert preview(db, admin, fixed).rows[0].status is RowStatus.NEW
    assert sheet.rows[0].cells == ("Al", "", "2026-01-01")


# --------------------------------------------------------------------------- funders' answers

ANSWERS_SHEET = (
    "First,Last,Intake,Sex,Race,Hispanic,Veteran status,Probation,Employment status,"
    "Monthly income,MAT,Employment at exit\r\n"
    'Ann,Lee,2026-01-05,F,African American,Y,N,probation,Full-time,"$1,200",Suboxone,\r\n'
    "Bo,Diaz,2026-01-06,Male,white,no,yes,no,unemployed,0,no,\r\n"
    "Cy,Fox,2026-01-07,Woman,,,Declined to answer,,,,,unknown\r\n"
    "Di,Ray,2026-01-08,Woman,Purple,,,,,,,\r\n"
    "Ed,Hu,2026-01-09,Man,,,,,,,,Employed full time\r\n"
)


def test_funders_answers_are_guessed_read_as_sheets_spell_them_and_recorded(
    db: Database, admin: Actor
) -> None:
    sheet = imports.read_csv_bytes(ANSWERS_SHEET.encode(), "answers.csv")
    assert imports.guess_mapping(RESIDENTS, sheet.header).fields == (
        "first_name",
        "last_name",
        "intake_date",
        "gender",
        "race",
        "ethnicity",
        "veteran",
        "justice",
        "employment_entry",
        "income_entry",
        "moud_entry",
        "employment_exit",
    )
    rows = by_line(preview(db, admin, sheet))
    assert [rows[n].status for n in (2, 3, 4)] == [RowStatus.NEW] * 3
    assert (rows[5].status, rows[5].field, rows[5].reason) == (
        RowStatus.WRONG,
        "race",
        'Race "Purple" is not one of its answers: American Indian or Alaska Native, Asian, '
        "Black or African American, Native Hawaiian or Pacific Islander, White, More than one "
        "race, Another race, Declined to answer, Unknown.",
    )
    assert (rows[6].status, rows[6].field, rows[6].reason) == (
        RowStatus.WRONG,
        "employment_exit",
        "Employment at exit is given but the discharge date is empty.",
    )

    with db.begin() as s:
        mapping = imports.offered_mapping(s, RESIDENTS, sheet.header)
        done = imports.import_sheet(s, admin, sheet, mapping, skip_wrong_rows=True)
    assert done.result is not None and done.result.imported == 3
    with db.read() as s:
        found = {}
        for resident_id in done.result.record_ids:
            resident = residents.get_resident(s, resident_id)
            assert resident.current_stay is not None
            found[resident.first_name] = answers_of(s, resident.current_stay.id)
    ann, bo, cy = found["Ann"], found["Bo"], found["Cy"]
    assert [ann[q] for q in ("gender", "race", "ethnicity", "veteran", "justice")] == [
        "woman",
        "black",
        "hispanic",
        "no",
        "supervision",
    ]
    assert (ann["employment_entry"], ann["income_entry"], ann["moud_entry"]) == (
        "full_time",
        "1000_1999",  # $1,200 a month
        "yes",  # Suboxone
    )
    assert [bo[q] for q in ("gender", "ethnicity", "veteran", "justice", "income_entry")] == [
        "man",
        "not_hispanic",
        "yes",
        "none",
        "none",
    ]
    assert (bo["employment_entry"], bo["moud_entry"]) == ("looking", "no")
    assert (cy["gender"], cy["race"], cy["veteran"], cy["employment_exit"]) == (
        "woman",
        "unknown",  # blank
        "declined",
        "unknown",
    )
    with db.read() as s:
        recorded = s.execute(
            select(AuditEvent.entity_id).where(AuditEvent.summary == "Funders' answers recorded")
        ).scalars()
        assert len(list(recorded)) == 3  # one line on each new stay, as the form writes


# --------------------------------------------------------------------------- round trip


def exported(db: Database, table: CsvTable) -> list[dict[str, str]]:
    out = io.StringIO()
    with db.begin() as s:
        export_csv(s, Actor.local_administrator(), table, out)
    return [
        {k: v for k, v in row.items() if k != "id"}
        for row in csv.DictReader(io.StringIO(out.getvalue()))
    ]


def test_export_then_import_into_a_new_database_gives_the_same_records(
    db: Database, admin: Actor, template_db: Path, tmp_path: Path
) -> None:
    with db.begin() as s:
        maya = f.mentor(s, admin, "Maya", "Lopez")
        gone = f.mentor(s, admin, "Lee", "Stone", start=dt.date(2023, 5, 1))
        mentors.deactivate_mentor(s, admin, gone.id, dt.date(2025, 12, 31), "moved away")
        jose = f.resident(
            s, admin, "José", "O'Neil", mentor_id=maya.id, room="1", bed="A", phase="MT I"
        )
        assert jose.current_stay is not None
        record_answers(
            s,
            admin,
            jose.current_stay.id,
            {"gender": "man", "race": "multiracial", "ethnicity": "hispanic", "moud_entry": "yes"},
        )
        f.resident(s, admin, '=HYPERLINK("x")', "Núñez, Jr.", dob=None, living="jail")
        left = f.resident(s, admin, "Ann", "Lee", room="1", bed="B", intake=dt.date(2025, 3, 1))
        residents.discharge_resident(
            s,
            admin,
            left.id,
            residents.Discharge(
                dt.date(2025, 9, 1),
                vocab.DischargeReason.ADMINISTRATIVE,
                vocab.OutcomeClass.NEUTRAL,
                "family_friends",
                notes='Said "see you", left a note;\nback soon',
            ),
        )
        assert left.current_stay is not None
        record_answers(
            s,
            admin,
            left.current_stay.id,
            {"veteran": "declined", "employment_exit": "part_time", "income_exit": "500_999"},
        )
        residents.update_resident(
            s,
            admin,
            left.id,
            residents.ResidentDetails(
                "Ann",
                "Lee",
                preferred_name="Annie",
                date_of_birth=dt.date(1990, 5, 1),
                phone="+1 502 555 0100",
                emergency_contact_name="Bea Lee, mother",
                emergency_contact_phone="-",
                room="1",
                bed="B",
                notes="Line one\r\nline two, with a comma",
            ),
        )
        f.resident(s, admin, "Zoë", "Ng", room="1", bed="B", mentor_id=maya.id, phase="Phase II")
    files = {}
    for table in (CsvTable.MENTORS, CsvTable.RESIDENTS):
        out = io.StringIO()
        with db.begin() as s:
            export_csv(s, admin, table, out)
        files[table] = tmp_path / f"{table.value}.csv"
        files[table].write_bytes(out.getvalue().encode("utf-8"))

    fresh_path = tmp_path / "fresh.sqlite3"
    fresh_path.write_bytes(template_db.read_bytes())
    with Database.open(fresh_path) as fresh:
        for kind, table in ((MENTORS, CsvTable.MENTORS), (RESIDENTS, CsvTable.RESIDENTS)):
            sheet = imports.read_sheet(files[table])
            with fresh.begin() as s:
                mapping = imports.offered_mapping(s, kind, sheet.header)
                outcome = imports.import_sheet(s, admin, sheet, mapping)
            assert outcome.result is not None, outcome.preview.rows
            assert outcome.result.imported == len(sheet.rows)
        for table in (CsvTable.MENTORS, CsvTable.RESIDENTS):
            assert exported(fresh, table) == exported(db, table)
    # The answers travelled (and the export holds them, so the comparison covers them).
    by_name = {row["first_name"]: row for row in exported(db, CsvTable.RESIDENTS)}
    assert (by_name["José"]["race"], by_name["José"]["moud_entry"]) == ("multiracial", "yes")
    assert (by_name["Ann"]["veteran"], by_name["Ann"]["income_exit"]) == ("declined", "500_999")
    assert by_name["Zoë"]["gender"] == "unknown"


# --------------------------------------------------------------------------- progress


def test_progress_is_reported_and_stopping_writes_nothing(db: Database, admin: Actor) -> None:
    data = "".join(f"P{n},Q,2026-01-0{1 + n % 9}\r\n" for n in range(5))
    sheet = imports.read_csv_bytes(("First,Last,Intake\r\n" + data).encode(), "p.csv")
    seen: list[tuple[int, int]] = []

    def keep_going(done: int, total: int) -> bool:
        seen.append((done, total))
        return True

    with db.begin() as s:
        mapping = imports.offered_mapping(s, RESIDENTS, sheet.header)
        result = imports.preview_import(s, admin, sheet, mapping, progress=keep_going)
    assert seen == [(n, 5) for n in range(6)]

    before = counts(db)
    stopped = "stopped; nothing was written"
    with pytest.raises(imports.ImportCancelled, match=stopped), db.begin() as s:
        imports.import_rows(s, admin, result, progress=lambda done, _total: done < 3)
    with pytest.raises(imports.ImportCancelled), db.begin() as s:
        imports.import_sheet(s, admin, sheet, mapping, progress=lambda done, _total: done < 2)
    assert counts(db) == before


def test_bytes_that_are_not_even_windows_1252_read_as_latin_1() -> None:
    sheet = imports.read_csv_bytes(b"First,Last\r\nA\x81,B\xe9\r\n", "odd.csv")
    assert sheet.source == "CSV, Latin-1, commas"
    assert sheet.rows[0].cells == ("A\x81", "Bé")
