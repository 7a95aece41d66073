"""Which backups a folder keeps: the newest few of a house on a USB drive, and automatic
backups thinned by age (one a day, then a week, then a month)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from peerdesk.core.backup.format import EXTENSION, BackupInfo, list_backups
from peerdesk.core.backup.writing import _Made, _safe_house


def _same_house(folder: Path, made: _Made, kind: str, suffix: str = "") -> list[BackupInfo]:
    # The whole name, so "Hope House" never claims the backups of "Hope House Annex".
    pattern = re.compile(
        rf"PeerDesk-{re.escape(_safe_house(made.info.house_name))}-\d{{8}}-\d{{4}}"
        + re.escape(suffix)
        + r"(-\d+)?"
        + re.escape(EXTENSION)
    )
    return [
        info
        for info in list_backups(folder)
        if pattern.fullmatch(info.path.name)
        and info.house_id == made.info.house_id
        and info.kind == kind
    ]


def _delete(paths: Iterable[Path]) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    removed: list[Path] = []
    failed: list[Path] = []
    for path in paths:
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            continue
        except OSError:
            failed.append(path)
    return tuple(removed), tuple(failed)


def _keep_newest(
    folder: Path, made: _Made, keep: int, protect: set[Path]
) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Delete this house's USB backups beyond the newest ``keep``, never ``protect``."""
    ours = _same_house(folder, made, "usb")  # newest first
    extra = [
        info.path
        for info in ours[max(keep, 1) :]
        if info.path not in protect and info.created_at <= made.info.created_at
    ]
    return _delete(extra)


def backups_to_keep_by_age(
    stamps: Iterable[dt.datetime],
    *,
    daily: int = 12,
    weekly: int = 10,
    monthly: int = 9,
) -> set[dt.datetime]:
    """Which automatic backups to keep: the newest of each of the last ``daily`` days that
    have one, of the last ``weekly`` ISO weeks, and of the last ``monthly`` months (the
    newest backup of all is always among them)."""
    newest_first = sorted(set(stamps), reverse=True)
    keep: set[dt.datetime] = set()
    buckets: tuple[tuple[Callable[[dt.datetime], object], int], ...] = (
        (lambda s: s.date(), daily),
        (lambda s: s.isocalendar()[:2], weekly),
        (lambda s: (s.year, s.month), monthly),
    )
    for bucket_of, count in buckets:
        seen: set[object] = set()
        for stamp in newest_first:
            bucket = bucket_of(stamp)
            if bucket in seen:
                continue
            if len(seen) == count:
                break
            seen.add(bucket)
            keep.add(stamp)
    return keep
