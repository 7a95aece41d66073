"""Hostile input: spreadsheets built to exhaust the office PC, characters that rewrite a
terminal or turn a name around, and a NUL in a search box.

Every file is written here, in ``tmp_path``, as an attacker (or a badly broken export) would
make it; the workbooks are put together byte by byte, so a gigabyte of rows takes three
megabytes on disk. Each refusal must be one plain sentence, come within seconds and keep
memory small while the file is read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from peerdesk import cli
from peerdesk.core import dto, imports, listing, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ImportProblem, ValidationError
from peerdesk.core.imports import ImportKind, RowStatus
from peerdesk.core.listing import ListQuery
from peerdesk.core.services import mentors, residents, sessions, settings, supervision, users
from tests import factories as f

pytestmark = pytest.mark.tally("hostile inputs answered with one sentence")

MB = 1024 * 1024


def measured(read: Callable[[], object]) -> tuple[BaseException | None, float, int]:
    """What ``read`` raised (None if nothing), how long it took in seconds, and the most
    memory Python held for it at once, in bytes."""
    tracemalloc.start()
    started = time.perf_counter()
    raised: BaseException | None = None
    try:
        read()
    except Exception as exc:
        raised = exc
    finally:
        seconds = time.perf_counter() - started
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return raised, seconds, peak


def assert_one_sentence(raised: BaseException | None, *words: str) -> str:
    assert isinstance(raised, ImportProblem), repr(raised)
    sentence = str(raised)
    assert sentence.endswith("."), sentence
    assert "\n" not in sentence and "went wrong" not in sentence, sentence
    for word in words:
        assert word in sentence, sentence
    return sentence


# --------------------------------------------------------------------------- huge CSV files


def test_a_million_row_csv_is_refused_at_the_row_limit_without_reading_it_all(
    tmp_path: Path,
) -> None:
    path = tmp_path / "million.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("First name,Last name,Intake date\n")
        out.writelines(f"Jamie{n},Doe,2026-01-10\n" for n in range(1_000_000))

    raised, seconds, peak = measured(lambda: imports.read_sheet(path))

    assert_one_sentence(raised, "million.csv has more than 100,000 rows")
    assert seconds < 10, seconds  # 283 s for a dry run before
    assert peak < 100 * MB, peak  # 2.4 GB before


def one_big_cell(path: Path, megabytes: int) -> Path:
    """A CSV file whose one row has ``megabytes`` of notes, written a megabyte at a time."""
    with path.open("wb") as out:
        out.write(b'First name,Last name,Notes\r\nJamie,Doe,"')
        block = b"x" * MB
        for _ in range(megabytes):
            out.write(block)
        out.write(b'"\r\n')
    return path


def test_a_file_over_50_mb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = one_big_cell(tmp_path / "big cell.csv", 200)
    try:
        raised, seconds, peak = measured(lambda: imports.read_sheet(path))
    finally:
        path.unlink()  # 200 MB is not left behind in the temporary folder

    assert_one_sentence(raised, "big cell.csv is 201 MB, more than the 50 MB PeerDesk imports")
    assert seconds < 1, seconds
    assert peak < MB, peak  # 1.5 GB before


def test_a_40_mb_cell_under_the_size_limit_is_refused_with_memory_bounded(
    tmp_path: Path,
) -> None:
    path = one_big_cell(tmp_path / "long cell.csv", 40)

    raised, seconds, peak = measured(lambda: imports.read_sheet(path))

    assert_one_sentence(raised, "Line 2 of long cell.csv is longer than 100,000 characters")
    assert seconds < 5, seconds
    assert peak < 10 * MB, peak


def test_a_csv_wider_than_200_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(f"Column {n}" for n in range(5000)) + "\n" + "Jamie,Doe\n", encoding="utf-8"
    )
    raised, _seconds, _peak = measured(lambda: imports.read_sheet(path))
    assert_one_sentence(raised, "Line 1 of wide.csv has more than 200 columns")


def test_the_limits_leave_a_real_house_sheet_alone(db: Database, admin: Actor) -> None:
    """A sheet of 3,000 residents, trailing empty columns and blank lines is read as before."""
    lines = ["First name,Last name,Intake date,,,"]
    lines += [f"Jamie{n},Doe,2026-01-10,,," for n in range(3000)]
    lines += ["", ",,,,,"]
    sheet = imports.read_csv_bytes("\r\n".join(lines).encode("cp1252"), "house.csv")
    assert sheet.header == ("First name", "Last name", "Intake date")
    assert len(sheet.rows) == 3000
    assert sheet.source == "CSV, UTF-8, commas"


# --------------------------------------------------------------------------- workbooks


@dataclasses.dataclass(frozen=True)
class Part:
    """One file inside a workbook: its name, raw deflate data, CRC-32 and unpacked size."""

    name: str
    data: bytes
    crc: int
    size: int


def _deflate(data: bytes, flush: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(flush)


def part(name: str, text: str) -> Part:
    data = text.encode("utf-8")
    return Part(name, _deflate(data, zlib.Z_FINISH), zlib.crc32(data), len(data))


def repeated_part(name: str, head: str, body: str, times: int, tail: str) -> Part:
    """``head + body * times + tail``, deflated by writing ``body``'s block once and
    repeating it: each flushed block stands alone, so the copies make one valid stream."""
    first, middle, last = (t.encode("utf-8") for t in (head, body, tail))
    block = _deflate(middle, zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(first)
    for _ in range(times):
        crc = zlib.crc32(middle, crc)
    crc = zlib.crc32(last, crc)
    data = _deflate(first, zlib.Z_FULL_FLUSH) + block * times + _deflate(last, zlib.Z_FINISH)
    return Part(name, data, crc, len(first) + len(middle) * times + len(last))


def write_zip(path: Path, parts: list[Part]) -> None:
    """A zip file written field by field (as PKWARE's APPNOTE lays it out)."""
    body = bytearray()
    directory = bytearray()
    for p in parts:
        name = p.name.encode("utf-8")
        offset = len(body)
        body += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, p.crc, len(p.data), p.size, len(name), 0
        )
        body += name + p.data
        directory += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, p.crc, len(p.data), p.size, len(name),
            0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        directory += name
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), len(body), 0
    )
    path.write_bytes(bytes(body + directory + end))


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8"?>'


def workbook_parts(sheet: Part) -> list[Part]:
    """The four parts around a worksheet that make a workbook Excel and openpyxl open."""
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    book_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return [
        part(
            "[Content_Types].xml",
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{book_type}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>'
            "</Types>",
        ),
        part(
            "_rels/.rels",
            f'{XML}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        ),
        part(
            "xl/workbook.xml",
            f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>'
            '<sheet name="Residents" sheetId="1" r:id="rId1"/></sheets></workbook>',
        ),
        part(
            "xl/_rels/workbook.xml.rels",
            f'{XML}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        ),
        sheet,
    ]


SHEET = "xl/worksheets/sheet1.xml"


def cells(*texts: str) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts)


HEADER_ROW = f"<row>{cells('First name', 'Last name', 'Intake date')}</row>"
JAMIE_ROW = f"<row>{cells('Jamie', 'Doe', '2026-01-10')}</row>"


def sheet_xml(rows: str, *, prologue: str = "", before_rows: str = "") -> str:
    return (
        f'{XML}{prologue}<worksheet xmlns="{MAIN}">{before_rows}<sheetData>{rows}</sheetData>'
        "</worksheet>"
    )


def zip_bomb() -> Part:
    """4 MB on disk, 1 GB unpacked: eight million rows of Jamie Doe."""
    head, tail = sheet_xml("").split("<sheetData>")
    return repeated_part(SHEET, f"{head}<sheetData>{HEADER_ROW}", JAMIE_ROW * 8_000, 1000, tail)


def with_entity(declarations: str, entity: str) -> Part:
    """A sheet whose DTD declares entities, and a name cell that uses one."""
    return part(
        SHEET,
        sheet_xml(
            f"{HEADER_ROW}<row>{cells(f'&{entity};', 'Doe', '2026-01-10')}</row>",
            prologue=f"<!DOCTYPE worksheet [{declarations}]>",
        ),
    )


LAUGHS = '<!ENTITY lol0 "lol">' + "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
)

HOSTILE_WORKBOOKS: dict[str, tuple[Callable[[], Part], str]] = {
    "zip bomb": (zip_bomb, "MB once unpacked, more than the 100 MB"),
    "billion laughs": (
        lambda: with_entity(LAUGHS, "lol9"),
        "is not a spreadsheet PeerDesk can read",
    ),
    "external entity": (
        lambda: with_entity('<!ENTITY secret SYSTEM "file:///etc/passwd">', "secret"),
        "is not a spreadsheet PeerDesk can read",
    ),
    # A few megabytes of XML that a reader holding one row whole turns into 130 MB.
    "one enormous row": (
        lambda: part(
            SHEET, sheet_xml(f"{HEADER_ROW}{JAMIE_ROW}<row>{'<c><v>1</v></c>' * 300_000}</row>")
        ),
        "is not a spreadsheet PeerDesk can read",
    ),
    # Excel's last cell, and a dimension saying every row and column is in use.
    "a cell far down": (
        lambda: part(
            SHEET,
            sheet_xml(
                f'{HEADER_ROW}{JAMIE_ROW}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                before_rows='<dimension ref="A1:XFD1048576"/>',
            ),
        ),
        "has more than 100,000 rows",
    ),
}


@pytest.mark.parametrize("shape", HOSTILE_WORKBOOKS)
def test_a_booby_trapped_workbook_is_refused_quickly_in_one_sentence(
    tmp_path: Path, shape: str
) -> None:
    build, words = HOSTILE_WORKBOOKS[shape]
    path = tmp_path / "residents.xlsx"
    write_zip(path, workbook_parts(build()))
    assert path.stat().st_size < 5 * MB

    raised, seconds, peak = measured(lambda: imports.read_sheet(path))

    assert_one_sentence(raised, "residents.xlsx", words)
    assert seconds < 3, seconds
    assert peak < 20 * MB, peak


def test_the_workbook_checks_leave_a_real_workbook_alone(tmp_path: Path) -> None:
    path = tmp_path / "house.xlsx"
    rows = HEADER_ROW + "".join(
        f"<row>{cells(f'Jamie{n}', 'Doe', '2026-01-10')}</row>" for n in range(3000)
    )
    write_zip(path, workbook_parts(part(SHEET, sheet_xml(rows))))
    sheet = imports.read_sheet(path)
    assert sheet.header == ("First name", "Last name", "Intake date")
    assert len(sheet.rows) == 3000 and sheet.rows[-1].cells == ("Jamie2999", "Doe", "2026-01-10")


@pytest.mark.parametrize("shape", ["billion laughs", "external entity", "zip bomb"])
def test_the_import_command_says_the_workbook_cannot_be_read(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    build, words = HOSTILE_WORKBOOKS[shape]
    path = tmp_path / "residents.xlsx"
    write_zip(path, workbook_parts(build()))

    status = cli.main(["--db", str(db_path), "import", "residents", str(path), "--dry-run"])

    err = capsys.readouterr().err.strip()
    assert status == 1
    assert len(err.splitlines()) == 1 and err.endswith("."), err
    assert words in err and "went wrong" not in err, err


# --------------------------------------------------------------------------- one-line fields

# Each way in, and how the sentence names it.
BAD_CHARACTERS = {
    "Jamie\nDoe": "a line break",
    "Jamie\r\nDoe": "a line break",
    "Jamie\u2028Doe": "a line break",
    "Jamie\tDoe": "a tab",
    "\x1b[2J\x1b[31mJamie": "an escape character",
    "Jamie\x07": "a bell character",
    "Ja\x00mie": "a null character",
    "Jamie\u202eeoD": "a right-to-left override",
    "Jamie\u2066Doe": "a text-direction control",
    "Jamie\x9bDoe": "a control character, U+009B",
    "Jamie\ud800": "a broken character, U+D800",
}


def _resident(field: str) -> Callable[[Session, Actor, str], object]:
    def intake(s: Session, admin: Actor, value: str) -> object:
        details = residents.ResidentDetails(first_name="Jamie", last_name="Doe")
        admission = residents.Admission(dt.date(2026, 1, 10), f.phase_id(s))
        if field == "referral_source":
            admission = dataclasses.replace(admission, referral_source=value)
        else:
            details = dataclasses.replace(details, **{field: value})
        return residents.intake_resident(s, admin, details, admission)

    return intake


def _mentor(field: str) -> Callable[[Session, Actor, str], object]:
    def create(s: Session, admin: Actor, value: str) -> object:
        details = mentors.MentorDetails("Maya", "Lopez", dt.date(2024, 1, 1))
        return mentors.create_mentor(s, admin, dataclasses.replace(details, **{field: value}))

    return create


def _credential(field: str) -> Callable[[Session, Actor, str], object]:
    def add(s: Session, admin: Actor, value: str) -> object:
        details = mentors.CredentialDetails(name="Peer Support Specialist", number="KY-1")
        details = dataclasses.replace(details, **{field: value})
        return mentors.add_credential(s, admin, f.mentor(s, admin).id, details)

    return add


def _training(s: Session, admin: Actor, value: str) -> object:
    details = mentors.TrainingDetails(
        dt.date(2026, 2, 1), value, vocab.Competency.ETHICS_BOUNDARIES, 60
    )
    return mentors.add_training(s, admin, f.mentor(s, admin).id, details)


def _leaving(s: Session, admin: Actor, value: str) -> object:
    return mentors.deactivate_mentor(s, admin, f.mentor(s, admin).id, dt.date(2026, 2, 1), value)


def _setting(field: str) -> Callable[[Session, Actor, str], object]:
    def change(s: Session, admin: Actor, value: str) -> object:
        return settings.update_settings(s, admin, settings.SettingsChange(**{field: value}))

    return change


def _new_phase(field: str) -> Callable[[Session, Actor, str], object]:
    def add(s: Session, admin: Actor, value: str) -> object:
        names = {"name": "Phase III", "short_name": "P3", field: value}
        return settings.add_phase(s, admin, names["name"], names["short_name"])

    return add


def _renamed_phase(s: Session, admin: Actor, value: str) -> object:
    return settings.update_phase(s, admin, f.phase_id(s), value)


def _session(field: str) -> Callable[[Session, Actor, str], object]:
    def log(s: Session, admin: Actor, value: str) -> object:
        maya = f.mentor(s, admin)
        jamie = f.resident(s, admin)
        return f.session(s, admin, maya.id, [jamie.id], **{field: value})

    return log


def _note(field: str) -> Callable[[Session, Actor, str], object]:
    def write(s: Session, admin: Actor, value: str) -> object:
        maya = f.mentor(s, admin)
        details = supervision.NoteDetails(
            dt.date(2026, 3, 3), 45, "Dana Whitaker", maya.id,
            vocab.SupervisionKind.SCHEDULED, [vocab.Competency.ETHICS_BOUNDARIES], "Caseload",
        )  # fmt: skip
        if field == "action_items":
            details = dataclasses.replace(
                details, action_items=[supervision.ActionItemEntry(value)]
            )
        else:
            details = dataclasses.replace(details, **{field: value})
        return supervision.write_note(s, admin, details)

    return write


def _account(s: Session, admin: Actor, value: str) -> object:
    return users.create_user(
        s, admin, "dana", value, vocab.Role.ADMINISTRATOR, "a long enough passphrase 42"
    )


# (field the form shows the message beside, its label in the sentence, the service call)
ONE_LINE_FIELDS: dict[str, tuple[str, str, Callable[[Session, Actor, str], object]]] = {
    "resident first name": ("first_name", "First name", _resident("first_name")),
    "resident last name": ("last_name", "Last name", _resident("last_name")),
    "preferred name": ("preferred_name", "Preferred name", _resident("preferred_name")),
    "resident phone": ("phone", "Phone", _resident("phone")),
    "emergency contact": (
        "emergency_contact_name", "Emergency contact", _resident("emergency_contact_name")
    ),
    "emergency phone": (
        "emergency_contact_phone", "Emergency contact phone", _resident("emergency_contact_phone")
    ),
    "room": ("room", "Room", _resident("room")),
    "bed": ("bed", "Bed", _resident("bed")),
    "referral source": ("referral_source", "Referral source", _resident("referral_source")),
    "mentor first name": ("first_name", "First name", _mentor("first_name")),
    "mentor last name": ("last_name", "Last name", _mentor("last_name")),
    "role": ("role_title", "Role", _mentor("role_title")),
    "mentor phone": ("phone", "Phone", _mentor("phone")),
    "email": ("email", "Email", _mentor("email")),
    "supervisor": ("supervisor_name", "Supervisor", _mentor("supervisor_name")),
    "credential name": ("name", "Credential name", _credential("name")),
    "credential number": ("number", "Credential number", _credential("number")),
    "training topic": ("topic", "Topic", _training),
    "why a mentor left": ("reason", "The reason", _leaving),
    "house name": ("house_name", "The house's name", _setting("house_name")),
    "address": ("address", "Address", _setting("address")),
    "house phone": ("phone", "Phone", _setting("phone")),
    "new phase": ("name", "The phase's name", _new_phase("name")),
    "phase short name": ("short_name", "Short name", _new_phase("short_name")),
    "renamed phase": ("name", "The phase's name", _renamed_phase),
    "session topic": ("topic", "Topic", _session("topic")),
    "note supervisor": ("supervisor_name", "Supervisor", _note("supervisor_name")),
    "action item": ("action_items", "An action item", _note("action_items")),
    "account full name": ("full_name", "Full name", _account),
}  # fmt: skip


@pytest.mark.parametrize("where", ONE_LINE_FIELDS)
def test_every_one_line_field_refuses_a_character_that_cannot_be_printed(
    db: Database, admin: Actor, where: str
) -> None:
    field, label, save = ONE_LINE_FIELDS[where]
    # Each field gets a different character, so every kind is refused somewhere.
    kinds = list(BAD_CHARACTERS.items())
    value, what = kinds[list(ONE_LINE_FIELDS).index(where) % len(kinds)]
    with pytest.raises(ValidationError) as refused, db.begin() as s:
        save(s, admin, value)
    assert refused.value.for_field(field) == (
        f"{label} contains a character that cannot be printed ({what}); type it again without it."
    )


@pytest.mark.parametrize(("value", "what"), BAD_CHARACTERS.items())
def test_each_character_is_named_in_the_sentence(
    db: Database, admin: Actor, value: str, what: str
) -> None:
    with pytest.raises(ValidationError) as refused, db.begin() as s:
        _resident("first_name")(s, admin, value)
    assert str(refused.value) == (
        f"First name contains a character that cannot be printed ({what}); "
        "type it again without it."
    )


def test_names_in_any_language_are_still_welcome(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        saved = _resident("preferred_name")(s, admin, "Zoë Núñez-O'Neil 李 Ümit 👩🏽‍🦱 شريف")
    assert isinstance(saved, dto.Resident)


# Multi-line fields keep line breaks and tabs, and refuse the rest.
NOTES_FIELDS: dict[str, tuple[str, Callable[[Session, Actor, str], object]]] = {
    "resident notes": ("notes", _resident("notes")),
    "mentor notes": ("notes", _mentor("notes")),
    "session notes": ("notes", _session("notes")),
    "supervision summary": ("summary", _note("summary")),
    "discharge notes": (
        "notes",
        lambda s, admin, value: residents.discharge_resident(
            s, admin, f.resident(s, admin).id,
            residents.Discharge(dt.date(2026, 2, 1), vocab.DischargeReason.COMPLETED, notes=value),
        ),
    ),
    "phase change note": (
        "note",
        lambda s, admin, value: residents.change_phase(
            s, admin, f.resident(s, admin).id, f.phase_id(s, "MT I"), dt.date(2026, 2, 1), value
        ),
    ),
    "void reason": (
        "reason",
        lambda s, admin, value: sessions.void_session(
            s, admin, f.session(s, admin, f.mentor(s, admin).id, [f.resident(s, admin).id]).id,
            value,
        ),
    ),
}  # fmt: skip


@pytest.mark.parametrize("where", NOTES_FIELDS)
def test_notes_keep_line_breaks_and_tabs_but_refuse_other_control_characters(
    db: Database, admin: Actor, where: str
) -> None:
    field, save = NOTES_FIELDS[where]
    for value, what in (
        ("Talked \u202eabout work", "a right-to-left override"),
        ("\x1b]8;;http://example.org\x07link", "an escape character"),
        ("Talked about work.\u2028Next: the bus pass.", "an unusual line break, U+2028"),
    ):
        with pytest.raises(ValidationError) as refused, db.begin() as s:
            save(s, admin, value)  # all of it rolled back, the records it needed too
        message = refused.value.for_field(field)
        assert message is not None and f"cannot be printed ({what})" in message, message
    with db.begin() as s:
        save(s, admin, "Talked about work.\r\n\tNext: the bus pass.\nThen:\tthe ID.")


# --------------------------------------------------------------------------- the import


def test_the_import_refuses_such_cells_naming_the_field(db: Database, admin: Actor) -> None:
    data = (
        "First name,Last name,Intake date,Phase,Notes\n"
        "Jamie\u202e,Doe,2026-01-10,,\n"
        "Ann,Lee,2026-01-10,\x1b[2JSOS,\n"
        'Bo,Ng,2026-01-10,,"Likes to cook.\n\tWants a job."\n'
        "Cy,Ro,2026-01-10,,\x07\n"
    ).encode("utf-8")
    sheet = imports.read_csv_bytes(data, "house.csv")
    with db.begin() as s:
        mapping = imports.offered_mapping(s, ImportKind.RESIDENTS, sheet.header)
        preview = imports.preview_import(s, admin, sheet, mapping)
    rows = {row.line: row for row in preview.rows}
    assert (rows[2].status, rows[2].field, rows[2].reason) == (
        RowStatus.WRONG,
        "first_name",
        "First name contains a character that cannot be printed (a right-to-left override); "
        "type it again without it.",
    )
    assert (rows[3].status, rows[3].field) == (RowStatus.WRONG, "phase")
    assert rows[3].reason.startswith("Phase contains a character that cannot be printed (an esc")
    assert rows[4].status is RowStatus.NEW  # notes keep their line break and tab
    assert rows[4].record is not None and "\n\t" in rows[4].record.details.notes
    assert (rows[5].status, rows[5].field) == (RowStatus.WRONG, "notes")


def test_the_import_of_mentors_refuses_them_too(db: Database, admin: Actor) -> None:
    sheet = imports.read_csv_bytes(
        b"Name,Start date,Role\nMaya Lopez,2024-01-08,Peer\x07mentor\n", "staff.csv"
    )
    with db.begin() as s:
        mapping = imports.offered_mapping(s, ImportKind.MENTORS, sheet.header)
        (row,) = imports.preview_import(s, admin, sheet, mapping).rows
    assert (row.status, row.field) == (RowStatus.WRONG, "role_title")
    assert "Role contains a character that cannot be printed (a bell character)" in row.reason


def test_the_phases_command_refuses_a_bell_in_a_name(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["--db", str(db_path), "phases", "add", "Phase\x07III"])
    err = capsys.readouterr().err
    assert status == 1
    assert err == (
        "The phase's name contains a character that cannot be printed (a bell character); "
        "type it again without it.\n"
    )
    assert cli.main(["--db", str(db_path), "phases"]) == 0
    assert "\x07" not in capsys.readouterr().out


# --------------------------------------------------------------------------- search


SEARCHES = ["Ja\x00mie", "\x00", "Jamie\x00", "\x1b[2J", "Jamie\ud800", "\u202eJamie", "a\x00b c"]


@pytest.mark.parametrize("name", ["RESIDENTS", "MENTORS", "SESSIONS", "SUPERVISION"])
def test_every_search_term_is_safe(db: Database, admin: Actor, name: str) -> None:
    with db.begin() as s:
        maya = f.mentor(s, admin)
        jamie = f.resident(s, admin, mentor_id=maya.id)
        f.session(s, admin, maya.id, [jamie.id], notes="Jamie talked about work.")
        f.note(s, admin, maya.id, summary="Jamie's caseload.")
    spec: listing.ListSpec = getattr(listing, name)
    found: dict[str, int] = {}
    for term in SEARCHES:
        with db.read() as s:
            query = ListQuery(search=term)
            listing.fetch_page(s, spec, query, 0, 50)
            found[term] = listing.count(s, spec, query)
    with db.read() as s:
        query = ListQuery(resident_id=jamie.id, search="Ja\x00mie talked")
        listing.count(s, listing.RESIDENT_SESSIONS, query)
    if name != "MENTORS":
        assert found["Jamie\x00"] == 1  # the stray character is dropped, the word still found
        assert found["\u202eJamie"] == 1
