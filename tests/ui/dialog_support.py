"""Helpers for the dialog tests: a window context over the test database, row counts, the
announcements a dialog made, and a check that every control is named and reachable by a
mnemonic.

Each ``test_dialog_*`` module builds its own small ``ctx`` fixture from :func:`make_context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)
from sqlalchemy import func, select

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.models import Base
from peerdesk.paths import default_paths
from peerdesk.ui.context import RecordEvents, UiContext
from peerdesk.ui.self_test import is_inner_part
from peerdesk.ui.widgets.forms import mnemonic_of


def make_context(db: Database, actor: Actor) -> UiContext:
    paths = default_paths().with_db(db.path)
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    return UiContext(db=db, actor=actor, paths=paths, settings=settings, events=RecordEvents())


@dataclass
class Announcements:
    """What a dialog announced on ``records_changed``: (table, id) in order."""

    seen: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def listen(cls, ctx: UiContext) -> Announcements:
        heard = cls()
        ctx.events.records_changed.connect(lambda table, rid: heard.seen.append((table, rid)))
        return heard


def row_counts(db: Database) -> dict[str, int]:
    """Rows in every table of the house (the audit log included)."""
    with db.read() as s:
        return {
            table.name: s.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def press_save(dialog: QDialog) -> None:
    """Press the dialog's default button, as Enter or a click would."""
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button.isDefault()
    button.click()


def assert_refused(dialog: QDialog, field: str, words: str) -> None:
    """The dialog is still open, and ``words`` stand under the input for ``field``."""
    assert dialog.isVisible(), "the dialog closed"
    assert dialog.result() != QDialog.DialogCode.Accepted
    message = dialog.errors.message_for(field)
    assert message is not None, f"no message for {field}"
    assert words in message, message
    label = dialog.errors.label_for(field)
    assert label.isVisibleTo(dialog) and words in label.text()


_INPUTS = (
    QLineEdit,
    QAbstractSpinBox,
    QComboBox,
    QPlainTextEdit,
    QTextEdit,
    QAbstractButton,
    QAbstractItemView,
)


def _inner_part(widget: QWidget, top: QWidget) -> bool:
    """A piece of a compound control (a spin box's line edit, a combo box's list)."""
    return is_inner_part(widget, top)


def _describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    return f"{type(widget).__name__} {widget.objectName() or text or widget.accessibleName()!r}"


def control_problems(dialog: QWidget) -> list[str]:
    """Every input on show must have an accessible name and be reachable by a mnemonic (its
    own text's, or the label whose buddy it or its container is); no two visible mnemonics
    may clash."""
    problems: list[str] = []
    labelled = {
        id(label.buddy())
        for label in dialog.findChildren(QLabel)
        if label.buddy() is not None and mnemonic_of(label.text())
    }
    for widget in dialog.findChildren(QWidget):
        if (
            not isinstance(widget, _INPUTS)
            or _inner_part(widget, dialog)
            or not widget.isVisibleTo(dialog)
        ):
            continue  # parts of compound controls, and controls not on show (another page)
        if not widget.accessibleName():
            problems.append(f"{_describe(widget)} has no accessible name")
        if isinstance(widget, QAbstractButton) and mnemonic_of(widget.text()):
            continue
        box = widget.parentWidget()
        if isinstance(box, QDialogButtonBox) and box.buttonRole(widget) in (
            QDialogButtonBox.ButtonRole.RejectRole,
        ):
            continue  # Cancel is Esc
        chain: QWidget | None = widget
        while chain is not None and id(chain) not in labelled and chain is not dialog:
            chain = chain.parentWidget()
        if chain is None or chain is dialog:
            problems.append(f"{_describe(widget)} has no label with a mnemonic")

    letters: dict[str, list[str]] = {}
    for label in dialog.findChildren(QLabel):
        letter = mnemonic_of(label.text())
        if letter and label.buddy() is not None and label.isVisible():
            letters.setdefault(letter, []).append(label.text())
    for button in dialog.findChildren(QAbstractButton):
        letter = mnemonic_of(button.text())
        if letter and button.isVisible():
            letters.setdefault(letter, []).append(button.text())
    for bar in dialog.findChildren(QTabBar):
        for index in range(bar.count()):
            letter = mnemonic_of(bar.tabText(index))
            if letter and bar.isVisible():
                letters.setdefault(letter, []).append(bar.tabText(index))
    for box in dialog.findChildren(QGroupBox):
        letter = mnemonic_of(box.title())
        if letter and box.isVisible():
            letters.setdefault(letter, []).append(box.title())
    for letter, texts in sorted(letters.items()):
        if len(texts) > 1:
            problems.append(f"Alt+{letter.upper()} is used by {texts}")
    return problems


def tab_chain(dialog: QWidget) -> list[QWidget]:
    """The visible, enabled widgets Tab visits, in order, starting after the dialog."""
    chain: list[QWidget] = []
    widget = dialog.nextInFocusChain()
    while widget is not dialog and len(chain) < 2000:
        if (
            widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isVisibleTo(dialog)
            and widget.isEnabled()
            and widget.window() is dialog
        ):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def comes_before(chain: list[QWidget], *widgets: QWidget) -> bool:
    """The widgets (or the focus targets inside them) appear in ``chain`` in this order."""

    def position(widget: QWidget) -> int:
        for index, item in enumerate(chain):
            if item is widget or widget.isAncestorOf(item):
                return index
        raise AssertionError(f"{_describe(widget)} is not in the Tab order")

    places = [position(w) for w in widgets]
    return places == sorted(places)
