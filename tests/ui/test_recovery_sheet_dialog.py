"""The Recovery sheet dialog: a new key, its PDF opened to print, the key used once printed;
and the printed steps name the window's real menu entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from peerdesk.core import backup, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services.settings import name_house
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs import recovery
from peerdesk.ui.dialogs.backup import UnlockPanel
from peerdesk.ui.dialogs.recovery import RecoverySheetDialog
from peerdesk.ui.features.backup import BackupFeature
from peerdesk.ui.widgets.forms import plain_text
from tests.ui.dialog_support import Announcements, control_problems, make_context
from tests.window_support import Messages, open_window


@pytest.fixture
def ctx(db: Database, admin: Actor) -> UiContext:
    with db.begin() as s:
        name_house(s, admin, "Maple House")
    return make_context(db, admin)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    seen: list[Path] = []

    def open_pdf(path: Path) -> bool:
        seen.append(path)
        return True

    monkeypatch.setattr(recovery, "open_pdf", open_pdf)
    return seen


def open_dialog(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch, pdf: Path | None
) -> RecoverySheetDialog:
    dialog = RecoverySheetDialog(None, ctx)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "choose_pdf_path", lambda _house: pdf)
    dialog.show()
    return dialog


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_a_new_key_is_saved_opened_and_used_once_printed(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Path],
) -> None:
    heard = Announcements.listen(ctx)
    pdf = tmp_path / "sheet.pdf"
    dialog = open_dialog(qtbot, ctx, monkeypatch, pdf)
    assert dialog.current.text().startswith("This house has no recovery key yet")
    assert "locked drawer" in dialog.body.findChildren(type(dialog.current))[0].text()
    assert not dialog.ok_button.isEnabled()
    assert control_problems(dialog) == []

    dialog.make_button.click()
    sheet = dialog.sheet
    assert sheet is not None and opened == [pdf]
    text = pdf_text(pdf)
    assert "Recovery key for Maple House" in text
    for group in sheet.key_text.split("-"):
        assert group in text
    assert dialog.made.text() == (
        f"The sheet for the new key (ID {sheet.key_id}) is saved in {pdf} and opened, ready "
        "to print."
    )
    assert dialog.steps.isVisible() and dialog.delete_pdf.isChecked()
    with db.read() as s:
        assert backup.recovery_key_info(s) is None, "not used until the sheet is printed"
    assert control_problems(dialog) == []

    dialog.ok_button.click()
    with db.read() as s:
        info = backup.recovery_key_info(s)
    assert info is not None and info.key_id == sheet.key_id
    assert dialog.adopted == info
    assert not pdf.exists(), "the PDF that holds the key is deleted once printed"
    assert dialog.outcome.text() == f"✔ Recovery key {sheet.key_id} is in use."
    assert dialog.details.text().startswith("Every backup made from now on also opens with it.")
    assert dialog.details.text().endswith("The PDF file was deleted from this PC.")
    assert dialog.current.text().startswith(
        f"This house's recovery key has ID {sheet.key_id}; it was made on "
    )
    assert " by local" not in dialog.current.text()
    assert ("preferences", 0) in heard.seen


def test_closing_before_printing_leaves_the_house_without_the_new_key(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Path],
) -> None:
    pdf = tmp_path / "sheet.pdf"
    dialog = open_dialog(qtbot, ctx, monkeypatch, pdf)
    dialog.make_button.click()
    dialog.reject()
    assert dialog.adopted is None
    with db.read() as s:
        assert backup.recovery_key_info(s) is None
    assert pdf.exists(), "what the person saved is theirs to keep or delete"


def test_a_pdf_that_cannot_be_written_says_why(
    qtbot: QtBot,
    ctx: UiContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Path],
) -> None:
    dialog = open_dialog(qtbot, ctx, monkeypatch, tmp_path / "no such folder" / "sheet.pdf")
    dialog.make_button.click()
    assert dialog.outcome.text().startswith(f"The folder {tmp_path / 'no such folder'} does not")
    assert dialog.sheet is None and opened == [] and not dialog.ok_button.isEnabled()


def test_only_an_administrator_makes_a_recovery_key(qtbot: QtBot, db: Database) -> None:
    supervisor = make_context(db, Actor("sam", vocab.Role.SUPERVISOR))
    dialog = RecoverySheetDialog(None, supervisor)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.banner.text() == "Only an administrator may make the house's recovery key."
    assert not dialog.make_button.isEnabled() and not dialog.ok_button.isEnabled()


def test_the_printed_steps_name_the_real_menu_entries(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Path],
) -> None:
    Messages().install(monkeypatch)
    window = open_window(qtbot, db, tmp_path / "profile")
    feature = window.findChild(BackupFeature)
    assert feature is not None
    pdf = tmp_path / "sheet.pdf"
    dialog = open_dialog(qtbot, ctx, monkeypatch, pdf)
    dialog.make_button.click()
    text = pdf_text(pdf)
    house_menu = plain_text(window.menu("house").title())
    assert f"open the {house_menu} menu and choose {plain_text(feature.restore_action.text())}" in (
        text
    )
    assert plain_text(feature.recovery_action.text()) in text
    assert plain_text(feature.backup_action.text()) in text
    # The wizard's choice for the key, word for word.
    panel = UnlockPanel()
    qtbot.addWidget(panel)
    assert f"choose {plain_text(panel.use_recovery.text())} and type" in text
