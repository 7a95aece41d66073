"""The house's recovery key as the database knows it: its public half (never the key itself),
a new key and the sheet that prints it, and adopting that key for every backup from then on."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.backup.keys import RecoveryKey, _b64, _key_id
from peerdesk.core.db import Database
from peerdesk.core.models import Preference
from peerdesk.core.permissions import Action
from peerdesk.core.services.settings import get_settings

_PREF_RECOVERY = "backup.recovery_key"


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
