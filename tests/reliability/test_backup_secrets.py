"""The secrets that open a backup: a wrong one is always "not right", a typo is named, and
the printed recovery key alone brings the house back."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from peerdesk.core import backup
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.paths import Paths
from tests.reliability.helpers import (
    CHEAP_KDF,
    PASSPHRASE,
    SMALL_CHUNK,
    fingerprint,
    listing,
    make_backup,
    table_rows,
)

ADMIN = Actor.local_administrator()


def adopt_new_key(db: Database) -> backup.RecoverySheet:
    sheet = backup.new_recovery_sheet(db, ADMIN)
    backup.adopt_recovery_key(db, ADMIN, sheet)
    return sheet


def near_misses(text: str) -> list[str]:
    """Passphrases a person might type instead of the right one."""
    return [
        text.upper(),
        text.capitalize(),
        text + " ",
        " " + text,
        text[:-1],
        text + text[-1],
        text.replace(" ", ""),
        text.replace(" ", "-"),
        text[1:] + text[0],
        text.replace("o", "0"),
        text.replace("e", "é"),
        text[::-1],
        "correct horse battery stapler",
        "Correct Horse Battery Staple",
        "correct  horse battery staple",
        "correct horse battery staple!",
        "correct horse battery stable",
        "tr0ub4dor&3 is my passphrase",
        "x" * 12,
        "the passphrase on the sticky note",
    ]


def test_every_wrong_passphrase_is_not_right(house: Database, usb: Path, tmp_path: Path) -> None:
    adopt_new_key(house)
    result = make_backup(house, usb)
    wrong = near_misses(PASSPHRASE.text)
    assert PASSPHRASE.text not in wrong and len(set(wrong)) == len(wrong)
    before = listing(usb, tmp_path)
    for attempt in wrong:
        with pytest.raises(backup.WrongSecret) as caught:
            backup.verify_backup(result.path, backup.Passphrase(attempt), work_dir=tmp_path)
        assert str(caught.value) == (
            "The passphrase is not right; type it again exactly as it was set (capital letters "
            "and spaces count), or use the recovery key."
        )
    assert listing(usb, tmp_path) == before


def test_a_passphrase_typed_with_other_unicode_forms_still_opens(
    house: Database, usb: Path, tmp_path: Path
) -> None:
    # "é" typed as one character on one keyboard and as e + accent on another.
    composed = backup.check_new_passphrase("café au lait, no sugar")
    result = backup.back_up(house, ADMIN, usb, composed, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    decomposed = backup.Passphrase("cafe\u0301 au lait, no sugar")
    assert backup.verify_backup(result.path, decomposed, work_dir=tmp_path).summary.residents > 0


def test_every_wrong_recovery_key_is_not_right(house: Database, usb: Path, tmp_path: Path) -> None:
    sheet = adopt_new_key(house)
    result = make_backup(house, usb)
    assert result.info.recovery_key_id == sheet.key_id
    for _ in range(20):
        other = backup.RecoveryKey.generate()
        with pytest.raises(backup.WrongSecret) as caught:
            backup.verify_backup(result.path, other, work_dir=tmp_path)
        assert str(caught.value) == (
            f"The recovery key is not right for this backup (it needs the key with ID "
            f"{sheet.key_id}); check it against the printed recovery sheet, or use the passphrase."
        )


def test_every_single_typing_mistake_in_a_recovery_key_names_its_group() -> None:
    key = backup.RecoveryKey.generate()
    text = key.text.replace("-", "")
    mistakes = 0
    for position, right in enumerate(text):
        for typed in backup.RECOVERY_ALPHABET:
            if typed == right:
                continue
            wrong = text[:position] + typed + text[position + 1 :]
            group = position // 4 + 1
            with pytest.raises(backup.WrongSecret) as caught:
                backup.RecoveryKey.parse(wrong)
            assert str(caught.value).startswith(
                f"The recovery key is not right: group {group} ("
            ), (position, typed, str(caught.value))
            mistakes += 1
    assert mistakes == 32 * 31


def test_swapped_neighbours_and_swapped_groups_are_caught() -> None:
    rng = random.Random(3)
    caught = total = 0
    for _ in range(200):
        key = backup.RecoveryKey.generate()
        groups = key.text.split("-")
        g = rng.randrange(8)
        i = rng.randrange(3)
        chars = list(groups[g])
        if chars[i] == chars[i + 1]:
            continue
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
        swapped = "-".join([*groups[:g], "".join(chars), *groups[g + 1 :]])
        total += 1
        try:
            backup.RecoveryKey.parse(swapped)
        except backup.WrongSecret:
            caught += 1
    # Luhn mod 32 misses a few neighbour swaps by design; the key itself still refuses them.
    assert caught / total > 0.9
    key = backup.RecoveryKey.generate()
    groups = key.text.split("-")
    groups[0], groups[1] = groups[1], groups[0]
    with pytest.raises(backup.WrongSecret, match="group 1"):
        backup.RecoveryKey.parse("-".join(groups))


def test_a_recovery_key_reads_however_it_is_typed() -> None:
    key = backup.RecoveryKey.generate()
    text = key.text
    variants = [
        text.lower(),
        text.replace("-", ""),
        text.replace("-", " "),
        "  " + text.replace("-", " - ") + "\n",
        text.replace("0", "O").replace("1", "I"),
        text.replace("1", "l"),
    ]
    for typed in variants:
        assert backup.RecoveryKey.parse(typed).secret == key.secret, typed
    for bad, words in (
        (text[:-1], "it has 31 letters and digits instead of 32"),
        (text + "A", "it has 33 letters and digits instead of 32"),
        ("U" + text[1:], '"U" never appears in a recovery key'),
        ("", "it has 0 letters and digits"),
    ):
        with pytest.raises(backup.WrongSecret) as caught:
            backup.RecoveryKey.parse(bad)
        assert str(caught.value).startswith("The recovery key is not right:")
        assert words in str(caught.value)


def test_the_recovery_key_alone_restores_on_a_new_pc(
    house: Database, usb: Path, tmp_path: Path
) -> None:
    sheet = adopt_new_key(house)
    before = table_rows(house.path)
    result = make_backup(house, usb)
    new_pc = tmp_path / "new-pc"
    new_pc.mkdir()
    paths = Paths(new_pc / "peerdesk.sqlite3", new_pc, new_pc / "config", new_pc / "logs")
    typed = backup.RecoveryKey.parse(sheet.key_text.lower().replace("-", " "))
    restored = backup.restore_backup(result.path, typed, paths, actor=ADMIN)
    assert restored.safety_copy is None
    after = table_rows(paths.db)
    assert after["residents"] == before["residents"]
    assert after["session_attendees"] == before["session_attendees"]
    # The restored house still knows its recovery key, so its next backups open with it.
    db = Database.open(paths.db)
    try:
        with db.read() as s:
            known = backup.recovery_key_info(s)
        assert known is not None and known.key_id == sheet.key_id
        again = make_backup(db, usb)
    finally:
        db.close()
    assert backup.verify_backup(again.path, typed, work_dir=tmp_path).info.recovery_key_id


def test_backups_made_before_a_recovery_key_open_only_with_the_passphrase(
    house: Database, usb: Path, tmp_path: Path
) -> None:
    result = make_backup(house, usb)
    assert result.info.recovery_key_id is None
    with pytest.raises(backup.WrongSecret) as caught:
        backup.verify_backup(result.path, backup.RecoveryKey.generate(), work_dir=tmp_path)
    assert str(caught.value) == (
        "This backup was made before the house had a recovery key, so it opens only with its "
        "passphrase."
    )
    with pytest.raises(backup.WrongSecret) as wrong:
        backup.verify_backup(result.path, backup.Passphrase("not the passphrase at all"))
    # No "or use the recovery key" when the backup has none.
    assert str(wrong.value) == (
        "The passphrase is not right; type it again exactly as it was set (capital letters "
        "and spaces count)."
    )


def test_a_new_recovery_key_opens_new_backups_and_the_old_key_the_old_ones(
    house: Database, usb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerdesk.core import clock

    old = adopt_new_key(house)
    first = make_backup(house, usb)
    later = clock.now_utc() + dt.timedelta(minutes=5)
    monkeypatch.setattr(clock, "now_utc", lambda: later)
    new = adopt_new_key(house)
    second = make_backup(house, usb)
    assert first.path != second.path
    assert backup.verify_backup(first.path, old.key, work_dir=tmp_path)
    assert backup.verify_backup(second.path, new.key, work_dir=tmp_path)
    with pytest.raises(backup.WrongSecret, match=f"needs the key with ID {old.key_id}"):
        backup.verify_backup(first.path, new.key, work_dir=tmp_path)


def test_passphrases_shorter_than_twelve_characters_are_refused(house: Database, usb: Path) -> None:
    for short in ("", "abc", "eleven char", " " * 20):
        with pytest.raises(backup.BackupError, match="at least 12 characters"):
            backup.check_new_passphrase(short)
    assert backup.check_new_passphrase("twelve chars").text == "twelve chars"
    before = fingerprint(house.path)
    with pytest.raises(backup.BackupError, match="at least 12 characters"):
        backup.back_up(house, ADMIN, usb, backup.Passphrase("too short"), kdf=CHEAP_KDF)
    assert list(usb.iterdir()) == [] and fingerprint(house.path) == before


def test_automatic_backups_open_with_this_pcs_key_and_the_recovery_key(
    house: Database, paths: Paths, tmp_path: Path
) -> None:
    sheet = adopt_new_key(house)
    result = backup.back_up_automatically(house, ADMIN, paths, on_exit=True)
    assert result is not None
    local = backup.LocalKey.load(backup.local_key_path(paths))
    assert local is not None and result.info.local_key_id == local.key_id
    assert not result.info.opens_with_passphrase
    assert backup.verify_backup(result.path, local, work_dir=tmp_path)
    assert backup.verify_backup(result.path, sheet.key, work_dir=tmp_path)
    with pytest.raises(backup.WrongSecret, match="This backup has no passphrase; it opens"):
        backup.verify_backup(result.path, PASSPHRASE, work_dir=tmp_path)
    another_pc = backup.LocalKey(b"\x01" * 32)
    with pytest.raises(backup.WrongSecret, match=r"made on another PC .* use the recovery key"):
        backup.verify_backup(result.path, another_pc, work_dir=tmp_path)


def test_the_automatic_backup_key_is_private_and_survives_restarts(paths: Paths) -> None:
    path = backup.local_key_path(paths)
    first = backup.LocalKey.load_or_create(path)
    assert backup.LocalKey.load_or_create(path).secret == first.secret
    assert path.stat().st_mode & 0o077 == 0
    assert not list(path.parent.glob("*.partial"))
    path.write_text("PeerDesk automatic-backup key v1\nnot base64 at all\n")
    with pytest.raises(backup.BackupError, match="is damaged; move it aside"):
        backup.LocalKey.load(path)
