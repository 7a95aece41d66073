"""Checks every service uses, so each rule reads the same everywhere.

A service collects problems in a :class:`Problems` and calls :meth:`Problems.raise_if_any`
before it writes anything, so a form learns about every wrong field at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from peerdesk.core import audit, clock
from peerdesk.core.audit import Actor
from peerdesk.core.errors import FieldError, NotFound, ValidationError
from peerdesk.core.models import Voidable

T = TypeVar("T")

EARLIEST_DATE = dt.date(1900, 1, 1)
MAX_MINUTES = 12 * 60


def fmt_date(value: dt.date) -> str:
    """A date as a house manager reads it: 12 Mar 2026."""
    return f"{value.day} {value:%b %Y}"


# --------------------------------------------------------------------------- characters

# Characters no field keeps: control characters (a terminal obeys ESC, BEL and the rest when a
# list is printed), the overrides and isolates that turn the text after them around
# (U+202A–U+202E, U+2066–U+2069: "Jamie" shown as "eimaJ", a file name with its extension
# hidden), and the halves of a broken character, which the database file cannot store.
_NEVER = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
UNPRINTABLE = re.compile(rf"[{_NEVER}\t\n\r]")
# Notes and summaries span lines, so they keep line breaks and tabs.
UNPRINTABLE_IN_NOTES = re.compile(rf"[{_NEVER}]")

_CALLED = {
    "\t": "a tab",
    "\x00": "a null character",
    "\x07": "a bell character",
    "\x1b": "an escape character",
    "\u202e": "a right-to-left override",
    **dict.fromkeys("\n\r\x0b\x0c\x85\u2028\u2029", "a line break"),
}


def unprintable(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` that a field must not hold, in words ("a line break",
    "an escape character"), or None when every character may stay.

    The one check for every field, the import and the search box. ``multiline`` fields
    (notes, summaries, reasons) keep line breaks and tabs.
    """
    found = (UNPRINTABLE_IN_NOTES if multiline else UNPRINTABLE).search(text)
    if found is None:
        return None
    char = found.group()
    if multiline and _CALLED.get(char) == "a line break":
        return f"an unusual line break, U+{ord(char):04X}"  # a page break, Word's Shift+Enter
    if char in _CALLED:
        return _CALLED[char]
    if "\u202a" <= char <= "\u2069":
        return "a text-direction control"
    if "\ud800" <= char <= "\udfff":
        return f"a broken character, U+{ord(char):04X}"
    return f"a control character, U+{ord(char):04X}"


def unprintable_sentence(label: str, what: str) -> str:
    """What a form says beside a field holding ``what`` (from :func:`unprintable`)."""
    return (
        f"{label} contains a character that cannot be printed ({what}); type it again without it."
    )


class Problems:
    """The field errors found so far in one form."""

    def __init__(self) -> None:
        self._errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        if not any(e.field == field for e in self._errors):
            self._errors.append(FieldError(field, message))

    def has(self, field: str) -> bool:
        return any(e.field == field for e in self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationError(*self._errors)

    # -- the common rules -------------------------------------------------------------

    def text(
        self, value: str, field: str, label: str, *, max_length: int = 200, multiline: bool = False
    ) -> str:
        """A required piece of text, trimmed; one line unless ``multiline``."""
        value = (value or "").strip()
        if not value:
            self.add(field, f"{label} is required.")
        return self._printable(value, field, label, max_length, multiline)

    def optional_text(
        self, value: str, field: str, label: str, *, max_length: int = 200, multiline: bool = False
    ) -> str:
        """A piece of text that may be empty, trimmed; one line unless ``multiline``."""
        return self._printable((value or "").strip(), field, label, max_length, multiline)

    def _printable(
        self, value: str, field: str, label: str, max_length: int, multiline: bool
    ) -> str:
        if len(value) > max_length:
            self.add(field, f"{label} is too long (at most {max_length} characters).")
        else:
            what = unprintable(value, multiline=multiline)
            if what is not None:
                self.add(field, unprintable_sentence(label, what))
        return value

    def past_date(self, value: dt.date | None, field: str, label: str) -> dt.date | None:
        """A required date that cannot be in the future (intake, session, discharge …)."""
        if value is None:
            self.add(field, f"{label} is required.")
            return None
        return self.not_future(value, field, label)

    def not_future(self, value: dt.date | None, field: str, label: str) -> dt.date | None:
        if value is None:
            return None
        today = clock.today()
        if value > today:
            self.add(
                field,
                f"{label} ({fmt_date(value)}) is in the future; today is {fmt_date(today)}.",
            )
        elif value < EARLIEST_DATE:
            self.add(field, f"{label} ({fmt_date(value)}) is too far in the past.")
        return value

    def in_range(
        self, value: int | None, field: str, label: str, low: int, high: int, *, required: bool
    ) -> int | None:
        if value is None:
            if required:
                self.add(field, f"{label} is required.")
            return None
        if not low <= value <= high:
            self.add(field, f"{label} must be between {low} and {high} (it was {value}).")
        return value

    def minutes(self, value: int | None, field: str, label: str = "Duration") -> int | None:
        if value is None:
            self.add(field, f"{label} is required.")
            return None
        if value <= 0:
            self.add(field, f"{label} must be at least one minute.")
        elif value > MAX_MINUTES:
            self.add(field, f"{label} of {value} minutes is longer than {MAX_MINUTES // 60} hours.")
        return value


def next_ids(s: Session, count: int, *id_columns: InstrumentedAttribute[int]) -> list[range]:
    """Ids for ``count`` rows about to be added to the table of each id column: the ones SQLite
    would give them (after the largest), chosen beforehand (in one query) so that the rows go
    in with one executemany instead of an INSERT … RETURNING each, as the audit trail numbers
    its lines.

    Safe because a write session holds the database's write lock from its first statement;
    in any other session a writer in between makes the insert fail, never mix up rows.
    """
    largest = s.execute(
        select(*(select(func.max(column)).scalar_subquery() for column in id_columns))
    ).one()
    return [range((last or 0) + 1, (last or 0) + 1 + count) for last in largest]


def get_or_not_found(s: Session, model: type[T], record_id: int, what: str) -> T:
    """Load one row or raise NotFound naming what was looked for."""
    row = s.get(model, record_id)
    if row is None:
        raise NotFound(f"There is no {what} number {record_id} in this house's records.")
    return row


def void_row(
    s: Session,
    actor: Actor,
    row: Voidable,
    table: str,
    record_id: int,
    reason: str,
    *,
    what: str = "",
    record: Mapping[str, object] | None = None,
) -> None:
    """Void a record entered by mistake: it stays, marked, with the reason and who voided it.

    Voiding always needs a reason; it is kept beside the record and in the audit log, after
    ``what`` was voided when given, with the voided ``record``'s values beside it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError.single("reason", "Say why this record is being voided.")
    problems = Problems()
    problems.optional_text(reason, "reason", "The reason", max_length=500, multiline=True)
    problems.raise_if_any()
    if row.voided_at is not None:
        raise ValidationError.single("reason", "This record was already voided.")
    row.voided_at = clock.now_utc()
    row.void_reason = reason
    row.voided_by = actor.username
    summary = f"{what} voided: {reason}" if what else reason
    changes = {key: [value, None] for key, value in record.items()} if record else None
    audit.record(s, actor, "void", table, record_id, summary, changes)
