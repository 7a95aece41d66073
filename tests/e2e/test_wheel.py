"""The wheel and the sdist carry every resource, and the wheel works in a fresh environment.

Builds the sdist and, from it, the wheel (``python -m build``: so a file the sdist forgets
also breaks the wheel), reads both archives, then installs the wheel into a new virtual
environment and runs ``peerdesk-cli --self-test`` there, from an empty folder, offscreen.
Slow (a minute or two: the new environment installs PySide6), so it is marked ``slow``;
``.ci/run`` runs it on every CI run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import peerdesk

ROOT = Path(__file__).resolve().parents[2]
SKIP_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def source_files(folder: str) -> set[str]:
    """Every file under ``ROOT/folder`` that belongs to the project (caches left out)."""
    base = ROOT / folder
    return {
        path.relative_to(ROOT).as_posix()
        for path in base.rglob("*")
        if path.is_file()
        and not SKIP_PARTS.intersection(path.relative_to(base).parts)
        and path.suffix not in (".pyc", ".pyo")
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = out.glob("peerdesk-*.whl")
    (sdist,) = out.glob("peerdesk-*.tar.gz")
    return wheel, sdist


@pytest.mark.slow
def test_the_wheel_carries_icons_guide_desktop_file_and_migrations(
    built: tuple[Path, Path],
) -> None:
    wheel, _sdist = built
    assert wheel.name == f"peerdesk-{peerdesk.__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    resources = {"peerdesk/" + name for name in source_files("resources")}
    assert {n for n in resources if "/guide/" in n or "/icons/" in n}, "found the resources"
    assert resources <= names, sorted(resources - names)
    migrations = source_files("peerdesk/migrations")
    assert "peerdesk/migrations/versions/0001_initial.py" in migrations
    assert migrations <= names, sorted(migrations - names)
    assert "peerdesk/resources/guide/roles.html" in names
    assert "peerdesk/resources/icons/peerdesk.ico" in names


@pytest.mark.slow
def test_the_sdist_carries_every_file_of_the_program_and_its_resources(
    built: tuple[Path, Path],
) -> None:
    _wheel, sdist = built
    prefix = f"peerdesk-{peerdesk.__version__}/"
    with tarfile.open(sdist) as archive:
        names = {m.name.removeprefix(prefix) for m in archive.getmembers() if m.isfile()}
    for folder in ("peerdesk", "resources", "installer", "tests"):
        wanted = source_files(folder)
        assert wanted <= names, f"{folder}: {sorted(wanted - names)}"
    assert {"pyproject.toml", "README.md"} <= names


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_environment_and_passes_its_self_test(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, _sdist = built
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    install = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    empty = tmp_path / "elsewhere"
    empty.mkdir()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PEERDESK_HOME": str(tmp_path / "home"),
        "PYTHONPATH": "",
    }
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import peerdesk.paths as p; print(p.resource_dir())"],
        capture_output=True,
        text=True,
        cwd=empty,
        env=env,
        timeout=120,
    )
    assert where.returncode == 0, where.stderr
    resources = Path(where.stdout.strip())
    assert resources.is_relative_to(venv), "the installed copy, not the source tree"
    assert (resources / "guide" / "index.html").is_file()

    test = subprocess.run(
        [str(bin_dir / "peerdesk-cli"), "--self-test"],
        capture_output=True,
        text=True,
        cwd=empty,
        env=env,
        timeout=300,
    )
    assert test.returncode == 0, test.stdout + test.stderr
    lines = test.stdout.splitlines()
    assert any(line.startswith("ok   installation: ") for line in lines), lines
    assert "ok   form user guide: opened, and closed with Esc" in lines
    assert lines[-1].startswith("PeerDesk self-test: all ")
