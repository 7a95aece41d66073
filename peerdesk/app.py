"""The composition root of the window: settings, the lock, the database, the main window.

``run_gui`` builds everything once and hands the window a :class:`UiContext`; nothing else
reaches for globals. Start-up stays light: reportlab is imported only when something is
printed, and Alembic only when the database must be upgraded.
"""

from __future__ import annotations

import gc
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QCoreApplication, QEvent, QLockFile, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from peerdesk import __version__
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import DatabaseError, PeerDeskError
from peerdesk.paths import APP_NAME, DB_FILENAME, Paths
from peerdesk.ui import messages
from peerdesk.ui.context import RecordEvents, UiContext

if TYPE_CHECKING:
    from peerdesk.ui.main_window import MainWindow

log = logging.getLogger("peerdesk")

DEMO_BEDS = 24
DEMO_YEARS = 3
DEMO_SEED = 1
LOCK_WAIT_MS = 200


def make_application() -> QApplication:
    """The one QApplication, named so QSettings and the window title agree."""
    from peerdesk.ui import collector

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    collector.install(app)  # Qt objects are freed in the window's thread only
    return app


def open_settings(paths: Paths) -> QSettings:
    """Window layout and remembered choices, in an INI file under the config folder."""
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    return QSettings(str(paths.settings_file), QSettings.Format.IniFormat)


def lock_database(paths: Paths) -> QLockFile | None:
    """Hold the database's lock file, or None when another PeerDesk window holds it.

    A lock left behind by a PeerDesk that crashed is stale: Qt sees that its process is gone
    and takes it over. If the process id was reused meanwhile, the file lock underneath
    still tells a live holder from a dead one.
    """
    paths.lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(paths.lock_file))
    lock.setStaleLockTime(0)
    if lock.tryLock(LOCK_WAIT_MS):
        return lock
    if (
        lock.error() == QLockFile.LockError.LockFailedError
        and lock.removeStaleLockFile()
        and lock.tryLock(LOCK_WAIT_MS)
    ):
        log.info("Removed a stale lock file at %s", paths.lock_file)
        return lock
    return None


def build_context(
    db: Database,
    paths: Paths,
    settings: QSettings,
    *,
    actor: Actor | None = None,
    is_demo: bool = False,
    demo_password: str = "",
) -> UiContext:
    # ``actor`` is who signed in; a house without accounts has only its local administrator.
    return UiContext(
        db=db,
        actor=actor or Actor.local_administrator(),
        paths=paths,
        settings=settings,
        events=RecordEvents(),
        is_demo=is_demo,
        demo_password=demo_password,
    )


def build_window(ctx: UiContext) -> MainWindow:
    from peerdesk.ui.main_window import MainWindow

    return MainWindow(ctx)


@contextmanager
def _defects_reported(report: Callable[[str], None], self_test: bool) -> Iterator[None]:
    """An unexpected error in a slot is logged with its traceback and shown as one sentence
    with "Copy details", never as a traceback; a ``PeerDeskError`` that escaped a slot is
    just its sentence."""
    from peerdesk import logs

    previous = sys.excepthook

    def show(sentence: str, details: str) -> None:
        if self_test:
            report(sentence)
        else:
            messages.failure(None, sentence, details)

    logs.install_exception_hook(show)
    defect_hook = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if isinstance(error, PeerDeskError):
            report(str(error))
        else:
            defect_hook(kind, error, tb)

    sys.excepthook = hook
    try:
        yield
    finally:
        sys.excepthook = previous


def _start_log(paths: Paths) -> None:
    from peerdesk import logs

    try:
        logs.setup_logging(paths.log_dir)
    except OSError:
        log.warning("No log file: %s cannot be written", paths.log_dir)


def _remove_database_files(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        candidate.unlink(missing_ok=True)


# What the first-run welcome ended with.
NAMED, RESTORE_INSTEAD, CLOSED = "named", "restore", "closed"


def _welcome(db: Database, actor: Actor) -> str:
    """First run: the welcome names the house (``NAMED``), or the person chose to restore a
    backup instead (``RESTORE_INSTEAD``) or closed it (``CLOSED``)."""
    from peerdesk.core.services import settings as settings_service
    from peerdesk.ui.dialogs.welcome import WelcomeDialog

    while True:
        choice = WelcomeDialog.ask(None)
        if choice is None:
            return CLOSED
        if choice.restore:
            return RESTORE_INSTEAD
        try:
            with db.begin() as s:
                settings_service.name_house(s, actor, choice.house_name)
            return NAMED
        except PeerDeskError as exc:
            messages.warning(None, APP_NAME, str(exc))


def _restore_instead(db: Database, paths: Paths, is_new: bool) -> int:
    """The welcome's "Restore a backup instead": the restore wizard onto this PC, then
    ``REBUILD``, so the loop opens the restored house (and its sign-in), or the welcome again
    when nothing was restored."""
    from peerdesk.ui.dialogs.restore import restore_onto_this_pc

    if is_new:
        # The file made a moment ago holds nothing: without it this is the new-PC restore,
        # with nothing to replace and no safety copy to make.
        db.close()
        _remove_database_files(paths.db)
    restore_onto_this_pc(build_context(db, paths, open_settings(paths)))
    return REBUILD


def _build_demo(db: Database, actor: Actor) -> tuple[str | None, str]:
    """Fill the demo database (one account per role), with a progress dialog; the problem
    sentence or None, and the demo accounts' password."""
    from peerdesk.core.demo import build_demo_house
    from peerdesk.ui.workers import BackgroundTask

    def work(progress: Callable[[float], None], _cancelled: Callable[[], bool]) -> object:
        return build_demo_house(
            db,
            beds=DEMO_BEDS,
            years=DEMO_YEARS,
            seed=DEMO_SEED,
            actor=actor,
            progress=progress,
            with_accounts=True,
        )

    task = BackgroundTask(
        work,
        title=QApplication.translate("app", "PeerDesk demo"),
        label=QApplication.translate("app", "Building a demo house to explore…"),
        cancellable=False,
    )
    task.start()
    outcome = task.wait(timeout_ms=10 * 60 * 1000)
    if outcome is None:
        return QApplication.translate("app", "The demo house took too long to build."), ""
    return outcome.error, getattr(outcome.result, "password", "")


def run_gui(
    paths: Paths,
    *,
    demo: bool = False,
    self_test: bool = False,
    out: TextIO | None = None,
    user: str | None = None,
) -> int:
    """Open the window on ``paths.db`` (or a new demo house); the process exit status.

    With ``self_test`` the window is opened, every tab and form visited, one line printed per
    check, and the status is 0 when all passed, 1 otherwise (nothing waits for a person).
    ``user`` is the ``--user`` of the command line: filled in at the sign-in, and the account
    the self-test signs in as (with ``PEERDESK_PASSWORD``).
    """
    out = out or sys.stdout
    app = make_application()

    problems: list[str] = []

    def report(sentence: str) -> None:
        if self_test:
            # Nobody is there to read a message box; an error during the self-test fails it.
            problems.append(sentence)
            print(sentence, file=sys.stderr)
        else:
            messages.error(None, APP_NAME, sentence)

    demo_dir: Path | None = None
    if demo:
        demo_dir = Path(tempfile.mkdtemp(prefix="peerdesk-demo-"))
        paths = paths.with_db(demo_dir / DB_FILENAME)

    _start_log(paths)
    with _defects_reported(report, self_test):
        lock = lock_database(paths)
        if lock is None:
            report(
                QApplication.translate(
                    "app",
                    "PeerDesk is already open on this database ({path}). Switch to that "
                    "window, or close it before opening PeerDesk again.",
                ).format(path=paths.db)
            )
            return 1
        try:
            code = _run_until_done(
                lambda first: _open_and_run_window(
                    app,
                    paths,
                    demo=demo and first,
                    self_test=self_test,
                    out=out,
                    report=report,
                    user=user,
                )
            )
            if self_test and problems and code == 0:
                print(f"FAIL errors during the self-test: {' '.join(problems)}", file=out)
                return 1
            return code
        finally:
            lock.unlock()
            if demo_dir is not None:
                shutil.rmtree(demo_dir, ignore_errors=True)


# What _run_window answers when the window closed asking to be built again (see
# UiContext.request_rebuild): a restore replaced the database file under it.
REBUILD = -1


def _run_until_done(run: Callable[[bool], int]) -> int:
    """Run the window (``run(first)``) again each time it closes asking to be rebuilt.

    Each round opens the database afresh and builds a new window (a sign-in or a welcome
    step included), so nothing from before the file was replaced is still holding it.
    """
    first = True
    while (code := run(first)) == REBUILD:
        log.info("The window asked to be built again on its database")
        first = False
    return code


def _open_and_run_window(
    app: QApplication,
    paths: Paths,
    *,
    demo: bool,
    self_test: bool,
    out: TextIO,
    report: Callable[[str], None],
    user: str | None,
) -> int:
    is_new = not paths.db.exists() or paths.db.stat().st_size == 0
    try:
        db = Database.open(paths.db)
    except DatabaseError as exc:
        report(str(exc))
        return 1
    if not demo:  # a demo house is thrown away: nothing of it stays in the config folder
        from peerdesk.core.audit_anchor import keep_anchor

        keep_anchor(db, paths.config_dir, new_house=is_new)
    try:
        return _run_window(
            app,
            db,
            paths,
            demo=demo,
            self_test=self_test,
            out=out,
            is_new=is_new,
            report=report,
            user=user,
        )
    finally:
        db.close()


def _run_window(
    app: QApplication,
    db: Database,
    paths: Paths,
    *,
    demo: bool,
    self_test: bool,
    out: TextIO,
    is_new: bool,
    report: Callable[[str], None],
    user: str | None,
) -> int:
    from peerdesk.core.services import settings as settings_service

    actor = Actor.local_administrator()
    demo_password = ""
    if demo:
        problem, demo_password = _build_demo(db, actor)
        if problem is not None:
            report(problem)
            return 1
    else:
        with db.read() as s:
            named = settings_service.get_settings(s).is_named
        welcome = NAMED if named or self_test else _welcome(db, actor)
        if welcome == RESTORE_INSTEAD:
            return _restore_instead(db, paths, is_new)
        if welcome == CLOSED:
            if is_new:
                # The person closed the welcome: leave no half-made database behind.
                db.close()
                _remove_database_files(paths.db)
            return 0

    signed_in = _sign_in(db, paths, is_new, demo_password, self_test, user, report)
    if signed_in is None:
        return 1 if self_test else 0
    ctx = build_context(
        db,
        paths,
        open_settings(paths),
        actor=signed_in,
        is_demo=demo,
        demo_password=demo_password,
    )
    try:
        # The remembered text size, before anything is laid out (View → Text size).
        from peerdesk.ui.features import text_size

        text_size.apply(text_size.remembered(ctx.settings))
        window = build_window(ctx)
    except PeerDeskError as exc:
        report(str(exc))
        return 1
    except Exception:
        log.exception("The window could not be built")
        report(
            QApplication.translate(
                "app",
                "PeerDesk could not open its window; nothing was changed. The details are "
                "in {path}.",
            ).format(path=paths.log_file)
        )
        return 1
    if self_test:
        from peerdesk.ui.self_test import run_self_test

        try:
            return run_self_test(window, out)
        finally:
            dispose_window(window)
    window.show()
    try:
        code = app.exec()
    finally:
        dispose_window(window)
    return REBUILD if ctx.rebuild_requested else code


def _sign_in(
    db: Database,
    paths: Paths,
    is_new: bool,
    demo_password: str,
    self_test: bool,
    user: str | None,
    report: Callable[[str], None],
) -> Actor | None:
    """Who the window opens for: the first administrator or a sign-in (audited), before any
    record is shown; None when nobody signed in. A new house whose first administrator was
    not made is removed, as when the welcome is closed."""
    from peerdesk.ui.start import sign_in_at_start

    actor = sign_in_at_start(
        db,
        is_new=is_new,
        demo_password=demo_password,
        self_test=self_test,
        user=user,
        report=report,
    )
    if actor is None and is_new and not self_test and not demo_password:
        db.close()
        _remove_database_files(paths.db)
    return actor


def dispose_window(window: QWidget) -> None:
    """Destroy the window and everything it made while the QApplication still exists.

    Left to the garbage collector at interpreter exit, widgets outlive the application
    object and Qt crashes on the way out.
    """
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
