"""Python's cycle collector, run in the window's thread only.

Left to itself, Python collects reference cycles in whichever thread happens to allocate:
during a restore or a report that is a worker thread. Qt objects found in a cycle there (a
closed form, a finished task) are destroyed from that thread while the window's thread may be
delivering events to them, and Qt crashes. So while PeerDesk's window runs, automatic
collection is off and this collector runs it on a timer in the window's thread instead, by the
same thresholds Python would use.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Collects cycles every ``INTERVAL_MS`` in the thread it lives in (the application's)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.setObjectName("mainThreadCollector")
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the generations Python itself would collect now; how many objects went."""
        first, second, third = self._thresholds
        counts = gc.get_count()
        if counts[0] <= first:
            return 0
        generation = 0
        if counts[1] > second:
            generation = 2 if counts[2] > third else 1
        return gc.collect(generation)


def install(app: QCoreApplication) -> MainThreadCollector:
    """The application's collector, made once."""
    existing = app.findChild(MainThreadCollector, "mainThreadCollector")
    return existing if existing is not None else MainThreadCollector(app)
