"""Frozen dataclasses handed from the services to the window, the reports and the CLI.

Widgets never hold an ORM object or a Session; they hold these. Each is a snapshot of the
record when it was read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peerdesk.core import vocab


def person_name(first: str, last: str, preferred: str = "") -> str:
    """How a person is named on screen and paper: preferred name in quotes when given."""
    if preferred and preferred.casefold() != first.casefold():
        return f'{first} "{preferred}" {last}'
    return f"{first} {last}"


def counted(number: int, noun: str, nouns: str = "") -> str:
    """``1 resident``, ``2,400 residents``: a count with its noun, singular when one."""
    return f"{number:,} {noun if number == 1 else (nouns or noun + 's')}"


@dataclass(frozen=True)
class Phase:
    id: int
    name: str
    short_name: str
    position: int
    mentors_allowed: bool
    active: bool


@dataclass(frozen=True)
class LivingSituation:
    code: str
    label: str
    category: vocab.LivingCategory
    is_stable: bool


@dataclass(frozen=True)
class OutcomeTargets:
    """The house's own targets for the headline figures; None where it has set none."""

    retention_percent: int | None = None  # at the headline retention checkpoint
    positive_percent: int | None = None  # discharges with a positive outcome
    housing_percent: int | None = None  # exits to stable housing
    barc_percent: int | None = None  # BARC-10 at or above the threshold at the latest score
    median_stay_days: int | None = None


@dataclass(frozen=True)
class HouseSettings:
    house_name: str
    address: str
    phone: str
    paper_size: vocab.PaperSize
    date_order: vocab.DateOrder
    supervisions_per_month: int
    long_supervision_minutes: int
    retention_checkpoints: tuple[int, ...]
    assessment_interval_days: int
    credential_warning_days: int
    backups_to_keep: int
    backup_warning_days: int
    autolock_minutes: int
    is_demo: bool
    targets: OutcomeTargets = field(default_factory=lambda: OutcomeTargets())

    @property
    def is_named(self) -> bool:
        """False until the welcome (or a command) gives the house its name."""
        return bool(self.house_name.strip())


@dataclass(frozen=True)
class Stay:
    """One admission: intake and, once discharged, how and where the resident left."""

    id: int
    intake_date: dt.date
    referral_source: str
    intake_living_situation: str
    discharge_date: dt.date | None
    discharge_reason: vocab.DischargeReason | None
    discharge_outcome: vocab.OutcomeClass | None
    exit_living_situation: str | None
    discharge_notes: str

    @property
    def is_open(self) -> bool:
        return self.discharge_date is None

    def days(self, as_of: dt.date) -> int:
        """Days in the program: intake to discharge, or to ``as_of`` while still here."""
        end = self.discharge_date or as_of
        return (end - self.intake_date).days


@dataclass(frozen=True)
class PhaseChange:
    id: int
    phase_id: int
    phase_name: str
    from_date: dt.date
    note: str
    voided: bool
    void_reason: str | None


@dataclass(frozen=True)
class Resident:
    """A resident with their stays (oldest first) and phase history (oldest first)."""

    id: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: dt.date | None
    phone: str
    emergency_contact_name: str
    emergency_contact_phone: str
    room: str
    bed: str
    mentor_id: int | None
    mentor_name: str
    notes: str
    stays: tuple[Stay, ...]
    phase_history: tuple[PhaseChange, ...]

    @property
    def name(self) -> str:
        return person_name(self.first_name, self.last_name, self.preferred_name)

    @property
    def current_stay(self) -> Stay | None:
        return self.stays[-1] if self.stays else None

    @property
    def status(self) -> vocab.ResidentStatus:
        stay = self.current_stay
        if stay is not None and stay.is_open:
            return vocab.ResidentStatus.ACTIVE
        return vocab.ResidentStatus.DISCHARGED

    @property
    def current_phase(self) -> PhaseChange | None:
        live = [change for change in self.phase_history if not change.voided]
        return live[-1] if live else None


@dataclass(frozen=True)
class ResidentBrief:
    """Enough of a resident for a picker or a sign-in sheet."""

    id: int
    name: str
    room: str
    bed: str
    phase_name: str
    mentor_id: int | None


@dataclass(frozen=True)
class Credential:
    id: int
    name: str
    number: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    voided: bool

    def expires_within(self, days: int, as_of: dt.date) -> bool:
        """True when expired already or expiring within ``days`` of ``as_of``."""
        return self.expires_on is not None and (self.expires_on - as_of).days <= days


@dataclass(frozen=True)
class TrainingEntry:
    id: int
    trained_on: dt.date
    topic: str
    competency: vocab.Competency
    minutes: int
    voided: bool


@dataclass(frozen=True)
class Mentor:
    id: int
    first_name: str
    last_name: str
    phone: str
    email: str
    role_title: str
    start_date: dt.date
    end_date: dt.date | None
    status: vocab.MentorStatus
    supervisor_name: str
    former_resident_id: int | None
    former_resident_name: str
    user_id: int | None
    notes: str
    caseload: int
    credentials: tuple[Credential, ...] = field(default=())
    training: tuple[TrainingEntry, ...] = field(default=())

    @property
    def name(self) -> str:
        return person_name(self.first_name, self.last_name)


@dataclass(frozen=True)
class MentorBrief:
    """Enough of a mentor for a picker."""

    id: int
    name: str
    role_title: str
    active: bool


@dataclass(frozen=True)
class Attendee:
    resident_id: int
    name: str
    motivation: int | None
    satisfaction: int | None


@dataclass(frozen=True)
class PeerSession:
    id: int
    session_date: dt.date
    duration_minutes: int
    mentor_id: int
    mentor_name: str
    format: vocab.SessionFormat
    topic: str
    notes: str
    support_types: frozenset[vocab.SupportType]
    attendees: tuple[Attendee, ...]
    voided: bool
    void_reason: str | None


@dataclass(frozen=True)
class ActionItem:
    id: int
    description: str
    due_date: dt.date | None
    done_on: dt.date | None

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class SupervisionNote:
    id: int
    note_date: dt.date
    duration_minutes: int
    supervisor_name: str
    mentor_id: int
    mentor_name: str
    kind: vocab.SupervisionKind
    domains: tuple[vocab.Competency, ...]
    summary: str
    action_items: tuple[ActionItem, ...]
    acknowledged_on: dt.date | None
    acknowledged_by: str | None
    voided: bool
    void_reason: str | None


@dataclass(frozen=True)
class Assessment:
    id: int
    resident_id: int
    assessed_on: dt.date
    instrument: vocab.Instrument
    score: int | None
    living_situation: str | None
    items: tuple[int, ...]  # the ten BARC-10 item scores; empty for other instruments
    voided: bool
    void_reason: str | None
