"""View → Text size: 100 %, 125 %, 150 % or 200 % of the PC's usual text, remembered.

The size is applied to the whole program when the window opens (before anything is laid
out), and at once when it is chosen: every list, form and printout preview follows; a few
headings that are drawn larger than the text around them take their new size when PeerDesk
opens again, and the window says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup, QFont
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from peerdesk.ui.main_window import MainWindow

SIZES = (100, 125, 150, 200)
SETTING = "view/text_size"
_BASE = "peerdesk_base_point_size"  # the PC's own size, kept on the application


def _tr(text: str) -> str:
    return QCoreApplication.translate("TextSize", text)


def remembered(settings: QSettings) -> int:
    value = settings.value(SETTING, 100)
    try:
        percent = int(str(value))
    except ValueError:
        return 100
    return percent if percent in SIZES else 100


def apply(percent: int) -> None:
    """Make the program's text ``percent`` of the PC's usual size."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    base = app.property(_BASE)
    if not isinstance(base, float):
        base = float(app.font().pointSizeF())
        app.setProperty(_BASE, base)
    font = QFont(app.font())
    font.setPointSizeF(base * percent / 100)
    app.setFont(font)


def install(window: MainWindow) -> None:
    TextSizeFeature(window)


class TextSizeFeature(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("textSizeFeature")
        self.window = window
        self.settings = window.ctx.settings
        menu = window.menu("view").addMenu(_tr("&Text size"))
        menu.setAccessibleName(_tr("Text size"))
        self.group = QActionGroup(self)
        self.actions: dict[int, QAction] = {}
        chosen = remembered(self.settings)
        for percent in SIZES:
            action = QAction(f"{percent} %", self)
            action.setCheckable(True)
            action.setChecked(percent == chosen)
            action.triggered.connect(lambda _checked=False, p=percent: self.choose(p))
            self.group.addAction(action)
            menu.addAction(action)
            self.actions[percent] = action

    def choose(self, percent: int) -> None:
        self.settings.setValue(SETTING, percent)
        self.settings.sync()
        self.actions[percent].setChecked(True)
        apply(percent)
        self.window.statusBar().showMessage(
            _tr("Text at {percent} %. A few headings follow when PeerDesk opens again.").format(
                percent=percent
            ),
            8000,
        )
