"""Checks every service uses, so each rule reads the same everywhere.

A service collects problems in a :class:`Problems` and calls :meth:`Problems.raise_if_any`
before it writes anything, so a form learns about every wrong field at once.
"""

from __future__ import annotations

import datetime as dt
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

    def text(self, value: str, field: str, label: str, *, max_length: int = 200) -> str:
        """A required piece of text, trimmed."""
        value = (value or "").strip()
        if not value:
            self.add(field, f"{label} is required.")
        elif len(value) > max_length:
            self.add(field, f"{label} is too long (at most {max_length} characters).")
        return value

    def optional_text(self, value: str, field: str, label: str, *, max_length: int = 200) -> str:
        value = (value or "").strip()
        if len(value) > max_length:
            self.add(field, f"{label} is too long (at most {max_length} characters).")
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
    s: Session, actor: Actor, row: Voidable, table: str, record_id: int, reason: str
) -> None:
    """Void a record entered by mistake: it stays, marked, with the reason and who voided it.

    Voiding always needs a reason; it is kept beside the record and in the audit log.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError.single("reason", "Say why this record is being voided.")
    if len(reason) > 500:
        raise ValidationError.single("reason", "The reason is too long (at most 500 characters).")
    if row.voided_at is not None:
        raise ValidationError.single("reason", "This record was already voided.")
    row.voided_at = clock.now_utc()
    row.void_reason = reason
    row.voided_by = actor.username
    audit.record(s, actor, "void", table, record_id, reason)
