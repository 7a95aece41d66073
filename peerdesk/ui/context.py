"""What every tab and dialog of the window is handed (built once in ``peerdesk.app``).

No singletons: the composition root builds one :class:`UiContext` and passes it down. When
a different person signs in, ``actor`` changes and ``events.actor_changed`` fires; when a
dialog saves a record, it announces it on ``events.records_changed`` so every tab that shows
that kind of record refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Signal

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.paths import Paths


class RecordEvents(QObject):
    """Announcements between parts of the window (signals are past tense)."""

    # table name ("residents", "peer_sessions", …) and the record id (0 for "many").
    records_changed = Signal(str, int)
    actor_changed = Signal()


@dataclass
class UiContext:
    db: Database
    actor: Actor
    paths: Paths
    settings: QSettings
    events: RecordEvents
    is_demo: bool = False
    # Set by request_rebuild; the composition root reads it once the window has closed.
    rebuild_requested: bool = False
    # The demo house's shared password, shown on its sign-in and lock screens ("" otherwise).
    demo_password: str = ""

    def announce(self, table: str, record_id: int = 0) -> None:
        """Tell the window a record of ``table`` was written."""
        self.events.records_changed.emit(table, record_id)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.events.actor_changed.emit()

    def request_rebuild(self) -> None:
        """Ask for the window, once it closes, to be built again on a freshly opened
        database (a restore replaced the file under it); the caller then closes the window."""
        self.rebuild_requested = True
