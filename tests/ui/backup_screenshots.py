"""Screenshots of every step of backup and restore in the window, to look at (a script).

    python tests/ui/backup_screenshots.py [--out DIR] [--scales 1.0,1.5]

Builds a small demo house in a temporary folder, a pretend USB drive beside it, and a
1366×768 offscreen screen, then saves PNGs of: the Backup dialog (drives, filled in, working,
verified, a full drive), Verify, each step of the Restore wizard (and a wrong passphrase),
the restore's progress, the Recovery sheet dialog (and the sheet itself as a PDF), the House
menu and the Home tab's warning — once per font scale (1.5 = the 150 % check). Backups use
a cheap key-stretching cost so the script runs in seconds. Prints the path of every file.
"""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.ui.shot_screen import prepare

WORK = prepare("peerdesk-backup-shots-")

from PySide6.QtCore import QCoreApplication, QEvent, QPoint  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from peerdesk.app import build_context, build_window, make_application, open_settings  # noqa: E402
from peerdesk.core import backup  # noqa: E402
from peerdesk.core.audit import Actor  # noqa: E402
from peerdesk.core.db import Database  # noqa: E402
from peerdesk.core.demo import build_demo_house  # noqa: E402
from peerdesk.paths import Paths  # noqa: E402
from peerdesk.ui.context import UiContext  # noqa: E402
from peerdesk.ui.dialogs import recovery  # noqa: E402
from peerdesk.ui.dialogs.backup import (  # noqa: E402
    DRIVE_FOLDER,
    FOLDER_SETTING,
    BackupDialog,
    VerifyBackupDialog,
    Volume,
)
from peerdesk.ui.dialogs.recovery import RecoverySheetDialog  # noqa: E402
from peerdesk.ui.dialogs.restore import RestoreRun, RestoreWizard  # noqa: E402
from peerdesk.ui.workers import STEPS  # noqa: E402

CHEAP_KDF = backup.KdfSettings(memory_kib=64, iterations=1, lanes=1)
PASSPHRASE = "our house on Maple Street"


def settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


class Shooter:
    def __init__(self, out: Path, suffix: str) -> None:
        self.out = out
        self.suffix = suffix

    def save(self, widget: QWidget, name: str) -> None:
        settle()
        path = self.out / f"{name}{self.suffix}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"Could not write {path}.")
        size = widget.size()
        print(f"{path}  {size.width()}×{size.height()}")


def dispose(widget: QWidget) -> None:
    widget.hide()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def volumes_for(usb: Path) -> Callable[[], list[Volume]]:
    def volumes() -> list[Volume]:
        return [
            Volume(
                "/", "", "ext4", "/dev/sda2", True, False, 81_300_000_000, 250_000_000_000, True
            ),
            Volume(
                str(usb),
                "KINGSTON",
                "vfat",
                "/dev/sdb1",
                True,
                False,
                14_200_000_000,
                16_000_000_000,
            ),
        ]

    return volumes


def shoot_backup(ctx: UiContext, usb: Path, shots: Shooter) -> Path:
    volumes = volumes_for(usb)
    dialog = BackupDialog(None, ctx, kdf=CHEAP_KDF, volumes=volumes)
    dialog.show()
    shots.save(dialog, "backup-1-drives")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE[:-3])
    shots.save(dialog, "backup-2-passphrase-not-the-same")
    dialog.again.setText(PASSPHRASE)
    # Working: the bar as it stands part-way (the real backup of this house is too quick).
    dialog._set_working(True)
    dialog.progress.start("")
    dialog._on_task_progressed(0.62)
    shots.save(dialog, "backup-3-working")
    dialog._set_working(False)
    dialog.progress.hide()
    dialog.accept()
    dialog.wait()
    shots.save(dialog, "backup-4-verified")
    made = dialog.result_made
    assert made is not None
    dispose(dialog)

    real_open = backup._open_output

    class Full:
        def __init__(self, real: Any) -> None:
            self.real, self.writes = real, 0

        def write(self, data: bytes) -> int:
            self.writes += 1
            if self.writes == 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return int(self.real.write(data))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

    backup._open_output = lambda path: Full(real_open(path))  # type: ignore[assignment,return-value]
    try:
        dialog = BackupDialog(None, ctx, kdf=CHEAP_KDF, volumes=volumes)
        dialog.show()
        dialog.passphrase.setText(PASSPHRASE)
        dialog.again.setText(PASSPHRASE)
        dialog.accept()
        dialog.wait()
        shots.save(dialog, "backup-5-drive-full")
        dispose(dialog)
    finally:
        backup._open_output = real_open  # type: ignore[assignment]

    dialog = VerifyBackupDialog(None, ctx, start=made.path)
    dialog.show()
    shots.save(dialog, "verify-1-open")
    dialog.unlock_panel.secret.setText(PASSPHRASE)
    dialog.accept()
    dialog.wait()
    shots.save(dialog, "verify-2-verified")
    dispose(dialog)
    return made.path


def shoot_restore(ctx: UiContext, shots: Shooter) -> None:
    wizard = RestoreWizard(None, ctx)
    wizard.show()
    shots.save(wizard, "restore-1-choose")
    wizard.accept()
    shots.save(wizard, "restore-2-open")
    wizard.unlock_panel.use_recovery.setChecked(True)
    shots.save(wizard, "restore-2-open-recovery-key")
    wizard.unlock_panel.use_passphrase.setChecked(True)
    wizard.unlock_panel.secret.setText("our house on Maple St")
    wizard.accept()
    wizard.wait()
    shots.save(wizard, "restore-3-wrong-passphrase")
    # Checking: the page as it stands part-way (the real check is too quick to catch).
    wizard.check_outcome.clear_message()
    wizard.progress.start("Checking every part of the backup…")
    wizard.progress.set_fraction(0.4)
    shots.save(wizard, "restore-3-checking")
    wizard.progress.hide()
    wizard.back_button.click()
    wizard.unlock_panel.secret.setText(PASSPHRASE)
    wizard.accept()
    wizard.wait()
    shots.save(wizard, "restore-4-confirm")
    wizard.agree.setChecked(True)
    shots.save(wizard, "restore-4-confirm-agreed")
    wizard.accept()
    request = wizard.request
    assert request is not None
    # The restore's own progress window, part-way (not started: this house stays as it is).
    run = RestoreRun(wizard, ctx, request)
    progress = run.job.task.dialog
    assert progress is not None
    progress.setValue(int(STEPS * 0.7))
    progress.show()
    shots.save(progress, "restore-5-restoring")
    progress.hide()
    dispose(wizard)


def shoot_recovery(ctx: UiContext, out: Path, shots: Shooter) -> None:
    pdf = out / f"recovery-sheet{shots.suffix}.pdf"
    recovery.open_pdf = lambda path: True  # type: ignore[assignment]
    dialog = RecoverySheetDialog(None, ctx)
    dialog.choose_pdf_path = lambda _house: pdf  # type: ignore[method-assign]
    dialog.show()
    shots.save(dialog, "recovery-1-none-yet")
    dialog.make_sheet()
    shots.save(dialog, "recovery-2-print-it")
    dialog.delete_pdf.setChecked(False)  # keep the PDF of the screenshots to look at
    dialog.accept()
    shots.save(dialog, "recovery-3-in-use")
    dispose(dialog)
    print(pdf)


def shoot_window(ctx: UiContext, shots: Shooter) -> None:
    window = build_window(ctx)
    window.show()
    window.tabs.setCurrentWidget(window.home)
    window.home.refresh()
    shots.save(window, "window-home-warning")
    menu = window.menu("house")
    menu.popup(window.mapToGlobal(QPoint(120, 30)))
    shots.save(menu, "window-house-menu")
    menu.hide()
    window.close()
    dispose(window)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "peerdesk-backup")
    parser.add_argument("--scales", default="1.0,1.5", help="font scales, e.g. 1.0,1.5")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    base = app.font()
    try:
        for scale in (float(s) for s in args.scales.split(",")):
            font = app.font()
            font.setPointSizeF(base.pointSizeF() * scale)
            app.setFont(font)
            suffix = "" if scale == 1.0 else f"@{round(scale * 100)}"
            folder = WORK / f"house{suffix}"
            folder.mkdir()
            usb = folder / "usb"
            usb.mkdir()
            paths = Paths(folder / "peerdesk.sqlite3", folder, folder / "config", folder / "logs")
            db = Database.open(paths.db)
            try:
                build_demo_house(db, beds=12, years=1)
                ctx = build_context(
                    db, paths, open_settings(paths), actor=Actor.local_administrator()
                )
                shots = Shooter(args.out, suffix)
                shoot_window(ctx, shots)
                shoot_backup(ctx, usb, shots)
                ctx.settings.setValue(FOLDER_SETTING, str(usb / DRIVE_FOLDER))
                shoot_restore(ctx, shots)
                shoot_recovery(ctx, args.out, shots)
            finally:
                db.close()
    finally:
        app.setFont(base)
        shutil.rmtree(WORK, ignore_errors=True)
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
