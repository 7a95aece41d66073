"""What each printed report shows, gathered from the database in one read.

Each report has an options dataclass (what the person chose), a data dataclass (a frozen
snapshot the renderer in ``peerdesk.reports`` turns into a PDF) and a ``gather_<report>``
function that takes a Session, the :class:`~peerdesk.core.audit.Actor` and the options. The
gather functions check permissions like every service does, so the window's worker thread
and the command line both do::

    with db.read() as s:
        data = gather_roster(s, actor, RosterOptions(group_by=RosterGrouping.ROOM))
    render_roster(out, data)

Reports that name residents (rosters, sign-in sheets, face sheets, supervision logs — whose
free-text summaries may name one — and an *identified* outcome summary) need
:attr:`Action.PRINT_IDENTIFIED` and are marked ``names_residents`` so every page carries the
CONFIDENTIAL banner and the 42 CFR § 2.32 notice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from peerdesk.core import attention, clock, dto, funder_vocab, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import NotFound, PermissionDenied, ValidationError
from peerdesk.core.models import (
    Credential,
    Mentor,
    PeerSession,
    ProgramPhase,
    Resident,
    SessionAttendee,
    SupervisionNote,
    TrainingEntry,
)
from peerdesk.core.outcome_follow_ups import FollowUpFigures, follow_up_figures
from peerdesk.core.outcome_history import (
    Completeness,
    LateCohort,
    YearFigures,
    completeness,
    headline_checkpoint,
    late_cohorts,
    previous_period,
    trend_years,
)
from peerdesk.core.outcome_people import PeopleFigures, people_figures
from peerdesk.core.outcomes import OutcomeFigures, Period, last_twelve_months, outcome_figures
from peerdesk.core.permissions import Action
from peerdesk.core.services import assessments, residents
from peerdesk.core.services._common import Problems, fmt_date
from peerdesk.core.services.settings import get_settings, list_living_situations
from peerdesk.core.services.stay_answers import answers_of
from peerdesk.core.services.supervision import may_read_notes_about
from peerdesk.core.services.supervision import note_dto as supervision_note_dto
from peerdesk.core.views import resident_overview

MAX_BLANK_ROWS = 200


@dataclass(frozen=True)
class ReportHeader:
    """What the shared header and footer print on every page of a report."""

    house_name: str
    address: str
    phone: str
    paper_size: vocab.PaperSize
    title: str
    subtitle: str  # the period or the date the report is about
    generated_at: dt.datetime  # local time
    generated_by: str
    names_residents: bool  # CONFIDENTIAL banner and the § 2.32 notice on every page


def _header(
    s: Session, actor: Actor, title: str, subtitle: str, *, names_residents: bool
) -> ReportHeader:
    house = get_settings(s)
    return ReportHeader(
        house_name=house.house_name.strip() or "Recovery residence",
        address=house.address,
        phone=house.phone,
        paper_size=house.paper_size,
        title=title,
        subtitle=subtitle,
        generated_at=clock.to_local(clock.now_utc()),
        generated_by=actor.username,
        names_residents=names_residents,
    )


def _may_print_residents(actor: Actor) -> None:
    actor.require(Action.VIEW_RECORDS)
    actor.require(Action.PRINT_IDENTIFIED)


def period_text(period: Period) -> str:
    """``1 Jul 2025 – 30 Jun 2026``, with the as-of date when it differs from the end."""
    text = f"{fmt_date(period.start)} – {fmt_date(period.end)}"
    if period.as_of != period.end:
        text += f", as of {fmt_date(period.as_of)}"
    return text


def report_period(start: dt.date | None, end: dt.date | None, as_of: dt.date | None) -> Period:
    """The period the options ask for; the last twelve months up to today when not given."""
    default = last_twelve_months(clock.today())
    end = end or default.end
    if start is None:
        start = last_twelve_months(end).start
    return Period.checked(start, end, as_of)


def room_sort_key(room: str) -> tuple[tuple[int, int | str], ...]:
    """Rooms in the order a person walks them: 2, 10, 101 A, 101 B; no room last."""
    if not room.strip():
        return ((2, ""),)
    parts = re.split(r"(\d+)", room.strip().casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def _mentor_name(first: str | None, last: str | None) -> str:
    return dto.person_name(first, last) if first is not None and last is not None else ""


# --------------------------------------------------------------------------- finding people


def find_mentor(s: Session, text: str) -> dto.MentorBrief:
    """The mentor a person named: full name, or a first or last name only one mentor has."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        raise ValidationError.single("mentor", "Give the peer mentor's name.")
    rows = s.execute(
        select(Mentor.id, Mentor.first_name, Mentor.last_name, Mentor.role_title, Mentor.status)
    ).all()
    for test in (
        lambda first, last: f"{first} {last}".casefold() == wanted,
        lambda first, last: last.casefold() == wanted,
        lambda first, last: first.casefold() == wanted,
    ):
        found = [r for r in rows if test(r.first_name, r.last_name)]
        if len(found) == 1:
            r = found[0]
            return dto.MentorBrief(
                r.id,
                dto.person_name(r.first_name, r.last_name),
                r.role_title,
                r.status == vocab.MentorStatus.ACTIVE.value,
            )
        if len(found) > 1:
            names = ", ".join(sorted(dto.person_name(r.first_name, r.last_name) for r in found))
            raise ValidationError.single(
                "mentor",
                f"More than one peer mentor is called {text.strip()} ({names}); "
                "give the full name.",
            )
    raise NotFound(
        f"There is no peer mentor called {text.strip()}; check the spelling on the Mentors tab."
    )


def find_resident(s: Session, text: str) -> int:
    """The resident a person named (full name, or a last name only one resident has)."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        raise ValidationError.single("resident", "Give the resident's name.")
    rows = s.execute(
        select(
            Resident.id,
            Resident.first_name,
            Resident.last_name,
            Resident.preferred_name,
            resident_overview.c.status,
        ).join(resident_overview, resident_overview.c.resident_id == Resident.id)
    ).all()
    for test in (
        lambda r: (
            wanted
            in {
                f"{r.first_name} {r.last_name}".casefold(),
                f"{r.preferred_name} {r.last_name}".casefold(),
            }
        ),
        lambda r: r.last_name.casefold() == wanted,
    ):
        found = [r for r in rows if test(r)]
        active = [r for r in found if r.status == vocab.ResidentStatus.ACTIVE.value]
        if len(found) == 1 or len(active) == 1:
            return int((active or found)[0].id)
        if len(found) > 1:
            raise ValidationError.single(
                "resident",
                f"More than one resident is called {text.strip()}; give the full name as it "
                "is on the Residents tab.",
            )
    raise NotFound(
        f"There is no resident called {text.strip()}; check the spelling on the Residents tab."
    )


# --------------------------------------------------------------------------- resident roster


class RosterGrouping(StrEnum):
    PHASE = "phase"
    ROOM = "room"


@dataclass(frozen=True)
class RosterOptions:
    group_by: RosterGrouping = RosterGrouping.PHASE
    contacts: bool = False  # phone and emergency contact columns


@dataclass(frozen=True)
class RosterRow:
    resident_id: int
    name: str
    room: str
    bed: str
    phase: str
    phase_short: str
    intake_date: dt.date
    days_in_program: int
    mentor: str
    phone: str
    emergency_contact: str  # name and phone


@dataclass(frozen=True)
class RosterGroup:
    label: str
    rows: tuple[RosterRow, ...]


@dataclass(frozen=True)
class RosterData:
    header: ReportHeader
    options: RosterOptions
    as_of: dt.date
    groups: tuple[RosterGroup, ...]

    @property
    def total(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def gather_roster(s: Session, actor: Actor, options: RosterOptions) -> RosterData:
    """Everyone in residence today, grouped by phase (program order) or by room."""
    _may_print_residents(actor)
    today = clock.today()
    mentor = aliased(Mentor)
    rows = s.execute(
        select(
            Resident.id,
            Resident.first_name,
            Resident.last_name,
            Resident.preferred_name,
            Resident.room,
            Resident.bed,
            Resident.phone,
            Resident.emergency_contact_name,
            Resident.emergency_contact_phone,
            resident_overview.c.intake_date,
            ProgramPhase.name,
            ProgramPhase.position,
            mentor.first_name,
            mentor.last_name,
            ProgramPhase.short_name,
        )
        .join(resident_overview, resident_overview.c.resident_id == Resident.id)
        .outerjoin(ProgramPhase, ProgramPhase.id == resident_overview.c.phase_id)
        .outerjoin(mentor, mentor.id == Resident.mentor_id)
        .where(resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value)
    ).all()
    entries: list[tuple[Any, Any, RosterRow]] = []
    for r in rows:
        contact = " ".join(p for p in (r.emergency_contact_name, r.emergency_contact_phone) if p)
        entry = RosterRow(
            resident_id=r.id,
            name=dto.person_name(r.first_name, r.last_name, r.preferred_name),
            room=r.room,
            bed=r.bed,
            phase=r.name or "",
            phase_short=r.short_name or "",
            intake_date=r.intake_date,
            days_in_program=(today - r.intake_date).days,
            mentor=_mentor_name(r[12], r[13]),
            phone=r.phone,
            emergency_contact=contact,
        )
        by_name = (r.last_name.casefold(), r.first_name.casefold(), r.id)
        if options.group_by == RosterGrouping.PHASE:
            group_key = (r.position is None, r.position or 0, r.name or "")
            entries.append((group_key, by_name, entry))
        else:
            entries.append((room_sort_key(r.room), (r.bed.casefold(), *by_name), entry))
    entries.sort(key=lambda e: (e[0], e[1]))
    groups: list[RosterGroup] = []
    current: list[RosterRow] = []
    current_key: Any = None
    for key, _order, entry in entries:
        if key != current_key and current:
            groups.append(_roster_group(options.group_by, current))
            current = []
        current_key = key
        current.append(entry)
    if current:
        groups.append(_roster_group(options.group_by, current))
    grouping = "phase" if options.group_by == RosterGrouping.PHASE else "room"
    return RosterData(
        header=_header(
            s,
            actor,
            "Resident roster",
            f"In residence on {fmt_date(today)} · by {grouping}",
            names_residents=True,
        ),
        options=options,
        as_of=today,
        groups=tuple(groups),
    )


def _roster_group(grouping: RosterGrouping, rows: list[RosterRow]) -> RosterGroup:
    first = rows[0]
    if grouping == RosterGrouping.PHASE:
        label = first.phase or "No phase recorded"
    else:
        label = f"Room {first.room}" if first.room.strip() else "No room assigned"
    return RosterGroup(label, tuple(rows))


# --------------------------------------------------------------------------- mentor roster


@dataclass(frozen=True)
class MentorRosterOptions:
    include_inactive: bool = False


@dataclass(frozen=True)
class CredentialLine:
    name: str
    number: str
    expires_on: dt.date | None
    expired: bool
    expiring: bool  # within the warning days, not yet expired


@dataclass(frozen=True)
class MentorRosterRow:
    mentor_id: int
    name: str
    role_title: str
    active: bool
    start_date: dt.date
    end_date: dt.date | None
    supervisor_name: str
    caseload: int
    credentials: tuple[CredentialLine, ...]
    training_hours: float  # the 365 days up to today
    last_supervision: dt.date | None
    days_since_supervision: int | None
    overdue: bool
    overdue_reason: str


@dataclass(frozen=True)
class MentorRosterData:
    header: ReportHeader
    as_of: dt.date
    warning_days: int
    rows: tuple[MentorRosterRow, ...]


def gather_mentor_roster(
    s: Session, actor: Actor, options: MentorRosterOptions
) -> MentorRosterData:
    """Every active peer mentor: caseload, credentials, training and supervision."""
    actor.require(Action.VIEW_RECORDS)
    today = clock.today()
    house = get_settings(s)
    # Active mentors first, then (when asked for) those who have left, each by last name.
    query = select(Mentor).order_by(
        Mentor.status != vocab.MentorStatus.ACTIVE.value,
        Mentor.last_name,
        Mentor.first_name,
        Mentor.id,
    )
    if not options.include_inactive:
        query = query.where(Mentor.status == vocab.MentorStatus.ACTIVE.value)
    mentors = s.execute(query).scalars().all()
    ids = [m.id for m in mentors]
    caseloads = dict(
        s.execute(
            select(Resident.mentor_id, func.count())
            .join(resident_overview, resident_overview.c.resident_id == Resident.id)
            .where(
                resident_overview.c.status == vocab.ResidentStatus.ACTIVE.value,
                Resident.mentor_id.in_(ids),
            )
            .group_by(Resident.mentor_id)
        ).all()
    )
    training_from = today - dt.timedelta(days=364)
    training = dict(
        s.execute(
            select(TrainingEntry.mentor_id, func.sum(TrainingEntry.minutes))
            .where(
                TrainingEntry.mentor_id.in_(ids),
                TrainingEntry.voided_at.is_(None),
                TrainingEntry.trained_on.between(training_from, today),
            )
            .group_by(TrainingEntry.mentor_id)
        ).all()
    )
    credentials: dict[int, dict[str, Credential]] = {}
    for credential in s.execute(
        select(Credential)
        .where(Credential.mentor_id.in_(ids), Credential.voided_at.is_(None))
        .order_by(Credential.id)
    ).scalars():
        newest = credentials.setdefault(credential.mentor_id, {})
        held = newest.get(credential.name)
        # The newest of each credential: the one expiring last (no expiry beats any date).
        if (
            held is None
            or credential.expires_on is None
            or (held.expires_on is not None and credential.expires_on >= held.expires_on)
        ):
            newest[credential.name] = credential
    cadence = {c.mentor_id: c for c in attention.supervision_cadence(s, today)}
    last_notes = dict(
        s.execute(
            select(SupervisionNote.mentor_id, func.max(SupervisionNote.note_date))
            .where(SupervisionNote.mentor_id.in_(ids), SupervisionNote.voided_at.is_(None))
            .group_by(SupervisionNote.mentor_id)
        ).all()
    )
    rows = []
    for m in mentors:
        lines = []
        for c in sorted(credentials.get(m.id, {}).values(), key=lambda c: c.name.casefold()):
            expired = c.expires_on is not None and c.expires_on < today
            expiring = (
                c.expires_on is not None
                and not expired
                and (c.expires_on - today).days <= house.credential_warning_days
            )
            lines.append(CredentialLine(c.name, c.number, c.expires_on, expired, expiring))
        status = cadence.get(m.id)
        last = status.last_supervision if status else last_notes.get(m.id)
        rows.append(
            MentorRosterRow(
                mentor_id=m.id,
                name=dto.person_name(m.first_name, m.last_name),
                role_title=m.role_title,
                active=m.status == vocab.MentorStatus.ACTIVE.value,
                start_date=m.start_date,
                end_date=m.end_date,
                supervisor_name=m.supervisor_name,
                caseload=int(caseloads.get(m.id, 0)),
                credentials=tuple(lines),
                training_hours=int(training.get(m.id, 0) or 0) / 60,
                last_supervision=last,
                days_since_supervision=(today - last).days if last else None,
                overdue=status.overdue if status else False,
                overdue_reason=status.reason if status else "",
            )
        )
    return MentorRosterData(
        header=_header(
            s, actor, "Peer mentor roster", f"On {fmt_date(today)}", names_residents=False
        ),
        as_of=today,
        warning_days=house.credential_warning_days,
        rows=tuple(rows),
    )


# --------------------------------------------------------------------------- sign-in sheet


@dataclass(frozen=True)
class SignInOptions:
    title: str = "Group session"
    session_date: dt.date | None = None  # today when not given
    facilitator: str = ""  # a line to write on when empty
    phase: str = ""  # only residents in this phase (name or short name)
    expected: bool = True  # pre-print the names of the residents expected
    blank_rows: int = 10


@dataclass(frozen=True)
class ExpectedAttendee:
    name: str
    room: str
    bed: str


@dataclass(frozen=True)
class SignInData:
    header: ReportHeader
    title: str
    session_date: dt.date
    facilitator: str
    phase: str
    expected: tuple[ExpectedAttendee, ...]
    blank_rows: int


def gather_sign_in(s: Session, actor: Actor, options: SignInOptions) -> SignInData:
    """A sign-in sheet: the residents expected (everyone, or one phase) and blank rows."""
    _may_print_residents(actor)
    title = " ".join(options.title.split())
    if not title:
        raise ValidationError.single("title", "Give the session a title for the sheet.")
    if len(title) > 120:
        raise ValidationError.single("title", "The title is too long (at most 120 characters).")
    if not 0 <= options.blank_rows <= MAX_BLANK_ROWS:
        raise ValidationError.single(
            "blank_rows", f"Blank rows must be between 0 and {MAX_BLANK_ROWS}."
        )
    phase_name = ""
    people = residents.active_residents(s) if options.expected else []
    if options.phase.strip():
        wanted = options.phase.strip().casefold()
        phases = s.execute(select(ProgramPhase.name, ProgramPhase.short_name)).all()
        match = [name for name, short in phases if wanted in (name.casefold(), short.casefold())]
        if not match:
            known = ", ".join(name for name, _ in phases)
            raise NotFound(f"There is no phase called {options.phase.strip()}; use one of {known}.")
        phase_name = match[0]
        people = [p for p in people if p.phase_name == phase_name]
    day = options.session_date or clock.today()
    subtitle = f"{title}, {fmt_date(day)}"
    return SignInData(
        header=_header(s, actor, "Sign-in sheet", subtitle, names_residents=True),
        title=title,
        session_date=day,
        facilitator=" ".join(options.facilitator.split()),
        phase=phase_name,
        expected=tuple(ExpectedAttendee(p.name, p.room, p.bed) for p in people),
        blank_rows=options.blank_rows,
    )


# --------------------------------------------------------------------------- supervision log


@dataclass(frozen=True)
class SupervisionLogOptions:
    start: dt.date | None = None
    end: dt.date | None = None
    mentor_id: int | None = None  # None: every mentor with notes in the period


@dataclass(frozen=True)
class MentorLog:
    mentor_id: int
    name: str
    role_title: str
    supervisor_name: str
    notes: tuple[dto.SupervisionNote, ...]

    @property
    def hours(self) -> float:
        return sum(n.duration_minutes for n in self.notes) / 60


@dataclass(frozen=True)
class SupervisionLogData:
    header: ReportHeader
    period: Period
    mentors: tuple[MentorLog, ...]
    one_mentor: bool


def gather_supervision_log(
    s: Session, actor: Actor, options: SupervisionLogOptions
) -> SupervisionLogData:
    """The supervision notes of one mentor (or all) over a period, oldest first."""
    _may_print_residents(actor)
    period = report_period(options.start, options.end, None)
    query = select(Mentor).order_by(Mentor.last_name, Mentor.first_name, Mentor.id)
    if options.mentor_id is not None:
        mentor = s.get(Mentor, options.mentor_id)
        if mentor is None:
            raise NotFound("That peer mentor is not in this house's records.")
        if not may_read_notes_about(actor, mentor):
            raise PermissionDenied(
                "You may print only the supervision notes about yourself.", actor=actor
            )
        query = query.where(Mentor.id == options.mentor_id)
    else:
        actor.require(Action.READ_ALL_SUPERVISION)
    mentors = s.execute(query).scalars().all()
    notes: dict[int, list[dto.SupervisionNote]] = {m.id: [] for m in mentors}
    by_id = {m.id: m for m in mentors}
    for note in s.execute(
        select(SupervisionNote)
        .options(selectinload(SupervisionNote.action_items))
        .where(
            SupervisionNote.mentor_id.in_(list(by_id)),
            SupervisionNote.voided_at.is_(None),
            SupervisionNote.note_date.between(period.start, period.end),
        )
        .order_by(SupervisionNote.note_date, SupervisionNote.id)
    ).scalars():
        notes[note.mentor_id].append(supervision_note_dto(note, by_id[note.mentor_id]))
    logs = tuple(
        MentorLog(
            mentor_id=m.id,
            name=dto.person_name(m.first_name, m.last_name),
            role_title=m.role_title,
            supervisor_name=m.supervisor_name,
            notes=tuple(notes[m.id]),
        )
        for m in mentors
        if notes[m.id] or options.mentor_id is not None
    )
    who = logs[0].name if options.mentor_id is not None and logs else "all peer mentors"
    return SupervisionLogData(
        header=_header(
            s, actor, "Supervision log", f"{period_text(period)} · {who}", names_residents=True
        ),
        period=period,
        mentors=logs,
        one_mentor=options.mentor_id is not None,
    )


# --------------------------------------------------------------------------- face sheet


@dataclass(frozen=True)
class FaceSheetOptions:
    resident_ids: tuple[int, ...] = ()  # empty: every resident in residence


@dataclass(frozen=True)
class LatestScore:
    instrument: vocab.Instrument
    assessed_on: dt.date
    score: int | None
    living_situation: str  # label, for a living-situation check
    first_score: int | None  # the first of this stay, for the BARC-10 and readiness ruler
    first_on: dt.date | None


@dataclass(frozen=True)
class FaceSheet:
    resident: dto.Resident
    phase_name: str
    intake_situation: str  # label
    exit_situation: str  # label, once discharged
    age: int | None
    latest: tuple[LatestScore, ...]
    sessions_last_30_days: int
    last_session: dt.date | None
    # The funders' answers of the current stay as (question, answer) labels: the intake's,
    # and once discharged the discharge's too; empty when none was ever recorded.
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FaceSheetData:
    header: ReportHeader
    as_of: dt.date
    sheets: tuple[FaceSheet, ...] = field(default=())


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _face_sheet_answers(s: Session, stay: dto.Stay | None) -> tuple[tuple[str, str], ...]:
    if stay is None:
        return ()
    answers = answers_of(s, stay.id)
    asked = dict(funder_vocab.INTAKE_QUESTIONS)
    if not stay.is_open:
        asked.update(funder_vocab.EXIT_QUESTIONS)
    if all(answers[q] == funder_vocab.UNKNOWN for q in asked):
        return ()
    return tuple((label, answers.label(q)) for q, (_enum, label) in asked.items())


def gather_face_sheets(s: Session, actor: Actor, options: FaceSheetOptions) -> FaceSheetData:
    """One sheet per resident: details, stays, phase history, mentor, latest assessments,
    the current stay's funders' answers."""
    _may_print_residents(actor)
    today = clock.today()
    ids: Sequence[int] = options.resident_ids or [r.id for r in residents.active_residents(s)]
    labels = {ls.code: ls.label for ls in list_living_situations(s)}
    sheets = []
    for resident_id in ids:
        resident = residents.get_resident(s, resident_id)
        stay = resident.current_stay
        phase = resident.current_phase
        since = stay.intake_date if stay else dt.date.min
        scores = assessments.list_assessments(s, resident_id)
        latest = []
        for instrument in vocab.Instrument:
            mine = [a for a in scores if a.instrument == instrument and a.assessed_on >= since]
            if not mine:
                continue
            last, first = mine[-1], mine[0]
            paired = instrument in (vocab.Instrument.BARC10, vocab.Instrument.READINESS)
            latest.append(
                LatestScore(
                    instrument=instrument,
                    assessed_on=last.assessed_on,
                    score=last.score,
                    living_situation=labels.get(last.living_situation or "", ""),
                    first_score=first.score if paired and first is not last else None,
                    first_on=first.assessed_on if paired and first is not last else None,
                )
            )
        attended = (
            select(PeerSession.session_date)
            .join(SessionAttendee, SessionAttendee.session_id == PeerSession.id)
            .where(
                SessionAttendee.resident_id == resident_id,
                PeerSession.voided_at.is_(None),
                PeerSession.session_date <= today,
            )
        )
        last_session = s.execute(select(func.max(attended.subquery().c.session_date))).scalar_one()
        recent = s.execute(
            select(func.count()).select_from(
                attended.where(PeerSession.session_date >= today - dt.timedelta(days=29)).subquery()
            )
        ).scalar_one()
        sheets.append(
            FaceSheet(
                resident=resident,
                phase_name=phase.phase_name if phase else "",
                intake_situation=labels.get(stay.intake_living_situation, "") if stay else "",
                exit_situation=labels.get(stay.exit_living_situation or "", "") if stay else "",
                age=_age(resident.date_of_birth, today),
                latest=tuple(latest),
                sessions_last_30_days=int(recent),
                last_session=last_session,
                answers=_face_sheet_answers(s, stay),
            )
        )
    if len(sheets) == 1:
        subtitle = f"{sheets[0].resident.name}, on {fmt_date(today)}"
    else:
        subtitle = f"{len(sheets)} residents in residence on {fmt_date(today)}"
    return FaceSheetData(
        header=_header(s, actor, "Resident face sheet", subtitle, names_residents=True),
        as_of=today,
        sheets=tuple(sheets),
    )


# --------------------------------------------------------------------------- outcome summary


@dataclass(frozen=True)
class OutcomeOptions:
    start: dt.date | None = None
    end: dt.date | None = None
    as_of: dt.date | None = None
    identified: bool = False  # mentor names and exact small counts
    grant: str = ""  # the grant or contract number printed on the first page


@dataclass(frozen=True)
class OutcomeSummaryData:
    header: ReportHeader
    figures: OutcomeFigures
    identified: bool
    checkpoints: tuple[int, ...]
    previous: OutcomeFigures | None = None  # the same number of days just before
    trend: tuple[YearFigures, ...] = ()  # newest first; the first ends with the period
    late_cohorts: Mapping[int, LateCohort] = field(default_factory=dict)
    completeness: Completeness | None = None
    people: PeopleFigures | None = None  # funders' categories: who was served, entry, exit
    follow_ups: tuple[FollowUpFigures, ...] = ()  # 6 and 12 months after discharge
    targets: dto.OutcomeTargets = field(default_factory=dto.OutcomeTargets)
    grant: str = ""


def gather_outcome_summary(s: Session, actor: Actor, options: OutcomeOptions) -> OutcomeSummaryData:
    """Every outcome figure for the period, the previous period's, the trend's, the late
    retention cohorts and how complete the records are. De-identified unless asked: peer
    mentors are numbered (the renderer prints only the house's totals and hides small counts
    with every figure they could be worked out from)."""
    actor.require(Action.VIEW_RECORDS)
    if options.identified:
        actor.require(Action.PRINT_IDENTIFIED)
    period = report_period(options.start, options.end, options.as_of)
    problems = Problems()
    grant = problems.optional_text(
        options.grant, "grant", "The grant or contract number", max_length=80
    )
    problems.raise_if_any()
    figures = outcome_figures(s, period)
    previous = outcome_figures(s, previous_period(period))
    if not options.identified:
        figures = _without_names(figures)
        previous = _without_names(previous)
    house = get_settings(s)
    mode = "identified" if options.identified else "de-identified"
    return OutcomeSummaryData(
        header=_header(
            s,
            actor,
            "Outcome summary",
            f"{period_text(period)} · {mode}",
            names_residents=options.identified,
        ),
        figures=figures,
        identified=options.identified,
        checkpoints=house.retention_checkpoints,
        previous=previous,
        trend=trend_years(
            s,
            period,
            headline_checkpoint(house.retention_checkpoints),
            known=(figures, previous),
        ),
        late_cohorts=late_cohorts(s, figures),
        completeness=completeness(s, period),
        people=people_figures(s, period),
        follow_ups=follow_up_figures(s, period),
        targets=house.targets,
        grant=grant,
    )


def _without_names(figures: OutcomeFigures) -> OutcomeFigures:
    """The same figures with every peer mentor named by a number instead (stable by name)."""
    names = sorted(
        {m.mentor_name for m in figures.supervision.mentors}
        | {r.label for r in figures.dose.by_mentor}
        | {c.mentor_name for c in figures.supervision.credentials_expiring},
        key=str.casefold,
    )
    number = {name: f"Peer mentor {index}" for index, name in enumerate(names, start=1)}
    supervision = dataclasses.replace(
        figures.supervision,
        mentors=tuple(
            sorted(
                (
                    dataclasses.replace(m, mentor_name=number[m.mentor_name])
                    for m in figures.supervision.mentors
                ),
                key=lambda m: int(m.mentor_name.rsplit(" ", 1)[1]),
            )
        ),
        credentials_expiring=tuple(
            dataclasses.replace(c, mentor_name=number[c.mentor_name])
            for c in figures.supervision.credentials_expiring
        ),
    )
    dose = dataclasses.replace(
        figures.dose,
        by_mentor=tuple(
            dataclasses.replace(r, label=number[r.label]) for r in figures.dose.by_mentor
        ),
    )
    return dataclasses.replace(figures, supervision=supervision, dose=dose)
