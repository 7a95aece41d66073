"""Opening PeerDesk: one window per database, first run, --demo, --self-test, start-up cost."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from peerdesk import app
from peerdesk.core import listing, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ValidationError
from peerdesk.core.services import settings as settings_service
from peerdesk.core.services import users
from peerdesk.ui import messages
from peerdesk.ui.dialogs.welcome import WelcomeChoice
from peerdesk.ui.main_window import MainWindow
from tests.window_support import Messages, copy_of, demo_house, patch_dialog, paths_for


@pytest.fixture(scope="module")
def house_file(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    return demo_house(tmp_path_factory, template_db)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def house_paths(house_file: Path, tmp_path: Path) -> app.Paths:
    return paths_for(copy_of(house_file, tmp_path / "house"), tmp_path / "profile")


def self_test(paths: app.Paths, **kwargs: bool) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = app.run_gui(paths, self_test=True, out=out, **kwargs)
    return code, out.getvalue().splitlines()


def close_when_shown(seen: list[str]) -> None:
    """Once the event loop runs: note the main window's title, close it, end the loop."""

    def close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                seen.append(widget.windowTitle())
                widget.close()  # the last window closed ends the event loop, as for a person

    QTimer.singleShot(0, close)


# --------------------------------------------------------------------------- one instance


def test_a_second_window_on_the_same_database_is_refused(
    qapp: QApplication, house_paths: app.Paths, shown: Messages
) -> None:
    held = app.lock_database(house_paths)
    assert held is not None
    try:
        assert app.run_gui(house_paths) == 1
    finally:
        held.unlock()
    ((kind, title, text),) = shown.shown
    assert kind == "error" and title == "PeerDesk"
    assert text.startswith("PeerDesk is already open on this database (")
    assert text.endswith("close it before opening PeerDesk again.")
    assert self_test(house_paths)[0] == 0, "once the first window closes, it opens"


def test_a_lock_left_by_a_crashed_peerdesk_is_taken_over(
    qapp: QApplication, house_paths: app.Paths, shown: Messages
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, threading\n"
            "from PySide6.QtCore import QLockFile\n"
            "lock = QLockFile(sys.argv[1]); lock.setStaleLockTime(0)\n"
            "assert lock.tryLock(1000)\n"
            "print('locked', flush=True)\n"
            "threading.Event().wait(120)\n",
            str(house_paths.lock_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert app.lock_database(house_paths) is None, "a live holder keeps its lock"
    finally:
        holder.kill()  # the way a crash or a power cut ends it
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert house_paths.lock_file.exists(), "the crashed process left its lock file"
    code, lines = self_test(house_paths)
    assert code == 0, lines
    assert shown.shown == []


# --------------------------------------------------------------------------- opening


def test_a_file_that_is_not_a_database_is_one_sentence(
    qapp: QApplication, tmp_path: Path, shown: Messages
) -> None:
    paths = paths_for(tmp_path / "notes.sqlite3", tmp_path / "profile")
    paths.db.write_text("shopping list\n", encoding="utf-8")
    assert app.run_gui(paths) == 1
    ((kind, _title, text),) = shown.shown
    assert kind == "error"
    assert text == (
        "notes.sqlite3 is not a PeerDesk database. Choose the peerdesk.sqlite3 file, "
        "or restore a backup instead."
    )


def make_first_administrator(
    _parent: object, db: Database, *, existing_house: bool
) -> Actor | None:
    """What the first-administrator form does when Dana fills it in."""
    with db.begin() as s:
        users.create_user(
            s,
            Actor.local_administrator(),
            "dana",
            "Dana Whitaker",
            vocab.Role.ADMINISTRATOR,
            "porch swing after supper",
        )
        return users.sign_in(s, "dana", "porch swing after supper").actor


def test_first_run_asks_the_house_name_then_opens_the_window(
    qapp: QApplication, tmp_path: Path, shown: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [WelcomeChoice(house_name="   "), WelcomeChoice(house_name="Maple House")]
    asked = patch_dialog(monkeypatch, "welcome", "WelcomeDialog", lambda *a: answers.pop(0))
    made = patch_dialog(
        monkeypatch, "first_admin", "FirstAdministratorDialog", make_first_administrator
    )
    paths = paths_for(tmp_path / "peerdesk.sqlite3", tmp_path / "profile")
    titles: list[str] = []
    close_when_shown(titles)
    assert app.run_gui(paths) == 0
    assert len(asked) == 2, "asked again after a blank name"
    assert len(made) == 1 and made[0][2] is False, "a new house, not an old one"
    assert shown.texts("warning") == ["The house's name is required."]
    assert titles == ["PeerDesk — Maple House — Dana Whitaker"]
    with Database.open(paths.db) as db, db.read() as s:
        assert settings_service.get_settings(s).house_name == "Maple House"
    assert (paths.config_dir / "peerdesk.ini").is_file(), "the layout was saved on closing"
    assert not paths.lock_file.exists(), "the lock is let go"


def test_closing_the_welcome_leaves_no_database_behind(
    qapp: QApplication, tmp_path: Path, shown: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_dialog(monkeypatch, "welcome", "WelcomeDialog", lambda *a: None)
    paths = paths_for(tmp_path / "peerdesk.sqlite3", tmp_path / "profile")
    assert app.run_gui(paths) == 0
    assert list(tmp_path.glob("peerdesk.sqlite3*")) == []
    assert shown.shown == []


def test_demo_opens_a_labelled_house_in_a_throwaway_folder(
    qapp: QApplication, tmp_path: Path, shown: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "DEMO_BEDS", 6)
    monkeypatch.setattr(app, "DEMO_YEARS", 0.5)
    made: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(**kwargs: str) -> str:
        folder = real_mkdtemp(dir=tmp_path, **kwargs)
        made.append(Path(folder))
        return folder

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    paths = paths_for(tmp_path / "real" / "peerdesk.sqlite3", tmp_path / "profile")
    code, lines = self_test(paths, demo=True)
    assert code == 0, lines
    assert lines[0] == (
        "ok   window: PeerDesk — Riverbend Recovery House (demo) — DEMO — Demo Administrator"
    )
    assert made and made[0].name.startswith("peerdesk-demo-")
    assert not made[0].exists(), "the demo house is thrown away afterwards"
    assert not paths.db.exists(), "the house's own database is never touched"
    assert shown.shown == []


# --------------------------------------------------------------------------- self-test


def test_self_test_prints_one_line_per_check(qapp: QApplication, house_paths: app.Paths) -> None:
    code, lines = self_test(house_paths)
    assert code == 0, lines
    checks = [line for line in lines if line.startswith(("ok   ", "FAIL", "note "))]
    assert checks == lines[:-1]
    assert all(not line.startswith("FAIL") for line in lines)
    tabs = [line.split(":")[0] for line in lines if line.endswith(("residents", "notes"))]
    assert "ok   Residents tab" in tabs and "ok   Supervision tab" in tabs
    assert any(line.startswith("ok   Sessions tab: ") for line in lines)
    assert any(line.startswith(("ok   form ", "note forms were not checked")) for line in lines)
    assert lines[-1].startswith("PeerDesk self-test: all ")


def test_self_test_fails_with_status_1_and_names_the_check(
    qapp: QApplication, house_paths: app.Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> int:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(listing, "count_all", broken)
    code, lines = self_test(house_paths)
    assert code == 1
    assert "FAIL Residents tab: RuntimeError: the disk went away" in lines
    assert "ok   Home tab: " in "\n".join(lines), "the other checks still run"
    assert lines[-1].startswith("PeerDesk self-test: ") and "checks failed" in lines[-1]


def test_self_test_from_the_command_line_leaves_reports_and_migrations_unloaded(
    house_file: Path, tmp_path: Path
) -> None:
    db_path = copy_of(house_file, tmp_path / "house")
    code = (
        "import sys\n"
        "from peerdesk.cli import main\n"
        f"status = main(['--db', {str(db_path)!r}, '--self-test'])\n"
        "heavy = sorted(m for m in ('alembic', 'reportlab') if m in sys.modules)\n"
        "print('heavy:', ','.join(heavy))\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "heavy: ", "start-up must not import reportlab or Alembic"
    assert lines[0].startswith("ok   window: PeerDesk — ")
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- defects


def test_an_unexpected_error_is_logged_and_shown_as_one_sentence_with_details(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerdesk import logs

    paths = paths_for(tmp_path / "peerdesk.sqlite3", tmp_path / "profile")
    shown: list[tuple[str, str]] = []
    said: list[str] = []
    monkeypatch.setattr(
        messages, "failure", lambda _p, text, details: shown.append((text, details))
    )
    before = sys.excepthook
    app._start_log(paths)
    with app._defects_reported(said.append, self_test=False):
        try:
            raise ZeroDivisionError("a bug")
        except ZeroDivisionError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
        try:
            raise ValidationError.single("x", "A sentence for the person.")
        except ValidationError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    assert sys.excepthook is before
    ((sentence, details),) = shown
    assert sentence == logs.FAILURE_SENTENCE and "Traceback" not in sentence
    assert "ZeroDivisionError: a bug" in details, "Copy details carries the traceback"
    assert said == ["A sentence for the person."]
    for handler in logging.getLogger("peerdesk").handlers:
        handler.flush()
    assert "ZeroDivisionError: a bug" in paths.log_file.read_text(encoding="utf-8")


def test_a_window_that_cannot_be_built_is_one_sentence_and_a_log_entry(
    qapp: QApplication,
    house_paths: app.Paths,
    shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(_ctx: object) -> MainWindow:
        raise KeyError("a defect")

    monkeypatch.setattr(app, "build_window", broken)
    patch_dialog(monkeypatch, "first_admin", "FirstAdministratorDialog", make_first_administrator)
    assert app.run_gui(house_paths) == 1
    ((kind, _title, text),) = shown.shown
    assert kind == "error" and text.startswith("PeerDesk could not open its window")
    assert "KeyError: 'a defect'" in house_paths.log_file.read_text(encoding="utf-8")
    assert not house_paths.lock_file.exists()


def test_self_test_opens_every_form_and_closes_it_with_esc(
    qapp: QApplication, house_paths: app.Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    from peerdesk.ui import dialogs

    def form(parent: QWidget, *, named: bool, closes: bool = True) -> QDialog:
        dialog = QDialog(parent)
        box = QLineEdit(dialog)
        if named:
            box.setAccessibleName("Topic")
        QVBoxLayout(dialog).addWidget(box)
        if not closes:
            dialog.keyPressEvent = lambda _event: None  # type: ignore[method-assign]
        return dialog

    def forms_for_self_test(parent: QWidget, ctx: object) -> Iterator[tuple[str, QDialog]]:
        yield "Session", form(parent, named=True)
        yield "Nameless", form(parent, named=False)
        yield "Stubborn", form(parent, named=True, closes=False)

    monkeypatch.setattr(dialogs, "forms_for_self_test", forms_for_self_test, raising=False)
    code, lines = self_test(house_paths)
    assert code == 1
    assert "ok   form Session: opened, and closed with Esc" in lines
    assert "FAIL form Nameless: controls without an accessible name: QLineEdit ''" in lines
    assert "FAIL form Stubborn: Esc did not close the form" in lines
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets())


def test_the_qt_binding_keeps_its_references_to_none(qapp: QApplication) -> None:
    # PySide6 6.12.0 under Python 3.11 dropped a reference to None on every call of a void Qt
    # method, so a window in daily use died with "deallocating None" (pyproject pins it out).
    from PySide6.QtGui import QFont

    font = QFont()
    before = sys.getrefcount(None)
    for size in range(1000):
        font.setPointSize(8 + size % 10)
    assert sys.getrefcount(None) >= before - 10
