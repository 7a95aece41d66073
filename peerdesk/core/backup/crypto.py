"""The encryption of a backup file: the file key sealed in a slot for each secret and opened
again, the header's tag, and the chunks sealed and opened in order (AES-256-GCM)."""

from __future__ import annotations

import hashlib
import secrets
import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from peerdesk.core.backup.errors import WrongSecret, _damaged
from peerdesk.core.backup.format import _TAG, _Layout, _Slot
from peerdesk.core.backup.jobs import _Progress
from peerdesk.core.backup.keys import (
    _RECOVERY_HELP,
    DEFAULT_KDF,
    KdfSettings,
    LocalKey,
    Passphrase,
    RecoveryKey,
    Unlock,
    _hkdf,
    _passphrase_kek,
    _raw_public,
)
from peerdesk.core.backup.recovery import RecoveryKeyInfo


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
            raise WrongSecret(f"This backup has no passphrase; it opens {where}.")
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
