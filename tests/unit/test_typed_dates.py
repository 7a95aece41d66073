"""Dates as people type them into a date field (and spreadsheets write them)."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.core.typed_dates import typed_date
from peerdesk.core.vocab import DateOrder

TODAY = dt.date(2026, 6, 15)
US, EU = DateOrder.MONTH_FIRST, DateOrder.DAY_FIRST


@pytest.mark.parametrize(
    ("text", "order", "wanted"),
    [
        ("7 Mar 2026", US, dt.date(2026, 3, 7)),
        ("March 7", US, dt.date(2026, 3, 7)),  # this year
        ("march 7th, 2025", EU, dt.date(2025, 3, 7)),
        ("Sat 7 March 26", US, dt.date(2026, 3, 7)),
        ("2026-03-07", EU, dt.date(2026, 3, 7)),
        ("3/7/2026", US, dt.date(2026, 3, 7)),
        ("3/7/2026", EU, dt.date(2026, 7, 3)),
        ("25/12", US, dt.date(2026, 12, 25)),  # only one way to read it
        ("3/7/85", US, dt.date(1985, 3, 7)),
        ("today", US, TODAY),
        ("Yesterday", US, dt.date(2026, 6, 14)),
    ],
)
def test_what_people_type_is_read(text: str, order: DateOrder, wanted: dt.date) -> None:
    assert typed_date(text, order, TODAY) == wanted


@pytest.mark.parametrize("text", ["", "  ", "7 Foo", "31 Feb 2026", "13/13", "March", "2026-03"])
def test_what_is_no_date_is_none(text: str) -> None:
    assert typed_date(text, US, TODAY) is None
