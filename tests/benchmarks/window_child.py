"""A fresh process for the benchmark's start-up and memory figures (never imported by tests).

    python window_child.py peerdesk DB      start PeerDesk on DB the way ``peerdesk --db DB`` does
    python window_child.py baseline         start a minimal PySide6 window instead
    python window_child.py memory DB        open PeerDesk on DB and every tab; print its peak memory
    python window_child.py steps DB         start PeerDesk in layers and say how long each took

The parent measures from starting this process until it prints ``usable S``: the window is
shown, its Home tab filled, and the event loop has nothing left to do (a zero-millisecond
timer fires only once every pending window-system event has been handled). ``memory`` prints
``peak_kb N`` once every tab has been opened and has loaded its first page.

PeerDesk asks who is there before it shows the window. The house the parent hands over has an
account; this script answers the sign-in form the moment it is shown (the username comes from
``--user``, the password from ``PEERDESK_PASSWORD``), and ``S`` is the seconds the password
check took (Argon2id, deliberately slow), which the parent reports apart from start-up.

Only the standard library and PySide6 are imported before the program under test starts, and
the baseline imports the same, so both pay the same for this script.
"""

from __future__ import annotations

import sys
import time

STARTED = time.perf_counter()

from PySide6.QtCore import QTimer  # noqa: E402 (after the clock starts)
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget  # noqa: E402

USERNAME = "bench"  # the account the parent adds to its copy of the house


def _main_window(app: QApplication) -> QMainWindow | None:
    for widget in app.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            return widget
    return None


def _home_filled(window: QMainWindow) -> bool:
    home = getattr(window, "home", None)
    census = getattr(home, "census", None)
    if census is None:  # a window without the usual Home tab: shown is all we can ask
        return True
    return bool(getattr(census, "buttons", True))


def _when_usable(app: QApplication, then: object) -> None:
    """Call ``then(window)`` at the first idle moment after the main window is usable."""

    def check() -> None:
        window = _main_window(app)
        if window is not None and _home_filled(window):
            then(window)  # type: ignore[operator]
        else:
            QTimer.singleShot(1, check)

    QTimer.singleShot(0, check)


class _SignIn:
    """Answers PeerDesk's sign-in form as soon as it is shown, and times the password check."""

    def __init__(self, app: QApplication, mark: object = None) -> None:
        self.app = app
        self.mark = mark
        self.seconds = 0.0
        QTimer.singleShot(0, self._look)

    def _look(self) -> None:
        import os

        for widget in self.app.topLevelWidgets():
            if type(widget).__name__ == "SignInDialog" and widget.isVisible():
                if self.mark is not None:
                    self.mark("show the sign-in form")  # type: ignore[operator]
                widget.password.setText(os.environ["PEERDESK_PASSWORD"])  # type: ignore[attr-defined]
                started = time.perf_counter()
                widget.accept()  # type: ignore[attr-defined]
                self.seconds = time.perf_counter() - started
                if self.mark is not None:
                    self.mark("check the password (Argon2id)")  # type: ignore[operator]
                return
        if _main_window(self.app) is None:
            QTimer.singleShot(1, self._look)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def start_peerdesk(db: str, *, memory: bool) -> int:
    from peerdesk.app import make_application

    app = make_application()
    sign_in = _SignIn(app)

    def usable(window: QMainWindow) -> None:
        if memory:
            _open_every_tab(app, window)
            _say(f"peak_kb {_peak_kb()}")
        else:
            _say(f"usable {sign_in.seconds:.4f}")
        window.close()  # PeerDesk's own close: saves the layout and leaves app.exec()

    _when_usable(app, usable)
    from peerdesk.cli import main

    return main(["--db", db, "--user", USERNAME])


def _peak_kb() -> int:
    """This process's peak resident memory in kB.

    Linux's ``ru_maxrss`` carries the parent's peak across fork and exec, so a child started
    by a big benchmark process would report the benchmark's memory; ``VmHWM`` belongs to
    this program alone.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes there, kB elsewhere


def _open_every_tab(app: QApplication, window: QMainWindow) -> None:
    from PySide6.QtWidgets import QTabWidget

    tabs = window.findChild(QTabWidget)
    assert tabs is not None
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        app.processEvents()
    tabs.setCurrentIndex(0)
    app.processEvents()


def start_in_steps(db: str) -> int:
    """Start PeerDesk as ``start_peerdesk`` does, importing in layers and noting when each
    ends, to show where a cold start's time goes (``steps name=seconds …``)."""
    import importlib

    marks: list[tuple[str, float]] = []

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter()))

    app = QApplication([sys.argv[0]])
    mark("Python, PySide6 and the QApplication")
    for name in ("sqlalchemy", "sqlalchemy.orm"):
        importlib.import_module(name)
    mark("import SQLAlchemy")
    for name in (
        "peerdesk.core.models",
        "peerdesk.core.db",
        "peerdesk.core.dto",
        "peerdesk.core.listing",
        "peerdesk.core.attention",
        "peerdesk.core.services.settings",
        "peerdesk.core.services.residents",
        "peerdesk.core.services.mentors",
        "peerdesk.core.services.sessions",
        "peerdesk.core.services.supervision",
        "peerdesk.core.services.assessments",
    ):
        importlib.import_module(name)
    mark("import peerdesk.core")
    for name in ("peerdesk.cli", "peerdesk.app", "peerdesk.ui.main_window"):
        importlib.import_module(name)
    mark("import the window's modules")

    import peerdesk.app
    from peerdesk.core.db import Database

    build_window = peerdesk.app.build_window
    open_database = Database.open

    def opened(path: object) -> object:
        database = open_database(path)  # type: ignore[arg-type]
        mark("lock, log and open the database")
        return database

    def built(ctx: object) -> object:
        mark("read the house and window settings")
        window = build_window(ctx)  # type: ignore[arg-type]
        mark("build the window (its tabs and Home's queries)")
        return window

    Database.open = opened  # type: ignore[method-assign,assignment]
    peerdesk.app.build_window = built  # type: ignore[assignment]

    _SignIn(app, mark)

    def usable(window: QMainWindow) -> None:
        mark("show it until the event loop is idle")
        previous = STARTED
        steps = []
        for name, at in marks:
            steps.append(f"{name}={at - previous:.4f}")
            previous = at
        _say("steps " + ";".join(steps))
        window.close()

    _when_usable(app, usable)
    from peerdesk.cli import main

    return main(["--db", db, "--user", USERNAME])


def start_baseline() -> int:
    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.setCentralWidget(QWidget(window))
    window.resize(1280, 800)
    window.setWindowTitle("Baseline")

    def usable(shown: QMainWindow) -> None:
        _say("usable 0")
        shown.close()
        app.quit()

    _when_usable(app, usable)
    window.show()
    return app.exec()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "baseline":
        sys.exit(start_baseline())
    if mode == "steps":
        sys.exit(start_in_steps(sys.argv[2]))
    sys.exit(start_peerdesk(sys.argv[2], memory=mode == "memory"))
