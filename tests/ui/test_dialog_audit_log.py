"""House → Audit log: filters, pages from SQL, the chain's state, and Print to PDF."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pypdf
import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from peerdesk.core import audit, audit_log, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.audit_log import PAGE_SIZE, AuditLogDialog
from tests import factories as f
from tests.ui.dialog_support import control_problems, make_context
from tests.window_support import Messages


@pytest.fixture
def sup(db: Database, admin: Actor) -> Actor:
    with db.begin() as s:
        maya = f.mentor(s, admin, "Maya", "Lopez")
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR)
        sup = f.account(s, boss, "sup", vocab.Role.SUPERVISOR)
        f.resident(s, sup, "Jamie", "Doe", mentor_id=maya.id)
        f.resident(s, boss, "Ana", "Avila")
    return sup


@pytest.fixture
def ctx(db: Database, sup: Actor) -> UiContext:
    return make_context(db, sup)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


def audit_dialog(qtbot: QtBot, ctx: UiContext) -> AuditLogDialog:
    dialog = AuditLogDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def column(dialog: AuditLogDialog, index: int) -> list[str]:
    return [dialog.table.item(r, index).text() for r in range(dialog.table.rowCount())]


def test_every_line_newest_first_then_filtered(
    qtbot: QtBot, ctx: UiContext, db: Database, sup: Actor
) -> None:
    dialog = audit_dialog(qtbot, ctx)
    everything = dialog.matching
    ids = [int(x) for x in column(dialog, 0)]
    assert ids == sorted(ids, reverse=True) and len(ids) == everything
    assert dialog.page_label.text() == f"Lines 1–{everything} of {everything}, newest first"

    dialog.person.setCurrentIndex(dialog.person.findData(sup.user_id))
    assert set(column(dialog, 2)) == {"sup"}
    dialog.kind.setCurrentIndex(dialog.kind.findData("residents"))
    assert column(dialog, 4) == ["Resident #1"] and column(dialog, 3) == ["create"]
    assert "Jamie Doe" in column(dialog, 5)[0]

    dialog.person.setCurrentIndex(0)  # everyone
    assert len(column(dialog, 0)) == 2
    dialog.number.setText("2")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert column(dialog, 4) == ["Resident #2"] and "Ana Avila" in column(dialog, 5)[0]

    dialog.number.clear()
    dialog.kind.setCurrentIndex(0)
    dialog.person.setCurrentIndex(dialog.person.findData(audit_log.LOCAL_USERNAME))
    assert set(column(dialog, 2)) == {"local"}
    dialog.person.setCurrentIndex(0)
    assert control_problems(dialog) == []
    dialog.dates.period.setCurrentIndex(dialog.dates.BETWEEN)
    dialog.dates.start.setDate(dialog.dates.start.date().addYears(-3))
    dialog.dates.end.setDate(dialog.dates.start.date().addYears(1))
    assert dialog.table.rowCount() == 0
    assert dialog.page_label.text() == "No line matches these filters."


def test_pages_of_a_long_trail(qtbot: QtBot, ctx: UiContext, db: Database, sup: Actor) -> None:
    with db.begin() as s:
        audit.record_many(
            s, sup, [audit.Entry("change", "residents", 1, f"n{i}") for i in range(250)]
        )
    dialog = audit_dialog(qtbot, ctx)
    total = dialog.matching
    assert dialog.table.rowCount() == PAGE_SIZE and column(dialog, 5)[0] == "n249"
    assert not dialog.newer_button.isEnabled() and dialog.older_button.isEnabled()
    dialog.older_button.click()
    assert column(dialog, 5)[0] == "n149"
    assert dialog.page_label.text() == f"Lines 101–200 of {total}, newest first"
    dialog.older_button.click()
    assert dialog.table.rowCount() == total - 2 * PAGE_SIZE
    assert not dialog.older_button.isEnabled()
    dialog.newer_button.click()
    dialog.newer_button.click()
    assert column(dialog, 5)[0] == "n249" and not dialog.newer_button.isEnabled()


def test_the_chain_is_checked_in_the_background(qtbot: QtBot, ctx: UiContext, db: Database) -> None:
    dialog = audit_dialog(qtbot, ctx)
    assert dialog.chain_banner.text() == "Checking that the audit trail is whole…"
    task = dialog.check_chain()
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert dialog.chain is not None and dialog.chain.ok
    assert dialog.chain_banner.kind == "success"
    assert dialog.chain_banner.text().startswith("The audit trail is whole: all ")


def test_a_tampered_chain_is_shown_in_red(
    qtbot: QtBot, ctx: UiContext, db: Database, db_path: Path
) -> None:
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_events_no_delete")
    raw.execute("DELETE FROM audit_events WHERE id = 2")
    raw.commit()
    raw.close()
    dialog = audit_dialog(qtbot, ctx)
    task = dialog.check_chain()
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert dialog.chain_banner.kind == "error"
    assert "audit line 2 is missing before line 3" in dialog.chain_banner.text()


def test_print_to_pdf(
    qtbot: QtBot, ctx: UiContext, db: Database, tmp_path: Path, shown: Messages
) -> None:
    dialog = audit_dialog(qtbot, ctx)
    dialog.kind.setCurrentIndex(dialog.kind.findData("residents"))
    target = tmp_path / "audit.pdf"
    dialog.choose_pdf_path = lambda: target  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.print_button.clicked):
        dialog.print_button.click()
    assert dialog._print_task is not None
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=20_000)
    assert shown.texts("info") == [f"The audit log was saved to {target}."]
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(target).pages)
    assert "Audit log" in text and "2 lines (residents), newest first." in text
    with db.read() as s:
        last = audit_log.page_of_lines(s, ctx.actor, audit_log.AuditFilter(), 0, 1)[0]
    assert (last.action, last.entity) == ("export", "report")
    assert str(target) in last.summary


def test_the_buttons_are_named(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = audit_dialog(qtbot, ctx)
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.text() == "Close" and dialog.print_button.isVisible()


def test_a_viewer_may_not_open_it(qtbot: QtBot, db: Database, sup: Actor) -> None:
    with db.begin() as s:
        viewer = f.account(s, Actor("boss", vocab.Role.ADMINISTRATOR, 1), "view", vocab.Role.VIEWER)
    dialog = audit_dialog(qtbot, make_context(db, viewer))
    assert dialog.table.rowCount() == 0 and not dialog.older_button.isEnabled()
    assert dialog.banner.text() == (
        "A viewer account may not read the audit log. Ask an administrator."
    )
    assert not dialog.print_button.isVisible()
