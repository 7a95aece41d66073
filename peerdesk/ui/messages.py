"""The one place the window shows a message box, so tests can patch it.

Call these through the module (``messages.error(...)``), never by importing the functions
themselves, so that a test's ``monkeypatch.setattr(messages, "confirm", ...)`` reaches every
caller. Each message is one or two plain sentences for a house manager; never a traceback.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("messages", text)


def _box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    box = QMessageBox(icon, title or _tr("PeerDesk"), text, buttons, parent)
    box.setAccessibleName(title or _tr("PeerDesk"))
    box.setAccessibleDescription(text)
    box.setTextFormat(box.textFormat().PlainText)
    return box


def info(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the person something went as asked."""
    _box(parent, QMessageBox.Icon.Information, title, text).exec()


def warning(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the person something needs their attention (nothing was lost)."""
    _box(parent, QMessageBox.Icon.Warning, title, text).exec()


def error(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the person what went wrong and what to do; ``text`` is one plain sentence."""
    _box(parent, QMessageBox.Icon.Critical, title, text).exec()


def failure(parent: QWidget | None, sentence: str, details: str) -> None:
    """Something failed inside PeerDesk: one plain sentence, and a "Copy details" button that
    puts the technical details on the clipboard for whoever helps the house."""
    box = _box(parent, QMessageBox.Icon.Critical, _tr("PeerDesk"), sentence)
    copy = box.addButton(_tr("&Copy details"), QMessageBox.ButtonRole.ActionRole)
    copy.setAccessibleName(_tr("Copy details"))
    # The copy button must not close the box, so it is wired by hand.
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    box.setDetailedText(details)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes_label: str = "") -> bool:
    """Ask before doing something; True when the person agrees. The safe answer is default."""
    box = _box(
        parent,
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
    )
    if yes_label:
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(yes_label)
        yes.setAccessibleName(yes_label)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes
