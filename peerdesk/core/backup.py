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
- Chunk *i* is sealed with the nonce ``prefix(7) || i(4) || last(1)`` (the STREAM
  construction), so a chunk that is changed, dropped, swapped, repeated or cut off — or data
  added after the last — fails authentication.

Backups take the database image with SQLite's online backup API inside one read transaction
(a consistent snapshot while the window keeps working), write ``<name>.pdbk.partial``, fsync,
rename, fsync the folder, then read the whole file back before they are reported good.

Every function here is meant for a worker thread: it takes ``progress`` (0.0–1.0) and
``cancelled`` callables, returns frozen dataclasses, and raises :class:`BackupError` (one
plain sentence) on every failure, leaving no temporary file behind.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import errno
import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import struct
import sys
import tempfile
import threading
import time
import unicodedata
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Final, Generic, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from peerdesk import __version__
from peerdesk.core import audit, clock, dto, vocab
from peerdesk.core import db as db_module
from peerdesk.core.attention import BackupWarning, usb_backup_warning
from peerdesk.core.audit import Actor
from peerdesk.core.db import SQLITE_MAGIC, Database
from peerdesk.core.errors import BackupError, PeerDeskError
from peerdesk.core.files import (
    PARTIAL_SUFFIX,
    explain_os_error,
    fsync_directory,
    fsync_file,
)
from peerdesk.core.models import AuditEvent, BackupRecord, Preference
from peerdesk.core.permissions import Action
from peerdesk.core.services.settings import get_settings
from peerdesk.paths import Paths

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]
_T = TypeVar("_T")

MAGIC: Final = b"\x89PDBK\r\n\x1a"
FORMAT_MAJOR: Final = 1
FORMAT_MINOR: Final = 0
CHUNK_SIZE: Final = 1 << 20
EXTENSION: Final = ".pdbk"
MIN_PASSPHRASE_LENGTH: Final = 12
AUTOMATIC_INTERVAL: Final = dt.timedelta(minutes=30)

_PRELUDE = struct.Struct(">8sHHI")  # magic, major, minor, CRC-32 of the first 12 bytes
_LENGTH = struct.Struct(">I")
_TAG = 16
_SHA = 32
_MAX_HEADER = 1 << 20
_MIN_CHUNK = 1 << 10
_MAX_CHUNK = 1 << 26
_NONCE_PREFIX = 7
_BACKUP_STEP_PAGES = 2048
_KINDS = ("usb", "automatic", "safety")
# Audit lines written by backups themselves; they do not count as "something changed".
_BACKUP_ACTIONS = ("backup", "automatic backup")
_PREF_RECOVERY = "backup.recovery_key"
_PREF_AUTOMATIC_MARK = "backup.automatic.audit_mark"
_LOCAL_KEY_FILE = "automatic-backup.key"
_LOCAL_KEY_HEADER = "PeerDesk automatic-backup key v1"
_WORK_PREFIX = ".peerdesk-work-"
_WORK_LOCK = "in-use.lock"
_STALE_PARTIAL = dt.timedelta(minutes=10)
# How long a restore waits for another window to let go of the database before it gives up.
_SWAP_BUSY_SECONDS = 2.0


# --------------------------------------------------------------------------- errors


class DamagedBackup(BackupError):
    """The file is not whole: cut short, changed, or with data it should not have."""


class NotABackup(BackupError):
    """The file is not a PeerDesk backup at all (empty, a plain database, something else)."""


class NewerBackup(BackupError):
    """The backup was made by a newer PeerDesk than this one."""


class WrongSecret(BackupError):
    """The passphrase, recovery key or automatic-backup key does not open this backup."""


class BackupCancelled(BackupError):
    """The person pressed Cancel; nothing was written or changed."""


class DatabaseInUse(BackupError):
    """Another window or program still has the database open."""


class RestoreDeclined(BackupError):
    """The person said no when shown what the restore would replace."""


def _damaged(why: str) -> DamagedBackup:
    return DamagedBackup(f"This backup file is damaged ({why}); use another backup.")


def _os_sentence(exc: OSError, path: Path, doing: str) -> str:
    return explain_os_error(exc, path, doing)


# --------------------------------------------------------------------------- secrets


@dataclass(frozen=True, repr=False)
class Passphrase:
    """The passphrase typed for a backup (compared after Unicode NFC normalisation)."""

    text: str

    def __repr__(self) -> str:
        return "Passphrase(…)"

    def encoded(self) -> bytes:
        return unicodedata.normalize("NFC", self.text).encode("utf-8")


def check_new_passphrase(text: str) -> Passphrase:
    """A passphrase for a new backup, or BackupError saying what is wrong with it."""
    normal = unicodedata.normalize("NFC", text)
    if len(normal) < MIN_PASSPHRASE_LENGTH or not normal.strip():
        raise BackupError(
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long; a short "
            "sentence you will remember works well."
        )
    if len(normal) > 1024:
        raise BackupError("The passphrase is too long; use at most 1024 characters.")
    return Passphrase(text)


RECOVERY_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_RECOVERY_GROUPS = 8
_RECOVERY_DATA = 3  # symbols of key in each group of four; the fourth is its check symbol
_RECOVERY_BYTES = 15  # 8 groups x 3 symbols x 5 bits = 120 bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_RECOVERY_HELP = "check it against the printed recovery sheet"


def _luhn_mod32(symbols: Sequence[int]) -> int:
    """The Luhn mod N check symbol: catches any one wrong symbol and most swapped pairs."""
    factor = 2
    total = 0
    for code in reversed(symbols):
        addend = factor * code
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return (32 - total % 32) % 32


def _key_id(public: bytes) -> str:
    digest = hashlib.sha256(b"PeerDesk key id|" + public).hexdigest().upper()
    return f"{digest[:4]}-{digest[4:8]}"


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True, repr=False)
class RecoveryKey:
    """The house's printed second way into its backups: 32 characters in 8 groups of 4.

    Each group is three key symbols and a check symbol over the group and its position, so a
    mistyped or swapped group is named before anything is tried. Letters are read without
    regard to case, ``O`` as zero and ``I``/``L`` as one.
    """

    secret: bytes

    def __repr__(self) -> str:
        return f"RecoveryKey({self.key_id})"

    @classmethod
    def generate(cls) -> RecoveryKey:
        return cls(secrets.token_bytes(_RECOVERY_BYTES))

    @classmethod
    def parse(cls, text: str) -> RecoveryKey:
        """Read a typed key; raises WrongSecret naming the group with a typing mistake."""
        cleaned = "".join(ch for ch in text.upper() if ch not in " -–—_.\t\r\n").translate(_READ_AS)
        for ch in cleaned:
            if ch not in RECOVERY_ALPHABET:
                raise WrongSecret(
                    f'The recovery key is not right: "{ch}" never appears in a recovery key; '
                    f"{_RECOVERY_HELP}."
                )
        size = _RECOVERY_GROUPS * (_RECOVERY_DATA + 1)
        if len(cleaned) != size:
            raise WrongSecret(
                f"The recovery key is not right: it has {len(cleaned)} letters and digits "
                f"instead of {size} (8 groups of 4); {_RECOVERY_HELP}."
            )
        value = 0
        for group in range(_RECOVERY_GROUPS):
            chars = cleaned[group * 4 : group * 4 + 4]
            codes = [RECOVERY_ALPHABET.index(ch) for ch in chars]
            if _luhn_mod32([group, *codes[:_RECOVERY_DATA]]) != codes[_RECOVERY_DATA]:
                raise WrongSecret(
                    f"The recovery key is not right: group {group + 1} ({chars}) has a typing "
                    f"mistake; {_RECOVERY_HELP}."
                )
            for code in codes[:_RECOVERY_DATA]:
                value = value << 5 | code
        return cls(value.to_bytes(_RECOVERY_BYTES, "big"))

    @property
    def text(self) -> str:
        """The key as printed: ``XXXX-XXXX-…`` (8 groups)."""
        value = int.from_bytes(self.secret, "big")
        count = _RECOVERY_GROUPS * _RECOVERY_DATA
        symbols = [(value >> (5 * (count - 1 - i))) & 31 for i in range(count)]
        groups = []
        for group in range(_RECOVERY_GROUPS):
            data = symbols[group * _RECOVERY_DATA : (group + 1) * _RECOVERY_DATA]
            codes = [*data, _luhn_mod32([group, *data])]
            groups.append("".join(RECOVERY_ALPHABET[c] for c in codes))
        return "-".join(groups)

    def private_key(self) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(_hkdf(self.secret, b"PeerDesk recovery key v1"))

    def public_bytes(self) -> bytes:
        return _raw_public(self.private_key().public_key())

    @property
    def key_id(self) -> str:
        """A short, non-secret name for this key, printed on its sheet."""
        return _key_id(self.public_bytes())


@dataclass(frozen=True, repr=False)
class LocalKey:
    """The random key this PC's automatic backups are sealed with.

    The passphrase is not known when the window closes, so automatic and safety backups use
    a 256-bit key kept in ``<config dir>/automatic-backup.key`` (owner-only where the
    operating system allows). They also open with the house's recovery key, so losing the PC
    does not lose them.
    """

    secret: bytes

    def __repr__(self) -> str:
        return f"LocalKey({self.key_id})"

    @property
    def key_id(self) -> str:
        return _key_id(hashlib.sha256(b"PeerDesk local key|" + self.secret).digest())

    @classmethod
    def load(cls, path: Path) -> LocalKey | None:
        """The key in ``path``, or None when there is none yet."""
        try:
            text = path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(
                f"The key for automatic backups ({path}) cannot be read ({exc}); check the "
                "file, or move it aside and PeerDesk will make a new one."
            ) from exc
        lines = text.split()
        try:
            secret = base64.b64decode(lines[-1], validate=True)
        except (IndexError, ValueError):
            secret = b""
        if " ".join(lines[:-1]) != _LOCAL_KEY_HEADER or len(secret) != 32:
            raise BackupError(
                f"The key for automatic backups ({path}) is damaged; move it aside and PeerDesk "
                "will make a new one (older automatic backups then open with the recovery key)."
            )
        return cls(secret)

    @classmethod
    def load_or_create(cls, path: Path) -> LocalKey:
        existing = cls.load(path)
        if existing is not None:
            return existing
        key = cls(secrets.token_bytes(32))
        content = f"{_LOCAL_KEY_HEADER}\n{base64.b64encode(key.secret).decode()}\n".encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f"{path.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, content)
                os.fsync(fd)
            finally:
                os.close(fd)
            if path.exists():  # another PeerDesk made one a moment ago: use theirs
                temp.unlink()
            else:
                os.replace(temp, path)
                fsync_directory(path.parent)
        except OSError as exc:
            raise BackupError(_os_sentence(exc, path, "save the automatic-backup key in")) from exc
        loaded = cls.load(path)
        assert loaded is not None
        return loaded


Unlock = Passphrase | RecoveryKey | LocalKey


def local_key_path(paths: Paths) -> Path:
    """Where this PC keeps the key of its automatic backups."""
    return paths.config_dir / _LOCAL_KEY_FILE


# --------------------------------------------------------------------------- KDF


@dataclass(frozen=True)
class KdfSettings:
    """Argon2id cost: memory in KiB, passes, lanes.

    32 MiB x 3 passes is twice the work OWASP gives as Argon2id's minimum; it takes about
    0.1 s here. It is no higher because the issue bounds a backup at twice a plain copy of
    the database, and on the ten-year demo house (63 MB) the copy takes only 0.3–0.5 s.
    Each file stores its own cost (capped on reading), so raising this later keeps older
    backups readable. Tests pass a much cheaper setting through the ``kdf`` parameter
    rather than changing this.
    """

    memory_kib: int = 32 * 1024
    iterations: int = 3
    lanes: int = 4


DEFAULT_KDF: Final = KdfSettings()
# The most a file may ask for: 1 GiB, and sixteen times the default's work (a few seconds).
# Anything more is refused as damaged, so a crafted file cannot hang the PC.
KDF_MAX_MEMORY_KIB: Final = 1024 * 1024
KDF_MAX_ITERATIONS: Final = 16
KDF_MAX_LANES: Final = 16
KDF_MAX_WORK: Final = 16 * DEFAULT_KDF.memory_kib * DEFAULT_KDF.iterations


def _kdf_acceptable(kdf: KdfSettings) -> bool:
    return (
        1 <= kdf.lanes <= KDF_MAX_LANES
        and 1 <= kdf.iterations <= KDF_MAX_ITERATIONS
        and 8 * kdf.lanes <= kdf.memory_kib <= KDF_MAX_MEMORY_KIB
        and kdf.memory_kib * kdf.iterations <= KDF_MAX_WORK
    )


def _passphrase_kek(passphrase: Passphrase, salt: bytes, kdf: KdfSettings) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=kdf.iterations,
        lanes=kdf.lanes,
        memory_cost=kdf.memory_kib,
    ).derive(passphrase.encoded())


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class HouseSummary:
    """What a database holds, in the words of the restore confirmation."""

    house_name: str
    as_of: dt.datetime | None  # when the backup was made (UTC); None for the PC's database now
    residents: int
    active_residents: int
    mentors: int
    peer_sessions: int
    attendance: int
    assessments: int
    supervision_notes: int
    audit_lines: int

    def describe(self) -> str:
        """``Riverbend: 40 residents (12 in the house), 3 peer mentors, …``"""
        name = self.house_name or "A house with no name yet"
        return (
            f"{name}: {dto.counted(self.residents, 'resident')} "
            f"({self.active_residents:,} in the house), "
            f"{dto.counted(self.mentors, 'peer mentor')}, "
            f"{dto.counted(self.peer_sessions, 'session')} "
            f"({dto.counted(self.attendance, 'attendance')}), "
            f"{dto.counted(self.assessments, 'assessment')}, "
            f"{dto.counted(self.supervision_notes, 'supervision note')}"
        )


@dataclass(frozen=True)
class BackupInfo:
    """What a backup's header says. Readable without a secret, so not yet proven genuine."""

    path: Path
    format_version: tuple[int, int]
    backup_id: str
    created_at: dt.datetime  # UTC
    app_version: str
    kind: str  # usb | automatic | safety
    house_name: str
    house_id: str
    schema_revision: str
    row_counts: Mapping[str, int]
    active_residents: int
    image_size: int
    file_size: int
    opens_with_passphrase: bool
    recovery_key_id: str | None
    local_key_id: str | None

    @property
    def summary(self) -> HouseSummary:
        return _summary_from_counts(
            self.house_name, self.created_at, self.row_counts, self.active_residents
        )


@dataclass(frozen=True)
class BackupResult:
    """A backup that was written, read back whole and found good."""

    path: Path
    info: BackupInfo
    verified: bool
    removed: tuple[Path, ...] = ()  # older backups thinned out of the folder
    not_removed: tuple[Path, ...] = ()  # ones that should have gone but could not be deleted


@dataclass(frozen=True)
class VerifiedBackup:
    """A backup opened, decrypted and checked through and through."""

    info: BackupInfo
    summary: HouseSummary
    upgraded_from: str | None  # an older schema revision, checked by upgrading a copy


@dataclass(frozen=True)
class RestorePreview:
    """What a restore would bring back, beside what the PC has now (None: no database yet)."""

    backup: VerifiedBackup
    current: HouseSummary | None
    current_problem: str = ""  # why the PC's file could not be read, when it could not


@dataclass(frozen=True)
class RestoreResult:
    db_path: Path
    restored: HouseSummary
    backup: BackupInfo
    safety_copy: Path | None  # the database that was replaced, kept in the local backup folder
    replaced: HouseSummary | None


@dataclass(frozen=True)
class RecoveryKeyInfo:
    """The house's current recovery key, as the database knows it (never the key itself)."""

    key_id: str
    public_key: bytes
    made_at: dt.datetime
    made_by: str


@dataclass(frozen=True)
class RecoverySheet:
    """Everything the printed recovery sheet shows; ``key`` is the secret itself."""

    house_name: str
    key: RecoveryKey
    made_at: dt.datetime  # UTC
    made_by: str
    paper_size: vocab.PaperSize = vocab.PaperSize.LETTER

    @property
    def key_text(self) -> str:
        return self.key.text

    @property
    def key_id(self) -> str:
        return self.key.key_id


# --------------------------------------------------------------------------- progress


class _Progress:
    """Report a fraction of the whole job, and stop when asked to."""

    def __init__(
        self,
        report: Progress | None,
        cancelled: Cancelled | None,
        stopped: str,
        start: float = 0.0,
        end: float = 1.0,
        _last: list[float] | None = None,
    ) -> None:
        self._report = report
        self._cancelled = cancelled
        self.stopped = stopped
        self._start = start
        self._end = end
        self._last = _last if _last is not None else [0.0]

    def part(self, start: float, end: float) -> _Progress:
        span = self._end - self._start
        return _Progress(
            self._report,
            self._cancelled,
            self.stopped,
            self._start + span * start,
            self._start + span * end,
            self._last,
        )

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise BackupCancelled(self.stopped)

    def __call__(self, fraction: float) -> None:
        self.check()
        value = self._start + (self._end - self._start) * min(max(fraction, 0.0), 1.0)
        if self._report is not None and value >= self._last[0]:
            self._last[0] = value
            self._report(value)


# --------------------------------------------------------------------------- work folders


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _sweep_work_folders(parent: Path) -> None:
    """Remove work folders left by a PeerDesk that was killed (their lock is free)."""
    with contextlib.suppress(OSError):
        for folder in parent.glob(_WORK_PREFIX + "*"):
            lock = folder / _WORK_LOCK
            try:
                handle = lock.open("r+b")
            except FileNotFoundError:
                # Killed before its lock existed: an hour later it is surely abandoned.
                with contextlib.suppress(OSError):
                    age = time.time() - folder.stat().st_mtime
                    if age > 3600:
                        shutil.rmtree(folder, ignore_errors=True)
                continue
            except OSError:
                continue
            with handle:
                if not _try_lock(handle):
                    continue
            shutil.rmtree(folder, ignore_errors=True)


class _WorkFolder:
    """A private temporary folder beside the database, locked while in use, always removed."""

    def __init__(self, parent: Path) -> None:
        _sweep_work_folders(parent)
        try:
            self.path = Path(tempfile.mkdtemp(prefix=_WORK_PREFIX, dir=parent))
        except OSError as exc:
            raise BackupError(_os_sentence(exc, parent, "make a working folder in")) from exc
        try:
            self._lock = (self.path / _WORK_LOCK).open("w+b")
            self._lock.write(b"\0")
            self._lock.flush()
            _try_lock(self._lock)
        except OSError as exc:
            shutil.rmtree(self.path, ignore_errors=True)
            raise BackupError(_os_sentence(exc, parent, "make a working folder in")) from exc

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._lock.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> _WorkFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _work_parent(preferred: Path | None) -> Path:
    if preferred is not None and preferred.is_dir():
        return preferred
    return Path(tempfile.gettempdir())


# --------------------------------------------------------------------------- header


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class _Slot:
    kind: str  # passphrase | recovery | local
    nonce: bytes
    wrapped: bytes
    kdf: KdfSettings | None = None
    salt: bytes = b""
    key_id: str = ""
    ephemeral: bytes = b""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.wrapped),
        }
        if self.kind == "passphrase":
            assert self.kdf is not None
            data["kdf"] = {
                "name": "argon2id",
                "salt": _b64(self.salt),
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
            }
        elif self.kind == "recovery":
            data["key_id"] = self.key_id
            data["ephemeral_key"] = _b64(self.ephemeral)
        else:
            data["key_id"] = self.key_id
            data["salt"] = _b64(self.salt)
        return data


@dataclass(frozen=True)
class _Header:
    app_version: str
    created_at: dt.datetime
    backup_id: str
    kind: str
    house_name: str
    house_id: str
    schema_revision: str
    row_counts: dict[str, int]
    active_residents: int
    image_size: int
    image_sha256: bytes
    chunk_size: int
    nonce_prefix: bytes
    slots: tuple[_Slot, ...]

    def to_bytes(self) -> bytes:
        data = {
            "format": "PeerDesk backup",
            "app_version": self.app_version,
            "created_at": self.created_at.isoformat() + "Z",
            "backup_id": self.backup_id,
            "kind": self.kind,
            "house_name": self.house_name,
            "house_id": self.house_id,
            "schema_revision": self.schema_revision,
            "row_counts": self.row_counts,
            "active_residents": self.active_residents,
            "image_size": self.image_size,
            "image_sha256": self.image_sha256.hex(),
            "chunk_size": self.chunk_size,
            "nonce_prefix": _b64(self.nonce_prefix),
            "key_slots": [slot.to_json() for slot in self.slots],
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    @property
    def chunk_count(self) -> int:
        return max(1, -(-self.image_size // self.chunk_size))

    def slot(self, kind: str) -> _Slot | None:
        return next((s for s in self.slots if s.kind == kind), None)


class _Unreadable(Exception):
    """Internal: the header is not what PeerDesk writes (reported as damage)."""


def _get(data: Mapping[str, Any], key: str, kind: type[Any]) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Unreadable(key)
    return value


def _get_bytes(data: Mapping[str, Any], key: str, low: int, high: int) -> bytes:
    try:
        raw = base64.b64decode(_get(data, key, str), validate=True)
    except ValueError as exc:
        raise _Unreadable(key) from exc
    if not low <= len(raw) <= high:
        raise _Unreadable(key)
    return raw


def _parse_slot(data: Any) -> _Slot:
    if not isinstance(data, dict):
        raise _Unreadable("key_slots")
    kind = _get(data, "kind", str)
    nonce = _get_bytes(data, "nonce", 12, 12)
    wrapped = _get_bytes(data, "wrapped_key", 48, 48)
    if kind == "passphrase":
        kdf = _get(data, "kdf", dict)
        if _get(kdf, "name", str) != "argon2id":
            raise _Unreadable("kdf")
        settings = KdfSettings(
            memory_kib=_get(kdf, "memory_kib", int),
            iterations=_get(kdf, "iterations", int),
            lanes=_get(kdf, "lanes", int),
        )
        if not _kdf_acceptable(settings):
            raise DamagedBackup(
                "This backup file is damaged (it asks for more key-stretching work than "
                "PeerDesk allows, which a genuine backup never does); use another backup."
            )
        return _Slot(kind, nonce, wrapped, kdf=settings, salt=_get_bytes(kdf, "salt", 16, 64))
    if kind == "recovery":
        return _Slot(
            kind,
            nonce,
            wrapped,
            key_id=_get(data, "key_id", str),
            ephemeral=_get_bytes(data, "ephemeral_key", 32, 32),
        )
    if kind == "local":
        return _Slot(
            kind,
            nonce,
            wrapped,
            key_id=_get(data, "key_id", str),
            salt=_get_bytes(data, "salt", 16, 64),
        )
    raise _Unreadable("kind")


def _parse_header(raw: bytes) -> _Header:
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != "PeerDesk backup":
            raise _Unreadable("format")
        created_text = _get(data, "created_at", str)
        if not created_text.endswith("Z"):
            raise _Unreadable("created_at")
        created = dt.datetime.fromisoformat(created_text[:-1])
        if created.tzinfo is not None:
            raise _Unreadable("created_at")
        counts = _get(data, "row_counts", dict)
        if not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in counts.items()
        ):
            raise _Unreadable("row_counts")
        kind = _get(data, "kind", str)
        image_size = _get(data, "image_size", int)
        chunk_size = _get(data, "chunk_size", int)
        active = _get(data, "active_residents", int)
        sha_text = _get(data, "image_sha256", str)
        if (
            kind not in _KINDS
            or image_size < 0
            or not _MIN_CHUNK <= chunk_size <= _MAX_CHUNK
            or active < 0
            or not re.fullmatch(r"[0-9a-f]{64}", sha_text)
        ):
            raise _Unreadable("values")
        slots = tuple(_parse_slot(s) for s in _get(data, "key_slots", list))
        if not slots or len({s.kind for s in slots}) != len(slots):
            raise _Unreadable("key_slots")
        return _Header(
            app_version=_get(data, "app_version", str),
            created_at=created,
            backup_id=_get(data, "backup_id", str),
            kind=kind,
            house_name=_get(data, "house_name", str),
            house_id=_get(data, "house_id", str),
            schema_revision=_get(data, "schema_revision", str),
            row_counts=dict(counts),
            active_residents=active,
            image_size=image_size,
            image_sha256=bytes.fromhex(sha_text),
            chunk_size=chunk_size,
            nonce_prefix=_get_bytes(data, "nonce_prefix", _NONCE_PREFIX, _NONCE_PREFIX),
            slots=slots,
        )
    except (_Unreadable, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _damaged("its header cannot be read") from exc


def _prelude(major: int = FORMAT_MAJOR, minor: int = FORMAT_MINOR) -> bytes:
    first = MAGIC + struct.pack(">HH", major, minor)
    return first + struct.pack(">I", zlib.crc32(first))


def _expected_size(header: _Header, data_offset: int) -> int:
    return data_offset + header.image_size + _TAG * header.chunk_count


@dataclass(frozen=True)
class _Layout:
    """A backup file's structure, checked without any secret."""

    header: _Header
    authenticated: bytes  # every byte the header tag covers
    tag: bytes
    data_offset: int
    file_size: int
    version: tuple[int, int]


def _read_layout(f: BinaryIO, path: Path) -> _Layout:
    size = os.fstat(f.fileno()).st_size
    if size == 0:
        raise NotABackup(
            f"{path.name} is empty, so it holds no backup (perhaps the drive was pulled out "
            "while it was being written); use another backup."
        )
    first = f.read(_PRELUDE.size)
    if first.startswith(SQLITE_MAGIC):
        raise NotABackup(
            f"{path.name} is a plain database file, not a PeerDesk backup; choose a backup that "
            "PeerDesk made (PeerDesk-….pdbk)."
        )
    magic = first[: len(MAGIC)]
    if len(first) < _PRELUDE.size and MAGIC.startswith(magic):
        raise _damaged("it is cut short")
    # One changed byte in the mark is damage; a file that does not start like a backup at
    # all is something else.
    alike = sum(a == b for a, b in zip(magic, MAGIC, strict=False))
    if len(magic) < len(MAGIC) or alike < len(MAGIC) - 2:
        raise NotABackup(
            f"{path.name} is not a PeerDesk backup; choose a backup that PeerDesk made "
            "(PeerDesk-….pdbk)."
        )
    if len(first) < _PRELUDE.size:
        raise _damaged("it is cut short")
    if magic != MAGIC:
        raise _damaged("its first bytes were changed")
    _, major, minor, crc = _PRELUDE.unpack(first)
    if zlib.crc32(first[:12]) != crc:
        raise _damaged("its format mark was changed")
    if major > FORMAT_MAJOR:
        raise NewerBackup(
            f"This backup was made by a newer PeerDesk (backup format {major}.{minor}); "
            "install the newest PeerDesk to restore it."
        )
    if major < 1:
        raise _damaged("its format number is not one PeerDesk ever wrote")
    length_bytes = f.read(_LENGTH.size)
    if len(length_bytes) < _LENGTH.size:
        raise _damaged("it is cut short")
    (length,) = _LENGTH.unpack(length_bytes)
    if not 2 <= length <= _MAX_HEADER:
        raise _damaged("its header length was changed")
    header_bytes = f.read(length)
    sha = f.read(_SHA)
    tag = f.read(_TAG)
    if len(header_bytes) < length or len(sha) < _SHA or len(tag) < _TAG:
        raise _damaged("it is cut short")
    covered = first + length_bytes + header_bytes
    if hashlib.sha256(covered).digest() != sha:
        raise _damaged("its header does not match its checksum")
    header = _parse_header(header_bytes)
    data_offset = _PRELUDE.size + _LENGTH.size + length + _SHA + _TAG
    expected = _expected_size(header, data_offset)
    if size < expected:
        raise _damaged("it is cut short")
    if size > expected:
        raise _damaged("it has extra bytes at the end")
    return _Layout(header, covered + sha, tag, data_offset, size, (major, minor))


def _info(layout: _Layout, path: Path) -> BackupInfo:
    h = layout.header
    recovery = h.slot("recovery")
    local = h.slot("local")
    return BackupInfo(
        path=path,
        format_version=layout.version,
        backup_id=h.backup_id,
        created_at=h.created_at,
        app_version=h.app_version,
        kind=h.kind,
        house_name=h.house_name,
        house_id=h.house_id,
        schema_revision=h.schema_revision,
        row_counts=dict(h.row_counts),
        active_residents=h.active_residents,
        image_size=h.image_size,
        file_size=layout.file_size,
        opens_with_passphrase=h.slot("passphrase") is not None,
        recovery_key_id=recovery.key_id if recovery else None,
        local_key_id=local.key_id if local else None,
    )


def _refuse_partial(path: Path) -> None:
    if path.name.endswith(PARTIAL_SUFFIX):
        raise NotABackup(
            f"{path.name} is an unfinished backup (its name ends in {PARTIAL_SUFFIX}) and can "
            "never be restored; choose a finished .pdbk backup."
        )


@contextlib.contextmanager
def _open_backup_file(path: Path) -> Iterator[BinaryIO]:
    _refuse_partial(path)
    if path.is_dir():
        raise NotABackup(f"{path} is a folder; choose a backup file inside it.")
    try:
        f = path.open("rb")
    except OSError as exc:
        raise BackupError(_os_sentence(exc, path, "read")) from exc
    with f:
        yield f


def read_backup_info(path: Path | str) -> BackupInfo:
    """The header of a backup, after every check that needs no secret (structure, length,
    checksum), so a damaged file is named before anyone types a passphrase."""
    path = Path(path)
    try:
        with _open_backup_file(path) as f:
            return _info(_read_layout(f, path), path)
    except OSError as exc:
        raise BackupError(_os_sentence(exc, path, "read")) from exc


def list_backups(folder: Path | str) -> list[BackupInfo]:
    """The readable backups in ``folder``, newest first (unfinished ``.partial`` files and
    files that are not whole are left out)."""
    found = []
    with contextlib.suppress(OSError):
        for path in Path(folder).glob("*" + EXTENSION):
            with contextlib.suppress(BackupError):
                found.append(read_backup_info(path))
    return sorted(found, key=lambda i: i.created_at, reverse=True)


# --------------------------------------------------------------------------- key slots


def _slot_aad(kind: str) -> bytes:
    # Only the kind, not the backup id: a slot copied from another backup unwraps that
    # backup's file key, which this header's tag then refuses, so an edited id reads as damage.
    return f"PeerDesk key slot v1|{kind}".encode()


def _seal_slot(kek: bytes, file_key: bytes, kind: str) -> tuple[bytes, bytes]:
    nonce = secrets.token_bytes(12)
    return nonce, AESGCM(kek).encrypt(nonce, file_key, _slot_aad(kind))


def _open_slot(kek: bytes, slot: _Slot) -> bytes | None:
    try:
        return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, _slot_aad(slot.kind))
    except InvalidTag:
        return None


def _recovery_kek(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return _hkdf(shared, b"PeerDesk recovery slot v1", salt=ephemeral + recipient)


def _local_kek(local: LocalKey, salt: bytes) -> bytes:
    return _hkdf(local.secret, b"PeerDesk local slot v1", salt=salt)


@dataclass(frozen=True)
class _Recipients:
    """Who can open a backup being written: passphrase, recovery key, this PC's key."""

    passphrase: Passphrase | None = None
    kdf: KdfSettings = DEFAULT_KDF
    recovery: RecoveryKeyInfo | None = None
    local: LocalKey | None = None


class _Background(Generic[_T]):
    """Run one function on a thread: the passphrase KDF overlaps the database snapshot, and a
    restore's safety backup overlaps the checks of the backup being restored."""

    def __init__(self, fn: Callable[[], _T], name: str = "peerdesk-kdf") -> None:
        self._result: _T | None = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._result = fn()
            except BaseException as exc:  # handed to result(); the thread must not die loudly
                self._error = exc

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def result(self) -> _T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def _unlock(layout: _Layout, unlock: Unlock) -> bytes:
    """The file key, or WrongSecret saying which secret this backup needs."""
    h = layout.header
    recovery = h.slot("recovery")
    use_recovery = " or the recovery key" if recovery else ""
    if isinstance(unlock, Passphrase):
        slot = h.slot("passphrase")
        if slot is None:
            where = (
                "with the recovery key, or on the PC that made it"
                if recovery
                else ("only on the PC that made it")
            )
            raise WrongSecret(
                f"This backup was made automatically and has no passphrase; it opens {where}."
            )
        assert slot.kdf is not None
        key = _open_slot(_passphrase_kek(unlock, slot.salt, slot.kdf), slot)
        if key is None:
            raise WrongSecret(
                "The passphrase is not right; type it again exactly as it was set (capital "
                f"letters and spaces count){', or use the recovery key' if recovery else ''}."
            )
        return key
    if isinstance(unlock, RecoveryKey):
        if recovery is None:
            raise WrongSecret(
                "This backup was made before the house had a recovery key, so it opens only "
                "with its passphrase."
            )
        private = unlock.private_key()
        recipient = _raw_public(private.public_key())
        shared = private.exchange(X25519PublicKey.from_public_bytes(recovery.ephemeral))
        key = _open_slot(_recovery_kek(shared, recovery.ephemeral, recipient), recovery)
        if key is None:
            raise WrongSecret(
                f"The recovery key is not right for this backup (it needs the key with ID "
                f"{recovery.key_id}); {_RECOVERY_HELP}, or use the passphrase."
            )
        return key
    slot = h.slot("local")
    if slot is None:
        raise WrongSecret(
            f"This backup was not made automatically on this PC; use its passphrase{use_recovery}."
        )
    key = _open_slot(_local_kek(unlock, slot.salt), slot)
    if key is None:
        if recovery is not None:
            raise WrongSecret(
                "This automatic backup was made on another PC (or before PeerDesk was set up "
                "again here), so this PC's key is not right for it; use the recovery key."
            )
        raise WrongSecret(
            "This automatic backup was made on another PC (or before PeerDesk was set up again "
            "here) when the house had no recovery key, so it cannot be opened here."
        )
    return key


def _header_key(file_key: bytes) -> bytes:
    return _hkdf(file_key, b"PeerDesk backup header v1")


def _chunk_key(file_key: bytes) -> bytes:
    return _hkdf(file_key, b"PeerDesk backup chunks v1")


def _header_tag(file_key: bytes, authenticated: bytes) -> bytes:
    return AESGCM(_header_key(file_key)).encrypt(bytes(12), b"", authenticated)


def _check_header_tag(layout: _Layout, file_key: bytes) -> None:
    try:
        AESGCM(_header_key(file_key)).decrypt(bytes(12), layout.tag, layout.authenticated)
    except InvalidTag:
        raise _damaged("its header was changed") from None


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


_CRYPTO_THREADS = 2
_CRYPTO_DEPTH = 4


_THREADED_CHUNK = 1 << 17  # below this, handing a chunk to a thread costs more than AES


def _pipelined(
    work: Callable[[int, bytes], bytes], blocks: Iterable[tuple[int, bytes]], chunk_size: int
) -> Iterator[tuple[int, bytes, bytes]]:
    """``(index, block, work(index, block))`` in order. For real chunks (1 MiB) the work is
    done on two threads (AES-GCM releases the GIL) a few blocks ahead of the caller."""
    if chunk_size < _THREADED_CHUNK:
        for index, block in blocks:
            yield index, block, work(index, block)
        return
    with ThreadPoolExecutor(_CRYPTO_THREADS, thread_name_prefix="peerdesk-crypto") as pool:
        window: deque[tuple[int, bytes, Future[bytes]]] = deque()
        try:
            for index, block in blocks:
                window.append((index, block, pool.submit(work, index, block)))
                if len(window) >= _CRYPTO_DEPTH:
                    i, b, job = window.popleft()
                    yield i, b, job.result()
            while window:
                i, b, job = window.popleft()
                yield i, b, job.result()
        finally:
            for _, _, job in window:
                job.cancel()


def _decrypt_chunks(
    f: BinaryIO,
    layout: _Layout,
    file_key: bytes,
    sink: Callable[[bytes], object] | None,
    progress: _Progress,
) -> None:
    """Authenticate every chunk in order (and hand the plaintext to ``sink``), then compare
    the image's SHA-256 with the header's."""
    h = layout.header
    aes = AESGCM(_chunk_key(file_key))
    digest = hashlib.sha256()
    count = h.chunk_count

    def sealed_chunks() -> Iterator[tuple[int, bytes]]:
        f.seek(layout.data_offset)
        for index in range(count):
            plain = min(h.chunk_size, h.image_size - index * h.chunk_size)
            sealed = f.read(plain + _TAG)
            if len(sealed) != plain + _TAG:
                raise _damaged("it is cut short")
            yield index, sealed

    def open_chunk(index: int, sealed: bytes) -> bytes:
        try:
            return aes.decrypt(_nonce(h.nonce_prefix, index, index == count - 1), sealed, None)
        except InvalidTag:
            raise _damaged(f"part {index + 1} of {count} was changed or is out of place") from None

    for index, _, data in _pipelined(open_chunk, sealed_chunks(), h.chunk_size):
        digest.update(data)
        if sink is not None:
            sink(data)
        progress((index + 1) / count)
    if f.read(1):
        raise _damaged("it has extra bytes at the end")
    if digest.digest() != h.image_sha256:
        raise _damaged("the database inside does not match its fingerprint")


# --------------------------------------------------------------------------- snapshot


@dataclass(frozen=True)
class _Contents:
    """What a database snapshot holds, read inside the same transaction as the copy."""

    house_name: str
    house_id: str
    schema_revision: str
    row_counts: dict[str, int]
    active_residents: int
    audit_mark: int
    recovery: RecoveryKeyInfo | None


class _NotReadable(Exception):
    """Internal: the source file is not a readable PeerDesk database."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_contents(c: sqlite3.Connection) -> _Contents:
    tables = [
        name
        for name, sql in c.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if not name.startswith("sqlite_") and not (sql or "").upper().startswith("CREATE VIRTUAL")
    ]
    counts = {t: int(c.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0]) for t in tables}
    settings = c.execute(
        "SELECT house_name, created_at FROM house_settings WHERE id = 1"
    ).fetchone()
    revision = c.execute("SELECT version_num FROM alembic_version").fetchone()
    active = c.execute("SELECT count(*) FROM stays WHERE discharge_date IS NULL").fetchone()
    marks = ", ".join("?" for _ in _BACKUP_ACTIONS)
    mark = c.execute(
        f"SELECT coalesce(max(id), 0) FROM audit_events WHERE action NOT IN ({marks})",
        _BACKUP_ACTIONS,
    ).fetchone()
    pref = c.execute("SELECT value FROM preferences WHERE key = ?", (_PREF_RECOVERY,)).fetchone()
    house_name, created = settings if settings else ("", "")
    return _Contents(
        house_name=str(house_name),
        house_id=hashlib.sha256(f"PeerDesk house|{created}".encode()).hexdigest()[:16],
        schema_revision=str(revision[0]) if revision else "",
        row_counts=counts,
        active_residents=int(active[0]),
        audit_mark=int(mark[0]),
        recovery=_recovery_from_json(pref[0]) if pref else None,
    )


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")


def _take_snapshot(db_path: Path, image: Path, progress: _Progress) -> _Contents:
    """Copy the database into ``image`` with the online backup API, inside one read
    transaction so the copy and the counts describe the same moment."""
    if not db_path.is_file():
        raise _NotReadable(db_path)
    try:
        source = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _NotReadable(db_path) from exc
    try:
        try:
            source.execute("PRAGMA busy_timeout = 10000")
            source.execute("PRAGMA query_only = 1")
            source.execute("BEGIN")
            contents = _read_contents(source)  # starts the read transaction: the snapshot
            target = sqlite3.connect(image)
            try:
                # A throwaway copy: no journal, no fsync (the backup file itself is synced).
                target.execute("PRAGMA journal_mode = OFF")
                target.execute("PRAGMA synchronous = OFF")

                def step(_status: int, remaining: int, total: int) -> None:
                    progress(1 - remaining / total if total else 1.0)

                source.backup(target, pages=_BACKUP_STEP_PAGES, progress=step)
            finally:
                target.close()
        except sqlite3.Error as exc:
            if _is_busy(exc):
                raise DatabaseInUse(
                    "The database is busy (another program is writing to it); try the backup "
                    "again in a minute."
                ) from exc
            raise _NotReadable(db_path) from exc
        finally:
            with contextlib.suppress(sqlite3.Error):
                source.execute("ROLLBACK")
    finally:
        source.close()
    return contents


# --------------------------------------------------------------------------- writing


def _open_output(path: Path) -> BinaryIO:
    """Open a new backup file for writing (a seam the fault-injection tests replace)."""
    return path.open("wb")


def _safe_house(house_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", house_name).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-")[:40].strip("-")
    return safe or "house"


def backup_file_name(house_name: str, when_local: dt.datetime, suffix: str = "") -> str:
    """``PeerDesk-<house>-<YYYYMMDD-HHMM><suffix>.pdbk``, the house name made safe for any
    drive (letters, digits and dashes)."""
    return f"PeerDesk-{_safe_house(house_name)}-{when_local:%Y%m%d-%H%M}{suffix}{EXTENSION}"


def _free_path(folder: Path, name: str) -> Path:
    path = folder / name
    stem = name[: -len(EXTENSION)]
    number = 2
    while path.exists() or path.with_name(path.name + PARTIAL_SUFFIX).exists():
        path = folder / f"{stem}-{number}{EXTENSION}"
        number += 1
    return path


def _remove_stale_partials(folder: Path) -> None:
    """Unfinished files from a backup that was killed; never mistaken for backups."""
    # File times come from the OS clock, so ages are measured on it too.
    cutoff = time.time() - _STALE_PARTIAL.total_seconds()
    with contextlib.suppress(OSError):
        for partial in folder.glob(f"PeerDesk-*{EXTENSION}{PARTIAL_SUFFIX}"):
            with contextlib.suppress(OSError):
                if partial.stat().st_mtime < cutoff:
                    partial.unlink()


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise BackupError(
            f"The folder {folder} does not exist; plug in the USB drive or choose another folder."
        )
    if not folder.is_dir():
        raise BackupError(f"{folder} is a file, not a folder; choose a folder for the backup.")


def _drop_cache(f: BinaryIO) -> None:
    """Ask the OS to forget the file's cached pages, so reading back reads the drive."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        with contextlib.suppress(OSError):
            advise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


@dataclass(frozen=True)
class _Made:
    path: Path
    info: BackupInfo
    contents: _Contents


def _write_file(
    final: Path,
    image: Path,
    plan: _Plan,
    file_key: bytes,
    make_head: Callable[[bytes], bytes],
    progress: _Progress,
) -> bytes:
    """Write ``<final>.partial`` whole, fsync it, rename it to ``final``, fsync the folder.

    The chunks go first, encrypted and hashed in one pass; the header (which holds the
    image's SHA-256 and the passphrase's key slot) is written last over its reserved space,
    so Argon2id has the whole copy-and-encrypt to finish in. Returns the header as written.
    """
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    aes = AESGCM(_chunk_key(file_key))
    digest = hashlib.sha256()
    count = plan.chunk_count

    def blocks(source: BinaryIO) -> Iterator[tuple[int, bytes]]:
        for index in range(count):
            yield index, source.read(plan.chunk_size)

    def seal(index: int, block: bytes) -> bytes:
        return aes.encrypt(_nonce(plan.nonce_prefix, index, index == count - 1), block, None)

    try:
        out = _open_output(partial)
        try:
            out.write(bytes(plan.head_size))
            with image.open("rb") as source:
                for index, block, sealed in _pipelined(seal, blocks(source), plan.chunk_size):
                    digest.update(block)
                    out.write(sealed)
                    progress((index + 1) / count)
            head = make_head(digest.digest())
            if len(head) != plan.head_size:
                raise AssertionError("the header changed size while the backup was written")
            out.seek(0)
            out.write(head)
            out.flush()
            os.fsync(out.fileno())
        finally:
            out.close()
        os.replace(partial, final)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    try:
        fsync_directory(final.parent)
    except OSError as exc:
        # Some file systems cannot sync a folder (the rename is still done); any other error
        # means the rename may not last, so the backup is not kept.
        if exc.errno not in (errno.EINVAL, errno.EOPNOTSUPP):
            with contextlib.suppress(OSError):
                final.unlink()
            raise
    return head


def _read_back(
    path: Path,
    head: bytes,
    file_key: bytes,
    keks: Mapping[str, bytes],
    progress: _Progress,
) -> _Layout:
    """Read the finished file from the drive and check every byte of it."""
    with path.open("rb") as f:
        _drop_cache(f)
        layout = _read_layout(f, path)
        if layout.authenticated + layout.tag != head:
            raise _damaged("its header did not read back as written")
        for kind, kek in keks.items():
            slot = layout.header.slot(kind)
            if slot is None or _open_slot(kek, slot) != file_key:
                raise _damaged("its key did not read back as written")
        _check_header_tag(layout, file_key)
        _decrypt_chunks(f, layout, file_key, None, progress)
    return layout


@dataclass(frozen=True)
class _Plan:
    """The shape of a backup file being written, fixed before its first byte."""

    chunk_size: int
    chunk_count: int
    nonce_prefix: bytes
    head_size: int


def _make_backup(
    db_path: Path,
    folder: Path,
    kind: str,
    recipients: _Recipients,
    *,
    suffix: str = "",
    chunk_size: int = CHUNK_SIZE,
    progress: _Progress,
) -> _Made:
    """Snapshot ``db_path``, write the encrypted file into ``folder``, read it back."""
    _check_folder(folder)
    _remove_stale_partials(folder)
    salt = secrets.token_bytes(16)
    kdf_job = None
    if recipients.passphrase is not None:
        # Argon2id takes most of a second; it runs while the database is copied and sealed.
        kdf_job = _Background(
            functools.partial(_passphrase_kek, recipients.passphrase, salt, recipients.kdf)
        )
    final: Path | None = None
    try:
        with _WorkFolder(_work_parent(db_path.parent)) as work:
            image = work.path / "snapshot.sqlite3"
            try:
                contents = _take_snapshot(db_path, image, progress.part(0.0, 0.45))
                image_size = image.stat().st_size
            except OSError as exc:
                raise BackupError(_os_sentence(exc, work.path, "copy the database into")) from exc
            progress(0.45)
            now = clock.now_utc()
            backup_id = uuid.uuid4().hex
            file_key = secrets.token_bytes(32)
            keks: dict[str, bytes] = {}
            slots: list[_Slot] = []
            recovery = recipients.recovery
            if recovery is not None:
                ephemeral_private = X25519PrivateKey.generate()
                ephemeral = _raw_public(ephemeral_private.public_key())
                shared = ephemeral_private.exchange(
                    X25519PublicKey.from_public_bytes(recovery.public_key)
                )
                kek = _recovery_kek(shared, ephemeral, recovery.public_key)
                nonce, wrapped = _seal_slot(kek, file_key, "recovery")
                slots.append(
                    _Slot("recovery", nonce, wrapped, key_id=recovery.key_id, ephemeral=ephemeral)
                )
            if recipients.local is not None:
                local_salt = secrets.token_bytes(16)
                keks["local"] = _local_kek(recipients.local, local_salt)
                nonce, wrapped = _seal_slot(keks["local"], file_key, "local")
                slots.append(
                    _Slot("local", nonce, wrapped, key_id=recipients.local.key_id, salt=local_salt)
                )
            nonce_prefix = secrets.token_bytes(_NONCE_PREFIX)

            def head(image_sha: bytes, passphrase_slot: _Slot | None) -> bytes:
                header = _Header(
                    app_version=__version__,
                    created_at=now,
                    backup_id=backup_id,
                    kind=kind,
                    house_name=contents.house_name,
                    house_id=contents.house_id,
                    schema_revision=contents.schema_revision,
                    row_counts=contents.row_counts,
                    active_residents=contents.active_residents,
                    image_size=image_size,
                    image_sha256=image_sha,
                    chunk_size=chunk_size,
                    nonce_prefix=nonce_prefix,
                    slots=tuple(s for s in (passphrase_slot, *slots) if s is not None),
                )
                header_bytes = header.to_bytes()
                covered = _prelude() + _LENGTH.pack(len(header_bytes)) + header_bytes
                covered += hashlib.sha256(covered).digest()
                return covered + _header_tag(file_key, covered)

            def passphrase_slot(kek: bytes | None) -> _Slot | None:
                if kek is None:
                    return None
                nonce, wrapped = _seal_slot(kek, file_key, "passphrase")
                return _Slot("passphrase", nonce, wrapped, kdf=recipients.kdf, salt=salt)

            def final_head(image_sha: bytes) -> bytes:
                if kdf_job is not None:
                    keks["passphrase"] = kdf_job.result()
                return head(image_sha, passphrase_slot(keks.get("passphrase")))

            # Every field has a fixed width, so a stand-in header has the final one's size.
            stand_in = head(bytes(_SHA), passphrase_slot(bytes(32) if kdf_job else None))
            plan = _Plan(
                chunk_size=chunk_size,
                chunk_count=max(1, -(-image_size // chunk_size)),
                nonce_prefix=nonce_prefix,
                head_size=len(stand_in),
            )
            name = backup_file_name(contents.house_name, clock.to_local(now), suffix)
            final = _free_path(folder, name)
            try:
                written_head = _write_file(
                    final, image, plan, file_key, final_head, progress.part(0.5, 0.8)
                )
            except OSError as exc:
                final = None
                raise BackupError(_os_sentence(exc, folder / name, "write the backup")) from exc
            written = final
            try:
                layout = _read_back(written, written_head, file_key, keks, progress.part(0.8, 1.0))
            except (DamagedBackup, OSError) as exc:
                raise BackupError(
                    f"The backup written to {written} did not read back correctly, so it was "
                    "not kept; the drive may be failing, so try another drive."
                ) from exc
            final = None  # kept: verified
            return _Made(written, _info(layout, written), contents)
    except _NotReadable as exc:
        raise BackupError(
            f"The database {db_path.name} could not be read for the backup; run 'peerdesk "
            "check' on it, or ask for help."
        ) from exc
    finally:
        if kdf_job is not None:
            with contextlib.suppress(BaseException):
                kdf_job.result()
        if final is not None:
            with contextlib.suppress(OSError):
                final.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the log


def _log(
    db: Database,
    actor: Actor,
    kind: str,
    location: Path,
    *,
    size: int | None,
    verified: bool,
    message: str,
    audit_action: str,
    audit_summary: str,
    extra: Callable[[Session], None] | None = None,
) -> None:
    with db.begin() as s:
        record = BackupRecord(
            at=clock.now_utc(),
            username=actor.username,
            kind=kind,
            location=str(location),
            size_bytes=size,
            verified=verified,
            message=message,
        )
        s.add(record)
        s.flush()
        audit.record(s, actor, audit_action, "backup_log", record.id, audit_summary)
        if extra is not None:
            extra(s)


def _log_failure(db: Database, actor: Actor, kind: str, folder: Path, message: str) -> None:
    """Record a failed backup (for the Home tab); a log that cannot be written is not news."""
    with contextlib.suppress(SQLAlchemyError, PeerDeskError):
        _log(
            db,
            actor,
            kind,
            folder,
            size=None,
            verified=False,
            message=message,
            audit_action="backup" if kind == "usb" else "automatic backup",
            audit_summary=f"Backup to {folder} failed: {message}",
        )


def _summary_from_counts(
    house_name: str, as_of: dt.datetime | None, counts: Mapping[str, int], active: int
) -> HouseSummary:
    return HouseSummary(
        house_name=house_name,
        as_of=as_of,
        residents=counts.get("residents", 0),
        active_residents=active,
        mentors=counts.get("mentors", 0),
        peer_sessions=counts.get("peer_sessions", 0),
        attendance=counts.get("session_attendees", 0),
        assessments=counts.get("assessments", 0),
        supervision_notes=counts.get("supervision_notes", 0),
        audit_lines=counts.get("audit_events", 0),
    )


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(size // 1000, 1)} kB"


# --------------------------------------------------------------------------- backup


def back_up(
    db: Database,
    actor: Actor,
    folder: Path | str,
    passphrase: Passphrase,
    *,
    kdf: KdfSettings = DEFAULT_KDF,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> BackupResult:
    """Back the house up into ``folder`` (a USB drive), read the file back, and keep the
    newest ``backups_to_keep`` backups of this house there.

    The file opens with ``passphrase`` and, once the house has one, the recovery key.
    """
    db.require(actor, Action.BACKUP)
    folder = Path(folder)
    check_new_passphrase(passphrase.text)
    with db.read() as s:
        keep = get_settings(s).backups_to_keep
        recovery = recovery_key_info(s)
        previous = _last_verified_in(s, folder)
    tracker = _Progress(progress, cancelled, "The backup was stopped; nothing was written.")
    try:
        made = _make_backup(
            db.path,
            folder,
            "usb",
            _Recipients(passphrase=passphrase, kdf=kdf, recovery=recovery),
            chunk_size=chunk_size,
            progress=tracker,
        )
    except BackupCancelled:
        raise
    except BackupError as exc:
        _log_failure(db, actor, "usb", folder, str(exc))
        raise
    removed, not_removed = _keep_newest(folder, made, keep, protect={made.path, *previous})
    info = made.info
    _log(
        db,
        actor,
        "usb",
        made.path,
        size=info.file_size,
        verified=True,
        message=f"Verified. {info.summary.describe()}.",
        audit_action="backup",
        audit_summary=f"Backup written to {made.path} and verified ({_size_text(info.file_size)})",
    )
    return BackupResult(made.path, info, True, removed, not_removed)


def _last_verified_in(s: Session, folder: Path) -> set[Path]:
    rows = s.execute(
        select(BackupRecord.location)
        .where(BackupRecord.verified.is_(True), BackupRecord.kind == "usb")
        .order_by(BackupRecord.at.desc(), BackupRecord.id.desc())
    ).scalars()
    for location in rows:
        path = Path(location)
        if path.parent == folder:
            return {path}
    return set()


def _same_house(folder: Path, made: _Made, kind: str) -> list[BackupInfo]:
    # The whole name, so "Hope House" never claims the backups of "Hope House Annex".
    pattern = re.compile(
        rf"PeerDesk-{re.escape(_safe_house(made.info.house_name))}-\d{{8}}-\d{{4}}(-\d+)?"
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


# --------------------------------------------------------------------------- verify


@dataclass(frozen=True)
class _Checked:
    contents: _Contents
    older: bool


@contextlib.contextmanager
def _unpacked(
    path: Path, unlock: Unlock, work_parent: Path, progress: _Progress
) -> Iterator[tuple[BackupInfo, _Header, Path]]:
    """Open and authenticate ``path`` completely, decrypting it into a private work folder,
    and yield ``(info, header, image)``; the folder is removed afterwards.

    The secret and the header are proven before the folder is made, and AES-GCM proves each
    chunk genuine before its plaintext is written; when a later chunk, the length or the
    image's fingerprint turns out wrong, the folder and what was written in it are removed
    before the error is raised, so a damaged or tampered file leaves nothing behind. (A
    PeerDesk killed meanwhile leaves a locked work folder that the next one sweeps away.)
    """
    with contextlib.ExitStack() as stack:
        with _open_backup_file(path) as f:
            try:
                layout = _read_layout(f, path)
                progress.check()
                file_key = _unlock(layout, unlock)
                _check_header_tag(layout, file_key)
                work = stack.enter_context(_WorkFolder(work_parent))
                image = work.path / "image.sqlite3"
                with _ImageWriter(image) as out:
                    _decrypt_chunks(f, layout, file_key, out.write, progress.part(0.05, 1.0))
            except OSError as exc:
                raise BackupError(_os_sentence(exc, path, "read")) from exc
        yield _info(layout, path), layout.header, image


class _ImageWriter:
    """The decrypted image being written on this PC; its errors name this PC's drive."""

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            self._file = path.open("wb", buffering=1 << 20)
        except OSError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: OSError) -> BackupError:
        return BackupError(_os_sentence(exc, self._path.parent, "unpack the backup in"))

    def write(self, data: bytes) -> None:
        try:
            self._file.write(data)
        except OSError as exc:
            raise self._error(exc) from exc

    def __enter__(self) -> _ImageWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            if exc_type is None:
                self._file.flush()
                os.fsync(self._file.fileno())
        except OSError as exc:
            raise self._error(exc) from exc
        finally:
            self._file.close()


def _stop_when_cancelled(c: sqlite3.Connection, progress: _Progress) -> None:
    def handler() -> int:
        try:
            progress.check()
        except BackupCancelled:
            return 1
        return 0

    c.set_progress_handler(handler, 50_000)


def _check_image(image: Path, header: _Header, progress: _Progress) -> _Checked:
    """SQLite's own checks, the schema revision and the row counts of a decrypted image."""
    inside = "The records inside this backup"
    try:
        c = sqlite3.connect(image, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise BackupError(f"{inside} cannot be read ({exc}); use another backup.") from exc
    try:
        _stop_when_cancelled(c, progress)
        try:
            problems = [row[0] for row in c.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                raise BackupError(
                    f"{inside} are damaged (the integrity check found {len(problems)} "
                    "problem(s)); use another backup."
                )
            progress(0.75)
            broken = c.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise BackupError(
                    f"{inside} do not fit together ({len(broken)} record(s) point at records "
                    "that are missing); use another backup."
                )
            progress(0.9)
            contents = _read_contents(c)
        except sqlite3.OperationalError as exc:
            progress.check()  # an interrupted check means Cancel was pressed
            raise BackupError(f"{inside} cannot be read ({exc}); use another backup.") from exc
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{inside} cannot be read ({exc}); use another backup.") from exc
    finally:
        c.close()
    revision = contents.schema_revision
    if revision != header.schema_revision or contents.row_counts != header.row_counts:
        raise _damaged("its records do not match what its header lists")
    if revision == db_module.HEAD_REVISION:
        older = False
    elif revision in db_module.known_revisions():
        older = True
    else:
        raise NewerBackup(
            "This backup was made by a newer PeerDesk (its records are at version "
            f"{revision}); install the newest PeerDesk to restore it."
        )
    progress(1.0)
    return _Checked(contents, older)


def _upgrade(path: Path) -> None:
    """Bring a decrypted image of an older PeerDesk up to this version's schema."""
    try:
        Database.open(path).close()
    except PeerDeskError as exc:
        raise BackupError(
            "This backup is from an older PeerDesk and could not be brought up to date; keep "
            "the file and ask for help."
        ) from exc


def verify_backup(
    path: Path | str,
    unlock: Unlock,
    *,
    work_dir: Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> VerifiedBackup:
    """Check a backup through and through: the secret opens it, its header is genuine, every
    chunk and the image's SHA-256 are right, SQLite's integrity and foreign-key checks pass,
    its schema is this PeerDesk's or older (an older one is upgraded in a copy to prove it
    can be), and each table has the rows the header lists.

    The decrypted image lives in a private folder under ``work_dir`` (the system's temporary
    folder by default) only while it is checked.
    """
    path = Path(path)
    tracker = _Progress(progress, cancelled, "The check was stopped; the backup was not changed.")
    with _unpacked(path, unlock, _work_parent(work_dir), tracker.part(0.0, 0.5)) as unpacked:
        info, header, image = unpacked
        checked = _check_image(image, header, tracker.part(0.5, 0.95))
        if checked.older:
            _upgrade(image)
        tracker(1.0)
    return VerifiedBackup(info, info.summary, header.schema_revision if checked.older else None)


# --------------------------------------------------------------------------- restore


def _read_without_changing(target: Path) -> _Contents:
    """What the database at ``target`` holds, in one read transaction that writes nothing."""
    c = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    try:
        c.execute("PRAGMA query_only = 1")
        c.execute("BEGIN")
        return _read_contents(c)
    finally:
        c.close()


def _current_summary(target: Path) -> tuple[HouseSummary | None, str]:
    """What the PC's database holds now, read without changing it."""
    if not target.exists() or target.stat().st_size == 0:
        return None, ""
    try:
        contents = _read_without_changing(target)
    except sqlite3.Error:
        return None, f"The file {target.name} on this PC cannot be read as a PeerDesk database."
    return (
        _summary_from_counts(
            contents.house_name, None, contents.row_counts, contents.active_residents
        ),
        "",
    )


def preview_restore(
    path: Path | str,
    unlock: Unlock,
    paths: Paths,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> RestorePreview:
    """Verify a backup through and through and say what restoring it would replace, changing
    nothing: what a restore shows before it asks (the window shows it, then restores)."""
    work = paths.db.parent if paths.db.parent.is_dir() else None
    verified = verify_backup(path, unlock, work_dir=work, progress=progress, cancelled=cancelled)
    current, problem = _current_summary(paths.db)
    return RestorePreview(verified, current, problem)


def _raw_copy_aside(target: Path, folder: Path) -> Path:
    """Keep an unreadable database exactly as it is (it cannot go into a backup file)."""
    stamp = clock.to_local(clock.now_utc()).strftime("%Y%m%d-%H%M%S")
    copy = folder / f"{target.stem}-unreadable-before-restore-{stamp}{target.suffix}"
    try:
        for suffix in ("", "-wal"):
            source = Path(str(target) + suffix)
            if source.exists():
                dest = Path(str(copy) + suffix)
                shutil.copyfile(source, dest)
                fsync_file(dest)
        fsync_directory(folder)
    except OSError as exc:
        raise BackupError(
            _os_sentence(exc, folder, "keep a copy of the current database in")
        ) from exc
    return copy


@dataclass(frozen=True)
class _Safety:
    """The safety backup of the database about to be replaced, and what it holds (None for
    an unreadable database kept as a plain copy)."""

    path: Path
    contents: _Contents | None

    def discard(self) -> None:
        """Remove it: the restore it was made for did not happen."""
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink(missing_ok=True)

    def still_current(self, target: Path) -> bool:
        """Whether the database it was made from has not changed since (every change a
        PeerDesk makes adds or removes rows or writes an audit line)."""
        if self.contents is None:
            return True
        try:
            now = _read_without_changing(target)
        except sqlite3.Error:
            return False
        return (now.row_counts, now.audit_mark) == (
            self.contents.row_counts,
            self.contents.audit_mark,
        )


def _safety_backup(target: Path, paths: Paths, progress: _Progress) -> _Safety:
    """Back up the database about to be replaced into the local backup folder."""
    folder = paths.local_backup_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(_os_sentence(exc, folder, "make the backup folder")) from exc
    local = LocalKey.load_or_create(local_key_path(paths))
    recovery = None
    with contextlib.suppress(sqlite3.Error):
        c = sqlite3.connect(target, isolation_level=None)
        try:
            row = c.execute(
                "SELECT value FROM preferences WHERE key = ?", (_PREF_RECOVERY,)
            ).fetchone()
            recovery = _recovery_from_json(row[0]) if row else None
        finally:
            c.close()
    try:
        made = _make_backup(
            target,
            folder,
            "safety",
            _Recipients(recovery=recovery, local=local),
            suffix="-before-restore",
            progress=progress,
        )
    except BackupError as exc:
        if isinstance(exc.__cause__, _NotReadable):
            return _Safety(_raw_copy_aside(target, folder), None)
        raise
    return _Safety(made.path, made.contents)


def _prepare_restored(
    image: Path,
    actor: Actor,
    info: BackupInfo,
    safety: Path | None,
) -> None:
    """Upgrade the restored image if it is older, log the restore in it, and fold its WAL
    into the one file, so the swap moves a finished database."""
    try:
        restored = Database.open(image)
    except PeerDeskError as exc:
        raise BackupError(
            "This backup is from an older PeerDesk and could not be brought up to date; keep "
            "the file and ask for help."
        ) from exc
    made = clock.to_local(info.created_at).strftime("%d %b %Y %H:%M")
    try:
        with restored.begin() as s:
            if safety is not None:
                s.add(
                    BackupRecord(
                        at=clock.now_utc(),
                        username=actor.username,
                        kind="safety",
                        location=str(safety),
                        size_bytes=safety.stat().st_size,
                        verified=safety.suffix == EXTENSION,
                        message="The database that was on this PC, kept before a restore.",
                    )
                )
            record = BackupRecord(
                at=clock.now_utc(),
                username=actor.username,
                kind="restore",
                location=str(info.path),
                size_bytes=info.file_size,
                verified=True,
                message=f"Restored the backup made on {made}.",
            )
            s.add(record)
            s.flush()
            audit.record(
                s,
                actor,
                "restore",
                "backup_log",
                record.id,
                f"Restored the backup {info.path.name} made on {made}",
            )
    except (SQLAlchemyError, OSError) as exc:
        raise BackupError(
            f"The restored records could not be prepared ({exc}); nothing was changed."
        ) from exc
    finally:
        restored.close()
    c = sqlite3.connect(image, isolation_level=None)
    try:
        c.execute("PRAGMA journal_mode = DELETE")
    finally:
        c.close()
    fsync_file(image)


def _swap_in(image: Path, target: Path) -> None:
    """Put ``image`` in place of ``target`` so that no old WAL can ever be replayed over it.

    Switching the old database out of WAL mode checkpoints every committed transaction into
    the main file and deletes its ``-wal`` and ``-shm``; SQLite refuses the switch while any
    other connection is open, which is how a window still using the file is detected. Only
    then is the restored file renamed over it.
    """
    if target.exists() and target.stat().st_size > 0:
        try:
            c = sqlite3.connect(target, isolation_level=None, timeout=_SWAP_BUSY_SECONDS)
        except sqlite3.Error:
            c = None
        if c is not None:
            try:
                c.execute("PRAGMA journal_mode = DELETE").fetchone()
            except sqlite3.Error as exc:
                if _is_busy(exc):
                    raise DatabaseInUse(
                        f"{target.name} is still open in PeerDesk or another program; close it "
                        "and restore again (nothing was changed)."
                    ) from exc
                # Not a database SQLite can read: nothing in it to fold in.
            finally:
                c.close()
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(image, target)
        fsync_directory(target.parent)
    except OSError as exc:
        raise BackupError(_os_sentence(exc, target, "replace")) from exc


def restore_backup(
    path: Path | str,
    unlock: Unlock,
    paths: Paths,
    *,
    actor: Actor,
    confirm: Callable[[RestorePreview], bool] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> RestoreResult:
    """Replace the database at ``paths.db`` with the one in a backup.

    Verifies the backup fully first; calls ``confirm`` with what is in it beside what is on
    the PC (not called when the PC has no database yet; ``None`` means already confirmed);
    keeps a safety backup of the current database in ``paths.local_backup_dir``; then swaps
    the file in atomically. Close every :class:`Database` on ``paths.db`` before calling.
    Until the swap, a failure or a Cancel leaves the current database exactly as it was, and
    no safety backup behind (it is made while the backup is checked, so it is removed again).
    """
    actor.require(Action.RESTORE)
    path = Path(path)
    target = paths.db
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the name of the database file.")
    if not target.parent.is_dir():
        raise BackupError(
            f"The folder {target.parent} does not exist; create it first, or choose another "
            "place for the database."
        )
    stopped = "The restore was stopped; the records on this PC are as they were."
    tracker = _Progress(progress, cancelled, stopped)
    with _unpacked(path, unlock, target.parent, tracker.part(0.0, 0.4)) as unpacked:
        info, header, image = unpacked
        has_current = target.exists() and target.stat().st_size > 0
        # The safety backup reads only the current database, so it is made on a second thread
        # while SQLite checks the image (the longest step); it is removed again if the check
        # fails, the restore is declined or stopped, and made anew if the database changed
        # while the question was open.
        abandon = threading.Event()
        early: _Background[_Safety] | None = None
        if has_current:

            def give_up() -> bool:
                return abandon.is_set() or (cancelled is not None and cancelled())

            quiet = _Progress(None, give_up, stopped)
            early = _Background(
                functools.partial(_safety_backup, target, paths, quiet), "peerdesk-safety"
            )
        try:
            checked = _check_image(image, header, tracker.part(0.4, 0.9))
            current, problem = _current_summary(target)
            verified = VerifiedBackup(
                info, info.summary, header.schema_revision if checked.older else None
            )
            if (
                confirm is not None
                and has_current
                and not confirm(RestorePreview(verified, current, problem))
            ):
                raise RestoreDeclined(
                    "Nothing was restored; the records on this PC are as they were."
                )
            tracker.check()
            safety = early.result() if early is not None else None
        except BaseException:
            if early is not None:
                abandon.set()
                with contextlib.suppress(BaseException):
                    early.result().discard()
            raise
        if safety is not None and not safety.still_current(target):
            safety.discard()
            safety = _safety_backup(target, paths, tracker.part(0.9, 0.95))
        tracker(0.95)
        safety_copy = safety.path if safety is not None else None
        try:
            _prepare_restored(image, actor, info, safety_copy)
            tracker.check()
            _swap_in(image, target)
        except BaseException:
            # While the image is still in the work folder the swap did not happen and the
            # safety backup is not needed; once it is gone it is kept whatever went wrong.
            if safety is not None and image.exists():
                safety.discard()
            raise
    # The swap is done: from here a Cancel pressed meanwhile must not claim nothing changed.
    if progress is not None:
        progress(1.0)
    try:
        Database.open(target).close()  # reopen: sets WAL again, proves it opens
    except PeerDeskError as exc:
        kept = f"; the records that were here are kept in {safety_copy}" if safety_copy else ""
        raise BackupError(
            f"The backup was put in place but PeerDesk cannot open it now{kept}; ask for help."
        ) from exc
    restored, _ = _current_summary(target)
    return RestoreResult(
        db_path=target,
        restored=restored or info.summary,
        backup=info,
        safety_copy=safety_copy,
        replaced=current,
    )


# --------------------------------------------------------------------------- automatic


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


def _audit_mark(s: Session) -> int:
    return int(
        s.execute(
            select(func.coalesce(func.max(AuditEvent.id), 0)).where(
                AuditEvent.action.not_in(_BACKUP_ACTIONS)
            )
        ).scalar_one()
    )


def automatic_backup_due(
    db: Database, *, on_exit: bool = False, now: dt.datetime | None = None
) -> bool:
    """True when something changed since the last automatic backup and, unless the window is
    closing, the last one is at least 30 minutes old."""
    with db.read() as s:
        mark = _audit_mark(s)
        stored = s.get(Preference, _PREF_AUTOMATIC_MARK)
        last_mark = int(stored.value) if stored is not None and stored.value.isdigit() else 0
        if mark == 0 or mark <= last_mark:
            return False
        if on_exit:
            return True
        last = s.execute(
            select(func.max(BackupRecord.at)).where(
                BackupRecord.kind == "automatic", BackupRecord.verified.is_(True)
            )
        ).scalar_one_or_none()
    moment = now or clock.now_utc()
    return last is None or moment - last >= AUTOMATIC_INTERVAL


def back_up_automatically(
    db: Database,
    actor: Actor,
    paths: Paths,
    *,
    on_exit: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> BackupResult | None:
    """The window calls this on exit and every 30 minutes: back up into the local backup
    folder when something changed (None when nothing did), then thin that folder by age.

    Automatic backups are sealed with this PC's automatic-backup key and, once the house has
    one, its recovery key.
    """
    if not automatic_backup_due(db, on_exit=on_exit):
        return None
    folder = paths.local_backup_dir
    with db.read() as s:
        recovery = recovery_key_info(s)
    tracker = _Progress(progress, cancelled, "The automatic backup was stopped.")
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(_os_sentence(exc, folder, "make the backup folder")) from exc
        local = LocalKey.load_or_create(local_key_path(paths))
        made = _make_backup(
            db.path,
            folder,
            "automatic",
            _Recipients(recovery=recovery, local=local),
            chunk_size=chunk_size,
            progress=tracker,
        )
    except BackupCancelled:
        raise
    except BackupError as exc:
        _log_failure(db, actor, "automatic", folder, str(exc))
        raise
    ours = _same_house(folder, made, "automatic")
    keep = backups_to_keep_by_age(clock.to_local(i.created_at) for i in ours)
    removed, not_removed = _delete(
        i.path
        for i in ours
        if clock.to_local(i.created_at) not in keep
        and i.path != made.path
        and i.created_at <= made.info.created_at
    )
    mark = made.contents.audit_mark

    def remember(s: Session) -> None:
        s.merge(Preference(key=_PREF_AUTOMATIC_MARK, value=str(mark)))

    info = made.info
    _log(
        db,
        actor,
        "automatic",
        made.path,
        size=info.file_size,
        verified=True,
        message="Verified.",
        audit_action="automatic backup",
        audit_summary=f"Automatic backup written to {made.path} and verified",
        extra=remember,
    )
    return BackupResult(made.path, info, True, removed, not_removed)


# --------------------------------------------------------------------------- recovery key


def _recovery_from_json(text: str) -> RecoveryKeyInfo | None:
    try:
        data = json.loads(text)
        public = base64.b64decode(data["public_key"], validate=True)
        if len(public) != 32:
            return None
        return RecoveryKeyInfo(
            key_id=_key_id(public),
            public_key=public,
            made_at=dt.datetime.fromisoformat(data["made_at"]),
            made_by=str(data["made_by"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def recovery_key_info(s: Session) -> RecoveryKeyInfo | None:
    """The house's recovery key (its public half and when it was made), if it has one."""
    row = s.get(Preference, _PREF_RECOVERY)
    return None if row is None else _recovery_from_json(row.value)


def new_recovery_sheet(db: Database, actor: Actor) -> RecoverySheet:
    """A new recovery key, not yet in use: print or save its sheet, then
    :func:`adopt_recovery_key` so backups from then on open with it."""
    actor.require(Action.MANAGE_SETTINGS)
    with db.read() as s:
        house = get_settings(s)
    return RecoverySheet(
        house.house_name, RecoveryKey.generate(), clock.now_utc(), actor.username, house.paper_size
    )


def adopt_recovery_key(db: Database, actor: Actor, sheet: RecoverySheet) -> RecoveryKeyInfo:
    """Make ``sheet``'s key the house's recovery key: every backup made from now on also
    opens with it. Backups made before keep opening with the key they were made with."""
    actor.require(Action.MANAGE_SETTINGS)
    public = sheet.key.public_bytes()
    value = json.dumps(
        {
            "public_key": _b64(public),
            "made_at": sheet.made_at.isoformat(),
            "made_by": sheet.made_by,
        }
    )
    with db.begin() as s:
        previous = recovery_key_info(s)
        s.merge(Preference(key=_PREF_RECOVERY, value=value))
        audit.record(
            s,
            actor,
            "change",
            "preferences",
            None,
            f"New recovery key {sheet.key_id} for backups"
            + (f" (replaces {previous.key_id})" if previous else ""),
        )
    info = _recovery_from_json(value)
    assert info is not None
    return info


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
    "usb_backup_warning",
    "verify_backup",
]
