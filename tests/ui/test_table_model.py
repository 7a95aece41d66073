"""The one SQL-paged table model: Qt's model rules, paging, sorting, one-row refresh."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from peerdesk.core import listing
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.listing import ListQuery
from peerdesk.core.services import sessions as session_service
from peerdesk.ui.models.sql_table import PAGE_SIZE, RECORD_ID_ROLE, VOIDED_ROLE, SqlTableModel
from tests.window_support import copy_of, demo_house


@pytest.fixture(scope="module")
def house_file(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    return demo_house(tmp_path_factory, template_db)


@pytest.fixture
def house(house_file: Path, tmp_path: Path, today: object) -> Iterator[Database]:
    database = Database.open(copy_of(house_file, tmp_path / "house"))
    try:
        yield database
    finally:
        database.close()


SPECS = [listing.RESIDENTS, listing.MENTORS, listing.SESSIONS, listing.SUPERVISION]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_qt_model_tester_passes_for_every_tab(
    qtmodeltester: ModelTester, house: Database, spec: listing.ListSpec
) -> None:
    model = SqlTableModel(house, spec)
    qtmodeltester.check(model)  # before the first query: an empty table
    model.set_query(ListQuery())
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    model.sort(len(spec.columns) - 1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_qt_model_tester_passes_for_a_residents_own_sessions(
    qtmodeltester: ModelTester, house: Database
) -> None:
    model = SqlTableModel(house, listing.RESIDENT_SESSIONS)
    with house.read() as s:
        someone = listing.fetch_page(s, listing.RESIDENTS, ListQuery(status="active"), 0, 1)[0]
    model.set_query(ListQuery(resident_id=someone.id))
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_pages_arrive_as_the_view_asks(house: Database) -> None:
    model = SqlTableModel(house, listing.SESSIONS)
    model.set_query(ListQuery())
    total = model.matching
    assert total > 2 * PAGE_SIZE, "the demo house has several pages of sessions"
    assert model.rowCount() == PAGE_SIZE == model.fetched_rows
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE == model.fetched_rows
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == total
    ids = [model.record_id(row) for row in range(total)]
    assert len(set(ids)) == total, "no row twice, none skipped"
    assert not model.canFetchMore(QModelIndex(model.index(0, 0)))


def test_sorting_is_done_in_sql_and_resets_to_the_first_page(qtbot: QtBot, house: Database) -> None:
    model = SqlTableModel(house, listing.SESSIONS)
    model.set_query(ListQuery())
    model.fetchMore(QModelIndex())
    minutes = listing.SESSIONS.column_index("minutes")
    with qtbot.waitSignal(model.modelReset):
        model.sort(minutes, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == PAGE_SIZE
    shown = [model.row_values(row).values[minutes] for row in range(model.rowCount())]
    assert shown == sorted(shown)
    with house.read() as s:
        shortest = min(
            r.values[minutes]
            for r in listing.fetch_page(s, listing.SESSIONS, ListQuery(), 0, 100_000)
        )
    assert shown[0] == shortest, "the sort covers every session, not just the loaded page"
    assert model.sort_column == minutes
    assert model.sort_order == Qt.SortOrder.AscendingOrder
    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(minutes, Qt.SortOrder.AscendingOrder)  # the same order: nothing to do


def test_a_changed_record_is_refreshed_in_place(
    qtbot: QtBot, house: Database, admin: Actor
) -> None:
    model = SqlTableModel(house, listing.SESSIONS)
    model.set_query(ListQuery(show_voided=True))
    target = model.record_id(3)
    assert target is not None
    with house.begin() as s:
        session_service.void_session(s, admin, target, "Entered twice")
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.dataChanged) as changed,
    ):
        assert model.refresh_record(target)
    first, last = changed.args[:2]
    assert (first.row(), last.row()) == (3, 3)
    index = model.index(3, listing.SESSIONS.column_index("topic"))
    assert model.data(index, VOIDED_ROLE) is True
    assert model.data(index, RECORD_ID_ROLE) == target
    font = model.data(index, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    assert isinstance(model.data(index, Qt.ItemDataRole.ForegroundRole), QBrush)
    assert "(voided)" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    live = model.index(4, 0)
    assert model.data(live, Qt.ItemDataRole.FontRole) is None


def test_a_record_that_no_longer_matches_asks_for_a_new_query(
    house: Database, admin: Actor
) -> None:
    model = SqlTableModel(house, listing.SESSIONS)
    model.set_query(ListQuery())  # voided sessions hidden
    target = model.record_id(0)
    assert target is not None
    with house.begin() as s:
        session_service.void_session(s, admin, target, "Entered twice")
    assert not model.refresh_record(target)
    model.reload()
    assert model.row_of(target) is None
    assert not model.refresh_record(10**9)


def test_load_record_fetches_until_the_record_is_there(house: Database) -> None:
    model = SqlTableModel(house, listing.SESSIONS)
    model.set_query(ListQuery())
    with house.read() as s:
        deep = listing.fetch_page(s, listing.SESSIONS, ListQuery(), PAGE_SIZE + 50, 1)[0]
    assert model.row_of(deep.id) is None
    assert model.load_record(deep.id) == PAGE_SIZE + 50
    assert model.rowCount() == 2 * PAGE_SIZE
    assert model.load_record(10**9) is None


def test_display_alignment_and_headers(house: Database) -> None:
    model = SqlTableModel(house, listing.RESIDENTS)
    model.set_query(ListQuery(status="active"))
    spec = listing.RESIDENTS
    days = spec.column_index("days")
    assert model.headerData(days, Qt.Orientation.Horizontal) == "Days"
    assert "Days in program" in model.headerData(
        days, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    right = model.data(model.index(0, days), Qt.ItemDataRole.TextAlignmentRole)
    assert right & Qt.AlignmentFlag.AlignRight
    status = model.data(model.index(0, spec.column_index("status")))
    assert status == "Active"
    assert model.data(model.index(0, spec.column_index("intake_date")))[-4:].isdigit()
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
