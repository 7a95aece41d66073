"""The installer files say what they promise: checked here, where they cannot be run whole.

The Inno Setup script only compiles on Windows and the bundle takes minutes to build (CI
builds it), so these tests read the scripts for the promises a house relies on, and run the
Linux install script on a stand-in bundle.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import peerdesk

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def iss_sections() -> dict[str, list[str]]:
    """The Inno Setup script's lines by section (comments and preprocessor lines dropped)."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for raw in (INSTALLER / "peerdesk.iss").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            sections[current] = []
        else:
            sections[current].append(line)
    return sections


def test_the_windows_installer_is_per_user_and_never_deletes_the_records() -> None:
    sections = iss_sections()
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["PrivilegesRequired"] == "lowest", "no administrator prompt"
    assert setup["DefaultDirName"] == r"{#InstallRoot}\{#AppName}"
    assert '#define InstallRoot "{autopf}"' in (INSTALLER / "peerdesk.iss").read_text()
    assert setup["MinVersion"] == "10.0.17763", "Qt 6.11 needs Windows 10 1809"
    assert "UninstallDelete" not in sections
    # An update clears the program's own libraries, and nothing else.
    assert sections["InstallDelete"] == [r'Type: filesandordirs; Name: "{app}\_internal"']
    assert "Code" not in sections, "no script that could delete files on uninstall"
    messages = dict(line.split("=", 1) for line in sections["Messages"])
    assert "records are not removed" in messages["ConfirmUninstall"]
    assert "records were kept" in messages["UninstalledAll"]
    for too_old in ("WinVersionTooLowError", "WindowsVersionNotSupported"):
        assert "Windows 10 version 1809 or newer" in messages[too_old]
    assert re.search(r'Name: "desktopicon";.*Flags: unchecked', "\n".join(sections["Tasks"]))
    icons = "\n".join(sections["Icons"])
    assert "{autoprograms}" in icons and "{autodesktop}" in icons and "Tasks: desktopicon" in icons


def test_the_windows_installer_names_this_version_the_bundle_and_the_icon() -> None:
    text = (INSTALLER / "peerdesk.iss").read_text(encoding="utf-8")
    assert f'#define AppVersion "{peerdesk.__version__}"' in text
    assert '#define BundleDir "..\\dist\\PeerDesk"' in text
    assert 'name="PeerDesk")' in (INSTALLER / "peerdesk.spec").read_text(encoding="utf-8")
    icon = re.search(r"SetupIconFile=(.+)", text)
    assert icon is not None
    assert (INSTALLER / icon.group(1).replace("\\", "/")).is_file()


def test_the_desktop_file_is_valid_and_names_the_installed_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(ROOT / "resources" / "peerdesk.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "PeerDesk"
    assert desktop["Exec"] == "peerdesk" and desktop["Terminal"] == "false"
    assert desktop["Categories"].endswith(";") and desktop["Icon"] == "peerdesk"
    assert desktop["StartupWMClass"] == "PeerDesk"


def test_the_build_scripts_parse_and_name_files_that_exist() -> None:
    for script, shell in (
        ("build_linux.sh", "bash"),
        ("build_windows.sh", "bash"),
        ("linux/install.sh", "sh"),
    ):
        result = subprocess.run([shell, "-n", str(INSTALLER / script)], capture_output=True)
        assert result.returncode == 0, result.stderr
    windows = (INSTALLER / "build_windows.sh").read_text(encoding="utf-8")
    helpers = set(re.findall(r'"\$HERE/([\w.-]+)"', windows))
    assert len(helpers) >= 4, helpers
    for name in helpers:
        assert (INSTALLER / "windows" / name).is_file(), name
    assert "build_windows.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    build = (INSTALLER / "build_linux.sh").read_text(encoding="utf-8")
    for name in re.findall(r"installer/linux/[\w.]+", build):
        assert (ROOT / name).is_file(), name
    for size in re.search(r"for size in ([\d ]+); do", build).group(1).split():  # type: ignore[union-attr]
        assert (ROOT / "resources" / "icons" / f"peerdesk-{size}.png").is_file()


@pytest.fixture
def stand_in_tarball(tmp_path: Path) -> Path:
    """The tarball's layout with a tiny shell script in place of the real program."""
    stage = tmp_path / "PeerDesk-0.0"
    (stage / "PeerDesk" / "_internal").mkdir(parents=True)
    program = stage / "PeerDesk" / "PeerDesk"
    program.write_text("#!/bin/sh\necho PeerDesk stand-in\n", encoding="utf-8")
    program.chmod(0o755)
    (stage / "icons").mkdir()
    for icon in (ROOT / "resources" / "icons").glob("peerdesk*"):
        shutil.copy(icon, stage / "icons")
    shutil.copy(ROOT / "resources" / "peerdesk.desktop", stage)
    for name in ("install.sh", "INSTALL.txt"):
        shutil.copy(INSTALLER / "linux" / name, stage)
    return stage


def test_install_sh_installs_for_the_user_and_uninstalling_keeps_the_records(
    stand_in_tarball: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    records = home / ".local" / "share" / "PeerDesk"
    records.mkdir(parents=True)
    (records / "peerdesk.sqlite3").write_bytes(b"the house")
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}

    def install(*args: str) -> str:
        result = subprocess.run(
            ["sh", str(stand_in_tarball / "install.sh"), *args],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "PeerDesk is installed" in install()
    program = home / ".local" / "opt" / "PeerDesk" / "PeerDesk"
    assert subprocess.run([str(home / ".local" / "bin" / "peerdesk")], capture_output=True,
                          text=True).stdout == "PeerDesk stand-in\n"  # fmt: skip
    launcher = (home / ".local/share/applications/peerdesk.desktop").read_text(encoding="utf-8")
    assert f'Exec="{program}"' in launcher and "Icon=peerdesk" in launcher
    assert (home / ".local/share/icons/hicolor/256x256/apps/peerdesk.png").is_file()
    assert (home / ".local/share/icons/hicolor/scalable/apps/peerdesk.svg").is_file()

    assert "records" in install("--uninstall")
    assert not program.exists() and not (home / ".local/bin/peerdesk").exists()
    assert not (home / ".local/share/applications/peerdesk.desktop").exists()
    assert (records / "peerdesk.sqlite3").read_bytes() == b"the house", "records untouched"
