"""CSV exports of every table, for a spreadsheet or another program.

UTF-8 with a header row of field names (``first_name``, ``last_name``, ``status``,
``intake_date`` …), ISO dates, one row per record. Text that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with an
apostrophe so opening the file can never run anything.

The residents and mentors exports carry every field the import reads back (the import undoes
the apostrophe), so exporting and importing into a new database gives the same records. A
resident's row is their latest stay, with its funders' answers as codes (``gender``,
``income_exit`` …; ``unknown`` when nobody asked).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any, TextIO

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from peerdesk.core import audit, funder_vocab
from peerdesk.core.audit import Actor
from peerdesk.core.models import (
    ActionItem,
    Assessment,
    Mentor,
    PeerSession,
    ProgramPhase,
    Resident,
    SessionAttendee,
    Stay,
    StayAnswers,
    SupervisionNote,
)
from peerdesk.core.permissions import Action
from peerdesk.core.views import resident_overview

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvTable(StrEnum):
    RESIDENTS = "residents"
    MENTORS = "mentors"
    SESSIONS = "sessions"
    SUPERVISION = "supervision"
    ASSESSMENTS = "assessments"


def neutralise(value: Any) -> str:
    """A cell as text, with formula-looking text made inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


# The funders' questions, each a column named after it holding the answer's code.
ANSWER_COLUMNS = (*funder_vocab.INTAKE_QUESTIONS, *funder_vocab.EXIT_QUESTIONS)


def _residents() -> Select[*tuple[Any, ...]]:
    mentor = aliased(Mentor)
    stay = aliased(Stay)
    answers = aliased(StayAnswers)
    # A stay with no answers row was never asked: every answer unknown.
    unknown = literal(funder_vocab.UNKNOWN)
    return (
        select(
            Resident.id,
            Resident.first_name,
            Resident.last_name,
            Resident.preferred_name,
            Resident.date_of_birth,
            Resident.phone,
            Resident.emergency_contact_name,
            Resident.emergency_contact_phone,
            Resident.room,
            Resident.bed,
            resident_overview.c.status,
            stay.intake_date,
            ProgramPhase.name.label("phase"),
            (mentor.first_name + " " + mentor.last_name).label("mentor"),
            stay.referral_source,
            stay.intake_living_situation.label("living_situation_at_intake"),
            stay.discharge_date,
            stay.discharge_reason,
            stay.discharge_outcome,
            stay.exit_living_situation.label("living_situation_at_exit"),
            stay.discharge_notes,
            *(func.coalesce(getattr(answers, q), unknown).label(q) for q in ANSWER_COLUMNS),
            Resident.notes,
        )
        .join(resident_overview, resident_overview.c.resident_id == Resident.id)
        .outerjoin(stay, stay.id == resident_overview.c.stay_id)
        .outerjoin(answers, answers.stay_id == stay.id)
        .outerjoin(ProgramPhase, ProgramPhase.id == resident_overview.c.phase_id)
        .outerjoin(mentor, mentor.id == Resident.mentor_id)
        .order_by(Resident.last_name, Resident.first_name, Resident.id)
    )


def _mentors() -> Select[*tuple[Any, ...]]:
    former = aliased(Resident)
    return (
        select(
            Mentor.id,
            Mentor.first_name,
            Mentor.last_name,
            Mentor.phone,
            Mentor.email,
            Mentor.role_title,
            Mentor.start_date,
            Mentor.end_date,
            Mentor.status,
            Mentor.supervisor_name,
            (former.first_name + " " + former.last_name).label("former_resident"),
            Mentor.notes,
        )
        .outerjoin(former, former.id == Mentor.former_resident_id)
        .order_by(Mentor.last_name, Mentor.first_name, Mentor.id)
    )


def _sessions() -> Select[*tuple[Any, ...]]:
    attendees = (
        select(func.count())
        .where(SessionAttendee.session_id == PeerSession.id)
        .correlate(PeerSession)
        .scalar_subquery()
    )
    return (
        select(
            PeerSession.id,
            PeerSession.session_date,
            PeerSession.duration_minutes,
            (Mentor.first_name + " " + Mentor.last_name).label("mentor"),
            PeerSession.format,
            PeerSession.topic,
            PeerSession.emotional,
            PeerSession.informational,
            PeerSession.instrumental,
            PeerSession.affiliational,
            attendees.label("attendees"),
            PeerSession.notes,
            case((PeerSession.voided_at.is_(None), False), else_=True).label("voided"),
            PeerSession.void_reason,
        )
        .join(Mentor, Mentor.id == PeerSession.mentor_id)
        .order_by(PeerSession.session_date, PeerSession.id)
    )


def _supervision() -> Select[*tuple[Any, ...]]:
    open_items = (
        select(func.count())
        .where(ActionItem.note_id == SupervisionNote.id, ActionItem.done_on.is_(None))
        .correlate(SupervisionNote)
        .scalar_subquery()
    )
    return (
        select(
            SupervisionNote.id,
            SupervisionNote.note_date,
            SupervisionNote.duration_minutes,
            SupervisionNote.supervisor_name,
            (Mentor.first_name + " " + Mentor.last_name).label("mentor"),
            SupervisionNote.kind,
            SupervisionNote.domains,
            SupervisionNote.summary,
            open_items.label("open_action_items"),
            SupervisionNote.acknowledged_on,
            case((SupervisionNote.voided_at.is_(None), False), else_=True).label("voided"),
        )
        .join(Mentor, Mentor.id == SupervisionNote.mentor_id)
        .order_by(SupervisionNote.note_date, SupervisionNote.id)
    )


def _assessments() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Assessment.id,
            Assessment.resident_id,
            Resident.first_name,
            Resident.last_name,
            Assessment.assessed_on,
            Assessment.instrument,
            Assessment.score,
            Assessment.living_situation,
            *(getattr(Assessment, f"item_{n}") for n in range(1, 11)),
            case((Assessment.voided_at.is_(None), False), else_=True).label("voided"),
        )
        .join(Resident, Resident.id == Assessment.resident_id)
        .order_by(Assessment.assessed_on, Assessment.id)
    )


QUERIES = {
    CsvTable.RESIDENTS: _residents,
    CsvTable.MENTORS: _mentors,
    CsvTable.SESSIONS: _sessions,
    CsvTable.SUPERVISION: _supervision,
    CsvTable.ASSESSMENTS: _assessments,
}


def rows(s: Session, table: CsvTable) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The header and the rows of one export, read lazily."""
    result = s.execute(QUERIES[table]())
    return list(result.keys()), (tuple(row) for row in result)


def write_csv(out: TextIO, header: list[str], data: Iterable[tuple[Any, ...]]) -> int:
    """Write the header and rows; returns how many rows were written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in data:
        writer.writerow([neutralise(v) for v in row])
        count += 1
    return count


def export_csv(s: Session, actor: Actor, table: CsvTable, out: TextIO) -> int:
    """Write one table as CSV (an audited export of records); returns the row count."""
    actor.require(Action.EXPORT_DATA)
    header, data = rows(s, table)
    count = write_csv(out, header, data)
    audit.record(s, actor, "export", table.value, None, f"CSV export of {count} {table.value} rows")
    return count
