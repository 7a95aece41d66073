"""SQLite's own checks of a database image, whole or quick.

A backup's snapshot passes the whole of them (``PRAGMA integrity_check`` and
``foreign_key_check``) before it is sealed, and its header records that (``image_checked``).
Every chunk is then authenticated and the image's SHA-256 is in the authenticated header, so
what a verify or a restore decrypts is byte for byte what passed: they run the quick checks
(``quick_check``, which skips only the comparison of each index with its table, and
``foreign_key_check``). A backup whose header does not record the whole check (made before
it did) gets the whole check when it is verified or restored.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Final

from peerdesk.core.backup.errors import BackupCancelled
from peerdesk.core.backup.jobs import _Progress

WHOLE: Final = "integrity"  # the header's ``image_checked`` after the whole check


@dataclass(frozen=True)
class ImageProblems:
    damage: int  # problems the integrity (or quick) check found
    dangling: int  # rows pointing at rows that are missing

    @property
    def found(self) -> bool:
        return bool(self.damage or self.dangling)


def check_image(c: sqlite3.Connection, *, whole: bool, progress: _Progress) -> ImageProblems:
    """Run the checks on an open image (progress to 0.75 after the first, 0.9 after both);
    Cancel interrupts them (raised as :class:`BackupCancelled`)."""

    def handler() -> int:
        try:
            progress.check()
        except BackupCancelled:
            return 1
        return 0

    c.set_progress_handler(handler, 50_000)
    try:
        pragma = "integrity_check(20)" if whole else "quick_check(20)"
        try:
            problems = [row[0] for row in c.execute(f"PRAGMA {pragma}")]
            if problems != ["ok"]:
                return ImageProblems(len(problems), 0)
            progress(0.75)
            dangling = len(c.execute("PRAGMA foreign_key_check").fetchall())
        except sqlite3.OperationalError:
            progress.check()  # an interrupted check means Cancel was pressed
            raise
        progress(0.9)
        return ImageProblems(0, dangling)
    finally:
        c.set_progress_handler(None, 0)
