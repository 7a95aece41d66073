"""What needs attention today: the lines of the Home tab, each naming the record it is about.

One definition of each rule lives here, so the Home tab, the mentor roster and the outcome
summary agree:

- **Supervision overdue**: in the 30 days up to the as-of date a mentor had fewer than the
  house's ``supervisions_per_month`` supervisions, or none lasting at least
  ``long_supervision_minutes``. Mentors in their first 30 days are not flagged.
- **Assessment due**: an active resident whose latest BARC-10 is older than
  ``assessment_interval_days`` (or who has none, counting from intake).
- **Credential expiring**: a mentor's current credential (the latest of each name) that has
  expired or expires within ``credential_warning_days``.
- **Open action items**: supervision action items not yet done, on notes not voided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto, vocab
from peerdesk.core.models import (
    ActionItem,
    Assessment,
    BackupRecord,
    Credential,
    Mentor,
    ProgramPhase,
    Resident,
    SupervisionNote,
)
from peerdesk.core.services.settings import get_settings
from peerdesk.core.views import resident_overview

CADENCE_WINDOW_DAYS = 30


@dataclass(frozen=True)
class PhaseCount:
    phase_id: int | None
    phase_name: str
    residents: int


@dataclass(frozen=True)
class SupervisionStatus:
    """One active mentor against the cadence rule, as of a date."""

    mentor_id: int
    mentor_name: str
    last_supervision: dt.date | None
    days_since_last: int | None
    in_window: int
    long_in_window: int
    overdue: bool
    reason: str  # why overdue, in a sentence; "" when not


@dataclass(frozen=True)
class AssessmentDue:
    resident_id: int
    resident_name: str
    last_assessed: dt.date | None
    due_since: dt.date


@dataclass(frozen=True)
class ExpiringCredential:
    credential_id: int
    mentor_id: int
    mentor_name: str
    name: str
    expires_on: dt.date
    expired: bool


@dataclass(frozen=True)
class OpenActionItem:
    item_id: int
    note_id: int
    mentor_id: int
    mentor_name: str
    description: str
    due_date: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class LastBackup:
    at: dt.datetime
    location: str
    kind: str


def census_by_phase(s: Session) -> list[PhaseCount]:
    """Active residents now, counted by their current phase in program order."""
    rows = s.execute(
        select(
            resident_overview.c.phase_id,
            ProgramPhase.name,
            func.count(),
        )
        .outerjoin(ProgramPhase, ProgramPhase.id == resident_overview.c.phase_id)
        .where(resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value)
        .group_by(resident_overview.c.phase_id)
        .order_by(func.coalesce(ProgramPhase.position, 10_000))
    ).all()
    return [PhaseCount(phase_id, name or "No phase", count) for phase_id, name, count in rows]


def worked_between(first: dt.date, last: dt.date) -> ColumnElement[bool]:
    """Mentors who worked with the house on some day from ``first`` to ``last``: started by
    ``last`` and not gone before ``first``, whatever they are doing today (a past report
    counts the mentors of then)."""
    return and_(
        Mentor.start_date <= last,
        or_(
            Mentor.end_date >= first,
            and_(Mentor.end_date.is_(None), Mentor.status == vocab.MentorStatus.ACTIVE.value),
        ),
    )


def working_on(day: dt.date) -> ColumnElement[bool]:
    """Mentors working with the house on ``day``."""
    return worked_between(day, day)


def supervision_cadence(
    s: Session, as_of: dt.date, *, mentor_ids: Collection[int] | None = None
) -> list[SupervisionStatus]:
    """Every mentor working on ``as_of`` (or the ``mentor_ids`` given) against the house's
    supervision rule on that day, most overdue first."""
    house = get_settings(s)
    window_start = as_of - dt.timedelta(days=CADENCE_WINDOW_DAYS - 1)
    live = and_(
        SupervisionNote.mentor_id == Mentor.id,
        SupervisionNote.voided_at.is_(None),
        SupervisionNote.note_date <= as_of,
    )
    in_window = and_(SupervisionNote.note_date >= window_start)
    rows = s.execute(
        select(
            Mentor.id,
            Mentor.first_name,
            Mentor.last_name,
            Mentor.start_date,
            func.max(SupervisionNote.note_date),
            func.count(case((in_window, 1))),
            func.count(
                case(
                    (
                        and_(
                            in_window,
                            SupervisionNote.duration_minutes >= house.long_supervision_minutes,
                        ),
                        1,
                    )
                )
            ),
        )
        .outerjoin(SupervisionNote, live)
        .where(working_on(as_of) if mentor_ids is None else Mentor.id.in_(list(mentor_ids)))
        .group_by(Mentor.id)
    ).all()
    result = []
    for mentor_id, first, last, start, last_date, count, long_count in rows:
        new = (as_of - start).days < CADENCE_WINDOW_DAYS
        reason = ""
        if not new and count < house.supervisions_per_month:
            reason = (
                f"{count} of {house.supervisions_per_month} supervisions in the last "
                f"{CADENCE_WINDOW_DAYS} days."
            )
        elif not new and house.long_supervision_minutes and long_count == 0:
            reason = (
                f"No supervision of {house.long_supervision_minutes} minutes or more in the "
                f"last {CADENCE_WINDOW_DAYS} days."
            )
        result.append(
            SupervisionStatus(
                mentor_id=mentor_id,
                mentor_name=dto.person_name(first, last),
                last_supervision=last_date,
                days_since_last=(as_of - last_date).days if last_date else None,
                in_window=count,
                long_in_window=long_count,
                overdue=bool(reason),
                reason=reason,
            )
        )
    result.sort(key=lambda r: (not r.overdue, -(r.days_since_last or 10_000), r.mentor_name))
    return result


def assessments_due(s: Session, as_of: dt.date) -> list[AssessmentDue]:
    """Active residents due a BARC-10, longest overdue first."""
    interval = get_settings(s).assessment_interval_days
    latest = (
        select(func.max(Assessment.assessed_on))
        .where(
            Assessment.resident_id == Resident.id,
            Assessment.instrument == vocab.Instrument.BARC10.value,
            Assessment.voided_at.is_(None),
            Assessment.assessed_on >= resident_overview.c.intake_date,
        )
        .correlate(Resident, resident_overview)
        .scalar_subquery()
    )
    rows = s.execute(
        select(
            Resident.id,
            Resident.first_name,
            Resident.last_name,
            Resident.preferred_name,
            resident_overview.c.intake_date,
            latest,
        )
        .join(resident_overview, resident_overview.c.resident_id == Resident.id)
        .where(resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value)
    ).all()
    due = []
    for rid, first, last, preferred, intake, last_assessed in rows:
        due_since = intake if last_assessed is None else last_assessed + dt.timedelta(days=interval)
        if due_since <= as_of:
            due.append(
                AssessmentDue(
                    rid, dto.person_name(first, last, preferred), last_assessed, due_since
                )
            )
    due.sort(key=lambda d: (d.due_since, d.resident_name))
    return due


def credentials_expiring(
    s: Session, as_of: dt.date, within_days: int | None = None
) -> list[ExpiringCredential]:
    """The credentials of mentors working on ``as_of``, as they stood that day, expired or
    expiring within the warning days, soonest first. A renewal issued after ``as_of`` did
    not exist yet, so a past report warns as it would have then."""
    days = get_settings(s).credential_warning_days if within_days is None else within_days
    held_then = and_(
        Credential.voided_at.is_(None),
        Credential.expires_on.is_not(None),
        # Issued by then. One with no issue date counts as always held: it may be a renewal
        # entered without its date, but far more often it is a house's existing credential
        # entered when it started with PeerDesk, which a past report must still warn about.
        or_(Credential.issued_on.is_(None), Credential.issued_on <= as_of),
    )
    newest = (
        select(
            Credential.mentor_id,
            Credential.name,
            func.max(Credential.expires_on).label("expires_on"),
        )
        .where(held_then)
        .group_by(Credential.mentor_id, Credential.name)
        .subquery()
    )
    rows = s.execute(
        select(
            Credential.id,
            Mentor.id,
            Mentor.first_name,
            Mentor.last_name,
            Credential.name,
            Credential.expires_on,
        )
        .join(
            newest,
            and_(
                newest.c.mentor_id == Credential.mentor_id,
                newest.c.name == Credential.name,
                newest.c.expires_on == Credential.expires_on,
            ),
        )
        .join(Mentor, Mentor.id == Credential.mentor_id)
        .where(
            held_then,
            working_on(as_of),
            Credential.expires_on <= as_of + dt.timedelta(days=days),
        )
        .order_by(Credential.expires_on)
    ).all()
    return [
        ExpiringCredential(cid, mid, dto.person_name(first, last), name, expires, expires < as_of)
        for cid, mid, first, last, name, expires in rows
        if expires is not None  # the query's join already excludes credentials without expiry
    ]


def open_action_items(
    s: Session, as_of: dt.date, *, about_user: int | None = None
) -> list[OpenActionItem]:
    """Action items not yet done, overdue ones first, then by due date. With ``about_user``,
    only the items of the notes about the peer mentor linked to that account (what a peer
    mentor may read)."""
    query = (
        select(
            ActionItem.id,
            ActionItem.note_id,
            Mentor.id,
            Mentor.first_name,
            Mentor.last_name,
            ActionItem.description,
            ActionItem.due_date,
        )
        .join(SupervisionNote, SupervisionNote.id == ActionItem.note_id)
        .join(Mentor, Mentor.id == SupervisionNote.mentor_id)
        .where(ActionItem.done_on.is_(None), SupervisionNote.voided_at.is_(None))
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
    )
    if about_user is not None:
        query = query.where(Mentor.user_id == about_user)
    rows = s.execute(query).all()
    return [
        OpenActionItem(
            iid,
            nid,
            mid,
            dto.person_name(first, last),
            text,
            due,
            due is not None and due < as_of,
        )
        for iid, nid, mid, first, last, text, due in rows
    ]


def last_verified_backup(s: Session, *, usb_only: bool = True) -> LastBackup | None:
    """The newest backup that was read back and verified (USB ones only, by default)."""
    query = select(BackupRecord).where(BackupRecord.verified.is_(True))
    if usb_only:
        query = query.where(BackupRecord.kind == "usb")
    row = s.execute(query.order_by(BackupRecord.at.desc()).limit(1)).scalar_one_or_none()
    return None if row is None else LastBackup(row.at, row.location, row.kind)


@dataclass(frozen=True)
class BackupWarning:
    """The Home tab's line when the USB backup is missing or old."""

    message: str
    last_backup: dt.datetime | None


def usb_backup_warning(s: Session, now: dt.datetime | None = None) -> BackupWarning | None:
    """The Home tab's warning when no verified USB backup is newer than the house's
    ``backup_warning_days``; None when the last one is recent enough."""
    days = get_settings(s).backup_warning_days
    last = last_verified_backup(s)
    if last is None:
        return BackupWarning(
            "This house has never been backed up to a USB drive; make a backup today.", None
        )
    age = (now or clock.now_utc()) - last.at
    if age <= dt.timedelta(days=days):
        return None
    when = clock.to_local(last.at)
    return BackupWarning(
        f"The last verified USB backup is {age.days} days old ({when.day} {when:%b %Y}); make "
        "a backup today.",
        last.at,
    )


def house_is_new(s: Session) -> bool:
    """True while the house has neither a resident nor a peer mentor on record (Home then
    says where to start)."""
    return (
        s.execute(select(Resident.id).limit(1)).first() is None
        and s.execute(select(Mentor.id).limit(1)).first() is None
    )
