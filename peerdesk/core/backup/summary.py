"""What a database holds: the counts a backup's header lists and a restore compares, read
inside one read transaction, and the summary the restore confirmation shows."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from peerdesk.core import dto
from peerdesk.core.backup.recovery import _PREF_RECOVERY, RecoveryKeyInfo, _recovery_from_json
from peerdesk.core.house_identity import read_house_id_raw

# Audit lines written by backups themselves; they do not count as "something changed".
_BACKUP_ACTIONS = ("backup", "automatic backup")


@dataclass(frozen=True)
class HouseSummary:
    """What a database holds, in the words of the restore confirmation."""

    house_name: str
    as_of: dt.datetime | None  # when the backup was made (UTC); None for the PC's database now
    residents: int
    active_residents: int
    mentors: int
    peer_sessions: int
    attendance: int
    assessments: int
    supervision_notes: int
    audit_lines: int
    house_id: str = ""  # the house's permanent identity (peerdesk.core.house_identity)

    def describe(self) -> str:
        """``Riverbend: 40 residents (12 in the house), 3 peer mentors, …``"""
        name = self.house_name or "A house with no name yet"
        return (
            f"{name}: {dto.counted(self.residents, 'resident')} "
            f"({self.active_residents:,} in the house), "
            f"{dto.counted(self.mentors, 'peer mentor')}, "
            f"{dto.counted(self.peer_sessions, 'session')} "
            f"({dto.counted(self.attendance, 'attendance')}), "
            f"{dto.counted(self.assessments, 'assessment')}, "
            f"{dto.counted(self.supervision_notes, 'supervision note')}"
        )


_HEAD = r"\d{1,12}:[0-9a-f]{64}"  # what a backup's header accepts as the trail's head
_TRAIL = r"[0-9a-f]{16}"  # and as the trail's identity


@dataclass(frozen=True)
class _Contents:
    """What a database snapshot holds, read inside the same transaction as the copy."""

    house_name: str
    house_id: str
    schema_revision: str
    row_counts: dict[str, int]
    active_residents: int
    audit_mark: int
    recovery: RecoveryKeyInfo | None
    audit_head: str = ""  # "<line>:<hash>" of the snapshot's trail
    audit_trail: str = ""  # which trail it is (peerdesk.core.audit.TRAIL_KEY)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_contents(c: sqlite3.Connection) -> _Contents:
    tables = [
        name
        for name, sql in c.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if not name.startswith("sqlite_") and not (sql or "").upper().startswith("CREATE VIRTUAL")
    ]
    counts = {t: int(c.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0]) for t in tables}
    settings = c.execute("SELECT house_name FROM house_settings WHERE id = 1").fetchone()
    revision = c.execute("SELECT version_num FROM alembic_version").fetchone()
    # In the house: open stays, less any voided as entered by mistake (a house from before
    # 0007_voided_intakes has no such column).
    voidable = any(row[1] == "voided_at" for row in c.execute("PRAGMA table_info(stays)"))
    in_use = " AND voided_at IS NULL" if voidable else ""
    active = c.execute(
        f"SELECT count(*) FROM stays WHERE discharge_date IS NULL{in_use}"
    ).fetchone()
    marks = ", ".join("?" for _ in _BACKUP_ACTIONS)
    mark = c.execute(
        f"SELECT coalesce(max(id), 0) FROM audit_events WHERE action NOT IN ({marks})",
        _BACKUP_ACTIONS,
    ).fetchone()
    pref = c.execute("SELECT value FROM preferences WHERE key = ?", (_PREF_RECOVERY,)).fetchone()
    head = c.execute("SELECT value FROM preferences WHERE key = 'audit.head'").fetchone()
    trail = c.execute("SELECT value FROM preferences WHERE key = 'audit.trail'").fetchone()
    house_name = settings[0] if settings else ""
    return _Contents(
        house_name=str(house_name),
        house_id=read_house_id_raw(c),
        schema_revision=str(revision[0]) if revision else "",
        row_counts=counts,
        active_residents=int(active[0]),
        audit_mark=int(mark[0]),
        recovery=_recovery_from_json(pref[0]) if pref else None,
        audit_head=str(head[0]) if head and re.fullmatch(_HEAD, str(head[0])) else "",
        audit_trail=str(trail[0]) if trail and re.fullmatch(_TRAIL, str(trail[0])) else "",
    )


def _summary_from_counts(
    house_name: str,
    as_of: dt.datetime | None,
    counts: Mapping[str, int],
    active: int,
    identity: str = "",
) -> HouseSummary:
    return HouseSummary(
        house_name=house_name,
        as_of=as_of,
        residents=counts.get("residents", 0),
        active_residents=active,
        mentors=counts.get("mentors", 0),
        peer_sessions=counts.get("peer_sessions", 0),
        attendance=counts.get("session_attendees", 0),
        assessments=counts.get("assessments", 0),
        supervision_notes=counts.get("supervision_notes", 0),
        audit_lines=counts.get("audit_events", 0),
        house_id=identity,
    )


def _read_without_changing(target: Path) -> _Contents:
    """What the database at ``target`` holds, in one read transaction that writes nothing."""
    c = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    try:
        c.execute("PRAGMA query_only = 1")
        c.execute("BEGIN")
        return _read_contents(c)
    finally:
        c.close()


def _current_summary(target: Path) -> tuple[HouseSummary | None, str]:
    """What the PC's database holds now, read without changing it."""
    if not target.exists() or target.stat().st_size == 0:
        return None, ""
    try:
        contents = _read_without_changing(target)
    except sqlite3.Error:
        return None, f"The file {target.name} on this PC cannot be read as a PeerDesk database."
    return (
        _summary_from_counts(
            contents.house_name,
            None,
            contents.row_counts,
            contents.active_residents,
            contents.house_id,
        ),
        "",
    )
