"""Helpers for the tests of accounts in the window: a demo house with four accounts, the
window opened for one of them, and a walk of everything on screen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.app import build_context, build_window, open_settings
from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import Mentor, Resident
from peerdesk.core.services import users
from peerdesk.ui.features.accounts import AccountsFeature
from peerdesk.ui.main_window import MainWindow
from tests.window_support import paths_for

PASSWORD = "porch swing after supper"
OTHER_PASSWORDS = {
    "boss": "lantern by the back door",
    "sup": "three little birds sing",
    "peer": "river stones and maple",
    "view": "a quiet visit on tuesday",
}


@dataclass(frozen=True)
class Accounts:
    """The house's four accounts; ``peer`` is linked to ``mentor_id``."""

    boss: int
    sup: int
    peer: int
    view: int
    mentor_id: int


def add_accounts(db: Database) -> Accounts:
    """An administrator, a supervisor, a peer mentor (linked to the first active mentor) and a
    viewer, each with their own password (``OTHER_PASSWORDS``)."""
    with db.begin() as s:
        local = Actor.local_administrator()
        boss = users.create_user(
            s, local, "boss", "Dana Whitaker", vocab.Role.ADMINISTRATOR, OTHER_PASSWORDS["boss"]
        )
        admin = users.actor_for(boss)
        made = {
            name: users.create_user(s, admin, name, full, role, OTHER_PASSWORDS[name])
            for name, full, role in (
                ("sup", "Marcus Hale", vocab.Role.SUPERVISOR),
                ("peer", "Tuan Jimenez", vocab.Role.PEER_MENTOR),
                ("view", "Visiting Auditor", vocab.Role.VIEWER),
            )
        }
        mentor = s.execute(
            select(Mentor).where(Mentor.status == "active").order_by(Mentor.id).limit(1)
        ).scalar_one()
        mentor.user_id = made["peer"].id
        return Accounts(boss.id, made["sup"].id, made["peer"].id, made["view"].id, mentor.id)


def sign_in(db: Database, username: str) -> Actor:
    with db.begin() as s:
        result = users.sign_in(s, username, OTHER_PASSWORDS[username])
    assert result.actor is not None, result.message
    return result.actor


def window_for(qtbot: QtBot, db: Database, folder: Path, username: str) -> MainWindow:
    """The main window over ``db`` for ``username``, signed in, shown."""
    paths = paths_for(db.path, folder)
    ctx = build_context(db, paths, open_settings(paths), actor=sign_in(db, username))
    window = build_window(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def feature_of(window: MainWindow) -> AccountsFeature:
    feature = window.findChild(AccountsFeature, "accountsFeature")
    assert feature is not None
    return feature


def resident_names(db: Database) -> list[str]:
    """Every resident as a screen may show them: "First Last", "Last, First", preferred."""
    with db.read() as s:
        rows = s.execute(
            select(Resident.first_name, Resident.last_name, Resident.preferred_name)
        ).all()
    names: list[str] = []
    for first, last, preferred in rows:
        names += [f"{first} {last}", f"{last}, {first}"]
        if preferred:
            names.append(f"{preferred} {last}")
    return names


def _model_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    texts: list[str] = []

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            for column in range(model.columnCount(parent)):
                index = model.index(row, column, parent)
                value = index.data(Qt.ItemDataRole.DisplayRole)
                if value is not None:
                    texts.append(str(value))
                if column == 0 and model.rowCount(index) > 0:
                    walk(index)

    walk(QModelIndex())
    return texts


def visible_texts() -> list[str]:
    """Everything a person could read on screen now: every visible window's title and every
    visible widget's text, items, accessible name and description."""
    texts: list[str] = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        texts.append(top.windowTitle())
        for widget in [top, *top.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            texts += [widget.accessibleName(), widget.accessibleDescription()]
            if isinstance(widget, QLabel | QAbstractButton):
                texts.append(widget.text())
            elif isinstance(widget, QLineEdit):
                texts += [widget.text(), widget.placeholderText()]
            elif isinstance(widget, QPlainTextEdit | QTextEdit):
                texts.append(widget.toPlainText())
            elif isinstance(widget, QComboBox):
                texts += [widget.itemText(i) for i in range(widget.count())]
            elif isinstance(widget, QGroupBox):
                texts.append(widget.title())
            elif isinstance(widget, QTabBar):
                texts += [widget.tabText(i) for i in range(widget.count())]
            if isinstance(widget, QAbstractItemView):
                texts += _model_texts(widget)
    return [t for t in texts if t]


def names_on_screen(names: list[str]) -> set[str]:
    """The names of ``names`` that can be read anywhere on screen."""
    screen = "\n".join(visible_texts())
    return {name for name in names if name in screen}
