"""Bringing a house's existing spreadsheet in: CSV and Excel import with a preview.

The import window and the command line walk the same four steps, each returning a frozen
dataclass, so a wizard can stop between them and let the person change their mind:

1. :func:`read_sheet` reads a ``.csv`` (UTF-8 with or without BOM, Windows-1252, commas,
   semicolons or tabs, CRLF, quoted line breaks) or an ``.xlsx`` workbook into a
   :class:`Sheet`: the header and every non-blank row with its spreadsheet line number. A
   file past the limits below (size, rows, columns, a workbook's unpacked size and make-up)
   is refused in one sentence as soon as it is seen to be, with little of it read.
2. :func:`offered_mapping` guesses which column holds which field from the header (or offers
   the mapping remembered from the last import of that kind); :meth:`ColumnMapping.assign`
   corrects it.
3. :func:`preview_import` marks each row new, duplicate or wrong, and writes nothing. Every
   row that looks new is given to the services' own batch (``IntakeBatch``, ``MentorBatch``),
   which checks it by the rules of the intake and mentor forms against the house and the
   rows accepted before it, so the reason a row is wrong is the form's own sentence and the
   preview cannot disagree with the import.
4. :func:`import_rows` checks the chosen rows again the same way and writes them with bulk
   inserts, all or nothing, with one audit line for the import itself. :func:`import_sheet`
   does steps 3 and 4 in one pass for the command line.

Nothing here knows about Qt.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import json
import math
import os
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, BinaryIO, Literal, TextIO
from xml.parsers import expat

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.core import audit, dto, funder_vocab, import_answers, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.dto import person_name
from peerdesk.core.errors import ImportProblem, ValidationError
from peerdesk.core.exports import FORMULA_STARTS
from peerdesk.core.models import LivingSituation, Mentor, Preference, ProgramPhase, Resident
from peerdesk.core.permissions import Action
from peerdesk.core.services import mentors as mentor_service
from peerdesk.core.services import residents as resident_service
from peerdesk.core.services._common import fmt_date, unprintable, unprintable_sentence
from peerdesk.core.services.settings import get_settings
from peerdesk.core.typed_dates import month_first, two_digit_year, worded_date

# A cell as read: CSV cells are text; a workbook also gives numbers and dates.
Cell = str | int | float | dt.date

# Told (rows done, rows in all) after each row of a preview or an import; returning False
# stops it with ImportCancelled and nothing written (the window's Cancel button).
Progress = Callable[[int, int], bool]

PREFERENCE_KEY = "import.mapping.{kind}"
CSV_DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"

# What one import reads at most. A house's sheet has a few thousand rows and a few dozen
# columns; these limits are twenty times that and more, and far below what would take the
# office PC's memory or minutes of its time (before them, a million-row file took 283 s and
# 2.4 GB to preview, and a 3.6 MB workbook unpacked past a gigabyte).
MB = 1024 * 1024
MAX_FILE_MB = 50
MAX_ROWS = 100_000  # spreadsheet lines, counted from the top, blank ones too
MAX_COLUMNS = 200
MAX_ROW_CHARS = 100_000  # one row of a CSV file, quoted line breaks and all
MAX_WORKBOOK_MB = 100  # every part of an .xlsx, unpacked: about 100,000 rows of 25 columns
# What openpyxl holds in memory while it reads a workbook, checked part by part before it
# starts: the zip's table of contents (about 100 bytes a part), the elements of a part it keeps
# whole (a workbook's list of sheets, its styles), the rows and shared texts it keeps one empty
# element of each, and the elements inside one row or one shared text.
MAX_WORKBOOK_DIRECTORY = MB
MAX_XML_ELEMENTS = 100_000
MAX_XML_ROWS = 1_048_576  # rows, or shared texts, in one part: Excel's own last row
MAX_ELEMENTS_IN_A_ROW = 100_000


class ImportCancelled(ImportProblem):
    """The person stopped a preview or an import; nothing was written."""

    def __init__(self) -> None:
        super().__init__("The import was stopped; nothing was written.")


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and not progress(done, total):
        raise ImportCancelled


class ImportKind(StrEnum):
    """What a sheet holds."""

    RESIDENTS = "residents"
    MENTORS = "mentors"

    @property
    def label(self) -> str:
        return "residents" if self is ImportKind.RESIDENTS else "peer mentors"


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class ImportField:
    """A field a column can fill. ``key`` is also the CSV export's header for it."""

    key: str
    label: str
    kind: Literal["text", "date"] = "text"
    synonyms: tuple[str, ...] = ()
    multiline: bool = False  # notes keep their line breaks and tabs


FULL_NAME = "full_name"

_NAME_FIELDS = (
    ImportField("first_name", "First name", synonyms=("first", "given name", "forename", "fname")),
    ImportField("last_name", "Last name", synonyms=("last", "surname", "family name", "lname")),
)
_CONTACT = ImportField(
    "phone", "Phone", synonyms=("phone number", "telephone", "tel", "cell", "mobile", "cell phone")
)
_NOTES = ImportField(
    "notes", "Notes", synonyms=("note", "comments", "comment", "remarks"), multiline=True
)

# The funders' questions of the stay, each read as one of its answers (see _Row.answer).
QUESTIONS = import_answers.QUESTIONS
_ANSWER_FIELDS = tuple(
    ImportField(question, label, synonyms=import_answers.SYNONYMS[question])
    for question, (_enum, label) in QUESTIONS.items()
)

RESIDENT_FIELDS: tuple[ImportField, ...] = (
    *_NAME_FIELDS,
    ImportField(
        FULL_NAME,
        "Full name",
        synonyms=("name", "resident", "resident name", "client", "client name", "participant"),
    ),
    ImportField(
        "preferred_name",
        "Preferred name",
        synonyms=("preferred", "nickname", "goes by", "known as", "aka"),
    ),
    ImportField(
        "date_of_birth",
        "Date of birth",
        "date",
        ("dob", "d.o.b.", "birth date", "birthdate", "birthday", "born"),
    ),
    _CONTACT,
    ImportField(
        "emergency_contact_name",
        "Emergency contact",
        synonyms=("emergency contact", "emergency name", "next of kin", "emergency"),
    ),
    ImportField(
        "emergency_contact_phone",
        "Emergency contact phone",
        synonyms=(
            "emergency phone",
            "emergency contact number",
            "emergency number",
            "emergency tel",
            "next of kin phone",
        ),
    ),
    ImportField("room", "Room", synonyms=("room #", "room no", "room number", "rm")),
    ImportField("bed", "Bed", synonyms=("bed #", "bed no", "bed number")),
    ImportField(
        "intake_date",
        "Intake date",
        "date",
        (
            "intake",
            "start",
            "move-in",
            "move in date",
            "admission",
            "admission date",
            "admitted",
            "admit date",
            "entry date",
            "start date",
            "arrival",
            "date of intake",
        ),
    ),
    ImportField(
        "phase",
        "Phase",
        synonyms=("program phase", "current phase", "level", "stage", "track"),
    ),
    ImportField(
        "mentor",
        "Peer mentor",
        synonyms=("peer mentor", "mentor name", "assigned mentor", "peer support", "peer"),
    ),
    ImportField(
        "referral_source",
        "Referral source",
        synonyms=("referral", "referred by", "referral from", "referred from", "source"),
    ),
    ImportField(
        "living_situation_at_intake",
        "Living situation at intake",
        synonyms=(
            "living situation",
            "prior living situation",
            "prior housing",
            "housing at intake",
            "came from",
        ),
    ),
    ImportField("status", "Status", synonyms=("resident status",)),
    ImportField(
        "discharge_date",
        "Discharge date",
        "date",
        ("discharge", "discharged", "move-out", "move out date", "exit date", "end date", "left"),
    ),
    ImportField(
        "discharge_reason",
        "Discharge reason",
        synonyms=("reason", "exit reason", "reason for leaving", "reason for discharge"),
    ),
    ImportField("discharge_outcome", "Discharge outcome", synonyms=("outcome",)),
    ImportField(
        "living_situation_at_exit",
        "Living situation at exit",
        synonyms=("exit living situation", "discharged to", "destination", "moved to"),
    ),
    ImportField("discharge_notes", "Discharge notes", synonyms=("exit notes",), multiline=True),
    *_ANSWER_FIELDS,
    _NOTES,
)

MENTOR_FIELDS: tuple[ImportField, ...] = (
    *_NAME_FIELDS,
    ImportField(
        FULL_NAME, "Full name", synonyms=("name", "mentor", "mentor name", "peer mentor", "staff")
    ),
    _CONTACT,
    ImportField("email", "Email", synonyms=("e-mail", "email address", "mail")),
    ImportField("role_title", "Role", synonyms=("role", "title", "job title", "position")),
    ImportField(
        "start_date",
        "Start date",
        "date",
        ("start", "started", "hire date", "hired", "date hired", "date started"),
    ),
    ImportField("end_date", "End date", "date", ("end", "left", "date left", "ended")),
    ImportField("status", "Status", synonyms=("active",)),
    ImportField("supervisor_name", "Supervisor", synonyms=("supervisor", "supervised by")),
    ImportField(
        "former_resident", "Former resident", synonyms=("former resident name", "was resident")
    ),
    _NOTES,
)

_FIELDS = {ImportKind.RESIDENTS: RESIDENT_FIELDS, ImportKind.MENTORS: MENTOR_FIELDS}
_REQUIRED_DATE = {ImportKind.RESIDENTS: "intake_date", ImportKind.MENTORS: "start_date"}


def fields_for(kind: ImportKind) -> tuple[ImportField, ...]:
    """The fields a column of this kind of sheet can fill, in form order."""
    return _FIELDS[kind]


_FIELD_OF = {kind: {f.key: f for f in fields} for kind, fields in _FIELDS.items()}


def field_of(kind: ImportKind, key: str) -> ImportField:
    return _FIELD_OF[kind][key]


def field_label(kind: ImportKind, key: str) -> str:
    return field_of(kind, key).label


def _normalise(header: str) -> str:
    """A header reduced to what matters: "Room #" → "roomnumber", "D.O.B." → "dob"."""
    text = unicodedata.normalize("NFKD", header.casefold().replace("#", " number "))
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def _synonym_table(kind: ImportKind) -> dict[str, str]:
    table: dict[str, str] = {}
    for f in _FIELDS[kind]:
        for word in (f.key, f.label, *f.synonyms):
            table.setdefault(_normalise(word), f.key)
    return table


_SYNONYMS = {kind: _synonym_table(kind) for kind in ImportKind}


# --------------------------------------------------------------------------- reading a sheet


@dataclass(frozen=True)
class SheetRow:
    """One non-blank row and its line number as the spreadsheet program shows it."""

    line: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Sheet:
    """A spreadsheet as read: its header row and every non-blank row below it."""

    file_name: str
    source: str  # how it was read, for the window: "CSV, Windows-1252, semicolons"
    header: tuple[str, ...]
    header_line: int
    rows: tuple[SheetRow, ...]

    def with_cell(self, line: int, column: int, value: Cell) -> Sheet:
        """The same sheet with one cell corrected (for fixing a row in the preview)."""
        if not 0 <= column < len(self.header):
            raise IndexError(column)
        rows = []
        for row in self.rows:
            if row.line == line:
                cells = list(row.cells)
                cells[column] = value
                row = SheetRow(line, tuple(cells))
            rows.append(row)
        return dataclasses.replace(self, rows=tuple(rows))


def _clean(value: object) -> Cell:
    """A cell's value as import uses it: trimmed text, an export's apostrophe undone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    text = str(value).strip()
    # exports.neutralise put an apostrophe before text a spreadsheet would run as a formula.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(c == "" for c in cells)


def _too_many_rows(file_name: str) -> ImportProblem:
    return ImportProblem(
        f"{file_name} has more than {MAX_ROWS:,} rows, the most PeerDesk imports at a time; "
        "split it into smaller files and import each."
    )


def _too_big(file_name: str, size: int) -> ImportProblem:
    return ImportProblem(
        f"{file_name} is {math.ceil(size / MB)} MB, more than the {MAX_FILE_MB} MB PeerDesk "
        "imports at a time; split it into smaller files and import each."
    )


def _not_a_workbook(file_name: str, why: str) -> ImportProblem:
    return ImportProblem(
        f"{file_name} is not a spreadsheet PeerDesk can read ({why}); open it in Excel and "
        "save it again as .xlsx or as CSV."
    )


def _build_sheet(file_name: str, source: str, records: Iterable[tuple[int, list[Cell]]]) -> Sheet:
    """The sheet of ``records`` (line number, cells), read one at a time: a row past
    :data:`MAX_ROWS` or wider than :data:`MAX_COLUMNS` stops the reading there."""
    # A title above the table ("Residents, June 2026") fills one cell; the header is the first
    # row that names at least two columns (or the first row of a one-column sheet).
    header: list[Cell] | None = None
    header_line = 0
    width = 0
    above: list[tuple[int, list[Cell]]] = []  # one-cell rows while no header is found
    rows: list[SheetRow] = []

    def add(line: int, cells: list[Cell]) -> None:
        cells = cells[:width] + [""] * (width - len(cells))
        if not _is_blank(cells):
            rows.append(SheetRow(line, tuple(cells)))

    for line, cells in records:
        if line > MAX_ROWS:
            raise _too_many_rows(file_name)
        while cells and cells[-1] == "":
            cells.pop()  # trailing empty columns
        if len(cells) > MAX_COLUMNS:
            raise ImportProblem(
                f"Line {line} of {file_name} has more than {MAX_COLUMNS} columns, the most "
                "PeerDesk reads; delete the columns it does not need, save it and import it "
                "again."
            )
        if not cells:
            continue
        if header is not None:
            add(line, cells)
        elif sum(c != "" for c in cells) >= 2:
            header_line, header = line, cells
            width = len(cells)
            above.clear()
        else:
            above.append((line, cells))
    if header is None:
        if not above:
            raise ImportProblem(f"{file_name} is empty; choose the file that holds the records.")
        (header_line, header), *rest = above
        width = len(header)
        for line, cells in rest:
            add(line, cells)
    if not rows:
        raise ImportProblem(f"{file_name} has a header row but no rows under it to import.")
    return Sheet(file_name, source, tuple(_text(c) for c in header), header_line, tuple(rows))


def _decodes(binary: BinaryIO, codec: str) -> bool:
    """Whether the whole file reads as ``codec``, a megabyte at a time."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        while chunk := binary.read(MB):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        binary.seek(0)
    return True


def _encoding(binary: BinaryIO) -> tuple[str, str, str]:
    """How to read a CSV file's text: the codec, what to do with a byte it cannot read, and
    the encoding's name for the window."""
    start = binary.read(3)
    binary.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "replace", "UTF-8"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" is UTF-16 with a BOM (and tabs).
        return "utf-16", "replace", "UTF-16"
    if _decodes(binary, "utf-8"):
        return "utf-8", "strict", "UTF-8"
    if _decodes(binary, "cp1252"):
        return "cp1252", "strict", "Windows-1252"
    # One of the five bytes Windows-1252 leaves undefined: Latin-1 reads every byte.
    return "latin-1", "strict", "Latin-1"


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the first non-blank line has most of outside quotes."""
    counts = dict.fromkeys(CSV_DELIMITERS, 0)
    quoted = False
    seen_text = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in "\r\n":
                if seen_text:
                    break
                continue
            if ch in counts:
                counts[ch] += 1
            if not ch.isspace():
                seen_text = True
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


class _CsvLines:
    """A CSV file's lines for :mod:`csv`, at most :data:`MAX_ROW_CHARS` characters a row: a
    longer row is refused as soon as it passes the limit, so a 40 MB cell is never held."""

    def __init__(self, text: TextIO, file_name: str) -> None:
        self.text = text
        self.file_name = file_name
        self.row = 1  # the row being read (a quoted line break spans lines)
        self.chars = 0  # its characters so far

    def __iter__(self) -> Iterator[str]:
        while line := self.text.readline(MAX_ROW_CHARS + 1):
            self.chars += len(line)
            if self.chars > MAX_ROW_CHARS:
                raise ImportProblem(
                    f"Line {self.row} of {self.file_name} is longer than {MAX_ROW_CHARS:,} "
                    "characters, the most PeerDesk reads in one row; check that this is the "
                    "right file, or shorten that row and save it again."
                )
            yield line.replace("\x00", "")

    def next_row(self) -> None:
        self.row += 1
        self.chars = 0


def _read_csv(binary: BinaryIO, file_name: str) -> Sheet:
    """A CSV file as a :class:`Sheet` (line numbers count records, as Excel does), read a
    line at a time."""
    codec, errors, encoding = _encoding(binary)
    text = io.TextIOWrapper(binary, encoding=codec, errors=errors, newline="")
    try:
        delimiter = _sniff_delimiter(text.read(MAX_ROW_CHARS).replace("\x00", ""))
        text.seek(0)
        lines = _CsvLines(text, file_name)
        reader = csv.reader(lines, delimiter=delimiter)

        def records() -> Iterator[tuple[int, list[Cell]]]:
            for line, record in enumerate(reader, start=1):
                lines.next_row()
                yield line, [_clean(cell) for cell in record]

        source = f"CSV, {encoding}, {_DELIMITER_NAMES[delimiter]}"
        try:
            return _build_sheet(file_name, source, records())
        except csv.Error as exc:
            raise ImportProblem(
                f"{file_name} could not be read as a CSV file near line {reader.line_num} "
                f"({exc}); open it in a spreadsheet program and save it again as CSV."
            ) from exc
    finally:
        text.detach()  # the file stays open for whoever opened it


def read_csv_bytes(data: bytes, file_name: str) -> Sheet:
    """A CSV file's bytes as a :class:`Sheet` (line numbers count records, as Excel does)."""
    if len(data) > MAX_FILE_MB * MB:
        raise _too_big(file_name, len(data))
    return _read_csv(io.BytesIO(data), file_name)


# The end of a zip file: its end record and, for a zip64 file, the locator of the larger one.
_ZIP_END = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"


def _zip_directory_size(binary: BinaryIO, size: int) -> int | None:
    """How many bytes a zip file's table of contents (its central directory) takes, from its
    end record; None when it has none (zipfile then says the file is damaged).

    zipfile reads the whole table into memory, a few hundred bytes for each part listed, so
    it is measured first.
    """
    tail_size = min(size, 22 + 0xFFFF)  # the end record and the longest comment after it
    binary.seek(size - tail_size)
    tail = binary.read(tail_size)
    binary.seek(0)
    at = tail.rfind(_ZIP_END)
    if at < 0 or len(tail) - at < 22:
        return None
    (directory,) = struct.unpack_from("<L", tail, at + 12)
    if directory == 0xFFFFFFFF and at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR:
        (end64,) = struct.unpack_from("<Q", tail, at - 12)
        binary.seek(end64)
        record = binary.read(56)
        binary.seek(0)
        if len(record) == 56 and record.startswith(_ZIP64_END):
            (directory,) = struct.unpack_from("<Q", record, 40)
    return int(directory)


class _PartScan:
    """One XML part of a workbook read through with expat before openpyxl reads it, counting
    what openpyxl would hold of it: a part built to fill the memory, or one declaring its own
    entities (a billion laughs, an outside file), is refused before openpyxl sees it."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.depth = 0
        self.unit_depth = 0  # the depth of the row or shared text being read, 0 outside one
        self.units = 0
        self.inside = 0
        self.kept = 0
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end

    def _refuse(self) -> None:
        raise _not_a_workbook(self.file_name, "it is built in a way no spreadsheet program writes")

    def _doctype(self, *_declaration: object) -> None:
        # Office files never declare a DTD; its entities are how a billion laughs or a file
        # from the PC would get in.
        raise _not_a_workbook(
            self.file_name, "it holds XML declarations no spreadsheet program writes"
        )

    def _start(self, name: str, _attributes: object) -> None:
        self.depth += 1
        if self.unit_depth:
            self.inside += 1
            if self.inside > MAX_ELEMENTS_IN_A_ROW:
                self._refuse()
        elif name.rpartition(":")[2] in ("row", "si"):
            # openpyxl empties each row (and shared text) once read, keeping the empty element.
            self.unit_depth, self.inside = self.depth, 0
            self.units += 1
            if self.units > MAX_XML_ROWS:
                self._refuse()
        else:
            self.kept += 1
            if self.kept > MAX_XML_ELEMENTS:
                self._refuse()

    def _end(self, _name: str) -> None:
        if self.depth == self.unit_depth:
            self.unit_depth = 0
        self.depth -= 1

    def read(self, stream: IO[bytes]) -> None:
        try:
            while chunk := stream.read(64 * 1024):
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError:
            pass  # not XML (a picture), or damaged: openpyxl says so if it needs the part


def _check_workbook(binary: BinaryIO, size: int, file_name: str) -> None:
    """Refuse a workbook that would take too much memory or time to read, looking only at
    its table of contents and at each part as it streams past."""
    directory = _zip_directory_size(binary, size)
    if directory is not None and directory > MAX_WORKBOOK_DIRECTORY:
        raise _not_a_workbook(file_name, "it lists far more parts than a workbook has")
    with zipfile.ZipFile(binary) as archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
        if unpacked > MAX_WORKBOOK_MB * MB:
            raise ImportProblem(
                f"{file_name} would take {math.ceil(unpacked / MB):,} MB once unpacked, more "
                f"than the {MAX_WORKBOOK_MB} MB PeerDesk reads from a workbook; save it as "
                "CSV, or split it into smaller files, and import that."
            )
        for part in parts:
            with archive.open(part) as stream:
                _PartScan(file_name).read(stream)


def _read_xlsx(binary: BinaryIO, size: int, file_name: str) -> Sheet:
    """The first worksheet of an Excel workbook (read-only; dates come as dates)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    def unreadable(exc: Exception) -> ImportProblem:
        return ImportProblem(
            f"{file_name} could not be read as an Excel workbook ({exc}); open it in Excel "
            "and save it again as .xlsx or as CSV."
        )

    try:
        _check_workbook(binary, size, file_name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise unreadable(exc) from exc
    binary.seek(0)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips; none of them matter here.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(binary, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                # Never past the limits, whatever size the sheet says it is: openpyxl fills
                # every row to the widest column and every gap between rows.
                values = sheet.iter_rows(
                    min_row=1, max_row=MAX_ROWS + 1, min_col=1, max_col=MAX_COLUMNS + 1,
                    values_only=True,
                )  # fmt: skip
                records = (
                    (line, [_clean(v) for v in _without_trailing_none(cells)])
                    for line, cells in enumerate(values, start=1)
                )
                return _build_sheet(file_name, f"Excel workbook, sheet {sheet.title}", records)
            finally:
                book.close()
    except SyntaxError as exc:  # the XML parser's ParseError
        raise _not_a_workbook(file_name, "part of it is damaged") from exc
    except (
        zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError, TypeError,
        zlib.error, EOFError,
    ) as exc:  # fmt: skip
        raise unreadable(exc) from exc


def _without_trailing_none(cells: Sequence[object]) -> Sequence[object]:
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    return cells[:end]


def read_sheet(path: Path | str) -> Sheet:
    """Read a ``.csv`` or ``.xlsx`` file (told apart by their content, not their name)."""
    path = Path(path)
    try:
        with path.open("rb") as binary:
            size = os.fstat(binary.fileno()).st_size
            if size > MAX_FILE_MB * MB:
                raise _too_big(path.name, size)
            magic = binary.read(len(XLSX_MAGIC))
            binary.seek(0)
            if magic.startswith(XLSX_MAGIC):
                return _read_xlsx(binary, size, path.name)
            if magic.startswith(XLS_MAGIC):
                raise ImportProblem(
                    f"{path.name} is an old Excel file (.xls); open it in Excel and save it as "
                    ".xlsx or CSV, then import that."
                )
            return _read_csv(binary, path.name)
    except FileNotFoundError:
        raise ImportProblem(f"There is no file {path}; check the name and the folder.") from None
    except IsADirectoryError:
        raise ImportProblem(f"{path} is a folder; choose the spreadsheet file inside it.") from None
    except OSError as exc:
        raise ImportProblem(
            f"{path} could not be read ({exc.strerror or exc}); check the drive and try again."
        ) from exc


# --------------------------------------------------------------------------- dates


class CellProblem(ImportProblem):
    """A cell that cannot be read as its field (``field``); becomes the row's reason."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_NUMERIC_DATE = re.compile(r"(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([ap]\.?m\.?)?$", re.IGNORECASE)
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Plain numbers read as Excel dates from 1 Jan 1910 (nobody in the house was born earlier, and
# a stray 7 or 42 in a date column is a typing slip, not 1900) to 31 Dec 9999.
EXCEL_FIRST_SERIAL = 3654
EXCEL_LAST_SERIAL = 2958465


@dataclass(frozen=True)
class ReadDate:
    """A date read from a cell, and a note when the reading needed the house's date order."""

    value: dt.date
    note: str = ""


def _excel_serial(number: float) -> dt.date | None:
    if not math.isfinite(number):
        return None
    whole = int(number)
    if not EXCEL_FIRST_SERIAL <= whole <= EXCEL_LAST_SERIAL:
        return None  # a bare year (1985), or nothing a spreadsheet would call a date
    # Day 1 is 1 Jan 1900, and Excel counts a 29 Feb 1900 that never was: from March 1900
    # on, serial n is n days after 30 Dec 1899.
    return EXCEL_EPOCH + dt.timedelta(days=whole)


def read_date(value: Cell, order: vocab.DateOrder, label: str = "Date") -> ReadDate | None:
    """A date as people type it, or None for an empty cell.

    ``3/7/2026`` and ``03-07-2026`` follow ``order`` (and the note says how they were read);
    ``2026-03-07``, ``7 Mar 2026``, ``March 7, 2026``, Excel date cells and Excel serial
    numbers are never ambiguous. Raises :class:`CellProblem` for anything else.
    """
    if isinstance(value, dt.datetime):
        return ReadDate(value.date())
    if isinstance(value, dt.date):
        return ReadDate(value)
    if isinstance(value, int | float):
        serial = _excel_serial(value)
        if serial is None:
            raise CellProblem("", f"{label} {value:g} is not a date; write it like 2026-03-07.")
        return ReadDate(serial)
    text = value.strip()
    if not text:
        return None
    problem = CellProblem("", f'{label} "{text}" is not a date; write it like 2026-03-07.')
    bare = _TIME_TAIL.sub("", text).strip()
    try:
        if bare.isdigit():
            if len(bare) == 8:  # 20260307
                return ReadDate(dt.date(int(bare[:4]), int(bare[4:6]), int(bare[6:])))
            serial = _excel_serial(int(bare))
            if serial is None:
                raise problem
            return ReadDate(serial)
        numeric = _NUMERIC_DATE.fullmatch(bare)
        if numeric:
            return _numeric_date(text, *numeric.groups(), order=order, label=label)
        return ReadDate(worded_date(bare))
    except (ValueError, OverflowError):
        raise problem from None


def _numeric_date(
    text: str, a: str, b: str, c: str, *, order: vocab.DateOrder, label: str
) -> ReadDate:
    if len(a) == 4:  # 2026-03-07 or 2026/3/7: year first is always year-month-day
        return ReadDate(dt.date(int(a), int(b), int(c)))
    if len(c) not in (2, 4):
        raise ValueError(text)
    year = two_digit_year(c)
    first, second = int(a), int(b)
    is_month_first = month_first(first, second, order)
    month, day = (first, second) if is_month_first else (second, first)
    value = dt.date(year, month, day)
    note = ""
    if first != second and first <= 12 and second <= 12:
        how = "month first" if is_month_first else "day first"
        note = f"{label} {text} read as {fmt_date(value)} ({how})"
    elif is_month_first != (order is vocab.DateOrder.MONTH_FIRST):
        how = "month first" if is_month_first else "day first"
        note = (
            f"{label} {text} can only be {fmt_date(value)} ({how}, unlike the house setting); "
            "check the other dates in this column"
        )
    return ReadDate(value, note)


# --------------------------------------------------------------------------- column mapping


@dataclass(frozen=True)
class ColumnMapping:
    """Which field each column of the sheet fills (``None``: the column is left out)."""

    kind: ImportKind
    fields: tuple[str | None, ...]

    def assign(self, column: int, field: str | None) -> ColumnMapping:
        """The mapping with ``column`` filling ``field`` (taken from any other column)."""
        if field is not None and field not in {f.key for f in _FIELDS[self.kind]}:
            raise KeyError(field)
        fields = [None if f == field else f for f in self.fields]
        fields[column] = field
        return dataclasses.replace(self, fields=tuple(fields))

    def column_of(self, field: str) -> int | None:
        return self.fields.index(field) if field in self.fields else None

    def missing(self) -> tuple[str, ...]:
        """Labels of the required fields no column fills (empty when the mapping will do)."""
        missing = []
        has_name = FULL_NAME in self.fields
        for key in ("first_name", "last_name"):
            if key not in self.fields and not has_name:
                missing.append(field_label(self.kind, key))
        required_date = _REQUIRED_DATE[self.kind]
        if required_date not in self.fields:
            missing.append(field_label(self.kind, required_date))
        return tuple(missing)


def guess_mapping(kind: ImportKind, header: Sequence[str]) -> ColumnMapping:
    """Match each header to a field: exact names and synonyms first, then a header that
    starts with one ("Date of birth (mm/dd/yyyy)"). Each field is filled by one column."""
    synonyms = _SYNONYMS[kind]
    keys = [_normalise(h) for h in header]
    fields: list[str | None] = [None] * len(header)
    used: set[str] = set()
    for column, key in enumerate(keys):
        field = synonyms.get(key)
        if field is not None and field not in used:
            fields[column] = field
            used.add(field)
    by_length = sorted(synonyms.items(), key=lambda item: -len(item[0]))
    for column, key in enumerate(keys):
        if fields[column] is not None or not key:
            continue
        for synonym, field in by_length:
            if len(synonym) >= 4 and key.startswith(synonym) and field not in used:
                fields[column] = field
                used.add(field)
                break
    return ColumnMapping(kind, tuple(fields))


def _remembered(s: Session, kind: ImportKind) -> dict[str, str]:
    value = s.get(Preference, PREFERENCE_KEY.format(kind=kind.value))
    if value is None:
        return {}
    try:
        columns = json.loads(value.value).get("columns", {})
    except (ValueError, AttributeError):
        return {}  # a damaged preference only loses the remembered mapping
    known = {f.key for f in _FIELDS[kind]}
    return {
        str(header): str(field)
        for header, field in columns.items()
        if isinstance(field, str) and (field in known or field == "")
    }


def offered_mapping(s: Session, kind: ImportKind, header: Sequence[str]) -> ColumnMapping:
    """The mapping to offer: the one remembered from the last import of this kind for every
    header it knows, a guess for the rest."""
    remembered = _remembered(s, kind)
    guessed = guess_mapping(kind, header)
    fields: list[str | None] = [None] * len(header)
    for column, name in enumerate(header):
        choice = remembered.get(_normalise(name))
        if choice is not None and choice not in fields:
            fields[column] = choice or None
    for column, name in enumerate(header):
        if _normalise(name) in remembered:
            continue
        guess = guessed.fields[column]
        if guess is not None and guess not in fields:
            fields[column] = guess
    return ColumnMapping(kind, tuple(fields))


def remember_mapping(s: Session, mapping: ColumnMapping, header: Sequence[str]) -> None:
    """Keep this mapping (header → field) so the next import of this kind offers it."""
    key = PREFERENCE_KEY.format(kind=mapping.kind.value)
    columns = dict(_remembered(s, mapping.kind))
    for name, field in zip(header, mapping.fields, strict=True):
        if _normalise(name):
            columns[_normalise(name)] = field or ""
    value = json.dumps({"columns": columns}, sort_keys=True)
    row = s.get(Preference, key)
    if row is None:
        s.add(Preference(key=key, value=value))
    else:
        row.value = value
    s.flush()


# --------------------------------------------------------------------------- rows to records


# A row as the services take it: a resident's details, admission and discharge if any; a
# mentor's details and the end date of one who has left.
ResidentRecord = resident_service.Intake
MentorRecord = mentor_service.NewMentor
Record = ResidentRecord | MentorRecord

# Names are matched (phases, mentors, duplicates …) the way the intake's duplicate check does.
_name_key = resident_service.name_key


@dataclass
class _Lookups:
    """Everything a row refers to by name, read once per preview."""

    phases: dict[str, int]
    phase_names: list[str]
    first_phase: tuple[int, str] | None
    living: dict[str, str]
    mentors: dict[str, list[int]]
    residents: dict[str, list[int]]

    @classmethod
    def load(cls, s: Session) -> _Lookups:
        phases: dict[str, int] = {}
        phase_names: list[str] = []
        first_phase = None
        for phase in s.execute(
            select(ProgramPhase).order_by(ProgramPhase.position, ProgramPhase.id)
        ).scalars():
            for name in (phase.short_name, phase.name):
                phases[_name_key(name)] = phase.id
            if phase.active:
                phase_names.append(phase.name)
                if first_phase is None:
                    first_phase = (phase.id, phase.name)
        living: dict[str, str] = {}
        for code, label in s.execute(select(LivingSituation.code, LivingSituation.label)):
            living[_name_key(code)] = code
            living[_name_key(label)] = code
        mentors: dict[str, list[int]] = {}
        for m in s.execute(select(Mentor.id, Mentor.first_name, Mentor.last_name)):
            mentors.setdefault(_name_key(f"{m.first_name} {m.last_name}"), []).append(m.id)
        residents: dict[str, list[int]] = {}
        for r in s.execute(select(Resident.id, Resident.first_name, Resident.last_name)):
            residents.setdefault(_name_key(f"{r.first_name} {r.last_name}"), []).append(r.id)
        return cls(phases, phase_names, first_phase, living, mentors, residents)


def _existing_keys(s: Session, kind: ImportKind) -> set[tuple[object, ...]]:
    if kind is ImportKind.RESIDENTS:
        query = select(Resident.first_name, Resident.last_name, Resident.date_of_birth)
        return {(_name_key(r[0]), _name_key(r[1]), r[2]) for r in s.execute(query)}
    return {
        (_name_key(m[0]), _name_key(m[1]))
        for m in s.execute(select(Mentor.first_name, Mentor.last_name))
    }


def _key(record: Record) -> tuple[object, ...] | None:
    """What makes two rows the same person: name and date of birth (mentors: name)."""
    first, last = _name_key(record.details.first_name), _name_key(record.details.last_name)
    if not first or not last:
        return None  # the service will say the name is required
    if isinstance(record, ResidentRecord):
        return (first, last, record.details.date_of_birth)
    return (first, last)


def _text(value: Cell) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).strip()


class _Row:
    """One row's cells by field, turning each into what the services take."""

    def __init__(
        self, kind: ImportKind, values: dict[str, Cell], order: vocab.DateOrder, lk: _Lookups
    ) -> None:
        self.kind = kind
        self.values = values
        self.order = order
        self.lk = lk
        self.notes: list[str] = []

    def text(self, field: str) -> str:
        """The cell as text; a character no field of its kind may hold makes the row wrong."""
        text = self.shown(field)
        what = unprintable(text, multiline=field_of(self.kind, field).multiline)
        if what is not None:
            raise CellProblem(field, unprintable_sentence(field_label(self.kind, field), what))
        return text

    def shown(self, field: str) -> str:
        """The cell as text, unchecked: what names the row in the preview."""
        return _text(self.values.get(field, ""))

    def names(self, read: Callable[[str], str] | None = None) -> tuple[str, str]:
        read = read or self.text
        first, last = read("first_name"), read("last_name")
        full = read(FULL_NAME)
        if full and not (first and last):
            if "," in full:  # "Doe, Jamie"
                full_last, _, full_first = full.partition(",")
            else:  # "Mary Ann O'Neil": the last word is the last name
                full_first, _, full_last = full.rpartition(" ")
            first = first or full_first.strip()
            last = last or full_last.strip()
        return first, last

    def display_name(self) -> str:
        first, last = self.names(self.shown)
        preferred = self.shown("preferred_name") if self.kind is ImportKind.RESIDENTS else ""
        if not (first or last):
            return "(no name)"
        return person_name(first, last, preferred).strip()

    def date(self, field: str) -> dt.date | None:
        label = field_label(self.kind, field)
        try:
            read = read_date(self.values.get(field, ""), self.order, label)
        except CellProblem as exc:
            raise CellProblem(field, exc.message) from None
        if read is None:
            return None
        if read.note:
            self.notes.append(read.note)
        return read.value

    def required_date(self, field: str) -> dt.date:
        value = self.date(field)
        if value is None:
            raise CellProblem(field, f"{field_label(self.kind, field)} is required.")
        return value

    def one_of(self, field: str, table: Mapping[str, str], hint: str) -> str | None:
        text = self.text(field)
        if not text:
            return None
        key = _name_key(text)
        if key in table:
            return table[key]
        starting = {code for name, code in table.items() if name.startswith(key)}
        if len(starting) == 1:
            return starting.pop()
        raise CellProblem(
            field, f'{field_label(self.kind, field)} "{text}" is not in the list; {hint}.'
        )

    def person(
        self, field: str, table: Mapping[str, list[int]], what: str, hint: str
    ) -> int | None:
        text = self.text(field)
        if not text:
            return None
        ids = table.get(_name_key(text), [])
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise CellProblem(field, f"No {what} called {text} is in the records; {hint}.")
        raise CellProblem(
            field, f"{len(ids)} {what}s are called {text}; clear the cell and choose one later."
        )

    def answer(self, field: str) -> str:
        """A funders' answer as its code: a code or label of its list, or a spelling sheets use
        ("F", "Y", "Non-Hispanic", a monthly amount for income); a blank cell is unknown."""
        text = self.text(field)
        if not text:
            return funder_vocab.UNKNOWN
        enum, label = QUESTIONS[field]
        code = import_answers.read_answer(field, text)
        if code is None:
            answers = ", ".join(m.label for m in enum)
            raise CellProblem(field, f'{label} "{text}" is not one of its answers: {answers}.')
        return code

    def status(self, words: Mapping[str, bool]) -> bool | None:
        """True for a row that says the person has left, False for current, None if blank."""
        text = self.text("status")
        if not text:
            return None
        key = _name_key(text)
        if key not in words:
            gone = "discharged" if self.kind is ImportKind.RESIDENTS else "inactive"
            raise CellProblem("status", f'Status "{text}" should be active or {gone}.')
        return words[key]


_RESIDENT_STATUS = {
    **dict.fromkeys(("active", "current", "in residence", "in house", "resident", "yes"), False),
    **dict.fromkeys(("discharged", "former", "left", "exited", "no"), True),
}
_MENTOR_STATUS = {
    **dict.fromkeys(("active", "current", "yes"), False),
    **dict.fromkeys(("inactive", "former", "left", "no"), True),
}
_DISCHARGE_REASONS = {
    **{_name_key(r.value.replace("_", " ")): r.value for r in vocab.DischargeReason},
    **{_name_key(r.value): r.value for r in vocab.DischargeReason},
    **{_name_key(r.label): r.value for r in vocab.DischargeReason},
}
_OUTCOMES = {_name_key(o.value): o.value for o in vocab.OutcomeClass}


def _resident_record(row: _Row) -> ResidentRecord:
    lk = row.lk
    first, last = row.names()
    phase_text = row.text("phase")
    if phase_text:
        phase_id = lk.phases.get(_name_key(phase_text))
        if phase_id is None:
            names = ", ".join(lk.phase_names)
            raise CellProblem("phase", f'Phase "{phase_text}" is not a phase here ({names}).')
    elif lk.first_phase is not None:
        phase_id = lk.first_phase[0]
        if "phase" in row.values:
            row.notes.append(f"No phase given: starts in {lk.first_phase[1]}")
    else:
        raise CellProblem("phase", "The house has no program phase; add one in the settings.")
    living_hint = "write one of the codes, such as shelter, jail, treatment or own_rent"
    details = resident_service.ResidentDetails(
        first_name=first,
        last_name=last,
        preferred_name=row.text("preferred_name"),
        date_of_birth=row.date("date_of_birth"),
        phone=row.text("phone"),
        emergency_contact_name=row.text("emergency_contact_name"),
        emergency_contact_phone=row.text("emergency_contact_phone"),
        room=row.text("room"),
        bed=row.text("bed"),
        mentor_id=row.person(
            "mentor",
            lk.mentors,
            "peer mentor",
            "import the peer mentors first, or clear the cell",
        ),
        notes=row.text("notes"),
    )
    admission = resident_service.Admission(
        intake_date=row.required_date("intake_date"),
        phase_id=phase_id,
        referral_source=row.text("referral_source"),
        living_situation=row.one_of("living_situation_at_intake", lk.living, living_hint)
        or "unknown",
    )
    answers = {q: row.answer(q) for q in QUESTIONS if q in row.values}
    left = row.status(_RESIDENT_STATUS)
    discharge_date = row.date("discharge_date")
    leaving = ("discharge_reason", "discharge_outcome", "living_situation_at_exit")
    if discharge_date is None:
        if left:
            raise CellProblem(
                "discharge_date", "Discharge date is required for a discharged resident."
            )
        given = [f for f in (*leaving, "discharge_notes") if row.text(f)]
        given += [
            q
            for q in funder_vocab.EXIT_QUESTIONS
            if answers.get(q, funder_vocab.UNKNOWN) != funder_vocab.UNKNOWN
        ]
        if given:
            raise CellProblem(
                given[0],
                f"{field_label(row.kind, given[0])} is given but the discharge date is empty.",
            )
        return ResidentRecord(details, admission, answers=answers)
    if left is False:
        raise CellProblem(
            "discharge_date", "The row has a discharge date but says active; clear one of them."
        )
    reason = row.one_of("discharge_reason", _DISCHARGE_REASONS, _reason_hint())
    if reason is None:
        raise CellProblem(
            "discharge_reason",
            f"Discharge reason is required with a discharge date; {_reason_hint()}.",
        )
    outcome = row.one_of("discharge_outcome", _OUTCOMES, "write positive, neutral or negative")
    discharge = resident_service.Discharge(
        discharge_date=discharge_date,
        reason=vocab.DischargeReason(reason),
        outcome=vocab.OutcomeClass(outcome) if outcome else None,
        exit_living_situation=row.one_of("living_situation_at_exit", lk.living, living_hint)
        or "unknown",
        notes=row.text("discharge_notes"),
    )
    return ResidentRecord(details, admission, discharge, answers)


def _reason_hint() -> str:
    return "write one of: " + ", ".join(r.label for r in vocab.DischargeReason)


def _mentor_record(row: _Row) -> MentorRecord:
    first, last = row.names()
    former_id = None
    if row.text("former_resident"):
        try:
            former_id = row.person("former_resident", row.lk.residents, "resident", "")
        except CellProblem:
            # Residents usually come after their mentors; the link can be made on the form.
            row.notes.append(
                f"Former resident {row.text('former_resident')} is not linked (not found in the "
                "records, or more than one)"
            )
    details = mentor_service.MentorDetails(
        first_name=first,
        last_name=last,
        start_date=row.required_date("start_date"),
        role_title=row.text("role_title") or "Peer mentor",
        phone=row.text("phone"),
        email=row.text("email"),
        supervisor_name=row.text("supervisor_name"),
        former_resident_id=former_id,
        notes=row.text("notes"),
    )
    left = row.status(_MENTOR_STATUS)
    end_date = row.date("end_date")
    if left and end_date is None:
        raise CellProblem("end_date", "End date is required for an inactive peer mentor.")
    if left is False and end_date is not None:
        raise CellProblem("end_date", "The row has an end date but says active; clear one of them.")
    return MentorRecord(details, end_date)


Batch = resident_service.IntakeBatch | mentor_service.MentorBatch


def _new_batch(s: Session, actor: Actor, kind: ImportKind) -> Batch:
    """A batch of the services that checks rows by their rules and writes them in bulk."""
    if kind is ImportKind.RESIDENTS:
        return resident_service.IntakeBatch(s, actor)
    return mentor_service.MentorBatch(s, actor)


def _add(batch: Batch, record: Record) -> None:
    """Give one row to the batch; raises the services' ValidationError."""
    if isinstance(batch, resident_service.IntakeBatch):
        assert isinstance(record, ResidentRecord)
        batch.add(record)
    else:
        assert isinstance(record, MentorRecord)
        batch.add(record)


def _saving_order(line: int, record: Record) -> tuple[int, int]:
    # A discharged resident's room and bed are history: saving them first lets a current
    # resident of the same bed follow without a "bed is taken" refusal.
    discharged = isinstance(record, ResidentRecord) and record.discharge is not None
    return (0 if discharged else 1, line)


# --------------------------------------------------------------------------- preview


class RowStatus(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    WRONG = "wrong"


@dataclass(frozen=True)
class PreviewRow:
    """What importing one row would do. ``reason`` says why it is a duplicate or wrong, and
    ``field`` which field is wrong; ``notes`` say how ambiguous dates were read."""

    line: int
    status: RowStatus
    name: str
    reason: str = ""
    field: str = ""
    notes: tuple[str, ...] = ()
    record: Record | None = None


@dataclass(frozen=True)
class Preview:
    """Every row of a sheet, marked new, duplicate or wrong, under one mapping."""

    kind: ImportKind
    file_name: str
    header: tuple[str, ...]
    mapping: ColumnMapping
    date_order: vocab.DateOrder
    rows: tuple[PreviewRow, ...]

    def with_status(self, status: RowStatus) -> tuple[PreviewRow, ...]:
        return tuple(row for row in self.rows if row.status is status)

    @property
    def new(self) -> tuple[PreviewRow, ...]:
        return self.with_status(RowStatus.NEW)

    @property
    def duplicates(self) -> tuple[PreviewRow, ...]:
        return self.with_status(RowStatus.DUPLICATE)

    @property
    def wrong(self) -> tuple[PreviewRow, ...]:
        return self.with_status(RowStatus.WRONG)

    def summary(self) -> str:
        """``12 new, 1 duplicate, 2 wrong``"""
        return (
            f"{len(self.new)} new, {dto.counted(len(self.duplicates), 'duplicate')}, "
            f"{len(self.wrong)} wrong"
        )


def _check_mapping(sheet: Sheet, mapping: ColumnMapping) -> None:
    if len(mapping.fields) != len(sheet.header):
        raise ImportProblem("The column choices do not match this sheet; read the file again.")
    chosen = [f for f in mapping.fields if f is not None]
    if len(chosen) != len(set(chosen)):
        raise ImportProblem("Two columns are set to the same field; leave one of them out.")
    missing = mapping.missing()
    if missing:
        names = " and ".join(missing)
        raise ImportProblem(
            f"No column of {sheet.file_name} holds the {names.lower()}; add a column headed "
            f'"{missing[0]}" or choose which column holds it.'
        )


def _preview(
    s: Session,
    actor: Actor,
    sheet: Sheet,
    mapping: ColumnMapping,
    date_order: vocab.DateOrder | None,
    progress: Progress | None,
) -> tuple[Preview, Batch, list[int]]:
    """Build the preview with every new row accepted into a batch, which is returned unwritten
    with the lines it holds (in its order): a preview drops it, a one-pass import writes it."""
    actor.require(Action.IMPORT_DATA)
    kind = mapping.kind
    batch = _new_batch(s, actor, kind)  # the same permission as the form
    _check_mapping(sheet, mapping)
    order = date_order or get_settings(s).date_order
    lookups = _Lookups.load(s)
    existing = _existing_keys(s, kind)
    convert = _resident_record if kind is ImportKind.RESIDENTS else _mentor_record
    same_what = "name and date of birth" if kind is ImportKind.RESIDENTS else "name"
    done: dict[int, PreviewRow] = {}
    candidates: list[tuple[int, Record, str, tuple[str, ...]]] = []
    for sheet_row in sheet.rows:
        values = {f: sheet_row.cells[i] for i, f in enumerate(mapping.fields) if f is not None}
        row = _Row(kind, values, order, lookups)
        name, line = row.display_name(), sheet_row.line
        try:
            record = convert(row)
        except CellProblem as problem:
            done[line] = PreviewRow(
                line, RowStatus.WRONG, name, problem.message, problem.field, tuple(row.notes)
            )
            continue
        candidates.append((line, record, name, tuple(row.notes)))

    accepted = _check_rows(batch, candidates, existing, same_what, done, progress)
    preview = Preview(
        kind=kind,
        file_name=sheet.file_name,
        header=sheet.header,
        mapping=mapping,
        date_order=order,
        rows=tuple(done[line] for line in sorted(done)),
    )
    return preview, batch, accepted


def _check_rows(
    batch: Batch,
    candidates: list[tuple[int, Record, str, tuple[str, ...]]],
    existing: set[tuple[object, ...]],
    same_what: str,
    done: dict[int, PreviewRow],
    progress: Progress | None,
) -> list[int]:
    """Give each candidate row to the batch (in saving order, so the rows after it are checked
    against it), marking it new, duplicate or wrong in ``done``. Returns the lines the batch
    accepted, in its order."""
    accepted: list[int] = []
    accepted_keys: dict[tuple[object, ...], int] = {}
    ordered = sorted(candidates, key=lambda c: _saving_order(c[0], c[1]))
    for count, (line, record, name, notes) in enumerate(ordered, start=1):
        _report(progress, count - 1, len(ordered))
        key = _key(record)
        if key is not None and (key in existing or key in accepted_keys):
            reason = (
                f"already in the records (same {same_what})"
                if key in existing
                else f"same {same_what} as line {accepted_keys[key]}"
            )
            done[line] = PreviewRow(line, RowStatus.DUPLICATE, name, reason, "", notes, record)
            continue
        try:
            _add(batch, record)
        except ValidationError as exc:
            reason = " ".join(error.message for error in exc.errors)
            field = exc.errors[0].field
            done[line] = PreviewRow(line, RowStatus.WRONG, name, reason, field, notes, record)
        else:
            if key is not None:
                accepted_keys[key] = line
            accepted.append(line)
            done[line] = PreviewRow(line, RowStatus.NEW, name, "", "", notes, record)
    _report(progress, len(ordered), len(ordered))
    return accepted


def preview_import(
    s: Session,
    actor: Actor,
    sheet: Sheet,
    mapping: ColumnMapping,
    *,
    date_order: vocab.DateOrder | None = None,
    progress: Progress | None = None,
) -> Preview:
    """Mark every row new, duplicate or wrong; writes nothing.

    Each row that looks new is checked by the rules of the intake (or mentor) form against
    the house and the rows before it. ``date_order`` overrides the house setting for
    ambiguous dates such as 3/7/2026.
    """
    preview, _batch, _lines = _preview(s, actor, sheet, mapping, date_order, progress)
    return preview


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: how many records, and the rows it left out and why."""

    kind: ImportKind
    file_name: str
    imported: int
    duplicates_skipped: int
    wrong_skipped: int
    not_chosen: int
    record_ids: tuple[int, ...]

    def summary(self) -> str:
        what = self.kind.label if self.imported != 1 else self.kind.label[:-1]
        return (
            f"Imported {self.imported} {what} from {self.file_name}; skipped "
            f"{dto.counted(self.duplicates_skipped, 'duplicate')} and "
            f"{dto.counted(self.wrong_skipped, 'wrong row')}."
        )


@dataclass(frozen=True)
class ImportOutcome:
    """The preview of a one-pass import, and its result (None when nothing was written)."""

    preview: Preview
    result: ImportResult | None


def _finish(
    s: Session, actor: Actor, preview: Preview, ids: Sequence[int], not_chosen: int
) -> ImportResult:
    result = ImportResult(
        kind=preview.kind,
        file_name=preview.file_name,
        imported=len(ids),
        duplicates_skipped=len(preview.duplicates),
        wrong_skipped=len(preview.wrong),
        not_chosen=not_chosen,
        record_ids=tuple(ids),
    )
    if ids:
        audit.record(
            s,
            actor,
            "import",
            preview.kind.value,
            None,
            f"Imported {len(ids)} {preview.kind.label} from {preview.file_name}",
            {
                "file": preview.file_name,
                "imported": len(ids),
                "duplicates_skipped": result.duplicates_skipped,
                "wrong_skipped": result.wrong_skipped,
                "not_chosen": not_chosen,
            },
        )
        remember_mapping(s, preview.mapping, preview.header)
    return result


def import_rows(
    s: Session,
    actor: Actor,
    preview: Preview,
    lines: Collection[int] | None = None,
    *,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the chosen new rows of a preview (all of them when ``lines`` is None).

    All or nothing: every row is checked again by the same rules as in the preview, and if
    any is refused now (the records changed since the preview) nothing is written and
    :class:`ImportProblem` names the line; then all of them are written in bulk. One audit
    line records the import itself, and the mapping is remembered for the next import of
    this kind.
    """
    actor.require(Action.IMPORT_DATA)
    new = {row.line: row for row in preview.new}
    chosen = sorted(new) if lines is None else sorted(set(lines))
    for line in chosen:
        if line not in new:
            status = next((r.status.value for r in preview.rows if r.line == line), None)
            what = f"is marked {status}" if status else "is not in the preview"
            raise ImportProblem(f"Line {line} {what}; choose only rows marked new.")
    rows = [new[line] for line in chosen]
    existing = _existing_keys(s, preview.kind)
    for row in rows:
        assert row.record is not None
        if _key(row.record) in existing:
            raise ImportProblem(
                f"{row.name} (line {row.line}) is in the records now; nothing was imported. "
                "Preview the file again."
            )
    batch = _new_batch(s, actor, preview.kind)
    ordered = sorted(rows, key=lambda r: _saving_order(r.line, r.record))  # type: ignore[arg-type]
    for count, row in enumerate(ordered):
        _report(progress, count, len(ordered))
        assert row.record is not None
        try:
            _add(batch, row.record)
        except ValidationError as exc:
            raise ImportProblem(
                f"Nothing was imported: line {row.line} ({row.name}) was refused now "
                f"({str(exc).rstrip('.')}); preview the file again."
            ) from exc
    _report(progress, len(ordered), len(ordered))
    ids = _write(s, batch)
    return _finish(s, actor, preview, ids, len(new) - len(rows))


def _write(s: Session, batch: Batch) -> list[int]:
    """Write the batch inside a SAVEPOINT, so a failure half-way leaves nothing behind."""
    outer = s.begin_nested()
    try:
        ids = batch.write()
    except BaseException:
        outer.rollback()
        raise
    outer.commit()
    return ids


def import_sheet(
    s: Session,
    actor: Actor,
    sheet: Sheet,
    mapping: ColumnMapping,
    *,
    date_order: vocab.DateOrder | None = None,
    skip_wrong_rows: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Preview and import in one pass (the command line): every new row is imported unless
    some rows are wrong and ``skip_wrong_rows`` is False, in which case nothing is written."""
    preview, batch, lines = _preview(s, actor, sheet, mapping, date_order, progress)
    if preview.wrong and not skip_wrong_rows:
        return ImportOutcome(preview, None)
    saved = dict(zip(lines, _write(s, batch), strict=True))
    ids = [saved[line] for line in sorted(saved)]
    return ImportOutcome(preview, _finish(s, actor, preview, ids, 0))
