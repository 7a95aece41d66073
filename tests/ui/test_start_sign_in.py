"""Opening PeerDesk with accounts: nothing is shown before someone signs in; a house without
accounts makes its administrator first; the self-test and the demo sign in by themselves."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from peerdesk import app
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import users
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.welcome import WelcomeChoice
from peerdesk.ui.main_window import MainWindow
from tests.ui import dialog_support
from tests.ui.accounts_support import OTHER_PASSWORDS, add_accounts
from tests.window_support import Messages, copy_of, demo_house, patch_dialog, paths_for


@pytest.fixture(scope="module")
def house_file(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    return demo_house(tmp_path_factory, template_db)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def old_house(house_file: Path, tmp_path: Path) -> app.Paths:
    """A house made before accounts existed."""
    return paths_for(copy_of(house_file, tmp_path / "house"), tmp_path / "profile")


@pytest.fixture
def house_with_accounts(old_house: app.Paths) -> app.Paths:
    with Database.open(old_house.db) as db:
        add_accounts(db)
    return old_house


def row_counts(path: Path) -> dict[str, int]:
    with Database.open(path) as db:
        return dialog_support.row_counts(db)


def built_for(monkeypatch: pytest.MonkeyPatch, titles: list[str] | None = None) -> list[str]:
    """Who each main window was built for; with ``titles``, each window notes its title and
    closes itself once the event loop runs (ending PeerDesk, as a person closing it would)."""
    built: list[str] = []
    real = app.build_window

    def build(ctx: UiContext) -> MainWindow:
        built.append(ctx.actor.username)
        window = real(ctx)
        if titles is not None:

            def close() -> None:
                titles.append(window.windowTitle())
                window.close()

            QTimer.singleShot(0, close)
        return window

    monkeypatch.setattr(app, "build_window", build)
    return built


def signing_in_as(username: str) -> object:
    def ask(_parent: object, db: Database, **_kwargs: object) -> Actor | None:
        with db.begin() as s:
            return users.sign_in(s, username, OTHER_PASSWORDS[username]).actor

    return ask


def test_the_window_is_built_only_after_signing_in(
    qapp: QApplication,
    house_with_accounts: app.Paths,
    shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = patch_dialog(monkeypatch, "sign_in", "SignInDialog", signing_in_as("sup"))
    titles: list[str] = []
    built = built_for(monkeypatch, titles)
    assert app.run_gui(house_with_accounts, user="sup") == 0
    assert len(asked) == 1 and "sup" in asked[0], "--user fills in the username"
    assert built == ["sup"]
    assert titles == ["PeerDesk — Riverbend Recovery House (demo) — DEMO — Marcus Hale"]
    assert shown.shown == []


def test_quit_at_the_sign_in_opens_nothing(
    qapp: QApplication,
    house_with_accounts: app.Paths,
    shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patch_dialog(monkeypatch, "sign_in", "SignInDialog", lambda *a, **k: None)
    built = built_for(monkeypatch)
    assert app.run_gui(house_with_accounts) == 0
    assert built == [] and shown.shown == []
    assert house_with_accounts.db.exists()


def test_an_old_house_makes_its_administrator_first_and_quit_changes_nothing(
    qapp: QApplication, old_house: app.Paths, shown: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = patch_dialog(
        monkeypatch, "first_admin", "FirstAdministratorDialog", lambda *a, **k: None
    )
    built = built_for(monkeypatch)
    before = row_counts(old_house.db)
    assert app.run_gui(old_house) == 0
    assert len(asked) == 1 and asked[0][-1] is True, "told it is an existing house"
    assert built == [], "no Not now: the window does not open without an account"
    assert row_counts(old_house.db) == before, "the house is kept exactly as it was"


def test_a_new_house_whose_administrator_was_not_made_is_not_kept(
    qapp: QApplication, tmp_path: Path, shown: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_dialog(
        monkeypatch, "welcome", "WelcomeDialog", lambda *a: WelcomeChoice(house_name="Maple House")
    )
    patch_dialog(monkeypatch, "first_admin", "FirstAdministratorDialog", lambda *a, **k: None)
    paths = paths_for(tmp_path / "peerdesk.sqlite3", tmp_path / "profile")
    assert app.run_gui(paths) == 0
    assert list(tmp_path.glob("peerdesk.sqlite3*")) == []


def self_test(paths: app.Paths, **kwargs: object) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = app.run_gui(paths, self_test=True, out=out, **kwargs)  # type: ignore[arg-type]
    return code, out.getvalue().splitlines()


def test_the_self_test_of_a_house_with_accounts_needs_a_user(
    qapp: QApplication,
    house_with_accounts: app.Paths,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("PEERDESK_PASSWORD", raising=False)
    code, lines = self_test(house_with_accounts)
    assert code == 1 and lines == []
    assert capsys.readouterr().err.strip() == (
        "This house has user accounts: to run the self-test, put --user NAME before "
        "--self-test and the password in PEERDESK_PASSWORD."
    )
    monkeypatch.setenv("PEERDESK_PASSWORD", "not the password")
    code, _lines = self_test(house_with_accounts, user="boss")
    assert code == 1
    assert "not right" in capsys.readouterr().err
    monkeypatch.setenv("PEERDESK_PASSWORD", OTHER_PASSWORDS["view"])
    code, lines = self_test(house_with_accounts, user="view")
    assert code == 0, lines
    assert lines[0].endswith("— Visiting Auditor")
    assert not any("form user accounts" in line for line in lines), "a viewer's forms only"


def test_the_demo_sign_in_shows_the_password_and_fills_in_admin(
    qapp: QApplication, tmp_path: Path, shown: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "DEMO_BEDS", 4)
    monkeypatch.setattr(app, "DEMO_YEARS", 0.25)
    seen: list[dict[str, object]] = []

    def ask(_parent: object, db: Database, **kwargs: object) -> Actor | None:
        seen.append(kwargs)
        with db.begin() as s:
            return users.sign_in(s, "mentor", str(kwargs["demo_password"])).actor

    patch_dialog(monkeypatch, "sign_in", "SignInDialog", ask)
    titles: list[str] = []
    built = built_for(monkeypatch, titles)
    paths = paths_for(tmp_path / "real" / "peerdesk.sqlite3", tmp_path / "profile")
    assert app.run_gui(paths, demo=True) == 0
    ((kwargs,),) = [seen]
    assert kwargs["username"] == "admin" and len(str(kwargs["demo_password"])) >= 12
    assert built == ["mentor"], "any demo account signs in with the shown password"
    assert titles[0].endswith("— DEMO — Demo Peer Mentor")
