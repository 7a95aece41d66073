"""The demo houses the benchmark measures, built once and kept in a cache folder.

Building the ten-year, 100-bed house takes most of a minute, so it is kept under
``~/.cache/peerdesk-bench/`` (``$XDG_CACHE_HOME`` is honoured), named by everything that
shapes it: beds, years, seed, the day it was built for (the demo counts back from today), and
a hash of the demo generator and the migrations. A change to any of them builds a new house;
older builds of the same size are removed.

Every measurement works on its own copy (:func:`work_copy`), so nothing a benchmark writes
ever reaches the cached file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peerdesk.core.demo
from peerdesk.core import clock
from peerdesk.core.db import HEAD_REVISION, MIGRATIONS_DIR, Database
from peerdesk.core.demo import build_demo_house


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "peerdesk-bench"


def generator_hash() -> str:
    """What the house's contents depend on besides its size: the generator and the schema."""
    digest = hashlib.sha256(HEAD_REVISION.encode())
    sources = [Path(peerdesk.core.demo.__file__)]
    sources += sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class HouseSpec:
    beds: int
    years: float
    seed: int = 1

    @property
    def label(self) -> str:
        return f"{self.years:g}-year, {self.beds}-bed"

    def file_name(self, today: dt.date) -> str:
        return f"{self.stem}-{today.isoformat()}-{generator_hash()}.sqlite3"

    @property
    def stem(self) -> str:
        return f"house-b{self.beds}-y{self.years:g}-s{self.seed}"


@dataclass(frozen=True)
class House:
    """A built demo house and what it holds."""

    spec: HouseSpec
    path: Path
    sessions: int
    attendances: int
    residents: int

    @property
    def size_mb(self) -> float:
        return self.path.stat().st_size / 1e6


def _counts(path: Path) -> tuple[int, int, int]:
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (
            c.execute("SELECT count(*) FROM peer_sessions").fetchone()[0],
            c.execute("SELECT count(*) FROM session_attendees").fetchone()[0],
            c.execute("SELECT count(*) FROM residents").fetchone()[0],
        )
    finally:
        c.close()


def cached_house(spec: HouseSpec, cache_dir: Path, *, say: Callable[[str], None] = print) -> House:
    """The demo house of ``spec`` for today, built now if the cache does not hold it."""
    today = clock.today()
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / spec.file_name(today)
    if not path.exists():
        # Older builds of this size, with any journal files and half-built leftovers.
        for stale in cache_dir.glob(f"{spec.stem}-*.sqlite3*"):
            stale.unlink()
        say(f"Building the {spec.label} demo house (once a day; cached in {cache_dir}) …")
        partial = path.with_name(path.name + ".partial")
        with Database.open(partial) as db:
            build_demo_house(db, beds=spec.beds, years=spec.years, seed=spec.seed)
        # Fold the write-ahead log into the file so one file is the whole house.
        c = sqlite3.connect(partial, isolation_level=None)
        try:
            c.execute("PRAGMA journal_mode = DELETE")
        finally:
            c.close()
        partial.rename(path)
    return House(spec, path, *_counts(path))


def work_copy(house: House, folder: Path) -> Path:
    """A private copy of the house's file in ``folder`` (made if needed), to work on."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "peerdesk.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(house.path, target)
    return target


def fill_to_in_residence(path: Path, wanted: int, *, intake: dt.date) -> int:
    """Admit made-up residents (written straight to SQLite, in the shape the services write)
    until ``wanted`` people are in residence; how many were added.

    The 100-bed demo house has about a hundred people in residence; the roster benchmark
    prints a thousand, over the house's ten years of stays.
    """
    c = sqlite3.connect(path, isolation_level=None)
    try:
        present = c.execute(
            "SELECT count(*) FROM resident_overview WHERE status = 'active'"
        ).fetchone()[0]
        missing = max(0, wanted - present)
        phases = [r[0] for r in c.execute("SELECT id FROM program_phases ORDER BY position")]
        mentors = [r[0] for r in c.execute("SELECT id FROM mentors WHERE status = 'active'")]
        start = c.execute("SELECT coalesce(max(id), 0) FROM residents").fetchone()[0]
        stamp = f"{intake.isoformat()} 09:00:00.000000"
        residents, stays, changes = [], [], []
        for n in range(1, missing + 1):
            rid = start + n
            residents.append(
                (
                    rid,
                    f"Ada{n:04d}",
                    f"Bench{n:04d}",
                    f"(555) 010-{n:04d}",
                    f"{200 + n // 2}",
                    "AB"[n % 2],
                    mentors[n % len(mentors)] if mentors else None,
                    stamp,
                    stamp,
                )
            )
            stays.append((rid, intake.isoformat(), stamp))
            changes.append((rid, phases[n % len(phases)], intake.isoformat(), stamp))
        c.execute("BEGIN IMMEDIATE")
        c.executemany(
            "INSERT INTO residents (id, first_name, last_name, preferred_name, date_of_birth, "
            "phone, emergency_contact_name, emergency_contact_phone, room, bed, mentor_id, notes, "
            "created_at, created_by, updated_at) "
            "VALUES (?, ?, ?, '', '1990-01-01', ?, 'Kin Bench', '(555) 020-0000', ?, ?, ?, '', "
            "?, 'bench', ?)",
            residents,
        )
        c.executemany(
            "INSERT INTO stays (resident_id, intake_date, referral_source, "
            "intake_living_situation, discharge_notes, created_at, created_by) "
            "VALUES (?, ?, '', 'shelter', '', ?, 'bench')",
            stays,
        )
        c.executemany(
            "INSERT INTO phase_changes (resident_id, phase_id, from_date, note, created_at, "
            "created_by) VALUES (?, ?, ?, '', ?, 'bench')",
            changes,
        )
        c.execute("COMMIT")
        return missing
    finally:
        c.close()
