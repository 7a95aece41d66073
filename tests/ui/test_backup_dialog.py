"""The Backup and Verify dialogs over a real database, with real encryption (a cheap KDF)."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from PySide6.QtCore import QStorageInfo
from pytestqt.qtbot import QtBot

from peerdesk.core import backup, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import BackupRecord
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.backup import (
    DRIVE_FOLDER,
    FOLDER_SETTING,
    BackupDialog,
    VerifyBackupDialog,
    Volume,
    list_drives,
    mounted_volumes,
    remembered_folder,
)
from tests import factories as f
from tests.ui.backup_support import CHEAP_KDF, PASSPHRASE, pc_disk, usb_backup, usb_volume
from tests.ui.dialog_support import Announcements, control_problems, make_context


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    """A pretend USB stick: a folder standing for the drive's root."""
    root = tmp_path / "usb"
    root.mkdir()
    return root


@pytest.fixture
def ctx(db: Database, admin: Actor) -> UiContext:
    with db.begin() as s:
        f.resident(s, admin, first="Jordan", last="Rivers")
    return make_context(db, admin)


def open_backup(
    qtbot: QtBot, ctx: UiContext, volumes: list[Volume], **options: Any
) -> BackupDialog:
    dialog = BackupDialog(None, ctx, kdf=CHEAP_KDF, volumes=lambda: volumes, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_passphrase(dialog: BackupDialog, first: str, again: str | None = None) -> None:
    dialog.passphrase.setText(first)
    dialog.again.setText(first if again is None else again)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- the drives


def test_usb_drives_come_first_and_what_cannot_hold_a_backup_is_left_out(tmp_path: Path) -> None:
    def volume(root: str, fs: str = "ext4", **changes: Any) -> Volume:
        facts: dict[str, Any] = {
            "root": root,
            "name": "",
            "file_system": fs,
            "device": "/dev/x",
            "ready": True,
            "read_only": False,
            "available": 5_000_000_000,
            "total": 8_000_000_000,
        }
        facts.update(changes)
        return Volume(**facts)

    drives = list_drives(
        [
            pc_disk(),
            volume("/media/ann/STICK", "exfat", name="STICK"),
            volume("E:/", "FAT32"),
            volume("/mnt/photos", "xfs", name="Photos"),
            volume("/media/ann/CDROM", "iso9660", read_only=True),
            volume("/media/ann/LOCKED", "vfat", read_only=True),
            volume("/media/ann/GONE", "vfat", ready=False),
            volume("/run/user/1000", "tmpfs"),
            volume("/boot/efi", "vfat"),
            volume("/media/ann/TINY", "vfat", total=1_000_000),
            volume("/run/media/ann/BACKUPS", "ntfs", name="BACKUPS"),
            # On Windows: a USB stick formatted NTFS (Windows says it is removable), and a
            # second NTFS disk that is not.
            volume("F:/", "NTFS", name="LEXAR", removable_media=True),
            volume("D:/", "NTFS", name="DATA"),
        ]
    )
    assert [(d.title, d.removable) for d in drives] == [
        ("USB drive (E:)", True),
        ("USB drive BACKUPS (/run/media/ann/BACKUPS)", True),
        ("USB drive LEXAR (F:)", True),
        ("USB drive STICK (/media/ann/STICK)", True),
        ("Drive DATA (D:)", False),
        ("Drive Photos (/mnt/photos)", False),
        ("This PC's disk (/)", False),
    ]
    assert drives[0].folder == Path("E:/") / DRIVE_FOLDER
    assert drives[1].free == 5_000_000_000


def test_the_volumes_come_from_qt() -> None:
    volumes = mounted_volumes()
    roots = [v for v in volumes if v.is_root]
    assert len(roots) == 1
    assert roots[0].root == QStorageInfo.root().rootPath()
    assert roots[0].total > 0


def test_the_dialog_lists_the_drives_with_free_space_and_picks_the_usb_drive(
    qtbot: QtBot, ctx: UiContext, usb: Path
) -> None:
    dialog = open_backup(qtbot, ctx, [pc_disk(), usb_volume(usb)])
    texts = [dialog.places.item(i).text() for i in range(dialog.places.count())]
    assert texts == [
        f"USB drive KINGSTON ({usb}) — 14.2 GB free of 16.0 GB",
        "This PC's disk (/) — 80.0 GB free of 250.0 GB",
    ]
    assert dialog.chosen_folder() == usb / DRIVE_FOLDER
    assert dialog.place_note.text() == f"The backup goes into {usb / DRIVE_FOLDER}."
    dialog.places.setCurrentRow(1)
    assert "This is not a USB drive" in dialog.place_note.text()
    assert control_problems(dialog) == []


def test_a_drive_too_full_for_the_backup_says_so(qtbot: QtBot, ctx: UiContext, usb: Path) -> None:
    dialog = open_backup(qtbot, ctx, [usb_volume(usb, free=1000)])
    assert (
        dialog.places.item(0)
        .text()
        .endswith(f"(too full: the backup needs about {backup_size_text(dialog)})")
    )


def backup_size_text(dialog: BackupDialog) -> str:
    from peerdesk.ui.dialogs.backup import size_text

    return size_text(dialog.backup_size())


def test_the_drive_used_last_is_chosen_again_or_missed_in_words(
    qtbot: QtBot, ctx: UiContext, usb: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-stick"
    other.mkdir()
    ctx.settings.setValue(FOLDER_SETTING, str(other / DRIVE_FOLDER))
    dialog = open_backup(qtbot, ctx, [usb_volume(usb), usb_volume(other, label="SPARE")])
    assert dialog.chosen_folder() == other / DRIVE_FOLDER

    ctx.settings.setValue(FOLDER_SETTING, str(tmp_path / "unplugged" / DRIVE_FOLDER))
    dialog = open_backup(qtbot, ctx, [])
    assert dialog.chosen_folder() is None
    assert dialog.place_note.text().startswith(
        f"The drive used last time ({tmp_path / 'unplugged' / DRIVE_FOLDER}) is not plugged in"
    )
    # Plugging it in and pressing Look again finds it.
    usb_folder = usb / DRIVE_FOLDER
    ctx.settings.setValue(FOLDER_SETTING, str(usb_folder))
    dialog._volumes = lambda: [usb_volume(usb)]
    dialog.refresh_button.click()
    assert dialog.chosen_folder() == usb_folder


def test_any_folder_can_be_chosen(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "Network share"
    folder.mkdir()
    dialog = open_backup(qtbot, ctx, [pc_disk()])
    monkeypatch.setattr(dialog, "choose_folder", lambda: folder)
    dialog.folder_button.click()
    assert dialog.chosen_folder() == folder
    assert dialog.places.currentItem().text() == f"Folder {folder}"
    type_passphrase(dialog, PASSPHRASE)
    dialog.accept()
    dialog.wait()
    assert dialog.outcome.text() == "✔ Verified — the backup is complete and can be restored."
    assert [p.suffix for p in folder.iterdir()] == [".pdbk"]
    assert remembered_folder(ctx) == folder


# --------------------------------------------------------------------------- the passphrase


def test_a_peer_mentor_backs_up_with_the_house_keys_not_a_passphrase_of_their_own(
    qtbot: QtBot, db: Database, admin: Actor, usb: Path
) -> None:
    with db.begin() as s:
        boss = f.account(s, admin, "boss", vocab.Role.ADMINISTRATOR)
        mentor = f.account(s, boss, "maya", vocab.Role.PEER_MENTOR)
    mentor_ctx = make_context(db, mentor)
    dialog = open_backup(qtbot, mentor_ctx, [usb_volume(usb)])
    assert not dialog.passphrase.isVisible() and not dialog.again.isVisible()
    assert not dialog.ok_button.isEnabled(), "no recovery key yet: nothing to seal it with"
    assert "no recovery key yet" in dialog.banner.text()
    dialog.close()

    sheet = backup.new_recovery_sheet(db, boss)
    backup.adopt_recovery_key(db, boss, sheet)
    dialog = open_backup(qtbot, mentor_ctx, [usb_volume(usb)])
    assert not dialog.passphrase.isVisible()
    assert dialog.recovery_note.text().startswith("This backup opens only with the house's")
    assert (
        "Only an administrator may seal a backup with a passphrase" in dialog.recovery_note.text()
    )
    dialog.accept()
    dialog.wait()
    assert dialog.outcome.text() == "✔ Verified — you can remove the USB drive."
    (made,) = (usb / DRIVE_FOLDER).glob("*.pdbk")
    assert backup.verify_backup(made, sheet.key).summary.audit_lines > 0
    with pytest.raises(backup.WrongSecret, match="no passphrase"):
        backup.verify_backup(made, backup.Passphrase(PASSPHRASE))


def test_the_passphrase_rule_is_shown_and_checked_as_it_is_typed(
    qtbot: QtBot, ctx: UiContext, usb: Path
) -> None:
    dialog = open_backup(qtbot, ctx, [usb_volume(usb)])
    assert dialog.rule.text().startswith("At least 12 characters;")
    assert dialog.passphrase_state.text() == "0 of at least 12 characters so far."
    type_passphrase(dialog, "short one")
    assert dialog.passphrase_state.text() == "9 of at least 12 characters so far."
    type_passphrase(dialog, PASSPHRASE, "our house on maple street")
    assert dialog.passphrase_state.text() == "Type the same passphrase again in the second box."
    type_passphrase(dialog, " " * 14)
    assert dialog.passphrase_state.text().startswith("The passphrase must be at least 12")
    type_passphrase(dialog, PASSPHRASE)
    assert dialog.passphrase_state.text() == "✔ The passphrase will do."


def test_a_short_or_mismatched_passphrase_writes_nothing(
    qtbot: QtBot, ctx: UiContext, usb: Path
) -> None:
    dialog = open_backup(qtbot, ctx, [usb_volume(usb)])
    type_passphrase(dialog, "too short")
    dialog.ok_button.click()
    assert dialog.outcome.text() == (
        "The passphrase will not do yet: 9 of at least 12 characters so far."
    )
    assert dialog.outcome.kind == "error"
    type_passphrase(dialog, PASSPHRASE, PASSPHRASE + "!")
    dialog.ok_button.click()
    assert dialog.outcome.text().endswith("Type the same passphrase again in the second box.")
    assert not dialog.is_running
    assert files_in(usb) == []


# --------------------------------------------------------------------------- backing up


def test_a_backup_through_the_dialog_is_written_verified_and_said_plainly(
    qtbot: QtBot, ctx: UiContext, db: Database, usb: Path
) -> None:
    heard = Announcements.listen(ctx)
    dialog = open_backup(qtbot, ctx, [pc_disk(), usb_volume(usb)])
    type_passphrase(dialog, PASSPHRASE)
    fractions: list[float] = []
    dialog.ok_button.click()
    assert dialog.is_running
    assert dialog.progress.isVisible() and dialog.cancel_button.text() == "Cancel"
    dialog._run.task.progressed.connect(fractions.append)  # type: ignore[union-attr]
    dialog.wait()

    assert dialog.outcome.text() == "✔ Verified — you can remove the USB drive."
    assert dialog.outcome.kind == "success"
    made = dialog.result_made
    assert made is not None and made.verified
    assert made.path.parent == usb / DRIVE_FOLDER
    assert files_in(usb) == [made.path.name]
    assert dialog.details.text().startswith(f"{made.path.name} (")
    assert "It holds A house with no name yet: 1 resident (1 in the house)" in (
        dialog.details.text()
    )
    assert fractions and fractions[-1] == 1.0
    assert not dialog.progress.isVisible()
    assert not dialog.ok_button.isVisible() and dialog.cancel_button.text() == "Close"
    # The file opens with the passphrase typed, and nothing of it was kept.
    checked = backup.verify_backup(made.path, backup.Passphrase(PASSPHRASE))
    assert checked.summary.residents == 1
    assert dialog.passphrase.text() == "" and dialog.again.text() == ""
    ctx.settings.sync()
    assert PASSPHRASE not in Path(ctx.settings.fileName()).read_text(encoding="utf-8")
    assert remembered_folder(ctx) == usb / DRIVE_FOLDER
    with db.read() as s:
        (record,) = s.query(BackupRecord).all()
    assert record.kind == "usb" and record.verified and record.location == str(made.path)
    assert ("backup_log", 0) in heard.seen, "the Home tab's backup line refreshes"
    dialog.reject()
    assert not dialog.isVisible()


class FaultyFile:
    """A backup file whose third write fails with ``error``."""

    def __init__(self, real: BinaryIO, error: int) -> None:
        self._real = real
        self._error = error
        self._writes = 0

    def write(self, data: bytes) -> int:
        self._writes += 1
        if self._writes == 3:
            raise OSError(self._error, os.strerror(self._error))
        return self._real.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (errno.ENOSPC, "The drive is full; free some space or use another drive."),
        (errno.EROFS, "The drive is read-only; use another drive or unlock it."),
        (errno.EIO, "The drive stopped answering; check that it is still plugged in."),
    ],
)
def test_a_full_read_only_or_pulled_drive_ends_in_one_sentence_and_no_file(
    qtbot: QtBot,
    ctx: UiContext,
    db: Database,
    usb: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: int,
    sentence: str,
) -> None:
    real_open = backup._open_output
    monkeypatch.setattr(backup, "_open_output", lambda path: FaultyFile(real_open(path), error))
    dialog = open_backup(qtbot, ctx, [usb_volume(usb)])
    type_passphrase(dialog, PASSPHRASE)
    dialog.accept()
    dialog.wait()
    text = dialog.outcome.text()
    assert dialog.outcome.kind == "error"
    assert text.startswith(f"Could not write the backup {usb / DRIVE_FOLDER}")
    assert text.endswith(sentence)
    assert "\n" not in text and "Traceback" not in text
    assert files_in(usb) == [], "no backup and no .partial file is left"
    assert dialog.result_made is None and remembered_folder(ctx) is None
    assert dialog.ok_button.isVisible() and dialog.ok_button.isEnabled(), "it can be tried again"
    with db.read() as s:
        (record,) = s.query(BackupRecord).all()
    assert not record.verified and record.message == text


def test_a_drive_that_is_gone_says_so(qtbot: QtBot, ctx: UiContext, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = open_backup(qtbot, ctx, [usb_volume(stick)])
    stick.rmdir()  # pulled out after the list was made
    type_passphrase(dialog, PASSPHRASE)
    dialog.accept()
    dialog.wait()
    assert dialog.outcome.text().startswith(f"Could not make the backup folder {stick}")
    assert dialog.outcome.text().endswith("The folder does not exist; choose another folder.")


def test_cancel_stops_the_backup_and_writes_nothing(
    qtbot: QtBot, ctx: UiContext, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, go_on = threading.Event(), threading.Event()
    real_check = backup.check_new_passphrase

    def held(text: str) -> backup.Passphrase:
        if threading.current_thread() is not threading.main_thread():
            started.set()
            go_on.wait(10)  # the worker waits here until Cancel has been pressed
        return real_check(text)

    monkeypatch.setattr(backup, "check_new_passphrase", held)
    dialog = open_backup(qtbot, ctx, [usb_volume(usb)])
    type_passphrase(dialog, PASSPHRASE)
    dialog.accept()
    assert started.wait(10)
    dialog.reject()  # Esc or Cancel while it runs: stop, do not close
    assert dialog.isVisible() and dialog.progress.step.text() == "Stopping…"
    go_on.set()
    dialog.wait()
    assert dialog.outcome.text() == "The backup was stopped; nothing was written."
    assert dialog.isVisible() and dialog.cancel_button.text() == "Close"
    assert [p for p in usb.rglob("*") if p.is_file()] == []


def test_someone_who_may_not_back_up_is_told_so(qtbot: QtBot, db: Database, usb: Path) -> None:
    viewer = make_context(db, Actor("auditor", vocab.Role.VIEWER))
    dialog = open_backup(qtbot, viewer, [usb_volume(usb)])
    assert dialog.banner.text().startswith("Your account may not make backups")
    assert not dialog.ok_button.isEnabled()


# --------------------------------------------------------------------------- verify


@pytest.fixture
def made(db: Database, ctx: UiContext, usb: Path) -> backup.BackupResult:
    return usb_backup(db, usb / DRIVE_FOLDER)


def open_verify(qtbot: QtBot, ctx: UiContext, start: Path | None = None) -> VerifyBackupDialog:
    dialog = VerifyBackupDialog(None, ctx, start=start)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_verify_says_a_good_backup_is_whole(
    qtbot: QtBot, ctx: UiContext, made: backup.BackupResult
) -> None:
    dialog = open_verify(qtbot, ctx, made.path)
    assert dialog.unlock_panel.ways.text() == "This backup opens with its passphrase."
    assert control_problems(dialog) == []
    dialog.unlock_panel.secret.setText(PASSPHRASE)
    dialog.accept()
    dialog.wait()
    assert dialog.outcome.text() == "✔ Verified: the backup is whole and can be restored."
    assert dialog.details.text().startswith("It holds A house with no name yet: 1 resident")
    assert dialog.verified is not None


def test_verify_names_a_wrong_passphrase_and_a_damaged_file(
    qtbot: QtBot, ctx: UiContext, made: backup.BackupResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_verify(qtbot, ctx)
    assert not dialog.unlock_panel.isEnabled()
    monkeypatch.setattr(dialog, "choose_file", lambda: made.path)
    dialog.choose_button.click()
    dialog.unlock_panel.secret.setText("our house on Maple St")
    dialog.accept()
    dialog.wait()
    assert dialog.outcome.text().startswith("The passphrase is not right;")
    assert dialog.verified is None

    data = bytearray(made.path.read_bytes())
    data[40] ^= 0x01  # inside the header
    made.path.write_bytes(bytes(data))
    dialog.set_file(made.path)
    assert dialog.outcome.text().startswith("This backup file is damaged (")
    assert not dialog.unlock_panel.isEnabled(), "no passphrase is asked for a damaged file"


def test_the_backup_dialog_opens_verify_on_the_backup_just_made(
    qtbot: QtBot, ctx: UiContext, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path | None] = []
    monkeypatch.setattr(
        VerifyBackupDialog, "ask", staticmethod(lambda _p, _c, start=None: opened.append(start))
    )
    dialog = open_backup(qtbot, ctx, [usb_volume(usb)])
    dialog.verify_button.click()
    type_passphrase(dialog, PASSPHRASE)
    dialog.accept()
    dialog.wait()
    dialog.verify_button.click()
    assert dialog.result_made is not None
    assert opened == [None, dialog.result_made.path]


def test_ask_returns_the_backup_made(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch, usb: Path
) -> None:
    def run_it(dialog: BackupDialog) -> int:
        type_passphrase(dialog, PASSPHRASE)
        dialog.accept()
        dialog.wait()
        return 0

    monkeypatch.setattr(BackupDialog, "exec", run_it)
    real_init = BackupDialog.__init__

    def init(self: BackupDialog, parent: object, ctx: UiContext, **_: object) -> None:
        real_init(self, parent, ctx, kdf=CHEAP_KDF, volumes=lambda: [usb_volume(usb)])  # type: ignore[arg-type]

    monkeypatch.setattr(BackupDialog, "__init__", init)
    made = BackupDialog.ask(None, ctx)
    assert made is not None and made.path.exists()
