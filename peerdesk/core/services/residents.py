"""Residents: intake, details, phase changes, discharge and readmission.

A resident is never deleted. Each admission is a stay; a discharge closes the open stay and a
readmission opens a new one. Phase changes are kept as history; a mistaken one is voided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import ValidationError
from peerdesk.core.models import Mentor, PhaseChange, ProgramPhase, Resident, Stay
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, fmt_date, get_or_not_found, void_row
from peerdesk.core.services.settings import living_situation_codes
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


def active_residents(s: Session, *, mentor_id: int | None = None) -> list[dto.ResidentBrief]:
    """Everyone in residence now, by last name (for pickers and sign-in sheets)."""
    query = (
        select(
            Resident.id,
            Resident.first_name,
            Resident.last_name,
            Resident.preferred_name,
            Resident.room,
            Resident.bed,
            Resident.mentor_id,
            ProgramPhase.name,
        )
        .join(resident_overview, resident_overview.c.resident_id == Resident.id)
        .outerjoin(ProgramPhase, ProgramPhase.id == resident_overview.c.phase_id)
        .where(resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value)
        .order_by(Resident.last_name, Resident.first_name, Resident.id)
    )
    if mentor_id is not None:
        query = query.where(Resident.mentor_id == mentor_id)
    return [
        dto.ResidentBrief(
            id=r.id,
            name=dto.person_name(r.first_name, r.last_name, r.preferred_name),
            room=r.room,
            bed=r.bed,
            phase_name=r.name or "",
            mentor_id=r.mentor_id,
        )
        for r in s.execute(query)
    ]


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


def _latest_stay(s: Session, resident_id: int) -> Stay | None:
    return s.execute(
        select(Stay)
        .where(Stay.resident_id == resident_id)
        .order_by(Stay.intake_date.desc(), Stay.id.desc())
        .limit(1)
    ).scalar_one_or_none()


# --------------------------------------------------------------------------- checks


def _check_details(
    s: Session, problems: Problems, details: ResidentDetails, resident_id: int | None
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
        "notes": problems.optional_text(details.notes, "notes", "Notes", max_length=20000),
    }
    if details.mentor_id is not None:
        mentor = s.get(Mentor, details.mentor_id)
        if mentor is None:
            problems.add("mentor_id", "Choose a peer mentor from the list.")
        elif mentor.status != vocab.MentorStatus.ACTIVE.value:
            problems.add(
                "mentor_id",
                f"{mentor.first_name} {mentor.last_name} is no longer an active peer mentor; "
                "choose another.",
            )
    room, bed = values["room"], values["bed"]
    if room and bed:
        taken = s.execute(
            select(Resident.first_name, Resident.last_name)
            .join(resident_overview, resident_overview.c.resident_id == Resident.id)
            .where(
                Resident.room == room,
                Resident.bed == bed,
                resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value,
                Resident.id != (resident_id or -1),
            )
        ).first()
        if taken is not None:
            problems.add(
                "bed", f"Room {room} bed {bed} is taken by {taken.first_name} {taken.last_name}."
            )
    return values


def _check_admission(
    s: Session, problems: Problems, admission: Admission, date_of_birth: dt.date | None
) -> None:
    problems.past_date(admission.intake_date, "intake_date", "Intake date")
    if (
        date_of_birth is not None
        and admission.intake_date is not None
        and date_of_birth >= admission.intake_date
    ):
        problems.add("date_of_birth", "Date of birth must be before the intake date.")
    _check_phase(s, problems, admission.phase_id)
    problems.optional_text(
        admission.referral_source, "referral_source", "Referral source", max_length=120
    )
    if admission.living_situation not in living_situation_codes(s):
        problems.add("living_situation", "Choose the living situation at intake from the list.")


def _check_phase(s: Session, problems: Problems, phase_id: int | None) -> ProgramPhase | None:
    if phase_id is None:
        problems.add("phase_id", "Choose a program phase.")
        return None
    phase = s.get(ProgramPhase, phase_id)
    if phase is None or not phase.active:
        problems.add("phase_id", "Choose a program phase from the list.")
        return None
    return phase


def _snapshot(row: Resident) -> dict[str, object]:
    return {
        key: getattr(row, key)
        for key in ResidentDetails.__dataclass_fields__  # same names as the columns
    }


# --------------------------------------------------------------------------- writing


def intake_resident(
    s: Session, actor: Actor, details: ResidentDetails, admission: Admission
) -> dto.Resident:
    """Admit a new resident: their details, a first stay and their starting phase."""
    actor.require(Action.EDIT_RESIDENTS)
    problems = Problems()
    values = _check_details(s, problems, details, None)
    _check_admission(s, problems, admission, details.date_of_birth)
    if not problems.has("first_name") and not problems.has("last_name"):
        same = s.execute(
            select(Resident.id).where(
                func.lower(Resident.first_name) == str(values["first_name"]).lower(),
                func.lower(Resident.last_name) == str(values["last_name"]).lower(),
                Resident.date_of_birth.is_not(None),
                Resident.date_of_birth == details.date_of_birth,
            )
        ).first()
        if same is not None:
            problems.add(
                "first_name",
                f"{values['first_name']} {values['last_name']} with this date of birth is already "
                "in the records; readmit them instead of a new intake.",
            )
    problems.raise_if_any()

    now = clock.now_utc()
    row = Resident(**values, created_at=now, created_by=actor.username, updated_at=now)
    s.add(row)
    s.flush()
    _open_new_stay(s, actor, row.id, admission)
    audit.record(
        s,
        actor,
        "create",
        "residents",
        row.id,
        f"Intake of {row.first_name} {row.last_name} on {fmt_date(admission.intake_date)}",
        {k: v for k, v in {**values, **asdict(admission)}.items() if k != "notes"},
    )
    return get_resident(s, row.id)


def _open_new_stay(s: Session, actor: Actor, resident_id: int, admission: Admission) -> None:
    s.add(
        Stay(
            resident_id=resident_id,
            intake_date=admission.intake_date,
            referral_source=admission.referral_source.strip(),
            intake_living_situation=admission.living_situation,
            created_at=clock.now_utc(),
            created_by=actor.username,
        )
    )
    s.add(
        PhaseChange(
            resident_id=resident_id,
            phase_id=admission.phase_id,
            from_date=admission.intake_date,
            note="Intake",
            created_at=clock.now_utc(),
            created_by=actor.username,
        )
    )
    s.flush()


def update_resident(
    s: Session, actor: Actor, resident_id: int, details: ResidentDetails
) -> dto.Resident:
    """Change a resident's details (not their stays or phases)."""
    actor.require(Action.EDIT_RESIDENTS)
    row = get_or_not_found(s, Resident, resident_id, "resident")
    problems = Problems()
    values = _check_details(s, problems, details, resident_id)
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
    stay = _latest_stay(s, resident_id)
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
    phase = _check_phase(s, problems, phase_id)
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
    note = problems.optional_text(note, "note", "Note", max_length=2000)
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
    problems = Problems()
    problems.past_date(discharge.discharge_date, "discharge_date", "Discharge date")
    if discharge.discharge_date is not None and discharge.discharge_date < stay.intake_date:
        problems.add(
            "discharge_date",
            f"Discharge date is before the intake date ({fmt_date(stay.intake_date)}).",
        )
    last_phase = s.execute(
        select(func.max(PhaseChange.from_date)).where(
            PhaseChange.resident_id == resident_id, PhaseChange.voided_at.is_(None)
        )
    ).scalar()
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
    if discharge.exit_living_situation not in living_situation_codes(s):
        problems.add("exit_living_situation", "Choose where the resident is going to live.")
    notes = problems.optional_text(discharge.notes, "notes", "Notes", max_length=5000)
    problems.raise_if_any()
    outcome = discharge.outcome or discharge.reason.default_outcome
    stay.discharge_date = discharge.discharge_date
    stay.discharge_reason = discharge.reason.value
    stay.discharge_outcome = outcome.value
    stay.exit_living_situation = discharge.exit_living_situation
    stay.discharge_notes = notes
    audit.record(
        s,
        actor,
        "discharge",
        "stays",
        stay.id,
        f"{resident.first_name} {resident.last_name} discharged on "
        f"{fmt_date(discharge.discharge_date)}: {discharge.reason.label}",
        {
            "resident_id": resident_id,
            "discharge_date": discharge.discharge_date,
            "reason": discharge.reason.value,
            "outcome": outcome.value,
            "exit_living_situation": discharge.exit_living_situation,
        },
    )
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
    _check_admission(s, problems, admission, resident.date_of_birth)
    last = _latest_stay(s, resident_id)
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
        asdict(admission),
    )
    return get_resident(s, resident_id)
