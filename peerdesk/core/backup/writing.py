"""Writing a backup file: a consistent snapshot of the database, sealed chunk by chunk into
``<name>.pdbk.partial``, fsynced, renamed, and read back from the drive before it is kept."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import hashlib
import os
import re
import secrets
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from peerdesk import __version__
from peerdesk.core import clock
from peerdesk.core.backup.crypto import (
    _check_header_tag,
    _chunk_key,
    _decrypt_chunks,
    _header_tag,
    _local_kek,
    _nonce,
    _open_slot,
    _pipelined,
    _Recipients,
    _recovery_kek,
    _seal_slot,
)
from peerdesk.core.backup.errors import (
    DamagedBackup,
    DatabaseInUse,
    _damaged,
    _is_busy,
    _is_full,
    _NotReadable,
    _os_sentence,
    _pc_drive_full,
)
from peerdesk.core.backup.format import (
    _LENGTH,
    _NONCE_PREFIX,
    _SHA,
    CHUNK_SIZE,
    EXTENSION,
    BackupInfo,
    _Header,
    _info,
    _Layout,
    _prelude,
    _read_layout,
    _Slot,
)
from peerdesk.core.backup.image_checks import WHOLE, check_image
from peerdesk.core.backup.jobs import _Background, _Progress, _work_parent, _WorkFolder
from peerdesk.core.backup.keys import _passphrase_kek, _raw_public
from peerdesk.core.backup.summary import _Contents, _read_contents
from peerdesk.core.errors import BackupError
from peerdesk.core.files import PARTIAL_SUFFIX, fsync_directory
from peerdesk.core.leftovers import sweep_partials, try_lock

_BACKUP_STEP_PAGES = 2048


@dataclass(frozen=True)
class BackupResult:
    """A backup that was written, read back whole and found good."""

    path: Path
    info: BackupInfo
    verified: bool
    removed: tuple[Path, ...] = ()  # older backups thinned out of the folder
    not_removed: tuple[Path, ...] = ()  # ones that should have gone but could not be deleted
    # Said beside a good backup when its line in the backup log could not be written.
    note: str = ""


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
            if _is_full(exc):  # the copy could not be written: the drive, not the database
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(image)) from exc
            raise _NotReadable(db_path) from exc
        finally:
            with contextlib.suppress(sqlite3.Error):
                source.execute("ROLLBACK")
    finally:
        source.close()
    return contents


_T = TypeVar("_T")


class _Waited:
    """Background work that must end before the block does (joined, its errors dropped when
    the block already failed for another reason)."""

    def __init__(self) -> None:
        self._jobs: list[_Background[Any]] = []

    def add(self, job: _Background[_T]) -> _Background[_T]:
        self._jobs.append(job)
        return job

    def __enter__(self) -> _Waited:
        return self

    def __exit__(self, *exc: object) -> None:
        for job in self._jobs:
            with contextlib.suppress(BaseException):
                job.result()


def _check_snapshot(image: Path, progress: _Progress) -> bool:
    """SQLite's whole check of the snapshot, before its header is written: the header records
    it, so a verify or a restore of this backup needs only the quick one."""
    c = sqlite3.connect(image, isolation_level=None, check_same_thread=False)
    try:
        found = check_image(c, whole=True, progress=progress)
    finally:
        c.close()
    if found.found:
        what = (
            f"SQLite's integrity check found {found.damage} problem(s)"
            if found.damage
            else f"{found.dangling} record(s) point at records that are missing"
        )
        raise BackupError(
            f"The records on this PC are damaged ({what}); no backup was made. Keep the "
            "backups you have, and restore the latest one or ask for help."
        )
    return True


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
            # Held while it is written, so another PeerDesk never sweeps it as a leftover.
            with contextlib.suppress(OSError, AttributeError, ValueError):
                try_lock(out)
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
    sweep_partials(folder)  # unfinished files of a backup that was killed
    salt = secrets.token_bytes(16)
    kdf_job = None
    if recipients.passphrase is not None:
        # Argon2id takes most of a second; it runs while the database is copied and sealed.
        kdf_job = _Background(
            functools.partial(_passphrase_kek, recipients.passphrase, salt, recipients.kdf)
        )
    final: Path | None = None
    try:
        # Threads that read the work folder finish before it is removed.
        with _WorkFolder(_work_parent(db_path.parent)) as work, _Waited() as waited:
            image = work.path / "snapshot.sqlite3"
            check_job = None
            try:
                contents = _take_snapshot(db_path, image, progress.part(0.0, 0.45))
                image_size = image.stat().st_size
            except OSError as exc:
                if _is_full(exc):
                    raise _pc_drive_full(
                        db_path.parent, "copy the database while the backup is made"
                    ) from exc
                raise BackupError(_os_sentence(exc, work.path, "copy the database into")) from exc
            if kind != "safety":
                # SQLite's whole check of the snapshot, on a second thread while it is sealed
                # (the header records it, so that verifying and restoring it need only the
                # quick one). A restore's safety copy goes without: made in a hurry, it gets
                # the whole check if it is ever restored.
                check_job = waited.add(
                    _Background(
                        functools.partial(_check_snapshot, image, progress.silent()),
                        name="peerdesk-check",
                    )
                )
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

            checked = WHOLE if check_job is not None else ""

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
                    audit_head=contents.audit_head,
                    audit_trail=contents.audit_trail,
                    image_checked=checked,
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
                if check_job is not None:
                    check_job.result()  # the damaged records' sentence, before the header
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
