"""Fixtures for the backup reliability tests: a small demo house, a USB folder, PC paths."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from peerdesk.core import clock
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from peerdesk.paths import Paths
from tests.reliability.helpers import DEMO_DAY


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo house (4 beds, half a year), built once per run."""
    path = tmp_path_factory.mktemp("demo-template") / "peerdesk.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clock, "today", lambda: DEMO_DAY)
        db = Database.open(path)
        try:
            build_demo_house(db, beds=4, years=0.5, seed=5)
        finally:
            db.close()
    return path


@pytest.fixture
def house_path(demo_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "pc"
    folder.mkdir()
    path = folder / "peerdesk.sqlite3"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def house(house_path: Path, today: dt.date) -> Iterator[Database]:
    db = Database.open(house_path)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


@pytest.fixture
def paths(house_path: Path, tmp_path: Path) -> Paths:
    """The PC's locations: its database, local backups and config under the test folder."""
    return Paths(
        db=house_path,
        data_dir=house_path.parent,
        config_dir=tmp_path / "config",
        log_dir=tmp_path / "logs",
    )


@pytest.fixture(scope="session")
def ten_year_house(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ten-year, 100-bed demo house (slow tests only; about a minute to build)."""
    path = tmp_path_factory.mktemp("ten-years") / "peerdesk.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clock, "today", lambda: DEMO_DAY)
        db = Database.open(path)
        try:
            build_demo_house(db, beds=100, years=10, seed=1)
        finally:
            db.close()
    return path
