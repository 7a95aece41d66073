"""Screenshots of the welcome, the user guide and the About box, to look at (a script).

    python tests/ui/help_screenshots.py OUTDIR [--scales 1.0,1.5]

On a 1366×768 offscreen screen at 96 dpi, over a new house in a temporary folder: the
first-run welcome, the main window with its Help menu open, the guide at its contents, at
the role table and at the group-session steps, and the About box — once per font scale
(1.5 = the 150 % font check; those files end in ``@150``). Prints the path of every PNG.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.ui.shot_screen import prepare

WORK = prepare("peerdesk-help-shots-")

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from peerdesk.app import (  # noqa: E402
    build_context,
    build_window,
    dispose_window,
    make_application,
    open_settings,
)
from peerdesk.core.audit import Actor  # noqa: E402
from peerdesk.core.db import Database  # noqa: E402
from peerdesk.core.services import settings as settings_service  # noqa: E402
from peerdesk.paths import default_paths  # noqa: E402
from peerdesk.ui.dialogs.about import AboutDialog  # noqa: E402
from peerdesk.ui.dialogs.guide import GuideWindow  # noqa: E402
from peerdesk.ui.dialogs.welcome import WelcomeDialog  # noqa: E402


def _settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def _save(widget: QWidget, path: Path) -> None:
    _settle()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise SystemExit(f"Could not write {path}.")
    print(path)


def shoot(out: Path, suffix: str) -> None:
    welcome = WelcomeDialog(None)
    welcome.show()
    welcome.name_edit.setText("Hope Street Recovery House")
    _save(welcome, out / f"welcome{suffix}.png")
    welcome.reject()
    welcome.deleteLater()

    paths = default_paths()
    db = Database.open(paths.db)
    try:
        with db.begin() as s:
            settings_service.name_house(s, Actor.local_administrator(), "Hope Street House")
        window = build_window(build_context(db, paths, open_settings(paths)))
        window.show()
        _settle()

        guide = GuideWindow.present(window, window.ctx)
        _save(guide, out / f"guide-contents{suffix}.png")
        guide.show_page("roles.html", "table")
        _save(guide, out / f"guide-roles{suffix}.png")
        guide.show_page("sessions.html", "group")
        _save(guide, out / f"guide-group-session{suffix}.png")
        guide.close()
        guide.deleteLater()

        about = AboutDialog(window, window.ctx)
        about.show()
        _save(about, out / f"about{suffix}.png")
        about.reject()
        about.deleteLater()
        dispose_window(window)  # while the application exists, or Qt crashes on the way out
    finally:
        db.close()
        for leftover in paths.data_dir.glob("peerdesk.sqlite3*"):
            leftover.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--scales", default="1.0,1.5", help="font scales, e.g. 1.0,1.5")
    args = parser.parse_args(argv)
    app = make_application()
    base = app.font()
    try:
        for scale in (float(s) for s in args.scales.split(",")):
            font = QApplication.font()
            font.setPointSizeF(base.pointSizeF() * scale)
            app.setFont(font)
            shoot(args.outdir, "" if scale == 1.0 else f"@{round(scale * 100)}")
        app.setFont(base)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
