"""The SQL side of the window's tables: filters, search, sort, paging, voided rows."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from peerdesk.core import attention, clock, listing, models, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from peerdesk.core.listing import ListQuery
from peerdesk.core.services import mentors, residents, sessions, supervision
from tests import factories as f

TODAY = dt.date(2026, 6, 15)


def names(db: Database, spec: listing.ListSpec, query: ListQuery, column: str = "name") -> list:
    index = spec.column_index(column)
    with db.read() as s:
        return [row.values[index] for row in listing.fetch_page(s, spec, query, 0, 1000)]


@pytest.fixture
def house(db: Database, admin: Actor) -> dict[str, int]:
    """Two mentors, four residents (one discharged), three sessions (one voided), two notes."""
    with db.begin() as s:
        maya = f.mentor(s, admin, "Maya", "Lopez")
        sam = f.mentor(s, admin, "Sam", "Brooks")
        jamie = f.resident(s, admin, "Jamie", "Doe", mentor_id=maya.id, room="12", bed="A")
        alex = f.resident(
            s, admin, "Alex", "Rivera", phase="Phase I", mentor_id=sam.id, room="14", bed=""
        )
        residents.update_resident(
            s,
            admin,
            alex.id,
            residents.ResidentDetails(
                first_name="Alex",
                last_name="Rivera",
                preferred_name="Lex",
                date_of_birth=dt.date(1990, 5, 1),
                room="14",
                mentor_id=sam.id,
                notes="Loves woodworking; wants a carpentry apprenticeship.",
            ),
        )
        pat = f.resident(s, admin, "Pat", "Dorsey", intake=dt.date(2026, 2, 1))
        gone = f.resident(s, admin, "Chris", "Gone", intake=dt.date(2025, 12, 1))
        residents.discharge_resident(
            s,
            admin,
            gone.id,
            residents.Discharge(dt.date(2026, 3, 1), vocab.DischargeReason.COMPLETED),
        )
        group = f.session(
            s,
            admin,
            maya.id,
            [jamie.id, alex.id, pat.id],
            day=dt.date(2026, 3, 2),
            topic="Relapse prevention",
            notes="Talked about triggers at the bus station.",
            types=frozenset({vocab.SupportType.EMOTIONAL, vocab.SupportType.AFFILIATIONAL}),
        )
        one = f.session(
            s,
            admin,
            sam.id,
            [alex.id],
            day=dt.date(2026, 4, 10),
            fmt=vocab.SessionFormat.ONE_TO_ONE,
            topic="Job search",
            notes="Résumé for the carpentry shop.",
            types=frozenset({vocab.SupportType.INFORMATIONAL}),
            motivation=7,
            satisfaction=5,
            minutes=30,
        )
        wrong = f.session(s, admin, sam.id, [jamie.id], day=dt.date(2026, 4, 11), topic="Oops")
        sessions.void_session(s, admin, wrong.id, "Entered twice")
        note = f.note(
            s,
            admin,
            maya.id,
            day=dt.date(2026, 6, 1),
            summary="Discussed boundaries with a former roommate.",
            items=[
                supervision.ActionItemEntry("Read the ethics code", dt.date(2026, 6, 20)),
                supervision.ActionItemEntry("Shadow a group", None, dt.date(2026, 6, 10)),
            ],
        )
        other = f.note(s, admin, sam.id, day=dt.date(2026, 5, 1), minutes=20)
    return {
        "maya": maya.id,
        "sam": sam.id,
        "jamie": jamie.id,
        "alex": alex.id,
        "pat": pat.id,
        "gone": gone.id,
        "group": group.id,
        "one": one.id,
        "wrong": wrong.id,
        "note": note.id,
        "other": other.id,
    }


# --------------------------------------------------------------------------- residents


def test_residents_columns_read_as_a_house_manager_expects(
    db: Database, house: dict[str, int]
) -> None:
    with db.read() as s:
        rows = listing.fetch_page(s, listing.RESIDENTS, ListQuery(), 0, 100)
    by_name = {row.values[0]: row for row in rows}
    alex = by_name["Rivera, Alex"]
    spec = listing.RESIDENTS
    shown = [c.format(v) for c, v in zip(spec.columns, alex.values, strict=True)]
    assert shown == [
        "Rivera, Alex",
        "Lex",
        "14",
        "Phase I",
        "Brooks, Sam",
        "10 Jan 2026",
        "156",
        "Active",
    ]
    jamie = by_name["Doe, Jamie"]
    assert spec.column("room_bed").format(jamie.values[2]) == "12 / A"
    gone = by_name["Gone, Chris"]
    # Days in program stop at the discharge.
    assert (
        gone.values[spec.column_index("days")] == (dt.date(2026, 3, 1) - dt.date(2025, 12, 1)).days
    )
    assert gone.values[spec.column_index("status")] == "discharged"
    assert alex.id == house["alex"] and not alex.voided


def test_residents_filters(db: Database, house: dict[str, int]) -> None:
    spec = listing.RESIDENTS
    assert names(db, spec, ListQuery(status="active")) == [
        "Doe, Jamie",
        "Dorsey, Pat",
        "Rivera, Alex",
    ]
    assert names(db, spec, ListQuery(status="discharged")) == ["Gone, Chris"]
    assert len(names(db, spec, ListQuery())) == 4
    with db.read() as s:
        phase_i = f.phase_id(s, "Phase I")
    assert names(db, spec, ListQuery(phase_id=phase_i)) == ["Rivera, Alex"]
    assert names(db, spec, ListQuery(mentor_id=house["maya"])) == ["Doe, Jamie"]
    with db.read() as s:
        assert listing.count(s, spec, ListQuery(status="active")) == 3
        assert listing.count_all(s, spec, ListQuery(status="active", search="zz")) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("do", ["Doe, Jamie", "Dorsey, Pat"]),  # last-name prefix
        ("DOE", ["Doe, Jamie"]),  # any case
        ("jam do", ["Doe, Jamie"]),  # every word must match
        ("lex", ["Rivera, Alex"]),  # preferred name
        ("14", ["Rivera, Alex"]),  # room
        ("carpent", ["Rivera, Alex"]),  # notes, through the FTS index
        ("amie", []),  # prefixes only, not the middle of a name
        ("d%", []),  # LIKE wildcards are plain text
        ("_", []),
        ("%", ["Doe, Jamie", "Dorsey, Pat", "Gone, Chris", "Rivera, Alex"]),  # no word: all
        ('"); DROP TABLE residents; --', []),  # punctuation cannot break the query
        ("NEAR( AND OR", []),
        ("* ( ) -", ["Doe, Jamie", "Dorsey, Pat", "Gone, Chris", "Rivera, Alex"]),
    ],
)
def test_residents_search(
    db: Database, house: dict[str, int], text: str, expected: list[str]
) -> None:
    assert names(db, listing.RESIDENTS, ListQuery(search=text)) == expected


def test_one_letter_words_are_not_looked_up_in_the_notes(
    db: Database, house: dict[str, int]
) -> None:
    # "t" would match most notes of a ten-year house; names still match by their first letter.
    with db.read() as s:
        assert listing.count(s, listing.SESSIONS, ListQuery(search="t")) == 2, "no filter"
        assert listing.count(s, listing.SESSIONS, ListQuery(search="t bus")) == 1
    assert names(db, listing.RESIDENTS, ListQuery(search="r")) == ["Rivera, Alex"]
    assert listing.fts_words("a bus I x2") == ["bus", "x2"]


def test_fts_query_quotes_every_word() -> None:
    assert listing.fts_query(['say "hi"', "AND"]) == '"say ""hi"""* "AND"*'
    assert listing.search_words("  a-b  ***  NEAR( ") == ["a-b", "NEAR("]


# --------------------------------------------------------------------------- sorting


@pytest.mark.parametrize(
    "spec",
    [listing.RESIDENTS, listing.MENTORS, listing.SESSIONS, listing.SUPERVISION],
    ids=lambda spec: spec.name,
)
def test_every_column_sorts_both_ways(
    db: Database, house: dict[str, int], spec: listing.ListSpec
) -> None:
    with db.read() as s:
        for column in spec.columns:
            up = listing.fetch_page(s, spec, ListQuery(sort_key=column.key), 0, 100)
            down = listing.fetch_page(
                s, spec, ListQuery(sort_key=column.key, descending=True), 0, 100
            )
            assert [r.id for r in up] == [r.id for r in reversed(down)], column.key
            keys = [r.values[spec.column_index(column.key)] for r in up]
            if column.key not in ("name", "mentor", "format", "kind", "phase", "room_bed"):
                present = [k for k in keys if k is not None]
                assert present == sorted(present), column.key


def test_sort_by_name_uses_last_name_then_first(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        f.resident(s, admin, "Zoe", "Adams", dob=dt.date(1980, 1, 1))
        f.resident(s, admin, "Amy", "Adams", dob=dt.date(1981, 1, 1))
        f.resident(s, admin, "Bob", "Baker", dob=dt.date(1982, 1, 1))
    assert names(db, listing.RESIDENTS, ListQuery(sort_key="name")) == [
        "Adams, Amy",
        "Adams, Zoe",
        "Baker, Bob",
    ]
    assert names(db, listing.RESIDENTS, ListQuery(sort_key="name", descending=True)) == [
        "Baker, Bob",
        "Adams, Zoe",
        "Adams, Amy",
    ]


def test_session_formats_sort_by_the_words_shown(db: Database, house: dict[str, int]) -> None:
    spec = listing.SESSIONS
    shown = [
        spec.column("format").format(v)
        for v in names(db, spec, ListQuery(sort_key="format", show_voided=True), "format")
    ]
    assert shown == sorted(shown)


# --------------------------------------------------------------------------- sessions


def test_sessions_hide_voided_unless_asked(db: Database, house: dict[str, int]) -> None:
    spec = listing.SESSIONS
    with db.read() as s:
        shown = listing.fetch_page(s, spec, ListQuery(), 0, 100)
        everything = listing.fetch_page(s, spec, ListQuery(show_voided=True), 0, 100)
        assert listing.count(s, spec, ListQuery()) == 2
        assert listing.count_all(s, spec, ListQuery(show_voided=True)) == 3
    assert [r.id for r in shown] == [house["one"], house["group"]], "newest first"
    voided = [r for r in everything if r.voided]
    assert [r.id for r in voided] == [house["wrong"]]


def test_sessions_columns(db: Database, house: dict[str, int]) -> None:
    spec = listing.SESSIONS
    with db.read() as s:
        row = listing.fetch_row(s, spec, ListQuery(), house["group"])
    assert row is not None
    shown = dict(
        zip(
            [c.key for c in spec.columns],
            [c.format(v) for c, v in zip(spec.columns, row.values, strict=True)],
            strict=True,
        )
    )
    assert shown == {
        "date": "2 Mar 2026",
        "format": "Group",
        "topic": "Relapse prevention",
        "mentor": "Lopez, Maya",
        "minutes": "60",
        "attendees": "3",
        "support_types": "Emotional, Affiliational",
    }


def test_sessions_filters_and_fts_search(db: Database, house: dict[str, int]) -> None:
    spec = listing.SESSIONS

    def ids(query: ListQuery) -> list[int]:
        with db.read() as s:
            return [r.id for r in listing.fetch_page(s, spec, query, 0, 100)]

    assert ids(ListQuery(mentor_id=house["maya"])) == [house["group"]]
    assert ids(ListQuery(session_format=vocab.SessionFormat.ONE_TO_ONE)) == [house["one"]]
    assert ids(ListQuery(support_type=vocab.SupportType.AFFILIATIONAL)) == [house["group"]]
    assert ids(ListQuery(date_from=dt.date(2026, 4, 1))) == [house["one"]]
    assert ids(ListQuery(date_to=dt.date(2026, 3, 31))) == [house["group"]]
    assert ids(ListQuery(search="trigg")) == [house["group"]], "notes, by prefix"
    assert ids(ListQuery(search="job")) == [house["one"]], "topic"
    assert ids(ListQuery(search="resume")) == [house["one"]], "accents do not matter"
    assert ids(ListQuery(search="bus station")) == [house["group"]]
    assert ids(ListQuery(search="bus carpentry")) == []
    assert ids(ListQuery(search="oops")) == [], "voided stays hidden"
    assert ids(ListQuery(search="oops", show_voided=True)) == [house["wrong"]]
    assert ids(ListQuery(search='"bus')) == [house["group"]]


def test_a_residents_own_sessions_with_their_ratings(db: Database, house: dict[str, int]) -> None:
    spec = listing.RESIDENT_SESSIONS
    with db.read() as s:
        rows = listing.fetch_page(s, spec, ListQuery(resident_id=house["alex"]), 0, 100)
        nobody = listing.fetch_page(s, spec, ListQuery(), 0, 100)
        voided_too = listing.count(s, spec, ListQuery(resident_id=house["jamie"], show_voided=True))
    assert [r.id for r in rows] == [house["one"], house["group"]]
    motivation = spec.column_index("motivation")
    assert [r.values[motivation] for r in rows] == [7, None]
    assert nobody == []
    assert voided_too == 2


# --------------------------------------------------------------------------- supervision


def test_supervision_columns_and_search(db: Database, house: dict[str, int], admin: Actor) -> None:
    spec = listing.SUPERVISION
    with db.begin() as s:
        voided = f.note(s, admin, house["sam"], day=dt.date(2026, 5, 2), summary="Duplicate")
        supervision.void_note(s, admin, voided.id, "Typed twice")
    with db.read() as s:
        rows = listing.fetch_page(s, spec, ListQuery(), 0, 100)
        assert [r.id for r in rows] == [house["note"], house["other"]]
        first = rows[0]
        assert first.values[spec.column_index("open_items")] == 1
        assert first.values[spec.column_index("mentor")] == "Lopez, Maya"
        assert spec.column("kind").format(first.values[spec.column_index("kind")]) == (
            "Scheduled check-in"
        )
        found = listing.fetch_page(s, spec, ListQuery(search="roommate"), 0, 100)
        assert [r.id for r in found] == [house["note"]]
        assert listing.count(s, spec, ListQuery(mentor_id=house["sam"])) == 1
        assert listing.count(s, spec, ListQuery(mentor_id=house["sam"], show_voided=True)) == 2
        kind = ListQuery(kind=vocab.SupervisionKind.BOUNDARY_ISSUE)
        assert listing.count(s, spec, kind) == 0
        assert listing.count(s, spec, ListQuery(date_from=dt.date(2026, 5, 15))) == 1


# --------------------------------------------------------------------------- mentors


def test_mentor_columns(db: Database, house: dict[str, int], admin: Actor) -> None:
    with db.begin() as s:
        maya = house["maya"]
        for name, expires in [
            ("CPRS", dt.date(2026, 8, 1)),
            ("CPRS", dt.date(2028, 8, 1)),  # renewed: the older one is not "current"
            ("First aid", dt.date(2027, 1, 31)),
            ("Naloxone", dt.date(2026, 7, 1)),
        ]:
            mentors.add_credential(
                s, admin, maya, mentors.CredentialDetails(name=name, expires_on=expires)
            )
        voided = mentors.get_mentor(s, maya).credentials[-1]
        mentors.void_credential(s, admin, voided.id, "Never taken")
    spec = listing.MENTORS
    with db.read() as s:
        rows = {r.id: r for r in listing.fetch_page(s, spec, ListQuery(), 0, 100)}
    row = rows[maya]
    value = dict(zip([c.key for c in spec.columns], row.values, strict=True))
    assert value["name"] == "Lopez, Maya"
    assert value["caseload"] == 1
    assert value["credential_expiry"] == dt.date(2027, 1, 31)
    assert value["last_supervision"] == dt.date(2026, 6, 1)
    assert rows[house["sam"]].values[spec.column_index("credential_expiry")] is None


def test_mentor_status_filter(db: Database, house: dict[str, int], admin: Actor) -> None:
    with db.begin() as s:
        leaving = f.mentor(s, admin, "Lee", "Leaving")
        mentors.deactivate_mentor(s, admin, leaving.id, dt.date(2026, 6, 1))
    spec = listing.MENTORS
    assert names(db, spec, ListQuery(status="inactive")) == ["Leaving, Lee"]
    assert names(db, spec, ListQuery(status="active")) == ["Brooks, Sam", "Lopez, Maya"]
    assert names(db, spec, ListQuery(search="peer lo")) == ["Lopez, Maya"], "role and name"


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("listing-demo") / "peerdesk.sqlite3"
    shutil.copyfile(template_db, path)
    database = Database.open(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clock, "today", lambda: TODAY)
        build_demo_house(database, beds=16, years=2, seed=5)
    yield database
    database.close()


def test_overdue_column_agrees_with_the_home_tab_rule(demo_db: Database) -> None:
    spec = listing.MENTORS
    overdue = spec.column_index("overdue")
    for as_of in (TODAY, dt.date(2025, 9, 1), dt.date(2025, 1, 20)):
        with demo_db.read() as s:
            rule = {m.mentor_id: m.overdue for m in attention.supervision_cadence(s, as_of)}
            rows = listing.fetch_page(s, spec, ListQuery(status="active", as_of=as_of), 0, 100)
        listed = {r.id: bool(r.values[overdue]) for r in rows if r.id in rule}
        # The rule judges everyone who worked on that day; the list shows today's active ones.
        assert listed == {k: v for k, v in rule.items() if k in {r.id for r in rows}}, as_of
        assert listed, as_of
        assert any(rule.values()) or as_of != TODAY


def test_paging_and_positions(demo_db: Database) -> None:
    spec = listing.SESSIONS
    query = ListQuery(sort_key="minutes")
    with demo_db.read() as s:
        total = listing.count(s, spec, query)
        assert total > 300
        first = listing.fetch_page(s, spec, query, 0, 100)
        second = listing.fetch_page(s, spec, query, 100, 100)
        whole = listing.fetch_page(s, spec, query, 0, 200)
        assert [r.id for r in first + second] == [r.id for r in whole]
        target = whole[150].id
        assert listing.position_of(s, spec, query, target) == 150
        assert listing.position_of(s, spec, ListQuery(search="zzzz"), target) is None
        assert listing.fetch_row(s, spec, query, target) == whole[150]
        assert listing.fetch_row(s, spec, query, 10**9) is None


@pytest.mark.parametrize("name", ["sessions", "supervision", "resident_sessions"])
def test_counts_match_the_rows_shown_without_reading_the_mentors(
    demo_db: Database, name: str
) -> None:
    """Sessions and notes are counted from their own table (every one has its mentor), which
    must give exactly the number of rows the table shows, whatever the filters."""
    spec = listing.SPECS[name]
    with demo_db.read() as s:
        some = listing.fetch_page(s, listing.SUPERVISION, ListQuery(), 0, 1)[0]
        mentor_id = s.get_one(models.SupervisionNote, some.id).mentor_id
        resident_id = s.execute(select(models.SessionAttendee.resident_id).limit(1)).scalar_one()
        queries = [
            ListQuery(),
            ListQuery(show_voided=True),
            ListQuery(mentor_id=mentor_id),
            ListQuery(date_from=TODAY - dt.timedelta(days=90)),
            ListQuery(search="the"),
            ListQuery(session_format=vocab.SessionFormat.GROUP),
            ListQuery(kind=vocab.SupervisionKind.SCHEDULED),
        ]
        for query in queries:
            query = replace(query, resident_id=resident_id)
            shown = listing.fetch_page(s, spec, query, 0, 10**6)
            assert listing.count(s, spec, query) == len(shown), query
            everything = listing.fetch_page(s, spec, query.unfiltered(), 0, 10**6)
            assert listing.count_all(s, spec, query) == len(everything), query
            assert listing.counts(s, spec, query) == (len(shown), len(everything)), query
        assert any(listing.count(s, spec, replace(q, resident_id=resident_id)) for q in queries)
        counted = listing._filtered(spec, ListQuery(), select(func.count()), counting=True)
        assert "mentors" not in str(counted), "counting joins only what the filters need"


def test_an_unfiltered_list_is_counted_once(demo_db: Database) -> None:
    """Issue 18: the Sessions tab with no search or filter counted every session twice."""
    from sqlalchemy import event

    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(demo_db.engine, "before_cursor_execute", seen)
    try:
        with demo_db.read() as s:
            matching, total = listing.counts(s, listing.SESSIONS, ListQuery())
            unfiltered = len(statements)
            filtered = listing.counts(s, listing.SESSIONS, ListQuery(search="the"))
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", seen)
    assert matching == total > 0 and filtered[1] == total and filtered[0] < total
    assert unfiltered == 1 and len(statements) == 3
