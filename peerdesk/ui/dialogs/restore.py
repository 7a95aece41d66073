"""Restore a backup: a wizard that chooses, opens, checks and compares before anything changes.

1. Choose the backup (the drive used last is looked in first; this PC's automatic backups
   and any file can be chosen too).
2. Open it: its passphrase, the recovery key from the printed sheet, or this PC's own key.
3. Check it through on a worker thread (nothing on this PC changes).
4. Show what is in it beside what is on this PC now, and ask in plain words.

The wizard returns a :class:`RestoreRequest`; :func:`start_restore` then does the restore with
the window's database closed, and the window is built again on the restored file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import backup
from peerdesk.core.errors import BackupError, PeerDeskError
from peerdesk.core.house_identity import shown
from peerdesk.core.permissions import Action
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.backup import (
    Job,
    UnlockPanel,
    WorkProgress,
    list_drives,
    local_key,
    mounted_volumes,
    outcome_banner,
    remembered_folder,
    size_text,
    when_text,
)
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.widgets.forms import MessageBanner, buddy_label, hint_label
from peerdesk.ui.workers import Cancelled, Progress


def _tr(text: str) -> str:
    return QCoreApplication.translate("restore", text)


KIND_TEXT = {
    "usb": "USB backup",
    "automatic": "Automatic (made on a PC)",
    "safety": "Safety copy before a restore",
}


def usb_backup_folder() -> Path | None:
    """The PeerDesk backup folder on a USB drive plugged in now, if there is one."""
    for drive in list_drives(mounted_volumes()):
        if drive.removable and drive.folder.is_dir():
            return drive.folder
    return None


@dataclass(frozen=True)
class RestoreRequest:
    """A backup checked and confirmed in the wizard, ready to restore."""

    path: Path
    unlock: backup.Unlock
    preview: backup.RestorePreview


class RestoreWizard(FormDialog):
    """Four steps to a restore that the person has seen and agreed to."""

    asks_before_discarding = False  # a job's options, not records

    CHOOSE, UNLOCK, CHECK, CONFIRM = range(4)

    def __init__(
        self, parent: QWidget | None, ctx: UiContext, *, folder: Path | None = None
    ) -> None:
        super().__init__(parent, ctx, _tr("Restore a backup"))
        self.setObjectName("restoreWizard")
        self.folder = (
            folder or remembered_folder(ctx) or usb_backup_folder() or ctx.paths.local_backup_dir
        )
        self.info: backup.BackupInfo | None = None
        self.preview: backup.RestorePreview | None = None
        self.unlock_used: backup.Unlock | None = None
        self.request: RestoreRequest | None = None
        self._run: Job | None = None

        self.step_title = QLabel(self.body)
        font = QFont(self.step_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.step_title.setFont(font)
        self.steps = QStackedWidget(self.body)
        self.steps.addWidget(self._build_choose())
        self.steps.addWidget(self._build_unlock())
        self.steps.addWidget(self._build_check())
        self.steps.addWidget(self._build_confirm())
        column = QVBoxLayout(self.body)
        column.addWidget(self.step_title)
        column.addWidget(self.steps, 1)

        self.back_button = QPushButton(_tr("< Bac&k"), self)
        self.back_button.setAccessibleName(_tr("Back"))
        self.buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.back_button.clicked.connect(self._on_back_button_clicked)

        if not ctx.actor.may(Action.RESTORE):
            self.show_refusal(_tr("Only an administrator may restore a backup."))
        self.show_folder(self.folder)
        self.go_to(self.CHOOSE)
        self.fit_to_screen(QSize(720, 560))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> RestoreRequest | None:
        """Show the wizard; the backup to restore once checked and confirmed, or None."""
        wizard = cls(parent, ctx)
        wizard.exec()
        return wizard.request

    # ----------------------------------------------------------------- step 1: choose

    def _build_choose(self) -> QWidget:
        page = QWidget()
        self.folder_label = QLabel(page)
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)
        self.found = QTreeWidget(page)
        self.found.setColumnCount(4)
        self.found.setHeaderLabels([_tr("Made"), _tr("House"), _tr("Kind"), _tr("Size")])
        self.found.setRootIsDecorated(False)
        self.found.setAllColumnsShowFocus(True)
        self.found.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.found.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the house's name
        header.setStretchLastSection(False)
        self.found.setAccessibleName(_tr("Backups found"))
        found_label = buddy_label(_tr("&Backups found:"), self.found, page)
        self.none_found = hint_label("", page)
        self.other_folder = QPushButton(_tr("Look in another &folder…"), page)
        self.other_folder.setAccessibleName(_tr("Look in another folder"))
        self.automatic_folder = QPushButton(_tr("This PC's &automatic backups"), page)
        self.automatic_folder.setAccessibleName(_tr("This PC's automatic backups"))
        self.any_file = QPushButton(_tr("Choose a backup f&ile…"), page)
        self.any_file.setAccessibleName(_tr("Choose a backup file"))
        note = hint_label(
            _tr(
                "USB backups are files named PeerDesk-(house)-(date and time).pdbk; the newest "
                "is at the top. Automatic backups are made on this PC when PeerDesk closes "
                "and every half hour while it is open."
            ),
            page,
        )
        # The USB drives plugged in now, one button each (a new PC has nothing of its own).
        self.drives_row = QHBoxLayout()
        self.drives_label = QLabel(_tr("USB drives:"), page)
        self.look_again = QPushButton(_tr("&Look again"), page)
        self.look_again.setAccessibleName(_tr("Look again for USB drives"))
        self.look_again.clicked.connect(self.refresh_drives)
        self.drive_buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.addWidget(self.other_folder)
        row.addWidget(self.automatic_folder)
        row.addWidget(self.any_file)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.folder_label)
        layout.addWidget(found_label)
        layout.addWidget(self.found, 1)
        layout.addWidget(self.none_found)
        layout.addLayout(self.drives_row)
        layout.addLayout(row)
        layout.addWidget(note)
        self.refresh_drives()
        self.found.currentItemChanged.connect(self._on_found_current_item_changed)
        self.found.itemActivated.connect(lambda *_: self.accept())
        self.other_folder.clicked.connect(self._on_other_folder_clicked)
        self.automatic_folder.clicked.connect(self._on_automatic_folder_clicked)
        self.any_file.clicked.connect(self._on_any_file_clicked)
        return page

    def refresh_drives(self) -> None:
        """One button for each USB drive plugged in now; it shows that drive's backups."""
        while self.drives_row.count():
            item = self.drives_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget not in (self.drives_label, self.look_again):
                widget.deleteLater()
        self.drive_buttons = []
        self.drives_row.addWidget(self.drives_label)
        drives = [d for d in list_drives(mounted_volumes()) if d.removable]
        for drive in drives:
            button = QPushButton(drive.title, self.drives_label.parentWidget())
            button.setAccessibleName(_tr("Backups on {drive}").format(drive=drive.title))
            where = drive.folder if drive.folder.is_dir() else drive.root
            button.clicked.connect(lambda _checked=False, w=where: self.show_folder(w))
            self.drives_row.addWidget(button)
            self.drive_buttons.append(button)
        if not drives:
            self.drives_label.setText(_tr("USB drives: none plugged in."))
        else:
            self.drives_label.setText(_tr("USB drives:"))
        self.drives_row.addWidget(self.look_again)
        self.drives_row.addStretch(1)

    def show_folder(self, folder: Path) -> None:
        """List the backups in ``folder``, newest first."""
        self.folder = folder
        self.folder_label.setText(_tr("Looking in {folder}").format(folder=folder))
        self.found.clear()
        found = backup.list_backups(folder) if folder.is_dir() else []
        for info in found:
            item = QTreeWidgetItem(
                [
                    when_text(info.created_at),
                    info.house_name or _tr("(no name yet)"),
                    _tr(KIND_TEXT.get(info.kind, info.kind)),
                    size_text(info.file_size),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, str(info.path))
            item.setToolTip(0, info.path.name)
            self.found.addTopLevelItem(item)
        self._infos = {str(i.path): i for i in found}
        if found:
            self.none_found.hide()
            self.found.setCurrentItem(self.found.topLevelItem(0))
        else:
            self.none_found.setText(
                _tr(
                    "There are no PeerDesk backups in this folder. Plug in the USB drive, or "
                    "look in another folder."
                )
                if folder.is_dir()
                else _tr(
                    "This PC has no automatic backups yet. Plug in the USB drive with the "
                    "house's backup and choose it under USB drives (Look again once it is in)."
                )
                if folder == self.ctx.paths.local_backup_dir
                else _tr(
                    "The folder is not there (is the USB drive plugged in?). Plug it in, or "
                    "look in another folder."
                )
            )
            self.none_found.show()
            self.set_backup(None)

    def set_backup(self, info: backup.BackupInfo | None) -> None:
        self.info = info
        self.preview = None
        self._update_buttons()

    def choose_folder(self) -> Path | None:
        """Ask for a folder (tests replace this)."""
        chosen = QFileDialog.getExistingDirectory(
            self, _tr("Where are the backups?"), str(self.folder)
        )
        return Path(chosen) if chosen else None

    def choose_file(self) -> Path | None:
        """Ask for a backup file (tests replace this)."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _tr("Choose a backup"),
            str(self.folder),
            _tr("PeerDesk backups (*.pdbk);;All files (*)"),
        )
        return Path(chosen) if chosen else None

    def _on_found_current_item_changed(self, item: QTreeWidgetItem | None, *_: object) -> None:
        if item is None:
            return
        self.banner.clear_message()
        self.set_backup(self._infos.get(item.data(0, Qt.ItemDataRole.UserRole)))

    def _on_other_folder_clicked(self) -> None:
        folder = self.choose_folder()
        if folder is not None:
            self.show_folder(folder)

    def _on_automatic_folder_clicked(self) -> None:
        self.show_folder(self.ctx.paths.local_backup_dir)

    def _on_any_file_clicked(self) -> None:
        path = self.choose_file()
        if path is not None:
            self.choose_path(path)

    def choose_path(self, path: Path) -> None:
        """Take one file: its header is read now, so a damaged file is named before any
        passphrase is asked for."""
        self.show_folder(path.parent)
        for index in range(self.found.topLevelItemCount()):
            item = self.found.topLevelItem(index)
            if item is not None and Path(item.data(0, Qt.ItemDataRole.UserRole)) == path:
                self.found.setCurrentItem(item)
                return
        # Not listed: not a whole backup. Say why.
        self.found.setCurrentIndex(QModelIndex())
        self.set_backup(None)
        try:
            backup.read_backup_info(path)
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
        else:  # listed backups are the readable ones; this is only a safety net
            self.banner.show_message(_tr("{name} cannot be used.").format(name=path.name))

    # ----------------------------------------------------------------- step 2: unlock

    def _build_unlock(self) -> QWidget:
        page = QWidget()
        self.chosen_label = QLabel(page)
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unlock_panel = UnlockPanel(page)
        self.unlock_message = MessageBanner(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chosen_label)
        layout.addSpacing(6)
        layout.addWidget(self.unlock_panel)
        layout.addWidget(self.unlock_message)
        layout.addStretch(1)
        return page

    # ----------------------------------------------------------------- step 3: check

    def _build_check(self) -> QWidget:
        page = QWidget()
        explain = QLabel(
            _tr(
                "PeerDesk opens the backup and checks every part of it and the records "
                "inside. Nothing on this PC changes yet."
            ),
            page,
        )
        explain.setWordWrap(True)
        self.progress = WorkProgress(page)
        self.check_outcome = outcome_banner(page)
        self.check_hint = hint_label(
            _tr(
                "Press Back to type the passphrase again, to use the recovery key instead, or "
                "to choose another backup."
            ),
            page,
        )
        self.check_hint.hide()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(explain)
        layout.addSpacing(6)
        layout.addWidget(self.progress)
        layout.addWidget(self.check_outcome)
        layout.addWidget(self.check_hint)
        layout.addStretch(1)
        return page

    def start_check(self) -> None:
        """Verify the chosen backup on a worker thread and read what the PC has now."""
        assert self.info is not None
        assert self.unlock_used is not None
        path, unlock, paths = self.info.path, self.unlock_used, self.ctx.paths

        def work(progress: Progress, cancelled: Cancelled) -> backup.RestorePreview:
            return backup.preview_restore(
                path, unlock, paths, progress=progress, cancelled=cancelled
            )

        self.preview = None
        self.check_outcome.clear_message()
        self.check_hint.hide()
        self.progress.start(_tr("Checking every part of the backup…"))
        run = Job(work, self)
        run.task.progressed.connect(lambda f: self.progress.set_fraction(f))
        run.task.finished.connect(self._on_check_finished)
        self._run = run
        self._update_buttons()
        run.task.start()

    def wait(self, timeout_ms: int = 60_000) -> None:
        """Run events until the check started has ended (for tests and the screenshots)."""
        if self._run is not None:
            self._run.task.wait(timeout_ms)

    @property
    def is_running(self) -> bool:
        return self._run is not None and self._run.is_running

    def _on_check_finished(self) -> None:
        run = self._run
        assert run is not None
        self.progress.hide()
        outcome = run.task.outcome
        if isinstance(run.result, backup.RestorePreview):
            self.preview = run.result
            self.show_preview(run.result)
            self.go_to(self.CONFIRM)
            return
        if outcome is not None and outcome.error:
            self.check_outcome.show_message(outcome.error, "error")
            self.check_outcome.setAccessibleDescription(outcome.error)
            self.check_hint.show()
        else:
            self.check_outcome.show_message(_tr("The check was stopped."), "info")
        self._update_buttons()

    # ----------------------------------------------------------------- step 4: confirm

    def _build_confirm(self) -> QWidget:
        page = QWidget()
        self.verified_line = MessageBanner(page)
        self.question = QLabel(page)
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.question.font())
        font.setBold(True)
        self.question.setFont(font)
        self.table = QGridLayout()
        self.table.setHorizontalSpacing(24)
        self.table.setVerticalSpacing(4)
        self.warnings = MessageBanner(page)
        self.explain = QLabel(page)
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.TextFormat.PlainText)
        self.agree = QCheckBox(_tr("&Yes, replace the records on this PC with this backup"), page)
        self.agree.setAccessibleName(_tr("Yes, replace the records on this PC with this backup"))
        self.agree.toggled.connect(lambda _on: self._update_buttons())
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.verified_line)
        layout.addWidget(self.question)
        layout.addLayout(self.table)
        layout.addWidget(self.warnings)
        layout.addWidget(self.explain)
        layout.addWidget(self.agree)
        layout.addStretch(1)
        return page

    def _cell(self, text: str, row: int, column: int, *, bold: bool = False) -> None:
        label = QLabel(text, self.steps.widget(self.CONFIRM))
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        if bold:
            font = QFont(label.font())
            font.setBold(True)
            label.setFont(font)
        self.table.addWidget(label, row, column)

    def show_preview(self, preview: backup.RestorePreview) -> None:
        """What is in the backup beside what is on this PC now, and what restoring does."""
        while self.table.count():
            item = self.table.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        made = preview.backup.summary
        now = preview.current
        when = when_text(preview.backup.info.created_at)
        house = made.house_name or _tr("the house")
        self.verified_line.show_message("✔ " + _tr("The backup is whole and opens."), "success")
        self.question.setText(
            _tr("Restore {house} as it was on {when}?").format(house=house, when=when)
        )
        self._cell("", 0, 0)
        self._cell(_tr("In the backup"), 0, 1, bold=True)
        self._cell(_tr("On this PC now"), 0, 2, bold=True)
        rows: list[tuple[str, Callable[[backup.HouseSummary], str]]] = [
            (_tr("House"), lambda h: h.house_name or _tr("(no name yet)")),
            (
                _tr("Residents"),
                lambda h: _tr("{n} ({active} in the house)").format(
                    n=f"{h.residents:,}", active=f"{h.active_residents:,}"
                ),
            ),
            (_tr("Peer mentors"), lambda h: f"{h.mentors:,}"),
            (_tr("Sessions"), lambda h: f"{h.peer_sessions:,}"),
            (_tr("Attendances"), lambda h: f"{h.attendance:,}"),
            (_tr("Assessments"), lambda h: f"{h.assessments:,}"),
            (_tr("Supervision notes"), lambda h: f"{h.supervision_notes:,}"),
        ]
        rows.insert(1, (_tr("House ID"), lambda h: shown(h.house_id)))
        self._cell(_tr("Made"), 1, 0, bold=True)
        self._cell(when, 1, 1)
        self._cell(_tr("now") if now is not None else "—", 1, 2)
        for number, (name, show) in enumerate(rows, start=2):
            self._cell(name, number, 0, bold=True)
            self._cell(show(made), number, 1)
            self._cell(show(now) if now is not None else "—", number, 2)
        self.table.setColumnStretch(1, 1)
        self.table.setColumnStretch(2, 1)

        # A new PC: the house was only named at the welcome, nothing recorded yet.
        empty_here = now is not None and not (
            now.residents or now.mentors or now.peer_sessions or now.supervision_notes
        )
        warnings = []
        if now is None and preview.current_problem:
            warnings.append(preview.current_problem)
        if preview.other_house:
            warnings.append(preview.other_house_sentence())
            self.agree.setText(
                _tr("&Yes, put {backup} in place of {here} on this PC").format(
                    backup=made.house_name or _tr("that house"),
                    here=(now.house_name if now is not None else "") or _tr("this house"),
                )
            )
        else:
            self.agree.setText(_tr("&Yes, replace the records on this PC with this backup"))
        self.agree.setAccessibleName(self.agree.text().replace("&", ""))
        if now is not None and (
            now.residents > made.residents
            or now.peer_sessions > made.peer_sessions
            or now.assessments > made.assessments
            or now.supervision_notes > made.supervision_notes
        ):
            warnings.append(
                _tr(
                    "This PC has records the backup does not: whatever was added or changed "
                    "after {when} will no longer be in PeerDesk (it stays in the safety copy)."
                ).format(when=when)
            )
        if warnings:
            self.warnings.show_message("\n".join(warnings), "error")
        else:
            self.warnings.clear_message()
        if (now is None and not preview.current_problem) or empty_here:
            self.explain.setText(
                _tr(
                    "There are no records on this PC yet, so nothing of the house's is "
                    "replaced. After the restore PeerDesk opens again on the restored records."
                )
            )
        else:
            self.explain.setText(
                _tr(
                    "Restoring replaces all the records on this PC with the ones in the "
                    "backup. First PeerDesk keeps a safety copy of what is on this PC now (in "
                    "{folder}), so nothing is lost for good. Then this window closes and opens "
                    "again on the restored records."
                ).format(folder=self.ctx.paths.local_backup_dir)
            )
        self.agree.setChecked(False)

    # ----------------------------------------------------------------- moving between steps

    TITLES = (
        "Step 1 of 4: Choose the backup",
        "Step 2 of 4: Open it",
        "Step 3 of 4: Check it",
        "Step 4 of 4: Restore it?",
    )

    @property
    def step(self) -> int:
        return self.steps.currentIndex()

    def go_to(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        self.step_title.setText(_tr(self.TITLES[step]))
        if step == self.UNLOCK and self.info is not None:
            self.chosen_label.setText(
                _tr("{name}, made on {when}: {house}.").format(
                    name=self.info.path.name,
                    when=when_text(self.info.created_at),
                    house=self.info.summary.describe(),
                )
            )
            self.unlock_message.clear_message()
            self.unlock_panel.set_backup(self.info, local_key(self.ctx))
            self.unlock_panel.secret.setFocus()
        elif step == self.CHOOSE:
            self.found.setFocus()
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.step
        refused = self.banner.kind == "info"  # show_refusal: nothing here may be done
        running = self.is_running
        self.back_button.setEnabled(step > self.CHOOSE and not running)
        self.back_button.setVisible(step > self.CHOOSE)
        if step == self.CONFIRM:
            self.set_ok_text(_tr("&Restore"))
            ready = self.preview is not None and self.agree.isChecked()
        else:
            self.set_ok_text(_tr("&Next >"))
            ready = {
                self.CHOOSE: self.info is not None,
                self.UNLOCK: self.info is not None,
                self.CHECK: self.preview is not None,
            }[step]
        self.ok_button.setEnabled(ready and not running and not refused)
        self.cancel_button.setText(_tr("Cancel"))

    def _on_back_button_clicked(self) -> None:
        if self.is_running:
            return
        if self.step == self.CONFIRM:
            self.go_to(self.UNLOCK)  # checking again goes through the secret again
        elif self.step > self.CHOOSE:
            self.go_to(self.step - 1)

    def accept(self) -> None:
        """Next (or Restore on the last step)."""
        if not self.ok_button.isEnabled() or self.is_running:
            return
        step = self.step
        if step == self.CHOOSE:
            self.go_to(self.UNLOCK)
        elif step == self.UNLOCK:
            try:
                self.unlock_used = self.unlock_panel.unlock()
            except PeerDeskError as exc:
                self.unlock_message.show_message(str(exc), "error")
                self.unlock_panel.secret.setFocus()
                return
            self.unlock_message.clear_message()
            self.go_to(self.CHECK)
            self.start_check()
        elif step == self.CHECK:
            self.go_to(self.CONFIRM)
        else:
            assert self.info is not None
            assert self.preview is not None
            assert self.unlock_used is not None
            self.request = RestoreRequest(self.info.path, self.unlock_used, self.preview)
            self.done(QDialog.DialogCode.Accepted)

    def reject(self) -> None:
        """Cancel; while the check runs, stop it first."""
        if self.is_running:
            assert self._run is not None
            self._run.task.cancel()
            return
        super().reject()


# --------------------------------------------------------------------------- the restore


class RestoreRun(QObject):
    """The restore itself, with the window's database closed, on a worker thread.

    ``ended(result)`` carries the :class:`~peerdesk.core.backup.RestoreResult`, or None when
    the restore failed or was stopped (the sentence was shown; the records on this PC are as
    they were, and the window goes on as before).
    """

    ended = Signal(object)

    def __init__(self, parent: QWidget | None, ctx: UiContext, request: RestoreRequest) -> None:
        super().__init__(parent)
        self._parent = parent
        self.ctx = ctx
        self.request = request
        expected = request.preview.backup.info.backup_id
        paths, actor = ctx.paths, ctx.actor

        def still_the_same(preview: backup.RestorePreview) -> bool:
            if preview.backup.info.backup_id != expected:
                raise BackupError(
                    _tr(
                        "The backup file changed after it was checked, so nothing was "
                        "restored; start the restore again."
                    )
                )
            return True

        def work(progress: Progress, cancelled: Cancelled) -> backup.RestoreResult:
            return backup.restore_backup(
                request.path,
                request.unlock,
                paths,
                actor=actor,
                confirm=still_the_same,
                progress=progress,
                cancelled=cancelled,
            )

        self.job = Job(
            work,
            parent,
            show_progress=True,
            title=_tr("Restoring a backup"),
            label=_tr("Restoring the backup made on {when}… Keep the USB drive plugged in.").format(
                when=when_text(request.preview.backup.info.created_at)
            ),
            minimum_duration_ms=0,
        )
        self.job.task.finished.connect(self._on_task_finished)

    def start(self) -> None:
        """Close the window's database (a restore swaps the file) and restore."""
        self.ctx.db.close()
        self.job.task.start()

    def wait(self, timeout_ms: int = 120_000) -> None:
        self.job.task.wait(timeout_ms)

    def _on_task_finished(self) -> None:
        result = self.job.result
        outcome = self.job.task.outcome
        if isinstance(result, backup.RestoreResult):
            lines = [
                _tr("The backup made on {when} is restored: {summary}.").format(
                    when=when_text(result.backup.created_at), summary=result.restored.describe()
                )
            ]
            if result.safety_copy is not None:
                lines.append(
                    _tr("The records that were on this PC are kept in {path}.").format(
                        path=result.safety_copy
                    )
                )
            lines.append(_tr("PeerDesk now opens again on the restored records."))
            messages.info(self._parent, _tr("Backup restored"), "\n\n".join(lines))
            self.ended.emit(result)
            return
        if outcome is not None and outcome.error:
            messages.error(self._parent, _tr("Restore a backup"), outcome.error)
        else:
            messages.info(
                self._parent,
                _tr("Restore a backup"),
                _tr("The restore was stopped; the records on this PC are as they were."),
            )
        self.ended.emit(None)


def restore_onto_this_pc(ctx: UiContext) -> bool:
    """The welcome's "Restore a backup instead" on a PC with no house yet: the wizard, then
    the restore, before any window exists. True once a house was restored (PeerDesk then
    opens on it and asks who is there, with the accounts that came with the backup)."""
    request = RestoreWizard.ask(None, ctx)
    if request is None:
        return False
    run = RestoreRun(None, ctx, request)
    loop = QEventLoop()
    ended: list[object] = []

    def on_ended(result: object) -> None:
        ended.append(result)
        loop.quit()

    run.ended.connect(on_ended)
    run.start()
    if not ended:
        loop.exec()
    return ended[0] is not None
