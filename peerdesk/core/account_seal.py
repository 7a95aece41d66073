"""Accounts sealed into the audit trail, so a change made to them outside PeerDesk shows.

Who may do what rests on a few fields of each account: its username, role, password hash,
whether it is active, whether it may print named reports, and its lockout. Someone with the
database file in an SQLite editor could turn a viewer into an administrator or clear a
lockout, and nothing would say so. So every audit line about an account carries a *seal*: a
digest of those fields before and after what the line records. The lines are hash-chained,
so the seals cannot be changed without breaking the chain; and the check walks each
account's seals in order:

- each seal's "before" must be the previous seal's "after" (else the account was changed
  between the two lines, outside PeerDesk);
- the account as it is now must match its last seal's "after";
- an account must have the audit line that created it; a sealed account must still exist.

Accounts made before seals existed are sealed at their next audited change or sign-in (that
first seal is taken as they are then).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from peerdesk.core.models import User

SEAL_KEY = "account_seal"  # the key of the seal in an audit line's changes
_SEALED = (
    "id",
    "username",
    "role",
    "password_hash",
    "active",
    "may_print_identified",
    "failed_logins",
    "locked_until",
)
# The account's seal as the transaction began, for accounts changed (and flushed) since.
_BEFORE = "peerdesk.account_seal.before"


def digest(values: Mapping[str, Any]) -> str:
    """The seal of an account's security fields (128 bits of SHA-256, as hex)."""

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.datetime) else value

    payload = json.dumps([plain(values[key]) for key in _SEALED], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def current(row: User) -> str:
    return digest({key: getattr(row, key) for key in _SEALED})


def _as_loaded(row: User) -> str:
    """The seal of the account as it was loaded, before the changes not yet flushed."""
    state = inspect(row)
    values = {}
    for key in _SEALED:
        history = state.attrs[key].history
        values[key] = history.deleted[0] if history.deleted else getattr(row, key)
    return digest(values)


@event.listens_for(Session, "before_flush")
def _remember_before(session: Session, _context: object, _instances: object) -> None:
    """Keep each changed account's seal from before the transaction changed it, since a
    flush in the middle of a service forgets what the fields were."""
    for row in session.dirty:
        if isinstance(row, User) and row.id is not None:
            session.info.setdefault(_BEFORE, {}).setdefault(row.id, _as_loaded(row))


def seal(
    s: Session, user_id: int, action: str, changes: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The changes of an audit line about account ``user_id``, with its seal added."""
    row = s.get(User, user_id)
    if row is None:
        return dict(changes) if changes else None
    remembered: dict[int, str] = s.info.setdefault(_BEFORE, {})
    before = "" if action == "create" else remembered.get(user_id) or _as_loaded(row)
    after = current(row)
    remembered[user_id] = after  # a second line in this transaction follows this one
    return {**(changes or {}), SEAL_KEY: [before, after]}


def read_seal(changes: str) -> tuple[str, str] | None:
    """The seal stored in an audit line's changes (JSON), if it has one."""
    if SEAL_KEY not in changes:
        return None
    try:
        value = json.loads(changes).get(SEAL_KEY)
    except (ValueError, AttributeError):
        return None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0], value[1]
    return None
