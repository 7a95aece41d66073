"""Alembic environment: PeerDesk always hands in an open connection (see core/db.py)."""

from __future__ import annotations

from alembic import context

from peerdesk.core.models import Base
from peerdesk.core.views import is_derived_table

config = context.config
target_metadata = Base.metadata


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # Views, FTS indexes and their shadow tables are made by hand in the migrations.
    return not (type_ == "table" and name is not None and is_derived_table(name))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("PeerDesk migrations run through peerdesk.core.db, with a connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"foreign key problems after migration: {problems[:5]}")


if context.is_offline_mode():
    raise RuntimeError("PeerDesk migrations run online only")
run_migrations_online()
