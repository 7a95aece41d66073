"""Whole flows through the real main window over a real database file.

The forms' ``ask`` is replaced by what each form does once the person presses Save: write
through the real services in one transaction, announce the record, return the DTO. The
window's part — the right tab, the right counts, the Home tab — is what these tests check.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerdesk.core import dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ValidationError
from peerdesk.core.services import mentors, residents, sessions, supervision
from peerdesk.core.services import settings as settings_service
from peerdesk.ui.context import UiContext
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.tabs.base import RecordTab
from tests import factories as f
from tests.window_support import Messages, open_window, patch_dialog


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def window(qtbot: QtBot, db: Database, admin: Actor, tmp_path: Path, shown: Messages) -> MainWindow:
    with db.begin() as s:
        settings_service.name_house(s, admin, "Maple House")
    main = open_window(qtbot, db, tmp_path / "profile")
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    return main


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)


def click(tab: RecordTab, action: Any) -> None:
    """Click the toolbar button of an action, as a person would."""
    button = tab.toolbar.widgetForAction(action)
    assert button is not None and button.isEnabled(), action.text()
    button.click()


def cell(tab: RecordTab, record_id: int, key: str) -> str:
    row = tab.model.row_of(record_id)
    assert row is not None, f"record {record_id} is not shown"
    return str(tab.model.index(row, tab.spec.column_index(key)).data())


def card_lines(card: Any) -> list[str]:
    return [button.accessibleName() for button in card.buttons]


def test_a_week_in_the_house(
    qtbot: QtBot, window: MainWindow, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.windowTitle() == "PeerDesk — Maple House"

    # --- a peer mentor joins (Mentors tab, Ctrl+N) --------------------------------------
    def new_mentor(_parent: Any, ctx: UiContext, mentor_id: int | None = None) -> dto.Mentor:
        with ctx.db.begin() as s:
            saved = mentors.create_mentor(
                s,
                ctx.actor,
                mentors.MentorDetails(
                    first_name="Maya", last_name="Lopez", start_date=dt.date(2024, 1, 1)
                ),
            )
        ctx.announce("mentors", saved.id)
        return saved

    patch_dialog(monkeypatch, "mentor", "MentorDialog", new_mentor)
    press(qtbot, window, Qt.Key.Key_3)
    press(qtbot, window, Qt.Key.Key_N)
    assert window.mentors.status_text == "1 peer mentor"
    maya = window.mentors.selected_id()
    assert maya is not None and cell(window.mentors, maya, "name") == "Lopez, Maya"

    # --- three intakes (Residents tab, Ctrl+N) -------------------------------------------
    people = [("Jamie", "Doe", "12"), ("Alex", "Rivera", "14"), ("Pat", "Dorsey", "15")]

    def intake(_parent: Any, ctx: UiContext, resident_id: int | None = None) -> dto.Resident:
        first, last, room = people.pop(0)
        with ctx.db.begin() as s:
            sos = f.phase_id(s, "SOS")
            saved = residents.intake_resident(
                s,
                ctx.actor,
                residents.ResidentDetails(
                    first_name=first, last_name=last, room=room, bed="A", mentor_id=maya
                ),
                residents.Admission(
                    intake_date=dt.date(2026, 6, 1), phase_id=sos, living_situation="shelter"
                ),
            )
        ctx.announce("residents", saved.id)
        return saved

    patch_dialog(monkeypatch, "resident", "ResidentDialog", intake)
    press(qtbot, window, Qt.Key.Key_2)
    tab = window.residents
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_N)
    assert tab.status_text == "3 residents"
    assert window.status_label.text() == "3 residents"
    pat = tab.selected_id()
    assert pat is not None and tab.detail.heading.text() == "Pat Dorsey", "the new one is shown"
    jamie, alex = (
        next(tab.model.record_id(r) for r in range(3) if tab.model.row_values(r).values[0] == n)
        for n in ("Doe, Jamie", "Rivera, Alex")
    )
    assert cell(tab, alex, "room_bed") == "14 / A" and cell(tab, alex, "mentor") == "Lopez, Maya"
    press(qtbot, window, Qt.Key.Key_1)
    assert window.home.census.title.text() == "In residence today (3)"
    assert card_lines(window.home.census) == ["Safe Off the Streets: 3"]
    assert len(window.home.due.buttons) == 3, "nobody has a BARC-10 yet"

    # --- Alex moves to Phase I (Change phase on the toolbar) -----------------------------
    def change_phase(_parent: Any, ctx: UiContext, resident_id: int) -> dto.Resident:
        with ctx.db.begin() as s:
            saved = residents.change_phase(
                s, ctx.actor, resident_id, f.phase_id(s, "Phase I"), dt.date(2026, 6, 10)
            )
        ctx.announce("residents", resident_id)
        return saved

    patch_dialog(monkeypatch, "phase", "ChangePhaseDialog", change_phase)
    press(qtbot, window, Qt.Key.Key_2)
    assert tab.select_record(alex)
    with qtbot.assertNotEmitted(tab.model.modelReset):  # one row refreshed in place
        click(tab, tab.phase_action)
    assert cell(tab, alex, "phase") == "Phase I"
    assert "Phase I from 10 Jun 2026" in tab.detail.phases.text()
    press(qtbot, window, Qt.Key.Key_1)
    assert card_lines(window.home.census) == ["Safe Off the Streets: 2", "Phase I: 1"]

    # --- a group session with the three of them (Sessions tab, Ctrl+N) ------------------
    def log_group(
        _parent: Any,
        ctx: UiContext,
        session_id: int | None = None,
        resident_id: int | None = None,
    ) -> dto.PeerSession:
        with ctx.db.begin() as s:
            saved = sessions.log_session(
                s,
                ctx.actor,
                sessions.SessionDetails(
                    session_date=dt.date(2026, 6, 12),
                    duration_minutes=60,
                    mentor_id=maya,
                    format=vocab.SessionFormat.GROUP,
                    support_types=frozenset(
                        {vocab.SupportType.EMOTIONAL, vocab.SupportType.AFFILIATIONAL}
                    ),
                    attendees=[
                        sessions.AttendeeEntry(jamie, 6, 4),
                        sessions.AttendeeEntry(alex, 8, 5),
                        sessions.AttendeeEntry(pat, None, None),
                    ],
                    topic="Coping with cravings",
                ),
            )
        ctx.announce("peer_sessions", saved.id)
        return saved

    patch_dialog(monkeypatch, "session", "SessionDialog", log_group)
    press(qtbot, window, Qt.Key.Key_4)
    press(qtbot, window, Qt.Key.Key_N)
    group = window.sessions.selected_id()
    assert group is not None and window.sessions.status_text == "1 session"
    assert cell(window.sessions, group, "attendees") == "3"
    assert cell(window.sessions, group, "format") == "Group"
    assert cell(window.sessions, group, "support_types") == "Emotional, Affiliational"
    press(qtbot, window, Qt.Key.Key_2)
    assert tab.select_record(jamie)
    assert tab.detail.sessions_title.text() == "Sessions (1)"
    row = tab.detail.sessions_model
    assert row.index(0, row.spec.column_index("motivation")).data() == "6"

    # --- supervision with an action item (Supervision tab, Ctrl+N) ----------------------
    def write_note(
        _parent: Any, ctx: UiContext, note_id: int | None = None, mentor_id: int | None = None
    ) -> dto.SupervisionNote:
        with ctx.db.begin() as s:
            saved = supervision.write_note(
                s,
                ctx.actor,
                supervision.NoteDetails(
                    note_date=dt.date(2026, 6, 13),
                    duration_minutes=45,
                    supervisor_name="Dana Whitaker",
                    mentor_id=maya,
                    kind=vocab.SupervisionKind.SCHEDULED,
                    domains=[vocab.Competency.ETHICS_BOUNDARIES],
                    summary="Caseload review; boundaries with a former roommate.",
                    action_items=[
                        supervision.ActionItemEntry("Read the ethics code", dt.date(2026, 6, 30))
                    ],
                ),
            )
        ctx.announce("supervision_notes", saved.id)
        return saved

    patch_dialog(monkeypatch, "supervision", "SupervisionDialog", write_note)
    press(qtbot, window, Qt.Key.Key_5)
    press(qtbot, window, Qt.Key.Key_N)
    note = window.supervision.selected_id()
    assert note is not None and window.supervision.status_text == "1 supervision note"
    assert cell(window.supervision, note, "open_items") == "1"
    assert cell(window.mentors, maya, "last_supervision") == "13 Jun 2026"
    press(qtbot, window, Qt.Key.Key_1)
    assert card_lines(window.home.items) == ["Maya Lopez — Read the ethics code (due 30 Jun 2026)"]

    # --- Pat is discharged (Discharge on the toolbar) -----------------------------------
    def discharge(_parent: Any, ctx: UiContext, resident_id: int) -> dto.Resident:
        with ctx.db.begin() as s:
            saved = residents.discharge_resident(
                s,
                ctx.actor,
                resident_id,
                residents.Discharge(
                    dt.date(2026, 6, 14),
                    vocab.DischargeReason.MOVED_ON,
                    exit_living_situation="own_rent",
                ),
            )
        ctx.announce("residents", resident_id)
        return saved

    patch_dialog(monkeypatch, "discharge", "DischargeDialog", discharge)
    press(qtbot, window, Qt.Key.Key_2)
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("active"))
    assert tab.select_record(pat)
    click(tab, tab.discharge_action)
    assert tab.status_text == "2 of 3 residents", "gone from the In residence list"
    assert tab.model.row_of(pat) is None
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("discharged"))
    assert tab.model.rowCount() == 1 and cell(tab, pat, "status") == "Discharged"
    assert tab.select_record(pat)
    assert tab.readmit_action.isEnabled() and not tab.discharge_action.isEnabled()
    assert "Moved on positively (positive)" in tab.detail.stay.text()
    press(qtbot, window, Qt.Key.Key_1)
    assert window.home.census.title.text() == "In residence today (2)"
    assert card_lines(window.home.census) == ["Safe Off the Streets: 1", "Phase I: 1"]
    assert window.status_label.text() == "2 in residence"


def test_a_form_that_is_refused_writes_nothing_and_the_tab_stays_as_it_was(
    qtbot: QtBot, window: MainWindow, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused: list[ValidationError] = []

    def invalid_then_cancel(
        _parent: Any, ctx: UiContext, resident_id: int | None = None
    ) -> dto.Resident | None:
        # What the intake form does: try to save, show each message beside its field, keep
        # the form open — and here the person then gives up with Cancel.
        try:
            with ctx.db.begin() as s:
                residents.intake_resident(
                    s,
                    ctx.actor,
                    residents.ResidentDetails(first_name="", last_name="Nobody"),
                    residents.Admission(
                        intake_date=dt.date(2026, 7, 1), phase_id=f.phase_id(s, "SOS")
                    ),
                )
        except ValidationError as exc:
            refused.append(exc)
            return None
        raise AssertionError("the service should have refused this intake")

    patch_dialog(monkeypatch, "resident", "ResidentDialog", invalid_then_cancel)
    press(qtbot, window, Qt.Key.Key_2)
    resets: list[bool] = []
    window.residents.model.modelReset.connect(lambda: resets.append(True))
    press(qtbot, window, Qt.Key.Key_N)
    (error,) = refused
    assert error.for_field("first_name") == "First name is required."
    assert error.for_field("intake_date") == (
        "Intake date (1 Jul 2026) is in the future; today is 15 Jun 2026."
    )
    assert window.residents.status_text == "0 residents"
    assert resets == [], "nothing was announced, nothing reloaded"
    with db.read() as s:
        assert residents.active_residents(s) == []
