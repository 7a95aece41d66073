"""The audit trail's anchor: its last line, kept on this PC outside the database.

The trail's lines are hash-chained and its head is stored beside them, but someone who can
edit the database file can also cut the trail back and fix the head, or rewrite every line
with freshly computed hashes. So after every write that adds audit lines, PeerDesk writes the
newest line's number and hash into a small file in the user's config folder (one per
database file). ``check``, the audit view and Home compare the trail with it: a trail that no
longer has that line, or has a different line there, was cut back or rewritten.

What it proves, and what it cannot: it holds the trail to what this PC last saw. Someone who
controls both the database and this user's config folder can rewrite both; a database copied
to another PC has no anchor there; and lines are only anchored once PeerDesk has written them.
Every backup also records the head and the trail's identity (``audit.trail``), so check and
the audit view hold the trail to the lines its own backups hold as well.

The anchor only moves forward (a lagging anchor proves less but never raises a false alarm);
PeerDesk sets it back only when it replaces the trail itself (a restore, a new house).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from peerdesk.core import clock

if TYPE_CHECKING:
    from peerdesk.core.db import Database

_FOLDER = "audit-anchors"


@dataclass(frozen=True)
class Anchor:
    """The trail's newest line as this PC last saw it written."""

    line: int
    hash: str
    written_at: dt.datetime | None = None  # local time


class AnchorFile:
    """The anchor of one database file, in the user's config folder."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_database(cls, config_dir: Path, db: Path) -> AnchorFile:
        """The anchor file of database ``db`` (named after its full path)."""
        key = hashlib.sha256(str(Path(db).resolve()).encode("utf-8")).hexdigest()[:24]
        return cls(Path(config_dir) / _FOLDER / f"{key}.json")

    def read(self) -> Anchor | None:
        """The anchor, or None when there is none (or it cannot be read)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            written = data.get("written_at")
            return Anchor(
                int(data["line"]),
                str(data["hash"]),
                dt.datetime.fromisoformat(written) if written else None,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def advance(
        self, line: int, line_hash: str, *, hash_of_line: Callable[[int], str | None]
    ) -> bool:
        """Anchor a newer line, and say whether it did.

        Never an older line (another program may have gone further), and never past a trail
        that no longer holds the anchored line as it was: the anchor stays as the evidence
        (``hash_of_line`` reads a line's hash from the database)."""
        current = self.read()
        if current is not None and (
            current.line >= line or hash_of_line(current.line) != current.hash
        ):
            return False
        self._write(line, line_hash)
        return True

    def reset(self, line: int, line_hash: str) -> None:
        """Anchor this line whatever was anchored before: PeerDesk replaced the trail itself."""
        self._write(line, line_hash)

    def forget(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _write(self, line: int, line_hash: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        written = clock.to_local(clock.now_utc()).replace(microsecond=0, tzinfo=None)
        payload = json.dumps(
            {"line": line, "hash": line_hash, "written_at": written.isoformat()}, indent=1
        )
        temp = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        with temp.open("w", encoding="utf-8") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, self.path)


def keep_anchor(db: Database, config_dir: Path, *, new_house: bool) -> AnchorFile:
    """Anchor ``db``'s trail in ``config_dir`` from now on. A database PeerDesk has just made
    starts a new trail, so whatever an earlier file at that path anchored is forgotten."""
    anchor = AnchorFile.for_database(config_dir, db.path)
    if new_house:
        anchor.forget()
    db.anchor = anchor
    return anchor
