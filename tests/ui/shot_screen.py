"""The screen every screenshot script draws on, set up before Qt is imported.

Each ``*_screenshots.py`` script starts with::

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.ui.shot_screen import prepare

    WORK = prepare("peerdesk-backup-shots-")

Standard library only: Qt reads ``QT_QPA_PLATFORM`` when the application is made.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def prepare(prefix: str) -> Path:
    """A new work folder for the script, with PeerDesk's home (``PEERDESK_HOME``) inside it,
    and a 1280×800 offscreen screen at 96 dpi unless the caller chose a platform."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    if "QT_QPA_PLATFORM" not in os.environ:
        config = work / "screen.json"
        screen = {"name": "Office PC", "x": 0, "y": 0, "width": 1280, "height": 800}
        screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
        config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["PEERDESK_HOME"] = str(work / "home")
    (work / "home").mkdir()
    return work
