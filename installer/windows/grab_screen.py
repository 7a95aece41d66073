"""Save what the X screen in $DISPLAY shows as a PNG: build_windows.sh's screenshots of the
installed program running under Wine (the Linux Qt, on the xcb platform, reads the screen)."""

import sys

from PySide6.QtGui import QGuiApplication

app = QGuiApplication([sys.argv[0], "-platform", "xcb"])
screen = app.primaryScreen()
if screen is None or not screen.grabWindow(0).save(sys.argv[1]):
    sys.exit(f"could not save the screen to {sys.argv[1]}")
