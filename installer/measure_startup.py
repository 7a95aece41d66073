"""How long PeerDesk takes from a double-click to a usable main window.

    python installer/measure_startup.py [--runs 5] [--beds 24 --years 3] [COMMAND ...]

COMMAND defaults to the one-folder build, dist/PeerDesk/PeerDesk. A demo house is built
once (with COMMAND itself), then COMMAND ``--db HOUSE --self-test`` is started ``--runs``
times offscreen; the time until it prints its first line ("ok   window: …", printed once
the window is shown with its Home tab filled in and the event loop has run) is the start-up
time. Before the first run every file of the bundle is dropped from the operating system's
file cache (``posix_fadvise``, no root needed), so the first figure is a cold start as
after a reboot; the others are warm starts. Linux only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def drop_from_cache(folder: Path) -> int:
    """Ask the kernel to forget the cached pages of every file under ``folder``."""
    dropped = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                dropped += 1
            finally:
                os.close(fd)
    return dropped


def time_to_window(command: list[str], db: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--db", str(db), "--self-test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.stdout.read()
    if process.wait() != 0 or not first.startswith("ok   window:"):
        raise SystemExit(f"The self-test did not pass: {first.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--beds", type=int, default=24)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("command", nargs="*", default=[str(ROOT / "dist" / "PeerDesk" / "PeerDesk")])
    args = parser.parse_args()
    command = args.command
    with tempfile.TemporaryDirectory(prefix="peerdesk-startup-") as work:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "PEERDESK_HOME": str(Path(work) / "home"),
        }
        (Path(work) / "home").mkdir()
        db = Path(work) / "house.sqlite3"
        subprocess.run(
            [*command, "--db", str(db), "demo", "--residents", str(args.beds), "--years",
             str(args.years)],
            check=True, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        program = Path(command[0]).resolve()
        folder = program.parent if (program.parent / "_internal").is_dir() else None
        times = []
        for run in range(args.runs):
            if run == 0 and folder is not None:
                drop_from_cache(folder)
            times.append(time_to_window(command, db, env))
    cold, warm = times[0], times[1:]
    print(f"{' '.join(command)}  ({args.beds} beds, {args.years:g} years of records)")
    print(f"cold start to a usable window: {cold:.2f} s" + ("" if folder else " (not a bundle)"))
    if warm:
        print(
            f"warm starts: median {statistics.median(warm):.2f} s "
            f"(min {min(warm):.2f}, max {max(warm):.2f}, {len(warm)} runs)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
