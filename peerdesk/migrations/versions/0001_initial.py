"""The initial schema: every table of the house's record book, its views and text indexes.

Revision ID: 0001_initial
Revises:
Created: 2026-11-22 08:38:02.252114
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "backup_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('usb', 'automatic', 'safety', 'restore')", name=op.f("ck_backup_log_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_log")),
    )
    with op.batch_alter_table("backup_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backup_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_backup_log_kind"), ["kind"], unique=False)

    op.create_table(
        "house_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("house_name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("paper_size", sa.String(length=10), nullable=False),
        sa.Column("date_order", sa.String(length=4), nullable=False),
        sa.Column("supervisions_per_month", sa.Integer(), nullable=False),
        sa.Column("long_supervision_minutes", sa.Integer(), nullable=False),
        sa.Column("retention_checkpoints", sa.String(length=80), nullable=False),
        sa.Column("assessment_interval_days", sa.Integer(), nullable=False),
        sa.Column("credential_warning_days", sa.Integer(), nullable=False),
        sa.Column("backups_to_keep", sa.Integer(), nullable=False),
        sa.Column("backup_warning_days", sa.Integer(), nullable=False),
        sa.Column("autolock_minutes", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "date_order IN ('mdy', 'dmy')", name=op.f("ck_house_settings_date_order")
        ),
        sa.CheckConstraint(
            "paper_size IN ('letter', 'a4')", name=op.f("ck_house_settings_paper_size")
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_house_settings_single_row")),
        sa.CheckConstraint(
            "long_supervision_minutes >= 0", name=op.f("ck_house_settings_long_supervision_minutes")
        ),
        sa.CheckConstraint(
            "supervisions_per_month >= 0", name=op.f("ck_house_settings_supervisions_per_month")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_house_settings")),
    )
    op.create_table(
        "living_situations",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("is_stable", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('homeless', 'institution', 'temporary', 'recovery_housing', 'permanent', 'unknown')",
            name=op.f("ck_living_situations_category"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_living_situations")),
    )
    op.create_table(
        "preferences",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_preferences")),
    )
    op.create_table(
        "program_phases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("short_name", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("mentors_allowed", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_phases")),
        sa.UniqueConstraint("name", name=op.f("uq_program_phases_name")),
    )
    with op.batch_alter_table("program_phases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_phases_position"), ["position"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("may_print_identified", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('administrator', 'supervisor', 'peer_mentor', 'viewer')",
            name=op.f("ck_users_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_audit_events_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_events_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mentors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("role_title", sa.String(length=80), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("supervisor_name", sa.String(length=120), nullable=False),
        sa.Column("former_resident_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.CheckConstraint("status IN ('active', 'inactive')", name=op.f("ck_mentors_status")),
        sa.ForeignKeyConstraint(
            ["former_resident_id"],
            ["residents.id"],
            name=op.f("fk_mentors_former_resident_id_residents"),
            ondelete="SET NULL",
            use_alter=True,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mentors_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentors")),
    )
    with op.batch_alter_table("mentors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentors_former_resident_id"), ["former_resident_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mentors_last_name"), ["last_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentors_start_date"), ["start_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentors_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentors_user_id"), ["user_id"], unique=False)

    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentors.id"],
            name=op.f("fk_credentials_mentor_id_mentors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credentials_expires_on"), ["expires_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_credentials_mentor_id"), ["mentor_id"], unique=False)

    op.create_table(
        "peer_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("emotional", sa.Boolean(), nullable=False),
        sa.Column("informational", sa.Boolean(), nullable=False),
        sa.Column("instrumental", sa.Boolean(), nullable=False),
        sa.Column("affiliational", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_by", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "format IN ('one_to_one', 'group', 'phone_video', 'community_outing')",
            name=op.f("ck_peer_sessions_format"),
        ),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_peer_sessions_duration_positive")),
        sa.CheckConstraint(
            "emotional OR informational OR instrumental OR affiliational",
            name=op.f("ck_peer_sessions_support_type"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentors.id"],
            name=op.f("fk_peer_sessions_mentor_id_mentors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_sessions")),
    )
    with op.batch_alter_table("peer_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peer_sessions_duration_minutes"), ["duration_minutes"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_peer_sessions_format"), ["format"], unique=False)
        batch_op.create_index(batch_op.f("ix_peer_sessions_mentor_id"), ["mentor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_peer_sessions_session_date"), ["session_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_peer_sessions_topic"), ["topic"], unique=False)

    op.create_table(
        "residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("preferred_name", sa.String(length=80), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("emergency_contact_name", sa.String(length=120), nullable=False),
        sa.Column("emergency_contact_phone", sa.String(length=40), nullable=False),
        sa.Column("room", sa.String(length=20), nullable=False),
        sa.Column("bed", sa.String(length=20), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentors.id"],
            name=op.f("fk_residents_mentor_id_mentors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
    )
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_residents_first_name"), ["first_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_residents_last_name"), ["last_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_residents_mentor_id"), ["mentor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_residents_room"), ["room"], unique=False)

    op.create_table(
        "supervision_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_date", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("supervisor_name", sa.String(length=120), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("domains", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=80), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_by", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "kind IN ('scheduled', 'ethical_dilemma', 'boundary_issue', 'training', 'feedback')",
            name=op.f("ck_supervision_notes_kind"),
        ),
        sa.CheckConstraint(
            "duration_minutes > 0", name=op.f("ck_supervision_notes_duration_positive")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentors.id"],
            name=op.f("fk_supervision_notes_mentor_id_mentors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_notes")),
    )
    with op.batch_alter_table("supervision_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_notes_kind"), ["kind"], unique=False)
        batch_op.create_index(
            "ix_supervision_notes_mentor_date", ["mentor_id", "note_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_notes_note_date"), ["note_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_notes_supervisor_name"), ["supervisor_name"], unique=False
        )

    op.create_table(
        "training_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("trained_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("competency", sa.String(length=30), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_by", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "competency IN ('lived_experience', 'communication', 'treatment_frameworks', 'resource_sharing', 'ethics_boundaries', 'trauma_informed', 'other')",
            name=op.f("ck_training_entries_competency"),
        ),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_training_entries_minutes_positive")),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["mentors.id"],
            name=op.f("fk_training_entries_mentor_id_mentors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_entries")),
    )
    with op.batch_alter_table("training_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_entries_mentor_date", ["mentor_id", "trained_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_entries_trained_on"), ["trained_on"], unique=False
        )

    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["supervision_notes.id"],
            name=op.f("fk_action_items_note_id_supervision_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_items_done_on"), ["done_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_note_id"), ["note_id"], unique=False)

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("instrument", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("living_situation", sa.String(length=40), nullable=True),
        sa.Column("item_1", sa.Integer(), nullable=True),
        sa.Column("item_2", sa.Integer(), nullable=True),
        sa.Column("item_3", sa.Integer(), nullable=True),
        sa.Column("item_4", sa.Integer(), nullable=True),
        sa.Column("item_5", sa.Integer(), nullable=True),
        sa.Column("item_6", sa.Integer(), nullable=True),
        sa.Column("item_7", sa.Integer(), nullable=True),
        sa.Column("item_8", sa.Integer(), nullable=True),
        sa.Column("item_9", sa.Integer(), nullable=True),
        sa.Column("item_10", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_by", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "(instrument != 'barc10') OR score BETWEEN 10 AND 60",
            name=op.f("ck_assessments_barc10_total"),
        ),
        sa.CheckConstraint(
            "(instrument != 'readiness') OR score BETWEEN 0 AND 10",
            name=op.f("ck_assessments_readiness_range"),
        ),
        sa.CheckConstraint(
            "(instrument != 'satisfaction') OR score BETWEEN 1 AND 5",
            name=op.f("ck_assessments_satisfaction_range"),
        ),
        sa.CheckConstraint(
            "instrument IN ('barc10', 'readiness', 'satisfaction', 'living_situation')",
            name=op.f("ck_assessments_instrument"),
        ),
        sa.CheckConstraint(
            "item_1 IS NULL OR item_1 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_1")
        ),
        sa.CheckConstraint(
            "item_10 IS NULL OR item_10 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_10")
        ),
        sa.CheckConstraint(
            "item_2 IS NULL OR item_2 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_2")
        ),
        sa.CheckConstraint(
            "item_3 IS NULL OR item_3 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_3")
        ),
        sa.CheckConstraint(
            "item_4 IS NULL OR item_4 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_4")
        ),
        sa.CheckConstraint(
            "item_5 IS NULL OR item_5 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_5")
        ),
        sa.CheckConstraint(
            "item_6 IS NULL OR item_6 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_6")
        ),
        sa.CheckConstraint(
            "item_7 IS NULL OR item_7 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_7")
        ),
        sa.CheckConstraint(
            "item_8 IS NULL OR item_8 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_8")
        ),
        sa.CheckConstraint(
            "item_9 IS NULL OR item_9 BETWEEN 1 AND 6", name=op.f("ck_assessments_item_9")
        ),
        sa.ForeignKeyConstraint(
            ["living_situation"],
            ["living_situations.code"],
            name=op.f("fk_assessments_living_situation_living_situations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_assessments_resident_id_residents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessments_instrument_date", ["instrument", "assessed_on"], unique=False
        )
        batch_op.create_index(
            "ix_assessments_resident_instrument_date",
            ["resident_id", "instrument", "assessed_on"],
            unique=False,
        )

    op.create_table(
        "phase_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("phase_id", sa.Integer(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["phase_id"],
            ["program_phases.id"],
            name=op.f("fk_phase_changes_phase_id_program_phases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_phase_changes_resident_id_residents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phase_changes")),
    )
    with op.batch_alter_table("phase_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phase_changes_phase_id"), ["phase_id"], unique=False)
        batch_op.create_index(
            "ix_phase_changes_resident_from", ["resident_id", "from_date"], unique=False
        )

    op.create_table(
        "session_attendees",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("motivation", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "motivation IS NULL OR motivation BETWEEN 0 AND 10",
            name=op.f("ck_session_attendees_motivation"),
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
            name=op.f("ck_session_attendees_satisfaction"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_session_attendees_resident_id_residents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["peer_sessions.id"],
            name=op.f("fk_session_attendees_session_id_peer_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "resident_id", name=op.f("pk_session_attendees")),
    )
    with op.batch_alter_table("session_attendees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_attendees_resident_id"), ["resident_id"], unique=False
        )

    op.create_table(
        "stays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("intake_date", sa.Date(), nullable=False),
        sa.Column("referral_source", sa.String(length=120), nullable=False),
        sa.Column("intake_living_situation", sa.String(length=40), nullable=False),
        sa.Column("discharge_date", sa.Date(), nullable=True),
        sa.Column("discharge_reason", sa.String(length=20), nullable=True),
        sa.Column("discharge_outcome", sa.String(length=10), nullable=True),
        sa.Column("exit_living_situation", sa.String(length=40), nullable=True),
        sa.Column("discharge_notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.CheckConstraint(
            "discharge_outcome IN ('positive', 'neutral', 'negative')",
            name=op.f("ck_stays_discharge_outcome"),
        ),
        sa.CheckConstraint(
            "discharge_reason IN ('completed', 'moved_on', 'left_voluntarily', 'administrative', 'transferred', 'deceased', 'other')",
            name=op.f("ck_stays_discharge_reason"),
        ),
        sa.CheckConstraint(
            "(discharge_date IS NULL) = (discharge_reason IS NULL)",
            name=op.f("ck_stays_discharge_complete"),
        ),
        sa.CheckConstraint(
            "discharge_date IS NULL OR discharge_date >= intake_date",
            name=op.f("ck_stays_discharge_after_intake"),
        ),
        sa.ForeignKeyConstraint(
            ["exit_living_situation"],
            ["living_situations.code"],
            name=op.f("fk_stays_exit_living_situation_living_situations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["intake_living_situation"],
            ["living_situations.code"],
            name=op.f("fk_stays_intake_living_situation_living_situations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_stays_resident_id_residents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stays")),
    )
    with op.batch_alter_table("stays", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stays_discharge_date"), ["discharge_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stays_intake_date"), ["intake_date"], unique=False)
        batch_op.create_index(
            "ix_stays_resident_intake", ["resident_id", "intake_date"], unique=False
        )
        batch_op.create_index(
            "uq_stays_open_per_resident",
            ["resident_id"],
            unique=True,
            sqlite_where=sa.text("discharge_date IS NULL"),
        )

    _create_derived_objects()
    _seed_lists()


def downgrade() -> None:
    for name in ("residents", "supervision_notes", "peer_sessions"):
        op.execute(f"DROP TABLE IF EXISTS {name}_fts")
    op.execute("DROP VIEW IF EXISTS resident_overview")
    with op.batch_alter_table("stays", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_stays_open_per_resident", sqlite_where=sa.text("discharge_date IS NULL")
        )
        batch_op.drop_index("ix_stays_resident_intake")
        batch_op.drop_index(batch_op.f("ix_stays_intake_date"))
        batch_op.drop_index(batch_op.f("ix_stays_discharge_date"))

    op.drop_table("stays")
    with op.batch_alter_table("session_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_attendees_resident_id"))

    op.drop_table("session_attendees")
    with op.batch_alter_table("phase_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_phase_changes_resident_from")
        batch_op.drop_index(batch_op.f("ix_phase_changes_phase_id"))

    op.drop_table("phase_changes")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_resident_instrument_date")
        batch_op.drop_index("ix_assessments_instrument_date")

    op.drop_table("assessments")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_note_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_due_date"))
        batch_op.drop_index(batch_op.f("ix_action_items_done_on"))

    op.drop_table("action_items")
    with op.batch_alter_table("training_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_entries_trained_on"))
        batch_op.drop_index("ix_training_entries_mentor_date")

    op.drop_table("training_entries")
    with op.batch_alter_table("supervision_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_notes_supervisor_name"))
        batch_op.drop_index(batch_op.f("ix_supervision_notes_note_date"))
        batch_op.drop_index("ix_supervision_notes_mentor_date")
        batch_op.drop_index(batch_op.f("ix_supervision_notes_kind"))

    op.drop_table("supervision_notes")
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_residents_room"))
        batch_op.drop_index(batch_op.f("ix_residents_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_residents_last_name"))
        batch_op.drop_index(batch_op.f("ix_residents_first_name"))

    op.drop_table("residents")
    with op.batch_alter_table("peer_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peer_sessions_topic"))
        batch_op.drop_index(batch_op.f("ix_peer_sessions_session_date"))
        batch_op.drop_index(batch_op.f("ix_peer_sessions_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_peer_sessions_format"))
        batch_op.drop_index(batch_op.f("ix_peer_sessions_duration_minutes"))

    op.drop_table("peer_sessions")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_credentials_expires_on"))

    op.drop_table("credentials")
    with op.batch_alter_table("mentors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentors_user_id"))
        batch_op.drop_index(batch_op.f("ix_mentors_status"))
        batch_op.drop_index(batch_op.f("ix_mentors_start_date"))
        batch_op.drop_index(batch_op.f("ix_mentors_last_name"))
        batch_op.drop_index(batch_op.f("ix_mentors_former_resident_id"))

    op.drop_table("mentors")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_user_id"))
        batch_op.drop_index("ix_audit_events_entity")
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
    op.drop_table("users")
    with op.batch_alter_table("program_phases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_phases_position"))

    op.drop_table("program_phases")
    op.drop_table("preferences")
    op.drop_table("living_situations")
    op.drop_table("house_settings")
    with op.batch_alter_table("backup_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backup_log_kind"))
        batch_op.drop_index(batch_op.f("ix_backup_log_at"))

    op.drop_table("backup_log")


# The SQL below is frozen with this migration: later changes go in later migrations.

RESIDENT_OVERVIEW = """
CREATE VIEW resident_overview AS
SELECT r.id AS resident_id,
       s.id AS stay_id,
       s.intake_date AS intake_date,
       s.discharge_date AS discharge_date,
       s.discharge_reason AS discharge_reason,
       s.discharge_outcome AS discharge_outcome,
       CASE WHEN s.id IS NULL OR s.discharge_date IS NOT NULL
            THEN 'discharged' ELSE 'active' END AS status,
       pc.phase_id AS phase_id
FROM residents r
LEFT JOIN stays s ON s.id = (
    SELECT s2.id FROM stays s2 WHERE s2.resident_id = r.id
    ORDER BY s2.intake_date DESC, s2.id DESC LIMIT 1)
LEFT JOIN phase_changes pc ON pc.id = (
    SELECT p2.id FROM phase_changes p2 WHERE p2.resident_id = r.id AND p2.voided_at IS NULL
    ORDER BY p2.from_date DESC, p2.id DESC LIMIT 1)
"""

# (source table, its text columns): each gets an external-content FTS5 index kept by triggers.
FTS_SOURCES = {
    "peer_sessions": ("topic", "notes"),
    "supervision_notes": ("summary",),
    "residents": ("notes",),
}

AUDIT_GUARDS = (
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END""",
)


def _fts_statements(table: str, columns: tuple[str, ...]) -> list[str]:
    fts = f"{table}_fts"
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
    ]


def _create_derived_objects() -> None:
    op.execute(RESIDENT_OVERVIEW)
    for table, columns in FTS_SOURCES.items():
        for statement in _fts_statements(table, columns):
            op.execute(statement)
    for statement in AUDIT_GUARDS:
        op.execute(statement)


PHASES = (
    ("Safe Off the Streets", "SOS", 10, False),
    ("Motivational Track I", "MT I", 20, False),
    ("Motivational Track II", "MT II", 30, False),
    ("Phase I", "Phase I", 40, False),
    ("Phase II", "Phase II", 50, True),
)

LIVING_SITUATIONS = (
    ("street", "Homeless — street or place not meant for habitation", "homeless", False, 10),
    ("shelter", "Homeless — emergency shelter", "homeless", False, 20),
    ("jail", "Jail, prison or detention", "institution", False, 30),
    ("hospital", "Hospital or psychiatric facility", "institution", False, 40),
    ("treatment", "Residential treatment or detox", "institution", False, 50),
    ("family_friends", "Staying with family or friends (temporary)", "temporary", False, 60),
    ("hotel", "Hotel or motel paid without a voucher", "temporary", False, 70),
    ("recovery_housing", "Recovery housing", "recovery_housing", True, 80),
    ("own_rent", "Own or rent, no subsidy", "permanent", True, 90),
    ("own_rent_subsidy", "Own or rent, with subsidy", "permanent", True, 100),
    ("family_permanent", "Living with family, permanent tenure", "permanent", True, 110),
    ("unknown", "Unknown or not collected", "unknown", False, 120),
)


def _seed_lists() -> None:
    # The single settings row, unnamed until the welcome screen or a command names the house.
    op.execute(
        sa.text(
            "INSERT INTO house_settings (id, house_name, address, phone, paper_size, date_order, "
            "supervisions_per_month, long_supervision_minutes, retention_checkpoints, "
            "assessment_interval_days, credential_warning_days, backups_to_keep, "
            "backup_warning_days, autolock_minutes, is_demo, created_at) VALUES "
            "(1, '', '', '', 'letter', 'mdy', 2, 30, '30,60,90,180,365', 30, 60, 10, 7, 5, 0, "
            "strftime('%Y-%m-%d %H:%M:%S', 'now'))"
        )
    )
    phases = sa.table(
        "program_phases",
        sa.column("name", sa.String),
        sa.column("short_name", sa.String),
        sa.column("position", sa.Integer),
        sa.column("mentors_allowed", sa.Boolean),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        phases,
        [
            {"name": n, "short_name": s, "position": p, "mentors_allowed": m, "active": True}
            for n, s, p, m in PHASES
        ],
    )
    situations = sa.table(
        "living_situations",
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("category", sa.String),
        sa.column("is_stable", sa.Boolean),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        situations,
        [
            {"code": c, "label": lbl, "category": cat, "is_stable": st, "position": pos}
            for c, lbl, cat, st, pos in LIVING_SITUATIONS
        ],
    )
