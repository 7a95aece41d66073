"""The audit log as people read it: filters, pages, the chain's state and the printout."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select

from peerdesk.core import audit, audit_log, clock, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.audit_log import AuditFilter
from peerdesk.core.db import Database
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import AuditEvent
from peerdesk.reports.audit_log import render_audit_log
from tests import factories as f


@pytest.fixture
def people(db: Database, admin: Actor) -> dict[str, Actor]:
    with db.begin() as s:
        f.mentor(s, admin, "Before", "Accounts")  # written by the local administrator
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR)
        sup = f.account(s, boss, "sup", vocab.Role.SUPERVISOR)
        peer = f.account(s, boss, "peer", vocab.Role.PEER_MENTOR)
        view = f.account(s, boss, "view", vocab.Role.VIEWER)
        maya = f.mentor(s, sup, "Maya", "Lopez")
        f.resident(s, sup, "Jamie", "Doe", mentor_id=maya.id)
        f.resident(s, boss, "Ana", "Avila")
    return {"boss": boss, "sup": sup, "peer": peer, "view": view}


def lines(db: Database, actor: Actor, **filters: object) -> list[audit.AuditLine]:
    with db.read() as s:
        return audit_log.page_of_lines(s, actor, AuditFilter(**filters), 0, 1000)  # type: ignore[arg-type]


def test_filters_by_person_record_and_date(db: Database, people: dict[str, Actor]) -> None:
    sup, boss = people["sup"], people["boss"]
    everything = lines(db, sup)
    assert [line.id for line in everything] == sorted((x.id for x in everything), reverse=True)
    by_sup = lines(db, sup, user_id=sup.user_id)
    assert by_sup and {line.username for line in by_sup} == {"sup"}
    residents = lines(db, sup, entity="residents")
    assert len(residents) == 2 and {line.action for line in residents} == {"create"}
    jamie = residents[-1].entity_id
    one = lines(db, sup, entity="residents", entity_id=jamie)
    assert [line.summary for line in one] == [residents[-1].summary]
    assert lines(db, sup, user_id=boss.user_id, entity="mentors") == []
    assert len(lines(db, sup, entity="mentors")) == 2
    local = lines(db, sup, username=audit_log.LOCAL_USERNAME)
    assert local and {line.username for line in local} == {"local"}
    today = clock.to_local(clock.now_utc()).date()
    assert len(lines(db, sup, date_from=today, date_to=today)) == len(everything)
    assert lines(db, sup, date_to=today - dt.timedelta(days=1)) == []
    assert lines(db, sup, date_from=today + dt.timedelta(days=1)) == []
    with db.read() as s:
        assert audit_log.count_lines(s, sup, AuditFilter(entity="residents")) == 2


def test_pages_come_from_sql_newest_first(db: Database, people: dict[str, Actor]) -> None:
    sup = people["sup"]
    with db.begin() as s:
        audit.record_many(
            s, sup, [audit.Entry("change", "residents", 1, f"n{i}") for i in range(250)]
        )
    with db.read() as s:
        total = audit_log.count_lines(s, sup, AuditFilter())
        first = audit_log.page_of_lines(s, sup, AuditFilter(), 0, 100)
        second = audit_log.page_of_lines(s, sup, AuditFilter(), 100, 100)
        last = audit_log.page_of_lines(s, sup, AuditFilter(), 200, 100)
    assert len(first) == len(second) == 100 and len(last) == total - 200
    assert first[0].summary == "n249" and second[0].summary == "n149"
    assert first[-1].id == second[0].id + 1, "pages follow each other without a gap"


def test_only_supervisors_and_administrators_read_it(
    db: Database, people: dict[str, Actor]
) -> None:
    for name in ("peer", "view"):
        with pytest.raises(PermissionDenied, match="may not read the audit log"), db.read() as s:
            audit_log.page_of_lines(s, people[name], AuditFilter(), 0, 10)
    with db.read() as s:
        denied = s.execute(select(AuditEvent).where(AuditEvent.action == "denied")).scalars()
        assert {e.username for e in denied} == {"peer", "view"}, "the refusals are audited"


def test_a_backwards_date_range_is_one_sentence(db: Database, people: dict[str, Actor]) -> None:
    with pytest.raises(ValidationError, match="is before the first"), db.read() as s:
        audit_log.count_lines(
            s,
            people["sup"],
            AuditFilter(date_from=dt.date(2026, 6, 2), date_to=dt.date(2026, 6, 1)),
        )


def test_the_chain_status_says_whole_or_tampered(
    db: Database, people: dict[str, Actor], db_path: Path
) -> None:
    sup = people["sup"]
    with db.read() as s:
        status = audit_log.chain_status(s, sup)
    assert status.ok and status.sentence().startswith("The audit trail is whole: all ")
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_events_no_update")
    raw.execute("UPDATE audit_events SET summary = 'nothing happened' WHERE id = 3")
    raw.commit()
    raw.close()
    with db.read() as s:
        status = audit_log.chain_status(s, sup)
    assert not status.ok
    assert "audit line 3 has been changed" in status.sentence()
    assert status.sentence().endswith("tell the program director.")


def test_changes_read_as_words() -> None:
    text = (
        '{"role": ["viewer", "supervisor"], "notes": ["", "moved"], "tags": ["a", "b", "c"], '
        '"house_name": ["", "Hope Street"]}'
    )
    assert audit_log.describe_changes(text) == (
        "role: viewer → supervisor; notes: (empty) → moved; tags: a, b, c; "
        "house name: (empty) → Hope Street"
    )
    assert audit_log.describe_changes("") == ""
    assert audit_log.describe_changes("not json") == "not json"
    assert audit_log.record_text("peer_sessions", 42) == "Session #42"
    assert audit_log.record_text("users", None) == "User accounts and sign-ins"


def test_the_printout_names_the_filter_and_the_chain(
    db: Database, people: dict[str, Actor]
) -> None:
    sup = people["sup"]
    options = audit_log.AuditLogOptions(AuditFilter(entity="residents"))
    with db.read() as s:
        data = audit_log.gather_audit_log(s, sup, options)
    assert data.header.names_residents, "audit lines name residents: CONFIDENTIAL on every page"
    out = io.BytesIO()
    render_audit_log(out, data)
    out.seek(0)
    reader = pypdf.PdfReader(out)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Audit log" in text and "CONFIDENTIAL" in text
    assert "The audit trail is whole" in text
    assert "2 lines (residents), newest first." in text
    assert "Jamie Doe" in text and "Ana Avila" in text
    assert "Page 1 of 1" in text


def test_a_long_printout_is_cut_and_says_so(db: Database, people: dict[str, Actor]) -> None:
    sup = people["sup"]
    with db.begin() as s:
        audit.record_many(
            s,
            sup,
            [
                audit.Entry("change", "residents", i, f"A summary long enough to wrap {i} " * 3)
                for i in range(300)
            ],
        )
    with db.read() as s:
        data = audit_log.gather_audit_log(s, sup, audit_log.AuditLogOptions(max_lines=250))
    assert data.cut and len(data.lines) == 250
    out = io.BytesIO()
    render_audit_log(out, data)
    out.seek(0)
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) > 5
    first = reader.pages[0].extract_text()
    assert "The newest 250 of " in first and "narrow the dates" in first
    for page in reader.pages:
        assert "Line When Who" in page.extract_text().replace("\n", " "), "headings on each page"


def test_printing_it_needs_permission_to_print_names(
    db: Database, people: dict[str, Actor]
) -> None:
    no_names = Actor("auditor", vocab.Role.SUPERVISOR, people["sup"].user_id)
    with db.read() as s:
        audit_log.gather_audit_log(s, no_names, audit_log.AuditLogOptions())
    with pytest.raises(PermissionDenied), db.read() as s:
        audit_log.gather_audit_log(s, people["view"], audit_log.AuditLogOptions())


def test_people_and_find_person(db: Database, people: dict[str, Actor]) -> None:
    with db.read() as s:
        names = [p.username for p in audit_log.people(s, people["sup"])]
        assert names == ["boss", "peer", "sup", "view"]
        assert audit_log.find_person(s, people["sup"], " Peer ") == people["peer"].user_id
        with pytest.raises(Exception, match="There is no account called nobody"):
            audit_log.find_person(s, people["sup"], "nobody")
