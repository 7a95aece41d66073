"""Each house gets a permanent identity of its own, and each audit trail one too.

A restore asks before it puts another house in place of the one on the PC, so houses must
be told apart even when they share a name. The identity is random for a new house. A house
that already has records keeps the identity its backups already carry (drawn from the moment
its settings were made), so restoring its own older backups is never taken for another house.

The trail's identity (``audit.trail``, random) tells this database's trail from another copy
of the same house's (a backup restored elsewhere): a backup holds the trail's last line only
for databases of the same trail. A restore gives the restored trail a new one.

Revision ID: 0003_house_identity
Revises: 0002_sessions_in_use
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_house_identity"
down_revision: str | None = "0002_sessions_in_use"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "house.id"
TRAIL_KEY = "audit.trail"


def upgrade() -> None:
    bind = op.get_bind()
    if not bind.execute(
        sa.text("SELECT 1 FROM preferences WHERE key = :k"), {"k": TRAIL_KEY}
    ).first():
        bind.execute(
            sa.text("INSERT INTO preferences (key, value) VALUES (:k, :v)"),
            {"k": TRAIL_KEY, "v": secrets.token_hex(8)},
        )
    if bind.execute(sa.text("SELECT 1 FROM preferences WHERE key = :k"), {"k": KEY}).first():
        return
    lines = bind.execute(sa.text("SELECT count(*) FROM audit_events")).scalar() or 0
    created = bind.execute(sa.text("SELECT created_at FROM house_settings WHERE id = 1")).scalar()
    if lines and created is not None:
        identity = hashlib.sha256(f"PeerDesk house|{created}".encode()).hexdigest()[:16]
    else:
        identity = secrets.token_hex(8)
    bind.execute(
        sa.text("INSERT INTO preferences (key, value) VALUES (:k, :v)"), {"k": KEY, "v": identity}
    )


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM preferences WHERE key IN ('{KEY}', '{TRAIL_KEY}')"))
