"""Today's date and the current time, in one place so tests can move the calendar.

Services call ``clock.today()`` (never ``date.today()``) to judge "not in the future".
Timestamps are stored as naive UTC.
"""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """The house's calendar date (the PC's local date)."""
    return dt.date.today()


def now_utc() -> dt.datetime:
    """The current time in UTC without tzinfo, as the database stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_local(stamp: dt.datetime) -> dt.datetime:
    """A stored UTC timestamp in the PC's local time, for display."""
    return stamp.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
