"""Attendance stored once: ``session_attendees`` becomes a WITHOUT ROWID table.

A rowid table keeps every attendance twice, in the table and again in its primary key's index
(session, resident). Keyed by that primary key alone, the file of a ten-year house is about a
quarter smaller, and every check, copy, backup and restore of it as much quicker.

Revision ID: 0008_attendance_without_rowid
Revises: 0007_voided_intakes
Create Date: 2026-12-08 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_attendance_without_rowid"
down_revision: str | None = "0007_voided_intakes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_session_attendees_resident_id"


def _rebuild(*, with_rowid: bool) -> None:
    """The table made again, rowid or not, with the same columns, constraints and rows."""
    op.create_table(
        "session_attendees_rebuilt",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("motivation", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "motivation IS NULL OR motivation BETWEEN 0 AND 10",
            name="ck_session_attendees_motivation",
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
            name="ck_session_attendees_satisfaction",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name="fk_session_attendees_resident_id_residents",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["peer_sessions.id"],
            name="fk_session_attendees_session_id_peer_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "resident_id", name="pk_session_attendees"),
        sqlite_with_rowid=with_rowid,
    )
    # In key order, so that the new B-tree is written front to back.
    op.execute(
        "INSERT INTO session_attendees_rebuilt (session_id, resident_id, motivation, satisfaction) "
        "SELECT session_id, resident_id, motivation, satisfaction FROM session_attendees "
        "ORDER BY session_id, resident_id"
    )
    op.drop_index(_INDEX, table_name="session_attendees")
    op.drop_table("session_attendees")
    op.rename_table("session_attendees_rebuilt", "session_attendees")
    op.create_index(_INDEX, "session_attendees", ["resident_id"])


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
