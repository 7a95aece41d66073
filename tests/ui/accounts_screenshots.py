"""Screenshots of signing in, the first administrator, the lock, user accounts and the audit log.

    python tests/ui/accounts_screenshots.py [--out DIR] [--scales 1.0,1.5]

A script, not a test. Builds a small demo house with its four accounts in a temporary
folder, on a 1366×768 offscreen screen, and saves PNGs of each window once per font scale
(1.5 = the 150 % font check). The lock screen is the main window covered, with the unlock
form drawn where it opens over it. Prints the path and size of every PNG. Look at them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.ui.shot_screen import prepare

WORK = prepare("peerdesk-account-shots-")

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QSize  # noqa: E402
from PySide6.QtGui import QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

from peerdesk.app import build_context, build_window, open_settings  # noqa: E402
from peerdesk.core import vocab  # noqa: E402
from peerdesk.core.db import Database  # noqa: E402
from peerdesk.core.demo import build_demo_house  # noqa: E402
from peerdesk.core.services import users  # noqa: E402
from peerdesk.paths import Paths  # noqa: E402
from peerdesk.ui.dialogs.accounts import (  # noqa: E402
    AccountDialog,
    ChangePasswordDialog,
    ResetPasswordDialog,
    RoleDialog,
    UserAccountsDialog,
)
from peerdesk.ui.dialogs.audit_log import AuditLogDialog  # noqa: E402
from peerdesk.ui.dialogs.first_admin import FirstAdministratorDialog  # noqa: E402
from peerdesk.ui.dialogs.sign_in import SignInDialog  # noqa: E402
from peerdesk.ui.features.accounts import AccountsFeature  # noqa: E402
from peerdesk.ui.main_window import MainWindow  # noqa: E402


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def _save(pixmap: QPixmap, path: Path, size: QSize) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise SystemExit(f"Could not write {path}.")
    print(f"{path}  {size.width()}×{size.height()}")


def _over(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window with the dialog drawn where it opens, centred over it."""
    picture = window.grab()
    painter = QPainter(picture)
    at = QPoint((window.width() - dialog.width()) // 2, (window.height() - dialog.height()) // 2)
    painter.drawPixmap(at, dialog.grab())
    painter.end()
    return picture


def _sign_in_as(db: Database, username: str, password: str) -> object:
    with db.begin() as s:
        return users.sign_in(s, username, password).actor


Shot = tuple[str, Callable[[], QDialog], Callable[[QDialog], None] | None]


def dialogs(window: MainWindow, db: Database, password: str, fresh: Database) -> Iterator[Shot]:
    ctx = window.ctx
    with db.read() as s:
        everyone = users.list_users(s, ctx.actor)
    mentor = next(a for a in everyone if a.role == vocab.Role.PEER_MENTOR)
    viewer = next(a for a in everyone if a.role == vocab.Role.VIEWER)

    yield (
        "sign-in-demo",
        lambda: SignInDialog(
            None,
            db,
            house_name="Riverbend Recovery House (demo)",
            username="admin",
            demo_password=password,
        ),
        None,
    )
    yield "sign-in", lambda: SignInDialog(None, db, house_name="Hope Street House"), None

    def wrong(d: QDialog) -> None:
        assert isinstance(d, SignInDialog)
        for _ in range(6):
            d.username.setText("supervisor")
            d.password.setText("not the password at all")
            d.accept()

    yield (
        "sign-in-lockout",
        lambda: SignInDialog(None, db, house_name="Hope Street House"),
        wrong,
    )
    yield (
        "first-administrator",
        lambda: FirstAdministratorDialog(None, fresh, existing_house=False),
        lambda d: (
            d.full_name.setText("Dana Whitaker"),  # type: ignore[attr-defined]
            d.full_name.textEdited.emit("Dana Whitaker"),  # type: ignore[attr-defined]
        ),
    )

    def mismatch(d: QDialog) -> None:
        assert isinstance(d, FirstAdministratorDialog)
        d.full_name.setText("Dana Whitaker")
        d.username.setText("Dana W")
        d.password.setText("short")
        d.password_again.setText("shirt")
        d.accept()

    yield (
        "first-administrator-existing-house-refused",
        lambda: FirstAdministratorDialog(None, fresh, existing_house=True),
        mismatch,
    )
    yield "user-accounts", lambda: UserAccountsDialog(window, ctx), None
    yield "add-account", lambda: AccountDialog(window, ctx), None
    yield (
        "add-account-viewer",
        lambda: AccountDialog(window, ctx),
        lambda d: d.role_fields.role.set_value(vocab.Role.VIEWER),  # type: ignore[attr-defined]
    )
    yield "change-role-mentor", lambda: RoleDialog(window, ctx, mentor), None
    yield "change-role-viewer", lambda: RoleDialog(window, ctx, viewer), None
    yield "reset-password", lambda: ResetPasswordDialog(window, ctx, mentor), None
    yield "change-my-password", lambda: ChangePasswordDialog(window, ctx), None

    def checked(d: QDialog) -> None:
        assert isinstance(d, AuditLogDialog)
        task = d.check_chain()
        task.wait()
        _settle()

    yield "audit-log", lambda: AuditLogDialog(window, ctx), checked


def shoot(db: Database, fresh: Database, password: str, out: Path, scale: float) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    base = app.font()
    if scale != 1.0:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * scale)
        app.setFont(font)
    suffix = "" if scale == 1.0 else f"@{round(scale * 100)}"
    try:
        folder = WORK / f"profile-{scale}"
        paths = Paths(db=db.path, data_dir=folder, config_dir=folder, log_dir=folder)
        admin = _sign_in_as(db, "admin", password)
        ctx = build_context(
            db, paths, open_settings(paths), actor=admin, is_demo=True, demo_password=password
        )
        window = build_window(ctx)
        window.show()
        _settle()
        window.residents.view.selectRow(2)
        _settle()
        picture = window.grab()
        _save(picture, out / f"window-admin{suffix}.png", window.size())

        for name, make, act in dialogs(window, db, password, fresh):
            dialog = make()
            dialog.show()
            if act is not None:
                act(dialog)
            _settle()
            _save(dialog.grab(), out / f"{name}{suffix}.png", dialog.size())
            getattr(dialog, "discard", dialog.reject)()  # a filled form would ask first
            dialog.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

        # The lock: an intake form open, then the idle minutes pass.
        feature = window.findChild(AccountsFeature, "accountsFeature")
        assert feature is not None
        window.tabs.setCurrentWidget(window.residents)
        feature.lock.lock("Window locked after 5 idle minutes")
        _settle()
        assert feature.lock.dialog is not None
        lock = feature.lock.dialog
        _save(_over(window, lock), out / f"lock-screen{suffix}.png", window.size())
        lock.username.setText("mentor")
        lock.password.setText(password)
        lock.accept()
        _settle()
        window.tabs.setCurrentWidget(window.supervision)
        _settle()
        _save(window.grab(), out / f"window-mentor-supervision{suffix}.png", window.size())
        window.tabs.setCurrentWidget(window.residents)
        _settle()
        _save(window.grab(), out / f"window-mentor-residents{suffix}.png", window.size())
        feature.sign_out()
        _settle()
        assert feature.lock.dialog is not None
        _save(
            _over(window, feature.lock.dialog),
            out / f"signed-out{suffix}.png",
            window.size(),
        )
        feature.lock.dialog.username.setText("viewer")
        feature.lock.dialog.password.setText(password)
        feature.lock.dialog.accept()
        _settle()
        _save(window.grab(), out / f"window-viewer{suffix}.png", window.size())
        window.close()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        app.setFont(base)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "peerdesk-accounts"
    )
    parser.add_argument("--scales", default="1.0,1.5", help="font scales, e.g. 1.0,1.5")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("PeerDesk")
    db = Database.open(WORK / "demo.sqlite3")
    fresh = Database.open(WORK / "fresh.sqlite3")
    try:
        summary = build_demo_house(db, beds=12, years=1, with_accounts=True)
        for scale in (float(s) for s in args.scales.split(",")):
            shoot(db, fresh, summary.password, args.out, scale)
    finally:
        db.close()
        fresh.close()
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
