"""The backup file's layout (see the package's docstring): the prelude, the header and its key
slots, and reading a file's structure and header with every check that needs no secret."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import struct
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final

from peerdesk.core import clock
from peerdesk.core.audit_check import HeldLine
from peerdesk.core.backup.errors import (
    DamagedBackup,
    NewerBackup,
    NotABackup,
    _damaged,
    _os_sentence,
)
from peerdesk.core.backup.keys import KdfSettings, _b64, _kdf_acceptable
from peerdesk.core.backup.summary import HouseSummary, _summary_from_counts
from peerdesk.core.db import SQLITE_MAGIC
from peerdesk.core.errors import BackupError
from peerdesk.core.files import PARTIAL_SUFFIX

MAGIC: Final = b"\x89PDBK\r\n\x1a"
FORMAT_MAJOR: Final = 1
FORMAT_MINOR: Final = 0
CHUNK_SIZE: Final = 1 << 20
EXTENSION: Final = ".pdbk"

_PRELUDE = struct.Struct(">8sHHI")  # magic, major, minor, CRC-32 of the first 12 bytes
_LENGTH = struct.Struct(">I")
_TAG = 16
_SHA = 32
_MAX_HEADER = 1 << 20
_MIN_CHUNK = 1 << 10
_MAX_CHUNK = 1 << 26
_NONCE_PREFIX = 7

_KINDS = ("usb", "automatic", "safety")


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
    audit_head: tuple[int, str] | None = None  # the trail's last line in it, and its hash
    audit_trail: str = ""  # which trail (the house's database it was made from)
    image_checked: str = ""  # "integrity": SQLite's whole check passed before it was sealed

    @property
    def summary(self) -> HouseSummary:
        return _summary_from_counts(
            self.house_name,
            self.created_at,
            self.row_counts,
            self.active_residents,
            self.house_id,
        )


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
    # The audit trail's head in the image ("<line>:<hash>"; "" in backups from before): a
    # second anchor of the trail, kept off the PC on the USB drive.
    audit_head: str = ""
    audit_trail: str = ""  # which trail that head is of
    # "integrity" when the snapshot passed SQLite's whole check before it was sealed ("" in
    # backups from before): a verify or restore then runs the quick checks (image_checks).
    image_checked: str = ""

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
        if self.audit_head:
            data["audit_head"] = self.audit_head
        if self.audit_trail:
            data["audit_trail"] = self.audit_trail
        if self.image_checked:
            data["image_checked"] = self.image_checked
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
        audit_head = data.get("audit_head", "")
        if not isinstance(audit_head, str) or (
            audit_head and not re.fullmatch(r"\d{1,12}:[0-9a-f]{64}", audit_head)
        ):
            raise _Unreadable("audit_head")
        audit_trail = data.get("audit_trail", "")
        if not isinstance(audit_trail, str) or (
            audit_trail and not re.fullmatch(r"[0-9a-f]{16}", audit_trail)
        ):
            raise _Unreadable("audit_trail")
        image_checked = data.get("image_checked", "")
        if image_checked not in ("", "integrity"):
            raise _Unreadable("image_checked")
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
            audit_head=audit_head,
            audit_trail=audit_trail,
            image_checked=image_checked,
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
        audit_head=_split_head(h.audit_head),
        audit_trail=h.audit_trail,
        image_checked=h.image_checked,
    )


def _split_head(text: str) -> tuple[int, str] | None:
    line, _, digest = text.partition(":")
    return (int(line), digest) if line.isdigit() and digest else None


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


def trail_held_by_backups(folder: Path, trail: str) -> list[HeldLine]:
    """The audit trail's last line as each backup in ``folder`` of the same trail (this very
    database: not another copy of the house, nor the trail before a restore) holds it. Read
    from their headers, without a secret."""
    held = []
    for info in list_backups(folder):
        if not trail or info.audit_trail != trail or info.audit_head is None:
            continue
        made = clock.to_local(info.created_at)
        line, digest = info.audit_head
        held.append(
            HeldLine(line, digest, f"which the backup made on {made.day} {made:%b %Y %H:%M} holds")
        )
    return held
