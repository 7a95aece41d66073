"""Screenshots of every tab (and every form, once the forms are in) over a demo house.

A script, not a test: ``python tests/ui/screenshots.py OUTDIR`` builds a demo house in a
temporary folder and saves 1280×800 PNGs into OUTDIR, then the same at 150 % font size into
OUTDIR/150. Look at every one of them after changing the window.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QApplication, QWidget

from peerdesk.app import (
    build_context,
    build_window,
    dispose_window,
    make_application,
    open_settings,
)
from peerdesk.core import listing
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from peerdesk.core.services import sessions
from peerdesk.paths import Paths

SIZE = QSize(1280, 800)


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def _save(widget: QWidget, path: Path) -> None:
    _settle()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise SystemExit(f"Could not write {path}.")
    print(path)


def shoot(db: Database, folder: Path, out: Path, font_scale: float) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    base = app.font()
    if font_scale != 1.0:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * font_scale)
        app.setFont(font)
    try:
        paths = Paths(
            db=db.path, data_dir=folder, config_dir=folder / f"config-{font_scale}", log_dir=folder
        )
        window = build_window(build_context(db, paths, open_settings(paths)))
        window.resize(SIZE)
        window.show()
        _settle()
        names = ["home", "residents", "mentors", "sessions", "supervision"]
        for index, name in enumerate(names):
            window.tabs.setCurrentIndex(index)
            tab = window.tabs.currentWidget()
            if name != "home":
                tab.view.selectRow(min(2, tab.model.rowCount() - 1))  # type: ignore[attr-defined]
            _save(window, out / f"{name}.png")
        window.voided_action.setChecked(True)
        window.tabs.setCurrentWidget(window.sessions)
        window.sessions.search.setText("")
        _save(window, out / "sessions-voided-shown.png")
        window.voided_action.setChecked(False)
        try:
            from peerdesk.ui.dialogs import forms_for_self_test  # type: ignore[attr-defined]
        except ImportError:
            print("The forms are not in this build; only the tabs were shot.")
        else:
            for name, dialog in forms_for_self_test(window, window.ctx):
                dialog.show()
                slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
                _save(dialog, out / "forms" / f"{slug}.png")
                dialog.reject()
                dialog.deleteLater()
        dispose_window(window)  # while the application exists, or Qt crashes on the way out
    finally:
        app.setFont(base)


def _void_one_session(db: Database) -> None:
    """One session entered by mistake, so the voided-rows screenshot shows how it looks."""
    with db.read() as s:
        newest = listing.fetch_page(s, listing.SESSIONS, listing.ListQuery(), 1, 1)[0]
    with db.begin() as s:
        sessions.void_session(s, Actor.local_administrator(), newest.id, "Entered twice")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--beds", type=int, default=24)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_application()
    folder = Path(tempfile.mkdtemp(prefix="peerdesk-shots-"))
    try:
        db = Database.open(folder / "peerdesk.sqlite3")
        try:
            build_demo_house(db, beds=args.beds, years=args.years, seed=args.seed)
            _void_one_session(db)
            shoot(db, folder, args.outdir, 1.0)
            shoot(db, folder, args.outdir / "150", 1.5)
        finally:
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
