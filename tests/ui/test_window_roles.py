"""The window shows each role what it may do: actions hidden, a peer mentor's own notes, the
House menu, and who is signed in; all of it follows a change of person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QToolBar
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core.db import Database
from peerdesk.core.models import Mentor, SupervisionNote
from peerdesk.ui.main_window import MainWindow
from tests.ui.accounts_support import Accounts, add_accounts, feature_of, sign_in, window_for
from tests.window_support import copy_of, demo_house

TAB_ACTIONS = {
    "residents": [
        "new_action",
        "edit_action",
        "phase_action",
        "discharge_action",
        "readmit_action",
        "assessment_action",
        "session_action",
    ],
    "mentors": ["new_action", "deactivate_action"],
    "sessions": ["new_action", "void_action"],
    "supervision": ["new_action", "void_action"],
}


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


def visible_actions(window: MainWindow) -> dict[str, list[str]]:
    return {
        tab: [name for name in names if getattr(getattr(window, tab), name).isVisible()]
        for tab, names in TAB_ACTIONS.items()
    }


def toolbar_shown(window: MainWindow, tab: str) -> bool:
    return not getattr(window, tab).findChild(QToolBar).isHidden()


def test_an_administrator_sees_everything(
    qtbot: QtBot, house: Database, accounts: Accounts, tmp_path: Path
) -> None:
    window = window_for(qtbot, house, tmp_path, "boss")
    feature = feature_of(window)
    assert visible_actions(window) == TAB_ACTIONS
    for action in (
        feature.accounts_action,
        feature.audit_action,
        feature.password_action,
        feature.lock_action,
    ):
        assert action.isVisible()
    assert feature.lock_action.shortcut().toString() == "Ctrl+L"
    assert (
        window.windowTitle() == "PeerDesk — Riverbend Recovery House (demo) — DEMO — Dana Whitaker"
    )
    assert feature.who_label.text() == "Signed in as Dana Whitaker (Administrator)"


def test_a_viewer_reads_and_changes_nothing(
    qtbot: QtBot, house: Database, accounts: Accounts, tmp_path: Path
) -> None:
    window = window_for(qtbot, house, tmp_path, "view")
    feature = feature_of(window)
    assert visible_actions(window) == {tab: [] for tab in TAB_ACTIONS}
    assert not toolbar_shown(window, "residents"), "no empty toolbar"
    assert all(toolbar_shown(window, tab) for tab in ("mentors", "sessions", "supervision"))
    assert window.mentors.open_action.isVisible(), "Open… reads the record"
    window.tabs.setCurrentWidget(window.residents)
    assert window.residents.model.matching > 0, "a viewer reads the residents"
    assert not window.new_action.isVisible(), "Ctrl+N does nothing for a viewer"
    assert not feature.accounts_action.isVisible() and not feature.audit_action.isVisible()
    assert feature.password_action.isVisible()
    window.tabs.setCurrentWidget(window.supervision)
    assert window.supervision.model.matching == 0, "viewers read no supervision notes"


def test_a_peer_mentor_sees_their_own_notes_only(
    qtbot: QtBot, house: Database, accounts: Accounts, tmp_path: Path
) -> None:
    window = window_for(qtbot, house, tmp_path, "peer")
    assert visible_actions(window) == {
        "residents": TAB_ACTIONS["residents"],
        "mentors": [],
        "sessions": ["new_action", "void_action"],
        "supervision": [],
    }
    assert toolbar_shown(window, "supervision"), "Open… is still there"
    window.tabs.setCurrentWidget(window.supervision)
    tab = window.supervision
    with house.read() as s:
        own = s.execute(
            select(SupervisionNote.id).where(
                SupervisionNote.mentor_id == accounts.mentor_id,
                SupervisionNote.voided_at.is_(None),
            )
        ).all()
        mentor = s.get(Mentor, accounts.mentor_id)
        assert mentor is not None
    assert tab.model.matching == tab.model.total == len(own) > 0
    names = {str(tab.model.row_values(r).values[1]) for r in range(tab.model.rowCount())}
    assert names == {f"{mentor.last_name}, {mentor.first_name}"}
    # Home's open action items: theirs only (the supervisor's view lists everyone's).
    mine = [line.target for line in window.home.items._lines]
    window.ctx.set_actor(sign_in(house, "sup"))
    assert len(window.home.items._lines) >= len(mine)
    own_items = [
        line.text for line in window.home.items._lines if line.text.startswith(mentor.first_name)
    ]
    assert len(mine) == len(own_items)


def test_the_window_follows_a_change_of_person(
    qtbot: QtBot, house: Database, accounts: Accounts, tmp_path: Path
) -> None:
    window = window_for(qtbot, house, tmp_path, "view")
    window.tabs.setCurrentWidget(window.mentors)
    assert not window.new_action.isVisible()
    window.ctx.set_actor(sign_in(house, "sup"))
    assert visible_actions(window) == TAB_ACTIONS
    assert window.new_action.isVisible()
    feature = feature_of(window)
    assert feature.audit_action.isVisible() and not feature.accounts_action.isVisible()
    assert window.windowTitle().endswith("— Marcus Hale")
    window.tabs.setCurrentWidget(window.supervision)
    everyone = window.supervision.model.matching
    window.ctx.set_actor(sign_in(house, "peer"))
    assert 0 < window.supervision.model.matching < everyone, "the tab refreshed for them"
    window.tabs.setCurrentWidget(window.mentors)
    assert not window.new_action.isVisible(), "peer mentors add no mentors"
    window.tabs.setCurrentWidget(window.sessions)
    assert window.new_action.isVisible(), "but they log sessions"
