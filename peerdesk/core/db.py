"""Opening the house's database file: pragmas, migrations, and sessions.

``Database.open(path)`` creates a new database in an existing folder, upgrades an older one
(after copying it aside), and refuses a file written by a newer PeerDesk or one that is not a
PeerDesk database, each with one plain sentence. Every user action then works inside one
``with db.begin() as s:`` transaction.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from peerdesk.core import clock
from peerdesk.core.errors import DatabaseError, PermissionDenied
from peerdesk.core.models import Stay

if TYPE_CHECKING:
    from peerdesk.core.audit import Actor
    from peerdesk.core.audit_anchor import AnchorFile
    from peerdesk.core.permissions import Action

# The newest migration this PeerDesk knows. Checked against Alembic by a test, so opening an
# up-to-date database does not need to import Alembic at all.
HEAD_REVISION = "0008_attendance_without_rowid"

SQLITE_MAGIC = b"SQLite format 3\x00"
# How long a write waits for another writer to finish before it gives up ("database is locked").
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _apply_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Take transaction control away from the sqlite3 module so SQLAlchemy's BEGIN, COMMIT and
    # SAVEPOINT mean what they say (the module otherwise begins lazily and commits DDL itself).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN (IMMEDIATE), so two writers queue on busy_timeout
    # instead of one failing half-way; readers begin deferred and never block a writer (WAL).
    connection.exec_driver_sql(connection.get_execution_options().get("peerdesk_begin", "BEGIN"))


def _make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False},
    )
    event.listen(engine, "connect", _apply_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


# A statement that must see voided intakes too (the void itself, the audit's history) says so
# with ``.execution_options(include_voided_intakes=True)``.
INCLUDE_VOIDED_INTAKES = "include_voided_intakes"


def _stay_in_use(stays: type[Stay]) -> ColumnElement[bool]:
    # A function of the class, so that SQLAlchemy can apply it to every alias of stays too.
    return stays.voided_at.is_(None)


def _leave_out_voided_intakes(state: ORMExecuteState) -> None:
    """An intake entered by mistake and voided is in no count, list or report: every ORM
    query of stays, in any join, subquery or alias, gets ``voided_at IS NULL``. Kept here, in
    one place, rather than in each of the hundred queries that read stays; the SQL view
    ``resident_overview`` says the same in SQL."""
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get(INCLUDE_VOIDED_INTAKES, False)
    ):
        state.statement = state.statement.options(
            with_loader_criteria(Stay, _stay_in_use, include_aliases=True)
        )


class Database:
    """One open PeerDesk database file. Build it with :meth:`open`."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._writes = sessionmaker(
            engine.execution_options(peerdesk_begin="BEGIN IMMEDIATE"), expire_on_commit=False
        )
        self._reads = sessionmaker(engine, expire_on_commit=False)
        for sessions in (self._writes, self._reads):
            event.listen(sessions, "do_orm_execute", _leave_out_voided_intakes)
        # Where the newest audit line is anchored outside the database after each write
        # (peerdesk.core.audit_anchor); None leaves no anchor (tests, demo houses).
        self.anchor: AnchorFile | None = None

    @classmethod
    def open(cls, path: Path | str) -> Database:
        """Open (creating or upgrading as needed) the database at ``path``."""
        path = Path(path)
        _check_location(path)
        revision = _stored_revision(path)
        if revision != HEAD_REVISION:
            _migrate(path, revision)
        return cls(path, _make_engine(path))

    @contextlib.contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in one write transaction: committed if the block ends normally, else
        rolled back, so a failed action leaves no half-written record."""
        try:
            with self._writes.begin() as session:
                yield session
        except PermissionDenied as denied:
            self._record_refusal(denied)
            raise
        self._anchor(session)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (tables, reports): sees one consistent snapshot and
        never holds the write lock."""
        try:
            with self._reads() as session:
                yield session
        except PermissionDenied as denied:
            self._record_refusal(denied)
            raise

    def require(self, actor: Actor, action: Action) -> None:
        """Check a permission for work that runs outside one transaction (a backup): a
        refusal is audited like any other."""
        with self.begin():
            actor.require(action)

    def _record_refusal(self, denied: PermissionDenied) -> None:
        # The refused action rolled back; its refusal is kept, in a transaction of its own.
        from peerdesk.core import audit

        if not isinstance(denied.actor, audit.Actor):
            return
        try:
            with self._writes.begin() as session:
                audit.record(session, denied.actor, "denied", summary=str(denied))
            self._anchor(session)
        except SQLAlchemyError:
            # The refusal itself still stands; the log says the audit line could not be kept.
            logging.getLogger("peerdesk").exception("Could not record a refusal in the audit log")

    def _anchor(self, session: Session) -> None:
        """After a commit that added audit lines, move the anchor to the newest one."""
        from peerdesk.core.audit import HEAD_INFO

        head = session.info.get(HEAD_INFO)
        if head is None or self.anchor is None:
            return
        try:
            self.anchor.advance(*head, hash_of_line=self._line_hash)
        except OSError:
            # The records are saved; an anchor that lags proves less but raises no alarm.
            logging.getLogger("peerdesk").exception("Could not write the audit anchor")

    def _line_hash(self, line: int) -> str | None:
        from sqlalchemy import select

        from peerdesk.core.models import AuditEvent

        with self.read() as s:
            return s.scalar(select(AuditEvent.hash).where(AuditEvent.id == line))

    def raw_connection(self) -> sqlite3.Connection:
        """A plain sqlite3 connection to the same file (for the backup API and checks)."""
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        _apply_pragmas(connection, None)
        return connection

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_location(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder; give the name of a database file inside it.")
    if not path.parent.is_dir():
        raise DatabaseError(
            f"The folder {path.parent} does not exist. Create it first, or choose another "
            "place for the database."
        )
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as f:
            if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise DatabaseError(
                    f"{path.name} is not a PeerDesk database. Choose the peerdesk.sqlite3 file, "
                    "or restore a backup instead."
                )


def _stored_revision(path: Path) -> str | None:
    """The migration the file is at; None for a new, empty file."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise DatabaseError(
                    f"{path.name} is an SQLite file but not a PeerDesk database; nothing was "
                    "changed. Choose another file."
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            return None if row is None else str(row[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"{path.name} cannot be read as a database ({exc}). Restore the latest backup."
        ) from exc


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    """Every migration revision this PeerDesk ships."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    return {rev.revision for rev in script.walk_revisions()}


def _migrate(path: Path, revision: str | None) -> None:
    from alembic import command

    if revision is not None:
        if revision not in known_revisions():
            raise DatabaseError(
                f"{path.name} was last used by a newer version of PeerDesk. Install that "
                "version (or a newer one) to open it; nothing was changed."
            )
        _copy_aside(path, revision)
    # Migrations run with foreign keys off: SQLite rebuilds a table to alter it, and dropping
    # the old copy with foreign keys on would cascade. The env checks foreign keys at the end.
    engine = create_engine(f"sqlite:///{path}")

    def _migration_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=FULL")
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    event.listen(engine, "connect", _migration_pragmas)
    event.listen(engine, "begin", _begin)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
        engine.dispose()
        _vacuum_if_loose(path)
    except OSError as exc:
        raise DatabaseError(
            f"The database could not be upgraded ({exc.strerror}); nothing was changed."
        ) from exc
    finally:
        engine.dispose()


def _vacuum_if_loose(path: Path) -> None:
    """A migration that rebuilt a large table (0008 rebuilt every attendance) leaves its old
    pages free inside the file, which every backup would then copy: give them back once."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        (free,) = connection.execute("PRAGMA freelist_count").fetchone()
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
        if free * 10 > pages:
            connection.execute("VACUUM")
    finally:
        connection.close()


def _copy_aside(path: Path, revision: str) -> Path:
    """Keep a copy of the file as it was before a migration, next to it."""
    stamp = clock.now_utc().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.before-upgrade-from-{revision}-{stamp}")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target
