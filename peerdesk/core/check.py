"""``peerdesk check``: is the database file whole, consistent and its audit trail unbroken?"""

from __future__ import annotations

from dataclasses import dataclass

from peerdesk.core import audit
from peerdesk.core.db import Database
from peerdesk.core.views import FTS_TABLES


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def run_checks(db: Database) -> list[CheckResult]:
    """SQLite's integrity and foreign-key checks, the text indexes, and the audit chain."""
    results: list[CheckResult] = []
    connection = db.raw_connection()
    try:
        rows = [r[0] for r in connection.execute("PRAGMA integrity_check").fetchall()]
        results.append(
            CheckResult(
                "integrity", rows == ["ok"], "ok" if rows == ["ok"] else "; ".join(rows[:5])
            )
        )
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        results.append(
            CheckResult(
                "foreign keys",
                not problems,
                "ok"
                if not problems
                else f"{len(problems)} row(s) point at records that do not exist, first in "
                f"{problems[0][0]}",
            )
        )
        broken = []
        for fts in FTS_TABLES.values():
            try:
                connection.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
            except Exception as exc:  # sqlite3 reports a corrupt index as an error
                broken.append(f"{fts}: {exc}")
        results.append(
            CheckResult("search index", not broken, "ok" if not broken else "; ".join(broken))
        )
    finally:
        connection.close()
    with db.read() as s:
        chain = audit.verify_chain(s)
        count = s.execute(audit.count_statement()).scalar_one()
    results.append(
        CheckResult(
            "audit trail",
            not chain,
            f"ok ({count} lines)" if not chain else "; ".join(p.message for p in chain[:5]),
        )
    )
    return results
