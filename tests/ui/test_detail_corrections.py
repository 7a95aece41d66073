"""Mistakes put right where they are shown: a phase move or an assessment entered by mistake
is voided from the resident's detail pane, with a reason, and the audit log keeps both."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent
from peerdesk.core.services import assessments, residents
from peerdesk.ui.tabs.resident_detail import ResidentDetail
from tests import factories as f
from tests.ui.dialog_support import make_context
from tests.window_support import patch_dialog


@pytest.fixture
def jamie(db: Database, admin: Actor) -> int:
    with db.begin() as s:
        person = f.resident(s, admin, "Jamie", "Ortiz", intake=dt.date(2026, 5, 1)).id
        residents.change_phase(
            s, admin, person, f.phase_id(s, "MT I"), dt.date(2026, 5, 20), "Moved on"
        )
        assessments.record_assessment(
            s, admin,
            assessments.AssessmentEntry(person, dt.date(2026, 6, 1),
                                        vocab.Instrument.READINESS, score=7),
        )  # fmt: skip
    return person


def test_a_phase_move_and_an_assessment_are_voided_from_the_pane(
    qtbot: QtBot, db: Database, admin: Actor, jamie: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pane = ResidentDetail(make_context(db, admin))
    qtbot.addWidget(pane)
    pane.show_resident(jamie)
    assert "void…" in pane.phases.text() and "void…" in pane.assessments.text()
    asked = patch_dialog(monkeypatch, "void", "VoidDialog", lambda *a: "Entered on the wrong day")

    phase_link = next(part.split("'")[0] for part in pane.phases.text().split("href='")[1:])
    pane.phases.linkActivated.emit(phase_link)
    assert "Moved on" in pane.phases.text() and "(voided)" in pane.phases.text()
    assessment_link = pane.assessments.text().split("href='")[1].split("'")[0]
    pane.assessments.linkActivated.emit(assessment_link)
    assert "No assessments yet." in pane.assessments.text()
    assert [a[1] for a in asked] == ["this phase move", "this assessment"]
    with db.read() as s:
        voids = s.scalars(
            select(AuditEvent.entity).where(AuditEvent.action == "void").order_by(AuditEvent.id)
        ).all()
        reasons = s.scalars(select(AuditEvent.summary).where(AuditEvent.action == "void")).all()
    assert voids == ["phase_changes", "assessments"]
    assert set(reasons) == {"Entered on the wrong day"}


def test_a_viewer_sees_no_void_links(db: Database, qtbot: QtBot, jamie: int) -> None:
    viewer = Actor("view", vocab.Role.VIEWER, user_id=None)
    pane = ResidentDetail(make_context(db, viewer))
    qtbot.addWidget(pane)
    pane.show_resident(jamie)
    assert "void…" not in pane.phases.text() and "void…" not in pane.assessments.text()


def test_a_discharge_is_corrected_from_the_pane(
    qtbot: QtBot, db: Database, admin: Actor, jamie: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: a discharge entered wrongly could not be corrected in the window."""
    from PySide6.QtWidgets import QApplication

    from peerdesk.ui.dialogs.discharge import DischargeDialog

    with db.begin() as s:
        residents.discharge_resident(
            s, admin, jamie,
            residents.Discharge(dt.date(2026, 6, 10), vocab.DischargeReason.LEFT_VOLUNTARILY),
        )  # fmt: skip
    pane = ResidentDetail(make_context(db, admin))
    qtbot.addWidget(pane)
    pane.show_resident(jamie)
    assert "correct the discharge…" in pane.stay.text()
    seen: list[DischargeDialog] = []

    def correct() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DischargeDialog) and dialog.correcting
        seen.append(dialog)
        assert dialog.discharge_date.date() == dt.date(2026, 6, 10), "as recorded"
        assert dialog.reason.value() is vocab.DischargeReason.LEFT_VOLUNTARILY
        dialog.reason.set_value(vocab.DischargeReason.MOVED_ON)
        dialog.why.setPlainText("Wrong reason picked")
        dialog.ok_button.click()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, correct)
    pane.stay.linkActivated.emit("correct-discharge:0")
    assert seen and seen[0].result() == DischargeDialog.DialogCode.Accepted
    with db.read() as s:
        stay = residents.get_resident(s, jamie).stays[-1]
    assert stay.discharge_reason is vocab.DischargeReason.MOVED_ON
    assert stay.discharge_outcome is vocab.OutcomeClass.POSITIVE, "follows the corrected reason"
    assert stay.discharge_date == dt.date(2026, 6, 10)
    assert "Moved on positively" in pane.stay.text()
