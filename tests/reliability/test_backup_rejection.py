"""A damaged backup is always refused with the right sentence, and nothing else changes.

The corpus is built from one good backup (small chunks, so there are many boundaries): every
header field altered (as accidental damage, and on purpose with the checksum recomputed),
the format mark and version, truncation at and around every chunk boundary, chunks swapped
and repeated, bytes added at the end, a thousand and more random bit flips, an empty file,
a plain SQLite file renamed .pdbk, and an unfinished .partial file. Each is handed to
restore (which verifies first): it must raise the expected BackupError, leave no temporary
file anywhere, and leave the live database byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sqlite3
import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from peerdesk.core import backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import BackupError
from peerdesk.paths import Paths
from tests import figures
from tests.reliability.helpers import PASSPHRASE, fingerprint, listing, make_backup

DAMAGED = (backup.DamagedBackup, "This backup file is damaged (")
NOT_A_BACKUP = (backup.NotABackup, "")
WRONG = (backup.WrongSecret, "The passphrase is not right;")


@dataclass(frozen=True)
class Parts:
    """A good backup taken apart: prelude, header JSON, checksum, tag, sealed chunks."""

    prelude: bytes
    header: dict[str, Any]
    header_bytes: bytes
    sha: bytes
    tag: bytes
    chunks: list[bytes]

    @classmethod
    def of(cls, data: bytes) -> Parts:
        (length,) = struct.unpack(">I", data[16:20])
        header_bytes = data[20 : 20 + length]
        header = json.loads(header_bytes)
        sha = data[20 + length : 52 + length]
        tag = data[52 + length : 68 + length]
        body = data[68 + length :]
        size = header["chunk_size"] + 16
        return cls(
            data[:16],
            header,
            header_bytes,
            sha,
            tag,
            [body[i : i + size] for i in range(0, len(body), size)],
        )

    @property
    def data_offset(self) -> int:
        return 68 + len(self.header_bytes)

    def join(
        self,
        header_bytes: bytes | None = None,
        *,
        checksum: bool = False,
        chunks: list[bytes] | None = None,
    ) -> bytes:
        """Put the file back together; ``checksum`` recomputes the header's SHA-256 (as
        someone editing the file on purpose would)."""
        header_bytes = self.header_bytes if header_bytes is None else header_bytes
        head = self.prelude + struct.pack(">I", len(header_bytes)) + header_bytes
        sha = hashlib.sha256(head).digest() if checksum else self.sha
        return head + sha + self.tag + b"".join(self.chunks if chunks is None else chunks)


def encode(header: dict[str, Any]) -> bytes:
    return json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def altered(value: Any) -> Any:
    """The same kind of value, changed the way damage or an edit would change it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        if not value:
            return "x"
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        first = value[0]
        swap = "B" if first != "B" else "C"
        if first.isdigit():
            swap = "7" if first != "7" else "8"
        return (swap if first in alphabet else "x") + value[1:]
    raise AssertionError(f"no rule to alter {value!r}")


def field_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every leaf of the header JSON, as a path of keys and indexes."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield from field_paths(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from field_paths(child, (*path, index))
    else:
        yield path


def with_field(header: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    copy = json.loads(json.dumps(header))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = altered(node[path[-1]])
    return copy


@dataclass(frozen=True)
class Case:
    label: str
    data: bytes
    expected: tuple[type[BackupError], str]
    name: str = "damaged.pdbk"


@dataclass
class Bench:
    """A live PC (database, local backups, config) and the folder the damaged files go in."""

    paths: Paths
    usb: Path
    good: bytes
    live_before: str

    def refuses(self, case: Case) -> None:
        target = self.usb / case.name
        target.write_bytes(case.data)
        before = listing(self.paths.data_dir, self.paths.config_dir, self.usb)
        error_type, start = case.expected
        with pytest.raises(BackupError) as caught:
            backup.restore_backup(target, PASSPHRASE, self.paths, actor=Actor.local_administrator())
        error = caught.value
        message = str(error)
        assert isinstance(error, error_type), f"{case.label}: {type(error).__name__}: {message}"
        assert message.startswith(start), f"{case.label}: {message}"
        assert message.endswith(".") and "\n" not in message, f"{case.label}: {message}"
        assert listing(self.paths.data_dir, self.paths.config_dir, self.usb) == before, case.label
        target.unlink()
        figures.tally("damaged or hostile backup files refused")

    def run(self, cases: list[Case]) -> None:
        for case in cases:
            self.refuses(case)
        assert fingerprint(self.paths.db) == self.live_before


@pytest.fixture
def bench(house: Database, usb: Path, paths: Paths, tmp_path: Path) -> Bench:
    result = make_backup(house, usb)
    good = result.path.read_bytes()
    result.path.unlink()
    house.close()
    return Bench(paths, usb, good, fingerprint(paths.db))


def test_the_good_file_restores_on_the_same_bench(bench: Bench) -> None:
    # The corpus below is only meaningful if the file it is cut from is good.
    path = bench.usb / "good.pdbk"
    path.write_bytes(bench.good)
    checked = backup.verify_backup(path, PASSPHRASE, work_dir=bench.usb)
    assert checked.summary.residents > 0
    assert len(Parts.of(bench.good).chunks) > 40


def test_every_header_field_altered_is_refused(bench: Bench) -> None:
    parts = Parts.of(bench.good)
    cases = []
    for path in field_paths(parts.header):
        label = "/".join(map(str, path))
        edited = encode(with_field(parts.header, path))
        # Accidental damage: the checksum no longer matches.
        cases.append(Case(f"{label} (damaged)", parts.join(edited), DAMAGED))
        if path[0] == "key_slots" and path[-1] != "kind":
            continue  # on purpose, see the key-slot test below
        # On purpose: checksum recomputed; the header tag still refuses it.
        cases.append(Case(f"{label} (edited)", parts.join(edited, checksum=True), DAMAGED))
    assert len(cases) >= 30
    bench.run(cases)


def test_an_edited_key_slot_reads_as_a_wrong_passphrase(bench: Bench) -> None:
    # Changing a slot's salt, cost or wrapped key on purpose (checksum recomputed) is, to
    # the reader, exactly a wrong passphrase: the key it derives opens nothing.
    parts = Parts.of(bench.good)
    cases = [
        Case(
            "/".join(map(str, path)),
            parts.join(encode(with_field(parts.header, path)), checksum=True),
            WRONG,
        )
        for path in field_paths(parts.header)
        if path[0] == "key_slots" and path[-1] not in ("kind", "name")
    ]
    assert len(cases) >= 5
    bench.run(cases)


def test_the_format_mark_and_header_length_altered_are_refused(bench: Bench) -> None:
    parts = Parts.of(bench.good)
    data = bench.good
    (length,) = struct.unpack(">I", data[16:20])
    cases = [
        Case(f"mark byte {i}", data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1 :], DAMAGED)
        for i in range(8)
    ]
    cases += [
        Case(f"version byte {i}", data[:i] + bytes([data[i] ^ 1]) + data[i + 1 :], DAMAGED)
        for i in range(8, 16)
    ]
    cases += [
        Case(f"header length {n}", data[:16] + struct.pack(">I", n) + data[20:], DAMAGED)
        for n in (0, 1, length - 1, length + 1, length + 4096, 2**31)
    ]
    # A format 0 that never existed, its mark recomputed.
    first = data[:8] + struct.pack(">HH", 0, 0)
    zero = first + struct.pack(">I", zlib.crc32(first))
    cases.append(Case("format 0.0", zero + data[16:], DAMAGED))
    assert parts.prelude == data[:16]
    bench.run(cases)


def test_a_newer_format_says_made_by_a_newer_peerdesk(bench: Bench) -> None:
    data = bench.good
    first = data[:8] + struct.pack(">HH", backup.FORMAT_MAJOR + 1, 0)
    newer = first + struct.pack(">I", zlib.crc32(first)) + b"whatever a newer PeerDesk writes"
    bench.run(
        [Case("major + 1", newer, (backup.NewerBackup, "This backup was made by a newer PeerDesk"))]
    )


def test_truncation_at_and_around_every_chunk_boundary_is_refused(bench: Bench) -> None:
    parts = Parts.of(bench.good)
    data = bench.good
    boundaries = [parts.data_offset]
    for chunk in parts.chunks:
        boundaries.append(boundaries[-1] + len(chunk))
    assert boundaries[-1] == len(data)
    cuts = {b + d for b in boundaries for d in (-1, 0, 1)} | set(range(1, parts.data_offset, 7))
    cases = [Case(f"cut at {n}", data[:n], DAMAGED) for n in sorted(cuts) if 0 < n < len(data)]
    # Dropping the last chunk and shrinking the header's size to match, on purpose.
    header = dict(parts.header)
    header["image_size"] -= len(parts.chunks[-1]) - 16
    shorter = parts.join(encode(header), checksum=True, chunks=parts.chunks[:-1])
    cases.append(Case("last chunk dropped, header edited", shorter, DAMAGED))
    assert len(cases) > 3 * len(parts.chunks)
    bench.run(cases)


def test_chunks_swapped_or_repeated_are_refused(bench: Bench) -> None:
    parts = Parts.of(bench.good)
    chunks = parts.chunks
    cases = []
    for i in range(0, len(chunks) - 2, 3):
        swapped = [*chunks]
        swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
        cases.append(Case(f"swap {i} and {i + 1}", parts.join(chunks=swapped), DAMAGED))
        repeated = [*chunks]
        repeated[i + 1] = repeated[i]
        cases.append(Case(f"repeat {i}", parts.join(chunks=repeated), DAMAGED))
    bench.run(cases)


def test_bytes_added_at_the_end_are_refused(bench: Bench) -> None:
    parts = Parts.of(bench.good)
    data = bench.good
    tails = [b"\0", b"\n", b"x" * 16, parts.chunks[-1], bench.good[:4096]]
    bench.run([Case(f"{len(t)} bytes added", data + t, DAMAGED) for t in tails])


def test_a_thousand_random_bit_flips_are_all_refused(bench: Bench) -> None:
    data = bench.good
    rng = random.Random(20260615)
    positions = sorted(rng.sample(range(len(data)), 1000))
    cases = []
    for position in positions:
        bit = 1 << rng.randrange(8)
        flipped = data[:position] + bytes([data[position] ^ bit]) + data[position + 1 :]
        cases.append(Case(f"bit {bit} of byte {position}", flipped, DAMAGED))
    assert len(cases) >= 1000
    bench.run(cases)


def test_files_that_are_not_backups_are_named_for_what_they_are(
    bench: Bench, demo_template: Path
) -> None:
    sqlite_bytes = demo_template.read_bytes()
    junk = random.Random(5).randbytes(5000)
    bench.run(
        [
            Case("empty", b"", (backup.NotABackup, "damaged.pdbk is empty")),
            Case(
                "sqlite renamed",
                sqlite_bytes,
                (backup.NotABackup, "damaged.pdbk is a plain database file"),
            ),
            Case("junk", junk, (backup.NotABackup, "damaged.pdbk is not a PeerDesk backup")),
            Case(
                "text",
                b"Dear diary,\n",
                (backup.NotABackup, "damaged.pdbk is not a PeerDesk backup"),
            ),
            Case(
                "unfinished",
                bench.good,
                (backup.NotABackup, "PeerDesk-house.pdbk.partial is an unfinished backup"),
                name="PeerDesk-house.pdbk.partial",
            ),
        ]
    )


def test_a_crafted_key_cost_is_refused_at_once(bench: Bench) -> None:
    parts = Parts.of(bench.good)
    for memory, passes in ((4 * 1024 * 1024, 1), (1024 * 1024, 16), (256 * 1024, 100)):
        header = json.loads(json.dumps(parts.header))
        slot = next(s for s in header["key_slots"] if s["kind"] == "passphrase")
        slot["kdf"]["memory_kib"] = memory
        slot["kdf"]["iterations"] = passes
        started = time.perf_counter()
        bench.refuses(
            Case(
                f"{memory} KiB x {passes}",
                parts.join(encode(header), checksum=True),
                (backup.DamagedBackup, "This backup file is damaged (it asks for more"),
            )
        )
        assert time.perf_counter() - started < 1.0


def test_a_header_from_another_backup_is_refused(
    bench: Bench, house_path: Path, usb: Path, today: dt.date
) -> None:
    # The same house backed up twice: the second file's header on the first file's chunks.
    db = Database.open(house_path)
    try:
        other = Parts.of(make_backup(db, usb).path.read_bytes())
    finally:
        db.close()
    for leftover in usb.glob("*.pdbk"):
        leftover.unlink()
    bench.live_before = fingerprint(house_path)  # the second backup logged itself
    parts = Parts.of(bench.good)
    mixed = other.prelude + struct.pack(">I", len(other.header_bytes)) + other.header_bytes
    mixed += other.sha + other.tag + b"".join(parts.chunks)
    bench.run([Case("another backup's header", mixed, DAMAGED)])


# --------------------------------------------------------------------------- what is inside


def backup_of_changed_house(
    house: Database, usb: Path, change: str, *, as_older: bool = False
) -> Path:
    """Back up the house after changing its file behind PeerDesk's back (as damage would).

    ``as_older``: as a PeerDesk from before backups checked their snapshot whole (and said so
    in the header) would have, since this one refuses to back up damaged records at all."""
    from peerdesk.core.backup import writing

    connection = sqlite3.connect(house.path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("PRAGMA writable_schema = ON")
        connection.executescript(change)
    finally:
        connection.close()
    with pytest.MonkeyPatch.context() as m:
        if as_older:
            m.setattr(writing, "_check_snapshot", lambda image, progress: True)
            m.setattr(writing, "WHOLE", "")
        return make_backup(house, usb).path


def test_a_backup_of_a_damaged_database_is_refused_on_verify(
    house: Database, usb: Path, tmp_path: Path
) -> None:
    # The index on last names now claims to index first names: SQLite's check sees it.
    path = backup_of_changed_house(
        house,
        usb,
        "UPDATE sqlite_master SET sql = replace(sql, '(last_name)', '(first_name)') "
        "WHERE name = 'ix_residents_last_name';",
        as_older=True,
    )
    with pytest.raises(BackupError) as caught:
        backup.verify_backup(path, PASSPHRASE, work_dir=tmp_path)
    assert str(caught.value).startswith(
        "The records inside this backup are damaged (the integrity check found"
    )
    assert not list(tmp_path.glob(".peerdesk-work-*"))


def test_a_backup_with_broken_links_is_refused_on_verify(
    house: Database, usb: Path, tmp_path: Path
) -> None:
    path = backup_of_changed_house(
        house,
        usb,
        "INSERT INTO session_attendees (session_id, resident_id) VALUES (1, 999999);",
        as_older=True,
    )
    with pytest.raises(BackupError) as caught:
        backup.verify_backup(path, PASSPHRASE, work_dir=tmp_path)
    assert str(caught.value) == (
        "The records inside this backup do not fit together (1 record(s) point at records "
        "that are missing); use another backup."
    )


def test_a_backup_from_a_newer_peerdesk_schema_is_refused(
    house: Database, usb: Path, paths: Paths
) -> None:
    path = backup_of_changed_house(
        house, usb, "UPDATE alembic_version SET version_num = '9999_from_the_future';"
    )
    house.close()
    (paths.db.parent / "peerdesk.sqlite3").write_bytes(b"")  # even onto an empty PC
    with pytest.raises(backup.NewerBackup) as caught:
        backup.restore_backup(path, PASSPHRASE, paths, actor=Actor.local_administrator())
    assert str(caught.value) == (
        "This backup was made by a newer PeerDesk (its records are at version "
        "9999_from_the_future); install the newest PeerDesk to restore it."
    )
    assert paths.db.read_bytes() == b""


def test_cancel_during_the_database_checks_leaves_nothing(
    house: Database, usb: Path, tmp_path: Path
) -> None:
    path = make_backup(house, usb).path
    seen: list[float] = []

    def stop_after_unpacking() -> bool:
        return bool(seen) and seen[-1] >= 0.5

    with pytest.raises(backup.BackupCancelled, match="The check was stopped"):
        backup.verify_backup(
            path,
            PASSPHRASE,
            work_dir=tmp_path,
            progress=seen.append,
            cancelled=stop_after_unpacking,
        )
    assert not list(tmp_path.glob(".peerdesk-work-*"))
