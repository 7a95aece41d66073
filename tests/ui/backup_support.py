"""Helpers for the tests of the window's backup dialogs: a cheap KDF, the volumes Qt would
report for a USB stick and the PC's disk, a copy of a demo house, and a real USB backup."""

from __future__ import annotations

import shutil
from pathlib import Path

from peerdesk.core import backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.ui.dialogs.backup import Volume

# Real Argon2id and AES-GCM, at a cost that keeps each backup to a few milliseconds.
CHEAP_KDF = backup.KdfSettings(memory_kib=64, iterations=1, lanes=1)
PASSPHRASE = "our house on Maple Street"
ADMIN = Actor.local_administrator()


def usb_volume(root: Path, *, label: str = "KINGSTON", free: int = 14_200_000_000) -> Volume:
    """A FAT32 stick mounted at ``root``, as Qt would describe it."""
    return Volume(
        root=str(root),
        name=label,
        file_system="vfat",
        device="/dev/sdb1",
        ready=True,
        read_only=False,
        available=free,
        total=16_000_000_000,
    )


def pc_disk(*, free: int = 80_000_000_000) -> Volume:
    return Volume(
        root="/",
        name="",
        file_system="ext4",
        device="/dev/sda2",
        ready=True,
        read_only=False,
        available=free,
        total=250_000_000_000,
        is_root=True,
    )


def copy_house(demo_file: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "peerdesk.sqlite3"
    shutil.copyfile(demo_file, target)
    return target


def usb_backup(db: Database, folder: Path, text: str = PASSPHRASE) -> backup.BackupResult:
    """A real backup made by the core (as the Backup dialog would), with the cheap KDF."""
    folder.mkdir(parents=True, exist_ok=True)
    return backup.back_up(db, ADMIN, folder, backup.Passphrase(text), kdf=CHEAP_KDF)
