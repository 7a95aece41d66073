"""Windows flushes a file to the disk only through a handle that may write to it
(FlushFileBuffers needs write access): ``os.fsync`` on a file opened for reading fails there
with "Permission denied". A restore did exactly that and failed on every Windows PC (found
by the installed program under Wine). Here ``os.fsync`` keeps Windows' rule, and backup,
verify and restore must still work."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

import pytest

from peerdesk.core import backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.paths import Paths
from tests.reliability.helpers import PASSPHRASE, integrity, make_backup, table_rows

ADMIN = Actor.local_administrator()


@pytest.fixture(autouse=True)
def fsync_as_on_windows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    real_fsync = os.fsync
    refused: list[int] = []

    def fsync(fd: int | object) -> None:
        number = fd if isinstance(fd, int) else fd.fileno()  # type: ignore[attr-defined]
        # Folders are flushed only off Windows (files.fsync_directory), where this is allowed.
        is_folder = stat.S_ISDIR(os.fstat(number).st_mode)
        if not is_folder and fcntl.fcntl(number, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            refused.append(number)
            raise PermissionError(13, "Permission denied")
        real_fsync(number)

    monkeypatch.setattr(os, "fsync", fsync)
    return refused


def test_the_rule_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"x")
    with path.open("rb") as f, pytest.raises(PermissionError):
        os.fsync(f.fileno())


def test_back_up_verify_and_restore_flush_only_what_they_may_write(
    house: Database, usb: Path, paths: Paths
) -> None:
    made = make_backup(house, usb)
    backup.verify_backup(made.path, PASSPHRASE)
    before = table_rows(paths.db)
    house.close()
    result = backup.restore_backup(made.path, PASSPHRASE, paths, actor=ADMIN)
    assert result.safety_copy is not None
    assert integrity(paths.db) == "ok"
    assert table_rows(paths.db)["residents"] == before["residents"]


def test_an_unreadable_database_is_kept_and_replaced(
    house: Database, usb: Path, paths: Paths
) -> None:
    made = make_backup(house, usb)
    house.close()
    paths.db.write_bytes(b"\x00garbage where a database used to be" * 100)
    result = backup.restore_backup(made.path, PASSPHRASE, paths, actor=ADMIN)
    assert result.safety_copy is not None
    assert integrity(paths.db) == "ok"
