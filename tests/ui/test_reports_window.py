"""Printing from the window over a real demo house and real PDFs: the report dialog and its
options, drawing off the window's thread and cancelling, the preview, printing through
QPrinter into a PDF file, saving, the audit trail, the tabs' shortcuts and permissions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, QThread
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import report_data as rd
from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent, Mentor, PeerSession, SupervisionNote
from peerdesk.core.permissions import Action
from peerdesk.core.services import residents as resident_service
from peerdesk.core.services import users
from peerdesk.reports import catalog
from peerdesk.ui import printing, printouts
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.report_preview import ReportPreview
from peerdesk.ui.dialogs.reports import ReportDialog
from peerdesk.ui.features.reports import feature_of
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.printouts import RenderedReport, ReportRequest
from tests.ui.dialog_support import control_problems, make_context
from tests.window_support import Messages, copy_of, demo_house, open_window, patch_dialog

TODAY = dt.date(2026, 6, 15)
VIEWER = Actor(username="visitor", role=vocab.Role.VIEWER, user_id=None)
NAMES_RESIDENTS = "Names residents — carries the confidentiality notice"
PASSWORD = "a long enough passphrase"


@pytest.fixture(scope="module")
def house_file(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    return demo_house(tmp_path_factory, template_db)


@pytest.fixture
def house(house_file: Path, tmp_path: Path, today: dt.date) -> Iterator[Database]:
    database = Database.open(copy_of(house_file, tmp_path / "house"))
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def ctx(house: Database, admin: Actor) -> UiContext:
    return make_context(house, admin)


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def open_dialog(
    qtbot: QtBot, parent: QWidget, ctx: UiContext, report: str | None = None, **preset: Any
) -> ReportDialog:
    dialog = ReportDialog(parent, ctx, report, preset or None)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def press_preview(qtbot: QtBot, dialog: ReportDialog) -> RenderedReport:
    """Preview, and wait until the report is drawn and the dialog has closed on it."""
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.ok_button.click()
    assert dialog.rendered is not None
    return dialog.rendered


def render(ctx: UiContext, name: str, options: Any) -> RenderedReport:
    return printouts.render_report(
        ctx.db,
        ctx.actor,
        ReportRequest(name, options),
        printouts.new_render_folder(),
        lambda _fraction: None,
        lambda: False,
    )


def open_preview(qtbot: QtBot, ctx: UiContext, report: RenderedReport) -> ReportPreview:
    preview = ReportPreview(None, ctx, report)
    qtbot.addWidget(preview)
    preview.show()
    return preview


def audit_lines(db: Database, action: str) -> list[AuditEvent]:
    with db.read() as s:
        rows = s.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
        return list(rows)


def in_residence(db: Database) -> list[int]:
    with db.read() as s:
        return [r.id for r in resident_service.active_residents(s)]


# --------------------------------------------------------------------------- the dialog


DEFAULT_PERIOD = (dt.date(2025, 6, 16), TODAY)


def test_each_report_shows_its_own_options_with_the_command_lines_defaults(
    qtbot: QtBot, parent: QWidget, ctx: UiContext
) -> None:
    dialog = open_dialog(qtbot, parent, ctx)
    offered = [dialog.report_list.item(row).text() for row in range(dialog.report_list.count())]
    assert offered == [
        "Resident roster",
        "Mentor roster",
        "Group sign-in sheet",
        "Supervision log",
        "Resident face sheets",
        "Outcome summary",
    ]
    expected: dict[str, Any] = {
        "roster": rd.RosterOptions(),
        "mentors": rd.MentorRosterOptions(),
        "signin": rd.SignInOptions(session_date=TODAY),
        "supervision": rd.SupervisionLogOptions(*DEFAULT_PERIOD),
        "facesheet": rd.FaceSheetOptions(),
        "outcomes": rd.OutcomeOptions(*DEFAULT_PERIOD),
    }
    for name, options in expected.items():
        dialog.select_report(name)
        page = dialog.pages[name]
        assert dialog.stack.currentWidget() is page
        assert page.isVisible()
        assert all(not other.isVisible() for other in dialog.pages.values() if other is not page)
        assert dialog.request() == ReportRequest(name, options), name
        assert control_problems(dialog) == [], name
        notice = dialog.notice.text()
        assert (NAMES_RESIDENTS in notice) == (
            name in ("roster", "signin", "supervision", "facesheet")
        )
    # Only the outcome summary's own choice changes whether it names anyone.
    dialog.select_report("outcomes")
    assert dialog.notice.text().startswith("Names no one")
    dialog.pages["outcomes"].identified.setChecked(True)
    assert NAMES_RESIDENTS in dialog.notice.text()
    assert dialog.request().options.identified


def test_the_options_turn_into_what_the_command_line_would_ask_for(
    qtbot: QtBot, parent: QWidget, ctx: UiContext
) -> None:
    dialog = open_dialog(qtbot, parent, ctx, "signin")
    page = dialog.pages["signin"]
    page.title.setText("Relapse prevention")
    page.session_date.set_date(dt.date(2026, 6, 20))
    page.facilitator.setEditText("Dana Reyes")
    page.phase.setCurrentIndex(page.phase.findText("Phase II"))
    page.expected.setChecked(False)
    page.blank_rows.setValue(25)
    assert dialog.request().options == rd.SignInOptions(
        "Relapse prevention", dt.date(2026, 6, 20), "Dana Reyes", "Phase II", False, 25
    )

    dialog.select_report("supervision")
    page = dialog.pages["supervision"]
    page.mentor.setCurrentIndex(2)
    chosen_id = page.mentor.currentData()
    page.start.set_date(dt.date(2026, 1, 1))
    assert dialog.request().options == rd.SupervisionLogOptions(
        dt.date(2026, 1, 1), TODAY, chosen_id
    )

    dialog.select_report("facesheet")
    page = dialog.pages["facesheet"]
    page.find.setText(page.people.item(1).text().split(" ")[0])
    assert not page.people.item(1).isHidden()
    page.people.item(1).setCheckState(page.people.item(1).checkState().Checked)
    assert page.chosen.isChecked(), "ticking someone chooses 'only the residents ticked'"
    wanted = page.people.item(1).data(256)
    assert dialog.request().options == rd.FaceSheetOptions(resident_ids=(wanted,))


def test_options_are_remembered_between_runs_but_not_the_risky_ones(
    qtbot: QtBot, parent: QWidget, ctx: UiContext
) -> None:
    dialog = open_dialog(qtbot, parent, ctx, "roster")
    roster = dialog.pages["roster"]
    roster.group_by.setCurrentIndex(roster.group_by.findData("room"))
    roster.contacts.setChecked(True)
    press_preview(qtbot, dialog).discard()

    dialog = open_dialog(qtbot, parent, ctx, "outcomes")
    outcomes = dialog.pages["outcomes"]
    outcomes.start.set_date(dt.date(2026, 1, 1))
    outcomes.identified.setChecked(True)
    outcomes.grant.setText("TI-26-004")
    press_preview(qtbot, dialog).discard()

    dialog = open_dialog(qtbot, parent, ctx, "signin")
    sign_in = dialog.pages["signin"]
    sign_in.blank_rows.setValue(4)
    sign_in.title.setText("House meeting")
    press_preview(qtbot, dialog).discard()

    # A new run (a new settings object reading the same file) opens on the last report.
    fresh = make_context(ctx.db, ctx.actor)
    fresh.settings = QSettings(ctx.settings.fileName(), QSettings.Format.IniFormat)
    again = open_dialog(qtbot, parent, fresh)
    assert again.current_name() == "signin"
    assert again.request().options == rd.SignInOptions("House meeting", TODAY, "", "", True, 4)
    assert again.pages["roster"].options() == rd.RosterOptions(rd.RosterGrouping.ROOM, True)
    # The chosen period stays; "identified" does not: the summary starts de-identified.
    # The grant number stays too (the same funder, report after report).
    assert again.pages["outcomes"].options() == rd.OutcomeOptions(
        dt.date(2026, 1, 1), TODAY, grant="TI-26-004"
    )


# --------------------------------------------------------------------------- drawing


def test_preview_draws_the_report_off_the_window_thread_into_a_temporary_pdf(
    qtbot: QtBot, parent: QWidget, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[object] = []
    real = printouts.render_report

    def watched(*args: Any) -> RenderedReport:
        threads.append(QThread.currentThread())
        return real(*args)

    monkeypatch.setattr(printouts, "render_report", watched)
    dialog = open_dialog(qtbot, parent, ctx, "facesheet")
    progress: list[float] = []
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.ok_button.click()
        task = dialog.task
        assert task is not None and task.is_running, "Preview returns while the report draws"
        assert not dialog.ok_button.isEnabled()
        task.progressed.connect(progress.append)
    rendered = dialog.rendered
    assert rendered is not None
    assert threads and threads[0] is not QThread.currentThread()
    assert progress and progress[-1] == 1.0
    reader = PdfReader(rendered.path)
    assert len(reader.pages) == len(in_residence(ctx.db))
    assert rendered.path.parent.name.startswith("peerdesk-report-")
    assert oct(rendered.path.parent.stat().st_mode & 0o777) == oct(0o700)
    assert rendered.names_residents and rendered.title == "Resident face sheet"
    rendered.discard()
    assert not rendered.path.parent.exists()


def test_cancel_stops_the_drawing_leaves_no_file_and_keeps_the_dialog(
    qtbot: QtBot, parent: QWidget, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached, release = hold_face_sheets(monkeypatch)
    folders: list[Path] = []
    real_folder = printouts.new_render_folder
    monkeypatch.setattr(
        printouts, "new_render_folder", lambda: folders.append(real_folder()) or folders[-1]
    )
    dialog = open_dialog(qtbot, parent, ctx, "facesheet")
    dialog.ok_button.click()
    task = dialog.task
    assert task is not None and task.dialog is not None
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    cancel = task.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    with qtbot.waitSignal(task.cancelled, timeout=10_000):
        cancel.click()
        release.set()
    assert dialog.isVisible() and dialog.rendered is None
    assert dialog.banner.text() == "The report was cancelled; nothing was printed."
    assert dialog.ok_button.isEnabled() and dialog.task is None
    assert folders and not folders[0].exists(), "no temporary file is left behind"
    assert audit_lines(ctx.db, "export") == [] and audit_lines(ctx.db, "print") == []


def test_a_refused_option_stands_under_its_field_and_the_dialog_stays_open(
    qtbot: QtBot, parent: QWidget, ctx: UiContext
) -> None:
    dialog = open_dialog(qtbot, parent, ctx, "outcomes")
    page = dialog.pages["outcomes"]
    page.start.set_date(dt.date(2026, 6, 1))
    page.end.set_date(dt.date(2026, 5, 1))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert dialog.isVisible()
    message = dialog.errors.message_for("from")
    assert (
        message == "The period starts (1 Jun 2026) after it ends (1 May 2026); swap the two dates."
    )
    assert dialog.errors.label_for("from").isVisibleTo(dialog)
    # The same names on another page are that page's fields.
    dialog.select_report("supervision")
    assert dialog.errors.widget_for("from") is dialog.pages["supervision"].start

    dialog.select_report("facesheet")
    dialog.pages["facesheet"].chosen.setChecked(True)
    dialog.ok_button.click()
    assert dialog.task is None, "nothing is drawn while a field is wrong"
    assert dialog.errors.message_for("resident") == (
        "Tick at least one resident, or choose everyone in residence."
    )


def test_a_refusal_by_the_service_is_one_sentence_in_the_dialog(
    qtbot: QtBot, parent: QWidget, ctx: UiContext
) -> None:
    dialog = open_dialog(qtbot, parent, ctx, "roster")
    ctx.set_actor(VIEWER)  # someone else signed in while the dialog was open
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert dialog.isVisible() and dialog.rendered is None
    assert dialog.banner.kind == "error"
    assert dialog.banner.text() == (
        "A viewer account may not print reports that name residents. Ask an administrator."
    )
    assert "\n" not in dialog.banner.text() and "Traceback" not in dialog.banner.text()


# --------------------------------------------------------------------------- the preview


def test_the_preview_shows_every_page_and_moves_between_them(qtbot: QtBot, ctx: UiContext) -> None:
    three = tuple(in_residence(ctx.db)[:3])
    preview = open_preview(qtbot, ctx, render(ctx, "facesheet", rd.FaceSheetOptions(three)))
    assert preview.page_count() == 3
    assert preview.page_count_label.text() == "of 3"
    assert "Resident face sheet" in preview.heading.text() and "3 pages" in preview.heading.text()
    assert preview.notice.isVisible() and "CONFIDENTIAL" in preview.notice.text()
    assert preview.current_page() == 1 and not preview.previous_button.isEnabled()
    preview.next_button.click()
    qtbot.waitUntil(lambda: preview.current_page() == 2)
    assert preview.page_spin.value() == 2 and preview.previous_button.isEnabled()
    preview.page_spin.setValue(3)
    qtbot.waitUntil(lambda: preview.current_page() == 3)
    assert not preview.next_button.isEnabled()
    preview.previous_button.click()
    qtbot.waitUntil(lambda: preview.current_page() == 2)

    preview.fit_width()
    wide = preview._effective_zoom()
    preview.zoom_in()
    assert preview.view.zoomFactor() > wide
    bigger = preview.view.zoomFactor()
    preview.zoom_out()
    preview.zoom_out()
    assert preview.view.zoomFactor() < bigger
    preview.whole_page()
    assert preview.view.zoomMode() == preview.view.ZoomMode.FitInView
    assert control_problems(preview) == []


def test_the_outcome_summary_preview_says_it_names_no_one(qtbot: QtBot, ctx: UiContext) -> None:
    rendered = render(ctx, "outcomes", rd.OutcomeOptions())
    expected = len(PdfReader(rendered.path).pages)
    preview = open_preview(qtbot, ctx, rendered)
    assert preview.page_count() == expected >= 2
    assert not preview.notice.isVisible()
    assert "1 Jun 2025" not in preview.heading.text()
    assert "16 Jun 2025 – 15 Jun 2026 · de-identified" in preview.heading.text()


def test_closing_the_preview_removes_its_temporary_pdf(qtbot: QtBot, ctx: UiContext) -> None:
    rendered = render(ctx, "mentors", rd.MentorRosterOptions())
    preview = open_preview(qtbot, ctx, rendered)
    assert rendered.path.exists()
    preview.close_button.click()
    assert not preview.isVisible()
    assert not rendered.path.parent.exists()


# --------------------------------------------------------------------------- printing


def print_into(
    monkeypatch: pytest.MonkeyPatch, out: Path, pages: tuple[int, int] | None = None
) -> list[int]:
    """Answer the print dialog with "print to a PDF file" (and a page range when given)."""
    asked: list[int] = []

    def choose(_parent: object, printer: QPrinter, page_count: int) -> bool:
        asked.append(page_count)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        if pages is not None:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*pages)
        return True

    monkeypatch.setattr(printing, "choose_printer", choose)
    return asked


def test_printing_through_qprinter_gives_the_same_pages_and_is_audited(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = render(ctx, "outcomes", rd.OutcomeOptions())
    preview = open_preview(qtbot, ctx, rendered)
    out = tmp_path / "printed.pdf"
    asked = print_into(monkeypatch, out)
    preview.print_button.click()
    task = preview.print_task
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    assert asked == [preview.page_count()]
    printed = PdfReader(out)
    assert len(printed.pages) == preview.page_count()
    box = printed.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # Letter, as drawn
    assert preview.banner.text() == f"{preview.page_count()} pages sent to {out}."
    [line] = audit_lines(ctx.db, "print")
    assert line.summary == f"Outcome summary ({rendered.detail}) printed on {out}"
    assert '"report": "outcomes"' in line.changes and '"identified": false' in line.changes
    assert line.username == "local"


def test_a_landscape_report_prints_on_landscape_paper(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = rd.RosterOptions(rd.RosterGrouping.ROOM, contacts=True)
    preview = open_preview(qtbot, ctx, render(ctx, "roster", wide))
    out = tmp_path / "wide.pdf"
    print_into(monkeypatch, out)
    preview.print_button.click()
    assert preview.print_task is not None
    with qtbot.waitSignal(preview.print_task.finished, timeout=60_000):
        pass
    printed = PdfReader(out)
    assert len(printed.pages) == preview.page_count()
    box = printed.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)


def test_printing_a_page_range_prints_only_those_pages(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    three = tuple(in_residence(ctx.db)[:3])
    preview = open_preview(qtbot, ctx, render(ctx, "facesheet", rd.FaceSheetOptions(three)))
    out = tmp_path / "two.pdf"
    print_into(monkeypatch, out, pages=(2, 3))
    preview.print_button.click()
    assert preview.print_task is not None
    with qtbot.waitSignal(preview.print_task.finished, timeout=60_000):
        pass
    assert len(PdfReader(out).pages) == 2
    assert preview.banner.text() == f"2 pages sent to {out}."


# Qt itself logs the failed start; the person sees the sentence below instead.
@pytest.mark.qt_log_ignore(r"QPainter::begin\(\): Returned false")
def test_a_printer_that_cannot_start_is_one_sentence(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = open_preview(qtbot, ctx, render(ctx, "mentors", rd.MentorRosterOptions()))
    print_into(monkeypatch, tmp_path / "no such folder" / "printed.pdf")
    preview.print_button.click()
    assert preview.print_task is not None
    with qtbot.waitSignal(preview.print_task.finished, timeout=60_000):
        pass
    assert preview.banner.kind == "error"
    assert preview.banner.text() == (
        f"The printer {tmp_path / 'no such folder' / 'printed.pdf'} could not be started; "
        "check that it is on and connected, then print again."
    )
    assert audit_lines(ctx.db, "print") == []


# --------------------------------------------------------------------------- saving


def test_save_as_pdf_writes_the_previewed_file_atomically_and_remembers_the_folder(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = render(ctx, "roster", rd.RosterOptions())
    preview = open_preview(qtbot, ctx, rendered)
    folder = tmp_path / "usb"
    folder.mkdir()
    suggested: list[Path] = []

    def choose(_parent: object, offered: Path) -> Path:
        suggested.append(offered)
        return folder / "roster for the wall.pdf"

    monkeypatch.setattr(printing, "choose_pdf_path", choose)
    preview.save_button.click()
    saved = folder / "roster for the wall.pdf"
    assert saved.read_bytes() == rendered.path.read_bytes()
    assert not (folder / "roster for the wall.pdf.partial").exists()
    assert suggested[0].name == "Resident roster 2026-06-15.pdf"
    assert preview.banner.text() == f"Saved as {saved}."
    [line] = audit_lines(ctx.db, "export")
    assert line.summary == f"Resident roster ({rendered.detail}) to {saved}"
    assert preview.suggested_path().parent == folder, "the folder is remembered"


def test_a_save_that_fails_leaves_the_old_file_whole_and_says_why(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = open_preview(qtbot, ctx, render(ctx, "roster", rd.RosterOptions()))
    target = tmp_path / "roster.pdf"
    target.write_bytes(b"last month's roster")
    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, _offered: target)

    def full_drive(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_drive)
    preview.save_button.click()
    assert target.read_bytes() == b"last month's roster"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("roster")) == [
        "roster.pdf"
    ]
    assert preview.banner.kind == "error"
    assert preview.banner.text() == (
        f"Could not write {target} (No space left on device). "
        "The drive is full; free some space or use another drive."
    )
    assert audit_lines(ctx.db, "export") == []


# --------------------------------------------------------------------------- the window


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def window(qtbot: QtBot, house: Database, tmp_path: Path, shown: Messages) -> MainWindow:
    return open_window(qtbot, house, tmp_path / "profile")


def test_the_reports_menu_names_every_report_and_print_is_on_the_toolbar(
    window: MainWindow,
) -> None:
    menu = window.menu("reports")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "Resident &roster…",
        "&Mentor roster…",
        "Group &sign-in sheet…",
        "Super&vision log…",
        "Resident &face sheets…",
        "&Outcome summary…",
        "&Print…",
    ]
    feature = feature_of(window)
    assert feature.print_action.shortcut().toString() == "Ctrl+P"
    assert feature.print_action in window.toolbar.actions() and window.toolbar.isVisible()
    button = window.toolbar.widgetForAction(feature.print_action)
    assert button is not None and button.text() == "Print…"
    bar = [a.text() for a in window.menuBar().actions()]
    assert bar.index("&Reports") == bar.index("&View") + 1


def test_ctrl_p_opens_the_dialog_and_its_report_opens_in_a_preview(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[RenderedReport] = []

    def ask(_parent: object, ctx: UiContext, report: str | None, preset: Any) -> RenderedReport:
        name = report or "mentors"
        drawn.append(render(ctx, name, catalog.REPORTS[name].options()))
        return drawn[-1]

    calls = patch_dialog(monkeypatch, "reports", "ReportDialog", ask)
    feature = feature_of(window)
    feature.print_action.trigger()
    assert calls == [(window, window.ctx, None, None)]
    [preview] = feature.previews
    assert isinstance(preview, ReportPreview) and preview.isVisible()
    assert preview.page_count() == len(PdfReader(drawn[0].path).pages)
    feature.report_actions["outcomes"].trigger()
    assert calls[-1][2] == "outcomes" and len(feature.previews) == 2
    # Closing the window closes the previews and removes their files.
    window.close()
    assert feature.previews == []
    assert all(not report.path.parent.exists() for report in drawn)


def test_the_tabs_print_shortcuts_fill_in_the_selected_record(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = patch_dialog(monkeypatch, "reports", "ReportDialog", lambda *_args: None)
    feature = feature_of(window)
    ctx = window.ctx

    residents = window.residents
    window.tabs.setCurrentWidget(residents)
    assert not feature.face_sheet_action.isEnabled()
    residents.view.selectRow(2)
    resident_id = residents.selected_id()
    assert feature.face_sheet_action.isEnabled()
    feature.face_sheet_action.trigger()
    assert calls[-1][2:] == ("facesheet", {"resident_ids": (resident_id,)})
    dialog = ReportDialog(None, ctx, *calls[-1][2:])
    qtbot.addWidget(dialog)
    assert dialog.request() == ReportRequest("facesheet", rd.FaceSheetOptions((resident_id,)))

    sessions = window.sessions
    window.tabs.setCurrentWidget(sessions)
    with ctx.db.read() as s:
        group = (
            s.execute(
                select(PeerSession)
                .where(PeerSession.format == "group", PeerSession.voided_at.is_(None))
                .order_by(PeerSession.session_date.desc())
            )
            .scalars()
            .first()
        )
        alone = (
            s.execute(select(PeerSession.id).where(PeerSession.format == "one_to_one"))
            .scalars()
            .first()
        )
        assert group is not None and alone is not None
        group_id, topic, day = group.id, group.topic, group.session_date
    assert sessions.select_record(alone)
    assert not feature.sign_in_action.isEnabled(), "a one-to-one session has no sign-in sheet"
    assert sessions.select_record(group_id)
    assert feature.sign_in_action.isEnabled()
    feature.sign_in_action.trigger()
    name, preset = calls[-1][2:]
    assert name == "signin" and preset["title"] == topic and preset["session_date"] == day
    dialog = ReportDialog(None, ctx, name, preset)
    qtbot.addWidget(dialog)
    options = dialog.request().options
    assert (options.title, options.session_date) == (topic, day)
    assert options.facilitator == preset["facilitator"] != ""
    assert options.blank_rows == 10 and options.expected

    supervision = window.supervision
    window.tabs.setCurrentWidget(supervision)
    with ctx.db.read() as s:
        note = s.execute(select(SupervisionNote).order_by(SupervisionNote.id)).scalars().first()
        assert note is not None
        note_id, mentor_id = note.id, note.mentor_id
    assert supervision.select_record(note_id)
    feature.supervision_log_action.trigger()
    assert calls[-1][2:] == ("supervision", {"mentor_id": mentor_id})
    dialog = ReportDialog(None, ctx, *calls[-1][2:])
    qtbot.addWidget(dialog)
    assert dialog.request().options == rd.SupervisionLogOptions(*DEFAULT_PERIOD, mentor_id)


def test_a_viewer_is_offered_only_reports_that_name_no_resident(
    qtbot: QtBot, window: MainWindow, parent: QWidget
) -> None:
    feature = feature_of(window)
    window.ctx.set_actor(VIEWER)
    visible = [name for name, action in feature.report_actions.items() if action.isVisible()]
    assert visible == ["mentors", "outcomes"]
    assert feature.print_action.isEnabled()
    for action in (
        feature.face_sheet_action,
        feature.sign_in_action,
        feature.supervision_log_action,
    ):
        assert not action.isVisible()
    dialog = open_dialog(qtbot, parent, window.ctx, "roster")
    assert dialog.available == ["mentors", "outcomes"]
    assert dialog.current_name() == "mentors"  # the roster asked for is not offered
    assert not dialog.pages["outcomes"].identified.isEnabled()
    dialog.select_report("outcomes")
    assert dialog.request().options.identified is False

    # An administrator may let a viewer print reports that name residents.
    window.ctx.set_actor(
        dataclasses.replace(VIEWER, also_allowed=frozenset({Action.PRINT_IDENTIFIED}))
    )
    visible = [name for name, action in feature.report_actions.items() if action.isVisible()]
    assert visible == ["roster", "mentors", "signin", "facesheet", "outcomes"]
    assert feature.face_sheet_action.isVisible() and not feature.supervision_log_action.isVisible()


def test_someone_else_signing_in_closes_the_open_previews(qtbot: QtBot, window: MainWindow) -> None:
    feature = feature_of(window)
    rendered = render(window.ctx, "roster", rd.RosterOptions())
    preview = feature.show_preview(rendered)
    assert preview.isVisible()
    window.ctx.set_actor(VIEWER)
    assert feature.previews == [] and not rendered.path.parent.exists()


def test_the_report_pdf_is_what_the_command_line_writes(ctx: UiContext, tmp_path: Path) -> None:
    options = rd.RosterOptions(rd.RosterGrouping.ROOM)
    rendered = render(ctx, "roster", options)
    saved = catalog.save_report(ctx.db, ctx.actor, "roster", options, tmp_path / "cli.pdf")
    ours = [p.extract_text() for p in PdfReader(io.BytesIO(rendered.path.read_bytes())).pages]
    theirs = [p.extract_text() for p in PdfReader(saved.path).pages]
    assert ours == theirs
    assert rendered.detail == saved.detail


# --------------------------------------------------------------------------- more paths


def test_ask_returns_the_drawn_report_after_preview_and_none_after_cancel(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def preview(dialog: ReportDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        press_preview(qtbot, dialog)
        return dialog.result()

    monkeypatch.setattr(ReportDialog, "exec", preview)
    rendered = ReportDialog.ask(None, ctx, "mentors")
    assert rendered is not None and rendered.name == "mentors" and rendered.path.exists()
    rendered.discard()

    def cancel(dialog: ReportDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(ReportDialog, "exec", cancel)
    assert ReportDialog.ask(None, ctx, "mentors") is None


def hold_face_sheets(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The real face sheets, held at their first step until the test releases them."""
    reached, release = threading.Event(), threading.Event()
    kind = catalog.REPORTS["facesheet"]

    def held(out: Any, data: Any, progress: Callable[[float], None]) -> None:
        def step(fraction: float) -> None:
            reached.set()
            release.wait(10)
            progress(fraction)

        kind.render(out, data, step)

    monkeypatch.setitem(catalog.REPORTS, "facesheet", dataclasses.replace(kind, render=held))
    return reached, release


def test_closing_the_dialog_while_it_draws_stops_the_drawing_and_keeps_nothing(
    qtbot: QtBot, parent: QWidget, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached, release = hold_face_sheets(monkeypatch)
    dialog = open_dialog(qtbot, parent, ctx, "facesheet")
    dialog.ok_button.click()
    task = dialog.task
    assert task is not None
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    folder = dialog._folder
    assert folder is not None and folder.exists()
    release.set()
    dialog.reject()  # Esc: waits for the drawing to stop
    assert task.outcome is not None and task.outcome.cancelled
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.rendered is None
    assert not folder.exists()


def test_a_peer_mentor_prints_only_the_supervision_log_about_themselves(
    qtbot: QtBot, parent: QWidget, house: Database, admin: Actor
) -> None:
    with house.begin() as s:
        users.create_user(s, admin, "director", "Pat Director", vocab.Role.ADMINISTRATOR, PASSWORD)
        account = users.create_user(
            s, admin, "tuan", "Tuan Jimenez", vocab.Role.PEER_MENTOR, PASSWORD
        )
        mentor = s.execute(select(Mentor).order_by(Mentor.id)).scalars().first()
        assert mentor is not None
        mentor.user_id = account.id
        mentor_id = mentor.id
        other = s.execute(select(Mentor).where(Mentor.id != mentor_id)).scalars().first()
        assert other is not None
        lone = users.create_user(s, admin, "sam", "Sam Lone", vocab.Role.PEER_MENTOR, PASSWORD)
    peer = users.actor_for(account)
    assert printouts.available_reports(house, peer) == [c.name for c in printouts.CHOICES]
    ctx = make_context(house, peer)
    dialog = open_dialog(qtbot, parent, ctx, "supervision")
    page = dialog.pages["supervision"]
    assert [page.mentor.itemData(i) for i in range(page.mentor.count())] == [mentor_id]
    assert dialog.request().options.mentor_id == mentor_id
    rendered = press_preview(qtbot, dialog)
    assert rendered.name == "supervision"
    rendered.discard()
    # A peer mentor whose account is linked to no mentor record has no log to print.
    assert "supervision" not in printouts.available_reports(house, users.actor_for(lone))
    # Asking for another mentor's log is refused by the service in one sentence.
    dialog = open_dialog(qtbot, parent, ctx, "supervision")
    page = dialog.pages["supervision"]
    page.mentor.addItem("Someone else", other.id)
    page.mentor.setCurrentIndex(page.mentor.count() - 1)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert dialog.banner.text() == "You may print only the supervision notes about yourself."


def test_cancelling_printing_drops_the_job_and_writes_no_audit_line(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two = tuple(in_residence(ctx.db)[:2])
    preview = open_preview(qtbot, ctx, render(ctx, "facesheet", rd.FaceSheetOptions(two)))
    reached, release = threading.Event(), threading.Event()
    real = printing._page_image

    def held(document: Any, index: int, dpi: float) -> Any:
        reached.set()
        release.wait(10)
        return real(document, index, dpi)

    monkeypatch.setattr(printing, "_page_image", held)
    print_into(monkeypatch, tmp_path / "cancelled.pdf")
    preview.print_button.click()
    task = preview.print_task
    assert task is not None
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    with qtbot.waitSignal(task.cancelled, timeout=30_000):
        task.cancel()
        release.set()
    assert preview.banner.text() == "Printing was cancelled; the pages not yet sent were dropped."
    assert preview.print_button.isEnabled() and preview.print_task is None
    assert audit_lines(ctx.db, "print") == []


def test_a_prepared_file_that_cannot_be_read_is_said_in_the_preview(
    qtbot: QtBot, ctx: UiContext
) -> None:
    rendered = render(ctx, "mentors", rd.MentorRosterOptions())
    rendered.path.write_bytes(b"not a PDF at all")
    preview = open_preview(qtbot, ctx, rendered)
    assert preview.banner.text() == (
        "The report could not be shown; close this window and prepare it again."
    )
    assert not preview.print_button.isEnabled() and not preview.save_button.isEnabled()
    preview.close_button.click()
    assert not rendered.path.parent.exists()
