"""PeerDesk: the offline record book of a peer-driven recovery residence."""

__version__ = "0.1.0"
