"""House → User accounts: add, set a new password, change a role, deactivate and reactivate,
the refusals (yourself, the last administrator), and Change my password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QDialog, QGroupBox, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent, Mentor
from peerdesk.core.permissions import Action
from peerdesk.core.services import users
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.accounts import (
    AccountDialog,
    ChangePasswordDialog,
    ResetPasswordDialog,
    RoleDialog,
    UserAccountsDialog,
)
from tests import factories as f
from tests.ui.dialog_support import (
    Announcements,
    assert_refused,
    control_problems,
    make_context,
    press_save,
)
from tests.window_support import Messages

PASSWORD = "three little birds sing"
NEW = "a brand new password"


@pytest.fixture
def boss(db: Database, admin: Actor) -> Actor:
    with db.begin() as s:
        f.mentor(s, admin, "Maya", "Lopez")
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR, password=PASSWORD)
        f.account(s, boss, "sup", vocab.Role.SUPERVISOR, password=PASSWORD)
    return boss


@pytest.fixture
def ctx(db: Database, boss: Actor) -> UiContext:
    return make_context(db, boss)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


def accounts_dialog(qtbot: QtBot, ctx: UiContext) -> UserAccountsDialog:
    dialog = UserAccountsDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def answering(
    monkeypatch: pytest.MonkeyPatch, cls: type[QDialog], fill: Callable[[Any], None]
) -> None:
    """``cls``'s dialog, when opened, is filled in by ``fill`` and saved (as a person would)."""

    def run(dialog: Any) -> int:
        fill(dialog)
        press_save(dialog)
        return dialog.result()

    monkeypatch.setattr(cls, "exec", run)


def can_sign_in(db: Database, username: str, password: str) -> bool:
    with db.begin() as s:
        return users.sign_in(s, username, password).ok


def test_the_list_shows_every_account(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = accounts_dialog(qtbot, ctx)
    assert dialog.table.rowCount() == 2
    cells = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert cells[:3] == ["boss", "Boss", "Administrator"] and cells[4] == "Active"
    assert dialog.selected() is not None and dialog.selected().username == "boss"
    assert control_problems(dialog) == []


def test_add_a_peer_mentor_linked_to_their_record(
    qtbot: QtBot, ctx: UiContext, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard = Announcements.listen(ctx)

    def fill(d: AccountDialog) -> None:
        d.full_name.setText("Tuan Jimenez")
        d.full_name.textEdited.emit("Tuan Jimenez")
        assert d.username.text() == "tuan"
        assert d.role_fields.chosen_role() == vocab.Role.PEER_MENTOR
        assert d.role_fields.mentor.isVisibleTo(d) and not d.role_fields.may_print.isVisibleTo(d)
        d.role_fields.mentor.setCurrentIndex(1)  # Maya Lopez
        d.password.setText(NEW)
        d.password_again.setText(NEW)

    answering(monkeypatch, AccountDialog, fill)
    dialog = accounts_dialog(qtbot, ctx)
    dialog.add_button.click()
    assert [dialog.table.item(r, 0).text() for r in range(3)] == ["boss", "sup", "tuan"]
    assert dialog.selected().username == "tuan"
    assert dialog.table.item(2, 3).text() == "Maya Lopez"
    assert can_sign_in(db, "tuan", NEW)
    with db.read() as s:
        linked = s.execute(select(Mentor.first_name).where(Mentor.user_id.is_not(None)))
        assert linked.scalars().all() == ["Maya"]
    assert ("users", dialog.selected().id) in heard.seen


def test_a_new_account_is_refused_in_words(qtbot: QtBot, ctx: UiContext, db: Database) -> None:
    dialog = AccountDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.full_name.setText("Someone")
    dialog.username.setText("sup")
    dialog.password.setText("short")
    dialog.password_again.setText("short")
    press_save(dialog)
    assert_refused(dialog, "username", "There is already an account called sup.")
    assert_refused(dialog, "password", "at least 12 characters")
    dialog.role_fields.role.set_value(vocab.Role.VIEWER)
    assert dialog.role_fields.may_print.isVisibleTo(dialog)
    assert not dialog.role_fields.mentor.isVisibleTo(dialog)
    assert control_problems(dialog) == []


def test_set_a_new_password(
    qtbot: QtBot, ctx: UiContext, db: Database, monkeypatch: pytest.MonkeyPatch, shown: Messages
) -> None:
    for _ in range(users.FREE_ATTEMPTS):
        can_sign_in(db, "sup", "wrong guess, again")
    answering(
        monkeypatch,
        ResetPasswordDialog,
        lambda d: (d.password.setText(NEW), d.password_again.setText(NEW)),
    )
    dialog = accounts_dialog(qtbot, ctx)
    dialog.select_username("sup")
    dialog.reset_button.click()
    assert shown.texts("info") == ["Sup can now sign in with the new password."]
    assert not can_sign_in(db, "sup", PASSWORD)
    assert can_sign_in(db, "sup", NEW), "the lock after wrong passwords is lifted too"


def words_on(dialog: QWidget) -> str:
    """Everything a person reads on the dialog: title, labels, hints, buttons, section titles,
    tooltips and what a screen reader says."""
    texts = [dialog.windowTitle()]
    texts += [label.text() for label in dialog.findChildren(QLabel)]
    texts += [button.text() for button in dialog.findChildren(QAbstractButton)]
    texts += [box.title() for box in dialog.findChildren(QGroupBox)]
    for widget in dialog.findChildren(QWidget):
        texts += [widget.toolTip(), widget.accessibleName()]
    return "\n".join(texts)


def test_the_sign_in_secret_is_called_a_password_everywhere(
    qtbot: QtBot, ctx: UiContext, db: Database
) -> None:
    from peerdesk.ui.dialogs.first_admin import FirstAdministratorDialog

    with db.read() as s:
        sup = next(a for a in users.list_users(s, ctx.actor) if a.username == "sup")
    forms = [
        AccountDialog(None, ctx),
        ResetPasswordDialog(None, ctx, sup),
        ChangePasswordDialog(None, ctx),
        FirstAdministratorDialog(None, db, existing_house=False),
    ]
    for form in forms:
        qtbot.addWidget(form)
        form.show()
        password_boxes = [n for n in ("password", "new_password") if hasattr(form, n)]
        getattr(form, password_boxes[0]).setText("short")
        getattr(form, password_boxes[0] + "_again").setText("shirt")
        press_save(form)  # the refusals are read too
        words = words_on(form)
        assert "password" in words.lower(), type(form).__name__
        assert "passphrase" not in words.lower(), (type(form).__name__, words)
    assert "First password" in words_on(forms[0])
    assert "The two passwords are not the same" in words_on(forms[1])


def test_deactivate_and_reactivate(
    qtbot: QtBot, ctx: UiContext, db: Database, shown: Messages
) -> None:
    dialog = accounts_dialog(qtbot, ctx)
    dialog.select_username("sup")
    assert dialog.active_button.text() == "&Deactivate"
    shown.answer = False
    dialog.active_button.click()
    assert can_sign_in(db, "sup", PASSWORD), "cancelled: nothing changed"
    shown.answer = True
    dialog.active_button.click()
    assert "They can no longer sign in" in shown.texts("confirm")[-1]
    assert dialog.table.item(1, 4).text() == "Deactivated"
    assert dialog.active_button.text() == "R&eactivate"
    assert not can_sign_in(db, "sup", PASSWORD)
    dialog.active_button.click()
    assert dialog.table.item(1, 4).text() == "Active" and can_sign_in(db, "sup", PASSWORD)
    with db.read() as s:
        actions = s.execute(
            select(AuditEvent.action)
            .where(AuditEvent.action.in_(["activate", "deactivate"]))
            .order_by(AuditEvent.id)
        ).scalars()
        assert list(actions) == ["deactivate", "activate"]


def test_nobody_deactivates_themselves(qtbot: QtBot, ctx: UiContext, shown: Messages) -> None:
    dialog = accounts_dialog(qtbot, ctx)
    dialog.select_username("boss")
    dialog.active_button.click()
    assert dialog.banner.text() == "You cannot deactivate your own account."
    assert dialog.table.item(0, 4).text() == "Active"


def test_the_last_administrator_stays_one(
    qtbot: QtBot, ctx: UiContext, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused: list[str] = []

    def fill(d: RoleDialog) -> None:
        qtbot.addWidget(d)
        d.show()
        d.role_fields.role.set_value(vocab.Role.SUPERVISOR)
        press_save(d)
        refused.append(d.errors.message_for("role") or "")
        assert d.isVisible(), "the form stays open with the refusal"
        d.reject()

    monkeypatch.setattr(RoleDialog, "exec", lambda d: (fill(d), d.result())[1])
    dialog = accounts_dialog(qtbot, ctx)
    dialog.select_username("boss")
    dialog.role_button.click()
    assert refused == ["This is the last active administrator; make another one first."]
    assert ctx.actor.role == vocab.Role.ADMINISTRATOR
    assert dialog.table.item(0, 2).text() == "Administrator"


def test_a_role_change_and_a_viewer_who_may_print_names(
    qtbot: QtBot, ctx: UiContext, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(d: RoleDialog) -> None:
        d.role_fields.role.set_value(vocab.Role.VIEWER)
        d.role_fields.may_print.setChecked(True)

    answering(monkeypatch, RoleDialog, fill)
    dialog = accounts_dialog(qtbot, ctx)
    dialog.select_username("sup")
    dialog.role_button.click()
    assert dialog.table.item(1, 2).text() == "Viewer, prints names"
    with db.begin() as s:
        result = users.sign_in(s, "sup", PASSWORD)
    assert result.actor is not None and result.actor.role == vocab.Role.VIEWER
    assert result.actor.may(Action.PRINT_IDENTIFIED)


def test_changing_your_own_role_changes_the_window(
    qtbot: QtBot, ctx: UiContext, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.begin() as s:
        f.account(s, ctx.actor, "second", vocab.Role.ADMINISTRATOR)
    changed: list[bool] = []
    ctx.events.actor_changed.connect(lambda: changed.append(True))
    answering(
        monkeypatch, RoleDialog, lambda d: d.role_fields.role.set_value(vocab.Role.SUPERVISOR)
    )
    dialog = accounts_dialog(qtbot, ctx)
    dialog.select_username("boss")
    dialog.role_button.click()
    assert changed == [True] and ctx.actor.role == vocab.Role.SUPERVISOR
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_change_my_password(qtbot: QtBot, ctx: UiContext, db: Database) -> None:
    dialog = ChangePasswordDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.old_password.setText("not it")
    dialog.new_password.setText(NEW)
    dialog.new_password_again.setText(NEW)
    press_save(dialog)
    assert_refused(dialog, "old_password", "Your current password is not right.")
    assert dialog.new_password.text() == "", "refused: every box is emptied"
    dialog.old_password.setText(PASSWORD)
    dialog.new_password.setText(NEW)
    dialog.new_password_again.setText(NEW + "x")
    press_save(dialog)
    assert_refused(dialog, "new_password_again", "not the same")
    dialog.old_password.setText(PASSWORD)
    dialog.new_password.setText(NEW)
    dialog.new_password_again.setText(NEW)
    press_save(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert can_sign_in(db, "boss", NEW) and not can_sign_in(db, "boss", PASSWORD)
    assert control_problems(dialog) == []


def test_only_an_administrator_sees_the_accounts(
    qtbot: QtBot, db: Database, boss: Actor, shown: Messages
) -> None:
    with db.begin() as s:
        sup = users.sign_in(s, "sup", PASSWORD).actor
    assert sup is not None
    dialog = accounts_dialog(qtbot, make_context(db, sup))
    assert dialog.table.rowCount() == 0 and not dialog.add_button.isEnabled()
    assert dialog.banner.text() == (
        "A supervisor account may not manage user accounts. Ask an administrator."
    )
