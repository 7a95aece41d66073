"""Opening the database: pragmas, migrations, refusing what is not ours or is newer."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text

from peerdesk.core import db as dbmod
from peerdesk.core.db import HEAD_REVISION, Database
from peerdesk.core.errors import DatabaseError
from peerdesk.core.models import Base
from peerdesk.core.views import is_derived_table


def test_head_revision_constant_matches_alembic() -> None:
    script = ScriptDirectory.from_config(dbmod._alembic_config(None))
    assert script.get_current_head() == HEAD_REVISION


def test_empty_database_upgraded_to_head_equals_the_models(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    Database.open(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "include_object": lambda obj, name, type_, *_: (
                        not (type_ == "table" and is_derived_table(name))
                    ),
                },
            )
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diffs == []


def test_new_database_has_the_safety_pragmas(db: Database) -> None:
    connection = db.engine.raw_connection()
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        connection.close()


def test_new_database_has_default_phases_and_living_situations(db: Database) -> None:
    from peerdesk.core.services import settings

    with db.read() as s:
        phases = [p.short_name for p in settings.list_phases(s)]
        situations = {x.code: x for x in settings.list_living_situations(s)}
        house = settings.get_settings(s)
    assert phases == ["SOS", "MT I", "MT II", "Phase I", "Phase II"]
    assert situations["own_rent"].is_stable and situations["recovery_housing"].is_stable
    assert not situations["shelter"].is_stable
    assert not house.is_named
    assert house.retention_checkpoints == (30, 60, 90, 180, 365)


def test_missing_folder_is_refused_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        Database.open(tmp_path / "nowhere" / "peerdesk.sqlite3")
    assert not (tmp_path / "nowhere").exists()


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is a shopping list, not a database\n")
    with pytest.raises(DatabaseError, match="not a PeerDesk database"):
        Database.open(path)
    assert path.read_bytes().startswith(b"this is a shopping list")


def test_another_programs_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseError, match="not a PeerDesk database"):
        Database.open(path)


def test_database_from_a_newer_peerdesk_is_refused_and_unchanged(db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version of PeerDesk"):
        Database.open(db_path)
    assert db_path.read_bytes() == before


def test_an_older_database_is_copied_aside_before_it_is_upgraded(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend this PeerDesk's head is past the file's revision so open() migrates it.
    monkeypatch.setattr(dbmod, "HEAD_REVISION", "0099_pretend")
    Database.open(db_path).close()
    copies = list(db_path.parent.glob(f"peerdesk.sqlite3.before-upgrade-from-{HEAD_REVISION}-*"))
    assert len(copies) == 1
    copy = sqlite3.connect(copies[0])
    assert copy.execute("SELECT count(*) FROM program_phases").fetchone()[0] == 5
    copy.close()


def test_a_failed_write_leaves_nothing_behind(db: Database) -> None:
    from sqlalchemy import func, select

    from peerdesk.core.models import Mentor

    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.begin() as s:
        stamp = dt.datetime(2025, 1, 1)
        s.add(
            Mentor(
                first_name="A",
                last_name="B",
                start_date=stamp.date(),
                created_at=stamp,
                created_by="test",
                updated_at=stamp,
            )
        )
        s.flush()
        raise Boom
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Mentor)).scalar_one() == 0


def test_a_database_from_before_the_sessions_index_opens_upgraded_and_searchable(
    db_path: Path, today: dt.date
) -> None:
    """A house kept before 0002 (made here by stepping a new file back) opens as before: a
    copy is kept aside, the partial index is added without rebuilding the sessions table
    (its search triggers stay), and the Sessions counts use the index."""
    from alembic import command

    from peerdesk.core import listing
    from peerdesk.core.audit import Actor
    from peerdesk.core.listing import ListQuery
    from peerdesk.core.services import sessions
    from tests import factories as f

    admin = Actor.local_administrator()
    with Database.open(db_path) as db, db.begin() as s:
        maya = f.mentor(s, admin)
        jamie = f.resident(s, admin)
        f.session(s, admin, maya.id, [jamie.id], topic="Relapse prevention")
        wrong = f.session(s, admin, maya.id, [jamie.id], topic="Typed twice")
        sessions.void_session(s, admin, wrong.id, "Entered twice")
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.begin() as connection:
            command.downgrade(dbmod._alembic_config(connection), "0001_initial")
    finally:
        engine.dispose()

    def schema(path: Path) -> dict[str, str]:
        c = sqlite3.connect(path)
        try:
            rows = c.execute("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
            return dict(rows.fetchall())
        finally:
            c.close()

    before = schema(db_path)
    assert "ix_peer_sessions_in_use_date" not in before
    assert any(kind == "trigger" for kind in before.values())

    with Database.open(db_path) as db:
        after = schema(db_path)
        assert after == before | {
            "ix_peer_sessions_in_use_date": "index",
            "stay_answers": "table",
            "follow_ups": "table",
            "ix_follow_ups_stay_point": "index",
        }
        assert list(db_path.parent.glob("peerdesk.sqlite3.before-upgrade-from-0001_initial-*"))
        with db.read() as s:
            spec, query = listing.SESSIONS, ListQuery()
            assert listing.count(s, spec, query) == listing.count_all(s, spec, query) == 1
            assert listing.count(s, spec, ListQuery(search="relapse")) == 1
            counted = listing._filtered(spec, query, select(func.count()), counting=True)
            plan = " ".join(
                str(row) for row in s.execute(text(f"EXPLAIN QUERY PLAN {counted.compile()}"))
            )
        assert "ix_peer_sessions_in_use_date" in plan


def test_an_older_house_opens_with_its_funders_answers_unknown_and_no_targets(
    db_path: Path, today: object
) -> None:
    """A house from before migrations 0004–0006 (targets, funders' answers, follow-ups): its
    stays read as unknown in every funders' list, it has no targets and nothing is due."""
    import datetime as dt

    from alembic import command

    from peerdesk.core.audit import Actor
    from peerdesk.core.outcome_people import people_figures
    from peerdesk.core.outcomes import last_twelve_months
    from peerdesk.core.services import follow_ups
    from peerdesk.core.services import settings as settings_service
    from tests import factories as f

    admin = Actor.local_administrator()
    with Database.open(db_path) as db, db.begin() as s:
        f.resident(s, admin, "Old", "Timer", intake=dt.date(2026, 1, 10))
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.begin() as connection:
            command.downgrade(dbmod._alembic_config(connection), "0003_house_identity")
    finally:
        engine.dispose()
    with Database.open(db_path) as db, db.read() as s:
        people = people_figures(s, last_twelve_months(dt.date(2026, 6, 15)))
        gender = {code: n for code, _label, n in people.served[0].rows}
        assert gender["unknown"] == 1 and sum(gender.values()) == 1
        assert settings_service.get_settings(s).targets.retention_percent is None
        assert follow_ups.follow_ups_due(s, dt.date(2026, 6, 15)) == []


def test_a_ten_year_house_upgrades_to_attendance_kept_once(db_path: Path, today: object) -> None:
    """Migration 0008 rebuilds every attendance of a ten-year house as a WITHOUT ROWID table:
    the same rows, constraints and index, a whole file, and the file smaller than before."""
    from alembic import command

    from peerdesk.core.demo import build_demo_house

    with Database.open(db_path) as db:
        build_demo_house(db, beds=12, years=10, seed=2)
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            command.downgrade(dbmod._alembic_config(connection), "0007_voided_intakes")
    finally:
        engine.dispose()
    c = sqlite3.connect(db_path)
    c.execute("VACUUM")  # the rowid house as a house that never had the rebuilt table
    rows_sql = "SELECT * FROM session_attendees ORDER BY session_id, resident_id"
    before = c.execute(rows_sql).fetchall()
    stored_before = _attendance_bytes(c)
    assert "WITHOUT ROWID" not in _table_sql(c, "session_attendees")
    c.close()

    with Database.open(db_path):
        pass
    c = sqlite3.connect(db_path)
    try:
        assert "WITHOUT ROWID" in _table_sql(c, "session_attendees")
        assert c.execute(rows_sql).fetchall() == before and len(before) > 50_000
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        assert c.execute("PRAGMA freelist_count").fetchone() == (0,)
        indexes = {row[1] for row in c.execute("PRAGMA index_list(session_attendees)")}
        assert "ix_session_attendees_resident_id" in indexes
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            c.execute("UPDATE session_attendees SET motivation = 11")
        # The table and its indexes: the rowid table and its primary key's copy are one now
        # (on the ten-year, 120-bed demo house: 35.0 MB to 18.0 MB, the file 76.8 to 58.4 MB).
        assert _attendance_bytes(c) < 0.6 * stored_before
    finally:
        c.close()


def _attendance_bytes(c: sqlite3.Connection) -> int:
    return int(
        c.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%session_attendees%'"
        ).fetchone()[0]
    )


def _table_sql(c: sqlite3.Connection, name: str) -> str:
    return str(c.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0])
