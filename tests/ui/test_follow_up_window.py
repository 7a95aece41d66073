"""Follow-up after discharge in the window: Home lists who is due, a line opens the form on
that resident, the form records the call, and the line goes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.funder_vocab import FollowUpPoint, YesNo
from peerdesk.core.models import AuditEvent
from peerdesk.core.services import follow_ups, residents
from peerdesk.core.vocab import DischargeReason
from peerdesk.ui.dialogs.follow_up import FollowUpDialog
from tests import factories as f
from tests.ui.dialog_support import make_context
from tests.window_support import open_window


def discharged(db: Database, admin: Actor, out: dt.date) -> int:
    with db.begin() as s:
        person = f.resident(s, admin, "Rosa", "Vega", intake=out - dt.timedelta(days=120)).id
        residents.discharge_resident(
            s, admin, person, residents.Discharge(out, DischargeReason.COMPLETED)
        )
    return person


def test_home_lists_a_follow_up_due_and_its_line_records_the_call(
    qtbot: QtBot, db: Database, admin: Actor, today: dt.date, tmp_path: Path
) -> None:
    person = discharged(db, admin, today - dt.timedelta(days=180))  # 6 months on 17 Jun
    window = open_window(qtbot, db, tmp_path / "profile")
    home = window.home
    lines = [b for b in home.follow_ups.buttons if "Rosa Vega" in b.text()]
    assert len(lines) == 1 and "6-month follow-up due 17 Jun 2026" in lines[0].text()
    seen: list[FollowUpDialog] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FollowUpDialog)
        seen.append(dialog)
        assert dialog.point.value() is FollowUpPoint.SIX_MONTHS
        assert not dialog.employed.isEnabled(), "no answers until reached"
        dialog.reached.setChecked(True)
        dialog.living.set_value("own_rent")
        dialog.in_recovery.set_value(YesNo.YES)
        dialog.employed.set_value(YesNo.YES)
        dialog.notes.setPlainText("Working at the hardware store.")
        dialog.ok_button.click()

    QTimer.singleShot(0, fill)
    lines[0].click()
    assert seen and seen[0].result() == FollowUpDialog.DialogCode.Accepted
    with db.read() as s:
        stay_id = residents.get_resident(s, person).stays[-1].id
        (kept,) = follow_ups.follow_ups_of_stay(s, stay_id)
        audit_line = s.scalars(
            select(AuditEvent.summary).where(AuditEvent.entity == "stays").order_by(
                AuditEvent.id.desc()).limit(1)
        ).one()  # fmt: skip
    assert (kept.reached, kept.living_situation, kept.employed) == (True, "own_rent", YesNo.YES)
    assert audit_line.startswith("6 months follow-up: reached")
    qtbot.waitUntil(lambda: not [b for b in home.follow_ups.buttons if "Rosa" in b.text()])


def test_the_form_opens_on_the_follow_up_that_is_due(
    qtbot: QtBot, db: Database, admin: Actor, today: dt.date
) -> None:
    """Home's "12-month follow-up due" line opened the form on "6 months"."""
    person = discharged(db, admin, today - dt.timedelta(days=360))  # 12 months on 20 Jun
    with db.begin() as s:
        stay_id = residents.get_resident(s, person).stays[-1].id
        six = today - dt.timedelta(days=170)
        follow_ups.record_follow_up(
            s, admin, follow_ups.FollowUpEntry(stay_id, FollowUpPoint.SIX_MONTHS, six, False)
        )
    dialog = FollowUpDialog(None, make_context(db, admin), person)
    qtbot.addWidget(dialog)
    assert dialog.point.value() is FollowUpPoint.TWELVE_MONTHS


def test_someone_in_residence_has_no_follow_up_and_the_form_says_so(
    qtbot: QtBot, db: Database, admin: Actor, today: dt.date
) -> None:
    with db.begin() as s:
        here = f.resident(s, admin, "Sam", "Here", intake=today - dt.timedelta(days=10)).id
    dialog = FollowUpDialog(None, make_context(db, admin), here)
    qtbot.addWidget(dialog)
    assert "is in residence; a follow-up comes after a discharge" in dialog.banner.text()
    assert not dialog.ok_button.isEnabled()


def a_call_before_the_discharge(
    qtbot: QtBot, db: Database, admin: Actor, today: dt.date
) -> tuple[int, FollowUpDialog]:
    """A resident discharged 20 days ago, and the form saved with a call 30 days ago."""
    person = discharged(db, admin, today - dt.timedelta(days=20))
    dialog = FollowUpDialog(None, make_context(db, admin), person)
    qtbot.addWidget(dialog)
    dialog.contacted_on.set_date(today - dt.timedelta(days=30))
    dialog.ok_button.click()
    return person, dialog


def test_a_call_before_the_discharge_is_refused_under_its_field(
    qtbot: QtBot, db: Database, admin: Actor, today: dt.date
) -> None:
    person, dialog = a_call_before_the_discharge(qtbot, db, admin, today)
    assert "before the discharge" in dialog.errors.message_for("contacted_on")
    with db.read() as s:
        stay_id = residents.get_resident(s, person).stays[-1].id
        assert follow_ups.follow_ups_of_stay(s, stay_id) == []


def test_a_message_goes_as_soon_as_its_value_is_changed(
    qtbot: QtBot, db: Database, admin: Actor, today: dt.date
) -> None:
    """Issue 17: a field's message and the red banner stayed after the value was fixed."""
    _person, dialog = a_call_before_the_discharge(qtbot, db, admin, today)
    assert dialog.errors.message_for("contacted_on") and dialog.banner.kind == "error"
    label = dialog.errors.label_for("contacted_on")
    assert label.text()
    dialog.contacted_on.set_date(today)  # as the person picks another day
    assert dialog.errors.message_for("contacted_on") is None
    assert label.text() == "" and dialog.banner.kind != "error"
    dialog.ok_button.click()
    assert dialog.result() == FollowUpDialog.DialogCode.Accepted
