"""The screen every screenshot script draws on, set up before Qt is imported.

Each ``*_screenshots.py`` script starts with::

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.ui.shot_screen import prepare

    WORK = prepare("peerdesk-backup-shots-")

The screen is the small laptop or office monitor a house is likely to have: 1366×768 at
96 dpi, all of it free for windows (the offscreen platform draws no task bar; Windows leaves
about 1366×728 beside its own). Standard library only: Qt reads ``QT_QPA_PLATFORM`` when the
application is made.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

WIDTH, HEIGHT = 1366, 768


def prepare(prefix: str) -> Path:
    """A new work folder for the script, with PeerDesk's home (``PEERDESK_HOME``) inside it,
    and a 1366×768 offscreen screen at 96 dpi — also when ``QT_QPA_PLATFORM`` is a bare
    ``offscreen`` (as in CI), whose own screen is 800×600. Another platform the caller chose
    (``xcb`` under ``xvfb-run``) is left as it is."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        config = work / "screen.json"
        screen = {"name": "Office PC", "x": 0, "y": 0, "width": WIDTH, "height": HEIGHT}
        screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
        config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["PEERDESK_HOME"] = str(work / "home")
    (work / "home").mkdir()
    return work
