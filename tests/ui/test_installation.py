"""The self-test's installation check: what a one-folder build can leave out fails it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerdesk import app, guide, paths
from peerdesk.ui import installation
from peerdesk.ui.dialogs.guide import GuideWindow
from tests.window_support import paths_for


def test_this_installation_is_whole(qapp: QApplication) -> None:
    detail = installation.check_installation()
    assert "the user guide (12 pages)" in detail and "printing to PDF" in detail


@pytest.fixture
def resources_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "resources"
    shutil.copytree(paths.resource_dir(), copy)
    monkeypatch.setattr(installation, "resource_dir", lambda: copy)
    monkeypatch.setattr(guide, "resource_dir", lambda: copy)
    return copy


def test_a_missing_icon_or_guide_page_or_desktop_file_is_named(
    qapp: QApplication, resources_copy: Path
) -> None:
    (resources_copy / "icons" / "peerdesk.ico").unlink()
    with pytest.raises(AssertionError, match=r"icons missing from .*: peerdesk\.ico"):
        installation.check_installation()
    shutil.copy(paths.resource_dir() / "icons" / "peerdesk.ico", resources_copy / "icons")
    (resources_copy / "peerdesk.desktop").unlink()
    with pytest.raises(AssertionError, match=r"peerdesk\.desktop is missing"):
        installation.check_installation()
    shutil.copy(paths.resource_dir() / "peerdesk.desktop", resources_copy)
    (resources_copy / "guide" / "restore.html").unlink()
    with pytest.raises(guide.GuideMissing, match=r"restore\.html"):
        installation.check_installation()


def test_missing_qt_plugins_and_migrations_are_named(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(installation, "_plugin_dir", lambda: tmp_path / "plugins")
    first = installation._platform_plugins()[0]
    with pytest.raises(AssertionError, match=rf"Qt platform plugins missing from .*: {first}"):
        installation.check_installation()
    monkeypatch.undo()
    monkeypatch.setattr(installation, "MIGRATIONS_DIR", tmp_path / "migrations")
    with pytest.raises(AssertionError, match="the database migrations are missing"):
        installation.check_installation()


def test_the_self_test_fails_on_a_broken_installation(
    qapp: QApplication, tmp_path: Path, resources_copy: Path
) -> None:
    shutil.rmtree(resources_copy / "guide")
    out = io.StringIO()
    code = app.run_gui(paths_for(tmp_path / "peerdesk.sqlite3", tmp_path), self_test=True, out=out)
    assert code == 1
    lines = out.getvalue().splitlines()
    (failed,) = [line for line in lines if line.startswith("FAIL")]
    assert failed.startswith("FAIL installation: GuideMissing: The user guide is missing")
    assert "ok   form user guide: opened, and closed with Esc" in lines, "it says so, no crash"


def test_the_guide_window_says_when_the_guide_is_missing(
    qtbot: QtBot, resources_copy: Path
) -> None:
    shutil.rmtree(resources_copy / "guide")
    window = GuideWindow(None)
    qtbot.addWidget(window)
    text = window.browser.document().toPlainText()
    assert "The user guide is missing from this installation" in text
    assert "install PeerDesk again" in text
