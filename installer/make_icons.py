"""Render resources/icons/peerdesk.svg to the PNG sizes Linux wants and the Windows .ico.

Run after changing the SVG:  python installer/make_icons.py   (needs PySide6 and Pillow)
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> None:
    app = QGuiApplication([])
    renderer = QSvgRenderer(str(ICONS / "peerdesk.svg"))
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"peerdesk-{size}.png"))
    Image.open(ICONS / "peerdesk-256.png").save(
        ICONS / "peerdesk.ico", sizes=[(s, s) for s in ICO_SIZES]
    )
    del app


if __name__ == "__main__":
    main()
