"""No backup file ever holds the database or a resident's words in the clear."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from peerdesk.core import backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.paths import Paths
from tests import factories
from tests.reliability.helpers import PASSPHRASE, make_backup, table_rows

ADMIN = Actor.local_administrator()
NOTE = "Zebediah talked about the blue house on Elm Street and his sister Marguerite."


def test_usb_automatic_and_safety_backups_hold_no_plaintext(
    house: Database, usb: Path, paths: Paths, today: dt.date
) -> None:
    with house.begin() as s:
        mentor = factories.mentor(s, ADMIN, first="Philomena", last="Okonkwo-Baptiste")
        person = factories.resident(s, ADMIN, first="Zebediah", last="Quackenbush")
        factories.session(s, ADMIN, mentor.id, [person.id], notes=NOTE)
    sheet = backup.new_recovery_sheet(house, ADMIN)
    backup.adopt_recovery_key(house, ADMIN, sheet)
    usb_file = make_backup(house, usb).path
    automatic = backup.back_up_automatically(house, ADMIN, paths, on_exit=True)  # 1 MiB chunks
    assert automatic is not None
    rows = table_rows(house.path)
    house.close()
    safety = backup.restore_backup(usb_file, PASSPHRASE, paths, actor=ADMIN).safety_copy
    assert safety is not None and safety.suffix == ".pdbk"

    names = {f"{r[1]} {r[2]}" for r in rows["residents"]} | {
        f"{r[1]} {r[2]}" for r in rows["mentors"]
    }
    words = {n for r in rows["residents"] for n in (r[1], r[2]) if len(n) >= 7}
    needles = [b"SQLite format 3", NOTE.encode(), *(n.encode() for n in names | words)]
    assert b"Zebediah Quackenbush" in needles and len(needles) > 15  # a whole house of names
    for file in (usb_file, automatic.path, safety):
        data = file.read_bytes()
        assert len(data) > 100_000
        for needle in needles:
            assert needle not in data, (file.name, needle)
