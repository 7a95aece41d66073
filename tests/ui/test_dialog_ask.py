"""Each dialog's ``ask``: the saved record after Save, None after Cancel; and a database that
cannot be written is said in one sentence with the form kept open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from peerdesk.core import dto
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import residents
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.assessment import AssessmentDialog
from peerdesk.ui.dialogs.discharge import DischargeDialog, ReadmitDialog
from peerdesk.ui.dialogs.mentor import DeactivateMentorDialog, MentorDialog
from peerdesk.ui.dialogs.phase import ChangePhaseDialog
from peerdesk.ui.dialogs.resident import ResidentDialog
from peerdesk.ui.dialogs.session import SessionDialog
from peerdesk.ui.dialogs.supervision import SupervisionDialog
from tests import factories as f
from tests.ui.dialog_support import make_context, press_save, row_counts


@pytest.fixture
def ctx(db: Database, admin: Actor) -> UiContext:
    return make_context(db, admin)


@pytest.fixture
def ids(db: Database, admin: Actor) -> dict[str, int]:
    with db.begin() as s:
        maya = f.mentor(s, admin)
        ana = f.resident(s, admin, "Ana", "Avila")
        ben = f.resident(s, admin, "Ben", "Brooks")
        residents.discharge_resident(
            s,
            admin,
            ben.id,
            residents.Discharge(dt.date(2026, 3, 1), residents.vocab.DischargeReason.OTHER),
        )
        return {
            "mentor": maya.id,
            "active": ana.id,
            "gone": ben.id,
            "session": f.session(s, admin, maya.id, [ana.id]).id,
            "note": f.note(s, admin, maya.id).id,
        }


ASKS: list[tuple[str, Callable[[UiContext, dict[str, int]], Any]]] = [
    ("resident", lambda c, i: ResidentDialog.ask(None, c, i["active"])),
    ("phase", lambda c, i: ChangePhaseDialog.ask(None, c, i["active"])),
    ("discharge", lambda c, i: DischargeDialog.ask(None, c, i["active"])),
    ("readmit", lambda c, i: ReadmitDialog.ask(None, c, i["gone"])),
    ("assessment", lambda c, i: AssessmentDialog.ask(None, c, i["active"])),
    ("mentor", lambda c, i: MentorDialog.ask(None, c, i["mentor"])),
    ("inactive", lambda c, i: DeactivateMentorDialog.ask(None, c, i["mentor"])),
    ("session", lambda c, i: SessionDialog.ask(None, c, session_id=i["session"])),
    ("supervision", lambda c, i: SupervisionDialog.ask(None, c, note_id=i["note"])),
]


@pytest.mark.parametrize(("name", "ask"), ASKS, ids=[name for name, _ in ASKS])
def test_cancel_returns_none_and_writes_nothing(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    ids: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    ask: Callable[[UiContext, dict[str, int]], Any],
) -> None:
    def cancel(dialog: QDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(QDialog, "exec", cancel)
    before = row_counts(db)
    assert ask(ctx, ids) is None
    assert row_counts(db) == before


def test_ask_returns_what_was_saved(
    qtbot: QtBot, ctx: UiContext, db: Database, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def change_phone_and_save(dialog: ResidentDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.phone.setText("(859) 555-0000")
        press_save(dialog)
        return dialog.result()

    monkeypatch.setattr(ResidentDialog, "exec", change_phone_and_save)
    saved = ResidentDialog.ask(None, ctx, ids["active"])
    assert isinstance(saved, dto.Resident) and saved.phone == "(859) 555-0000"


def test_a_database_that_cannot_be_written_is_said_plainly(
    qtbot: QtBot, ctx: UiContext, db: Database, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*_args: object) -> dto.Resident:
        raise OperationalError("UPDATE residents", {}, Exception("database is locked"))

    monkeypatch.setattr(residents, "update_resident", locked)
    dialog = ResidentDialog(None, ctx, ids["active"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.phone.setText("(859) 555-0000")
    before = row_counts(db)
    press_save(dialog)
    assert dialog.isVisible()
    assert dialog.banner.text() == (
        "The database could not be written (database is locked); nothing was saved. Try "
        "again, and if it keeps happening, close PeerDesk and open it again."
    )
    assert row_counts(db) == before
    assert dialog.phone.text() == "(859) 555-0000"  # what was typed is still there
