"""``peerdesk import`` as a house manager runs it: dry run, refusal, --skip-bad-rows, exit codes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.test_cli import assert_one_sentence, demo_password, run

# Room 1 bed A twice: the second is refused by the intake service. Dates typed the US way.
RESIDENTS_CSV = (
    "\ufeffFirst Name;Last Name;DOB;Move-in;Room #;Bed;Phase\r\n"
    "José;O'Neil;3/7/1990;2026-03-07;1;A;SOS\r\n"
    "\r\n"
    "Ann;Lee;1985-07-13;7 Mar 2026;1;A;MT I\r\n"
    "JOSÉ;o'neil;1990-03-07;2026-03-09;;;\r\n"
    "Bo;Ng;1991-01-01;2026-03-07;2;B;\r\n"
    '"Cy\r\nRo";"\x1b[2JVu";1991-01-01;2030-03-07;;;\r\n'
)


def count(db: Path, table: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def house(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "house.sqlite3"
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "residents.csv"
    path.write_bytes(RESIDENTS_CSV.encode("utf-8"))
    return path


def test_a_dry_run_prints_every_row_and_writes_nothing(house: Path, sheet: Path) -> None:
    audit_before = count(house, "audit_events")
    result = run("--db", house, "import", "residents", sheet, "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["line", "2", "new", "José", "O'Neil"]
    assert "[Date of birth 3/7/1990 read as 7 Mar 1990 (month first)]" in lines[0]
    assert lines[1].split()[:5] == ["line", "4", "wrong", "Ann", "Lee:"]
    assert lines[1].endswith("Room 1 bed A is taken by José O'Neil.")
    assert ": same name and date of birth as line 2 [No phase given" in lines[2]
    assert lines[2].split()[:3] == ["line", "5", "duplicate"]
    assert lines[3].split()[:3] == ["line", "6", "new"]
    # A name with a line break and a terminal escape is refused, and its line stays one line,
    # made harmless.
    assert lines[4] == (
        "line 7     wrong     Cy  Ro  [2JVu: First name contains a character that cannot be "
        "printed (a line break); type it again without it."
    )
    assert lines[5] == (
        "Dry run of residents.csv (CSV, UTF-8, semicolons; dates read month first): "
        "2 new, 1 duplicate, 2 wrong; nothing was written."
    )
    assert count(house, "residents") == 0
    assert count(house, "audit_events") == audit_before


def test_the_date_order_option_reads_3_7_as_3_july(house: Path, sheet: Path) -> None:
    result = run("--db", house, "import", "residents", sheet, "--dry-run", "--date-order", "dmy")
    assert result.returncode == 0, result.stderr
    assert "read as 3 Jul 1990 (day first)" in result.stdout
    assert "dates read day first): 3 new, 0 duplicates, 2 wrong" in result.stdout


def test_a_real_run_with_wrong_rows_lists_them_and_writes_nothing(house: Path, sheet: Path) -> None:
    result = run("--db", house, "import", "residents", sheet)
    assert_one_sentence(result, "2 rows are wrong in residents.csv", "--skip-bad-rows")
    assert "nothing was imported" in result.stderr
    assert "line 4     wrong     Ann Lee: Room 1 bed A is taken by José O'Neil." in result.stdout
    assert count(house, "residents") == 0


def test_skip_bad_rows_imports_the_rest_and_reports_what_it_skipped(
    house: Path, sheet: Path
) -> None:
    result = run("--db", house, "import", "residents", sheet, "--skip-bad-rows")
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert [line.split()[2] for line in out[:-1]] == ["wrong", "duplicate", "wrong"]
    assert out[-1] == (
        "Imported 2 residents from residents.csv; skipped 1 duplicate and 2 wrong rows."
    )
    assert count(house, "residents") == 2
    # Run again: everyone is a duplicate now, and nothing more is written.
    again = run("--db", house, "import", "residents", sheet, "--skip-bad-rows")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == (
        "Imported 0 residents from residents.csv; skipped 3 duplicates and 2 wrong rows."
    )
    assert count(house, "residents") == 2
    check = run("--db", house, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_mentors_from_an_excel_workbook_then_residents_naming_them(
    house: Path, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Hire date", "Email"])
    sheet.append(["Maya Lopez", 45300, "maya@example.org"])
    sheet.append(["Dana Whitaker", "1/15/2024", None])
    workbook = tmp_path / "staff.xlsx"
    book.save(workbook)
    result = run("--db", house, "import", "mentors", workbook)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Imported 2 peer mentors from staff.xlsx; skipped 0 duplicates and 0 wrong rows."
    )
    people = tmp_path / "people.csv"
    people.write_text("first,last,intake,mentor\nJo,Pax,2026-01-02,maya lopez\n", encoding="utf-8")
    result = run("--db", house, "import", "residents", people)
    assert result.returncode == 0, result.stderr
    connection = sqlite3.connect(house)
    mentor = connection.execute(
        "SELECT m.first_name FROM residents r JOIN mentors m ON m.id = r.mentor_id"
    ).fetchone()
    connection.close()
    assert mentor == ("Maya",)


def test_export_csv_then_import_into_a_new_house(house: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo.sqlite3"
    built = run("--db", demo, "demo", "--residents", "6", "--years", "0.5")
    assert built.returncode == 0, built.stderr
    exported = tmp_path / "mentors.csv"
    signed_in = {"PEERDESK_PASSWORD": demo_password(built.stdout)}
    export = run(
        "--db",
        demo,
        "--user",
        "admin",
        "export",
        "csv",
        "mentors",
        "--out",
        exported,
        env=signed_in,
    )
    assert export.returncode == 0, export.stderr
    result = run("--db", house, "import", "mentors", exported)
    assert result.returncode == 0, result.stderr
    assert count(house, "mentors") == count(demo, "mentors")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"Phone,Intake\r\n555,2026-01-01\r\n", "holds the first name and last name"),
        (b"", "is empty"),
        (b"\xd0\xcf\x11\xe0" + bytes(60), "old Excel file"),
    ],
)
def test_unusable_files_are_one_sentence(
    house: Path, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    assert_one_sentence(run("--db", house, "import", "residents", path), words)


def test_a_missing_file_is_one_sentence(house: Path, tmp_path: Path) -> None:
    assert_one_sentence(
        run("--db", house, "import", "residents", tmp_path / "nope.csv"), "There is no file"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["import", "pets", "x.csv"],
        ["import", "residents"],
        ["import", "residents", "x.csv", "--date-order", "ymd"],
    ],
)
def test_bad_import_arguments_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2, result
    assert "usage:" in result.stderr
