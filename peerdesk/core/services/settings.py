"""House settings, program phases and the living-situation list."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import DatabaseError, ValidationError
from peerdesk.core.models import HouseSettings, LivingSituation, ProgramPhase
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, get_or_not_found
from peerdesk.core.views import resident_overview


def _row(s: Session) -> HouseSettings:
    # The first migration writes the single settings row; it is never deleted.
    row = s.get(HouseSettings, 1)
    if row is None:
        raise DatabaseError("This database has no house settings; restore the latest backup.")
    return row


def _to_dto(row: HouseSettings) -> dto.HouseSettings:
    return dto.HouseSettings(
        house_name=row.house_name,
        address=row.address,
        phone=row.phone,
        paper_size=vocab.PaperSize(row.paper_size),
        date_order=vocab.DateOrder(row.date_order),
        supervisions_per_month=row.supervisions_per_month,
        long_supervision_minutes=row.long_supervision_minutes,
        retention_checkpoints=parse_checkpoints(row.retention_checkpoints),
        assessment_interval_days=row.assessment_interval_days,
        credential_warning_days=row.credential_warning_days,
        backups_to_keep=row.backups_to_keep,
        backup_warning_days=row.backup_warning_days,
        autolock_minutes=row.autolock_minutes,
        is_demo=row.is_demo,
        targets=dto.OutcomeTargets(
            **{name: getattr(row, f"target_{name}") or None for name in TARGET_FIELDS}
        ),
    )


# The outcome targets, each a column ``target_<name>`` of the settings row (0: none set).
TARGET_FIELDS = (
    "retention_percent",
    "positive_percent",
    "housing_percent",
    "barc_percent",
    "median_stay_days",
)


def parse_checkpoints(text: str) -> tuple[int, ...]:
    """``"30, 60,90"`` → (30, 60, 90); raises ValidationError on anything else."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        days = sorted({int(p) for p in parts})
    except ValueError:
        raise ValidationError.single(
            "retention_checkpoints",
            "Retention checkpoints must be whole numbers of days separated by commas, "
            "for example 30, 60, 90.",
        ) from None
    if not days or days[0] <= 0 or days[-1] > 3650:
        raise ValidationError.single(
            "retention_checkpoints",
            "Give at least one retention checkpoint, each between 1 and 3650 days.",
        )
    return tuple(days)


def get_settings(s: Session) -> dto.HouseSettings:
    """The house's settings (the defaults until someone changes them)."""
    return _to_dto(_row(s))


@dataclass(frozen=True)
class SettingsChange:
    """The editable house settings; ``None`` leaves a field as it is."""

    house_name: str | None = None
    address: str | None = None
    phone: str | None = None
    paper_size: vocab.PaperSize | None = None
    date_order: vocab.DateOrder | None = None
    supervisions_per_month: int | None = None
    long_supervision_minutes: int | None = None
    retention_checkpoints: str | None = None
    assessment_interval_days: int | None = None
    credential_warning_days: int | None = None
    backups_to_keep: int | None = None
    backup_warning_days: int | None = None
    autolock_minutes: int | None = None
    is_demo: bool | None = None
    target_retention_percent: int | None = None
    target_positive_percent: int | None = None
    target_housing_percent: int | None = None
    target_barc_percent: int | None = None
    target_median_stay_days: int | None = None


# The numeric settings: their label and the lowest and highest value allowed (the window's
# spin boxes use the same bounds).
LIMITS: dict[str, tuple[str, int, int]] = {
    "supervisions_per_month": ("Supervisions a month", 0, 31),
    "long_supervision_minutes": ("Minutes of the long supervision", 0, 480),
    "assessment_interval_days": ("Days between assessments", 1, 365),
    "credential_warning_days": ("Days of warning before a credential expires", 1, 365),
    "backups_to_keep": ("Backups to keep on the drive", 1, 1000),
    "backup_warning_days": ("Days before an old backup is flagged", 1, 365),
    "autolock_minutes": ("Minutes before the window locks", 1, 240),
    "target_retention_percent": ("Retention target (%)", 0, 100),
    "target_positive_percent": ("Positive discharges target (%)", 0, 100),
    "target_housing_percent": ("Exits to stable housing target (%)", 0, 100),
    "target_barc_percent": ("BARC-10 target (%)", 0, 100),
    "target_median_stay_days": ("Median length of stay target (days)", 0, 3650),
}


def update_settings(s: Session, actor: Actor, change: SettingsChange) -> dto.HouseSettings:
    """Change house settings; validates every field given before writing any."""
    actor.require(Action.MANAGE_SETTINGS)
    problems = Problems()
    values: dict[str, object] = {}
    for f in dataclasses.fields(change):
        value = getattr(change, f.name)
        if value is None:
            continue
        if f.name == "house_name":
            value = problems.text(str(value), "house_name", "The house's name", max_length=120)
        elif f.name in ("address", "phone"):
            value = problems.optional_text(str(value), f.name, f.name.capitalize(), max_length=300)
        elif f.name == "retention_checkpoints":
            try:
                value = ",".join(str(d) for d in parse_checkpoints(str(value)))
            except ValidationError as exc:
                problems.add("retention_checkpoints", str(exc))
                continue
        elif f.name in LIMITS:
            label, low, high = LIMITS[f.name]
            problems.in_range(int(str(value)), f.name, label, low, high, required=True)
        elif isinstance(value, vocab.PaperSize | vocab.DateOrder):
            value = value.value
        values[f.name] = value
    problems.raise_if_any()
    row = _row(s)
    before = {k: getattr(row, k) for k in values}
    for key, value in values.items():
        setattr(row, key, value)
    changes = audit.diff(before, values)
    if changes:
        audit.record(s, actor, "change", "house_settings", 1, "House settings changed", changes)
    return _to_dto(row)


def name_house(
    s: Session, actor: Actor, house_name: str, *, is_demo: bool = False
) -> dto.HouseSettings:
    """Give a new house its name (the welcome screen, or the first command on a new file)."""
    return update_settings(s, actor, SettingsChange(house_name=house_name, is_demo=is_demo))


# --------------------------------------------------------------------------- phases


def _phase_dto(row: ProgramPhase) -> dto.Phase:
    return dto.Phase(
        id=row.id,
        name=row.name,
        short_name=row.short_name,
        position=row.position,
        mentors_allowed=row.mentors_allowed,
        active=row.active,
    )


def list_phases(s: Session, *, include_retired: bool = False) -> list[dto.Phase]:
    """The program phases in program order."""
    query = select(ProgramPhase).order_by(ProgramPhase.position, ProgramPhase.id)
    if not include_retired:
        query = query.where(ProgramPhase.active.is_(True))
    return [_phase_dto(row) for row in s.execute(query).scalars()]


def _phase_fields(
    s: Session, name: str, short_name: str, *, keep_id: int | None = None
) -> tuple[str, str]:
    """A phase's name and short name, checked (a name no other phase has)."""
    problems = Problems()
    name = problems.text(name, "name", "The phase's name", max_length=80)
    short_name = problems.optional_text(short_name, "short_name", "Short name", max_length=20)
    clash = select(ProgramPhase.id).where(func.lower(ProgramPhase.name) == name.lower())
    if keep_id is not None:
        clash = clash.where(ProgramPhase.id != keep_id)
    if name and s.execute(clash).first():
        problems.add("name", f"There is already a phase called {name}.")
    problems.raise_if_any()
    return name, short_name or name


def add_phase(
    s: Session, actor: Actor, name: str, short_name: str = "", *, mentors_allowed: bool = False
) -> dto.Phase:
    """Add a phase at the end of the program."""
    actor.require(Action.MANAGE_SETTINGS)
    name, short_name = _phase_fields(s, name, short_name)
    last = s.execute(select(func.max(ProgramPhase.position))).scalar() or 0
    row = ProgramPhase(
        name=name,
        short_name=short_name,
        position=last + 10,
        mentors_allowed=mentors_allowed,
        active=True,
    )
    s.add(row)
    s.flush()
    audit.record(s, actor, "create", "program_phases", row.id, f"Phase {name} added")
    return _phase_dto(row)


def update_phase(
    s: Session,
    actor: Actor,
    phase_id: int,
    name: str,
    short_name: str = "",
    *,
    mentors_allowed: bool = False,
) -> dto.Phase:
    """Rename a phase or change whether its residents may serve as peer mentors. Its history
    follows it: every stay and phase change points at the phase, not at its name."""
    actor.require(Action.MANAGE_SETTINGS)
    row = get_or_not_found(s, ProgramPhase, phase_id, "phase")
    name, short_name = _phase_fields(s, name, short_name, keep_id=row.id)
    values: dict[str, object] = {
        "name": name,
        "short_name": short_name,
        "mentors_allowed": mentors_allowed,
    }
    changes = audit.diff({k: getattr(row, k) for k in values}, values)
    if changes:
        summary = f"Phase {changes['name'][0]} renamed {name}" if "name" in changes else ""
        for key, value in values.items():
            setattr(row, key, value)
        audit.record(
            s, actor, "change", "program_phases", row.id, summary or f"Phase {name} changed",
            changes,
        )  # fmt: skip
    return _phase_dto(row)


def move_phase(s: Session, actor: Actor, phase_id: int, step: int) -> dto.Phase:
    """Move a phase one place earlier (``step`` -1) or later (+1) in the program's order,
    which the census, filters and reports follow. At either end it stays where it is."""
    actor.require(Action.MANAGE_SETTINGS)
    row = get_or_not_found(s, ProgramPhase, phase_id, "phase")
    order = list(
        s.execute(select(ProgramPhase).order_by(ProgramPhase.position, ProgramPhase.id)).scalars()
    )
    here = order.index(row)
    there = here + (1 if step > 0 else -1)
    if step == 0 or not 0 <= there < len(order):
        return _phase_dto(row)
    order[here], order[there] = order[there], order[here]
    for number, phase in enumerate(order, start=1):
        phase.position = number * 10
    where = "later" if step > 0 else "earlier"
    audit.record(
        s, actor, "change", "program_phases", row.id,
        f"Phase {row.name} moved {where} in the program (now {there + 1} of {len(order)})",
    )  # fmt: skip
    return _phase_dto(row)


def reinstate_phase(s: Session, actor: Actor, phase_id: int) -> dto.Phase:
    """Put a retired phase back in use."""
    actor.require(Action.MANAGE_SETTINGS)
    row = get_or_not_found(s, ProgramPhase, phase_id, "phase")
    if not row.active:
        row.active = True
        audit.record(s, actor, "change", "program_phases", row.id, f"Phase {row.name} in use again")
    return _phase_dto(row)


def residents_by_phase(s: Session) -> dict[int, int]:
    """How many active residents each phase has now (phases with none are left out)."""
    rows = s.execute(
        select(resident_overview.c.phase_id, func.count())
        .where(resident_overview.c.status == "active", resident_overview.c.phase_id.is_not(None))
        .group_by(resident_overview.c.phase_id)
    ).all()
    return {int(phase_id): int(count) for phase_id, count in rows}


def retire_phase(s: Session, actor: Actor, phase_id: int) -> dto.Phase:
    """Take a phase out of use. Its history stays; nobody may be in it now."""
    actor.require(Action.MANAGE_SETTINGS)
    row = get_or_not_found(s, ProgramPhase, phase_id, "phase")
    in_phase = s.execute(
        select(func.count())
        .select_from(resident_overview)
        .where(resident_overview.c.phase_id == phase_id, resident_overview.c.status == "active")
    ).scalar_one()
    if in_phase:
        raise ValidationError.single(
            "phase",
            (
                f"1 active resident is in {row.name}; move them to another phase first."
                if in_phase == 1
                else f"{in_phase} active residents are in {row.name}; move them to another "
                "phase first."
            ),
        )
    if not row.active:
        return _phase_dto(row)
    others = s.execute(
        select(func.count())
        .select_from(ProgramPhase)
        .where(ProgramPhase.active.is_(True), ProgramPhase.id != row.id)
    ).scalar_one()
    if not others:
        raise ValidationError.single(
            "phase", f"{row.name} is the only phase in use; add another before retiring it."
        )
    row.active = False
    audit.record(s, actor, "change", "program_phases", row.id, f"Phase {row.name} retired")
    return _phase_dto(row)


# --------------------------------------------------------------------------- living situations


def list_living_situations(s: Session) -> list[dto.LivingSituation]:
    rows = s.execute(select(LivingSituation).order_by(LivingSituation.position)).scalars()
    return [
        dto.LivingSituation(
            code=row.code,
            label=row.label,
            category=vocab.LivingCategory(row.category),
            is_stable=row.is_stable,
        )
        for row in rows
    ]


def living_situation_codes(s: Session) -> set[str]:
    return set(s.execute(select(LivingSituation.code)).scalars())
