"""A house's permanent identity: the same however it is renamed, different for every house.

It is random, made with the house's database and kept in its preferences (a house from before
identities keeps the one its backups already carried, drawn from the moment its settings were
made: migration 0003), so a house keeps it through renames, upgrades, backups and restores,
and two houses with the same name still differ. It is shown as four groups of four
(``3F2A-9C1B-77D0-12AB``) in About, on ``verify-backup`` and in the restore's question, and
a restore that would put another house in place of this one asks first.
"""

from __future__ import annotations

import hashlib
import sqlite3

from sqlalchemy import text
from sqlalchemy.orm import Session

KEY = "house.id"  # in the preferences table


def house_id(stored: str | None, created: str | None) -> str:
    """The identity: the one stored, else (a database from before) the one drawn from when
    its settings were made, as SQLite stores ``house_settings.created_at``."""
    if stored:
        return stored
    if created is None:
        return ""
    return hashlib.sha256(f"PeerDesk house|{created}".encode()).hexdigest()[:16]


_READ = (
    "SELECT (SELECT value FROM preferences WHERE key = 'house.id'), "
    "(SELECT created_at FROM house_settings WHERE id = 1)"
)


def read_house_id(s: Session) -> str:
    """This database's house identity ("" before the house is set up)."""
    stored, created = s.execute(text(_READ)).one()
    return house_id(stored, None if created is None else str(created))


def read_house_id_raw(c: sqlite3.Connection) -> str:
    """The same, through a plain sqlite3 connection (the backup's snapshot)."""
    stored, created = c.execute(_READ).fetchone()
    return house_id(stored, None if created is None else str(created))


def shown(identity: str) -> str:
    """``3f2a9c1b77d012ab`` as people read and compare it: ``3F2A-9C1B-77D0-12AB``."""
    upper = identity.upper()
    return "-".join(upper[i : i + 4] for i in range(0, len(upper), 4)) or "—"
