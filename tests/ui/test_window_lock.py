"""The window locks after the idle minutes, shows no resident while locked, and unlocks for
the same person or switches to another; lock, unlock and sign-out are audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent
from peerdesk.ui.dialogs.resident import ResidentDialog
from peerdesk.ui.features.accounts import AccountsFeature
from peerdesk.ui.main_window import MainWindow
from tests.conftest import DiscardPrompt
from tests.ui.accounts_support import (
    OTHER_PASSWORDS,
    Accounts,
    add_accounts,
    feature_of,
    names_on_screen,
    resident_names,
    visible_texts,
    window_for,
)
from tests.window_support import Messages, copy_of, demo_house, open_window


@pytest.fixture(scope="module")
def house_file(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    return demo_house(tmp_path_factory, template_db)


@pytest.fixture
def house(house_file: Path, tmp_path: Path, today: dt.date) -> Iterator[Database]:
    db = Database.open(copy_of(house_file, tmp_path / "house"))
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def accounts(house: Database) -> Accounts:
    return add_accounts(house)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def window(qtbot: QtBot, house: Database, accounts: Accounts, tmp_path: Path) -> MainWindow:
    return window_for(qtbot, house, tmp_path / "profile", "boss")


def audit_lines(db: Database, *actions: str) -> list[tuple[str, str, str]]:
    with db.read() as s:
        rows = s.execute(
            select(AuditEvent.username, AuditEvent.action, AuditEvent.summary)
            .where(AuditEvent.action.in_(actions))
            .order_by(AuditEvent.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def open_forms(qtbot: QtBot, window: MainWindow) -> tuple[ResidentDialog, QMessageBox]:
    """A resident's form with something typed, and a question naming the resident, open over
    the window (shown without their own event loop, so the test goes on)."""
    tab = window.residents
    window.tabs.setCurrentWidget(tab)
    tab.view.selectRow(0)
    record_id = tab.selected_id()
    assert record_id is not None
    form = ResidentDialog(window, window.ctx, record_id)
    qtbot.addWidget(form)
    form.show()
    form.phone.setText("555-0142")
    name = tab.row_value("name")
    question = QMessageBox(
        QMessageBox.Icon.Question, "Discharge", f"Discharge {name}?", parent=window
    )
    qtbot.addWidget(question)
    question.show()
    return form, question


def unlock(feature: AccountsFeature, username: str, password: str | None = None) -> None:
    dialog = feature.lock.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.username.setText(username)
    dialog.password.setText(OTHER_PASSWORDS[username] if password is None else password)
    dialog.accept()


def test_after_the_idle_minutes_no_resident_is_left_on_screen(
    qtbot: QtBot, house: Database, window: MainWindow
) -> None:
    names = resident_names(house)
    form, question = open_forms(qtbot, window)
    before = names_on_screen(names)
    assert question.text() in "\n".join(visible_texts())
    assert len(before) >= 3, "the roster, the form and the question name residents"
    feature = feature_of(window)
    assert feature.lock.idle_ms == 5 * 60 * 1000, "the house's 5 minutes"
    feature.lock.set_idle_ms(60)  # a shortened timer
    qtbot.waitUntil(lambda: feature.lock.locked, timeout=5000)
    QApplication.processEvents()

    assert names_on_screen(names) == set()
    assert feature.lock.dialog is not None and feature.lock.dialog.isVisible()
    assert feature.lock.dialog.isModal()
    assert window.windowTitle().endswith("— locked")
    assert form.isVisible() and form.windowTitle() == "PeerDesk — locked", "kept, covered"
    assert question.isVisible() and question.text() not in "\n".join(visible_texts())
    assert feature.who_label.text() == "Locked"
    assert audit_lines(house, "lock") == [("boss", "lock", "Window locked after 1 idle minute")]


def test_the_same_person_unlocks_and_carries_on(
    qtbot: QtBot, house: Database, window: MainWindow
) -> None:
    names = resident_names(house)
    form, question = open_forms(qtbot, window)
    feature = feature_of(window)
    title = form.windowTitle()
    feature.lock_action.trigger()
    assert feature.lock.locked and names_on_screen(names) == set()

    QTest.keyClick(feature.lock.dialog, Qt.Key.Key_Escape)  # Esc does not uncover anything
    assert feature.lock.locked and feature.lock.dialog.isVisible()
    unlock(feature, "boss", "not the password, sorry")
    assert feature.lock.locked, "a wrong password keeps the window locked"
    assert "not right" in feature.lock.dialog.banner.text()
    assert feature.lock.dialog.password.text() == "", "the password box is emptied"

    actor = window.ctx.actor
    unlock(feature, "boss")
    assert not feature.lock.locked and feature.lock.dialog is None
    assert window.ctx.actor is actor, "the same session goes on"
    assert form.isVisible() and form.windowTitle() == title
    assert form.phone.text() == "555-0142", "what was typed is still there"
    assert form.phone.isVisible() and question.isVisible()
    assert window.tabs.isVisible() and names_on_screen(names)
    assert window.windowTitle().endswith("— Dana Whitaker")
    assert audit_lines(house, "lock", "unlock", "login_failed") == [
        ("boss", "lock", "Window locked (Lock now)"),
        ("boss", "login_failed", "Wrong password (1 in a row)"),
        ("boss", "unlock", "boss unlocked the window"),
    ]


def test_another_person_unlocking_closes_the_forms_and_takes_the_window(
    qtbot: QtBot,
    house: Database,
    window: MainWindow,
    accounts: Accounts,
    discard_prompt: DiscardPrompt,
) -> None:
    feature = feature_of(window)
    form, _question = open_forms(qtbot, window)
    changed: list[bool] = []
    window.ctx.events.actor_changed.connect(lambda: changed.append(True))
    window.tabs.setCurrentWidget(window.supervision)
    everyone = window.supervision.model.matching
    feature.lock.lock()
    unlock(feature, "peer")

    assert window.ctx.actor.username == "peer" and window.ctx.actor.user_id == accounts.peer
    assert changed == [True]
    assert not form.isVisible() and form.result() == QDialog.DialogCode.Rejected
    assert discard_prompt.asked == [], "the form had a phone typed, and closed without asking"
    assert window.windowTitle().endswith("— Tuan Jimenez")
    assert feature.who_label.text() == "Signed in as Tuan Jimenez (Peer mentor)"
    own = window.supervision.model.matching
    assert 0 < own < everyone, "the Supervision tab now holds only the notes about them"
    assert not window.supervision.new_action.isVisible()
    assert not feature.accounts_action.isVisible() and not feature.audit_action.isVisible()
    assert audit_lines(house, "unlock") == [
        ("peer", "unlock", "peer unlocked the window; boss's session ended")
    ]


def test_a_form_in_its_own_event_loop_returns_when_someone_else_unlocks(
    qtbot: QtBot, house: Database, window: MainWindow
) -> None:
    feature = feature_of(window)
    window.tabs.setCurrentWidget(window.residents)
    window.residents.view.selectRow(0)
    record_id = window.residents.selected_id()
    assert record_id is not None
    form = ResidentDialog(window, window.ctx, record_id)
    qtbot.addWidget(form)
    seen: list[bool] = []

    def meanwhile() -> None:
        feature.lock.lock()
        seen.append(names_on_screen(resident_names(house)) == set())
        unlock(feature, "sup")

    QTimer.singleShot(0, meanwhile)
    assert form.exec() == QDialog.DialogCode.Rejected
    assert seen == [True]
    assert window.ctx.actor.username == "sup"


def test_sign_out_closes_everything_and_anyone_signs_in(
    qtbot: QtBot, house: Database, window: MainWindow
) -> None:
    feature = feature_of(window)
    form, question = open_forms(qtbot, window)
    feature.sign_out_action.trigger()
    assert feature.lock.locked and not form.isVisible() and not question.isVisible()
    assert feature.lock.dialog is not None and feature.lock.dialog.username.text() == ""
    assert names_on_screen(resident_names(house)) == set()
    unlock(feature, "boss")
    assert not feature.lock.locked and window.ctx.actor.username == "boss"
    assert [a for _u, a, _s in audit_lines(house, "logout", "unlock")] == ["logout", "unlock"]


def test_quit_on_the_lock_closes_peerdesk(qtbot: QtBot, window: MainWindow) -> None:
    feature = feature_of(window)
    feature.lock.lock()
    assert feature.lock.dialog is not None
    feature.lock.dialog.cancel_button.click()
    assert not window.isVisible()


def test_input_keeps_the_window_open(qtbot: QtBot, window: MainWindow) -> None:
    feature = feature_of(window)
    feature.lock.set_idle_ms(60_000)
    feature.lock._last_input -= 30  # half a minute ago, as far as the lock knows
    assert feature.lock.idle_seconds() >= 30
    QTest.keyClick(window.residents.search, Qt.Key.Key_A)
    assert feature.lock.idle_seconds() < 5
    QTest.mouseMove(window.residents.view.viewport())
    QTest.mouseClick(window.residents.view.viewport(), Qt.MouseButton.LeftButton)
    assert feature.lock.idle_seconds() < 5 and not feature.lock.locked


def test_the_house_setting_sets_the_minutes(
    qtbot: QtBot, house: Database, window: MainWindow
) -> None:
    from peerdesk.core.services import settings as settings_service

    with house.begin() as s:
        settings_service.update_settings(
            s, window.ctx.actor, settings_service.SettingsChange(autolock_minutes=12)
        )
    window.ctx.announce("house_settings", 1)
    assert feature_of(window).lock.idle_ms == 12 * 60 * 1000


def test_a_house_without_accounts_never_locks(
    qtbot: QtBot, house: Database, tmp_path: Path
) -> None:
    window = open_window(qtbot, house, tmp_path / "profile")
    feature = feature_of(window)
    for action in (feature.lock_action, feature.sign_out_action, feature.password_action):
        assert not action.isVisible()
    feature.lock.set_idle_ms(1)
    feature.lock.lock()
    assert not feature.lock.locked and feature.lock.dialog is None
    assert window.windowTitle() == "PeerDesk — Riverbend Recovery House (demo) — DEMO"
