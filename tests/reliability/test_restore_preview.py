"""What the window's restore needs from the core: a preview that changes nothing, and a
Cancel pressed during the swap that never claims the records are as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerdesk.core import backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.paths import Paths
from tests import factories
from tests.reliability.helpers import PASSPHRASE, fingerprint, listing, make_backup, table_rows

ADMIN = Actor.local_administrator()


def test_the_preview_verifies_and_compares_without_changing_anything(
    house: Database, usb: Path, paths: Paths
) -> None:
    result = make_backup(house, usb)
    with house.begin() as s:
        factories.resident(s, ADMIN, first="Added", last="Afterwards")
    before = fingerprint(house.path)
    files = listing(house.path.parent, usb)

    preview = backup.preview_restore(result.path, PASSPHRASE, paths)

    assert preview.backup.info.backup_id == result.info.backup_id
    assert preview.backup.summary.residents == result.info.row_counts["residents"]
    assert preview.current is not None
    assert preview.current.residents == preview.backup.summary.residents + 1
    assert preview.current_problem == ""
    assert fingerprint(house.path) == before
    assert listing(house.path.parent, usb) == files, "no work folder or copy is left behind"


def test_the_preview_refuses_a_wrong_passphrase_in_the_usual_words(
    house: Database, usb: Path, paths: Paths
) -> None:
    result = make_backup(house, usb)
    with pytest.raises(backup.WrongSecret, match=r"^The passphrase is not right"):
        backup.preview_restore(result.path, backup.Passphrase("not the passphrase at all"), paths)


def test_the_preview_on_a_new_pc_has_nothing_to_compare(
    house: Database, usb: Path, tmp_path: Path
) -> None:
    result = make_backup(house, usb)
    new_pc = tmp_path / "new-pc"
    new_pc.mkdir()
    paths = Paths(new_pc / "peerdesk.sqlite3", new_pc, new_pc / "config", new_pc / "logs")
    preview = backup.preview_restore(result.path, PASSPHRASE, paths)
    assert preview.current is None and preview.current_problem == ""
    assert list(new_pc.iterdir()) == []


def test_a_cancel_pressed_during_the_swap_still_reports_the_restore(
    house: Database, usb: Path, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = make_backup(house, usb)
    expected = table_rows(house.path)
    with house.begin() as s:
        factories.resident(s, ADMIN, first="Gone", last="Afterwards")
    house.close()
    pressed: list[bool] = []
    real_swap = backup._swap_in

    def swap_then_cancel(image: Path, target: Path) -> None:
        real_swap(image, target)
        pressed.append(True)  # the person presses Cancel just as the file is swapped

    monkeypatch.setattr(backup, "_swap_in", swap_then_cancel)
    restored = backup.restore_backup(
        result.path, PASSPHRASE, paths, actor=ADMIN, cancelled=lambda: bool(pressed)
    )
    assert pressed and restored.restored.residents == result.info.row_counts["residents"]
    assert table_rows(paths.db)["residents"] == expected["residents"]
