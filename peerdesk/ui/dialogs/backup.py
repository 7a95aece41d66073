"""Back up to a USB drive, and check a backup: the window's side of :mod:`peerdesk.core.backup`.

The Backup dialog lists the drives the backup can go to (USB drives first), remembers the one
used last (in the INI settings, never the passphrase), asks for the passphrase twice, runs the
backup on a worker thread with a progress bar and Cancel, and ends with one big sentence:
"Verified — you can remove the USB drive." or what went wrong. The Verify dialog opens any
backup with its passphrase, the recovery key or this PC's key, and checks it through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, QStorageInfo, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import backup, clock
from peerdesk.core.errors import BackupError, PeerDeskError
from peerdesk.core.files import explain_os_error, windows_says_removable
from peerdesk.core.permissions import Action
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.widgets.forms import MessageBanner, buddy_label, hint_label
from peerdesk.ui.workers import BackgroundTask, Cancelled, Progress, WorkCancelled

# The INI key of the folder the last good backup went to.
FOLDER_SETTING = "backup/folder"
# The folder a backup goes into on a drive chosen from the list.
DRIVE_FOLDER = "PeerDesk backups"


def _tr(text: str) -> str:
    return QCoreApplication.translate("backup", text)


def size_text(size: int) -> str:
    """``14.2 GB``, ``63.1 MB``, ``812 kB``."""
    if size >= 1_000_000_000:
        return _tr("{n} GB").format(n=f"{size / 1_000_000_000:.1f}")
    if size >= 1_000_000:
        return _tr("{n} MB").format(n=f"{size / 1_000_000:.1f}")
    return _tr("{n} kB").format(n=max(size // 1000, 1))


def when_text(stamp: dt.datetime) -> str:
    """A stored UTC time as the house reads it: ``12 Jun 2026 14:30``."""
    local = clock.to_local(stamp)
    return f"{local.day} {local:%b %Y %H:%M}"


def remembered_folder(ctx: UiContext) -> Path | None:
    """The folder the last good backup from this PC went to, if any."""
    value = ctx.settings.value(FOLDER_SETTING, "")
    return Path(value) if isinstance(value, str) and value else None


def remember_folder(ctx: UiContext, folder: Path) -> None:
    ctx.settings.setValue(FOLDER_SETTING, str(folder))
    ctx.settings.sync()


# --------------------------------------------------------------------------- drives


@dataclass(frozen=True)
class Volume:
    """What Qt says about one mounted volume (plain facts, so the list can be tested)."""

    root: str
    name: str
    file_system: str
    device: str
    ready: bool
    read_only: bool
    available: int
    total: int
    is_root: bool = False
    # The operating system says the drive can be unplugged (Windows' GetDriveType; Qt cannot).
    removable_media: bool = False


@dataclass(frozen=True)
class Drive:
    """A place the Backup dialog offers: a drive's root, with its free space."""

    root: Path
    title: str
    free: int
    total: int
    removable: bool

    @property
    def folder(self) -> Path:
        """Where a backup to this drive goes: a folder of its own at the top of the drive."""
        return self.root / DRIVE_FOLDER


def mounted_volumes() -> list[Volume]:
    """Every volume mounted now (``QStorageInfo.mountedVolumes``)."""
    return [
        Volume(
            root=info.rootPath(),
            name=info.name(),
            file_system=bytes(info.fileSystemType().data()).decode("utf-8", "replace"),
            device=bytes(info.device().data()).decode("utf-8", "replace"),
            ready=info.isReady() and info.isValid(),
            read_only=info.isReadOnly(),
            available=max(info.bytesAvailable(), 0),
            total=max(info.bytesTotal(), 0),
            is_root=info.isRoot(),
            removable_media=windows_says_removable(info.rootPath()),
        )
        for info in QStorageInfo.mountedVolumes()
    ]


# File systems that hold no drive a person could choose (memory, kernel, snaps, CDs).
_NOT_DRIVES = frozenset(
    "autofs binfmt_misc bpf cgroup cgroup2 configfs debugfs devpts devtmpfs efivarfs fusectl "
    "hugetlbfs iso9660 mqueue nsfs overlay proc pstore ramfs rpc_pipefs securityfs squashfs "
    "sysfs tmpfs tracefs udf".split()
)
# Qt cannot say whether a volume is removable. USB sticks come formatted FAT32 or exFAT,
# and desktops mount removable media under these folders; together they find nearly all.
_USB_FILE_SYSTEMS = frozenset({"vfat", "exfat", "msdos", "fat", "fat12", "fat16", "fat32"})
_REMOVABLE_MOUNTS = ("/media/", "/run/media/", "/Volumes/")
_SYSTEM_MOUNTS = ("/boot", "/efi", "/snap/", "/var/snap/", "/System/Volumes/", "/private/")
_MIN_TOTAL = 16 * 1024 * 1024


def is_removable(volume: Volume) -> bool:
    """Whether a volume looks like a USB drive (Qt cannot say for certain)."""
    root = volume.root.replace("\\", "/")
    return (
        volume.removable_media
        or volume.file_system.lower() in _USB_FILE_SYSTEMS
        or root.startswith(_REMOVABLE_MOUNTS)
    )


def list_drives(volumes: Iterable[Volume]) -> list[Drive]:
    """The volumes a backup can go to (ready, writable, real drives), USB drives first."""
    drives = []
    for volume in volumes:
        root = volume.root.replace("\\", "/")
        if (
            not volume.ready
            or volume.read_only
            or volume.file_system.lower() in _NOT_DRIVES
            or volume.total < _MIN_TOTAL
            or root.startswith(_SYSTEM_MOUNTS)
            or (root.startswith(("/run/", "/dev/", "/sys/", "/proc/")) and "/media/" not in root)
        ):
            continue
        removable = is_removable(volume)
        shown_root = volume.root.rstrip("/\\") or volume.root
        label = volume.name.strip()
        if removable:
            title = (
                _tr("USB drive {label} ({root})").format(label=label, root=shown_root)
                if label
                else _tr("USB drive ({root})").format(root=shown_root)
            )
        elif volume.is_root:
            title = _tr("This PC's disk ({root})").format(root=shown_root)
        else:
            title = (
                _tr("Drive {label} ({root})").format(label=label, root=shown_root)
                if label
                else _tr("Drive ({root})").format(root=shown_root)
            )
        drives.append(
            Drive(Path(volume.root), title, volume.available, volume.total, removable=removable)
        )
    return sorted(drives, key=lambda d: (not d.removable, d.root == Path("/"), d.title.lower()))


def on_removable_drive(folder: Path, drives: Iterable[Drive]) -> bool:
    """Whether ``folder`` lies on one of the removable ``drives``."""
    return any(d.removable and (folder == d.root or d.root in folder.parents) for d in drives)


# --------------------------------------------------------------------------- shared parts


class OutcomeBanner(MessageBanner):
    """The sentence a backup, a check or a restore ends with: a success is big and bold, so
    it reads from across the office; a problem is a little larger than the text around it
    (its sentence can be long: it names the file and what to do)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupOutcome")
        self.setAccessibleName(_tr("Outcome"))
        self._base = QFont(self.font())

    def show_message(self, text: str, kind: str = "error") -> None:
        font = QFont(self._base)
        font.setPointSizeF(self._base.pointSizeF() * (1.3 if kind == "success" else 1.1))
        font.setBold(kind == "success")
        self.setFont(font)
        super().show_message(text, kind)


def outcome_banner(parent: QWidget) -> OutcomeBanner:
    """The big sentence a backup or a check ends with."""
    return OutcomeBanner(parent)


class WorkProgress(QWidget):
    """A progress bar with a line saying what is being done; hidden until work starts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setAccessibleName(_tr("Progress"))
        self.bar.setTextVisible(True)
        self.step = QLabel(self)
        self.step.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.step)
        layout.addWidget(self.bar)
        self.hide()

    def start(self, text: str) -> None:
        self.bar.setValue(0)
        self.step.setText(text)
        self.show()

    def set_fraction(self, fraction: float, text: str = "") -> None:
        self.bar.setValue(round(fraction * 1000))
        if text:
            self.step.setText(text)


class UnlockPanel(QWidget):
    """How to open an existing backup: its passphrase, the recovery key, or this PC's key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._local: backup.LocalKey | None = None
        self.ways = QLabel(self)
        self.ways.setWordWrap(True)
        self.use_passphrase = QRadioButton(_tr("The backup's &passphrase"), self)
        self.use_recovery = QRadioButton(_tr("The &recovery key from the printed sheet"), self)
        self.use_local = QRadioButton(
            _tr("This PC's own key (an a&utomatic backup made here)"), self
        )
        for button in (self.use_passphrase, self.use_recovery, self.use_local):
            button.setAccessibleName(button.text().replace("&", ""))
        self.group = QButtonGroup(self)
        for button in (self.use_passphrase, self.use_recovery, self.use_local):
            self.group.addButton(button)
        self.use_passphrase.setChecked(True)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setMinimumWidth(self.fontMetrics().averageCharWidth() * 44)
        self.secret_label = buddy_label(_tr("&Type it here:"), self.secret, self)
        self.secret.setAccessibleName(_tr("Passphrase or recovery key"))
        self.show_secret = QCheckBox(_tr("S&how what I type"), self)
        self.show_secret.setAccessibleName(_tr("Show what I type"))
        self.hint = hint_label("", self)

        row = QHBoxLayout()
        row.addWidget(self.secret_label)
        row.addWidget(self.secret, 1)
        row.addWidget(self.show_secret)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ways)
        layout.addWidget(self.use_passphrase)
        layout.addWidget(self.use_recovery)
        layout.addWidget(self.use_local)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.use_local.hide()
        self.group.buttonToggled.connect(self._on_group_button_toggled)
        self.show_secret.toggled.connect(self._on_show_secret_toggled)
        self._on_group_button_toggled()

    def set_backup(self, info: backup.BackupInfo | None, local: backup.LocalKey | None) -> None:
        """Offer the ways ``info`` opens (this PC's key only when it is the one it needs)."""
        self._local = None
        self.secret.clear()
        if info is None:
            self.ways.setText("")
            self.use_local.hide()
            return
        ways = []
        if info.opens_with_passphrase:
            ways.append(_tr("its passphrase"))
        if info.recovery_key_id:
            ways.append(_tr("the recovery key with ID {id}").format(id=info.recovery_key_id))
        if info.local_key_id and local is not None and local.key_id == info.local_key_id:
            self._local = local
            ways.append(_tr("this PC's own key"))
        elif info.local_key_id:
            ways.append(_tr("the key of the PC that made it"))
        self.ways.setText(_tr("This backup opens with {ways}.").format(ways=_tr(" or ").join(ways)))
        self.use_local.setVisible(self._local is not None)
        self.use_passphrase.setEnabled(info.opens_with_passphrase)
        self.use_recovery.setEnabled(info.recovery_key_id is not None)
        if self._local is not None:
            self.use_local.setChecked(True)
        elif info.opens_with_passphrase:
            self.use_passphrase.setChecked(True)
        else:
            self.use_recovery.setChecked(True)
        self._on_group_button_toggled()

    def unlock(self) -> backup.Unlock:
        """The secret chosen, or BackupError with one sentence about what to type."""
        if self.use_local.isChecked() and self._local is not None:
            return self._local
        text = self.secret.text()
        if self.use_recovery.isChecked():
            if not text.strip():
                raise BackupError(
                    _tr("Type the recovery key from the printed sheet (8 groups of 4).")
                )
            return backup.RecoveryKey.parse(text)
        if not text:
            raise BackupError(_tr("Type the backup's passphrase."))
        return backup.Passphrase(text)

    def _on_group_button_toggled(self, *_args: object) -> None:
        local = self.use_local.isChecked() and self.use_local.isVisible()
        recovery = self.use_recovery.isChecked()
        for widget in (self.secret, self.secret_label, self.show_secret, self.hint):
            widget.setVisible(not local)
        self.show_secret.setVisible(not local and not recovery)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.secret.setFont(mono if recovery else self.font())
        if recovery:
            self.secret.setEchoMode(QLineEdit.EchoMode.Normal)
            self.secret.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
            self.hint.setText(
                _tr(
                    "Capital or small letters both work and the dashes can be left out; "
                    "the letter O counts as zero, and I or L as one."
                )
            )
        else:
            self._on_show_secret_toggled(self.show_secret.isChecked())
            self.secret.setPlaceholderText("")
            self.hint.setText(
                _tr("Type it exactly as it was set: capital letters and spaces count.")
            )

    def _on_show_secret_toggled(self, shown: bool) -> None:
        if not self.use_recovery.isChecked():
            self.secret.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )


class Job:
    """One piece of backup work on a worker thread (:class:`BackgroundTask`), keeping its
    result even when Cancel was pressed after the work had already finished: the file was
    written or restored then, and the person must be told so, not "stopped"."""

    def __init__(
        self,
        work: Callable[[Progress, Cancelled], object],
        parent: QWidget | None,
        **task_options: Any,
    ) -> None:
        self.result: object | None = None

        def run(progress: Progress, cancelled: Cancelled) -> object:
            try:
                self.result = work(progress, cancelled)
            except backup.BackupCancelled as exc:
                raise WorkCancelled(str(exc)) from exc
            return self.result

        task_options.setdefault("show_progress", False)
        self.task = BackgroundTask(run, parent=parent, **task_options)

    @property
    def is_running(self) -> bool:
        return self.task.is_running


# --------------------------------------------------------------------------- backup


class BackupDialog(FormDialog):
    """Back the house up to a USB drive (or any folder), checked by reading it back."""

    asks_before_discarding = False  # a job's options, not records

    def __init__(
        self,
        parent: QWidget | None,
        ctx: UiContext,
        *,
        kdf: backup.KdfSettings = backup.DEFAULT_KDF,
        volumes: Callable[[], list[Volume]] = mounted_volumes,
    ) -> None:
        super().__init__(parent, ctx, _tr("Back up to a USB drive"))
        self.setObjectName("backupDialog")
        self._kdf = kdf
        self._volumes = volumes
        self._run: Job | None = None
        self._chosen_folder: Path | None = None  # a folder chosen by hand
        self.result_made: backup.BackupResult | None = None
        self.drives: list[Drive] = []

        intro = QLabel(
            _tr(
                "Plug in the house's USB drive and choose it below. PeerDesk writes one "
                "encrypted file, reads it back to check every part of it, and tells you when "
                "the drive can be removed."
            ),
            self.body,
        )
        intro.setWordWrap(True)

        self.places = QListWidget(self.body)
        self.places.setAccessibleName(_tr("Where to save the backup"))
        self.places.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.places.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.places.setUniformItemSizes(True)
        places_label = buddy_label(_tr("&Where:"), self.places, self.body)
        self.refresh_button = QPushButton(_tr("&Look again"), self.body)
        self.refresh_button.setAccessibleName(_tr("Look again for drives"))
        self.refresh_button.setToolTip(_tr("Look for drives plugged in since this opened"))
        self.folder_button = QPushButton(_tr("Choose a &folder…"), self.body)
        self.folder_button.setAccessibleName(_tr("Choose a folder"))
        self.place_note = hint_label("", self.body)

        self.passphrase = QLineEdit(self.body)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self.body)
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        passphrase_label = buddy_label(_tr("&Passphrase:"), self.passphrase, self.body)
        again_label = buddy_label(_tr("Type it a&gain:"), self.again, self.body)
        # Only an administrator seals a backup with a passphrase of their own; anyone else's
        # opens with the house's recovery key alone, so nobody takes the house home.
        self.own_passphrase = ctx.actor.may(Action.BACKUP_WITH_OWN_PASSPHRASE)
        self.show_passphrase = QCheckBox(_tr("&Show the passphrase"), self.body)
        self.show_passphrase.setAccessibleName(_tr("Show the passphrase"))
        self.rule = hint_label(
            _tr(
                "At least {n} characters; a short sentence you will remember works well. "
                "PeerDesk does not keep it anywhere: without it (or the house's recovery key) "
                "this backup cannot be opened."
            ).format(n=backup.MIN_PASSPHRASE_LENGTH),
            self.body,
        )
        self.passphrase_state = QLabel(self.body)
        self.passphrase_state.setObjectName("passphraseState")
        self.passphrase_state.setWordWrap(True)
        self.recovery_note = hint_label("", self.body)

        self.progress = WorkProgress(self.body)
        self.outcome = outcome_banner(self.body)
        self.details = QLabel(self.body)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        grid_place = QHBoxLayout()
        grid_place.addWidget(self.refresh_button)
        grid_place.addWidget(self.folder_button)
        grid_place.addStretch(1)
        column = QVBoxLayout(self.body)
        column.addWidget(intro)
        column.addSpacing(6)
        column.addWidget(places_label)
        column.addWidget(self.places)
        column.addLayout(grid_place)
        column.addWidget(self.place_note)
        column.addSpacing(6)
        column.addWidget(passphrase_label)
        column.addWidget(self.passphrase)
        column.addWidget(again_label)
        column.addWidget(self.again)
        column.addWidget(self.show_passphrase)
        column.addWidget(self.rule)
        column.addWidget(self.passphrase_state)
        column.addWidget(self.recovery_note)
        column.addSpacing(6)
        column.addWidget(self.progress)
        column.addWidget(self.outcome)
        column.addWidget(self.details)
        column.addStretch(1)

        self.verify_button = QPushButton(_tr("&Verify a backup…"), self)
        self.verify_button.setAccessibleName(_tr("Verify a backup"))
        # On the left, apart from Back up and Close.
        self.buttons.addButton(self.verify_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.set_ok_text(_tr("&Back up"))
        self.cancel_button.setText(_tr("Close"))
        self.cancel_button.setAccessibleName(_tr("Close"))
        self.cancel_button.setToolTip(_tr("Close (Esc)"))

        self.places.currentItemChanged.connect(self._on_places_current_item_changed)
        self.refresh_button.clicked.connect(self._on_refresh_button_clicked)
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.passphrase.textChanged.connect(self._on_passphrase_text_changed)
        self.again.textChanged.connect(self._on_passphrase_text_changed)
        self.show_passphrase.toggled.connect(self._on_show_passphrase_toggled)

        if not self.own_passphrase:
            for widget in (
                passphrase_label,
                self.passphrase,
                again_label,
                self.again,
                self.show_passphrase,
                self.rule,
                self.passphrase_state,
            ):
                widget.hide()
        self.read(self._load)
        self.fill_places()
        self._on_passphrase_text_changed()
        if self.own_passphrase:
            self.passphrase.setFocus()
        else:
            self.places.setFocus()
        self.fit_to_screen(QSize(640, 620))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> backup.BackupResult | None:
        """Show the dialog; the backup made (the last one, if several), or None."""
        dialog = cls(parent, ctx)
        dialog.exec()
        return dialog.result_made

    # ----------------------------------------------------------------- loading

    def _load(self, s: Session) -> None:
        if not self.ctx.actor.may(Action.BACKUP):
            self.show_refusal(
                _tr("Your account may not make backups; ask an administrator or a supervisor.")
            )
            return
        key = backup.recovery_key_info(s)
        if not self.own_passphrase:
            if key is None:
                self.show_refusal(
                    _tr(
                        "The house has no recovery key yet, and only an administrator may seal "
                        "a backup with a passphrase: ask an administrator to print the recovery "
                        "sheet (House → Recovery sheet…), or to make this backup."
                    )
                )
            else:
                self.recovery_note.setText(
                    _tr(
                        "This backup opens only with the house's recovery key (ID {id}), kept "
                        "on its printed sheet. Only an administrator may seal a backup with a "
                        "passphrase of their own."
                    ).format(id=key.key_id)
                )
            return
        if key is None:
            self.recovery_note.setText(
                _tr(
                    "The house has no recovery key yet, so if this passphrase is forgotten the "
                    "backup cannot be opened. An administrator can make one: House → Recovery "
                    "sheet…"
                )
            )
        else:
            self.recovery_note.setText(
                _tr("This backup also opens with the house's recovery key (ID {id}).").format(
                    id=key.key_id
                )
            )

    def backup_size(self) -> int:
        """About how big the backup file will be (the database and its journal)."""
        path = self.ctx.db.path
        total = 0
        for candidate in (path, path.with_name(path.name + "-wal")):
            try:
                total += candidate.stat().st_size
            except OSError:
                continue
        return total

    def fill_places(self) -> None:
        """List the drives (again), keeping the choice, or the remembered place."""
        current = self.chosen_folder()
        self.drives = list_drives(self._volumes())
        remembered = remembered_folder(self.ctx)
        wanted = current or remembered
        self.places.clear()
        needed = self.backup_size()
        select: QListWidgetItem | None = None
        for drive in self.drives:
            text = _tr("{title} — {free} free of {total}").format(
                title=drive.title, free=size_text(drive.free), total=size_text(drive.total)
            )
            if drive.free < needed * 1.1:
                text += " " + _tr("(too full: the backup needs about {size})").format(
                    size=size_text(needed)
                )
            item = QListWidgetItem(text, self.places)
            item.setData(Qt.ItemDataRole.UserRole, str(drive.folder))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            if wanted is not None and wanted == drive.folder:
                select = item
        extra = self._chosen_folder or (
            remembered if remembered is not None and remembered.is_dir() else None
        )
        if extra is not None and not any(extra == d.folder for d in self.drives):
            text = _tr("Folder {path}").format(path=extra)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, str(extra))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            self.places.insertItem(0, item)
            if wanted == extra:
                select = item
        if select is None:
            usb = [i for i in range(self.places.count()) if self._item_drive(i, removable=True)]
            if usb:
                select = self.places.item(usb[0])
        if select is not None:
            self.places.setCurrentItem(select)
        self._update_place_note(remembered)

    def _item_drive(self, row: int, *, removable: bool) -> bool:
        item = self.places.item(row)
        folder = Path(item.data(Qt.ItemDataRole.UserRole))
        return any(d.folder == folder and d.removable == removable for d in self.drives)

    def chosen_folder(self) -> Path | None:
        item = self.places.currentItem()
        if item is None:
            return None
        return Path(item.data(Qt.ItemDataRole.UserRole))

    def is_usb_choice(self) -> bool:
        folder = self.chosen_folder()
        return folder is not None and on_removable_drive(folder, self.drives)

    def _update_place_note(self, remembered: Path | None = None) -> None:
        folder = self.chosen_folder()
        if folder is None:
            if remembered is not None and not remembered.is_dir():
                self.place_note.setText(
                    _tr(
                        "The drive used last time ({path}) is not plugged in: plug it in and "
                        "press Look again, or choose another drive or folder."
                    ).format(path=remembered)
                )
            else:
                self.place_note.setText(
                    _tr("Plug in a USB drive and press Look again, or choose a folder.")
                )
            return
        if self.is_usb_choice():
            self.place_note.setText(_tr("The backup goes into {path}.").format(path=folder))
        else:
            self.place_note.setText(
                _tr(
                    "The backup goes into {path}. This is not a USB drive: a backup kept on "
                    "this PC is lost with the PC, so use a USB drive when you can."
                ).format(path=folder)
            )

    # ----------------------------------------------------------------- the passphrase

    def passphrase_problem(self) -> str:
        """What is wrong with the two passphrases typed, or "" when they will do."""
        first = self.passphrase.text()
        length = len(first)
        if length < backup.MIN_PASSPHRASE_LENGTH:
            return _tr("{n} of at least {min} characters so far.").format(
                n=length, min=backup.MIN_PASSPHRASE_LENGTH
            )
        try:
            backup.check_new_passphrase(first)
        except BackupError as exc:
            return str(exc)
        if self.again.text() != first:
            return _tr("Type the same passphrase again in the second box.")
        return ""

    def _on_passphrase_text_changed(self, *_args: object) -> None:
        problem = self.passphrase_problem()
        if problem:
            self.passphrase_state.setText(problem)
            self.passphrase_state.setStyleSheet("color: palette(placeholder-text);")
        else:
            self.passphrase_state.setText(_tr("✔ The passphrase will do."))
            self.passphrase_state.setStyleSheet("color: #0f5d24;")
        self.passphrase_state.setAccessibleName(self.passphrase_state.text())

    def _on_show_passphrase_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.again.setEchoMode(mode)

    # ----------------------------------------------------------------- slots

    def _on_places_current_item_changed(self, *_args: object) -> None:
        self._update_place_note(remembered_folder(self.ctx))

    def _on_refresh_button_clicked(self) -> None:
        self.fill_places()

    def choose_folder(self) -> Path | None:
        """Ask for a folder (tests replace this)."""
        start = self.chosen_folder() or remembered_folder(self.ctx) or Path.home()
        chosen = QFileDialog.getExistingDirectory(
            self, _tr("Choose a folder for the backup"), str(start)
        )
        return Path(chosen) if chosen else None

    def _on_folder_button_clicked(self) -> None:
        folder = self.choose_folder()
        if folder is None:
            return
        self._chosen_folder = folder
        self.fill_places()
        for row in range(self.places.count()):
            if Path(self.places.item(row).data(Qt.ItemDataRole.UserRole)) == folder:
                self.places.setCurrentRow(row)
        self._update_place_note()

    def _on_verify_button_clicked(self) -> None:
        start = self.result_made.path if self.result_made else None
        VerifyBackupDialog.ask(self, self.ctx, start=start)

    # ----------------------------------------------------------------- the backup

    @property
    def is_running(self) -> bool:
        return self._run is not None and self._run.is_running

    def accept(self) -> None:
        """Back up now (the dialog stays open to show how it ended)."""
        if self.is_running or not self.ok_button.isEnabled():
            return
        folder = self.chosen_folder()
        if folder is None:
            self._show_failure(_tr("Choose where the backup goes: a USB drive or a folder."))
            return
        problem = self.passphrase_problem() if self.own_passphrase else ""
        if problem:
            self._show_failure(
                _tr("The passphrase will not do yet: {problem}").format(problem=problem)
            )
            self.passphrase.setFocus()
            return
        passphrase = backup.Passphrase(self.passphrase.text()) if self.own_passphrase else None
        on_drive = any(folder == d.folder for d in self.drives)
        ctx, kdf = self.ctx, self._kdf

        def work(progress: Progress, cancelled: Cancelled) -> backup.BackupResult:
            if on_drive:
                try:
                    folder.mkdir(exist_ok=True)
                except OSError as exc:
                    raise BackupError(
                        explain_os_error(exc, folder, "make the backup folder")
                    ) from exc
            return backup.back_up(
                ctx.db,
                ctx.actor,
                folder,
                passphrase,
                kdf=kdf,
                progress=progress,
                cancelled=cancelled,
            )

        self.outcome.clear_message()
        self.details.clear()
        self.progress.start(_tr("Copying the house's records…"))
        self._set_working(True)
        run = Job(work, self)
        run.task.progressed.connect(self._on_task_progressed)
        run.task.finished.connect(self._on_task_finished)
        self._run = run
        run.task.start()

    def wait(self, timeout_ms: int = 60_000) -> None:
        """Run events until the backup started has ended (for tests and the screenshots)."""
        if self._run is not None:
            self._run.task.wait(timeout_ms)

    def _inputs(self) -> tuple[QWidget, ...]:
        return (
            self.places,
            self.refresh_button,
            self.folder_button,
            self.passphrase,
            self.again,
            self.show_passphrase,
        )

    def _set_working(self, working: bool) -> None:
        for widget in (*self._inputs(), self.verify_button, self.ok_button):
            widget.setEnabled(not working)
        self.cancel_button.setText(_tr("Cancel") if working else _tr("Close"))
        self.cancel_button.setAccessibleName(self.cancel_button.text())

    def _on_task_progressed(self, fraction: float) -> None:
        if fraction < 0.45:
            text = _tr("Copying the house's records…")
        elif fraction < 0.8:
            text = _tr("Writing the encrypted backup to the drive…")
        else:
            text = _tr("Reading the backup back from the drive to check every part…")
        self.progress.set_fraction(fraction, text)

    def _on_task_finished(self) -> None:
        run = self._run
        assert run is not None
        outcome = run.task.outcome
        self._set_working(False)
        self.progress.hide()
        made = run.result
        if isinstance(made, backup.BackupResult):
            self._show_success(made)
        elif outcome is not None and outcome.error:
            self._show_failure(outcome.error)
        else:
            self.outcome.show_message(_tr("The backup was stopped; nothing was written."), "info")
            self.outcome.setAccessibleDescription(self.outcome.text())
        self.ctx.announce("backup_log", 0)  # the Home tab's backup line (a failure is logged)
        self.show_outcome()

    def show_outcome(self) -> None:
        """Scroll the outcome into sight (at 150 % the form is taller than the screen), once
        the new text has been laid out."""
        QTimer.singleShot(0, self._scroll_to_outcome)

    def _scroll_to_outcome(self) -> None:
        self.scroll.ensureWidgetVisible(self.details, 0, 0)
        self.scroll.ensureWidgetVisible(self.outcome, 0, 8)

    def _show_success(self, made: backup.BackupResult) -> None:
        self.result_made = made
        folder = made.path.parent
        remember_folder(self.ctx, folder)
        self.passphrase.clear()
        self.again.clear()
        if self.is_usb_choice():
            sentence = _tr("Verified — you can remove the USB drive.")
        else:
            sentence = _tr("Verified — the backup is complete and can be restored.")
        self.outcome.show_message("✔ " + sentence, "success")
        self.outcome.setAccessibleDescription(sentence)
        lines = [
            _tr("{name} ({size}) in {folder}.").format(
                name=made.path.name, size=size_text(made.info.file_size), folder=folder
            ),
            _tr("It holds {summary}.").format(summary=made.info.summary.describe()),
        ]
        if made.removed:
            lines.append(
                _tr("1 older backup of this house was removed from the drive.")
                if len(made.removed) == 1
                else _tr("{n} older backups of this house were removed from the drive.").format(
                    n=len(made.removed)
                )
            )
        if made.not_removed:
            lines.append(
                _tr("1 older backup could not be removed; the drive may be full.")
                if len(made.not_removed) == 1
                else _tr("{n} older backups could not be removed; the drive may be full.").format(
                    n=len(made.not_removed)
                )
            )
        if made.note:
            lines.append(made.note)
        self.details.setText("\n".join(lines))
        # Done: the form stays on show, greyed, under the outcome; Close is the way on.
        for widget in self._inputs():
            widget.setEnabled(False)
        self.passphrase_state.hide()
        self.ok_button.hide()
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()

    def _show_failure(self, sentence: str) -> None:
        self.outcome.show_message(sentence, "error")
        self.outcome.setAccessibleDescription(sentence)
        self.show_outcome()

    def reject(self) -> None:
        """Close; while a backup runs, Cancel (or Esc) stops it and waits for it to stop."""
        if self.is_running:
            assert self._run is not None
            self._run.task.cancel()
            self.progress.set_fraction(self.progress.bar.value() / 1000, _tr("Stopping…"))
            return
        super().reject()


# --------------------------------------------------------------------------- verify


class VerifyBackupDialog(FormDialog):
    """Check that a backup file is whole and opens, without restoring it."""

    asks_before_discarding = False  # a job's options, not records

    def __init__(
        self,
        parent: QWidget | None,
        ctx: UiContext,
        *,
        start: Path | None = None,
    ) -> None:
        super().__init__(parent, ctx, _tr("Verify a backup"))
        self.setObjectName("verifyBackupDialog")
        self.info: backup.BackupInfo | None = None
        self.verified: backup.VerifiedBackup | None = None
        self._run: Job | None = None

        intro = QLabel(
            _tr(
                "Checks that a backup file is whole and opens: every part of it is decrypted "
                "and the records inside are checked. Nothing on this PC changes."
            ),
            self.body,
        )
        intro.setWordWrap(True)
        self.file = QLineEdit(self.body)
        self.file.setReadOnly(True)
        self.file.setPlaceholderText(_tr("No backup chosen yet"))
        file_label = buddy_label(_tr("&Backup file:"), self.file, self.body)
        self.choose_button = QPushButton(_tr("&Choose…"), self.body)
        self.choose_button.setAccessibleName(_tr("Choose a backup file"))
        self.about = QLabel(self.body)
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.unlock_panel = UnlockPanel(self.body)
        self.progress = WorkProgress(self.body)
        self.outcome = outcome_banner(self.body)
        self.details = QLabel(self.body)
        self.details.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.choose_button)
        column = QVBoxLayout(self.body)
        column.addWidget(intro)
        column.addWidget(file_label)
        column.addLayout(row)
        column.addWidget(self.about)
        column.addWidget(self.unlock_panel)
        column.addWidget(self.progress)
        column.addWidget(self.outcome)
        column.addWidget(self.details)
        column.addStretch(1)

        self.set_ok_text(_tr("&Verify"))
        self.cancel_button.setText(_tr("Close"))
        self.cancel_button.setAccessibleName(_tr("Close"))
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        if start is not None:
            self.set_file(start)
        else:
            self.unlock_panel.setEnabled(False)
        self.fit_to_screen(QSize(620, 480))

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: UiContext, *, start: Path | None = None
    ) -> backup.VerifiedBackup | None:
        dialog = cls(parent, ctx, start=start)
        dialog.exec()
        return dialog.verified

    def choose_file(self) -> Path | None:
        """Ask for a backup file (tests replace this)."""
        start = self.info.path.parent if self.info else remembered_folder(self.ctx) or Path.home()
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _tr("Choose a backup"),
            str(start),
            _tr("PeerDesk backups (*.pdbk);;All files (*)"),
        )
        return Path(chosen) if chosen else None

    def _on_choose_button_clicked(self) -> None:
        path = self.choose_file()
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        """Read the backup's header (a damaged file is named before any passphrase)."""
        self.file.setText(str(path))
        self.verified = None
        self.outcome.clear_message()
        self.details.clear()
        try:
            self.info = backup.read_backup_info(path)
        except PeerDeskError as exc:
            self.info = None
            self.about.setText("")
            self.unlock_panel.set_backup(None, None)
            self.unlock_panel.setEnabled(False)
            self.outcome.show_message(str(exc), "error")
            return
        self.about.setText(
            _tr("Made on {when} by PeerDesk {version}: {house}.").format(
                when=when_text(self.info.created_at),
                version=self.info.app_version,
                house=self.info.house_name or _tr("a house with no name yet"),
            )
        )
        self.unlock_panel.setEnabled(True)
        self.unlock_panel.set_backup(self.info, local_key(self.ctx))
        self.unlock_panel.secret.setFocus()

    @property
    def is_running(self) -> bool:
        return self._run is not None and self._run.is_running

    def accept(self) -> None:
        if self.is_running:
            return
        if self.info is None:
            self.outcome.show_message(_tr("Choose a backup file first."), "error")
            return
        try:
            unlock = self.unlock_panel.unlock()
        except PeerDeskError as exc:
            self.outcome.show_message(str(exc), "error")
            self.unlock_panel.secret.setFocus()
            return
        path = self.info.path
        work_dir = self.ctx.db.path.parent

        def work(progress: Progress, cancelled: Cancelled) -> backup.VerifiedBackup:
            return backup.verify_backup(
                path, unlock, work_dir=work_dir, progress=progress, cancelled=cancelled
            )

        self.outcome.clear_message()
        self.details.clear()
        self.progress.start(_tr("Checking every part of the backup…"))
        for widget in (self.ok_button, self.choose_button, self.unlock_panel):
            widget.setEnabled(False)
        self.cancel_button.setText(_tr("Cancel"))
        run = Job(work, self)
        run.task.progressed.connect(lambda f: self.progress.set_fraction(f))
        run.task.finished.connect(self._on_task_finished)
        self._run = run
        run.task.start()

    def wait(self, timeout_ms: int = 60_000) -> None:
        if self._run is not None:
            self._run.task.wait(timeout_ms)

    def _on_task_finished(self) -> None:
        run = self._run
        assert run is not None
        self.progress.hide()
        for widget in (self.ok_button, self.choose_button, self.unlock_panel):
            widget.setEnabled(True)
        self.cancel_button.setText(_tr("Close"))
        outcome = run.task.outcome
        if isinstance(run.result, backup.VerifiedBackup):
            self.verified = run.result
            self.outcome.show_message(
                "✔ " + _tr("Verified: the backup is whole and can be restored."), "success"
            )
            lines = [_tr("It holds {summary}.").format(summary=run.result.summary.describe())]
            if run.result.upgraded_from:
                lines.append(
                    _tr("It is from an older PeerDesk; restoring it brings it up to date.")
                )
            self.details.setText("\n".join(lines))
        elif outcome is not None and outcome.error:
            self.outcome.show_message(outcome.error, "error")
        else:
            self.outcome.show_message(_tr("The check was stopped."), "info")

    def reject(self) -> None:
        if self.is_running:
            assert self._run is not None
            self._run.task.cancel()
            return
        super().reject()


def local_key(ctx: UiContext) -> backup.LocalKey | None:
    """This PC's automatic-backup key, when it has one and it can be read."""
    try:
        return backup.LocalKey.load(backup.local_key_path(ctx.paths))
    except BackupError:
        return None
