"""Accounts: hashing, the slowing lockout, the last administrator, and the audit trail."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from peerdesk.core import audit, clock, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import AuditEvent, User
from peerdesk.core.services import users
from tests import factories as f

PASSWORD = "three little birds sing"


@pytest.fixture
def accounts(db: Database, admin: Actor) -> dict[str, Actor]:
    with db.begin() as s:
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR, password=PASSWORD)
        sup = f.account(s, boss, "sup", vocab.Role.SUPERVISOR, password=PASSWORD)
    return {"boss": boss, "sup": sup}


def test_the_first_account_must_be_an_administrator(db: Database, admin: Actor) -> None:
    with (
        pytest.raises(ValidationError, match="first account must be an administrator"),
        db.begin() as s,
    ):
        users.create_user(s, admin, "maya", "Maya", vocab.Role.PEER_MENTOR, PASSWORD)


def test_passwords_need_twelve_characters_and_usernames_a_shape(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationError) as caught, db.begin() as s:
        users.create_user(s, admin, "no spaces!", "X", vocab.Role.ADMINISTRATOR, "short")
    assert caught.value.for_field("password") is not None
    assert "12 characters" in str(caught.value.for_field("password"))
    assert caught.value.for_field("username") is not None


def test_sign_in_right_and_wrong_both_audited(db: Database, accounts: dict[str, Actor]) -> None:
    with db.begin() as s:
        wrong = users.sign_in(s, "boss", "not the password")
        right = users.sign_in(s, "BOSS", PASSWORD)
        unknown = users.sign_in(s, "ghost", PASSWORD)
    assert not wrong.ok and "not right" in wrong.message
    assert right.ok and right.actor is not None and right.actor.role == vocab.Role.ADMINISTRATOR
    assert not unknown.ok and unknown.message == wrong.message, "no hint which part was wrong"
    with db.read() as s:
        actions = (
            s.execute(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("login%"))
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert actions == ["login_failed", "login", "login_failed"]


def test_lockout_slows_repeated_guessing(
    db: Database, accounts: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime(2026, 6, 15, 10, 0, 0)
    monkeypatch.setattr(clock, "now_utc", lambda: now)
    with db.begin() as s:
        for _ in range(users.FREE_ATTEMPTS - 1):
            assert "not right" in users.sign_in(s, "sup", "guess guess guess").message
        fifth = users.sign_in(s, "sup", "guess guess guess")
        locked = users.sign_in(s, "sup", PASSWORD)  # even the right password waits
    assert "wait 30 seconds" in fifth.message
    assert not locked.ok and "Wait" in locked.message
    now = now + dt.timedelta(seconds=31)
    with db.begin() as s:
        sixth = users.sign_in(s, "sup", "guess guess guess")
    assert "wait 60 seconds" in sixth.message, "each further failure doubles the wait"
    now = now + dt.timedelta(seconds=61)
    with db.begin() as s:
        assert users.sign_in(s, "sup", PASSWORD).ok
        assert s.execute(select(User.failed_logins).where(User.username == "sup")).scalar() == 0


def test_reset_deactivate_and_the_last_administrator(
    db: Database, accounts: dict[str, Actor]
) -> None:
    boss, sup = accounts["boss"], accounts["sup"]
    with pytest.raises(PermissionDenied), db.begin() as s:
        users.reset_password(s, sup, boss.user_id or 0, "a brand new passphrase")
    with db.begin() as s:
        users.reset_password(s, boss, sup.user_id or 0, "a brand new passphrase")
        assert users.sign_in(s, "sup", "a brand new passphrase").ok
    with pytest.raises(ValidationError, match="your own account"), db.begin() as s:
        users.set_active(s, boss, boss.user_id or 0, False)
    with pytest.raises(ValidationError, match="last active administrator"), db.begin() as s:
        users.set_role(s, boss, boss.user_id or 0, vocab.Role.VIEWER, may_print_identified=False)
    with db.begin() as s:
        users.set_active(s, boss, sup.user_id or 0, False)
        refused = users.sign_in(s, "sup", "a brand new passphrase")
    assert "deactivated" in refused.message
    with db.read() as s:
        assert s.get(User, sup.user_id) is not None, "never deleted"


def test_a_viewer_prints_named_reports_only_when_allowed(db: Database, admin: Actor) -> None:
    from peerdesk.core.permissions import Action

    with db.begin() as s:
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR)
        made = users.create_user(s, boss, "visitor", "Visitor", vocab.Role.VIEWER, PASSWORD)
        assert not users.actor_for(made).may(Action.PRINT_IDENTIFIED)
        allowed = users.set_role(s, boss, made.id, vocab.Role.VIEWER, may_print_identified=True)
        assert users.actor_for(allowed).may(Action.PRINT_IDENTIFIED)
        assert not users.actor_for(allowed).may(Action.EDIT_RESIDENTS)


def test_no_password_in_plain_text_anywhere_in_the_file(
    db: Database, accounts: dict[str, Actor], db_path: Path
) -> None:
    with db.begin() as s:
        users.sign_in(s, "boss", PASSWORD)
        users.sign_in(s, "boss", "my wrong attempt here")
    db.close()
    data = db_path.read_bytes()
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    assert PASSWORD.encode() not in data
    assert b"my wrong attempt here" not in data
    assert b"$argon2id$" in data


def _tamper(db_path: Path, *statements: str) -> None:
    connection = sqlite3.connect(db_path)
    connection.execute("DROP TRIGGER audit_events_no_update")
    connection.execute("DROP TRIGGER audit_events_no_delete")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("statements", "words"),
    [
        (["UPDATE audit_events SET summary = 'nothing to see' WHERE id = 2"], "changed"),
        (["UPDATE audit_events SET username = 'someone' WHERE id = 1"], "changed"),
        (["DELETE FROM audit_events WHERE id = 2"], "missing"),
        (["DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)"], "missing"),
        (
            [
                "UPDATE audit_events SET id = -1 WHERE id = 2",
                "UPDATE audit_events SET id = 2 WHERE id = 3",
                "UPDATE audit_events SET id = 3 WHERE id = -1",
            ],
            "follow",
        ),
    ],
)
def test_every_single_row_tamper_is_detected(
    db: Database, accounts: dict[str, Actor], db_path: Path, statements: list[str], words: str
) -> None:
    with db.begin() as s:
        users.sign_in(s, "boss", PASSWORD)
        assert audit.verify_chain(s) == []
    db.close()
    _tamper(db_path, *statements)
    reopened = Database.open(db_path)
    try:
        with reopened.read() as s:
            problems = audit.verify_chain(s)
    finally:
        reopened.close()
    assert problems, "check must notice"
    assert any(words in p.message for p in problems), problems


def test_audit_rows_cannot_be_changed_through_the_database(
    db: Database, accounts: dict[str, Actor]
) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="cannot be changed"), db.begin() as s:
        s.connection().exec_driver_sql("UPDATE audit_events SET summary = 'x'")


def test_the_audit_view_filters_and_is_for_supervisors_and_administrators(
    db: Database, accounts: dict[str, Actor], admin: Actor
) -> None:
    with db.begin() as s:
        f.resident(s, accounts["sup"], "Ann", "Lee")
        mentor_login = f.account(s, accounts["boss"], "maya", vocab.Role.PEER_MENTOR)
    with db.read() as s:
        by_sup = audit.list_events(s, accounts["sup"], username="sup")
        residents_lines = audit.list_events(s, accounts["boss"], entity="residents")
    assert [line.action for line in by_sup] == ["create"]
    assert residents_lines[0].summary.startswith("Intake of Ann Lee")
    with pytest.raises(PermissionDenied), db.read() as s:
        audit.list_events(s, mentor_login)
