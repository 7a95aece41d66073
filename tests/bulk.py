"""Big houses for report tests: many residents in residence, written straight to SQLite.

The services would take minutes for a thousand intakes; the rows written here are the same
shape the services write (a resident, an open stay, an intake phase change).
"""

from __future__ import annotations

import datetime as dt

from peerdesk.core.db import Database


def person(index: int) -> str:
    """The unique name of bulk resident ``index``: "Ada Bulk0001"."""
    return f"Ada Bulk{index:04d}"


def add_residents(
    db: Database,
    count: int,
    *,
    mentor_ids: tuple[int, ...] = (),
    intake: dt.date = dt.date(2026, 1, 5),
) -> list[str]:
    """Admit ``count`` residents on ``intake``, spread over the five phases and 60 rooms."""
    connection = db.raw_connection()
    try:
        phases = [
            row[0] for row in connection.execute("SELECT id FROM program_phases ORDER BY position")
        ]
        start = (connection.execute("SELECT coalesce(max(id), 0) FROM residents").fetchone())[0]
        stamp = f"{intake.isoformat()} 09:00:00.000000"
        residents, stays, changes = [], [], []
        for n in range(1, count + 1):
            rid = start + n
            first, last = person(n).split(" ")
            mentor = mentor_ids[n % len(mentor_ids)] if mentor_ids else None
            residents.append(
                (
                    rid,
                    first,
                    last,
                    "",
                    "1990-01-01",
                    f"(555) 010-{n:04d}",
                    "Kin Bulk",
                    f"(555) 020-{n:04d}",
                    str(100 + n % 60),
                    "AB"[n % 2],
                    mentor,
                    "",
                    stamp,
                    "test",
                    stamp,
                )
            )
            stays.append((rid, intake.isoformat(), "", "shelter", "", stamp, "test"))
            changes.append((rid, phases[n % len(phases)], intake.isoformat(), "", stamp, "test"))
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO residents (id, first_name, last_name, preferred_name, date_of_birth, "
            "phone, emergency_contact_name, emergency_contact_phone, room, bed, mentor_id, notes, "
            "created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?)",
            residents,
        )
        connection.executemany(
            "INSERT INTO stays (resident_id, intake_date, referral_source, "
            "intake_living_situation, discharge_notes, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            stays,
        )
        connection.executemany(
            "INSERT INTO phase_changes (resident_id, phase_id, from_date, note, created_at, "
            "created_by) VALUES (?, ?, ?, ?, ?, ?)",
            changes,
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    return [person(n) for n in range(1, count + 1)]
