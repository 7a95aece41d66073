"""Helpers for tests that drive the real main window over a real database file.

- :func:`demo_house` builds a small demo house once per test run (on the tests' frozen
  calendar) and :func:`copy_of` gives each test its own copy of the file.
- :func:`open_window` builds the window the way ``peerdesk.app`` does.
- :func:`patch_dialog` replaces a form's ``ask`` with a function that does what the form
  would (write through the real services, announce, return the DTO). It works whether or not
  the form's module is in this build yet, so the window can be tested on its own.
- :class:`Messages` records message boxes instead of showing them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from peerdesk.app import build_context, build_window, open_settings
from peerdesk.core import clock
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from peerdesk.paths import Paths
from peerdesk.ui import messages
from peerdesk.ui.main_window import MainWindow

TODAY = dt.date(2026, 6, 15)


def demo_house(
    tmp_path_factory: pytest.TempPathFactory,
    template_db: Path,
    *,
    beds: int = 12,
    years: float = 1.5,
    seed: int = 3,
) -> Path:
    """A demo house file built once per test run (later calls reuse it)."""
    folder = tmp_path_factory.getbasetemp() / f"demo-house-{beds}-{years}-{seed}"
    path = folder / "peerdesk.sqlite3"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / "building.sqlite3"
        shutil.copyfile(template_db, partial)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(clock, "today", lambda: TODAY)
            database = Database.open(partial)
            try:
                build_demo_house(database, beds=beds, years=years, seed=seed)
            finally:
                database.close()
        partial.rename(path)
    return path


def copy_of(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "peerdesk.sqlite3"
    shutil.copyfile(source, target)
    return target


def paths_for(db_path: Path, folder: Path) -> Paths:
    return Paths(db=db_path, data_dir=folder, config_dir=folder / "config", log_dir=folder / "logs")


def open_window(qtbot: QtBot, db: Database, folder: Path, *, is_demo: bool = False) -> MainWindow:
    """The main window over ``db``, shown, with its settings file in ``folder``."""
    paths = paths_for(db.path, folder)
    window = build_window(build_context(db, paths, open_settings(paths), is_demo=is_demo))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def patch_dialog(
    monkeypatch: pytest.MonkeyPatch, module: str, class_name: str, ask: Callable[..., Any]
) -> list[tuple[Any, ...]]:
    """Make ``peerdesk.ui.dialogs.<module>.<class_name>.ask`` call ``ask``; returns the calls.

    If this build has no such module or class yet, a bare module and class stand in for it
    (only ``ask`` is ever called by the window).
    """
    name = f"peerdesk.ui.dialogs.{module}"
    try:
        found = importlib.import_module(name)
    except ModuleNotFoundError:
        found = types.ModuleType(name)
        monkeypatch.setitem(sys.modules, name, found)
        package = importlib.import_module("peerdesk.ui.dialogs")
        monkeypatch.setattr(package, module, found, raising=False)
    cls = getattr(found, class_name, None)
    if cls is None:
        cls = type(class_name, (), {})
        monkeypatch.setattr(found, class_name, cls, raising=False)
    calls: list[tuple[Any, ...]] = []

    def recorded(*args: Any, **kwargs: Any) -> Any:
        calls.append(args + tuple(kwargs.values()))
        return ask(*args, **kwargs)

    monkeypatch.setattr(cls, "ask", staticmethod(recorded), raising=False)
    return calls


@dataclass
class Messages:
    """Message boxes the window showed: (kind, title, text); ``confirm`` answers ``answer``."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answer: bool = True

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Messages:
        for kind in ("info", "warning", "error"):
            monkeypatch.setattr(messages, kind, self._recorder(kind))
        monkeypatch.setattr(messages, "confirm", self._confirm)
        return self

    def _recorder(self, kind: str) -> Callable[..., None]:
        def show(_parent: object, title: str, text: str) -> None:
            self.shown.append((kind, title, text))

        return show

    def _confirm(self, _parent: object, title: str, text: str, _yes: str = "") -> bool:
        self.shown.append(("confirm", title, text))
        return self.answer

    def texts(self, kind: str = "") -> list[str]:
        return [text for k, _title, text in self.shown if not kind or k == kind]
