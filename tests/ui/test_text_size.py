"""View → Text size: chosen in the window, applied at once, remembered for the next start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerdesk.core.db import Database
from peerdesk.ui.features import text_size
from tests.window_support import open_window


@pytest.fixture
def usual_font(qapp: QApplication) -> Iterator[QFont]:
    before = QFont(qapp.font())
    yield before
    qapp.setFont(before)  # the other tests read text at the usual size


def test_a_text_size_is_applied_at_once_and_remembered(
    qtbot: QtBot, db: Database, tmp_path: Path, usual_font: QFont, qapp: QApplication
) -> None:
    profile = tmp_path / "profile"
    window = open_window(qtbot, db, profile)
    feature = window.findChild(text_size.TextSizeFeature, "textSizeFeature")
    assert feature is not None
    assert feature.actions[100].isChecked()
    feature.actions[150].trigger()  # as View → Text size → 150 % does
    assert qapp.font().pointSizeF() == pytest.approx(usual_font.pointSizeF() * 1.5)
    wanted = qapp.font().pointSizeF()
    qtbot.waitUntil(lambda: window.residents.view.font().pointSizeF() == pytest.approx(wanted))
    assert "Text at 150 %" in window.statusBar().currentMessage()
    window.close()

    qapp.setFont(usual_font)  # a new start: the PC's usual font again
    again = open_window(qtbot, db, profile)
    again_feature = again.findChild(text_size.TextSizeFeature, "textSizeFeature")
    assert again_feature is not None and again_feature.actions[150].isChecked()
    assert text_size.remembered(again.ctx.settings) == 150
    text_size.apply(text_size.remembered(again.ctx.settings))  # what the start does first
    assert qapp.font().pointSizeF() == pytest.approx(usual_font.pointSizeF() * 1.5)
