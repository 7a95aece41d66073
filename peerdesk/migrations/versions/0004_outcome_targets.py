"""The house's own outcome targets, printed beside each headline figure as met or not met.

Five whole numbers on the settings row; 0 means the house has set no target for that figure.
An older house opens with none set.

Revision ID: 0004_outcome_targets
Revises: 0003_house_identity
Create Date: 2026-12-07 22:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_outcome_targets"
down_revision: str | None = "0003_house_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TARGETS = (
    "target_retention_percent",
    "target_positive_percent",
    "target_housing_percent",
    "target_barc_percent",
    "target_median_stay_days",
)


def upgrade() -> None:
    # ADD COLUMN with a constant default needs no table rebuild.
    for name in TARGETS:
        op.add_column(
            "house_settings",
            sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0")),
        )


def downgrade() -> None:
    with op.batch_alter_table("house_settings") as batch:
        for name in TARGETS:
            batch.drop_column(name)
