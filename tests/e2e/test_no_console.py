"""A windowed build has no console: sys.stdout, sys.stderr and sys.stdin are None there.

Each run below starts Python with all three set to None before PeerDesk is imported, as a
windowed PyInstaller build on Windows does, and checks that nothing fails for it and that
what would have been printed reaches the log.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from peerdesk import logs


def run_without_console(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "sys.stdout = sys.stderr = sys.stdin = None\n"
        "from peerdesk.cli import main\n"
        f"status = main({args!r})\n"
        "sys.__stdout__.write(f'status {status}\\n')\n"
        "sys.exit(status)\n"
    )
    env = {**os.environ, "PEERDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )


def test_the_self_test_report_goes_to_the_log(tmp_path: Path) -> None:
    result = run_without_console(["--self-test"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    log = (tmp_path / "logs" / "peerdesk.log").read_text(encoding="utf-8")
    assert "peerdesk.console: ok   window: PeerDesk" in log
    assert "PeerDesk self-test: all " in log


def test_a_user_error_is_its_sentence_in_the_log_and_status_1(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "peerdesk.sqlite3"
    result = run_without_console(["--db", str(missing), "check"], tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == "status 1\n" and "Traceback" not in result.stderr
    log = (tmp_path / "logs" / "peerdesk.log").read_text(encoding="utf-8")
    assert f"WARNING peerdesk.console: The folder {missing.parent} does not exist." in log


def test_no_terminal_to_type_a_password_in_is_a_sentence_not_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "house.sqlite3"
    env = {**os.environ, "PEERDESK_HOME": str(tmp_path)}
    env.pop("PEERDESK_PASSWORD", None)
    built = subprocess.run(
        [sys.executable, "-m", "peerdesk", "--db", str(db), "demo", "--residents", "2",
         "--years", "0.1"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    result = run_without_console(["--db", str(db), "--user", "admin", "check"], tmp_path)
    assert result.returncode == 1
    log = (tmp_path / "logs" / "peerdesk.log").read_text(encoding="utf-8")
    assert "Give the password of admin in PEERDESK_PASSWORD, or run the command" in log


def test_lines_written_before_the_log_opens_wait_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logger = logging.getLogger(logs.LOGGER_NAME)
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logs, "_fault_file", sys.__stderr__)  # leave faulthandler alone
    stream = logs.ConsoleToLog(logging.WARNING)
    print("said before the log was open", file=stream)
    stream.write("half a line")
    log_file = logs.setup_logging(tmp_path / "logs")
    stream.write(", and the rest\n")
    for handler in logger.handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert text.index("said before the log was open") < text.index("half a line, and the rest")
    for handler in logger.handlers:
        handler.close()
