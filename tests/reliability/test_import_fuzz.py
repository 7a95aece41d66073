"""Property tests: whatever CSV a house throws at the import, it never crashes, and it writes
either every row it reports imported or nothing at all."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, imports
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ImportProblem
from peerdesk.core.imports import ImportKind
from peerdesk.core.models import AuditEvent, Mentor, PhaseChange, Preference, Resident, Stay

TABLES = (Resident, Stay, PhaseChange, Mentor, AuditEvent, Preference)

HEADERS = [
    "First Name",
    "first_name",
    "Last",
    "Surname",
    "Name",
    "DOB",
    "Birth date",
    "Intake Date",
    "Move-in",
    "Start date",
    "End date",
    "Room #",
    "Bed",
    "Phase",
    "Mentor",
    "Status",
    "discharge_date",
    "discharge_reason",
    "Living situation",
    "Email",
    "Former resident",
    "Notes",
    "",
    "???",
]
WORDS = [
    "José",
    "O'Neil",
    "Ann",
    "LEE",
    "Zoë Ng",
    "Doe, Jamie",
    "",
    "  ",
    "3/7/2026",
    "13/7/1990",
    "2026-03-07",
    "7 Mar 2026",
    "March 7, 2026",
    "2/30/2026",
    "2030-01-01",
    "1900-01-01",
    "46088",
    "1985",
    "SOS",
    "Phase II",
    "Nobody",
    "shelter",
    "Jail",
    "discharged",
    "active",
    "inactive",
    "Completed program",
    "moved_on",
    "maya@example.org",
    "1",
    "A",
    "'=SUM(A1)",
    "=cmd",
    "-",
    "a,b;c",
    'say "hi"',
    "line\r\nbreak",
    "x" * 130,
]

NAMES = ["José", "O'Neil", "Ann", "LEE", "Zoë", "Núñez, Jr.", "Mary Ann", "D'Arcy", "Kim"]
DATES = ["3/7/2026", "2026-01-05", "7 Mar 2026", "March 7, 2026", "13/1/2026", "46000", "1/2/26"]
REQUIRED = {
    ImportKind.RESIDENTS: (
        ["First Name", "first_name", "Given name"],
        ["Last", "Surname", "last_name"],
        ["Intake Date", "Move-in", "intake_date"],
    ),
    ImportKind.MENTORS: (
        ["First Name", "First"],
        ["Last name", "Surname"],
        ["Start date", "Hire date"],
    ),
}
junk = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))


def column_cells(name: str) -> st.SearchStrategy[str]:
    """Mostly plausible values for the column, sometimes anything at all."""
    key = name.casefold()
    if "name" in key or key in ("first", "last", "surname"):
        plausible: st.SearchStrategy[str] = st.sampled_from(NAMES)
    elif any(word in key for word in ("date", "move", "dob", "birth")):
        plausible = st.sampled_from(DATES)
    else:
        plausible = st.just("")  # every other field may be left empty
    return st.one_of(plausible, plausible, plausible, junk)


@st.composite
def tables(draw: st.DrawFn, kind: ImportKind) -> tuple[list[str], list[list[str]]]:
    """A header with the required columns (usually) and some others, and rows under it."""
    header = [draw(st.sampled_from(names)) for names in REQUIRED[kind]]
    header = (
        draw(st.lists(st.sampled_from(header), max_size=1))
        if draw(st.integers(0, 9)) == 0
        else header
    )
    header += draw(st.lists(st.sampled_from(HEADERS), max_size=5))
    header = draw(st.permutations(header))
    rows = draw(
        st.lists(
            st.tuples(*(column_cells(name) for name in header)).map(list)
            if header
            else st.just([]),
            max_size=8,
        )
    )
    ragged = [
        row[: draw(st.integers(0, len(row)))] if draw(st.integers(0, 4)) == 0 else row
        for row in rows
    ]
    return list(header), ragged


def csv_bytes(
    header: list[str], rows: list[list[str]], delimiter: str, end: str, enc: str
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=end)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(enc, errors="replace")


def counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {
            t.__tablename__: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in TABLES
        }


def import_bytes(
    db: Database, admin: Actor, data: bytes, kind: ImportKind, skip: bool
) -> imports.ImportOutcome | None:
    """Import ``data``; None when the file itself was refused with an ImportProblem."""
    refusal = ""
    try:
        sheet = imports.read_csv_bytes(data, "fuzz.csv")
        with db.begin() as s:
            mapping = imports.offered_mapping(s, kind, sheet.header)
            return imports.import_sheet(s, admin, sheet, mapping, skip_wrong_rows=skip)
    except ImportProblem as problem:
        refusal = str(problem)
    assert refusal.endswith(".") and "\n" not in refusal, refusal
    return None


def assert_all_or_nothing(
    before: dict[str, int], after: dict[str, int], outcome: imports.ImportOutcome | None
) -> None:
    if outcome is None or outcome.result is None or outcome.result.imported == 0:
        assert after == before
        return
    result = outcome.result
    assert result.imported == len(outcome.preview.new)
    table = "residents" if result.kind is ImportKind.RESIDENTS else "mentors"
    assert after[table] - before[table] == result.imported
    if result.kind is ImportKind.RESIDENTS:
        assert after["stays"] - before["stays"] == result.imported
        assert after["phase_changes"] - before["phase_changes"] == result.imported
    # One audit line (or two, with a discharge) per record, and one for the import.
    audit_lines = after["audit_events"] - before["audit_events"]
    assert result.imported + 1 <= audit_lines <= 2 * result.imported + 1


def check_examples(max_examples: int) -> Callable[[Callable[..., Any]], Any]:
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def _generated_csv_imports_completely_or_not_at_all(db: Database, admin: Actor) -> Any:
    @given(
        data=st.data(),
        delimiter=st.sampled_from([",", ";", "\t"]),
        end=st.sampled_from(["\r\n", "\n"]),
        enc=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
        kind=st.sampled_from(list(ImportKind)),
        skip=st.booleans(),
    )
    def check(
        data: st.DataObject, delimiter: str, end: str, enc: str, kind: ImportKind, skip: bool
    ) -> None:
        table = data.draw(tables(kind))
        before = counts(db)
        outcome = import_bytes(db, admin, csv_bytes(*table, delimiter, end, enc), kind, skip)
        assert_all_or_nothing(before, counts(db), outcome)

    return check


@check_examples(60)
@given(data=st.binary(max_size=400), skip=st.booleans())
def test_any_bytes_are_read_or_refused_in_one_sentence(
    db: Database, admin: Actor, data: bytes, skip: bool
) -> None:
    before = counts(db)
    outcome = import_bytes(db, admin, data, ImportKind.RESIDENTS, skip)
    assert_all_or_nothing(before, counts(db), outcome)


def test_generated_csv_files_import_completely_or_not_at_all(db: Database, admin: Actor) -> None:
    check_examples(80)(_generated_csv_imports_completely_or_not_at_all(db, admin))()


@pytest.mark.slow
def test_many_generated_csv_files(db: Database, admin: Actor) -> None:
    check_examples(2000)(_generated_csv_imports_completely_or_not_at_all(db, admin))()


def test_a_crash_half_way_through_an_import_leaves_nothing(
    db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = "".join(
        f"R{n},Doe,2026-01-0{1 + n % 9},discharged,2026-02-01,Completed program\r\n"
        for n in range(6)
    )
    sheet = imports.read_csv_bytes(
        ("First,Last,Intake,Status,Discharge date,Reason\r\n" + data).encode(), "six.csv"
    )
    with db.begin() as s:
        mapping = imports.offered_mapping(s, ImportKind.RESIDENTS, sheet.header)
        preview = imports.preview_import(s, admin, sheet, mapping)
    assert len(preview.new) == 6
    real = audit.record_many
    in_the_transaction: list[int] = []

    def crash_while_auditing(s: Session, *args: Any, **kwargs: Any) -> Any:
        # The residents, their stays and phases are written; the disk stops answering now.
        in_the_transaction.append(s.execute(select(func.count(Resident.id))).scalar_one())
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(audit, "record_many", crash_while_auditing)
    before = counts(db)
    with pytest.raises(OSError, match="Input/output"), db.begin() as s:
        imports.import_rows(s, admin, preview)
    assert in_the_transaction == [before["residents"] + 6]
    assert counts(db) == before
    monkeypatch.setattr(audit, "record_many", real)
    with db.begin() as s:
        assert imports.import_rows(s, admin, preview).imported == 6
    assert counts(db)["residents"] == before["residents"] + 6
