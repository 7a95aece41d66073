"""Dates as people type them: "7 Mar 2026", "March 7", "3/7/2026", "2026-03-07", "today".

The import reads spreadsheet cells with these rules, and the window's date fields accept what a
person types the same way: worded dates are never ambiguous; numeric ones follow the house's
date order (House settings).
"""

from __future__ import annotations

import datetime as dt
import re

from peerdesk.core import clock, vocab

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    *("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"),
    *(f"{day}day" for day in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")),
}
_NUMERIC = re.compile(r"(\d{1,4})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{1,4}))?")


def two_digit_year(text: str) -> int:
    """A year as written: 85 is 1985, 26 is 2026 (this century up to this year)."""
    year = int(text)
    if len(text) <= 2:
        # Two-digit years: this century up to this year, else the last one (3/7/85 → 1985).
        pivot = clock.today().year % 100
        year += 2000 if year <= pivot else 1900
    return year


def worded_date(text: str, *, this_year: int | None = None) -> dt.date:
    """``7 Mar 2026``, ``March 7, 2026``, ``7-Mar-26``, ``Sat 7th March 2026``; without a year
    (``March 7``) only when ``this_year`` is given. Raises ValueError for anything else."""
    words = [w for w in re.split(r"[\s,./\-]+", text.casefold()) if w]
    month = day = year = None
    for word in words:
        if word in _MONTHS and month is None:
            month = _MONTHS[word]
            continue
        if word in _WEEKDAYS:
            continue
        number = re.fullmatch(r"(\d{1,4})(st|nd|rd|th)?", word)
        if number is None:
            raise ValueError(text)
        digits, ordinal = number.groups()
        if len(digits) <= 2 and day is None:
            day = int(digits)
        elif year is None and ordinal is None:
            year = two_digit_year(digits)
        else:
            raise ValueError(text)
    if year is None:
        year = this_year
    if month is None or day is None or year is None:
        raise ValueError(text)
    return dt.date(year, month, day)


def month_first(first: int, second: int, order: vocab.DateOrder) -> bool:
    """Whether ``first/second`` is month/day: the house's order, unless only the other way
    can be a date (13/3 is the 13th of March whatever the order)."""
    if first > 12 >= second:
        return False
    if second > 12 >= first:
        return True
    return order is vocab.DateOrder.MONTH_FIRST


def typed_date(text: str, order: vocab.DateOrder, today: dt.date | None = None) -> dt.date | None:
    """What a person typed into a date field, or None when it is not a date.

    "today" and "yesterday"; a worded date with or without its year ("7 Mar", "March 7":
    this year); "2026-03-07"; "3/7/2026" or "3/7" in the house's date order.
    """
    today = today or clock.today()
    bare = text.strip().casefold()
    if not bare:
        return None
    if bare in ("today", "now"):
        return today
    if bare == "yesterday":
        return today - dt.timedelta(days=1)
    try:
        numeric = _NUMERIC.fullmatch(bare)
        if numeric:
            a, b, c = numeric.groups()
            if len(a) == 4:
                return dt.date(int(a), int(b), int(c)) if c else None
            first, second = int(a), int(b)
            month, day = (first, second) if month_first(first, second, order) else (second, first)
            year = two_digit_year(c) if c else today.year
            return dt.date(year, month, day)
        return worded_date(bare, this_year=today.year)
    except (ValueError, OverflowError):
        return None
