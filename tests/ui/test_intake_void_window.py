"""An administrator voids an intake entered by mistake from the resident's detail pane: the
duplicate leaves the list, the counts and Home; the audit log keeps it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent
from peerdesk.ui.tabs.resident_detail import ResidentDetail
from tests import factories as f
from tests.ui.dialog_support import make_context
from tests.window_support import open_window, patch_dialog


def _link(text: str, kind: str) -> str:
    return next(part.split("'")[0] for part in text.split("href='")[1:] if part.startswith(kind))


def test_a_duplicate_intake_is_voided_from_the_pane_and_leaves_the_list(
    qtbot: QtBot, db: Database, admin: Actor, today: dt.date, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    with db.begin() as s:
        f.resident(s, admin, "Aisha", "Brown", intake=today - dt.timedelta(days=30))
        duplicate = f.resident(s, admin, "Aisha", "Brown", intake=today, dob=None).id
    window = open_window(qtbot, db, tmp_path / "profile")
    tab = window.residents
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    assert tab.select_record(duplicate)
    pane = tab.detail
    qtbot.waitUntil(lambda: pane.resident_id == duplicate)
    asked = patch_dialog(monkeypatch, "void", "VoidDialog", lambda *a: "Entered twice")

    pane.stay.linkActivated.emit(_link(pane.stay.text(), "void-intake"))

    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert pane.resident_id is None  # the pane no longer shows someone who is in no list
    (_parent, what, after) = asked[0]
    assert what == f"the intake of Aisha Brown on {today:%-d %b %Y}"
    assert "will then be in no list, count or report" in after
    with db.read() as s:
        line = s.scalars(select(AuditEvent).where(AuditEvent.entity == "stays")).all()[-1]
    assert (line.action, line.summary.endswith("voided: Entered twice")) == ("void", True)


def test_an_intake_with_sessions_is_refused_with_one_sentence_and_nothing_changes(
    qtbot: QtBot, db: Database, admin: Actor, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.begin() as s:
        mentor = f.mentor(s, admin)
        person = f.resident(s, admin, "Kim", "Ode", intake=today - dt.timedelta(days=9))
        f.session(s, admin, mentor.id, [person.id], day=today - dt.timedelta(days=2))
    pane = ResidentDetail(make_context(db, admin))
    qtbot.addWidget(pane)
    pane.show_resident(person.id)
    patch_dialog(monkeypatch, "void", "VoidDialog", lambda *a: "Duplicate")
    errors = patch_dialog_error(monkeypatch)

    pane.stay.linkActivated.emit(_link(pane.stay.text(), "void-intake"))

    assert errors == [
        "Kim Ode has 1 session attended recorded in this stay; take those off or void them "
        "first, then void the intake."
    ]
    assert pane.resident_id == person.id and "void this intake…" in pane.stay.text()


def test_only_an_administrator_sees_the_link(db: Database, admin: Actor, qtbot: QtBot) -> None:
    with db.begin() as s:
        person = f.resident(s, admin, "Lee", "Park").id
    for role, shown in ((vocab.Role.SUPERVISOR, False), (vocab.Role.ADMINISTRATOR, True)):
        pane = ResidentDetail(make_context(db, Actor("someone", role)))
        qtbot.addWidget(pane)
        pane.show_resident(person)
        assert ("void this intake…" in pane.stay.text()) is shown


def patch_dialog_error(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from peerdesk.ui import messages

    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda _parent, _title, text: shown.append(text))
    return shown
