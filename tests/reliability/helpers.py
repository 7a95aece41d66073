"""Helpers for the backup reliability tests: a cheap KDF, small chunks, table dumps.

Backups here use a cheap Argon2id cost passed through the ``kdf`` parameter (never a changed
default), and small chunks so a file of a few hundred kilobytes has many chunk boundaries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

from peerdesk.core import backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database

CHEAP_KDF = backup.KdfSettings(memory_kib=64, iterations=1, lanes=1)
SMALL_CHUNK = 4096
PASSPHRASE = backup.Passphrase("correct horse battery staple")
DEMO_DAY = dt.date(2026, 6, 15)


def make_backup(db: Database, folder: Path, **options: object) -> backup.BackupResult:
    settings: dict[str, object] = {"kdf": CHEAP_KDF, "chunk_size": SMALL_CHUNK}
    settings.update(options)
    return backup.back_up(db, Actor.local_administrator(), folder, PASSPHRASE, **settings)  # type: ignore[arg-type]


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (views and full-text shadows included), sorted."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        connection.close()


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def fingerprint(path: Path) -> str:
    """The bytes of a database file and its WAL, to prove nothing touched them."""
    digest = hashlib.sha256(path.read_bytes())
    wal = Path(str(path) + "-wal")
    # An empty WAL (left by a read-only look) holds nothing; only its contents count.
    digest.update(b"wal:" + (wal.read_bytes() if wal.exists() else b""))
    return digest.hexdigest()


def listing(*folders: Path) -> set[str]:
    """Every file and folder under ``folders`` (to prove no temporary file was left)."""
    return {str(p) for folder in folders for p in folder.rglob("*")}
