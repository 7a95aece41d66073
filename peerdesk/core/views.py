"""Read-only SQL views the tables and reports query like tables.

They are created by the migrations (which keep their own frozen copy of the SQL); these
``Table`` objects live in a separate ``MetaData`` so that ``create_all`` and the migration
check never mistake them for tables.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table

view_metadata = MetaData()

# One row per resident: their latest stay (intake, discharge, status) and current phase.
resident_overview = Table(
    "resident_overview",
    view_metadata,
    Column("resident_id", Integer, primary_key=True),
    Column("stay_id", Integer),
    Column("intake_date", Date),
    Column("discharge_date", Date),
    Column("discharge_reason", String),
    Column("discharge_outcome", String),
    Column("status", String),
    Column("phase_id", Integer),
)

# Full-text indexes (FTS5, external content) kept current by triggers. Search them with
# ``<table> MATCH :query`` and join on ``rowid`` = the source row's id.
FTS_TABLES = {
    "peer_sessions": "peer_sessions_fts",
    "supervision_notes": "supervision_notes_fts",
    "residents": "residents_fts",
}
VIEW_NAMES = frozenset({"resident_overview"})


def is_derived_table(name: str) -> bool:
    """True for views, FTS indexes and their shadow tables: not house records themselves."""
    return name in VIEW_NAMES or any(name.startswith(fts) for fts in FTS_TABLES.values())
