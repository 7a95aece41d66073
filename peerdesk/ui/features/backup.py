"""Backups from the window.

- House → Back up to USB drive… (and a toolbar button), Verify a backup…, Restore a
  backup… and Recovery sheet… (administrators).
- Automatic local backups: when the window closes, and at most every 30 minutes while it is
  open, only when something changed (the core decides); quietly on a worker thread, failures
  to the log and the status bar, never in the person's way.
- The Home tab's backup warning opens the Backup dialog.
- A restore closes the window's database, swaps the file, and asks for the window to be built
  again on the restored records (:meth:`~peerdesk.ui.context.UiContext.request_rebuild`).

Dialogs and the backup core are imported when first used, so start-up stays quick.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QAction

from peerdesk.core.permissions import Action

if TYPE_CHECKING:
    from peerdesk.core.backup import BackupResult
    from peerdesk.ui.dialogs.backup import Job
    from peerdesk.ui.dialogs.restore import RestoreRun
    from peerdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# How often the window asks whether an automatic backup is due. The core says yes only when
# something changed and the last automatic backup is at least 30 minutes old.
CHECK_EVERY_MS = 5 * 60 * 1000
# The longest the window waits, when closing, for the automatic backup to finish.
CLOSING_WAIT_MS = 10 * 60 * 1000


def _tr(text: str) -> str:
    return QCoreApplication.translate("BackupFeature", text)


def install(window: MainWindow) -> None:
    BackupFeature(window)


class BackupFeature(QObject):
    """The menu entries, the toolbar button and the Home link of backups."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("backupFeature")
        self.window = window
        self.ctx = window.ctx
        self.restore_run: RestoreRun | None = None

        self.backup_action = window.add_action(
            _tr("&Back up to USB drive…"),
            self.back_up,
            "Ctrl+Shift+B",
            tip=_tr("Make an encrypted, checked backup of the house on a USB drive"),
        )
        self.backup_action.setIconText(_tr("Back up"))
        self.verify_action = window.add_action(
            _tr("&Verify a backup…"),
            self.verify,
            tip=_tr("Check that a backup file is whole and opens, without restoring it"),
        )
        self.restore_action = window.add_action(
            _tr("&Restore a backup…"),
            self.restore,
            tip=_tr("Bring back the house's records from a backup"),
        )
        self.recovery_action = window.add_action(
            _tr("Recovery &sheet…"),
            self.recovery_sheet,
            tip=_tr("Make the printed recovery key that opens backups without the passphrase"),
        )
        house = window.menu("house")
        house.addAction(self.backup_action)
        house.addAction(self.verify_action)
        house.addAction(self.restore_action)
        house.addSeparator()
        house.addAction(self.recovery_action)
        window.toolbar.addAction(self.backup_action)
        button = window.toolbar.widgetForAction(self.backup_action)
        if button is not None:
            button.setAccessibleName(_tr("Back up to USB drive"))

        self.automatic = AutomaticBackups(window)
        window.home.record_requested.connect(self._on_home_record_requested)
        self.ctx.events.actor_changed.connect(self._on_events_actor_changed)
        self._on_events_actor_changed()

    def actions(self) -> list[QAction]:
        return [self.backup_action, self.verify_action, self.restore_action, self.recovery_action]

    def _on_events_actor_changed(self) -> None:
        actor = self.ctx.actor
        self.backup_action.setVisible(actor.may(Action.BACKUP))
        self.verify_action.setVisible(actor.may(Action.BACKUP))
        self.restore_action.setVisible(actor.may(Action.RESTORE))
        self.recovery_action.setVisible(actor.may(Action.MANAGE_SETTINGS))
        if self.ctx.is_demo:
            # The demo house lives in a throwaway folder; nothing is restored into it.
            self.restore_action.setEnabled(False)
            self.restore_action.setStatusTip(_tr("Not in the demo house"))

    def _on_home_record_requested(self, target: str, _record_id: int) -> None:
        if target == "backup":
            self.back_up()

    # ----------------------------------------------------------------- the menu

    def back_up(self) -> BackupResult | None:
        from peerdesk.ui.dialogs.backup import BackupDialog

        made = BackupDialog.ask(self.window, self.ctx)
        if made is not None:
            self.window.statusBar().showMessage(
                _tr("Backup verified: {name}").format(name=made.path.name), 15_000
            )
        return made

    def verify(self) -> None:
        from peerdesk.ui.dialogs.backup import VerifyBackupDialog

        VerifyBackupDialog.ask(self.window, self.ctx)

    def recovery_sheet(self) -> None:
        from peerdesk.ui.dialogs.recovery import RecoverySheetDialog

        RecoverySheetDialog.ask(self.window, self.ctx)

    def restore(self) -> None:
        """The wizard; then the restore with the database closed, and a new window on it."""
        from peerdesk.ui.dialogs.restore import RestoreRun, RestoreWizard

        request = RestoreWizard.ask(self.window, self.ctx)
        if request is None:
            return
        self.automatic.pause()  # nothing of ours may hold the file while it is swapped
        run = RestoreRun(self.window, self.ctx, request)
        run.ended.connect(self._on_restore_ended)
        self.restore_run = run
        run.start()

    def _on_restore_ended(self, result: object) -> None:
        if result is None:  # failed or stopped: the records are as they were, carry on
            self.automatic.resume()
            return
        self.ctx.request_rebuild()
        self.window.close()


class AutomaticBackups(QObject):
    """Automatic local backups: every few minutes the window asks whether one is due, and
    once more when it closes; each runs on a worker thread."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("automaticBackups")
        self.window = window
        self.ctx = window.ctx
        self.job: Job | None = None
        self._closed = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        window.closing.connect(self._on_window_closing)
        if self.enabled:
            self.timer.start()

    @property
    def enabled(self) -> bool:
        # The demo house is thrown away on exit; its backups would only fill the real folder.
        return not self.ctx.is_demo

    @property
    def is_running(self) -> bool:
        return self.job is not None and self.job.is_running

    def pause(self) -> None:
        """Stop asking, and let a backup that is running finish."""
        self.timer.stop()
        if self.job is not None and self.job.is_running:
            self.job.task.wait(CLOSING_WAIT_MS)

    def resume(self) -> None:
        if self.enabled and not self._closed:
            self.timer.start()

    def start(self, *, on_exit: bool) -> Job | None:
        """Start an automatic backup if one is due; the job, or None when none is."""
        from peerdesk.core import backup
        from peerdesk.ui.dialogs.backup import Job

        if self.is_running:
            return None
        db, actor, paths = self.ctx.db, self.ctx.actor, self.ctx.paths
        if not backup.automatic_backup_due(db, on_exit=on_exit):
            return None

        def work(
            progress: backup.Progress, cancelled: backup.Cancelled
        ) -> backup.BackupResult | None:
            return backup.back_up_automatically(
                db, actor, paths, on_exit=on_exit, progress=progress, cancelled=cancelled
            )

        options: dict[str, object] = {}
        if on_exit:
            options = {
                "show_progress": True,
                "title": _tr("PeerDesk"),
                "label": _tr("Making an automatic backup before closing…"),
                "minimum_duration_ms": 300,
            }
        job = Job(work, self.window, **options)
        job.task.finished.connect(lambda: self._on_job_finished(job))
        self.job = job
        job.task.start()
        return job

    def _on_timer_timeout(self) -> None:
        try:
            self.start(on_exit=False)
        except Exception as exc:  # never a crash for a backup the person did not ask for
            self._report_failure(str(exc), exc)

    def _on_job_finished(self, job: Job) -> None:
        outcome = job.task.outcome
        if outcome is not None and outcome.error:
            self._report_failure(outcome.error)
        elif job.result is not None and not self._closed:
            from peerdesk.core.backup import BackupResult
            from peerdesk.ui.dialogs.backup import when_text

            if isinstance(job.result, BackupResult):
                self.window.statusBar().showMessage(
                    _tr("Automatic backup made ({when}).").format(
                        when=when_text(job.result.info.created_at)
                    ),
                    10_000,
                )

    def _report_failure(self, sentence: str, exc: BaseException | None = None) -> None:
        if exc is None:
            log.warning("The automatic backup failed: %s", sentence)
        else:
            log.error("The automatic backup failed", exc_info=exc)
        if not self._closed:
            self.window.statusBar().showMessage(
                _tr("The automatic backup failed: {sentence}").format(sentence=sentence)
            )

    def _on_window_closing(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.timer.stop()
        try:
            if self.job is not None and self.job.is_running:
                self.job.task.wait(CLOSING_WAIT_MS)
            if not self.enabled or self.ctx.rebuild_requested:
                # A restore just replaced the file and kept a safety copy of the old one.
                return
            job = self.start(on_exit=True)
            if job is not None:
                job.task.wait(CLOSING_WAIT_MS)
        except Exception as exc:  # the window closes whatever happens here
            self._report_failure(str(exc), exc)
