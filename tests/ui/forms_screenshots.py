"""Every form of the window as it opens, for ``screenshots.py`` to photograph over a demo
house or an empty one — and the one command that runs every screenshot script (a script).

    python tests/ui/forms_screenshots.py OUTDIR [--scales 1.0,1.5]

On a 1366×768 offscreen screen (``shot_screen.py``), at each text scale (1.5 = the 150 %
check), it writes: OUTDIR/demo/100 and OUTDIR/demo/150 (the tabs and every form over a demo
house), OUTDIR/empty/100 and OUTDIR/empty/150 (the same over a new house holding only its
name and first administrator; the forms that cannot open there are listed in
OUTDIR/empty/not-shot.txt), and OUTDIR/demo/<topic> for the states the other scripts walk
through (filled in, refused, each step of backup, restore and import; ``@150`` files and
``150/`` folders are the larger text). Prints every PNG's path; look at every one of them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractScrollArea, QDialog, QWidget

from peerdesk.core import pickers
from peerdesk.core import report_data as rd
from peerdesk.core.services import settings as settings_service
from peerdesk.core.services import users
from peerdesk.ui import printouts
from peerdesk.ui.dialogs.about import AboutDialog
from peerdesk.ui.dialogs.accounts import (
    AccountDialog,
    ChangePasswordDialog,
    ResetPasswordDialog,
    RoleDialog,
    UserAccountsDialog,
)
from peerdesk.ui.dialogs.assessment import AssessmentDialog
from peerdesk.ui.dialogs.audit_log import AuditLogDialog
from peerdesk.ui.dialogs.backup import BackupDialog, VerifyBackupDialog
from peerdesk.ui.dialogs.discharge import DischargeDialog, ReadmitDialog
from peerdesk.ui.dialogs.first_admin import FirstAdministratorDialog
from peerdesk.ui.dialogs.follow_up import FollowUpDialog
from peerdesk.ui.dialogs.guide import GuideWindow
from peerdesk.ui.dialogs.house_settings import HouseSettingsDialog
from peerdesk.ui.dialogs.import_wizard import ImportWizard
from peerdesk.ui.dialogs.mentor import DeactivateMentorDialog, MentorDialog
from peerdesk.ui.dialogs.phase import ChangePhaseDialog
from peerdesk.ui.dialogs.phases import PhaseDialog, ProgramPhasesDialog
from peerdesk.ui.dialogs.recovery import RecoverySheetDialog
from peerdesk.ui.dialogs.report_preview import ReportPreview
from peerdesk.ui.dialogs.reports import ReportDialog
from peerdesk.ui.dialogs.resident import ResidentDialog
from peerdesk.ui.dialogs.restore import RestoreWizard
from peerdesk.ui.dialogs.session import SessionDialog
from peerdesk.ui.dialogs.sign_in import SignInDialog
from peerdesk.ui.dialogs.supervision import SupervisionDialog
from peerdesk.ui.dialogs.void import VoidDialog
from peerdesk.ui.dialogs.welcome import WelcomeDialog
from peerdesk.ui.main_window import MainWindow

Shot = tuple[str, Callable[[], QDialog], Callable[[QDialog], None] | None]


def settle(ms: int = 0) -> None:
    """Let queued work run (and, with ``ms``, a worker thread draw for that long)."""
    if ms:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
    for _ in range(3):
        QCoreApplication.processEvents()


def _import_sheet(folder: Path) -> Path:
    path = folder / "house sheet.csv"
    path.write_text(
        "First Name,Last Name,DOB,Move-in,Room,Bed,Phase\n"
        "José,O'Neil,3/7/1990,06/01/2026,201,A,SOS\n"
        "Ann,Lee,1985-07-13,7 Jun 2026,201,B,Phase I\n"
        "Marcus,Bell,31/31/1979,2026-06-03,202,B,SOS\n",
        encoding="utf-8",
    )
    return path


def _import_steps(path: Path, pages: int) -> Callable[[QDialog], None]:
    """Read ``path`` in the import wizard, then press Next ``pages`` times."""

    def act(w: QDialog) -> None:
        assert isinstance(w, ImportWizard)
        w.file_page.path_edit.setText(str(path))
        w.read_file(path)
        for step in range(pages + 1):
            if w.task is not None:
                w.task.wait(60_000)
            settle()
            if step < pages:
                w.next()

    return act


def every_form(window: MainWindow, work: Path) -> tuple[list[Shot], list[str]]:
    """Each form as it opens (name, how to make it, what to do once it shows), and the forms
    this house has nothing to open on (each with why)."""
    from tests.ui.backup_support import CHEAP_KDF, pc_disk, usb_volume

    ctx, db = window.ctx, window.ctx.db
    with db.read() as s:
        found = pickers.sample_records(s)
        house = settings_service.get_settings(s).house_name or ""
        others = [a for a in users.list_users(s, ctx.actor) if a.id != ctx.actor.user_id]
        phases = settings_service.list_phases(s)
    active, gone = found.active_resident_id, found.discharged_resident_id
    shots: list[Shot] = []
    missing: list[str] = []

    def add(name: str, make: Callable[[], QDialog], act: Callable | None = None) -> None:
        shots.append((name, make, act))

    def given(what: object, why: str) -> Callable[[str, Callable[[], QDialog]], None]:
        """``add`` when the house has ``what``; otherwise a note of why the form is left out."""
        if what is not None and what != []:
            return add
        return lambda name, _make: missing.append(f"{name}: the house has {why} to open it on")

    resident = given(active, "no resident")
    former = given(gone, "no discharged resident")
    peer = given(found.active_mentor_id, "no peer mentor")
    logged = given(found.session_id, "no session")
    noted = given(found.note_id, "no supervision note")
    mentor, session, note = found.active_mentor_id, found.session_id, found.note_id
    other = others[0] if others else None
    (work / "usb").mkdir(exist_ok=True)
    drives = lambda: [pc_disk(), usb_volume(work / "usb")]  # noqa: E731
    sheet = _import_sheet(work)
    w = window
    add("welcome", lambda: WelcomeDialog(None))
    add("first-administrator", lambda: FirstAdministratorDialog(None, db, existing_house=False))
    add("sign-in", lambda: SignInDialog(None, db, house_name=house))
    add("resident-intake", lambda: ResidentDialog(w, ctx))
    resident("resident-details", lambda: ResidentDialog(w, ctx, active))
    former("resident-details-discharged", lambda: ResidentDialog(w, ctx, gone))
    resident("phase-change", lambda: ChangePhaseDialog(w, ctx, active))
    resident("discharge", lambda: DischargeDialog(w, ctx, active))
    former("discharge-correcting", lambda: DischargeDialog(w, ctx, gone, correcting=True))
    former("readmit", lambda: ReadmitDialog(w, ctx, gone))
    former("follow-up", lambda: FollowUpDialog(w, ctx, gone))
    resident("assessment", lambda: AssessmentDialog(w, ctx, active))
    add("mentor-new", lambda: MentorDialog(w, ctx))
    peer("mentor-profile", lambda: MentorDialog(w, ctx, mentor))
    peer("mentor-inactive", lambda: DeactivateMentorDialog(w, ctx, mentor))
    add("session-new", lambda: SessionDialog(w, ctx))
    resident("session-one-to-one", lambda: SessionDialog(w, ctx, resident_id=active))
    logged("session-existing", lambda: SessionDialog(w, ctx, session_id=session))
    add("supervision-new", lambda: SupervisionDialog(w, ctx))
    noted("supervision-existing", lambda: SupervisionDialog(w, ctx, note_id=note))
    logged("void", lambda: VoidDialog(w, "the session on 2 Mar 2026"))
    add("house-settings", lambda: HouseSettingsDialog(w, ctx))
    add("program-phases", lambda: ProgramPhasesDialog(w, ctx))
    add("program-phase-new", lambda: PhaseDialog(w, ctx, None))
    given(phases, "no phase")("program-phase-change", lambda: PhaseDialog(w, ctx, phases[0]))
    add("user-accounts", lambda: UserAccountsDialog(w, ctx))
    add("add-account", lambda: AccountDialog(w, ctx))
    given(other, "no other account")("change-role", lambda: RoleDialog(w, ctx, other))
    given(other, "no other account")("reset-password", lambda: ResetPasswordDialog(w, ctx, other))
    add("change-my-password", lambda: ChangePasswordDialog(w, ctx))
    add("audit-log", lambda: AuditLogDialog(w, ctx), lambda d: (d.check_chain().wait(), settle()))
    add("backup", lambda: BackupDialog(w, ctx, kdf=CHEAP_KDF, volumes=drives))
    add("verify-backup", lambda: VerifyBackupDialog(w, ctx))
    add("restore", lambda: RestoreWizard(w, ctx))
    add("recovery-sheet", lambda: RecoverySheetDialog(w, ctx))
    add("import-1-file", lambda: ImportWizard(w, ctx))
    add("import-1-file-read", lambda: ImportWizard(w, ctx), _import_steps(sheet, 0))
    add("import-2-columns", lambda: ImportWizard(w, ctx), _import_steps(sheet, 1))
    add("import-3-check", lambda: ImportWizard(w, ctx), _import_steps(sheet, 2))
    for name in printouts.available_reports(db, ctx.actor):
        add(f"report-{name}", lambda name=name: ReportDialog(w, ctx, name))
    for name, options in (("roster", rd.RosterOptions()), ("outcomes", rd.OutcomeOptions())):
        request = printouts.ReportRequest(name, options)
        add(f"report-preview-{name}", lambda r=request: _preview(w, r), lambda d: settle(1500))
    add("guide", lambda: GuideWindow(w, ctx))
    add("about", lambda: AboutDialog(w, ctx))
    return shots, missing


def _preview(window: MainWindow, request: printouts.ReportRequest) -> ReportPreview:
    ctx = window.ctx
    folder = printouts.new_render_folder()
    report = printouts.render_report(
        ctx.db, ctx.actor, request, folder, lambda _f: None, lambda: False
    )
    return ReportPreview(window, ctx, report)


def overflow(dialog: QWidget) -> list[str]:
    """What a person would have to scroll or move to reach: a dialog larger than the screen's
    room, a form whose content scrolls sideways."""
    notes: list[str] = []
    screen = QGuiApplication.primaryScreen().availableGeometry()
    frame = dialog.frameGeometry()
    if frame.width() > screen.width() or frame.height() > screen.height():
        notes.append(f"larger than the screen ({frame.width()}×{frame.height()})")
    for area in dialog.findChildren(QAbstractScrollArea):
        bar = area.horizontalScrollBar()
        if area.isVisible() and bar.isVisible() and bar.maximum() > 0:
            notes.append(f"sideways scroll bar on {area.accessibleName() or type(area).__name__}")
    return notes


def shoot_every_form(window: MainWindow, work: Path, out: Path) -> list[str]:
    """Save every form into ``out/forms``; the forms not shot, with why."""
    shots, missing = every_form(window, work)
    for name, make, act in shots:
        dialog = make()
        dialog.show()
        settle()
        if act is not None:
            act(dialog)
        settle()
        path = out / "forms" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not dialog.grab().save(str(path)):
            raise SystemExit(f"Could not write {path}.")
        notes = "; ".join(overflow(dialog))
        print(f"{path}  {dialog.width()}×{dialog.height()}  {notes}".rstrip())
        getattr(dialog, "discard", dialog.reject)()  # a filled form would ask first
        dialog.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return missing


# The states each other script walks through, over the demo house (OUTDIR/demo/<topic>).
TOPICS = {
    "dialogs": ["dialog_screenshots.py", "--out"],
    "accounts": ["accounts_screenshots.py", "--out"],
    "backup": ["backup_screenshots.py", "--out"],
    "import": ["import_screenshots.py", "--out"],
    "reports": ["report_screenshots.py", "--out"],
    "help": ["help_screenshots.py"],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--scales", default="1.0,1.5", help="text scales, e.g. 1.0,1.5")
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parent
    runs = [
        [str(here / "screenshots.py"), str(args.outdir / "demo")],
        [str(here / "screenshots.py"), str(args.outdir / "empty"), "--empty"],
    ]
    runs += [
        [str(here / script), *rest, str(args.outdir / "demo" / topic)]
        for topic, (script, *rest) in TOPICS.items()
    ]
    failed = []
    for run in runs:
        print("$", Path(sys.executable).name, *run, flush=True)
        try:
            # A modal message box nobody answers would wait for ever; ten minutes is plenty.
            done = subprocess.run([sys.executable, *run, "--scales", args.scales], timeout=600)
        except subprocess.TimeoutExpired:
            failed.append(f"{Path(run[0]).name} (still running after ten minutes)")
            continue
        if done.returncode != 0:
            failed.append(Path(run[0]).name)
    for name in failed:
        print("failed:", name, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
