"""Follow-up after discharge: a contact about 6 and 12 months after a stay ends.

Revision ID: 0006_follow_ups
Revises: 0005_stay_answers
Create Date: 2026-12-07 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_follow_ups"
down_revision: str | None = "0005_stay_answers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_YES_NO = "('yes', 'no', 'declined', 'unknown')"


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stay_id", sa.Integer(), nullable=False),
        sa.Column("point", sa.String(length=20), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("living_situation", sa.String(length=40), nullable=True),
        sa.Column("in_recovery", sa.String(length=20), nullable=False),
        sa.Column("employed", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("voided_by", sa.String(length=80), nullable=True),
        sa.CheckConstraint("point IN ('six_months', 'twelve_months')", name="ck_follow_ups_point"),
        sa.CheckConstraint(f"in_recovery IN {_YES_NO}", name="ck_follow_ups_in_recovery"),
        sa.CheckConstraint(f"employed IN {_YES_NO}", name="ck_follow_ups_employed"),
        sa.ForeignKeyConstraint(
            ["stay_id"], ["stays.id"], name="fk_follow_ups_stay_id_stays", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["living_situation"],
            ["living_situations.code"],
            name="fk_follow_ups_living_situation_living_situations",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
    )
    op.create_index("ix_follow_ups_stay_point", "follow_ups", ["stay_id", "point"])


def downgrade() -> None:
    op.drop_index("ix_follow_ups_stay_point", table_name="follow_ups")
    op.drop_table("follow_ups")
