"""Peer mentors: profile, credentials, training ledger, caseload and the former-resident link.

A mentor who leaves is made inactive with an end date, never deleted; their sessions and
supervision notes stay with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import ValidationError
from peerdesk.core.models import Credential, Mentor, Resident, TrainingEntry, User
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, fmt_date, get_or_not_found, void_row
from peerdesk.core.views import resident_overview


@dataclass(frozen=True)
class MentorDetails:
    """A mentor's profile as the form gives it."""

    first_name: str
    last_name: str
    start_date: dt.date
    role_title: str = "Peer mentor"
    phone: str = ""
    email: str = ""
    supervisor_name: str = ""
    former_resident_id: int | None = None
    user_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class CredentialDetails:
    name: str
    number: str = ""
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None


@dataclass(frozen=True)
class TrainingDetails:
    trained_on: dt.date
    topic: str
    competency: vocab.Competency
    minutes: int


# --------------------------------------------------------------------------- reading


def _caseload(s: Session, mentor_id: int) -> int:
    return s.execute(
        select(func.count())
        .select_from(Resident)
        .join(resident_overview, resident_overview.c.resident_id == Resident.id)
        .where(
            Resident.mentor_id == mentor_id,
            resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value,
        )
    ).scalar_one()


def get_mentor(s: Session, mentor_id: int) -> dto.Mentor:
    """One mentor with credentials and training (voided ones included, marked)."""
    row = get_or_not_found(s, Mentor, mentor_id, "peer mentor")
    former_name = ""
    if row.former_resident_id is not None:
        former = s.get(Resident, row.former_resident_id)
        if former is not None:
            former_name = dto.person_name(former.first_name, former.last_name)
    credentials = s.execute(
        select(Credential).where(Credential.mentor_id == row.id).order_by(Credential.id)
    ).scalars()
    training = s.execute(
        select(TrainingEntry)
        .where(TrainingEntry.mentor_id == row.id)
        .order_by(TrainingEntry.trained_on, TrainingEntry.id)
    ).scalars()
    return dto.Mentor(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        phone=row.phone,
        email=row.email,
        role_title=row.role_title,
        start_date=row.start_date,
        end_date=row.end_date,
        status=vocab.MentorStatus(row.status),
        supervisor_name=row.supervisor_name,
        former_resident_id=row.former_resident_id,
        former_resident_name=former_name,
        user_id=row.user_id,
        notes=row.notes,
        caseload=_caseload(s, row.id),
        credentials=tuple(
            dto.Credential(
                id=c.id,
                name=c.name,
                number=c.number,
                issued_on=c.issued_on,
                expires_on=c.expires_on,
                voided=c.voided_at is not None,
            )
            for c in credentials
        ),
        training=tuple(
            dto.TrainingEntry(
                id=t.id,
                trained_on=t.trained_on,
                topic=t.topic,
                competency=vocab.Competency(t.competency),
                minutes=t.minutes,
                voided=t.voided_at is not None,
            )
            for t in training
        ),
    )


def list_mentors(s: Session, *, include_inactive: bool = False) -> list[dto.MentorBrief]:
    """Mentors by last name, for pickers."""
    query = select(Mentor).order_by(Mentor.last_name, Mentor.first_name, Mentor.id)
    if not include_inactive:
        query = query.where(Mentor.status == vocab.MentorStatus.ACTIVE.value)
    return [
        dto.MentorBrief(
            id=m.id,
            name=dto.person_name(m.first_name, m.last_name),
            role_title=m.role_title,
            active=m.status == vocab.MentorStatus.ACTIVE.value,
        )
        for m in s.execute(query).scalars()
    ]


# --------------------------------------------------------------------------- writing


def _check(s: Session, details: MentorDetails, mentor_id: int | None) -> dict[str, object]:
    problems = Problems()
    values: dict[str, object] = {
        "first_name": problems.text(details.first_name, "first_name", "First name", max_length=80),
        "last_name": problems.text(details.last_name, "last_name", "Last name", max_length=80),
        "role_title": problems.text(details.role_title, "role_title", "Role", max_length=80),
        "phone": problems.optional_text(details.phone, "phone", "Phone", max_length=40),
        "email": problems.optional_text(details.email, "email", "Email", max_length=120),
        "supervisor_name": problems.optional_text(
            details.supervisor_name, "supervisor_name", "Supervisor", max_length=120
        ),
        "start_date": details.start_date,
        "former_resident_id": details.former_resident_id,
        "user_id": details.user_id,
        "notes": problems.optional_text(details.notes, "notes", "Notes", max_length=20000),
    }
    if details.start_date is None:
        problems.add("start_date", "Start date is required.")
    if details.email.strip() and "@" not in details.email:
        problems.add("email", "Email should look like name@example.org.")
    if details.former_resident_id is not None:
        former = s.get(Resident, details.former_resident_id)
        if former is None:
            problems.add("former_resident_id", "Choose the former resident from the list.")
        else:
            other = s.execute(
                select(Mentor.first_name, Mentor.last_name).where(
                    Mentor.former_resident_id == details.former_resident_id,
                    Mentor.id != (mentor_id or -1),
                )
            ).first()
            if other is not None:
                problems.add(
                    "former_resident_id",
                    f"That resident is already linked to {other.first_name} {other.last_name}.",
                )
    if details.user_id is not None and s.get(User, details.user_id) is None:
        problems.add("user_id", "Choose the user account from the list.")
    problems.raise_if_any()
    return values


def create_mentor(s: Session, actor: Actor, details: MentorDetails) -> dto.Mentor:
    """Add a peer mentor (active from their start date)."""
    actor.require(Action.EDIT_MENTORS)
    values = _check(s, details, None)
    now = clock.now_utc()
    row = Mentor(
        **values,
        status=vocab.MentorStatus.ACTIVE.value,
        created_at=now,
        created_by=actor.username,
        updated_at=now,
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        "create",
        "mentors",
        row.id,
        f"Peer mentor {row.first_name} {row.last_name}",
        {k: v for k, v in values.items() if k != "notes"},
    )
    return get_mentor(s, row.id)


def update_mentor(s: Session, actor: Actor, mentor_id: int, details: MentorDetails) -> dto.Mentor:
    actor.require(Action.EDIT_MENTORS)
    row = get_or_not_found(s, Mentor, mentor_id, "peer mentor")
    values = _check(s, details, mentor_id)
    if row.end_date is not None and details.start_date > row.end_date:
        raise ValidationError.single(
            "start_date", f"Start date is after the end date ({fmt_date(row.end_date)})."
        )
    before = {key: getattr(row, key) for key in values}
    for key, value in values.items():
        setattr(row, key, value)
    changes = audit.diff(before, values)
    if changes:
        row.updated_at = clock.now_utc()
        audit.record(
            s,
            actor,
            "change",
            "mentors",
            row.id,
            f"Details of {row.first_name} {row.last_name}",
            changes,
        )
    return get_mentor(s, row.id)


def deactivate_mentor(
    s: Session, actor: Actor, mentor_id: int, end_date: dt.date, reason: str = ""
) -> dto.Mentor:
    """A mentor stops working with the house; their residents need another mentor."""
    actor.require(Action.EDIT_MENTORS)
    row = get_or_not_found(s, Mentor, mentor_id, "peer mentor")
    problems = Problems()
    if row.status == vocab.MentorStatus.INACTIVE.value:
        problems.add("end_date", f"{row.first_name} {row.last_name} is already inactive.")
    problems.past_date(end_date, "end_date", "End date")
    if end_date is not None and end_date < row.start_date:
        problems.add("end_date", f"End date is before the start date ({fmt_date(row.start_date)}).")
    caseload = _caseload(s, mentor_id)
    if caseload:
        problems.add(
            "end_date",
            f"{row.first_name} {row.last_name} still mentors {caseload} active resident(s); "
            "give them another mentor first.",
        )
    problems.raise_if_any()
    row.status = vocab.MentorStatus.INACTIVE.value
    row.end_date = end_date
    row.updated_at = clock.now_utc()
    audit.record(
        s,
        actor,
        "deactivate",
        "mentors",
        row.id,
        f"{row.first_name} {row.last_name} inactive from {fmt_date(end_date)}. {reason}".strip(),
        {"end_date": end_date},
    )
    return get_mentor(s, row.id)


def reactivate_mentor(s: Session, actor: Actor, mentor_id: int) -> dto.Mentor:
    actor.require(Action.EDIT_MENTORS)
    row = get_or_not_found(s, Mentor, mentor_id, "peer mentor")
    if row.status == vocab.MentorStatus.ACTIVE.value:
        raise ValidationError.single("status", f"{row.first_name} {row.last_name} is active.")
    row.status = vocab.MentorStatus.ACTIVE.value
    row.end_date = None
    row.updated_at = clock.now_utc()
    audit.record(s, actor, "reactivate", "mentors", row.id, f"{row.first_name} {row.last_name}")
    return get_mentor(s, row.id)


def add_credential(
    s: Session, actor: Actor, mentor_id: int, details: CredentialDetails
) -> dto.Mentor:
    actor.require(Action.EDIT_MENTORS)
    get_or_not_found(s, Mentor, mentor_id, "peer mentor")
    problems = Problems()
    name = problems.text(details.name, "name", "Credential name", max_length=120)
    number = problems.optional_text(details.number, "number", "Credential number", max_length=60)
    problems.not_future(details.issued_on, "issued_on", "Issue date")
    if (
        details.issued_on is not None
        and details.expires_on is not None
        and details.expires_on <= details.issued_on
    ):
        problems.add("expires_on", "Expiry date must be after the issue date.")
    problems.raise_if_any()
    row = Credential(
        mentor_id=mentor_id,
        name=name,
        number=number,
        issued_on=details.issued_on,
        expires_on=details.expires_on,
        created_at=clock.now_utc(),
        created_by=actor.username,
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        "create",
        "credentials",
        row.id,
        f"Credential {name}",
        {"mentor_id": mentor_id, "issued_on": details.issued_on, "expires_on": details.expires_on},
    )
    return get_mentor(s, mentor_id)


def add_training(s: Session, actor: Actor, mentor_id: int, details: TrainingDetails) -> dto.Mentor:
    actor.require(Action.EDIT_MENTORS)
    get_or_not_found(s, Mentor, mentor_id, "peer mentor")
    problems = Problems()
    problems.past_date(details.trained_on, "trained_on", "Training date")
    topic = problems.text(details.topic, "topic", "Topic", max_length=200)
    if not isinstance(details.competency, vocab.Competency):
        problems.add("competency", "Choose the core competency the training covers.")
    problems.minutes(details.minutes, "minutes", "Training time")
    problems.raise_if_any()
    row = TrainingEntry(
        mentor_id=mentor_id,
        trained_on=details.trained_on,
        topic=topic,
        competency=details.competency.value,
        minutes=details.minutes,
        created_at=clock.now_utc(),
        created_by=actor.username,
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        "create",
        "training_entries",
        row.id,
        f"Training: {topic}",
        {"mentor_id": mentor_id, "trained_on": details.trained_on, "minutes": details.minutes},
    )
    return get_mentor(s, mentor_id)


def void_credential(s: Session, actor: Actor, credential_id: int, reason: str) -> dto.Mentor:
    actor.require(Action.EDIT_MENTORS)
    row = get_or_not_found(s, Credential, credential_id, "credential")
    void_row(s, actor, row, "credentials", row.id, reason)
    return get_mentor(s, row.mentor_id)


def void_training(s: Session, actor: Actor, entry_id: int, reason: str) -> dto.Mentor:
    actor.require(Action.EDIT_MENTORS)
    row = get_or_not_found(s, TrainingEntry, entry_id, "training entry")
    void_row(s, actor, row, "training_entries", row.id, reason)
    return get_mentor(s, row.mentor_id)
