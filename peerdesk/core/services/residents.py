"""Residents: intake, details, phase changes, discharge and readmission.

A resident is never deleted. Each admission is a stay; a discharge closes the open stay and a
readmission opens a new one. Phase changes are kept as history; a mistaken one is voided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, dto, funder_vocab, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import ValidationError
from peerdesk.core.models import Mentor, PhaseChange, ProgramPhase, Resident, Stay, StayAnswers
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import (
    Problems,
    fmt_date,
    get_or_not_found,
    next_ids,
    void_row,
)
from peerdesk.core.services.settings import living_situation_codes
from peerdesk.core.services.stay_answers import QUESTIONS, check_answers
from peerdesk.core.views import resident_overview


@dataclass(frozen=True)
class ResidentDetails:
    """The resident's own details, as the intake and edit forms give them."""

    first_name: str
    last_name: str
    preferred_name: str = ""
    date_of_birth: dt.date | None = None
    phone: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    room: str = ""
    bed: str = ""
    mentor_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class Admission:
    """How a stay begins: the date, the phase entered, the referral and where they came from."""

    intake_date: dt.date
    phase_id: int
    referral_source: str = ""
    living_situation: str = "unknown"


@dataclass(frozen=True)
class Discharge:
    """How a stay ends. ``outcome`` defaults to the usual class for the reason."""

    discharge_date: dt.date
    reason: vocab.DischargeReason
    outcome: vocab.OutcomeClass | None = None
    exit_living_situation: str = "unknown"
    notes: str = ""


# --------------------------------------------------------------------------- reading


def _stay_dto(row: Stay) -> dto.Stay:
    return dto.Stay(
        id=row.id,
        intake_date=row.intake_date,
        referral_source=row.referral_source,
        intake_living_situation=row.intake_living_situation,
        discharge_date=row.discharge_date,
        discharge_reason=vocab.DischargeReason(row.discharge_reason)
        if row.discharge_reason
        else None,
        discharge_outcome=vocab.OutcomeClass(row.discharge_outcome)
        if row.discharge_outcome
        else None,
        exit_living_situation=row.exit_living_situation,
        discharge_notes=row.discharge_notes,
    )


def get_resident(s: Session, resident_id: int) -> dto.Resident:
    """One resident with every stay and the whole phase history."""
    row = get_or_not_found(s, Resident, resident_id, "resident")
    stays = s.execute(
        select(Stay).where(Stay.resident_id == row.id).order_by(Stay.intake_date, Stay.id)
    ).scalars()
    changes = s.execute(
        select(PhaseChange, ProgramPhase.name)
        .join(ProgramPhase, ProgramPhase.id == PhaseChange.phase_id)
        .where(PhaseChange.resident_id == row.id)
        .order_by(PhaseChange.from_date, PhaseChange.id)
    ).all()
    mentor_name = ""
    if row.mentor_id is not None:
        mentor = s.get(Mentor, row.mentor_id)
        mentor_name = dto.person_name(mentor.first_name, mentor.last_name) if mentor else ""
    return dto.Resident(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        preferred_name=row.preferred_name,
        date_of_birth=row.date_of_birth,
        phone=row.phone,
        emergency_contact_name=row.emergency_contact_name,
        emergency_contact_phone=row.emergency_contact_phone,
        room=row.room,
        bed=row.bed,
        mentor_id=row.mentor_id,
        mentor_name=mentor_name,
        notes=row.notes,
        stays=tuple(_stay_dto(stay) for stay in stays),
        phase_history=tuple(
            dto.PhaseChange(
                id=change.id,
                phase_id=change.phase_id,
                phase_name=phase_name,
                from_date=change.from_date,
                note=change.note,
                voided=change.voided_at is not None,
                void_reason=change.void_reason,
            )
            for change, phase_name in changes
        ),
    )


BRIEF_COLUMNS = (
    Resident.id,
    Resident.first_name,
    Resident.last_name,
    Resident.preferred_name,
    Resident.room,
    Resident.bed,
    Resident.mentor_id,
)


def brief_of(row: Any) -> dto.ResidentBrief:
    """A picker's resident from a row of ``BRIEF_COLUMNS`` plus a ``phase_name`` column."""
    return dto.ResidentBrief(
        id=row.id,
        name=dto.person_name(row.first_name, row.last_name, row.preferred_name),
        room=row.room,
        bed=row.bed,
        phase_name=row.phase_name or "",
        mentor_id=row.mentor_id,
    )


def active_residents(s: Session, *, mentor_id: int | None = None) -> list[dto.ResidentBrief]:
    """Everyone in residence now, by last name (for pickers and sign-in sheets)."""
    query = (
        select(*BRIEF_COLUMNS, ProgramPhase.name.label("phase_name"))
        .join(resident_overview, resident_overview.c.resident_id == Resident.id)
        .outerjoin(ProgramPhase, ProgramPhase.id == resident_overview.c.phase_id)
        .where(resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value)
        .order_by(Resident.last_name, Resident.first_name, Resident.id)
    )
    if mentor_id is not None:
        query = query.where(Resident.mentor_id == mentor_id)
    return [brief_of(r) for r in s.execute(query)]


def residents_in_residence(s: Session, resident_ids: Iterable[int], on: dt.date) -> set[int]:
    """Which of these residents had a stay covering ``on`` (discharge day included)."""
    ids = list(resident_ids)
    if not ids:
        return set()
    query = select(Stay.resident_id).where(
        Stay.resident_id.in_(ids),
        Stay.intake_date <= on,
        or_(Stay.discharge_date.is_(None), Stay.discharge_date >= on),
    )
    return set(s.execute(query).scalars())


def _open_stay(s: Session, resident_id: int) -> Stay | None:
    return s.execute(
        select(Stay).where(Stay.resident_id == resident_id, Stay.discharge_date.is_(None))
    ).scalar_one_or_none()


def latest_stay(s: Session, resident_id: int) -> Stay | None:
    """The resident's last stay, open or ended (None before any intake)."""
    return s.execute(
        select(Stay)
        .where(Stay.resident_id == resident_id)
        .order_by(Stay.intake_date.desc(), Stay.id.desc())
        .limit(1)
    ).scalar_one_or_none()


# --------------------------------------------------------------------------- what the house has


def name_key(text: str) -> str:
    """A name as the duplicate check compares it: case and spacing ignored."""
    return " ".join(text.split()).casefold()


PersonKey = tuple[str, str, dt.date]


def person_key(first_name: str, last_name: str, date_of_birth: dt.date | None) -> PersonKey | None:
    """What makes an intake the same person as a resident on record: the same name and date
    of birth (without a date of birth there is nothing to compare)."""
    if date_of_birth is None:
        return None
    return (name_key(first_name), name_key(last_name), date_of_birth)


@dataclass(frozen=True)
class PhaseFact:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class MentorFact:
    name: str
    active: bool


Bed = tuple[str, str]  # (room, bed)


@dataclass
class HouseFacts:
    """What the resident rules need to know about the house, read before the checks so the
    checks themselves are plain Python: the program phases, the living situations, the peer
    mentors, who is on record (name and date of birth) and whose bed is whose.

    :meth:`for_record` reads only what one form needs, by indexed queries; :meth:`whole_house`
    reads everything once for a sheet of many. An :class:`IntakeBatch` adds each resident it
    accepts, so a later row is checked against the earlier ones as well as the house.
    """

    phases: dict[int, PhaseFact]
    living_situations: set[str]
    mentors: dict[int, MentorFact]
    people: set[PersonKey]
    # The residents in residence in each (room, bed): their id (None: not written yet), name.
    beds: dict[Bed, list[tuple[int | None, str]]]

    @classmethod
    def whole_house(cls, s: Session) -> HouseFacts:
        return cls(_phases(s), living_situation_codes(s), _mentors(s), _people(s), _beds(s))

    @classmethod
    def for_record(
        cls,
        s: Session,
        *,
        phase_id: int | None = None,
        mentor_id: int | None = None,
        date_of_birth: dt.date | None = None,
        room: str = "",
        bed: str = "",
    ) -> HouseFacts:
        room, bed = (room or "").strip(), (bed or "").strip()
        return cls(
            _phases(s, phase_id) if phase_id is not None else {},
            living_situation_codes(s),
            _mentors(s, mentor_id) if mentor_id is not None else {},
            _people(s, date_of_birth) if date_of_birth is not None else set(),
            _beds(s, (room, bed)) if room and bed else {},
        )

    def bed_taken_by(self, room: str, bed: str, resident_id: int | None) -> str | None:
        """The name of someone else in residence in this room and bed, if anyone."""
        for occupant, name in self.beds.get((room, bed), ()):
            if resident_id is None or occupant != resident_id:
                return name
        return None

    def admit(self, values: dict[str, object], *, in_residence: bool) -> None:
        """Count a resident accepted in a batch as on record (and in their bed)."""
        first, last = str(values["first_name"]), str(values["last_name"])
        born = values["date_of_birth"]
        key = person_key(first, last, born if isinstance(born, dt.date) else None)
        if key is not None:
            self.people.add(key)
        room, bed = str(values["room"]), str(values["bed"])
        if in_residence and room and bed:
            self.beds.setdefault((room, bed), []).append((None, f"{first} {last}"))


def bed_occupant(s: Session, room: str, bed: str, resident_id: int | None = None) -> str | None:
    """The name of whoever else is in residence in this room and bed, if anyone."""
    facts = HouseFacts.for_record(s, room=room, bed=bed)
    return facts.bed_taken_by(room.strip(), bed.strip(), resident_id)


def _phases(s: Session, phase_id: int | None = None) -> dict[int, PhaseFact]:
    query = select(ProgramPhase.id, ProgramPhase.name, ProgramPhase.active)
    if phase_id is not None:
        query = query.where(ProgramPhase.id == phase_id)
    return {p.id: PhaseFact(p.id, p.name, p.active) for p in s.execute(query)}


def _mentors(s: Session, mentor_id: int | None = None) -> dict[int, MentorFact]:
    query = select(Mentor.id, Mentor.first_name, Mentor.last_name, Mentor.status)
    if mentor_id is not None:
        query = query.where(Mentor.id == mentor_id)
    return {
        m.id: MentorFact(
            f"{m.first_name} {m.last_name}", m.status == vocab.MentorStatus.ACTIVE.value
        )
        for m in s.execute(query)
    }


def _people(s: Session, date_of_birth: dt.date | None = None) -> set[PersonKey]:
    # Names are compared in Python (SQLite's lower() knows only ASCII), so one record's check
    # reads the residents born that day. No index covers the date of birth or a case-folded
    # name, so that is a scan of the residents table: about 0.3 ms for 5,000 residents.
    query = select(Resident.first_name, Resident.last_name, Resident.date_of_birth).where(
        Resident.date_of_birth.is_not(None)
    )
    if date_of_birth is not None:
        query = query.where(Resident.date_of_birth == date_of_birth)
    return {key for r in s.execute(query) if (key := person_key(*r)) is not None}


def _beds(s: Session, bed: Bed | None = None) -> dict[Bed, list[tuple[int | None, str]]]:
    query = (
        select(Resident.id, Resident.first_name, Resident.last_name, Resident.room, Resident.bed)
        .join(resident_overview, resident_overview.c.resident_id == Resident.id)
        .where(
            resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value,
            Resident.room != "",
            Resident.bed != "",
        )
        .order_by(Resident.id)
    )
    if bed is not None:
        # Through the room index, and the view only for those few residents.
        query = query.where(Resident.room == bed[0], Resident.bed == bed[1])
    beds: dict[Bed, list[tuple[int | None, str]]] = {}
    for r in s.execute(query):
        beds.setdefault((r.room, r.bed), []).append((r.id, f"{r.first_name} {r.last_name}"))
    return beds


# --------------------------------------------------------------------------- checks


def _check_details(
    problems: Problems, facts: HouseFacts, details: ResidentDetails, resident_id: int | None
) -> dict[str, object]:
    values: dict[str, object] = {
        "first_name": problems.text(details.first_name, "first_name", "First name", max_length=80),
        "last_name": problems.text(details.last_name, "last_name", "Last name", max_length=80),
        "preferred_name": problems.optional_text(
            details.preferred_name, "preferred_name", "Preferred name", max_length=80
        ),
        "date_of_birth": problems.not_future(
            details.date_of_birth, "date_of_birth", "Date of birth"
        ),
        "phone": problems.optional_text(details.phone, "phone", "Phone", max_length=40),
        "emergency_contact_name": problems.optional_text(
            details.emergency_contact_name,
            "emergency_contact_name",
            "Emergency contact",
            max_length=120,
        ),
        "emergency_contact_phone": problems.optional_text(
            details.emergency_contact_phone,
            "emergency_contact_phone",
            "Emergency contact phone",
            max_length=40,
        ),
        "room": problems.optional_text(details.room, "room", "Room", max_length=20),
        "bed": problems.optional_text(details.bed, "bed", "Bed", max_length=20),
        "mentor_id": details.mentor_id,
        "notes": problems.optional_text(
            details.notes, "notes", "Notes", max_length=20000, multiline=True
        ),
    }
    if details.mentor_id is not None:
        mentor = facts.mentors.get(details.mentor_id)
        if mentor is None:
            problems.add("mentor_id", "Choose a peer mentor from the list.")
        elif not mentor.active:
            problems.add(
                "mentor_id",
                f"{mentor.name} is no longer an active peer mentor; choose another.",
            )
    room, bed = str(values["room"]), str(values["bed"])
    if room and bed:
        taken = facts.bed_taken_by(room, bed, resident_id)
        if taken is not None:
            problems.add("bed", f"Room {room} bed {bed} is taken by {taken}.")
    return values


def _check_admission(
    problems: Problems, facts: HouseFacts, admission: Admission, date_of_birth: dt.date | None
) -> None:
    problems.past_date(admission.intake_date, "intake_date", "Intake date")
    if (
        date_of_birth is not None
        and admission.intake_date is not None
        and date_of_birth >= admission.intake_date
    ):
        problems.add("date_of_birth", "Date of birth must be before the intake date.")
    _check_phase(problems, facts.phases, admission.phase_id)
    problems.optional_text(
        admission.referral_source, "referral_source", "Referral source", max_length=120
    )
    if admission.living_situation not in facts.living_situations:
        problems.add("living_situation", "Choose the living situation at intake from the list.")


def _check_phase(
    problems: Problems, phases: dict[int, PhaseFact], phase_id: int | None
) -> PhaseFact | None:
    if phase_id is None:
        problems.add("phase_id", "Choose a program phase.")
        return None
    phase = phases.get(phase_id)
    if phase is None or not phase.active:
        problems.add("phase_id", "Choose a program phase from the list.")
        return None
    return phase


def _check_intake(
    facts: HouseFacts, details: ResidentDetails, admission: Admission
) -> dict[str, object]:
    """The rules of a new intake; returns the resident's values or raises ValidationError."""
    problems = Problems()
    values = _check_details(problems, facts, details, None)
    _check_admission(problems, facts, admission, details.date_of_birth)
    if not problems.has("first_name") and not problems.has("last_name"):
        key = person_key(str(values["first_name"]), str(values["last_name"]), details.date_of_birth)
        if key is not None and key in facts.people:
            problems.add(
                "first_name",
                f"{values['first_name']} {values['last_name']} with this date of birth is already "
                "in the records; readmit them instead of a new intake.",
            )
    problems.raise_if_any()
    return values


def _check_discharge(
    problems: Problems,
    discharge: Discharge,
    intake_date: dt.date,
    last_phase: dt.date | None,
    living_situations: Collection[str],
) -> str:
    """The rules of closing a stay that began on ``intake_date``; returns the notes, trimmed."""
    problems.past_date(discharge.discharge_date, "discharge_date", "Discharge date")
    if discharge.discharge_date is not None and discharge.discharge_date < intake_date:
        problems.add(
            "discharge_date",
            f"Discharge date is before the intake date ({fmt_date(intake_date)}).",
        )
    if (
        discharge.discharge_date is not None
        and last_phase
        and discharge.discharge_date < last_phase
    ):
        problems.add(
            "discharge_date",
            f"Discharge date is before the latest phase change ({fmt_date(last_phase)}).",
        )
    if not isinstance(discharge.reason, vocab.DischargeReason):
        problems.add("reason", "Choose the reason for the discharge.")
    if discharge.exit_living_situation not in living_situations:
        problems.add("exit_living_situation", "Choose where the resident is going to live.")
    return problems.optional_text(
        discharge.notes, "notes", "Notes", max_length=5000, multiline=True
    )


def _snapshot(row: Resident) -> dict[str, object]:
    return {
        key: getattr(row, key)
        for key in ResidentDetails.__dataclass_fields__  # same names as the columns
    }


# --------------------------------------------------------------------------- what is written


def _stay_values(
    resident_id: int, admission: Admission, now: dt.datetime, username: str
) -> dict[str, object]:
    return {
        "resident_id": resident_id,
        "intake_date": admission.intake_date,
        "referral_source": admission.referral_source.strip(),
        "intake_living_situation": admission.living_situation,
        "created_at": now,
        "created_by": username,
    }


# The note of the phase change an intake (or a readmission) writes: the stay's first phase.
INTAKE_NOTE = "Intake"


def _intake_phase_values(
    resident_id: int, admission: Admission, now: dt.datetime, username: str
) -> dict[str, object]:
    return {
        "resident_id": resident_id,
        "phase_id": admission.phase_id,
        "from_date": admission.intake_date,
        "note": INTAKE_NOTE,
        "created_at": now,
        "created_by": username,
    }


def _outcome(discharge: Discharge) -> vocab.OutcomeClass:
    return discharge.outcome or discharge.reason.default_outcome


def _discharge_values(discharge: Discharge, notes: str) -> dict[str, object]:
    return {
        "discharge_date": discharge.discharge_date,
        "discharge_reason": discharge.reason.value,
        "discharge_outcome": _outcome(discharge).value,
        "exit_living_situation": discharge.exit_living_situation,
        "discharge_notes": notes,
    }


_STILL_IN_RESIDENCE: dict[str, object] = {
    "discharge_date": None,
    "discharge_reason": None,
    "discharge_outcome": None,
    "exit_living_situation": None,
    "discharge_notes": "",
}


def _admission_values(admission: Admission) -> dict[str, object]:
    # What dataclasses.asdict gives, without its deep copies (a tenth of an import's time).
    return {f.name: getattr(admission, f.name) for f in fields(admission)}


def _intake_line(resident_id: int, values: dict[str, object], admission: Admission) -> audit.Entry:
    return audit.Entry(
        "create",
        "residents",
        resident_id,
        f"Intake of {values['first_name']} {values['last_name']} on "
        f"{fmt_date(admission.intake_date)}",
        {k: v for k, v in {**values, **_admission_values(admission)}.items() if k != "notes"},
    )


def _discharge_line(resident_id: int, name: str, stay_id: int, discharge: Discharge) -> audit.Entry:
    return audit.Entry(
        "discharge",
        "stays",
        stay_id,
        f"{name} discharged on {fmt_date(discharge.discharge_date)}: {discharge.reason.label}",
        {
            "resident_id": resident_id,
            "discharge_date": discharge.discharge_date,
            "reason": discharge.reason.value,
            "outcome": _outcome(discharge).value,
            "exit_living_situation": discharge.exit_living_situation,
        },
    )


# --------------------------------------------------------------------------- intake


@dataclass(frozen=True)
class Intake:
    """One resident for an :class:`IntakeBatch`: details and admission as the intake form
    gives them, and for someone who has already left (a former resident in an imported
    sheet) the discharge that closes their stay at once. ``answers`` are the funders'
    answers of the stay (codes or labels; a question left out is unknown)."""

    details: ResidentDetails
    admission: Admission
    discharge: Discharge | None = None
    answers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Accepted:
    values: dict[str, object]
    admission: Admission
    discharge: Discharge | None
    discharge_notes: str
    answers: dict[str, str]


class IntakeBatch:
    """Many residents admitted together (an imported sheet), by the rules of
    :func:`intake_resident` and, for an :class:`Intake` with a discharge, of
    :func:`discharge_resident`.

    :meth:`add` checks one resident against the house and those added before it (so two
    rows cannot take one bed, nor be one person twice) and raises the very ValidationError
    the form would show; nothing is written until :meth:`write` saves every accepted
    resident with bulk inserts and their audit lines in one go.
    """

    def __init__(self, s: Session, actor: Actor, facts: HouseFacts | None = None) -> None:
        actor.require(Action.EDIT_RESIDENTS)
        self._s = s
        self._actor = actor
        self.facts = facts if facts is not None else HouseFacts.whole_house(s)
        self._accepted: list[_Accepted] = []

    def __len__(self) -> int:
        """How many residents are waiting for :meth:`write`."""
        return len(self._accepted)

    def add(self, intake: Intake) -> None:
        """Accept one more resident, or raise ValidationError (and keep nothing of them)."""
        values = _check_intake(self.facts, intake.details, intake.admission)
        given = check_answers(intake.answers)
        answers = {q: a for q, a in given.items() if a != funder_vocab.UNKNOWN}
        notes = ""
        if intake.discharge is not None:
            problems = Problems()
            start = intake.admission.intake_date  # the stay and its first phase begin here
            notes = _check_discharge(
                problems, intake.discharge, start, start, self.facts.living_situations
            )
            problems.raise_if_any()
        self.facts.admit(values, in_residence=intake.discharge is None)
        self._accepted.append(_Accepted(values, intake.admission, intake.discharge, notes, answers))

    def write(self) -> list[int]:
        """Save the residents accepted so far, in the order they were added (each with a stay,
        an intake phase, a discharge if they left, and the audit lines the single services
        write); returns their ids."""
        accepted, self._accepted = self._accepted, []
        if not accepted:
            return []
        s, username = self._s, self._actor.username
        s.flush()
        now = clock.now_utc()
        resident_ids, stay_ids = next_ids(s, len(accepted), Resident.id, Stay.id)
        s.execute(
            insert(Resident),
            [
                {
                    "id": resident_id,
                    **a.values,
                    "created_at": now,
                    "created_by": username,
                    "updated_at": now,
                }
                for resident_id, a in zip(resident_ids, accepted, strict=True)
            ],
        )
        s.execute(
            insert(Stay),
            [
                {
                    "id": stay_id,
                    **_stay_values(resident_id, a.admission, now, username),
                    **(
                        _discharge_values(a.discharge, a.discharge_notes)
                        if a.discharge is not None
                        else _STILL_IN_RESIDENCE
                    ),
                }
                for stay_id, resident_id, a in zip(stay_ids, resident_ids, accepted, strict=True)
            ],
        )
        s.execute(
            insert(PhaseChange),
            [
                _intake_phase_values(resident_id, a.admission, now, username)
                for resident_id, a in zip(resident_ids, accepted, strict=True)
            ],
        )
        # A stay with no answer given has no row: every answer unknown.
        answered = [(i, a.answers) for i, a in zip(stay_ids, accepted, strict=True) if a.answers]
        if answered:
            unknown = dict.fromkeys(QUESTIONS, funder_vocab.UNKNOWN)
            s.execute(
                insert(StayAnswers),
                [{"stay_id": i, **unknown, **given, "updated_at": now} for i, given in answered],
            )
        lines: list[audit.Entry] = []
        for resident_id, stay_id, a in zip(resident_ids, stay_ids, accepted, strict=True):
            lines.append(_intake_line(resident_id, a.values, a.admission))
            if a.answers:  # the line record_answers writes
                changes = {q: [funder_vocab.UNKNOWN, v] for q, v in a.answers.items()}
                lines.append(
                    audit.Entry("change", "stays", stay_id, "Funders' answers recorded", changes)
                )
            if a.discharge is not None:
                name = f"{a.values['first_name']} {a.values['last_name']}"
                lines.append(_discharge_line(resident_id, name, stay_id, a.discharge))
        audit.record_many(s, self._actor, lines)
        return list(resident_ids)


def intake_resident(
    s: Session, actor: Actor, details: ResidentDetails, admission: Admission
) -> dto.Resident:
    """Admit a new resident: their details, a first stay and their starting phase."""
    actor.require(Action.EDIT_RESIDENTS)
    facts = HouseFacts.for_record(
        s,
        phase_id=admission.phase_id,
        mentor_id=details.mentor_id,
        date_of_birth=details.date_of_birth,
        room=details.room,
        bed=details.bed,
    )
    batch = IntakeBatch(s, actor, facts)
    batch.add(Intake(details, admission))
    (resident_id,) = batch.write()
    return get_resident(s, resident_id)


def _open_new_stay(s: Session, actor: Actor, resident_id: int, admission: Admission) -> None:
    now = clock.now_utc()
    s.add(Stay(**_stay_values(resident_id, admission, now, actor.username)))
    s.add(PhaseChange(**_intake_phase_values(resident_id, admission, now, actor.username)))
    s.flush()


# --------------------------------------------------------------------------- changing


def update_resident(
    s: Session, actor: Actor, resident_id: int, details: ResidentDetails
) -> dto.Resident:
    """Change a resident's details (not their stays or phases)."""
    actor.require(Action.EDIT_RESIDENTS)
    row = get_or_not_found(s, Resident, resident_id, "resident")
    problems = Problems()
    facts = HouseFacts.for_record(
        s, mentor_id=details.mentor_id, room=details.room, bed=details.bed
    )
    values = _check_details(problems, facts, details, resident_id)
    first = _first_intake(s, resident_id)
    if details.date_of_birth is not None and first is not None and details.date_of_birth >= first:
        problems.add("date_of_birth", "Date of birth must be before the intake date.")
    problems.raise_if_any()
    before = _snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    changes = audit.diff(before, values)
    if changes:
        row.updated_at = clock.now_utc()
        audit.record(
            s,
            actor,
            "change",
            "residents",
            row.id,
            f"Details of {row.first_name} {row.last_name}",
            changes,
        )
    return get_resident(s, row.id)


def _first_intake(s: Session, resident_id: int) -> dt.date | None:
    return s.execute(
        select(func.min(Stay.intake_date)).where(Stay.resident_id == resident_id)
    ).scalar()


def correct_admission(
    s: Session, actor: Actor, resident_id: int, admission: Admission
) -> dto.Resident:
    """Correct the intake date, referral or living situation of the latest stay.

    The phase given is ignored here (phases change through :func:`change_phase`); the old
    values stay in the audit log.
    """
    actor.require(Action.EDIT_RESIDENTS)
    resident = get_or_not_found(s, Resident, resident_id, "resident")
    stay = latest_stay(s, resident_id)
    if stay is None:
        raise ValidationError.single("intake_date", "This resident has no stay to correct.")
    problems = Problems()
    problems.past_date(admission.intake_date, "intake_date", "Intake date")
    if resident.date_of_birth is not None and admission.intake_date <= resident.date_of_birth:
        problems.add("intake_date", "Intake date must be after the date of birth.")
    if stay.discharge_date is not None and admission.intake_date > stay.discharge_date:
        problems.add(
            "intake_date",
            f"Intake date is after the discharge date ({fmt_date(stay.discharge_date)}).",
        )
    previous = s.execute(
        select(func.max(Stay.discharge_date)).where(
            Stay.resident_id == resident_id, Stay.id != stay.id
        )
    ).scalar()
    if previous is not None and admission.intake_date < previous:
        problems.add(
            "intake_date",
            f"Intake date is before the end of the previous stay ({fmt_date(previous)}).",
        )
    if admission.living_situation not in living_situation_codes(s):
        problems.add("living_situation", "Choose the living situation at intake from the list.")
    referral = problems.optional_text(
        admission.referral_source, "referral_source", "Referral source", max_length=120
    )
    problems.raise_if_any()
    before = {
        "intake_date": stay.intake_date,
        "referral_source": stay.referral_source,
        "intake_living_situation": stay.intake_living_situation,
    }
    after = {
        "intake_date": admission.intake_date,
        "referral_source": referral,
        "intake_living_situation": admission.living_situation,
    }
    changes = audit.diff(before, after)
    if changes:
        # The intake phase change moves with the intake date it records.
        intake_change = (
            s.execute(
                select(PhaseChange).where(
                    PhaseChange.resident_id == resident_id,
                    PhaseChange.from_date == stay.intake_date,
                    PhaseChange.voided_at.is_(None),
                )
            )
            .scalars()
            .first()
        )
        stay.intake_date = admission.intake_date
        stay.referral_source = referral
        stay.intake_living_situation = admission.living_situation
        if intake_change is not None:
            intake_change.from_date = admission.intake_date
        audit.record(s, actor, "change", "stays", stay.id, "Admission corrected", changes)
    return get_resident(s, resident_id)


def change_phase(
    s: Session, actor: Actor, resident_id: int, phase_id: int, from_date: dt.date, note: str = ""
) -> dto.Resident:
    """Move a resident to another phase from a date; the old phase stays in the history."""
    actor.require(Action.EDIT_RESIDENTS)
    resident = get_or_not_found(s, Resident, resident_id, "resident")
    problems = Problems()
    stay = _open_stay(s, resident_id)
    if stay is None:
        raise ValidationError.single(
            "phase_id",
            f"{resident.first_name} {resident.last_name} has been discharged; "
            "readmit them before changing their phase.",
        )
    phase = _check_phase(problems, _phases(s, phase_id) if phase_id is not None else {}, phase_id)
    problems.past_date(from_date, "from_date", "Date of the phase change")
    if from_date is not None and from_date < stay.intake_date:
        problems.add(
            "from_date",
            f"Date of the phase change is before the intake date ({fmt_date(stay.intake_date)}).",
        )
    current = s.execute(
        select(PhaseChange)
        .where(PhaseChange.resident_id == resident_id, PhaseChange.voided_at.is_(None))
        .order_by(PhaseChange.from_date.desc(), PhaseChange.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if current is not None and phase is not None and current.phase_id == phase.id:
        problems.add("phase_id", f"{resident.first_name} is already in {phase.name}.")
    if current is not None and from_date is not None and from_date < current.from_date:
        problems.add(
            "from_date",
            f"Date of the phase change is before the current phase began "
            f"({fmt_date(current.from_date)}).",
        )
    note = problems.optional_text(note, "note", "Note", max_length=2000, multiline=True)
    problems.raise_if_any()
    assert phase is not None
    change = PhaseChange(
        resident_id=resident_id,
        phase_id=phase.id,
        from_date=from_date,
        note=note,
        created_at=clock.now_utc(),
        created_by=actor.username,
    )
    s.add(change)
    s.flush()
    audit.record(
        s,
        actor,
        "create",
        "phase_changes",
        change.id,
        f"{resident.first_name} {resident.last_name} moved to {phase.name} from "
        f"{fmt_date(from_date)}",
        {"resident_id": resident_id, "phase_id": phase.id, "from_date": from_date},
    )
    return get_resident(s, resident_id)


def void_phase_change(s: Session, actor: Actor, change_id: int, reason: str) -> dto.Resident:
    """Void a phase change entered by mistake (never the only one of a stay)."""
    actor.require(Action.EDIT_RESIDENTS)
    change = get_or_not_found(s, PhaseChange, change_id, "phase change")
    live = s.execute(
        select(func.count()).where(
            PhaseChange.resident_id == change.resident_id, PhaseChange.voided_at.is_(None)
        )
    ).scalar_one()
    if live <= 1:
        raise ValidationError.single(
            "reason", "This is the resident's only phase; change it to the right phase instead."
        )
    void_row(s, actor, change, "phase_changes", change.id, reason)
    return get_resident(s, change.resident_id)


def discharge_resident(
    s: Session, actor: Actor, resident_id: int, discharge: Discharge
) -> dto.Resident:
    """Close the resident's open stay with a date, reason, outcome class and exit situation."""
    actor.require(Action.EDIT_RESIDENTS)
    resident = get_or_not_found(s, Resident, resident_id, "resident")
    stay = _open_stay(s, resident_id)
    if stay is None:
        raise ValidationError.single(
            "discharge_date",
            f"{resident.first_name} {resident.last_name} is already discharged.",
        )
    last_phase = s.execute(
        select(func.max(PhaseChange.from_date)).where(
            PhaseChange.resident_id == resident_id, PhaseChange.voided_at.is_(None)
        )
    ).scalar()
    problems = Problems()
    notes = _check_discharge(
        problems, discharge, stay.intake_date, last_phase, living_situation_codes(s)
    )
    problems.raise_if_any()
    for key, value in _discharge_values(discharge, notes).items():
        setattr(stay, key, value)
    name = f"{resident.first_name} {resident.last_name}"
    audit.record_many(s, actor, [_discharge_line(resident_id, name, stay.id, discharge)])
    return get_resident(s, resident_id)


def readmit_resident(
    s: Session, actor: Actor, resident_id: int, admission: Admission
) -> dto.Resident:
    """Open a new stay for a discharged resident; their earlier stays are kept."""
    actor.require(Action.EDIT_RESIDENTS)
    resident = get_or_not_found(s, Resident, resident_id, "resident")
    if _open_stay(s, resident_id) is not None:
        raise ValidationError.single(
            "intake_date", f"{resident.first_name} {resident.last_name} is still in residence."
        )
    problems = Problems()
    facts = HouseFacts.for_record(s, phase_id=admission.phase_id)
    _check_admission(problems, facts, admission, resident.date_of_birth)
    last = latest_stay(s, resident_id)
    if (
        last is not None
        and last.discharge_date is not None
        and admission.intake_date is not None
        and admission.intake_date < last.discharge_date
    ):
        problems.add(
            "intake_date",
            f"Readmission date is before the last discharge ({fmt_date(last.discharge_date)}).",
        )
    problems.raise_if_any()
    _open_new_stay(s, actor, resident_id, admission)
    audit.record(
        s,
        actor,
        "readmit",
        "residents",
        resident_id,
        f"{resident.first_name} {resident.last_name} readmitted on "
        f"{fmt_date(admission.intake_date)}",
        _admission_values(admission),
    )
    return get_resident(s, resident_id)
