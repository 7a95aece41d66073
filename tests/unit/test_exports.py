"""CSV exports: formula-looking text is made inert, values read back as written."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.exports import CsvTable, export_csv, neutralise
from tests import factories as f


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+1", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_plain_values_are_unchanged() -> None:
    assert neutralise("O'Neil") == "O'Neil"
    assert neutralise(dt.date(2026, 3, 7)) == "2026-03-07"
    assert neutralise(-3) == "-3"
    assert neutralise(None) == ""
    assert neutralise(True) == "yes"


def test_a_resident_named_like_a_formula_exports_inert(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.resident(s, admin, '=HYPERLINK("x")', "José, Jr.")
    out = io.StringIO()
    with db.begin() as s:
        count = export_csv(s, admin, CsvTable.RESIDENTS, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == 1
    assert rows[0]["first_name"] == '\'=HYPERLINK("x")'
    assert rows[0]["last_name"] == "José, Jr."
    assert rows[0]["intake_date"] == "2026-01-10"
    assert rows[0]["phase"] == "Safe Off the Streets"
