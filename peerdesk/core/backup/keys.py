"""The secrets that open a backup, and how each becomes a key.

A passphrase typed for the backup (stretched with Argon2id), the house's printed recovery
key (8 groups of 4 characters, each group with its check symbol; an X25519 key pair is
derived from it), and the random key this PC keeps for its automatic backups.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from peerdesk.core.backup.errors import WrongSecret, _os_sentence
from peerdesk.core.errors import BackupError
from peerdesk.core.files import PARTIAL_SUFFIX, fsync_directory
from peerdesk.paths import Paths

MIN_PASSPHRASE_LENGTH: Final = 12

_LOCAL_KEY_FILE = "automatic-backup.key"
_LOCAL_KEY_HEADER = "PeerDesk automatic-backup key v1"

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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


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
