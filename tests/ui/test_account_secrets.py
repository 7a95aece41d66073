"""No password or passphrase is kept in plain text: not in the database (or its journal), not
in the settings INI file, not in the logs, after making the first administrator, signing in,
failing, locking, unlocking, adding an account, setting a new password and changing one's own."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from peerdesk import logs
from peerdesk.app import build_context, build_window, open_settings
from peerdesk.core.db import Database
from peerdesk.ui.dialogs.accounts import AccountDialog, ChangePasswordDialog, ResetPasswordDialog
from peerdesk.ui.dialogs.first_admin import FirstAdministratorDialog
from peerdesk.ui.dialogs.sign_in import SignInDialog
from tests.ui.accounts_support import feature_of
from tests.ui.dialog_support import press_save
from tests.window_support import copy_of, demo_house, paths_for

FIRST = "Correct-Horse-Battery-Staple-1"
WRONG = "Wrong-Guess-Nobody-Should-Keep-2"
SECOND = "Lantern-By-The-Back-Door-3"
RESET = "Fresh-Start-For-Tuan-4"
CHANGED = "River-Stones-And-Maple-5"
SECRETS = (FIRST, WRONG, SECOND, RESET, CHANGED)


@pytest.fixture
def house(
    tmp_path_factory: pytest.TempPathFactory, template_db: Path, tmp_path: Path, today: dt.date
) -> Path:
    return copy_of(demo_house(tmp_path_factory, template_db), tmp_path / "house")


def files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


def test_no_password_in_plain_text_anywhere(
    qtbot: QtBot, house: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = paths_for(house, tmp_path / "profile")
    logger = logging.getLogger("peerdesk")
    handlers, level = list(logger.handlers), logger.level  # put back afterwards
    logs.setup_logging(paths.log_dir, verbose=True)  # the most the log ever says
    db = Database.open(house)
    try:
        first = FirstAdministratorDialog(None, db, existing_house=True)
        qtbot.addWidget(first)
        first.full_name.setText("Dana Whitaker")
        first.username.setText("dana")
        first.password.setText(FIRST)
        first.password_again.setText(FIRST)
        press_save(first)
        assert first.actor is not None

        sign_in = SignInDialog(None, db)
        qtbot.addWidget(sign_in)
        for password in (WRONG, FIRST):
            sign_in.username.setText("dana")
            sign_in.password.setText(password)
            press_save(sign_in)
        assert sign_in.actor is not None

        ctx = build_context(db, paths, open_settings(paths), actor=sign_in.actor)
        window = build_window(ctx)
        qtbot.addWidget(window)
        window.show()

        def add(d: AccountDialog) -> int:
            d.full_name.setText("Tuan Jimenez")
            d.username.setText("tuan")
            d.password.setText(SECOND)
            d.password_again.setText(SECOND)
            press_save(d)
            return d.result()

        monkeypatch.setattr(AccountDialog, "exec", add)
        assert AccountDialog.ask(window, ctx) is not None

        feature = feature_of(window)
        feature.lock.lock()
        assert feature.lock.dialog is not None
        for password in (WRONG, SECOND):  # someone else unlocks
            feature.lock.dialog.username.setText("tuan")
            feature.lock.dialog.password.setText(password)
            feature.lock.dialog.accept()
        assert not feature.lock.locked and ctx.actor.username == "tuan"

        ctx.set_actor(first.actor)
        from peerdesk.core.services import users

        with db.read() as s:
            tuan = next(a for a in users.list_users(s, ctx.actor) if a.username == "tuan")
        reset = ResetPasswordDialog(window, ctx, tuan)
        qtbot.addWidget(reset)
        reset.password.setText(RESET)
        reset.password_again.setText(RESET)
        press_save(reset)
        change = ChangePasswordDialog(window, ctx)
        qtbot.addWidget(change)
        change.old_password.setText(FIRST)
        change.new_password.setText(CHANGED)
        change.new_password_again.setText(CHANGED)
        press_save(change)
        assert change.result() == change.DialogCode.Accepted
        window.close()  # the layout and settings are written
    finally:
        db.close()
        for handler in list(logger.handlers):
            if handler not in handlers:
                handler.close()
                logger.removeHandler(handler)
        logger.setLevel(level)

    files = files_under(house.parent, paths.config_dir, paths.log_dir)
    names = {p.name for p in files}
    assert "peerdesk.sqlite3" in names and "peerdesk.ini" in names and "peerdesk.log" in names
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            for form in (secret.encode("utf-8"), secret.encode("utf-16-le")):
                assert form not in data, f"{secret} is in {path.name}"
