"""The demo house: deterministic for a seed, and consistent with every service rule."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import time
from pathlib import Path

import pytest

from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from peerdesk.core.errors import ValidationError
from peerdesk.core.exports import CsvTable, rows, write_csv


def _build(
    template_db: Path, folder: Path, seed: int, beds: int = 12, years: float = 1.5
) -> Database:
    folder.mkdir()
    path = folder / "peerdesk.sqlite3"
    shutil.copyfile(template_db, path)
    db = Database.open(path)
    build_demo_house(db, beds=beds, years=years, seed=seed)
    return db


def _fingerprint(db: Database) -> str:
    digest = hashlib.sha256()
    with db.read() as s:
        for table in CsvTable:
            out = io.StringIO()
            write_csv(out, *rows(s, table))
            digest.update(out.getvalue().encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def demo(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Database:
    with pytest.MonkeyPatch.context() as mp:
        from peerdesk.core import clock

        mp.setattr(clock, "today", lambda: dt.date(2026, 6, 15))
        return _build(template_db, tmp_path_factory.mktemp("demo") / "a", seed=7, beds=20, years=3)


def _scalar(db: Database, sql: str) -> int:
    connection = db.raw_connection()
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


def test_same_seed_same_house_other_seed_other_house(
    template_db: Path, tmp_path: Path, today: dt.date
) -> None:
    first = _fingerprint(_build(template_db, tmp_path / "one", seed=3))
    again = _fingerprint(_build(template_db, tmp_path / "two", seed=3))
    other = _fingerprint(_build(template_db, tmp_path / "three", seed=4))
    assert first == again
    assert first != other


def test_the_house_is_mostly_full_with_turnover(demo: Database) -> None:
    active = _scalar(demo, "SELECT count(*) FROM resident_overview WHERE status = 'active'")
    assert 14 <= active <= 20  # 20 beds, kept around 92 % full
    assert _scalar(demo, "SELECT count(*) FROM stays WHERE discharge_date IS NOT NULL") > 20
    assert _scalar(demo, "SELECT count(DISTINCT discharge_reason) FROM stays") >= 4
    assert (
        _scalar(
            demo,
            "SELECT count(*) FROM (SELECT resident_id FROM stays GROUP BY "
            "resident_id HAVING count(*) > 1)",
        )
        >= 1
    ), "someone was readmitted"


def test_no_one_attends_outside_a_stay(demo: Database) -> None:
    assert (
        _scalar(
            demo,
            """
        SELECT count(*) FROM session_attendees a JOIN peer_sessions p ON p.id = a.session_id
        WHERE NOT EXISTS (SELECT 1 FROM stays s WHERE s.resident_id = a.resident_id
            AND s.intake_date <= p.session_date
            AND (s.discharge_date IS NULL OR s.discharge_date >= p.session_date))""",
        )
        == 0
    )


def test_phases_move_forward_within_each_stay(demo: Database) -> None:
    assert (
        _scalar(
            demo,
            """
        SELECT count(*) FROM phase_changes a JOIN phase_changes b
          ON a.resident_id = b.resident_id AND a.from_date < b.from_date
        JOIN program_phases pa ON pa.id = a.phase_id JOIN program_phases pb ON pb.id = b.phase_id
        JOIN stays s ON s.resident_id = a.resident_id AND a.from_date >= s.intake_date
          AND b.from_date <= coalesce(s.discharge_date, '9999-12-31')
        WHERE pb.position < pa.position""",
        )
        == 0
    )
    assert (
        _scalar(
            demo,
            """
        SELECT count(*) FROM phase_changes pc JOIN stays s ON s.resident_id = pc.resident_id
        WHERE s.discharge_date IS NOT NULL AND pc.from_date > s.discharge_date
          AND NOT EXISTS (SELECT 1 FROM stays later WHERE later.resident_id = s.resident_id
                          AND later.intake_date <= pc.from_date AND later.id != s.id)""",
        )
        == 0
    )


def test_sessions_follow_the_rules(demo: Database) -> None:
    assert (
        _scalar(
            demo,
            "SELECT count(*) FROM peer_sessions WHERE NOT (emotional OR "
            "informational OR instrumental OR affiliational)",
        )
        == 0
    )
    assert (
        _scalar(
            demo,
            "SELECT count(*) FROM peer_sessions p WHERE NOT EXISTS "
            "(SELECT 1 FROM session_attendees a WHERE a.session_id = p.id)",
        )
        == 0
    )
    assert (
        _scalar(demo, "SELECT count(*) FROM peer_sessions WHERE session_date > '2026-06-15'") == 0
    )
    assert (
        _scalar(
            demo,
            "SELECT count(*) FROM peer_sessions p JOIN mentors m ON m.id = p.mentor_id "
            "WHERE p.session_date < m.start_date OR p.session_date > "
            "coalesce(m.end_date, '9999-12-31')",
        )
        == 0
    )
    assert (
        _scalar(
            demo,
            "SELECT count(*) FROM peer_sessions WHERE format = 'one_to_one' AND "
            "(SELECT count(*) FROM session_attendees WHERE session_id = id) != 1",
        )
        == 0
    )


def test_assessments_supervision_and_credentials_look_real(demo: Database) -> None:
    assert (
        _scalar(
            demo,
            "SELECT count(*) FROM assessments WHERE instrument = 'barc10' AND "
            "score != item_1+item_2+item_3+item_4+item_5+item_6+item_7+item_8+"
            "item_9+item_10",
        )
        == 0
    )
    assert _scalar(demo, "SELECT count(*) FROM assessments WHERE instrument = 'barc10'") > 50
    assert _scalar(demo, "SELECT count(*) FROM supervision_notes") > 50
    assert _scalar(demo, "SELECT count(*) FROM action_items WHERE done_on IS NULL") >= 1
    # the odd overdue mentor: someone active without supervision in the last 30 days
    assert (
        _scalar(
            demo,
            """
        SELECT count(*) FROM mentors m WHERE m.status = 'active' AND NOT EXISTS (
            SELECT 1 FROM supervision_notes n WHERE n.mentor_id = m.id
            AND n.note_date >= '2026-05-16')""",
        )
        >= 1
    )


def test_demo_refuses_a_database_that_has_records(demo: Database) -> None:
    with pytest.raises(ValidationError, match="already holds a house's records"):
        build_demo_house(demo, beds=5, years=1, seed=1)


def test_the_demo_database_passes_check(demo: Database) -> None:
    from peerdesk.core.check import run_checks

    assert all(r.ok for r in run_checks(demo)), run_checks(demo)


@pytest.mark.slow
def test_ten_years_of_a_hundred_beds_in_under_two_minutes(
    template_db: Path, tmp_path: Path
) -> None:
    started = time.perf_counter()
    db = _build(template_db, tmp_path / "big", seed=1, beds=100, years=10)
    elapsed = time.perf_counter() - started
    attendance = _scalar(db, "SELECT count(*) FROM session_attendees")
    assert elapsed < 120, elapsed
    assert attendance > 500_000


def test_no_two_residents_in_residence_share_a_bed(demo: Database) -> None:
    assert (
        _scalar(
            demo,
            """
        SELECT count(*) FROM (
            SELECT r.room, r.bed FROM residents r JOIN resident_overview o ON o.resident_id = r.id
            WHERE o.status = 'active' GROUP BY r.room, r.bed HAVING count(*) > 1)""",
        )
        == 0
    )
    assert (
        _scalar(
            demo,
            """
        SELECT count(*) FROM residents r JOIN resident_overview o ON o.resident_id = r.id
        WHERE o.status = 'active' AND (r.room = '' OR r.bed = '')""",
        )
        == 0
    )
