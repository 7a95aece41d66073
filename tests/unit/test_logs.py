"""The log file and the exception hook: details to the log, one sentence to the person."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from peerdesk import logs


def test_setup_logging_writes_a_log_and_points_faulthandler_at_a_crash_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled: list[str] = []
    monkeypatch.setattr(logs, "_fault_file", None)  # as in a fresh process
    monkeypatch.setattr(
        logs.faulthandler, "enable", lambda file, all_threads: enabled.append(file.name)
    )
    log_file = logs.setup_logging(tmp_path / "logs")
    logging.getLogger("peerdesk").info("a line for the test")
    for handler in logging.getLogger("peerdesk").handlers:
        handler.flush()
    assert log_file.read_text(encoding="utf-8").count("a line for the test") == 1
    assert enabled == [str(tmp_path / "logs" / "crash.log")]
    assert logs._fault_file is not None
    logs._fault_file.close()


def test_the_hook_logs_the_traceback_and_shows_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_file = logs.setup_logging(tmp_path / "logs")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    logs.install_exception_hook(lambda sentence, details: shown.append((sentence, details)))
    try:
        raise RuntimeError("the inner workings broke")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    for handler in logging.getLogger("peerdesk").handlers:
        handler.flush()
    assert len(shown) == 1
    sentence, details = shown[0]
    assert sentence == logs.FAILURE_SENTENCE and "\n" not in sentence
    assert "RuntimeError: the inner workings broke" in details
    assert "Traceback" in log_file.read_text(encoding="utf-8")
