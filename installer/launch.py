"""Entry point of the frozen PeerDesk (PyInstaller runs this file)."""

import multiprocessing
import sys

from peerdesk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
