"""Backups no role can turn against the house, and backups and restores that tell the truth.

- Only an administrator seals a backup with a passphrase of their own (they may read
  everything anyway); anyone else's backup opens only with the house's own keys (its
  recovery key, and this PC's key), so no one takes home what they may not read in the window.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from peerdesk.core import backup, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import BackupError, PermissionDenied
from peerdesk.core.models import AuditEvent
from peerdesk.paths import Paths
from tests import factories
from tests.reliability.helpers import CHEAP_KDF, PASSPHRASE, SMALL_CHUNK

ADMIN = Actor.local_administrator()


@pytest.fixture
def people(house: Database) -> dict[vocab.Role, Actor]:
    """Real accounts (the audit trail names them) for each role."""
    with house.begin() as s:
        boss = factories.account(s, ADMIN, "boss", vocab.Role.ADMINISTRATOR)
        return {
            vocab.Role.ADMINISTRATOR: boss,
            vocab.Role.SUPERVISOR: factories.account(s, boss, "sam", vocab.Role.SUPERVISOR),
            vocab.Role.PEER_MENTOR: factories.account(s, boss, "maya", vocab.Role.PEER_MENTOR),
        }


OTHERS = [vocab.Role.PEER_MENTOR, vocab.Role.SUPERVISOR]


def adopt_recovery_key(db: Database) -> backup.RecoveryKey:
    sheet = backup.new_recovery_sheet(db, ADMIN)
    backup.adopt_recovery_key(db, ADMIN, sheet)
    return sheet.key


@pytest.mark.parametrize("role", OTHERS)
def test_only_an_administrator_seals_a_backup_with_a_passphrase_of_their_own(
    house: Database, usb: Path, people: dict[vocab.Role, Actor], role: vocab.Role
) -> None:
    who, boss = people[role], people[vocab.Role.ADMINISTRATOR]
    adopt_recovery_key(house)
    with pytest.raises(PermissionDenied, match="may not seal a backup with a passphrase of your"):
        backup.back_up(house, who, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    assert not list(usb.iterdir()), "nothing was written"
    with house.read() as s:
        denied = s.execute(select(AuditEvent).where(AuditEvent.action == "denied")).scalars()
        assert any("passphrase of your own" in e.summary for e in denied), "the refusal is audited"
    made = backup.back_up(house, boss, usb, PASSPHRASE, kdf=CHEAP_KDF, chunk_size=SMALL_CHUNK)
    assert backup.verify_backup(made.path, PASSPHRASE).summary.residents > 0


@pytest.mark.parametrize("role", OTHERS)
def test_anyone_elses_backup_opens_only_with_the_house_keys(
    house: Database, usb: Path, paths: Paths, people: dict[vocab.Role, Actor], role: vocab.Role
) -> None:
    who = people[role]
    key = adopt_recovery_key(house)
    local = backup.LocalKey.load_or_create(backup.local_key_path(paths))
    made = backup.back_up(house, who, usb, None, local_key=local, chunk_size=SMALL_CHUNK)
    assert backup.verify_backup(made.path, key).summary.residents > 0
    assert backup.verify_backup(made.path, local).summary.residents > 0
    with pytest.raises(BackupError, match="no passphrase"):
        backup.verify_backup(made.path, PASSPHRASE)


def test_without_a_recovery_key_only_an_administrator_can_back_up(
    house: Database, usb: Path, people: dict[vocab.Role, Actor]
) -> None:
    mentor = people[vocab.Role.PEER_MENTOR]
    with pytest.raises(BackupError, match="no recovery key yet") as refused:
        backup.back_up(house, mentor, usb, None, chunk_size=SMALL_CHUNK)
    assert "ask an administrator" in str(refused.value)
    assert not list(usb.iterdir())
