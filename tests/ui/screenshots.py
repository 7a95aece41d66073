"""Screenshots of every tab and every form, over a demo house or an empty one (a script).

    python tests/ui/screenshots.py OUTDIR [--empty] [--scales 1.0,1.5]

Builds, in a temporary folder, a demo house (24 beds, three years, one account per role) or,
with ``--empty``, a new house holding only its name and its first administrator, as the
welcome and the first-administrator form leave it. On a 1366×768 offscreen screen at 96 dpi
(``shot_screen.py``) it opens the window for the administrator at the size it opens at and
saves each tab, then every form as it opens (``forms_screenshots.py`` lists them) into
OUTDIR/100 — and again at each further text scale, 1.5 into OUTDIR/150. The forms that cannot
open in this house are listed in OUTDIR/not-shot.txt. Look at every PNG after changing the
window; ``forms_screenshots.py OUTDIR`` runs this and every other screenshot script.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.ui.shot_screen import prepare

WORK = prepare("peerdesk-shots-")

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from peerdesk.app import (  # noqa: E402
    build_context,
    build_window,
    dispose_window,
    make_application,
    open_settings,
)
from peerdesk.core import listing, vocab  # noqa: E402
from peerdesk.core.audit import Actor  # noqa: E402
from peerdesk.core.db import Database  # noqa: E402
from peerdesk.core.demo import build_demo_house  # noqa: E402
from peerdesk.core.services import sessions, users  # noqa: E402
from peerdesk.core.services import settings as settings_service  # noqa: E402
from peerdesk.paths import Paths  # noqa: E402
from tests.ui.forms_screenshots import shoot_every_form  # noqa: E402

PASSWORD = "porch swing after supper"


def _save(widget: QWidget, path: Path) -> None:
    for _ in range(3):
        QCoreApplication.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise SystemExit(f"Could not write {path}.")
    print(f"{path}  {widget.width()}×{widget.height()}")


def shoot(db: Database, actor: Actor, out: Path, scale: float, *, demo: bool) -> list[str]:
    """The tabs and every form at ``scale`` times the usual text; the forms not shot."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    base = app.font()
    font = app.font()
    font.setPointSizeF(base.pointSizeF() * scale)
    app.setFont(font)
    try:
        folder = WORK / f"profile-{scale}"
        paths = Paths(db=db.path, data_dir=folder, config_dir=folder / "config", log_dir=folder)
        window = build_window(
            build_context(db, paths, open_settings(paths), actor=actor, is_demo=demo)
        )
        window.show()
        for index, name in enumerate(["home", "residents", "mentors", "sessions", "supervision"]):
            window.tabs.setCurrentIndex(index)
            tab = window.tabs.currentWidget()
            if name != "home" and tab.model.rowCount() > 0:  # type: ignore[attr-defined]
                tab.view.selectRow(min(2, tab.model.rowCount() - 1))  # type: ignore[attr-defined]
            _save(window, out / f"{name}.png")
        if demo:
            window.voided_action.setChecked(True)
            window.tabs.setCurrentWidget(window.sessions)
            _save(window, out / "sessions-voided-shown.png")
            window.voided_action.setChecked(False)
        missing = shoot_every_form(window, WORK, out)
        dispose_window(window)  # while the application exists, or Qt crashes on the way out
        return missing
    finally:
        app.setFont(base)


def _demo_house(db: Database, beds: int, years: float, seed: int) -> Actor:
    """The demo house with its accounts, one session voided (to show how a voided row looks);
    the administrator, signed in."""
    summary = build_demo_house(db, beds=beds, years=years, seed=seed, with_accounts=True)
    with db.read() as s:
        newest = listing.fetch_page(s, listing.SESSIONS, listing.ListQuery(), 1, 1)[0]
    with db.begin() as s:
        sessions.void_session(s, Actor.local_administrator(), newest.id, "Entered twice")
        actor = users.sign_in(s, "admin", summary.password).actor
    assert actor is not None
    return actor


def _empty_house(db: Database) -> Actor:
    """A new house as the welcome and the first-administrator form leave it."""
    local = Actor.local_administrator()
    with db.begin() as s:
        settings_service.name_house(s, local, "Hope Street Recovery House")
        users.create_user(s, local, "dana", "Dana Whitaker", vocab.Role.ADMINISTRATOR, PASSWORD)
        actor = users.sign_in(s, "dana", PASSWORD).actor
    assert actor is not None
    return actor


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--empty", action="store_true", help="a new house with no records")
    parser.add_argument("--scales", default="1.0,1.5", help="text scales, e.g. 1.0,1.5")
    parser.add_argument("--beds", type=int, default=24)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_application()
    try:
        db = Database.open(WORK / "peerdesk.sqlite3")
        try:
            if args.empty:
                actor = _empty_house(db)
            else:
                actor = _demo_house(db, args.beds, args.years, args.seed)
            missing: list[str] = []
            for scale in (float(s) for s in args.scales.split(",")):
                out = args.outdir / str(round(scale * 100))
                missing = shoot(db, actor, out, scale, demo=not args.empty)
            (args.outdir / "not-shot.txt").write_text(
                "".join(f"{line}\n" for line in missing), encoding="utf-8"
            )
            for line in missing:
                print("not shot:", line)
        finally:
            db.close()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
