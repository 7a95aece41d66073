"""``peerdesk export <report> --out FILE.pdf`` as scripts use it: files, exit codes, sentences."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from peerdesk.cli import main
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from tests.e2e.test_cli import assert_one_sentence, run

REPORTS = ["roster", "mentors", "signin", "outcomes", "supervision", "facesheet"]


@pytest.fixture(scope="module")
def house(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo house on today's real calendar (the command line's own clock)."""
    path = tmp_path_factory.mktemp("cli-reports") / "house.sqlite3"
    shutil.copyfile(template_db, path)
    with Database.open(path) as db:
        build_demo_house(db, beds=10, years=1, seed=2)
    return path


@pytest.fixture
def db_copy(house: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.sqlite3"
    shutil.copyfile(house, path)
    return path


def pages(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


def mentor_names(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT first_name || ' ' || last_name FROM mentors WHERE status = 'active' "
            "ORDER BY last_name"
        ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.parametrize("report", REPORTS)
def test_every_report_exports(
    report: str, db_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"{report}.pdf"
    assert main(["--db", str(db_copy), "export", report, "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.strip().endswith(f"written to {out}")
    text = pages(out)
    assert text and "Riverbend Recovery House (demo)" in text[0]
    assert f"Page 1 of {len(text)}" in text[0]
    assert not list(tmp_path.glob("*.partial"))
    with sqlite3.connect(db_copy) as connection:
        action, summary = connection.execute(
            "SELECT action, summary FROM audit_events ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert action == "export" and summary.endswith(f"to {out}")


def test_report_options_reach_the_pdf(db_copy: Path, tmp_path: Path) -> None:
    def export(*args: str) -> list[str]:
        out = tmp_path / "out.pdf"
        assert main(["--db", str(db_copy), "export", *args, "--out", str(out)]) == 0
        return pages(out)

    landscape = export("roster", "--group-by", "room", "--contacts")
    assert "Room 1" in landscape[0] and "Emergency contact" in landscape[0]
    sheet = export(
        "signin",
        "--title",
        "Relapse prevention",
        "--no-names",
        "--blank-rows",
        "3",
        "--date",
        "2026-01-05",
        "--facilitator",
        "Dana Whitaker",
    )
    assert "Relapse prevention" in sheet[0] and "5 Jan 2026" in sheet[0]
    assert "Dana Whitaker" in sheet[0] and "Expected 0" in sheet[0]
    first, *others = mentor_names(db_copy)
    log = " ".join(export("supervision", "--mentor", first, "--from", "2020-01-01"))
    assert first in log and not any(name in log for name in others)
    summary = export("outcomes", "--identified", "--from", "2020-01-01")
    assert "identified" in summary[0] and "CONFIDENTIAL" in summary[0]
    assert "1 Jan 2020 to" in summary[0]


def test_one_face_sheet_by_resident_name(db_copy: Path, tmp_path: Path) -> None:
    with sqlite3.connect(db_copy) as connection:
        first, last = connection.execute(
            "SELECT r.first_name, r.last_name FROM residents r JOIN resident_overview o "
            "ON o.resident_id = r.id WHERE o.status = 'active' ORDER BY r.id LIMIT 1"
        ).fetchone()
    out = tmp_path / "one.pdf"
    code = main(
        [
            "--db",
            str(db_copy),
            "export",
            "facesheet",
            "--resident",
            f"{first} {last}",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = pages(out)
    assert len(text) == 1 and f"{first} {last}" in text[0]


@pytest.mark.parametrize(
    "args",
    [
        ["roster", "--group-by", "bed"],
        ["signin", "--blank-rows", "-1"],
        ["signin", "--blank-rows", "many"],
        ["outcomes", "--from", "2026-13-01"],
        ["outcomes", "--mentor", "Maya"],
        ["roster", "--from", "2026-01-01"],
        ["mentors"],  # no --out
        ["payroll"],
    ],
)
def test_bad_report_arguments_exit_2(
    args: list[str], house: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = [] if args == ["mentors"] else ["--out", str(tmp_path / "x.pdf")]
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(house), "export", *args, *out])
    assert stopped.value.code == 2
    assert "usage:" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_an_unknown_mentor_is_one_sentence(house: Path, tmp_path: Path) -> None:
    out = tmp_path / "log.pdf"
    result = run("--db", house, "export", "supervision", "--mentor", "Nobody Here", "--out", out)
    assert_one_sentence(result, "There is no peer mentor called Nobody Here")
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["facesheet", "--resident", "Nobody Here"], "There is no resident called Nobody Here"),
        (["outcomes", "--from", "2026-03-01", "--to", "2026-02-01"], "after it ends"),
        (["outcomes", "--to", "2099-01-01"], "in the future"),
        (["signin", "--phase", "Phase IX"], "There is no phase called Phase IX"),
    ],
)
def test_user_errors_exit_1_with_one_sentence(
    args: list[str], words: str, house: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    assert main(["--db", str(house), "export", *args, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.endswith(".") and words in err, err
    assert not list(tmp_path.iterdir())


def test_a_missing_output_folder_is_a_user_error(house: Path, tmp_path: Path) -> None:
    result = run("--db", house, "export", "outcomes", "--out", tmp_path / "no" / "summary.pdf")
    assert_one_sentence(result, "does not exist")


def test_the_outcome_summary_as_csv_files_hides_what_the_pdf_hides(
    db_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "tables"
    pdf = tmp_path / "summary.pdf"
    args = ["--db", str(db_copy), "export", "outcomes", "--grant", "TI-26-004"]
    assert main([*args, "--csv", str(folder), "--out", str(pdf)]) == 0
    said = capsys.readouterr().out
    assert f"as CSV files) written to {folder}" in said and f"written to {pdf}" in said
    names = {p.stem for p in folder.glob("*.csv")}
    assert {"period", "headline", "trend", "census", "retention", "discharges_by_reason",
            "discharges_by_class", "housing", "recovery_capital", "motivation", "satisfaction",
            "support_by_type", "support_by_month", "supervision", "comparison",
            "completeness"} <= names  # fmt: skip
    assert "support_by_mentor" not in names and "credentials" not in names
    with (folder / "period.csv").open(encoding="utf-8") as handle:
        about = dict(csv.reader(handle))
    assert about["copy"] == "de-identified" and about["grant"] == "TI-26-004"
    text = " ".join(pages(pdf))
    assert "TI-26-004" in text
    # Every count the CSV hides is hidden on the page too: the census as an example.
    with (folder / "census.csv").open(encoding="utf-8") as handle:
        census = dict(list(csv.reader(handle))[1:])
    served = census["Residents served"]
    assert f"RESIDENTS SERVED {served}" in text
    assert main(["--db", str(db_copy), "export", "outcomes"]) == 2
    assert "--out FILE.pdf, --csv FOLDER" in capsys.readouterr().err
