"""Every file location PeerDesk uses, in one place.

The defaults come from platformdirs (the per-user data, config and log folders of the
operating system). ``PEERDESK_HOME`` puts everything under one folder instead — tests and
portable installs use it — and the command line's ``--data-dir`` and ``--db`` override that.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

APP_NAME = "PeerDesk"
DB_FILENAME = "peerdesk.sqlite3"
HOME_ENV = "PEERDESK_HOME"


@dataclass(frozen=True)
class Paths:
    """Where this PeerDesk keeps its database, settings, logs and local backups."""

    db: Path
    data_dir: Path
    config_dir: Path
    log_dir: Path

    @property
    def local_backup_dir(self) -> Path:
        """Automatic backups made on this PC (the USB backups go wherever the user says)."""
        return self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        """The INI file for window layout and remembered choices (not house records)."""
        return self.config_dir / "peerdesk.ini"

    @property
    def lock_file(self) -> Path:
        """Held while a window has this database open, so a second window is refused."""
        return self.db.with_name(self.db.name + ".lock")

    @property
    def log_file(self) -> Path:
        return self.log_dir / "peerdesk.log"

    def with_db(self, db: Path) -> Paths:
        return replace(self, db=db)


def default_paths(environ: dict[str, str] | None = None) -> Paths:
    """The locations used when nothing is given on the command line."""
    env = os.environ if environ is None else environ
    home = env.get(HOME_ENV)
    if home:
        root = Path(home).expanduser()
        return Paths(
            db=root / DB_FILENAME,
            data_dir=root,
            config_dir=root / "config",
            log_dir=root / "logs",
        )
    # appauthor=False: on Windows platformdirs would otherwise put the program's name in the
    # path twice (%LOCALAPPDATA%\PeerDesk\PeerDesk, where 0.1.0 kept its records; see
    # peerdesk.old_folder). Elsewhere it is not used.
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))
    return Paths(
        db=data / DB_FILENAME,
        data_dir=data,
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def resolve_paths(
    data_dir: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    environ: dict[str, str] | None = None,
) -> Paths:
    """Apply ``--data-dir`` and ``--db`` on top of the defaults.

    ``--data-dir`` moves the database and local backups to that folder; ``--db`` names the
    database file alone. Settings and logs stay in their usual place unless ``PEERDESK_HOME``
    moves them.
    """
    paths = default_paths(environ)
    if data_dir is not None:
        root = Path(data_dir).expanduser()
        paths = replace(paths, data_dir=root, db=root / DB_FILENAME)
    if db is not None:
        paths = paths.with_db(Path(db).expanduser())
    return paths


def resource_dir() -> Path:
    """The folder of icons, the .desktop file and the user guide.

    Installed, it sits inside the package (the wheel puts it there); in a source checkout it
    is the top-level ``resources/``; in a frozen bundle it is next to the executable.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    here = Path(__file__).resolve().parent
    packaged = here / "resources"
    if packaged.is_dir():
        return packaged
    return here.parent / "resources"
