"""How big a window opens: sizes are chosen for the usual 9-point font, grow with a larger
font (the 150 % check), and never pass what the screen leaves room for."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontInfo, QGuiApplication
from PySide6.QtWidgets import QWidget

BASE_POINT_SIZE = 9.0  # the usual desktop font the preferred sizes were chosen for


def font_scale(widget: QWidget) -> float:
    """How many times the usual font ``widget``'s font is (never less than 1)."""
    return max(1.0, QFontInfo(widget.font()).pointSizeF() / BASE_POINT_SIZE)


def within_screen(width: int, height: int) -> QSize:
    """The size, no larger than the primary screen's room (95 % wide, 92 % high)."""
    # The primary screen, not QWidget.screen(): asking a widget for its screen before it is
    # shown crashed PySide6 6.11 later on, once the widget was gone.
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, int(area.width() * 0.95))
        height = min(height, int(area.height() * 0.92))
    return QSize(width, height)


def fit_for_font(widget: QWidget, preferred: QSize) -> None:
    """Resize ``widget`` to ``preferred`` grown for its font, within the screen."""
    scale = font_scale(widget)
    widget.resize(within_screen(int(preferred.width() * scale), int(preferred.height() * scale)))
