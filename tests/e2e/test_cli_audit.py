"""``peerdesk export audit``: the audit log as a PDF from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest

from tests.e2e.test_cli import assert_one_sentence, demo_password, run


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("cli-audit") / "house.sqlite3"
    result = run("--db", path, "demo", "--residents", "4", "--years", "0.5", "--seed", "3")
    assert result.returncode == 0, result.stderr
    return path, demo_password(result.stdout)


@pytest.fixture
def as_user(house: tuple[Path, str]) -> Callable[..., Any]:
    path, password = house

    def run_as(user: str, *args: str | Path) -> Any:
        return run("--db", path, "--user", user, *args, env={"PEERDESK_PASSWORD": password})

    return run_as


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_a_supervisor_prints_the_audit_log(as_user: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "audit.pdf"
    result = as_user("supervisor", "export", "audit", "--out", out)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first.startswith("Audit log (") and first.endswith(f"lines) written to {out}")
    assert second.startswith("The audit trail is whole: all ")
    text = pdf_text(out)
    assert "Audit log" in text and "CONFIDENTIAL" in text and "every line" in text.lower()

    mine = tmp_path / "supervisor.pdf"
    result = as_user(
        "supervisor", "export", "audit", "--out", mine, "--by", "supervisor", "--record", "users"
    )
    assert result.returncode == 0, result.stderr
    text = pdf_text(mine)
    assert "By supervisor, user accounts and sign-ins" in text
    assert "supervisor signed in" in text


def test_refusals_are_one_sentence(as_user: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "audit.pdf"
    assert_one_sentence(
        as_user("viewer", "export", "audit", "--out", out), "may not read the audit log"
    )
    assert_one_sentence(
        as_user("admin", "export", "audit", "--out", out, "--by", "ghost"),
        "no account called ghost",
    )
    assert_one_sentence(
        as_user(
            "admin", "export", "audit", "--out", out, "--from", "2026-06-02", "--to", "2026-06-01"
        ),
        "is before the first",
    )
    assert not out.exists()


@pytest.mark.parametrize("record", ["nothing", "residents:x"])
def test_a_bad_record_is_a_bad_argument(
    as_user: Callable[..., Any], tmp_path: Path, record: str
) -> None:
    result = as_user("admin", "export", "audit", "--out", tmp_path / "a.pdf", "--record", record)
    assert result.returncode == 2
