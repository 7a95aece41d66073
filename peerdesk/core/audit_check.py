"""Is the audit trail whole? One walk that ``check``, the audit view and Home all use.

What it catches, each in one sentence with the line it concerns:

- a line changed, deleted or moved (every line carries the hash of the one before it);
- the newest lines deleted (the stored head still names the last line written);
- a trail cut back or rewritten with new hashes (the anchor this PC keeps outside the
  database names a line and hash the trail no longer has: :mod:`peerdesk.core.audit_anchor`);
- an account changed, added or removed outside PeerDesk (:mod:`peerdesk.core.account_seal`);
- the guards that stop SQLite changing or deleting audit lines, dropped;
- a trail emptied while the house still has records.

It reads the trail as plain rows in id order, a few thousand at a time, so a twenty-year
trail is walked in seconds with little memory; the window runs it off its thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from peerdesk.core import account_seal, clock
from peerdesk.core.audit import HASHED_FIELDS, HEAD_KEY, ChainProblem, hash_values, parse_head
from peerdesk.core.audit_anchor import Anchor
from peerdesk.core.models import AuditEvent, Mentor, Preference, Resident, User

# The triggers that make SQLite refuse to change or delete an audit line.
GUARD_TRIGGERS = ("audit_events_no_update", "audit_events_no_delete")
_BATCH = 5000


@dataclass(frozen=True)
class HeldLine:
    """A line of the trail held outside the database: by this PC's anchor, or by a backup."""

    line: int
    hash: str
    by: str  # "which this PC recorded on 7 Dec 2026 20:05", "which the backup made on … holds"


def anchor_held(anchor: Anchor) -> HeldLine:
    at = anchor.written_at
    when = f"{at.day} {at:%b %Y %H:%M}" if at is not None else "an earlier day"
    return HeldLine(anchor.line, anchor.hash, f"which this PC recorded on {when}")


@dataclass(frozen=True)
class TrailReport:
    """What the walk found: the lines, the problems, and up to which line the trail is whole."""

    lines: int
    problems: tuple[ChainProblem, ...]
    intact_through: int  # the last line before the first problem (0: none is sure)
    intact_at: dt.datetime | None  # when that line was written (UTC)

    @property
    def ok(self) -> bool:
        return not self.problems

    def whole_until(self) -> str:
        """Up to where the trail can still be trusted, in words."""
        if self.intact_through <= 0 or self.intact_at is None:
            return "No line of the trail can be trusted"
        at = clock.to_local(self.intact_at)
        return (
            f"The trail is whole up to line {self.intact_through}, written "
            f"{at.day} {at:%b %Y} at {at:%H:%M}"
        )

    def warning(self) -> str:
        """What Home says of a broken trail: since when, the first problem, what to do."""
        first = self.problems[0].message if self.problems else ""
        more = len(self.problems) - 1
        also = f" (and {more} more {'problem' if more == 1 else 'problems'})" if more > 0 else ""
        return (
            f"The audit trail has been tampered with: {first}{also}. {self.whole_until()}. "
            "Keep this PC as it is and tell the program director."
        )


@dataclass
class _Walk:
    lines: int = 0
    last: tuple[int, str] | None = None


def _rows(s: Session) -> Iterator[tuple[Any, ...]]:
    """Every line in id order, as plain tuples, a batch at a time, straight from the driver:
    the time stays the text SQLite stores (SQLAlchemy's rows and datetimes took longer than
    the hashing)."""
    columns = ", ".join((*HASHED_FIELDS, "prev_hash", "hash"))
    sql = f"SELECT {columns} FROM audit_events WHERE id > ? ORDER BY id LIMIT {_BATCH}"
    connection = s.connection()
    after = 0
    while True:
        batch = connection.exec_driver_sql(sql, (after,)).fetchall()
        if not batch:
            return
        yield from (tuple(row) for row in batch)
        after = batch[-1][0]


def verify_trail(
    s: Session, anchor: Anchor | None = None, held: Sequence[HeldLine] = ()
) -> TrailReport:
    """Walk the whole trail and everything that holds it (see the module's docstring):
    this PC's ``anchor``, and the lines ``held`` by the house's backups."""
    holders = [*held, *([anchor_held(anchor)] if anchor is not None else [])]
    wanted = {h.line for h in holders}
    found: dict[int, str] = {}
    problems: list[ChainProblem] = []
    walk = _Walk()
    accounts = _AccountSeals()
    prev_hash = ""
    expected_id = 1
    for row in _rows(s):
        # id, at, user_id, username, action, entity, entity_id, summary, changes, prev, hash
        event_id: int = row[0]
        stored_prev: str = row[9]
        stored_hash: str = row[10]
        if event_id != expected_id:
            problems.append(
                ChainProblem(
                    expected_id, f"audit line {expected_id} is missing before line {event_id}"
                )
            )
        if stored_prev != prev_hash:
            problems.append(
                ChainProblem(event_id, f"audit line {event_id} does not follow the line before it")
            )
        values = list(row[:9])
        values[1] = dt.datetime.fromisoformat(values[1]).isoformat()
        if hash_values(stored_prev, values) != stored_hash:
            problems.append(ChainProblem(event_id, f"audit line {event_id} has been changed"))
        if event_id in wanted:
            found[event_id] = stored_hash
        if row[5] == "users" and row[6] is not None:
            accounts.see(event_id, row[4], row[6], row[8] or "")
        prev_hash = stored_hash
        expected_id = event_id + 1
        walk.lines += 1
        walk.last = (event_id, prev_hash)
    last_id = walk.last[0] if walk.last else 0

    head = s.get(Preference, HEAD_KEY)
    stored_head = parse_head(head.value) if head is not None else None
    if stored_head is not None and walk.last != stored_head:
        problems.append(
            ChainProblem(
                last_id + 1,
                "the newest audit lines are missing or changed (the trail ends at line "
                f"{last_id}, but line {stored_head[0]} was written)",
            )
        )
    elif head is None and walk.lines:
        problems.append(
            ChainProblem(last_id + 1, "the record of the trail's last line has been removed")
        )
    for holder in holders:
        problems += _held_problems(holder, found.get(holder.line), last_id)
    problems += accounts.problems(s)
    if not walk.lines and _house_has_records(s):
        problems.append(
            ChainProblem(
                1, "the audit trail is empty, but the house has records: its lines were deleted"
            )
        )
    problems += _missing_guards(s)
    first_bad = min((p.event_id for p in problems), default=last_id + 1)
    intact = max(0, min(first_bad - 1, last_id))
    return TrailReport(walk.lines, tuple(problems), intact, _time_of(s, intact))


def _time_of(s: Session, line: int) -> dt.datetime | None:
    if line <= 0:
        return None
    return s.execute(select(AuditEvent.at).where(AuditEvent.id == line)).scalar_one_or_none()


def _held_problems(held: HeldLine, stored: str | None, last_id: int) -> list[ChainProblem]:
    if stored is None:
        return [
            ChainProblem(
                min(held.line, last_id + 1),
                f"the trail was cut back: line {held.line}, {held.by}, is missing (the trail "
                f"now ends at line {last_id})",
            )
        ]
    if stored != held.hash:
        return [
            ChainProblem(
                held.line,
                f"the trail was rewritten: line {held.line} is not the line "
                + held.by.removeprefix("which "),
            )
        ]
    return []


def _house_has_records(s: Session) -> bool:
    return any(
        s.execute(select(func.count()).select_from(table)).scalar_one()
        for table in (Resident, Mentor, User)
    )


def _missing_guards(s: Session) -> list[ChainProblem]:
    found = s.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"),
        {"table": AuditEvent.__tablename__},
    )
    present = {name for (name,) in found}
    return [
        ChainProblem(
            1,
            f"the guard that stops audit lines being {'changed' if 'update' in name else 'deleted'}"
            f" has been removed ({name})",
        )
        for name in GUARD_TRIGGERS
        if name not in present
    ]


class _AccountSeals:
    """Each account's audit lines in order, to hold its seals against each other and the row."""

    def __init__(self) -> None:
        self.created: set[int] = set()
        self.last: dict[int, tuple[int, str]] = {}  # account -> (line, seal after)
        self.broken: list[ChainProblem] = []

    def see(self, line: int, action: str, user_id: int, changes: str) -> None:
        if action == "create":
            self.created.add(user_id)
        sealed = account_seal.read_seal(changes)
        if sealed is None:
            return
        before, after = sealed
        previous = self.last.get(user_id)
        if previous is not None and before != previous[1]:
            self.broken.append(
                ChainProblem(
                    previous[0] + 1,
                    f"account #{user_id} was changed outside PeerDesk between audit lines "
                    f"{previous[0]} and {line}",
                )
            )
        self.last[user_id] = (line, after)

    def problems(self, s: Session) -> list[ChainProblem]:
        found = list(self.broken)
        rows = {row.id: row for row in s.execute(select(User)).scalars()}
        for user_id, row in rows.items():
            if user_id not in self.created:
                found.append(
                    ChainProblem(1, f"the account {row.username} was added outside PeerDesk")
                )
            sealed = self.last.get(user_id)
            if sealed is not None and account_seal.current(row) != sealed[1]:
                found.append(
                    ChainProblem(
                        sealed[0] + 1,
                        f"the account {row.username} was changed outside PeerDesk (its role, "
                        f"password, lockout or status) after audit line {sealed[0]}",
                    )
                )
        for user_id in sorted(set(self.last) - set(rows)):
            found.append(
                ChainProblem(
                    self.last[user_id][0] + 1,
                    f"account #{user_id} was removed outside PeerDesk",
                )
            )
        for row in rows.values():
            s.expunge(row)
        return found
