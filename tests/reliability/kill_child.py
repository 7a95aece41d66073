"""A backup or restore run slowly in its own process, for the tests that kill it.

``python -m tests.reliability.kill_child backup DB FOLDER`` backs DB up into FOLDER while a
second thread keeps committing rows to DB and prints ``committed N`` after each commit;
``... restore DB FILE`` restores FILE over DB. Both print ``ready`` just before they start and
``done`` when they finish; each progress step sleeps a little so a kill lands mid-way.
``restore-dies-before-swap`` and ``restore-dies-after-swap`` end the process just before or
just after the rename that puts the restored file in place.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

from peerdesk.core import backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.paths import Paths
from tests.reliability.helpers import CHEAP_KDF, PASSPHRASE, SMALL_CHUNK


def _slowly(_fraction: float) -> None:
    time.sleep(0.002)


def _keep_writing(db_path: Path, stop: threading.Event) -> None:
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA busy_timeout = 10000")
    number = 0
    while not stop.is_set():
        number += 1
        connection.execute(
            "INSERT INTO preferences (key, value) VALUES (?, ?)", (f"kill-test-{number}", "x")
        )
        print(f"committed {number}", flush=True)
        time.sleep(0.003)


def _die_at_the_swap(db_path: Path, *, after: bool) -> None:
    """Make the rename that swaps the restored file in the last thing this process does."""
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target) == db_path:
            if after:
                real_replace(source, target)
            os._exit(9)
        real_replace(source, target)

    backup.os.replace = replace  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    mode, db_path, other = argv[0], Path(argv[1]), Path(argv[2])
    actor = Actor.local_administrator()
    if mode == "backup":
        db = Database.open(db_path)
        stop = threading.Event()
        threading.Thread(target=_keep_writing, args=(db_path, stop), daemon=True).start()
        print("ready", flush=True)
        backup.back_up(
            db, actor, other, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK, progress=_slowly
        )
        stop.set()
    else:
        root = db_path.parent
        paths = Paths(db_path, root, root / "config", root / "logs")
        if mode in ("restore-dies-before-swap", "restore-dies-after-swap"):
            _die_at_the_swap(db_path, after=mode.endswith("after-swap"))
        print("ready", flush=True)
        backup.restore_backup(other, PASSPHRASE, paths, actor=actor, progress=_slowly)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
