"""The house's records as SQLAlchemy 2 typed models.

Nothing here is ever deleted by PeerDesk: residents are discharged, mentors made inactive,
and a session, note, assessment, credential or training entry entered by mistake is voided
with a reason (``voided_at``/``void_reason``) and stays in the audit log.

Admissions are ``Stay`` rows (a readmitted resident has several), and phases are a history of
``PhaseChange`` rows; a resident's *current* intake date, status and phase are read from the
latest of each through the ``resident_overview`` view, never copied onto the resident.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from peerdesk.core import funder_vocab, vocab

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _one_of(column: str, enum: type[StrEnum], name: str | None = None) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=name or column)


def _between(column: str, low: int, high: int) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} BETWEEN {low} AND {high}", name=column)


class Voidable:
    """Columns shared by every record that is voided instead of deleted."""

    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    void_reason: Mapped[str | None] = mapped_column(Text, default=None)
    voided_by: Mapped[str | None] = mapped_column(String(80), default=None)


class Stamped:
    """When a record was first written, and by whom."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))


# --------------------------------------------------------------------------- house and lists


class HouseSettings(Base):
    """The one row of house-wide settings (id is always 1)."""

    __tablename__ = "house_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        _one_of("paper_size", vocab.PaperSize),
        _one_of("date_order", vocab.DateOrder),
        CheckConstraint("supervisions_per_month >= 0", name="supervisions_per_month"),
        CheckConstraint("long_supervision_minutes >= 0", name="long_supervision_minutes"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    house_name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    paper_size: Mapped[str] = mapped_column(String(10), default=vocab.PaperSize.LETTER.value)
    date_order: Mapped[str] = mapped_column(String(4), default=vocab.DateOrder.MONTH_FIRST.value)
    # Cadence rule: at least this many supervisions a calendar month, one of them this long.
    supervisions_per_month: Mapped[int] = mapped_column(Integer, default=2)
    long_supervision_minutes: Mapped[int] = mapped_column(Integer, default=30)
    retention_checkpoints: Mapped[str] = mapped_column(String(80), default="30,60,90,180,365")
    assessment_interval_days: Mapped[int] = mapped_column(Integer, default=30)
    credential_warning_days: Mapped[int] = mapped_column(Integer, default=60)
    backups_to_keep: Mapped[int] = mapped_column(Integer, default=10)
    backup_warning_days: Mapped[int] = mapped_column(Integer, default=7)
    autolock_minutes: Mapped[int] = mapped_column(Integer, default=5)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The house's outcome targets; 0 is "no target" (migration 0004).
    target_retention_percent: Mapped[int] = mapped_column(
        Integer, default=0, server_default=text("0")
    )
    target_positive_percent: Mapped[int] = mapped_column(
        Integer, default=0, server_default=text("0")
    )
    target_housing_percent: Mapped[int] = mapped_column(
        Integer, default=0, server_default=text("0")
    )
    target_barc_percent: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    target_median_stay_days: Mapped[int] = mapped_column(
        Integer, default=0, server_default=text("0")
    )


class ProgramPhase(Base):
    """A step of the program (Recovery Kentucky by default); retired, never deleted."""

    __tablename__ = "program_phases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    short_name: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, index=True)
    mentors_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LivingSituation(Base):
    """An HMIS-style living situation; ``category`` groups them, stable ones drive outcomes."""

    __tablename__ = "living_situations"
    __table_args__ = (_one_of("category", vocab.LivingCategory),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(20))
    is_stable: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)


class Preference(Base):
    """House-wide remembered choices (for example an import column mapping), as text."""

    __tablename__ = "preferences"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --------------------------------------------------------------------------- people


class User(Base):
    """A person who signs in. Deactivated, never deleted; passwords only as Argon2id hashes."""

    __tablename__ = "users"
    __table_args__ = (_one_of("role", vocab.Role),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    may_print_identified: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Mentor(Base, Stamped):
    """A peer support worker, possibly a former resident of this house."""

    __tablename__ = "mentors"
    __table_args__ = (_one_of("status", vocab.MentorStatus),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    role_title: Mapped[str] = mapped_column(String(80), default="Peer mentor")
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    supervisor_name: Mapped[str] = mapped_column(String(120), default="")
    # use_alter breaks the residents <-> mentors cycle for table ordering; SQLite still
    # writes the constraint inline.
    former_resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL", use_alter=True), default=None, index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    credentials: Mapped[list[Credential]] = relationship(back_populates="mentor")
    training: Mapped[list[TrainingEntry]] = relationship(back_populates="mentor")


class Resident(Base, Stamped):
    """A person living (or who lived) in the house. Admissions are ``stays``."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80), index=True)
    last_name: Mapped[str] = mapped_column(String(80), index=True)
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date, default=None)
    phone: Mapped[str] = mapped_column(String(40), default="")
    emergency_contact_name: Mapped[str] = mapped_column(String(120), default="")
    emergency_contact_phone: Mapped[str] = mapped_column(String(40), default="")
    room: Mapped[str] = mapped_column(String(20), default="", index=True)
    bed: Mapped[str] = mapped_column(String(20), default="")
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentors.id", ondelete="SET NULL"), default=None, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    stays: Mapped[list[Stay]] = relationship(back_populates="resident", order_by="Stay.intake_date")


class Stay(Base, Stamped, Voidable):
    """One admission of a resident: intake, and on discharge its reason and outcome.

    An intake entered by mistake is voided (``peerdesk.core.services.intake_void``): the row
    stays, and every query of the ORM leaves it out (``peerdesk.core.db``)."""

    __tablename__ = "stays"
    __table_args__ = (
        _one_of("discharge_reason", vocab.DischargeReason),
        _one_of("discharge_outcome", vocab.OutcomeClass),
        CheckConstraint(
            "discharge_date IS NULL OR discharge_date >= intake_date", name="discharge_after_intake"
        ),
        CheckConstraint(
            "(discharge_date IS NULL) = (discharge_reason IS NULL)", name="discharge_complete"
        ),
        Index("ix_stays_resident_intake", "resident_id", "intake_date"),
        # At most one open stay in use per resident.
        Index(
            "uq_stays_open_per_resident",
            "resident_id",
            unique=True,
            sqlite_where=text("discharge_date IS NULL AND voided_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="RESTRICT"))
    intake_date: Mapped[dt.date] = mapped_column(Date, index=True)
    referral_source: Mapped[str] = mapped_column(String(120), default="")
    intake_living_situation: Mapped[str] = mapped_column(
        ForeignKey("living_situations.code", ondelete="RESTRICT"), default="unknown"
    )
    discharge_date: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    discharge_reason: Mapped[str | None] = mapped_column(String(20), default=None)
    discharge_outcome: Mapped[str | None] = mapped_column(String(10), default=None)
    exit_living_situation: Mapped[str | None] = mapped_column(
        ForeignKey("living_situations.code", ondelete="RESTRICT"), default=None
    )
    discharge_notes: Mapped[str] = mapped_column(Text, default="")

    resident: Mapped[Resident] = relationship(back_populates="stays")


class PhaseChange(Base, Stamped, Voidable):
    """A resident entered ``phase`` on ``from_date``; the latest non-voided one is current."""

    __tablename__ = "phase_changes"
    __table_args__ = (Index("ix_phase_changes_resident_from", "resident_id", "from_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="RESTRICT"))
    phase_id: Mapped[int] = mapped_column(
        ForeignKey("program_phases.id", ondelete="RESTRICT"), index=True
    )
    from_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Credential(Base, Stamped, Voidable):
    """A mentor's certification, for example a state peer support specialist credential."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentors.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(60), default="")
    issued_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)

    mentor: Mapped[Mentor] = relationship(back_populates="credentials")


class TrainingEntry(Base, Stamped, Voidable):
    """Continuing education: a dated topic, its core competency, and minutes attended."""

    __tablename__ = "training_entries"
    __table_args__ = (
        _one_of("competency", vocab.Competency),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        Index("ix_training_entries_mentor_date", "mentor_id", "trained_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="RESTRICT"))
    trained_on: Mapped[dt.date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    competency: Mapped[str] = mapped_column(String(30))
    minutes: Mapped[int] = mapped_column(Integer)

    mentor: Mapped[Mentor] = relationship(back_populates="training")


# --------------------------------------------------------------------------- the work


class PeerSession(Base, Stamped, Voidable):
    """A peer support session: one-to-one, group, phone/video or a community outing."""

    __tablename__ = "peer_sessions"
    __table_args__ = (
        _one_of("format", vocab.SessionFormat),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint(
            "emotional OR informational OR instrumental OR affiliational", name="support_type"
        ),
        # The sessions in use (not voided), by date: the Sessions tab counts and pages them
        # on every search and filter, and this index is a tenth of the table's size.
        Index(
            "ix_peer_sessions_in_use_date",
            "session_date",
            sqlite_where=text("voided_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_date: Mapped[dt.date] = mapped_column(Date, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, index=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentors.id", ondelete="RESTRICT"), index=True
    )
    format: Mapped[str] = mapped_column(String(20), index=True)
    topic: Mapped[str] = mapped_column(String(200), default="", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The four SAMHSA support types; a session gives at least one.
    emotional: Mapped[bool] = mapped_column(Boolean, default=False)
    informational: Mapped[bool] = mapped_column(Boolean, default=False)
    instrumental: Mapped[bool] = mapped_column(Boolean, default=False)
    affiliational: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    attendees: Mapped[list[SessionAttendee]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class SessionAttendee(Base):
    """A resident at a session, with their optional readiness (0–10) and satisfaction (1–5)."""

    __tablename__ = "session_attendees"
    __table_args__ = (
        _between("motivation", 0, 10),
        _between("satisfaction", 1, 5),
        # Kept once, in its primary key's order (migration 0008): not again beside a rowid.
        {"sqlite_with_rowid": False},
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("peer_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    motivation: Mapped[int | None] = mapped_column(Integer, default=None)
    satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)

    session: Mapped[PeerSession] = relationship(back_populates="attendees")


class SupervisionNote(Base, Stamped, Voidable):
    """A supervisor's note about one mentor, with action items and the mentor's acknowledgement.

    ``domains`` holds the competency codes discussed, comma-separated.
    """

    __tablename__ = "supervision_notes"
    __table_args__ = (
        _one_of("kind", vocab.SupervisionKind),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        Index("ix_supervision_notes_mentor_date", "mentor_id", "note_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_date: Mapped[dt.date] = mapped_column(Date, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    supervisor_name: Mapped[str] = mapped_column(String(120), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    domains: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    acknowledged_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    acknowledged_by: Mapped[str | None] = mapped_column(String(80), default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="ActionItem.id"
    )


class ActionItem(Base):
    """Something agreed in supervision, due by a date, ticked when done."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_notes.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)

    note: Mapped[SupervisionNote] = relationship(back_populates="action_items")


class Assessment(Base, Stamped, Voidable):
    """One dated measurement of one resident with one instrument.

    ``score`` is the instrument's own number (BARC-10 total 10–60, readiness 0–10,
    satisfaction 1–5); a living-situation check stores ``living_situation`` instead.
    BARC-10 keeps its ten items as well as the total.
    """

    __tablename__ = "assessments"
    __table_args__ = (
        _one_of("instrument", vocab.Instrument),
        *(_between(f"item_{n}", 1, 6) for n in range(1, 11)),
        CheckConstraint("(instrument != 'barc10') OR score BETWEEN 10 AND 60", name="barc10_total"),
        CheckConstraint(
            "(instrument != 'readiness') OR score BETWEEN 0 AND 10", name="readiness_range"
        ),
        CheckConstraint(
            "(instrument != 'satisfaction') OR score BETWEEN 1 AND 5", name="satisfaction_range"
        ),
        Index(
            "ix_assessments_resident_instrument_date", "resident_id", "instrument", "assessed_on"
        ),
        Index("ix_assessments_instrument_date", "instrument", "assessed_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="RESTRICT"))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    instrument: Mapped[str] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer, default=None)
    living_situation: Mapped[str | None] = mapped_column(
        ForeignKey("living_situations.code", ondelete="RESTRICT"), default=None
    )
    item_1: Mapped[int | None] = mapped_column(Integer, default=None)
    item_2: Mapped[int | None] = mapped_column(Integer, default=None)
    item_3: Mapped[int | None] = mapped_column(Integer, default=None)
    item_4: Mapped[int | None] = mapped_column(Integer, default=None)
    item_5: Mapped[int | None] = mapped_column(Integer, default=None)
    item_6: Mapped[int | None] = mapped_column(Integer, default=None)
    item_7: Mapped[int | None] = mapped_column(Integer, default=None)
    item_8: Mapped[int | None] = mapped_column(Integer, default=None)
    item_9: Mapped[int | None] = mapped_column(Integer, default=None)
    item_10: Mapped[int | None] = mapped_column(Integer, default=None)


# --------------------------------------------------------------------------- safety


class AuditEvent(Base):
    """One append-only line of the audit trail: who did what to which record, and when.

    ``changes`` is JSON of the fields changed (old and new). ``prev_hash``/``hash`` chain
    the rows so a changed, deleted or reordered row is detected; triggers block UPDATE and
    DELETE on this table.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), default=None, index=True
    )
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(30), index=True)
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer, default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class BackupRecord(Base):
    """A line of the backup log: who backed up or restored, when, where, and if it verified."""

    __tablename__ = "backup_log"
    __table_args__ = (
        CheckConstraint("kind IN ('usb', 'automatic', 'safety', 'restore')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10), index=True)
    location: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int | None] = mapped_column(Integer, default=None)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- funders' questions


def _answer() -> Mapped[str]:
    return mapped_column(String(20), default="unknown", server_default=text("'unknown'"))


class StayAnswers(Base):
    """The answers funders ask for, one row per stay: at intake, and at discharge. A stay with
    no row (every stay of a house older than migration 0005) has every answer unknown."""

    __tablename__ = "stay_answers"
    __table_args__ = tuple(
        _one_of(name, enum)
        for name, (enum, _label) in {
            **funder_vocab.INTAKE_QUESTIONS,
            **funder_vocab.EXIT_QUESTIONS,
        }.items()
    )

    stay_id: Mapped[int] = mapped_column(
        ForeignKey("stays.id", ondelete="RESTRICT"), primary_key=True
    )
    gender: Mapped[str] = _answer()
    race: Mapped[str] = _answer()
    ethnicity: Mapped[str] = _answer()
    veteran: Mapped[str] = _answer()
    justice: Mapped[str] = _answer()
    employment_entry: Mapped[str] = _answer()
    income_entry: Mapped[str] = _answer()
    moud_entry: Mapped[str] = _answer()
    employment_exit: Mapped[str] = _answer()
    income_exit: Mapped[str] = _answer()
    moud_exit: Mapped[str] = _answer()
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class FollowUp(Base, Stamped, Voidable):
    """A contact about 6 or 12 months after a stay ended: reached or not, and if reached
    where they live, whether they are in recovery and whether they work."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        _one_of("point", funder_vocab.FollowUpPoint),
        _one_of("in_recovery", funder_vocab.YesNo),
        _one_of("employed", funder_vocab.YesNo),
        Index("ix_follow_ups_stay_point", "stay_id", "point"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stays.id", ondelete="RESTRICT"))
    point: Mapped[str] = mapped_column(String(20))
    contacted_on: Mapped[dt.date] = mapped_column(Date)
    reached: Mapped[bool] = mapped_column(Boolean)
    living_situation: Mapped[str | None] = mapped_column(
        ForeignKey("living_situations.code", ondelete="RESTRICT"), default=None
    )
    in_recovery: Mapped[str] = mapped_column(String(20), default="unknown")
    employed: Mapped[str] = mapped_column(String(20), default="unknown")
    notes: Mapped[str] = mapped_column(Text, default="")
