"""Screenshots of every form over a small demo house, to look at (a script, not a test).

    python tests/ui/dialog_screenshots.py [--out DIR] [--scales 1.0,1.5]

Builds a 12-bed, one-year demo house in a temporary folder, opens each dialog on a
1366×768 offscreen screen, and saves PNGs of it empty, filled in, and refusing a form with
its messages showing — once per font scale (1.5 = the 150 % font check). Nothing is saved
to the demo house: filled forms are photographed, not submitted, and refused forms write
nothing by design. Prints the path of every PNG.
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

WORK = prepare("peerdesk-dialog-shots-")

from PySide6.QtCore import QDate, QEvent, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog  # noqa: E402

from peerdesk.core import pickers, vocab  # noqa: E402
from peerdesk.core.audit import Actor  # noqa: E402
from peerdesk.core.db import Database  # noqa: E402
from peerdesk.core.demo import build_demo_house  # noqa: E402
from peerdesk.paths import default_paths  # noqa: E402
from peerdesk.ui.context import RecordEvents, UiContext  # noqa: E402
from peerdesk.ui.dialogs.assessment import AssessmentDialog  # noqa: E402
from peerdesk.ui.dialogs.discharge import DischargeDialog, ReadmitDialog  # noqa: E402
from peerdesk.ui.dialogs.mentor import DeactivateMentorDialog, MentorDialog  # noqa: E402
from peerdesk.ui.dialogs.phase import ChangePhaseDialog  # noqa: E402
from peerdesk.ui.dialogs.phases import PhaseDialog, ProgramPhasesDialog  # noqa: E402
from peerdesk.ui.dialogs.resident import ResidentDialog  # noqa: E402
from peerdesk.ui.dialogs.session import SessionDialog  # noqa: E402
from peerdesk.ui.dialogs.supervision import SupervisionDialog  # noqa: E402
from peerdesk.ui.dialogs.void import VoidDialog  # noqa: E402
from peerdesk.ui.dialogs.welcome import WelcomeDialog  # noqa: E402

Shot = tuple[str, Callable[[], QDialog], Callable[[QDialog], None] | None]


def _press_save(dialog: QDialog) -> None:
    dialog.ok_button.click()  # type: ignore[attr-defined]


def _choose(combo: object, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))  # type: ignore[attr-defined]


def _fill_intake(d: ResidentDialog) -> None:
    d.first_name.setText("Jordan")
    d.last_name.setText("Ellis")
    d.preferred_name.setText("Jo")
    d.date_of_birth.known_box.setChecked(True)
    d.date_of_birth.date_edit.setDate(QDate(1988, 4, 12))
    d.phone.setText("(859) 555-0142")
    d.contact_name.setText("Terry Ellis (brother)")
    d.contact_phone.setText("(859) 555-0177")
    d.referral.setEditText("Court or probation")
    _choose(d.living, "Homeless — emergency shelter")
    d.room.setText("104")
    d.bed.setText("A")
    d.mentor.setCurrentIndex(1)
    d.notes.setPlainText("Prefers morning groups. Working on getting an ID card.")
    # The longest answers of their lists, to see that they fit.
    _choose(d.answers.combos["race"], "Native Hawaiian or Pacific Islander")
    _choose(d.answers.combos["justice"], "Court-referred and on probation or parole")
    _choose(d.answers.combos["employment_entry"], "Unemployed, looking for work")
    _choose(d.answers.combos["moud_entry"], "Declined to answer")


def _intake_errors(d: ResidentDialog) -> None:
    d.first_name.setText("Jordan")
    d.date_of_birth.known_box.setChecked(True)
    d.date_of_birth.date_edit.setDate(QDate(2031, 1, 1))
    d.mentor.setEditText("Nobody Known")
    _press_save(d)


def _fill_discharge(d: DischargeDialog) -> None:
    _choose(d.reason, "Completed program")
    _choose(d.exit_living, "Own or rent, no subsidy")
    d.notes.setPlainText("Moving into an apartment with a friend from the program.")
    _choose(d.answers.combos["employment_exit"], "Employed part time")
    _choose(d.answers.combos["income_exit"], "$1,000 to $1,999 a month")


def _fill_barc(d: AssessmentDialog) -> None:
    for chooser, answer in zip(d.items, (5, 5, 4, 5, 4, 6, 5, 5, 4, 5), strict=True):
        chooser.set_value(answer)


def _barc_errors(d: AssessmentDialog) -> None:
    for chooser in d.items[:6]:
        chooser.set_value(4)
    _press_save(d)


def _readiness(d: AssessmentDialog) -> None:
    d.instrument_buttons[vocab.Instrument.READINESS].click()
    d.readiness.set_value(7)


def _fill_new_mentor(d: MentorDialog) -> None:
    d.first_name.setText("Chris")
    d.last_name.setText("Park")
    d.phone.setText("(859) 555-0190")
    d.email.setText("chris.park@example.org")
    d.supervisor.setCurrentIndex(0)


def _mentor_errors(d: MentorDialog) -> None:
    d.first_name.setText("Chris")
    d.email.setText("chris.park.example.org")
    _press_save(d)


def _tab(index: int) -> Callable[[MentorDialog], None]:
    def show(d: MentorDialog) -> None:
        d.tabs.setCurrentIndex(index)

    return show


def _fill_group(d: SessionDialog) -> None:
    d.mentor.setCurrentIndex(0)
    d.topic.setText("Relapse prevention: planning for the holidays")
    d.support_boxes[vocab.SupportType.EMOTIONAL].setChecked(True)
    d.support_boxes[vocab.SupportType.INFORMATIONAL].setChecked(True)
    model = d.attendees.model
    for row, (motivation, satisfaction) in zip(
        model.rows()[:3], ((8, 5), (6, 4), (None, 5)), strict=False
    ):
        model.set_ticked(row.resident_id, True)
        model.set_ratings(row.resident_id, motivation, satisfaction)
    d.notes.setPlainText("Good energy. Two residents shared their plans for visiting family.")


def _group_errors(d: SessionDialog) -> None:
    d.session_date.date_edit.setDate(QDate(2031, 1, 1))
    _press_save(d)


def _filter_group(d: SessionDialog) -> None:
    _fill_group(d)
    d.attendees.filter_edit.setText("Phase II")


def _fill_note(d: SupervisionDialog) -> None:
    d.mentor.setCurrentIndex(0)
    d.kind.setCurrentIndex(d.kind.findText("Boundary issue"))
    d.minutes.setValue(45)
    d.domain_boxes[vocab.Competency.ETHICS_BOUNDARIES].setChecked(True)
    d.domain_boxes[vocab.Competency.COMMUNICATION].setChecked(True)
    d.summary.setPlainText(
        "A resident asked to borrow money. We talked through why lending money blurs the "
        "peer relationship, and practised a kind way to say no and offer the budgeting group."
    )
    row = d.items.add_row("Read the ethics chapter of the peer workbook")
    row.done.known_box.setChecked(True)
    row = d.items.add_row("Role-play the conversation with a colleague")
    row.due.known_box.setChecked(True)


def _note_errors(d: SupervisionDialog) -> None:
    row = d.items.add_row("")
    row.due.known_box.setChecked(True)
    _press_save(d)


def _fill_void(d: VoidDialog) -> None:
    d.reason_edit.setPlainText("Entered twice; the same group was logged at 10:00.")


def shots(parent: None, ctx: UiContext) -> Iterator[Shot]:
    with ctx.db.read() as s:
        found = pickers.sample_records(s)
    active, gone = found.active_resident_id, found.discharged_resident_id
    mentor, note, session = found.active_mentor_id, found.note_id, found.session_id
    assert active and gone and mentor and note and session

    yield "welcome-empty", lambda: WelcomeDialog(parent), None
    yield "program-phases", lambda: ProgramPhasesDialog(parent, ctx), None
    yield (
        "program-phase-new",
        lambda: PhaseDialog(parent, ctx, None),
        lambda d: (d.name.setText("Alumni"), d.mentors_allowed.setChecked(True)),
    )
    yield (
        "program-phase-refused",
        lambda: PhaseDialog(parent, ctx, None),
        lambda d: (d.name.setText("Phase II"), _press_save(d)),
    )
    yield (
        "welcome-filled",
        lambda: WelcomeDialog(parent),
        lambda d: d.name_edit.setText("Hope Street Recovery House"),
    )
    yield "welcome-refused", lambda: WelcomeDialog(parent), _press_save
    yield "resident-intake-empty", lambda: ResidentDialog(parent, ctx), None
    yield "resident-intake-filled", lambda: ResidentDialog(parent, ctx), _fill_intake
    yield "resident-intake-refused", lambda: ResidentDialog(parent, ctx), _intake_errors
    yield "resident-details", lambda: ResidentDialog(parent, ctx, active), None
    yield "resident-details-discharged", lambda: ResidentDialog(parent, ctx, gone), None
    yield "phase-change", lambda: ChangePhaseDialog(parent, ctx, active), None
    yield (
        "phase-change-refused",
        lambda: ChangePhaseDialog(parent, ctx, active),
        lambda d: (
            d.from_date.date_edit.setDate(QDate(2001, 1, 1)),
            _press_save(d),
        ),
    )
    yield "discharge-empty", lambda: DischargeDialog(parent, ctx, active), None
    yield "discharge-filled", lambda: DischargeDialog(parent, ctx, active), _fill_discharge
    yield "discharge-refused", lambda: DischargeDialog(parent, ctx, active), _press_save
    yield "readmit", lambda: ReadmitDialog(parent, ctx, gone), None
    yield "assessment-barc10-empty", lambda: AssessmentDialog(parent, ctx, active), None
    yield "assessment-barc10-filled", lambda: AssessmentDialog(parent, ctx, active), _fill_barc
    yield (
        "assessment-barc10-refused",
        lambda: AssessmentDialog(parent, ctx, active),
        _barc_errors,
    )
    yield "assessment-readiness", lambda: AssessmentDialog(parent, ctx, active), _readiness
    yield "mentor-new-empty", lambda: MentorDialog(parent, ctx), None
    yield "mentor-new-filled", lambda: MentorDialog(parent, ctx), _fill_new_mentor
    yield "mentor-new-refused", lambda: MentorDialog(parent, ctx), _mentor_errors
    yield "mentor-profile", lambda: MentorDialog(parent, ctx, mentor), None
    yield "mentor-credentials", lambda: MentorDialog(parent, ctx, mentor), _tab(1)
    yield "mentor-training", lambda: MentorDialog(parent, ctx, mentor), _tab(2)
    yield (
        "mentor-inactive-refused",
        lambda: DeactivateMentorDialog(parent, ctx, mentor),
        (_press_save),
    )
    yield "session-group-empty", lambda: SessionDialog(parent, ctx), None
    yield "session-group-filled", lambda: SessionDialog(parent, ctx), _fill_group
    yield "session-group-filtered", lambda: SessionDialog(parent, ctx), _filter_group
    yield "session-group-refused", lambda: SessionDialog(parent, ctx), _group_errors
    yield (
        "session-one-to-one",
        lambda: SessionDialog(parent, ctx, resident_id=active),
        lambda d: d.support_boxes[vocab.SupportType.INSTRUMENTAL].setChecked(True),
    )
    yield "session-existing", lambda: SessionDialog(parent, ctx, session_id=session), None
    yield "supervision-empty", lambda: SupervisionDialog(parent, ctx), None
    yield "supervision-filled", lambda: SupervisionDialog(parent, ctx), _fill_note
    yield "supervision-refused", lambda: SupervisionDialog(parent, ctx), _note_errors
    yield "supervision-existing", lambda: SupervisionDialog(parent, ctx, note_id=note), None
    yield "void-empty", lambda: VoidDialog(parent, "the session on 2 Mar 2026"), None
    yield "void-filled", lambda: VoidDialog(parent, "the session on 2 Mar 2026"), _fill_void
    yield "void-refused", lambda: VoidDialog(parent, "the session on 2 Mar 2026"), _press_save


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "peerdesk-dialogs"
    )
    parser.add_argument("--scales", default="1.0,1.5", help="font scales, e.g. 1.0,1.5")
    parser.add_argument("--only", default="", help="only the shots whose name contains this")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication(sys.argv[:1])
    db = Database.open(WORK / "demo.sqlite3")
    build_demo_house(db, beds=12, years=1)
    paths = default_paths().with_db(db.path)
    ctx = UiContext(
        db=db,
        actor=Actor.local_administrator(),
        paths=paths,
        settings=QSettings(str(paths.settings_file), QSettings.Format.IniFormat),
        events=RecordEvents(),
        is_demo=True,
    )
    base_font = app.font()
    for scale in (float(s) for s in args.scales.split(",")):
        font = app.font()
        font.setPointSizeF(base_font.pointSizeF() * scale)
        app.setFont(font)
        suffix = "" if scale == 1.0 else f"@{round(scale * 100)}"
        for name, make, act in shots(None, ctx):
            if args.only not in name:
                continue
            dialog = make()
            dialog.show()
            if act is not None:
                act(dialog)
            app.processEvents()
            path = args.out / f"{name}{suffix}.png"
            dialog.grab().save(str(path))
            size = dialog.size()
            print(f"{path}  {size.width()}×{size.height()}")
            # Without asking: a filled form would ask before discarding what was typed.
            getattr(dialog, "discard", dialog.reject)()
            dialog.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    db.close()
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
