"""House → House settings…: an administrator changes the house's settings in the window, the
window follows them, and a wrong value is said under its box with nothing saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import AuditEvent
from peerdesk.core.services import settings as settings_service
from peerdesk.ui.dialogs.house_settings import HouseSettingsDialog
from peerdesk.ui.features.house import HouseFeature
from peerdesk.ui.main_window import MainWindow
from tests import factories as f
from tests.ui.accounts_support import add_accounts, feature_of, window_for
from tests.ui.dialog_support import control_problems, make_context


@pytest.fixture
def house(db: Database) -> Database:
    with db.begin() as s:
        settings_service.name_house(s, Actor.local_administrator(), "Hope Street House")
        f.mentor(s, Actor.local_administrator())  # the peer mentor's account is linked to it
    add_accounts(db)
    return db


def settings_action(window: MainWindow) -> object:
    feature = window.findChild(HouseFeature)
    assert feature is not None
    return feature.settings_action


def open_the_dialog(window: MainWindow, fill: object) -> list[HouseSettingsDialog]:
    """Choose House → House settings… and let ``fill(dialog)`` act in it like a person."""
    seen: list[HouseSettingsDialog] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, HouseSettingsDialog)
        seen.append(dialog)
        fill(dialog)  # type: ignore[operator]

    QTimer.singleShot(0, act)
    settings_action(window).trigger()  # type: ignore[attr-defined]
    return seen


def settings_audit_lines(db: Database) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(select(AuditEvent.changes).where(AuditEvent.entity == "house_settings"))
        )


def test_an_administrator_changes_the_settings_and_the_window_follows(
    qtbot: QtBot, house: Database, tmp_path: Path
) -> None:
    window = window_for(qtbot, house, tmp_path, "boss")
    action = settings_action(window)
    assert action.isVisible()  # type: ignore[attr-defined]
    before = settings_audit_lines(house)
    found: dict[str, object] = {}

    def change(dialog: HouseSettingsDialog) -> None:
        found["name shown"] = dialog.house_name.text()
        found["lock shown"] = dialog.spins["autolock_minutes"].value()
        found["checkpoints shown"] = dialog.retention.text()
        dialog.house_name.setText("Hope Street Recovery House")
        dialog.address.setText("12 Hope Street, Lexington KY")
        dialog.paper_size.set_value(vocab.PaperSize.A4)
        dialog.spins["autolock_minutes"].setValue(12)
        dialog.retention.setText("30, 90, 180")
        dialog.ok_button.click()

    (dialog,) = open_the_dialog(window, change)
    assert found == {
        "name shown": "Hope Street House",
        "lock shown": 5,
        "checkpoints shown": "30, 60, 90, 180, 365",
    }
    assert dialog.result() == HouseSettingsDialog.DialogCode.Accepted
    with house.read() as s:
        now = settings_service.get_settings(s)
    assert now.house_name == "Hope Street Recovery House"
    assert now.address == "12 Hope Street, Lexington KY"
    assert now.paper_size is vocab.PaperSize.A4
    assert now.autolock_minutes == 12
    assert now.retention_checkpoints == (30, 90, 180)
    assert window.windowTitle().startswith("PeerDesk — Hope Street Recovery House")
    assert feature_of(window).lock.idle_ms == 12 * 60 * 1000
    after = settings_audit_lines(house)
    assert len(after) == len(before) + 1  # one change, one audit line


def test_wrong_values_are_said_under_their_boxes_and_nothing_is_saved(
    qtbot: QtBot, house: Database, tmp_path: Path
) -> None:
    window = window_for(qtbot, house, tmp_path, "boss")
    before = settings_audit_lines(house)
    found: dict[str, object] = {}

    def wrong(dialog: HouseSettingsDialog) -> None:
        dialog.house_name.setText("   ")
        dialog.retention.setText("30, soon")
        dialog.spins["autolock_minutes"].setValue(30)
        dialog.ok_button.click()
        found["open"] = dialog.isVisible()
        found["name"] = dialog.errors.message_for("house_name")
        found["checkpoints"] = dialog.errors.message_for("retention_checkpoints")
        found["banner"] = dialog.banner.text()
        dialog.reject()

    open_the_dialog(window, wrong)
    assert found["open"] is True
    assert "name" in str(found["name"]).lower()
    assert str(found["checkpoints"]).startswith("Retention checkpoints must be whole numbers")
    assert found["banner"] == "Nothing was saved. Please look at the messages below."
    with house.read() as s:
        now = settings_service.get_settings(s)
    assert now.house_name == "Hope Street House" and now.autolock_minutes == 5
    assert settings_audit_lines(house) == before


@pytest.mark.parametrize("username", ["sup", "peer", "view"])
def test_only_an_administrator_sees_house_settings(
    qtbot: QtBot, house: Database, tmp_path: Path, username: str
) -> None:
    window = window_for(qtbot, house, tmp_path, username)
    assert not settings_action(window).isVisible()  # type: ignore[attr-defined]


def test_the_settings_form_is_labelled_and_its_keys_do_not_clash(
    qtbot: QtBot, house: Database, tmp_path: Path
) -> None:
    window = window_for(qtbot, house, tmp_path, "boss")
    dialog = HouseSettingsDialog(window, make_context(house, window.ctx.actor))
    qtbot.addWidget(dialog)
    dialog.show()
    assert control_problems(dialog) == []
    assert dialog.ok_button.text() == "&Save"


def test_outcome_targets_are_set_in_the_window_and_printed_met_or_not(
    qtbot: QtBot, house: Database, tmp_path: Path
) -> None:
    """A new house has no targets; an administrator sets two, and 0 leaves one unset."""
    from peerdesk.core import report_data as rd

    window = window_for(qtbot, house, tmp_path, "boss")
    found: dict[str, object] = {}

    def set_targets(dialog: HouseSettingsDialog) -> None:
        found["shown"] = [dialog.spins[k].value() for k in dialog.spins if k.startswith("target")]
        dialog.spins["target_retention_percent"].setValue(60)
        dialog.spins["target_median_stay_days"].setValue(90)
        dialog.ok_button.click()

    open_the_dialog(window, set_targets)
    assert found["shown"] == [0, 0, 0, 0, 0]
    with house.read() as s:
        targets = settings_service.get_settings(s).targets
        data = rd.gather_outcome_summary(s, Actor.local_administrator(), rd.OutcomeOptions())
    assert targets.retention_percent == 60 and targets.median_stay_days == 90
    assert targets.positive_percent is None
    from peerdesk.reports.outcome_cells import Cells
    from peerdesk.reports.outcome_tables import headline_table

    rows = {row[0]: row for row in headline_table(data, Cells.of(data)).rows}
    # An empty house: nothing to compare, so a target is neither met nor missed.
    assert rows["Retained at 90 days"][3:] == ("at least 60%", "cannot be shown")
    assert rows["Median length of stay"][3:] == ("at least 90 days", "cannot be shown")
    assert rows["Positive discharges"][3:] == ("none set", "")


def test_a_message_and_the_banner_go_once_every_wrong_value_is_changed(
    qtbot: QtBot, house: Database, tmp_path: Path
) -> None:
    window = window_for(qtbot, house, tmp_path, "boss")
    found: dict[str, object] = {}

    def wrong(dialog: HouseSettingsDialog) -> None:
        dialog.house_name.setText("   ")
        dialog.retention.setText("30, soon")
        dialog.ok_button.click()
        qtbot.keyClicks(dialog.house_name, "Hope Street")
        found["name"] = dialog.errors.message_for("house_name")
        found["banner after one"] = dialog.banner.kind
        dialog.retention.clear()
        qtbot.keyClicks(dialog.retention, "30, 90")
        found["checkpoints"] = dialog.errors.message_for("retention_checkpoints")
        found["banner after both"] = dialog.banner.kind
        dialog.reject()

    open_the_dialog(window, wrong)
    assert found["name"] is None and found["banner after one"] == "error"  # one still wrong
    assert found["checkpoints"] is None and found["banner after both"] != "error"
