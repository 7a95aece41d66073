"""``python -m peerdesk`` runs the same program as the ``peerdesk`` command."""

import sys

from peerdesk.cli import main

sys.exit(main())
