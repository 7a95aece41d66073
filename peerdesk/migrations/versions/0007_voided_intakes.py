"""An intake entered by mistake is voided: the stay keeps its row, marked, out of every count.

Revision ID: 0007_voided_intakes
Revises: 0006_follow_ups
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_voided_intakes"
down_revision: str | None = "0006_follow_ups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The SQL below is frozen with this migration: later changes go in later migrations.

# One row per resident who has a stay in use (or, as before, no stay at all): their latest
# stay in use and current phase. A resident whose every intake was voided is in no list.
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
    SELECT s2.id FROM stays s2 WHERE s2.resident_id = r.id AND s2.voided_at IS NULL
    ORDER BY s2.intake_date DESC, s2.id DESC LIMIT 1)
LEFT JOIN phase_changes pc ON pc.id = (
    SELECT p2.id FROM phase_changes p2 WHERE p2.resident_id = r.id AND p2.voided_at IS NULL
    ORDER BY p2.from_date DESC, p2.id DESC LIMIT 1)
WHERE s.id IS NOT NULL
   OR NOT EXISTS (SELECT 1 FROM stays s3 WHERE s3.resident_id = r.id)
"""

# The view as 0001 made it, for the downgrade.
_OLD_RESIDENT_OVERVIEW = """
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


def upgrade() -> None:
    op.add_column("stays", sa.Column("voided_at", sa.DateTime(), nullable=True))
    op.add_column("stays", sa.Column("void_reason", sa.Text(), nullable=True))
    op.add_column("stays", sa.Column("voided_by", sa.String(length=80), nullable=True))
    # A voided open stay must not keep its resident from being admitted again.
    op.drop_index("uq_stays_open_per_resident", table_name="stays")
    op.create_index(
        "uq_stays_open_per_resident",
        "stays",
        ["resident_id"],
        unique=True,
        sqlite_where=sa.text("discharge_date IS NULL AND voided_at IS NULL"),
    )
    op.execute("DROP VIEW resident_overview")
    op.execute(RESIDENT_OVERVIEW)


def downgrade() -> None:
    # The view reads stays: it goes while the table is rebuilt without the void columns.
    op.execute("DROP VIEW resident_overview")
    op.drop_index("uq_stays_open_per_resident", table_name="stays")
    with op.batch_alter_table("stays") as batch:
        batch.drop_column("voided_by")
        batch.drop_column("void_reason")
        batch.drop_column("voided_at")
    op.create_index(
        "uq_stays_open_per_resident",
        "stays",
        ["resident_id"],
        unique=True,
        sqlite_where=sa.text("discharge_date IS NULL"),
    )
    op.execute(_OLD_RESIDENT_OVERVIEW)
