"""Signing in through the dialog (right, wrong, the lockout's wait) and making the first
administrator; every attempt is in the audit log."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent, User
from peerdesk.core.services import users
from peerdesk.ui.dialogs.first_admin import FirstAdministratorDialog, suggested_username
from peerdesk.ui.dialogs.sign_in import Moment, SignInDialog
from tests import factories as f
from tests.ui.dialog_support import assert_refused, control_problems, press_save

PASSWORD = "three little birds sing"


@pytest.fixture
def house(db: Database, admin: Actor) -> Database:
    with db.begin() as s:
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR, password=PASSWORD)
        f.account(s, boss, "maya", vocab.Role.PEER_MENTOR, password=PASSWORD)
    return db


def sign_in_dialog(qtbot: QtBot, db: Database, **kwargs: object) -> SignInDialog:
    dialog = SignInDialog(None, db, house_name="Hope House", **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def attempts(db: Database) -> list[tuple[str, str, str]]:
    with db.read() as s:
        rows = s.execute(
            select(AuditEvent.username, AuditEvent.action, AuditEvent.summary)
            .where(AuditEvent.action.like("login%"))
            .order_by(AuditEvent.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_the_right_password_signs_in(qtbot: QtBot, house: Database) -> None:
    dialog = sign_in_dialog(qtbot, house)
    heard: list[Actor] = []
    dialog.signed_in.connect(heard.append)
    dialog.username.setText(" Maya ")
    dialog.password.setText(PASSWORD)
    press_save(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert dialog.actor is not None and dialog.actor.username == "maya"
    assert dialog.actor.role == vocab.Role.PEER_MENTOR and heard == [dialog.actor]
    assert dialog.password.text() == ""
    assert attempts(house) == [("maya", "login", "maya signed in")]


def test_a_wrong_password_keeps_the_dialog_open_with_one_sentence(
    qtbot: QtBot, house: Database
) -> None:
    dialog = sign_in_dialog(qtbot, house)
    dialog.username.setText("maya")
    dialog.password.setText("not my password")
    press_save(dialog)
    assert dialog.isVisible() and dialog.actor is None
    assert (
        dialog.banner.text() == "The username or password is not right. Check them and try again."
    )
    assert dialog.password.text() == "" and dialog.focusWidget() is dialog.password
    dialog.username.setText("nobody")
    dialog.password.setText(PASSWORD)
    press_save(dialog)
    assert dialog.banner.text().startswith("The username or password is not right.")
    assert attempts(house) == [
        ("maya", "login_failed", "Wrong password (1 in a row)"),
        ("nobody", "login_failed", "Unknown username 'nobody'"),
    ]


def test_the_lockout_says_how_long_to_wait(qtbot: QtBot, house: Database) -> None:
    dialog = sign_in_dialog(qtbot, house)
    for _ in range(users.FREE_ATTEMPTS):
        dialog.username.setText("maya")
        dialog.password.setText("a wrong guess")
        press_save(dialog)
    assert dialog.banner.text() == "The password is not right. Too many tries: wait 30 seconds."
    dialog.password.setText(PASSWORD)  # even the right password waits
    press_save(dialog)
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.banner.text().startswith("Too many wrong passwords. Wait ")
    assert dialog.banner.text().endswith(" seconds, then try again.")
    assert attempts(house)[-1] == ("maya", "login_failed", "Account locked")


def test_a_deactivated_account_is_told_so(qtbot: QtBot, house: Database) -> None:
    with house.begin() as s:
        boss = users.actor_for(users.list_users(s, Actor.local_administrator())[0])
        maya = s.execute(select(User.id).where(User.username == "maya")).scalar_one()
        users.set_active(s, boss, maya, False)
    dialog = sign_in_dialog(qtbot, house)
    dialog.username.setText("maya")
    dialog.password.setText(PASSWORD)
    press_save(dialog)
    assert dialog.banner.text() == (
        "This account has been deactivated. Ask an administrator to reactivate it."
    )


def test_empty_boxes_are_said_under_them(qtbot: QtBot, house: Database) -> None:
    dialog = sign_in_dialog(qtbot, house)
    press_save(dialog)
    assert_refused(dialog, "username", "Type your username.")
    assert_refused(dialog, "password", "Type your password.")
    assert attempts(house) == [], "nothing was tried"


def test_the_demo_shows_its_password_and_fills_it_in(qtbot: QtBot, house: Database) -> None:
    dialog = sign_in_dialog(qtbot, house, username="boss", demo_password=PASSWORD)
    assert dialog.demo_hint is not None and PASSWORD in dialog.demo_hint.text()
    assert dialog.username.text() == "boss" and dialog.password.text() == PASSWORD
    press_save(dialog)
    assert dialog.actor is not None and dialog.actor.username == "boss"


def test_on_the_locked_window_esc_and_closing_do_nothing_and_quit_asks_to_quit(
    qtbot: QtBot, house: Database
) -> None:
    dialog = sign_in_dialog(qtbot, house, moment=Moment.LOCKED, username="maya", who="Maya")
    asked: list[bool] = []
    dialog.quit_requested.connect(lambda: asked.append(True))
    assert dialog.username.text() == "maya" and dialog.focusWidget() is dialog.password
    qtbot.keyClick(dialog, "\x1b")
    dialog.close()
    assert dialog.isVisible() and asked == []
    dialog.cancel_button.click()
    assert asked == [True] and dialog.isVisible(), "the window decides what quitting means"


def test_ask_returns_the_actor_or_none(
    qtbot: QtBot, house: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def type_and_sign_in(dialog: SignInDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.username.setText("boss")
        dialog.password.setText(PASSWORD)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", type_and_sign_in)
    actor = SignInDialog.ask(None, house)
    assert actor is not None and actor.role == vocab.Role.ADMINISTRATOR

    def quit_(dialog: SignInDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", quit_)
    assert SignInDialog.ask(None, house) is None


def test_the_sign_in_is_labelled(qtbot: QtBot, house: Database) -> None:
    assert control_problems(sign_in_dialog(qtbot, house)) == []
    assert control_problems(sign_in_dialog(qtbot, house, moment=Moment.LOCKED)) == []


# --------------------------------------------------------------------------- first administrator


def first_admin(qtbot: QtBot, db: Database, *, existing: bool = False) -> FirstAdministratorDialog:
    dialog = FirstAdministratorDialog(None, db, existing_house=existing)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_first_administrator_is_made_and_signed_in(qtbot: QtBot, db: Database) -> None:
    dialog = first_admin(qtbot, db)
    qtbot.keyClicks(dialog.full_name, "Dana Whitaker")
    assert dialog.username.text() == "dana", "a username is suggested from the name"
    dialog.password.setText("porch swing after supper")
    dialog.password_again.setText("porch swing after supper")
    press_save(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.username == "dana"
    assert dialog.actor.role == vocab.Role.ADMINISTRATOR and dialog.actor.user_id is not None
    assert dialog.password.text() == dialog.password_again.text() == ""
    with db.read() as s:
        assert users.any_accounts(s)
        lines = s.execute(
            select(AuditEvent.username, AuditEvent.action).order_by(AuditEvent.id)
        ).all()
    assert [tuple(r) for r in lines][-2:] == [("dana", "create"), ("dana", "login")]


def test_the_first_administrator_refuses_what_is_wrong_and_writes_nothing(
    qtbot: QtBot, db: Database
) -> None:
    dialog = first_admin(qtbot, db, existing=True)
    dialog.full_name.setText("Dana Whitaker")
    dialog.username.setText("Dana W")
    dialog.password.setText("short")
    dialog.password_again.setText("shirt")
    press_save(dialog)
    assert_refused(dialog, "username", "2 to 40 letters")
    assert_refused(dialog, "password", "at least 12 characters")
    assert_refused(dialog, "password_again", "The two passwords are not the same")
    dialog.username.setText("dana")
    dialog.password.setText("porch swing after supper")
    dialog.password_again.setText("porch swing after supper!")
    press_save(dialog)
    assert_refused(dialog, "password_again", "not the same")
    with db.read() as s:
        assert not users.any_accounts(s), "nothing was written"


def test_the_first_administrator_explains_itself_for_an_old_house(
    qtbot: QtBot, db: Database
) -> None:
    from PySide6.QtWidgets import QLabel

    new = " ".join(label.text() for label in first_admin(qtbot, db).findChildren(QLabel))
    old = " ".join(
        label.text() for label in first_admin(qtbot, db, existing=True).findChildren(QLabel)
    )
    assert "Who looks after PeerDesk?" in new and "42 CFR Part 2" in new
    assert "From now on, everyone signs in" in old and "choose Quit" in old
    assert "At least 12 characters" in new, "the one rule is shown"


def test_the_first_administrator_is_labelled(qtbot: QtBot, db: Database) -> None:
    assert control_problems(first_admin(qtbot, db)) == []


def test_suggested_usernames() -> None:
    assert suggested_username("Dana Whitaker") == "dana"
    assert suggested_username("  José  Ortiz") == "jose"
    assert suggested_username("Mary-Kate O'Neil") == "mary-kate"
    assert suggested_username("") == ""
