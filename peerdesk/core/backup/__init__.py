"""Encrypted backup files: write, verify and restore them, and the automatic local backups.

A backup (``PeerDesk-<house>-<YYYYMMDD-HHMM>.pdbk``) is one self-contained file::

    magic (8)  format major, minor (2+2)  CRC-32 of the 12 bytes before it (4)
    header length H (4)  header (H bytes of UTF-8 JSON)  SHA-256 of everything before it (32)
    header tag (16)
    chunks: AES-256-GCM ciphertext of the database image, CHUNK bytes each (the last shorter),
            each followed by its 16-byte tag

- The first 16 bytes never change meaning, so any PeerDesk can tell a backup from a newer
  format ("made by a newer PeerDesk") from a damaged one (the CRC).
- The header says who made the backup, when, of which house, at which schema revision, how
  many rows each table had, and the size and SHA-256 of the database image. Its SHA-256
  catches accidental damage before anyone is asked for a passphrase.
- A random 256-bit *file key* encrypts everything. The header carries it wrapped (AES-GCM)
  in one or more *key slots*: by a key derived from the passphrase with Argon2id (its cost
  stored in the slot and capped on reading, so a crafted file cannot hang the PC); by the
  house's *recovery key* (an X25519 key pair: the house keeps only the public half, the
  printed sheet holds the private half, so the PC alone can never open a backup); and, for
  automatic backups, by a random key kept in the user's config folder.
- The header tag is AES-GCM over the whole header as associated data, under a key derived
  from the file key: a header changed on purpose (checksum recomputed) is still refused.
- The snapshot passes SQLite's whole ``integrity_check`` and ``foreign_key_check`` before it
  is sealed, and the header records it (``image_checked``). With every chunk authenticated
  and the image's SHA-256 in the authenticated header, what a verify or a restore decrypts is
  byte for byte what passed, so they run ``quick_check`` and ``foreign_key_check``; a backup
  whose header does not record the whole check (an older one, or the safety copy a restore
  makes in a hurry of the house it replaces) gets the whole check. The whole check runs on a
  second thread while the image is sealed; the header is written once it has passed.
- Chunk *i* is sealed with the nonce ``prefix(7) || i(4) || last(1)`` (the STREAM
  construction), so a chunk that is changed, dropped, swapped, repeated or cut off — or data
  added after the last — fails authentication.

Backups take the database image with SQLite's online backup API inside one read transaction
(a consistent snapshot while the window keeps working), write ``<name>.pdbk.partial``, fsync,
rename, fsync the folder, then read the whole file back before they are reported good.

Every function here is meant for a worker thread: it takes ``progress`` (0.0–1.0) and
``cancelled`` callables, returns frozen dataclasses, and raises :class:`BackupError` (one
plain sentence) on every failure, leaving no temporary file behind.

The package, one module a thing (each imports only those above it)::

    errors     how a backup, a check or a restore fails (one sentence each)
    keys       the passphrase, the recovery key and this PC's key, and how each becomes a key
    recovery   the house's recovery key in the database, and the sheet that prints it
    summary    what a database holds: the counts in a header, the restore's summary
    format     the file's layout: prelude and header, read and checked without a secret
    jobs       progress and Cancel, a second thread, private work folders
    image_checks  SQLite's own checks of a database image, whole or quick
    crypto     key slots, the header's tag, and the chunks sealed and opened
    writing    the snapshot, the file written, synced, renamed and read back
    log        the backup log the Home tab reads
    keeping    which backups a folder keeps
    usb        the backup a person makes to a USB drive
    automatic  the automatic local backups
    verifying  a backup checked through and through
    restoring  a backup put in place of the database

The window and the command line use what this package re-exports, never its modules.
"""

from __future__ import annotations

import os as os  # tests make os.fsync and os.replace fail through ``backup.os``
import sys
import types

# A name imported ``as`` itself is not in __all__: a public name the single module had, or a
# seam that the fault-injection tests and the benchmarks replace (see _OneNamespace).
from peerdesk.core.attention import BackupWarning, usb_backup_warning
from peerdesk.core.backup.automatic import (
    AUTOMATIC_INTERVAL,
    automatic_backup_due,
    back_up_automatically,
)
from peerdesk.core.backup.crypto import _decrypt_chunks as _decrypt_chunks
from peerdesk.core.backup.crypto import _unlock as _unlock
from peerdesk.core.backup.errors import (
    BackupCancelled,
    DamagedBackup,
    DatabaseInUse,
    NewerBackup,
    NotABackup,
    RestoreDeclined,
    WrongSecret,
)
from peerdesk.core.backup.format import (
    CHUNK_SIZE,
    BackupInfo,
    list_backups,
    read_backup_info,
    trail_held_by_backups,
)
from peerdesk.core.backup.format import EXTENSION as EXTENSION
from peerdesk.core.backup.format import FORMAT_MAJOR as FORMAT_MAJOR
from peerdesk.core.backup.format import FORMAT_MINOR as FORMAT_MINOR
from peerdesk.core.backup.format import MAGIC as MAGIC
from peerdesk.core.backup.jobs import Cancelled as Cancelled
from peerdesk.core.backup.jobs import Progress as Progress
from peerdesk.core.backup.keeping import backups_to_keep_by_age
from peerdesk.core.backup.keys import (
    DEFAULT_KDF,
    KdfSettings,
    LocalKey,
    Passphrase,
    RecoveryKey,
    Unlock,
    check_new_passphrase,
    local_key_path,
)
from peerdesk.core.backup.keys import KDF_MAX_ITERATIONS as KDF_MAX_ITERATIONS
from peerdesk.core.backup.keys import KDF_MAX_LANES as KDF_MAX_LANES
from peerdesk.core.backup.keys import KDF_MAX_MEMORY_KIB as KDF_MAX_MEMORY_KIB
from peerdesk.core.backup.keys import KDF_MAX_WORK as KDF_MAX_WORK
from peerdesk.core.backup.keys import MIN_PASSPHRASE_LENGTH as MIN_PASSPHRASE_LENGTH
from peerdesk.core.backup.keys import RECOVERY_ALPHABET as RECOVERY_ALPHABET
from peerdesk.core.backup.keys import _passphrase_kek as _passphrase_kek
from peerdesk.core.backup.recovery import (
    RecoveryKeyInfo,
    RecoverySheet,
    adopt_recovery_key,
    new_recovery_sheet,
    recovery_key_info,
)
from peerdesk.core.backup.restoring import _SWAP_BUSY_SECONDS as _SWAP_BUSY_SECONDS
from peerdesk.core.backup.restoring import (
    RestorePreview,
    RestoreResult,
    preview_restore,
    restore_backup,
)
from peerdesk.core.backup.restoring import _prepare_restored as _prepare_restored
from peerdesk.core.backup.restoring import _safety_backup as _safety_backup
from peerdesk.core.backup.restoring import _swap_in as _swap_in
from peerdesk.core.backup.summary import HouseSummary
from peerdesk.core.backup.summary import _current_summary as _current_summary
from peerdesk.core.backup.usb import back_up
from peerdesk.core.backup.verifying import VerifiedBackup, verify_backup
from peerdesk.core.backup.verifying import _check_image as _check_image
from peerdesk.core.backup.verifying import _ImageWriter as _ImageWriter
from peerdesk.core.backup.writing import BackupResult, backup_file_name
from peerdesk.core.backup.writing import _check_snapshot as _check_snapshot
from peerdesk.core.backup.writing import _open_output as _open_output
from peerdesk.core.backup.writing import _read_back as _read_back
from peerdesk.core.backup.writing import _take_snapshot as _take_snapshot
from peerdesk.core.backup.writing import _write_file as _write_file
from peerdesk.core.errors import BackupError as BackupError
from peerdesk.core.files import fsync_directory as fsync_directory

_ABSENT = object()


class _OneNamespace(types.ModuleType):
    """This package, answering a name set on it as the one module it grew from did.

    Tests and benchmarks replace a function or a setting through the package
    (``monkeypatch.setattr(backup, "_open_output", ...)``, ``backup._SWAP_BUSY_SECONDS``),
    but the code that reads the name lives in one of its modules. So a name set here is set
    too in every module of the package that holds the same object under that name, and
    putting the old object back puts it back there.
    """

    def __setattr__(self, name: str, value: object) -> None:
        before = self.__dict__.get(name, _ABSENT)
        super().__setattr__(name, value)
        if before is _ABSENT:
            return
        prefix = self.__name__ + "."
        for module_name, module in list(sys.modules.items()):
            if (
                module_name.startswith(prefix)
                and module is not None
                and vars(module).get(name, _ABSENT) is before
            ):
                setattr(module, name, value)


sys.modules[__name__].__class__ = _OneNamespace


# --------------------------------------------------------------------------- Home tab


__all__ = [
    "AUTOMATIC_INTERVAL",
    "CHUNK_SIZE",
    "DEFAULT_KDF",
    "BackupCancelled",
    "BackupInfo",
    "BackupResult",
    "BackupWarning",
    "DamagedBackup",
    "DatabaseInUse",
    "HouseSummary",
    "KdfSettings",
    "LocalKey",
    "NewerBackup",
    "NotABackup",
    "Passphrase",
    "RecoveryKey",
    "RecoveryKeyInfo",
    "RecoverySheet",
    "RestoreDeclined",
    "RestorePreview",
    "RestoreResult",
    "Unlock",
    "VerifiedBackup",
    "WrongSecret",
    "adopt_recovery_key",
    "automatic_backup_due",
    "back_up",
    "back_up_automatically",
    "backup_file_name",
    "backups_to_keep_by_age",
    "check_new_passphrase",
    "list_backups",
    "local_key_path",
    "new_recovery_sheet",
    "preview_restore",
    "read_backup_info",
    "recovery_key_info",
    "restore_backup",
    "trail_held_by_backups",
    "usb_backup_warning",
    "verify_backup",
]
