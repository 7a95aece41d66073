"""What the window reads about accounts: the role table in words, a peer mentor's own
supervision notes, linking an account to a mentor record, and the lock's audit lines."""

from __future__ import annotations

import datetime as dt
import html.parser
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from peerdesk.core import accounts, attention, listing, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import AuditEvent, Mentor
from peerdesk.core.permissions import QUALIFIED, Action, allowed, role_table, role_table_rows
from peerdesk.core.services import supervision
from tests import factories as f

# --------------------------------------------------------------------------- the role table


def test_every_cell_of_the_role_table_follows_the_code() -> None:
    rows = role_table_rows()
    assert len(rows) == len(Action)
    for (what, cells), action in zip(rows, Action, strict=True):
        assert what.lower() == action.value.lower()
        for cell, role in zip(cells, vocab.Role, strict=True):
            if (role, action) in QUALIFIED:
                assert cell == QUALIFIED[(role, action)]
            else:
                assert cell == ("yes" if allowed(role, action) else "—")
    # The qualified cells: "own" narrows what the role may do; "if allowed" is granted per
    # account by an administrator.
    for (role, action), word in QUALIFIED.items():
        assert allowed(role, action) == (word == "own"), (role, action)


def test_the_role_table_as_text_and_html() -> None:
    text = role_table().splitlines()
    assert text[0].split() == ["What", "Administrator", "Supervisor", "Peer", "mentor", "Viewer"]
    assert any(line.startswith("Read the audit log") for line in text)
    assert len(text) == len(Action) + 1

    class Cells(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "tr":
                self.rows.append([])

        def handle_data(self, data: str) -> None:
            if self.rows and data.strip():
                self.rows[-1].append(data)

    parsed = Cells()
    parsed.feed(role_table(html=True))
    assert parsed.rows[0] == ["What", "Administrator", "Supervisor", "Peer mentor", "Viewer"]
    assert parsed.rows[1:] == [[what, *cells] for what, cells in role_table_rows()]


# --------------------------------------------------------------------------- own notes


@dataclass
class House:
    own: int  # the mentor record of the peer mentor's account
    other: int
    own_note: int
    other_note: int
    boss: Actor
    peer: Actor
    view: Actor
    sup: Actor


@pytest.fixture
def house(db: Database, admin: Actor) -> House:
    with db.begin() as s:
        own = f.mentor(s, admin, "Own", "Mentor")
        other = f.mentor(s, admin, "Other", "Mentor")
        item = supervision.ActionItemEntry("Read the boundaries handout")
        own_note = f.note(s, admin, own.id, items=[item])
        other_note = f.note(s, admin, other.id, items=[item])
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR)
        return House(
            own.id,
            other.id,
            own_note.id,
            other_note.id,
            boss,
            f.account(s, boss, "peer", vocab.Role.PEER_MENTOR, own.id),
            f.account(s, boss, "view", vocab.Role.VIEWER),
            f.account(s, boss, "sup", vocab.Role.SUPERVISOR),
        )


def note_ids(db: Database, actor: Actor) -> set[int]:
    query = listing.ListQuery(notes_about_user=listing.notes_reader(actor))
    with db.read() as s:
        rows = listing.fetch_page(s, listing.SUPERVISION, query, 0, 100)
        assert listing.count(s, listing.SUPERVISION, query) == len(rows)
        assert listing.count_all(s, listing.SUPERVISION, query.unfiltered()) == len(rows)
    return {row.id for row in rows}


def test_a_peer_mentor_lists_only_the_notes_about_themselves(db: Database, house: House) -> None:
    both = {house.own_note, house.other_note}
    assert note_ids(db, house.sup) == both
    assert note_ids(db, house.boss) == both
    assert note_ids(db, house.peer) == {house.own_note}
    assert note_ids(db, house.view) == set(), "a viewer reads no supervision notes"


def test_home_shows_a_peer_mentor_only_their_own_action_items(
    db: Database, house: House, today: dt.date
) -> None:
    with db.read() as s:
        everyone = attention.open_action_items(s, today)
        own = attention.open_action_items(s, today, about_user=listing.notes_reader(house.peer))
    assert {i.mentor_id for i in everyone} == {house.own, house.other}
    assert {i.mentor_id for i in own} == {house.own}


# --------------------------------------------------------------------------- mentor records


def test_an_account_is_linked_to_one_mentor_record(db: Database, house: House) -> None:
    boss, peer = house.boss, house.peer
    assert peer.user_id is not None
    with db.begin() as s:
        accounts.link_mentor(s, boss, peer.user_id, house.other)
    with db.read() as s:
        linked = s.execute(select(Mentor.id).where(Mentor.user_id == peer.user_id)).scalars()
        assert list(linked) == [house.other], "the previous record was let go"
        choices = {c.mentor_id: c.user_id for c in accounts.mentor_choices(s, boss)}
        assert choices == {house.own: None, house.other: peer.user_id}
        changes = s.execute(
            select(AuditEvent.entity_id).where(
                AuditEvent.entity == "mentors", AuditEvent.action == "change"
            )
        ).scalars()
        assert sorted(changes) == sorted([house.own, house.other])
    with db.begin() as s:
        sup = house.sup
        assert sup.user_id is not None
        with pytest.raises(ValidationError, match="already linked to the account peer"):
            accounts.link_mentor(s, boss, sup.user_id, house.other)
    with db.begin() as s:
        accounts.link_mentor(s, boss, peer.user_id, None)
    with db.read() as s:
        assert s.execute(select(Mentor.id).where(Mentor.user_id == peer.user_id)).first() is None


def test_only_an_administrator_links_records(db: Database, house: House) -> None:
    sup, peer = house.sup, house.peer
    assert peer.user_id is not None
    with pytest.raises(PermissionDenied), db.begin() as s:
        accounts.link_mentor(s, sup, peer.user_id, None)


# --------------------------------------------------------------------------- who and the lock


def test_own_account_and_the_lock_lines(db: Database, house: House) -> None:
    peer, sup = house.peer, house.sup
    with db.read() as s:
        mine = accounts.own_account(s, peer)
        assert mine is not None and mine.mentor_id == house.own
        assert accounts.display_name(mine, peer) == "Peer (Peer mentor)"
        assert accounts.own_account(s, Actor.local_administrator()) is None
    assert accounts.display_name(None, Actor.local_administrator()) == "local"
    with db.begin() as s:
        accounts.record_lock(s, peer, "Window locked after 5 idle minutes")
        accounts.record_unlock(s, peer, peer)
        accounts.record_lock(s, peer, "Window locked (Lock now)")
        accounts.record_unlock(s, peer, sup)
        accounts.record_sign_out(s, sup)
    with db.read() as s:
        got = s.execute(
            select(AuditEvent.username, AuditEvent.action, AuditEvent.summary)
            .where(AuditEvent.action.in_(["lock", "unlock", "logout"]))
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(row) for row in got] == [
        ("peer", "lock", "Window locked after 5 idle minutes"),
        ("peer", "unlock", "peer unlocked the window"),
        ("peer", "lock", "Window locked (Lock now)"),
        ("sup", "unlock", "sup unlocked the window; peer's session ended"),
        ("sup", "logout", "sup signed out"),
    ]
