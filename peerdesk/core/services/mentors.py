"""Peer mentors: profile, credentials, training ledger, caseload and the former-resident link.

A mentor who leaves is made inactive with an end date, never deleted; their sessions and
supervision notes stay with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import ValidationError
from peerdesk.core.models import Credential, Mentor, Resident, TrainingEntry, User
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import (
    Problems,
    fmt_date,
    get_or_not_found,
    next_ids,
    void_row,
)
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


# --------------------------------------------------------------------------- what the house has


@dataclass
class MentorFacts:
    """What the mentor rules need to know about the house, read before the checks: which
    residents and user accounts exist, and which former residents are linked to whom.

    :meth:`for_record` reads only what one form needs; :meth:`whole_house` reads it all once
    for a sheet of many, and a :class:`MentorBatch` adds each mentor it accepts.
    """

    residents: set[int]
    users: set[int]
    # Former resident id → the mentors linked to them: (mentor id, None: not written yet; name).
    links: dict[int, list[tuple[int | None, str]]]

    @classmethod
    def whole_house(cls, s: Session) -> MentorFacts:
        return cls(
            set(s.execute(select(Resident.id)).scalars()),
            set(s.execute(select(User.id)).scalars()),
            _links(s),
        )

    @classmethod
    def for_record(
        cls, s: Session, *, former_resident_id: int | None = None, user_id: int | None = None
    ) -> MentorFacts:
        residents: set[int] = set()
        links: dict[int, list[tuple[int | None, str]]] = {}
        if former_resident_id is not None:
            if s.get(Resident, former_resident_id) is not None:
                residents.add(former_resident_id)
            links = _links(s, former_resident_id)
        users = {user_id} if user_id is not None and s.get(User, user_id) is not None else set()
        return cls(residents, users, links)

    def linked_to(self, former_resident_id: int, mentor_id: int | None) -> str | None:
        """The name of another mentor already linked to this former resident, if any."""
        for linked, name in self.links.get(former_resident_id, ()):
            if mentor_id is None or linked != mentor_id:
                return name
        return None

    def admit(self, values: dict[str, object]) -> None:
        """Count a mentor accepted in a batch as on record (and linked to their resident)."""
        former = values["former_resident_id"]
        if isinstance(former, int):
            name = f"{values['first_name']} {values['last_name']}"
            self.links.setdefault(former, []).append((None, name))


def _links(
    s: Session, former_resident_id: int | None = None
) -> dict[int, list[tuple[int | None, str]]]:
    query = (
        select(Mentor.id, Mentor.first_name, Mentor.last_name, Mentor.former_resident_id)
        .where(Mentor.former_resident_id.is_not(None))
        .order_by(Mentor.id)
    )
    if former_resident_id is not None:
        query = query.where(Mentor.former_resident_id == former_resident_id)
    links: dict[int, list[tuple[int | None, str]]] = {}
    for m in s.execute(query):
        links.setdefault(m.former_resident_id, []).append((m.id, f"{m.first_name} {m.last_name}"))
    return links


# --------------------------------------------------------------------------- checks


def _check(facts: MentorFacts, details: MentorDetails, mentor_id: int | None) -> dict[str, object]:
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
        "notes": problems.optional_text(
            details.notes, "notes", "Notes", max_length=20000, multiline=True
        ),
    }
    if details.start_date is None:
        problems.add("start_date", "Start date is required.")
    if details.email.strip() and "@" not in details.email:
        problems.add("email", "Email should look like name@example.org.")
    if details.former_resident_id is not None:
        if details.former_resident_id not in facts.residents:
            problems.add("former_resident_id", "Choose the former resident from the list.")
        else:
            other = facts.linked_to(details.former_resident_id, mentor_id)
            if other is not None:
                problems.add("former_resident_id", f"That resident is already linked to {other}.")
    if details.user_id is not None and details.user_id not in facts.users:
        problems.add("user_id", "Choose the user account from the list.")
    problems.raise_if_any()
    return values


def _check_leaving(
    problems: Problems,
    name: str,
    status: str,
    start_date: dt.date,
    end_date: dt.date | None,
    caseload: int,
) -> None:
    """The rules of a mentor stopping work with the house on ``end_date``."""
    if status == vocab.MentorStatus.INACTIVE.value:
        problems.add("end_date", f"{name} is already inactive.")
    problems.past_date(end_date, "end_date", "End date")
    if end_date is not None and end_date < start_date:
        problems.add("end_date", f"End date is before the start date ({fmt_date(start_date)}).")
    if caseload:
        problems.add(
            "end_date",
            f"{name} still mentors {_residents(caseload)}; give "
            f"{'them' if caseload > 1 else 'that resident'} another mentor first.",
        )


def _residents(n: int) -> str:
    return "1 active resident" if n == 1 else f"{n} active residents"


def _created_line(mentor_id: int, values: dict[str, object]) -> audit.Entry:
    return audit.Entry(
        "create",
        "mentors",
        mentor_id,
        f"Peer mentor {values['first_name']} {values['last_name']}",
        {k: v for k, v in values.items() if k != "notes"},
    )


def _left_line(mentor_id: int, name: str, end_date: dt.date, reason: str) -> audit.Entry:
    return audit.Entry(
        "deactivate",
        "mentors",
        mentor_id,
        f"{name} inactive from {fmt_date(end_date)}. {reason}".strip(),
        {"end_date": end_date},
    )


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class NewMentor:
    """One mentor for a :class:`MentorBatch`, with the end date of one who has already left
    (a former mentor in an imported sheet)."""

    details: MentorDetails
    end_date: dt.date | None = None


class MentorBatch:
    """Many mentors added together (an imported sheet), by the rules of :func:`create_mentor`
    and, for a :class:`NewMentor` with an end date, of :func:`deactivate_mentor`.

    :meth:`add` checks one mentor against the house and those added before it and raises the
    ValidationError the form would show; :meth:`write` saves every accepted mentor with one
    bulk insert and their audit lines in one go.
    """

    def __init__(self, s: Session, actor: Actor, facts: MentorFacts | None = None) -> None:
        actor.require(Action.EDIT_MENTORS)
        self._s = s
        self._actor = actor
        self.facts = facts if facts is not None else MentorFacts.whole_house(s)
        self._accepted: list[tuple[dict[str, object], dt.date | None]] = []

    def __len__(self) -> int:
        """How many mentors are waiting for :meth:`write`."""
        return len(self._accepted)

    def add(self, mentor: NewMentor) -> None:
        """Accept one more mentor, or raise ValidationError (and keep nothing of them)."""
        values = _check(self.facts, mentor.details, None)
        if mentor.end_date is not None:
            problems = Problems()
            name = f"{values['first_name']} {values['last_name']}"
            active = vocab.MentorStatus.ACTIVE.value
            _check_leaving(problems, name, active, mentor.details.start_date, mentor.end_date, 0)
            problems.raise_if_any()
        self.facts.admit(values)
        self._accepted.append((values, mentor.end_date))

    def write(self) -> list[int]:
        """Save the mentors accepted so far, in the order they were added, with the audit
        lines the single services write; returns their ids."""
        accepted, self._accepted = self._accepted, []
        if not accepted:
            return []
        s, username = self._s, self._actor.username
        s.flush()
        now = clock.now_utc()
        status = vocab.MentorStatus
        (mentor_ids,) = next_ids(s, len(accepted), Mentor.id)
        s.execute(
            insert(Mentor),
            [
                {
                    "id": mentor_id,
                    **values,
                    "status": (status.ACTIVE if end_date is None else status.INACTIVE).value,
                    "end_date": end_date,
                    "created_at": now,
                    "created_by": username,
                    "updated_at": now,
                }
                for mentor_id, (values, end_date) in zip(mentor_ids, accepted, strict=True)
            ],
        )
        lines: list[audit.Entry] = []
        for mentor_id, (values, end_date) in zip(mentor_ids, accepted, strict=True):
            lines.append(_created_line(mentor_id, values))
            if end_date is not None:
                name = f"{values['first_name']} {values['last_name']}"
                lines.append(_left_line(mentor_id, name, end_date, ""))
        audit.record_many(s, self._actor, lines)
        return list(mentor_ids)


def create_mentor(s: Session, actor: Actor, details: MentorDetails) -> dto.Mentor:
    """Add a peer mentor (active from their start date)."""
    actor.require(Action.EDIT_MENTORS)
    facts = MentorFacts.for_record(
        s, former_resident_id=details.former_resident_id, user_id=details.user_id
    )
    batch = MentorBatch(s, actor, facts)
    batch.add(NewMentor(details))
    (mentor_id,) = batch.write()
    return get_mentor(s, mentor_id)


def update_mentor(s: Session, actor: Actor, mentor_id: int, details: MentorDetails) -> dto.Mentor:
    actor.require(Action.EDIT_MENTORS)
    row = get_or_not_found(s, Mentor, mentor_id, "peer mentor")
    facts = MentorFacts.for_record(
        s, former_resident_id=details.former_resident_id, user_id=details.user_id
    )
    values = _check(facts, details, mentor_id)
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
    name = f"{row.first_name} {row.last_name}"
    _check_leaving(problems, name, row.status, row.start_date, end_date, _caseload(s, mentor_id))
    reason = problems.optional_text(reason, "reason", "The reason", max_length=500)
    problems.raise_if_any()
    row.status = vocab.MentorStatus.INACTIVE.value
    row.end_date = end_date
    row.updated_at = clock.now_utc()
    audit.record_many(s, actor, [_left_line(row.id, name, end_date, reason)])
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
