"""What the window prints: which reports a person may choose, drawing one into a temporary
PDF off the window's thread, and the audit lines for printing and saving it.

The reports themselves (options, gathering, drawing) live in ``peerdesk.reports.catalog``,
shared with the command line; it pulls in reportlab, so it is imported only inside the work
functions here, never when the window starts.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from peerdesk.core import audit, pickers
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.files import explain_os_error
from peerdesk.core.permissions import Action
from peerdesk.ui.workers import WorkCancelled

CONTEXT = "reports"


@dataclass(frozen=True)
class ReportChoice:
    """One report as the window offers it (``name`` as the command line spells it)."""

    name: str
    text: str  # the Reports menu's entry, with its mnemonic
    names_residents: bool  # always carries the confidentiality notice


# In the Reports menu's order. The outcome summary names residents only when identified.
CHOICES: tuple[ReportChoice, ...] = (
    ReportChoice("roster", QT_TRANSLATE_NOOP("reports", "Resident &roster"), True),
    ReportChoice("mentors", QT_TRANSLATE_NOOP("reports", "&Mentor roster"), False),
    ReportChoice("signin", QT_TRANSLATE_NOOP("reports", "Group &sign-in sheet"), True),
    ReportChoice("supervision", QT_TRANSLATE_NOOP("reports", "Super&vision log"), True),
    ReportChoice("facesheet", QT_TRANSLATE_NOOP("reports", "Resident &face sheets"), True),
    ReportChoice("outcomes", QT_TRANSLATE_NOOP("reports", "&Outcome summary"), False),
)
BY_NAME = {choice.name: choice for choice in CHOICES}


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def plain_title(choice: ReportChoice) -> str:
    """The report's name without its mnemonic: "Resident roster"."""
    return tr(choice.text).replace("&", "")


def own_mentor_id(db: Database, actor: Actor) -> int | None:
    """The peer mentor record of the person at the window, if their account has one."""
    if actor.user_id is None:
        return None
    with db.read() as s:
        return pickers.mentor_of_user(s, actor.user_id)


def available_reports(db: Database, actor: Actor) -> list[str]:
    """The reports this person may print, in menu order.

    Without "may print identified" only the reports that name no resident are offered: the
    mentor roster (staff, their credentials and supervision — what a licensing auditor
    checks) and the de-identified outcome summary. A peer mentor may print only the
    supervision log about themselves, so it is offered only when their account is linked to
    their mentor record.
    """
    if not actor.may(Action.PRINT_IDENTIFIED):
        return ["mentors", "outcomes"]
    names = [choice.name for choice in CHOICES]
    if not actor.may(Action.READ_ALL_SUPERVISION) and (
        not actor.may(Action.READ_OWN_SUPERVISION) or own_mentor_id(db, actor) is None
    ):
        names.remove("supervision")
    return names


# --------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class ReportRequest:
    """A report and the options the person chose (a ``peerdesk.core.report_data`` options)."""

    name: str
    options: Any


@dataclass(frozen=True)
class RenderedReport:
    """A report drawn into a temporary PDF, ready to preview, print and save.

    ``data`` is the snapshot it was drawn from (for the audit line); the file and its
    private folder go when :meth:`discard` is called (the preview does it when it closes).
    """

    request: ReportRequest
    title: str
    subtitle: str  # the period or the day, as the report's header prints it
    detail: str  # what was printed, for the audit line: "22 residents by phase"
    names_residents: bool
    path: Path
    data: Any

    @property
    def name(self) -> str:
        return self.request.name

    def discard(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def new_render_folder() -> Path:
    """A private folder (readable by this user only) for one report's temporary PDF."""
    try:
        return Path(tempfile.mkdtemp(prefix="peerdesk-report-"))
    except OSError as exc:
        raise PeerDeskError(
            explain_os_error(exc, Path(tempfile.gettempdir()), "prepare the report in")
        ) from exc


def render_report(
    db: Database,
    actor: Actor,
    request: ReportRequest,
    folder: Path,
    progress: Callable[[float], None],
    cancelled: Callable[[], bool],
) -> RenderedReport:
    """Gather and draw one report into ``folder`` (work for a :class:`BackgroundTask`).

    The permission checks and the options' rules are the catalog's, as on the command line;
    their refusals come out as :class:`PeerDeskError` sentences. Cancelling stops the drawing
    at its next step and leaves no file.
    """
    from peerdesk.reports.catalog import REPORTS, ReportCancelled

    kind = REPORTS[request.name]
    progress(0.0)
    with db.read() as s:
        data = kind.gather(s, actor, request.options)
    if cancelled():
        raise WorkCancelled
    progress(0.1)

    def step(fraction: float) -> None:
        if cancelled():
            raise ReportCancelled
        progress(0.1 + 0.9 * fraction)

    path = folder / f"{request.name}.pdf"
    try:
        with path.open("wb") as out:
            kind.render(out, data, step)
    except ReportCancelled:
        path.unlink(missing_ok=True)
        raise WorkCancelled from None
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise PeerDeskError(explain_os_error(exc, path, "write the report to")) from exc
    progress(1.0)
    return RenderedReport(
        request=request,
        title=kind.title,
        subtitle=str(data.header.subtitle),
        detail=kind.describe(data),
        names_residents=bool(data.header.names_residents),
        path=path,
        data=data,
    )


# --------------------------------------------------------------------------- the audit trail


def _chosen(options: Any) -> dict[str, Any]:
    return {
        key: value
        for key, value in dataclasses.asdict(options).items()
        if value not in ("", (), None)
    }


def record_printed(db: Database, actor: Actor, report: RenderedReport, printer: str) -> None:
    """One "print" line: who printed which report, with which options, on which printer."""
    changes: dict[str, Any] = {"report": report.name, "to": printer}
    changes.update(_chosen(report.request.options))
    with db.begin() as s:
        audit.record(
            s,
            actor,
            "print",
            "report",
            None,
            f"{report.title} ({report.detail}) printed on {printer}",
            changes,
        )


def record_saved(db: Database, actor: Actor, report: RenderedReport, path: Path) -> None:
    """The catalog's "export" line, as the command line writes it for a saved PDF."""
    from peerdesk.reports.catalog import REPORTS, record_export

    kind = REPORTS[report.name]
    record_export(db, actor, kind, report.request.options, report.data, str(path))
