"""The answers funders and state reports start from: gender, race, ethnicity, veteran status,
justice involvement, employment, income and medication for opioid use disorder at intake, and
employment, income and medication at discharge; one row per stay.

A house older than this migration has no rows: every answer of its stays is unknown, and the
outcome summary counts them so.

Revision ID: 0005_stay_answers
Revises: 0004_outcome_targets
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_stay_answers"
down_revision: str | None = "0004_outcome_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each column and the codes it may hold (as the models' check constraints say, frozen here).
_YES_NO = ("yes", "no", "declined", "unknown")
ANSWERS: dict[str, tuple[str, ...]] = {
    "gender": ("woman", "man", "transgender", "non_binary", "other", "declined", "unknown"),
    "race": ("american_indian", "asian", "black", "pacific_islander", "white", "multiracial",
             "other", "declined", "unknown"),
    "ethnicity": ("hispanic", "not_hispanic", "declined", "unknown"),
    "veteran": _YES_NO,
    "justice": ("none", "court", "supervision", "both", "declined", "unknown"),
    "employment_entry": ("full_time", "part_time", "looking", "not_looking", "declined",
                         "unknown"),
    "income_entry": ("none", "under_500", "500_999", "1000_1999", "2000_up", "declined",
                     "unknown"),
    "moud_entry": _YES_NO,
    "employment_exit": ("full_time", "part_time", "looking", "not_looking", "declined",
                        "unknown"),
    "income_exit": ("none", "under_500", "500_999", "1000_1999", "2000_up", "declined",
                    "unknown"),
    "moud_exit": _YES_NO,
}  # fmt: skip


def upgrade() -> None:
    columns = [
        sa.Column(name, sa.String(length=20), nullable=False, server_default=sa.text("'unknown'"))
        for name in ANSWERS
    ]
    checks = [
        sa.CheckConstraint(
            f"{name} IN ({', '.join(repr(code) for code in codes)})",
            name=f"ck_stay_answers_{name}",
        )
        for name, codes in ANSWERS.items()
    ]
    op.create_table(
        "stay_answers",
        sa.Column("stay_id", sa.Integer(), nullable=False),
        *columns,
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stay_id"], ["stays.id"], name="fk_stay_answers_stay_id_stays", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("stay_id", name="pk_stay_answers"),
        *checks,
    )


def downgrade() -> None:
    op.drop_table("stay_answers")
