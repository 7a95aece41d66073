"""Every printable report by name: its options, how its data is gathered, how it is drawn.

The command line and the window's Reports dialog share this table, so both offer the same
reports with the same rules. A window worker thread does::

    kind = REPORTS["roster"]
    options = kind.options(group_by=RosterGrouping.ROOM)
    with db.read() as s:
        data = kind.gather(s, actor, options)  # checks the actor's permissions
    kind.render(buffer, data, progress)  # progress may raise ReportCancelled to stop
    record_export(db, actor, kind, options, data, "printed")

or simply :func:`save_report`, which does all of that into a file written atomically.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from sqlalchemy.orm import Session

from peerdesk.core import audit, report_data
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.files import write_atomically
from peerdesk.core.report_data import (
    FaceSheetData,
    FaceSheetOptions,
    MentorRosterData,
    MentorRosterOptions,
    OutcomeOptions,
    OutcomeSummaryData,
    RosterData,
    RosterOptions,
    SignInData,
    SignInOptions,
    SupervisionLogData,
    SupervisionLogOptions,
)
from peerdesk.reports import outcome_summary, rosters, sheets
from peerdesk.reports.styles import Progress, plural

O = TypeVar("O")  # noqa: E741 (the options type)
D = TypeVar("D")


class ReportCancelled(PeerDeskError):
    """Raised from a progress callback to stop a render; nothing is saved."""

    def __init__(self) -> None:
        super().__init__("The report was cancelled; nothing was saved.")


@dataclass(frozen=True)
class ReportKind(Generic[O, D]):
    """One printable report: what it is called, its options, and how it is made."""

    name: str  # as the command line spells it
    title: str
    description: str  # one sentence for the dialog's list
    options: type[O]
    gather: Callable[[Session, Actor, O], D]
    render: Callable[[BinaryIO, D, Progress | None], None]
    describe: Callable[[D], str]  # what was printed, for the audit line and the CLI


def _roster(data: RosterData) -> str:
    return f"{plural(data.total, 'resident')} by {data.options.group_by.value}"


def _mentors(data: MentorRosterData) -> str:
    return plural(len(data.rows), "peer mentor")


def _sign_in(data: SignInData) -> str:
    return (
        f"{data.title} on {data.session_date.isoformat()}: {plural(len(data.expected), 'name')}"
        f", {plural(data.blank_rows, 'blank row')}"
    )


def _supervision(data: SupervisionLogData) -> str:
    notes = sum(len(m.notes) for m in data.mentors)
    who = data.mentors[0].name if data.one_mentor and data.mentors else "all peer mentors"
    return (
        f"{notes} notes for {who}, {data.period.start.isoformat()} to {data.period.end.isoformat()}"
    )


def _face_sheets(data: FaceSheetData) -> str:
    return plural(len(data.sheets), "resident")


def _outcomes(data: OutcomeSummaryData) -> str:
    period = data.figures.period
    mode = "identified" if data.identified else "de-identified"
    return f"{period.start.isoformat()} to {period.end.isoformat()}, {mode}"


REPORTS: dict[str, ReportKind[Any, Any]] = {
    kind.name: kind
    for kind in (
        ReportKind(
            "roster",
            "Resident roster",
            "Everyone in residence, by phase or by room, with a tick column for a headcount.",
            RosterOptions,
            report_data.gather_roster,
            rosters.render_roster,
            _roster,
        ),
        ReportKind(
            "mentors",
            "Peer mentor roster",
            "Each peer mentor's caseload, credentials, training and supervision.",
            MentorRosterOptions,
            report_data.gather_mentor_roster,
            rosters.render_mentor_roster,
            _mentors,
        ),
        ReportKind(
            "signin",
            "Sign-in sheet",
            "A group's sign-in sheet with the expected residents and blank rows.",
            SignInOptions,
            report_data.gather_sign_in,
            sheets.render_sign_in,
            _sign_in,
        ),
        ReportKind(
            "supervision",
            "Supervision log",
            "Supervision notes over a period, with action items and lines to sign.",
            SupervisionLogOptions,
            report_data.gather_supervision_log,
            sheets.render_supervision_log,
            _supervision,
        ),
        ReportKind(
            "facesheet",
            "Resident face sheet",
            "One page per resident: details, stays, phases, mentor and latest assessments.",
            FaceSheetOptions,
            report_data.gather_face_sheets,
            sheets.render_face_sheets,
            _face_sheets,
        ),
        ReportKind(
            "outcomes",
            "Outcome summary",
            "Every outcome figure for a period with charts, de-identified unless asked.",
            OutcomeOptions,
            report_data.gather_outcome_summary,
            outcome_summary.render_outcome_summary,
            _outcomes,
        ),
    )
}


def record_export(
    db: Database, actor: Actor, kind: ReportKind[Any, D], options: Any, data: D, where: str
) -> None:
    """One audit line saying who printed or saved which report, with which options."""
    changes: dict[str, Any] = {"report": kind.name, "to": where}
    chosen = dataclasses.asdict(options)
    changes.update({key: value for key, value in chosen.items() if value not in ("", (), None)})
    with db.begin() as s:
        audit.record(
            s,
            actor,
            "export",
            "report",
            None,
            f"{kind.title} ({kind.describe(data)}) to {where}",
            changes,
        )


@dataclass(frozen=True)
class SavedReport:
    path: Path
    title: str
    detail: str


def save_report(
    db: Database,
    actor: Actor,
    name: str,
    options: Any,
    path: Path,
    progress: Progress | None = None,
) -> SavedReport:
    """Gather, draw and save one report as a PDF file, then record it in the audit trail.

    The file is written whole or not at all; a permission, a date or a full drive ends in a
    :class:`PeerDeskError` with one sentence.
    """
    kind = REPORTS[name]
    with db.read() as s:
        data = kind.gather(s, actor, options)
    with write_atomically(path) as out:
        kind.render(out, data, progress)
    record_export(db, actor, kind, options, data, str(path))
    return SavedReport(path, kind.title, kind.describe(data))


def save_outcome_csv(
    db: Database, actor: Actor, options: report_data.OutcomeOptions, folder: Path
) -> SavedReport:
    """Every table of the outcome summary as CSV files in ``folder``, hidden cells as in the
    printed copy, then one audit line; a folder that cannot be written ends in one sentence."""
    from peerdesk.core.files import explain_os_error
    from peerdesk.reports.outcome_csv import write_outcome_csv

    kind = REPORTS["outcomes"]
    with db.read() as s:
        data = kind.gather(s, actor, options)
    try:
        write_outcome_csv(folder, data)
    except OSError as exc:
        raise PeerDeskError(explain_os_error(exc, folder, "write")) from exc
    record_export(db, actor, kind, options, data, str(folder))
    return SavedReport(folder, kind.title, kind.describe(data) + ", as CSV files")
