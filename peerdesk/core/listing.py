"""The SQL side of the window's tables: one column spec per tab, paged, sorted and searched in SQL.

Every tab shows a :class:`ListSpec` — its columns (header, SQL expression, sort key, formatter,
alignment), the tables it is built from and the filters it understands. The window's one table
model asks :func:`count` how many rows match a :class:`ListQuery` and :func:`fetch_page` for
the rows it needs as the view scrolls, so a ten-year house never loads every session into
Python. Sorting and filtering happen in SQL on indexed columns; notes and summaries are searched
through the FTS5 indexes, names and rooms with prefix matches.

No Qt here: headers are plain English and the window translates them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from peerdesk.core import clock, vocab
from peerdesk.core.attention import CADENCE_WINDOW_DAYS
from peerdesk.core.audit import Actor
from peerdesk.core.models import (
    ActionItem,
    Credential,
    HouseSettings,
    Mentor,
    PeerSession,
    ProgramPhase,
    Resident,
    SessionAttendee,
    SupervisionNote,
)
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import UNPRINTABLE, fmt_date
from peerdesk.core.views import resident_overview

# Any SQL expression a column may show or sort by: a mapped attribute or a built expression.
Expr = ColumnElement[Any] | QueryableAttribute[Any]

# The as-of date of "days in program" and "overdue", bound when a query runs.
AS_OF = bindparam("as_of", type_=Date)

DASH = "—"


class Align(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    CENTER = "center"


# --------------------------------------------------------------------------- formatters


def text_value(value: object) -> str:
    return "" if value is None else str(value)


def date_value(value: object) -> str:
    """12 Mar 2026; an empty cell for no date."""
    if isinstance(value, str) and value:
        value = dt.date.fromisoformat(value[:10])
    return fmt_date(value) if isinstance(value, dt.date) else ""


def count_value(value: object) -> str:
    return f"{int(value):,}" if isinstance(value, int | float) else ""


def _labels(enum: type[vocab._Labelled]) -> Callable[[object], str]:
    def label(value: object) -> str:
        if value is None:
            return ""
        member = enum.from_text(str(value))
        return member.label if member is not None else str(value)

    return label


def support_types_value(value: object) -> str:
    """The bit mask of the four support types (see :func:`_support_mask`) as words."""
    mask = int(value) if isinstance(value, int) else 0
    return ", ".join(t.label for i, t in enumerate(vocab.SupportType) if mask & (1 << i))


def yes_blank(value: object) -> str:
    return "Yes" if value else ""


def overdue_value(value: object) -> str:
    return "Overdue" if value else ""


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Column:
    """One column of a table: what it shows, how it sorts, how it reads."""

    key: str
    header: str
    expr: Expr
    # What ORDER BY uses; empty means "sort by ``expr``". The record id always breaks ties.
    sort: tuple[Expr, ...] = ()
    format: Callable[[object], str] = text_value
    align: Align = Align.LEFT
    # A starting width in average characters, before the person resizes the column.
    width: int = 12
    # What the header's tooltip says when the header itself is short.
    tip: str = ""

    @property
    def sort_keys(self) -> tuple[Expr, ...]:
        return self.sort or (self.expr,)


@dataclass(frozen=True)
class ListQuery:
    """What a tab asks for: search words, filters, voided rows or not, and the sort.

    A spec uses only the filters that apply to it (``phase_id`` means nothing to Sessions).
    ``status`` is "active"/"discharged" for residents and "active"/"inactive" for mentors;
    None means all.
    """

    search: str = ""
    status: str | None = None
    phase_id: int | None = None
    mentor_id: int | None = None
    session_format: vocab.SessionFormat | None = None
    support_type: vocab.SupportType | None = None
    kind: vocab.SupervisionKind | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    resident_id: int | None = None
    show_voided: bool = False
    sort_key: str | None = None
    descending: bool = False
    as_of: dt.date | None = None
    # Supervision notes: None shows every note; an account id shows only the notes about the
    # peer mentor linked to that account (see :func:`notes_reader`).
    notes_about_user: int | None = None

    def sorted_by(self, key: str, *, descending: bool) -> ListQuery:
        return replace(self, sort_key=key, descending=descending)

    def unfiltered(self) -> ListQuery:
        """The same scope (resident, voided rows) without the person's search and filters."""
        return ListQuery(
            resident_id=self.resident_id,
            show_voided=self.show_voided,
            sort_key=self.sort_key,
            descending=self.descending,
            as_of=self.as_of,
            notes_about_user=self.notes_about_user,
        )


@dataclass(frozen=True)
class ListRow:
    """One row as the table shows it: the record id, raw column values, voided or not."""

    id: int
    values: tuple[Any, ...]
    voided: bool = False


@dataclass(frozen=True)
class ListSpec:
    """A tab's table: its columns, where they come from, and the filters it understands."""

    name: str
    noun: str  # "resident"
    plural: str  # "residents"
    id_column: Expr
    columns: tuple[Column, ...]
    source: Callable[[Select[Any]], Select[Any]]  # adds FROM and JOINs to a select
    where: Callable[[ListQuery], list[ColumnElement[bool]]]  # the person's filters
    scope: Callable[[ListQuery], list[ColumnElement[bool]]]  # always applied (voided, resident)
    default_sort: str
    default_descending: bool = False
    voided: Expr | None = None
    # Record tables whose changes this table shows (a tab refreshes on these announcements).
    tables: frozenset[str] = field(default_factory=frozenset)
    # FROM and JOINs for counting rows, when ``source`` joins tables only to show columns:
    # every join it leaves out must keep each row exactly once (an inner join along a
    # required foreign key), and neither ``where`` nor ``scope`` may use its tables. Counts
    # run on every search and filter, so reading one table instead of two matters on ten
    # years of sessions.
    count_source: Callable[[Select[Any]], Select[Any]] | None = None

    def column(self, key: str) -> Column:
        for candidate in self.columns:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def column_index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)


# --------------------------------------------------------------------------- search


_WORD = re.compile(r"\w", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a search box, without ones that are only punctuation.

    A character no record holds (a NUL, an escape, a text-direction control, half of a broken
    character) parts words as a space does: pasted into the box, it would otherwise reach
    SQLite, which stops reading a search at a NUL and cannot store a broken character.
    """
    return [word for word in UNPRINTABLE.sub(" ", text).split() if _WORD.search(word)][:8]


# A one-letter word would match most of ten years of notes and only slow the search down;
# the notes indexes are searched for words of at least this many characters.
FTS_MIN_CHARS = 2


def fts_words(text: str) -> list[str]:
    """The search words worth looking up in a notes index."""
    return [word for word in search_words(text) if len(word) >= FTS_MIN_CHARS]


def fts_query(words: Sequence[str]) -> str:
    """An FTS5 query matching rows that contain every word as a prefix.

    Each word is quoted (quotes doubled), so punctuation and FTS keywords such as AND, NEAR or
    a stray parenthesis are searched as text instead of breaking the query.
    """
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def _like_prefix(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _starts_with(column: Expr, word: str) -> ColumnElement[bool]:
    return column.like(_like_prefix(word), escape="\\")


def _fts_ids(fts_table: str, words: Sequence[str]) -> Select[Any]:
    """Ids of the source rows whose FTS text holds every word (joined on rowid = id)."""
    index = table(fts_table, column("rowid"))
    return select(index.c.rowid).where(literal_column(fts_table).match(fts_query(words)))


def _name_or_fts(
    id_column: Expr,
    name_columns: Sequence[Expr],
    fts_table: str | None,
    text: str,
) -> list[ColumnElement[bool]]:
    """Every word must start one of the name columns, or be found in the FTS text."""
    clauses: list[ColumnElement[bool]] = []
    for word in search_words(text):
        options = [_starts_with(column, word) for column in name_columns]
        if fts_table is not None and len(word) >= FTS_MIN_CHARS:
            options.append(id_column.in_(_fts_ids(fts_table, [word])))
        clauses.append(or_(*options))
    return clauses


def _date_range(column: Expr, query: ListQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.date_from is not None:
        clauses.append(column >= query.date_from)
    if query.date_to is not None:
        clauses.append(column <= query.date_to)
    return clauses


def _label_order(column: Expr, enum: type[vocab._Labelled]) -> ColumnElement[Any]:
    """Sort coded values by the words a person reads, not by their stored codes."""
    return case({member.value: member.label for member in enum}, value=column, else_=column)


def _full_name(first: Expr, last: Expr) -> ColumnElement[Any]:
    return last + literal(", ") + first


def _days_between(start: Expr, end: Expr) -> ColumnElement[Any]:
    return func.cast(func.julianday(end) - func.julianday(start), Integer)


def _setting(column: Expr) -> ColumnElement[Any]:
    return select(column).where(HouseSettings.id == 1).scalar_subquery()


# --------------------------------------------------------------------------- residents

_MentorOfResident = aliased(Mentor, name="resident_mentor")
_ro = resident_overview.c


def _resident_source(query: Select[Any]) -> Select[Any]:
    return (
        query.select_from(Resident)
        .join(resident_overview, _ro.resident_id == Resident.id)
        .outerjoin(ProgramPhase, ProgramPhase.id == _ro.phase_id)
        .outerjoin(_MentorOfResident, _MentorOfResident.id == Resident.mentor_id)
    )


def _resident_filters(query: ListQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.status is not None:
        clauses.append(_ro.status == query.status)
    if query.phase_id is not None:
        clauses.append(_ro.phase_id == query.phase_id)
    if query.mentor_id is not None:
        clauses.append(Resident.mentor_id == query.mentor_id)
    clauses += _name_or_fts(
        Resident.id,
        [Resident.first_name, Resident.last_name, Resident.preferred_name, Resident.room],
        "residents_fts",
        query.search,
    )
    return clauses


RESIDENTS = ListSpec(
    name="residents",
    noun="resident",
    plural="residents",
    id_column=Resident.id,
    columns=(
        Column(
            "name",
            "Name",
            _full_name(Resident.first_name, Resident.last_name),
            sort=(Resident.last_name, Resident.first_name),
            width=22,
        ),
        Column(
            "preferred_name", "Preferred", Resident.preferred_name, width=10, tip="Preferred name"
        ),
        Column(
            "room_bed",
            "Room / bed",
            case(
                (Resident.bed == "", Resident.room),
                else_=Resident.room + literal(" / ") + Resident.bed,
            ),
            sort=(Resident.room, Resident.bed),
            width=9,
        ),
        Column("phase", "Phase", ProgramPhase.short_name, sort=(ProgramPhase.position,), width=8),
        Column(
            "mentor",
            "Mentor",
            _full_name(_MentorOfResident.first_name, _MentorOfResident.last_name),
            sort=(_MentorOfResident.last_name, _MentorOfResident.first_name),
            width=16,
        ),
        Column("intake_date", "Intake", _ro.intake_date, format=date_value, width=11),
        Column(
            "days",
            "Days",
            _days_between(_ro.intake_date, func.coalesce(_ro.discharge_date, AS_OF)),
            format=count_value,
            align=Align.RIGHT,
            width=6,
            tip="Days in program: from intake to discharge, or to today while in residence",
        ),
        Column(
            "status",
            "Status",
            _ro.status,
            format=_labels(vocab.ResidentStatus),
            width=10,
        ),
    ),
    source=_resident_source,
    where=_resident_filters,
    scope=lambda query: [],
    default_sort="name",
    tables=frozenset({"residents", "stays", "phase_changes", "mentors"}),
)


# --------------------------------------------------------------------------- mentors


def _caseload() -> ColumnElement[Any]:
    return (
        select(func.count())
        .select_from(Resident)
        .join(resident_overview, _ro.resident_id == Resident.id)
        .where(
            Resident.mentor_id == Mentor.id,
            _ro.status == vocab.ResidentStatus.ACTIVE.value,
        )
        .correlate(Mentor)
        .scalar_subquery()
    )


def _soonest_credential_expiry() -> ColumnElement[Any]:
    """The soonest expiry among the mentor's current credentials (the latest of each name)."""
    newer = aliased(Credential, name="newer_credential")
    superseded = exists().where(
        newer.mentor_id == Credential.mentor_id,
        newer.name == Credential.name,
        newer.voided_at.is_(None),
        newer.expires_on > Credential.expires_on,
    )
    return (
        select(func.min(Credential.expires_on))
        .where(
            Credential.mentor_id == Mentor.id,
            Credential.voided_at.is_(None),
            Credential.expires_on.is_not(None),
            ~superseded,
        )
        .correlate(Mentor)
        .scalar_subquery()
    )


def _last_supervision() -> ColumnElement[Any]:
    return (
        select(func.max(SupervisionNote.note_date))
        .where(
            SupervisionNote.mentor_id == Mentor.id,
            SupervisionNote.voided_at.is_(None),
            SupervisionNote.note_date <= AS_OF,
        )
        .correlate(Mentor)
        .scalar_subquery()
    )


def _supervisions_in_window(*, long_only: bool) -> ColumnElement[Any]:
    conditions = [
        SupervisionNote.mentor_id == Mentor.id,
        SupervisionNote.voided_at.is_(None),
        SupervisionNote.note_date <= AS_OF,
        SupervisionNote.note_date >= func.date(AS_OF, f"-{CADENCE_WINDOW_DAYS - 1} days"),
    ]
    if long_only:
        conditions.append(
            SupervisionNote.duration_minutes >= _setting(HouseSettings.long_supervision_minutes)
        )
    return (
        select(func.count())
        .select_from(SupervisionNote)
        .where(*conditions)
        .correlate(Mentor)
        .scalar_subquery()
    )


def _supervision_overdue() -> ColumnElement[Any]:
    """The cadence rule of :mod:`peerdesk.core.attention`, as SQL (a test keeps them equal)."""
    past_first_window = Mentor.start_date <= func.date(AS_OF, f"-{CADENCE_WINDOW_DAYS} days")
    too_few = _supervisions_in_window(long_only=False) < _setting(
        HouseSettings.supervisions_per_month
    )
    no_long_one = and_(
        _setting(HouseSettings.long_supervision_minutes) > 0,
        _supervisions_in_window(long_only=True) == 0,
    )
    return case(
        (
            and_(
                Mentor.status == vocab.MentorStatus.ACTIVE.value,
                past_first_window,
                or_(too_few, no_long_one),
            ),
            1,
        ),
        else_=0,
    )


def _mentor_filters(query: ListQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.status is not None:
        clauses.append(Mentor.status == query.status)
    clauses += _name_or_fts(
        Mentor.id, [Mentor.first_name, Mentor.last_name, Mentor.role_title], None, query.search
    )
    return clauses


MENTORS = ListSpec(
    name="mentors",
    noun="peer mentor",
    plural="peer mentors",
    id_column=Mentor.id,
    columns=(
        Column(
            "name",
            "Name",
            _full_name(Mentor.first_name, Mentor.last_name),
            sort=(Mentor.last_name, Mentor.first_name),
            width=22,
        ),
        Column("role", "Role", Mentor.role_title, width=14),
        Column("status", "Status", Mentor.status, format=_labels(vocab.MentorStatus), width=8),
        Column("caseload", "Caseload", _caseload(), format=count_value, align=Align.RIGHT, width=8),
        Column("start_date", "Started", Mentor.start_date, format=date_value, width=11),
        Column(
            "credential_expiry",
            "Credential expires",
            _soonest_credential_expiry(),
            format=date_value,
            width=12,
        ),
        Column(
            "last_supervision",
            "Last supervision",
            _last_supervision(),
            format=date_value,
            width=12,
        ),
        Column("overdue", "Supervision", _supervision_overdue(), format=overdue_value, width=10),
    ),
    source=lambda query: query.select_from(Mentor),
    where=_mentor_filters,
    scope=lambda query: [],
    default_sort="name",
    tables=frozenset({"mentors", "credentials", "supervision_notes", "residents", "stays"}),
)


# --------------------------------------------------------------------------- sessions

_MentorOfSession = aliased(Mentor, name="session_mentor")


def _support_mask() -> ColumnElement[Any]:
    """The four support types as one number (bit i = the i-th SupportType), to show and sort."""
    return sum(
        (
            case((getattr(PeerSession, t.value).is_(True), 1 << i), else_=0)
            for i, t in enumerate(vocab.SupportType)
        ),
        start=literal(0),
    )


def _attendee_count() -> ColumnElement[Any]:
    return (
        select(func.count())
        .select_from(SessionAttendee)
        .where(SessionAttendee.session_id == PeerSession.id)
        .correlate(PeerSession)
        .scalar_subquery()
    )


def _session_source(query: Select[Any]) -> Select[Any]:
    return query.select_from(PeerSession).join(
        _MentorOfSession, _MentorOfSession.id == PeerSession.mentor_id
    )


def _session_count_source(query: Select[Any]) -> Select[Any]:
    # Every session has its mentor (a required foreign key), so the join adds no rows.
    return query.select_from(PeerSession)


def _session_filters(query: ListQuery) -> list[ColumnElement[bool]]:
    clauses = _date_range(PeerSession.session_date, query)
    if query.mentor_id is not None:
        clauses.append(PeerSession.mentor_id == query.mentor_id)
    if query.session_format is not None:
        clauses.append(PeerSession.format == query.session_format.value)
    if query.support_type is not None:
        clauses.append(getattr(PeerSession, query.support_type.value).is_(True))
    words = fts_words(query.search)
    if words:
        clauses.append(PeerSession.id.in_(_fts_ids("peer_sessions_fts", words)))
    return clauses


def _voided_scope(column: Expr) -> Callable[[ListQuery], list[ColumnElement[bool]]]:
    def scope(query: ListQuery) -> list[ColumnElement[bool]]:
        return [] if query.show_voided else [column.is_(None)]

    return scope


_SESSION_COLUMNS = (
    Column(
        "date",
        "Date",
        PeerSession.session_date,
        format=date_value,
        width=11,
    ),
    Column(
        "format",
        "Format",
        PeerSession.format,
        sort=(_label_order(PeerSession.format, vocab.SessionFormat),),
        format=_labels(vocab.SessionFormat),
        width=12,
    ),
    Column("topic", "Topic", PeerSession.topic, width=24),
    Column(
        "mentor",
        "Mentor",
        _full_name(_MentorOfSession.first_name, _MentorOfSession.last_name),
        sort=(_MentorOfSession.last_name, _MentorOfSession.first_name),
        width=16,
    ),
    Column(
        "minutes",
        "Minutes",
        PeerSession.duration_minutes,
        format=count_value,
        align=Align.RIGHT,
        width=7,
    ),
)

SESSIONS = ListSpec(
    name="sessions",
    noun="session",
    plural="sessions",
    id_column=PeerSession.id,
    columns=(
        *_SESSION_COLUMNS,
        Column(
            "attendees",
            "Attendees",
            _attendee_count(),
            format=count_value,
            align=Align.RIGHT,
            width=8,
        ),
        Column(
            "support_types",
            "Support given",
            _support_mask(),
            format=support_types_value,
            width=22,
        ),
    ),
    source=_session_source,
    where=_session_filters,
    scope=_voided_scope(PeerSession.voided_at),
    default_sort="date",
    default_descending=True,
    voided=PeerSession.voided_at.is_not(None),
    tables=frozenset({"peer_sessions"}),
    count_source=_session_count_source,
)


def _resident_session_source(query: Select[Any]) -> Select[Any]:
    return _session_source(query).join(
        SessionAttendee, SessionAttendee.session_id == PeerSession.id
    )


def _resident_session_count_source(query: Select[Any]) -> Select[Any]:
    return _session_count_source(query).join(
        SessionAttendee, SessionAttendee.session_id == PeerSession.id
    )


def _resident_session_scope(query: ListQuery) -> list[ColumnElement[bool]]:
    # A resident's own sessions; with no resident chosen, none at all.
    clauses: list[ColumnElement[bool]] = [
        SessionAttendee.resident_id == query.resident_id
        if query.resident_id is not None
        else false()
    ]
    return clauses + _voided_scope(PeerSession.voided_at)(query)


# The sessions one resident attended, with their own ratings (the resident detail pane).
RESIDENT_SESSIONS = ListSpec(
    name="resident_sessions",
    noun="session",
    plural="sessions",
    id_column=PeerSession.id,
    columns=(
        *_SESSION_COLUMNS,
        Column(
            "motivation",
            "Motivation",
            SessionAttendee.motivation,
            format=text_value,
            align=Align.RIGHT,
            width=8,
        ),
        Column(
            "satisfaction",
            "Satisfaction",
            SessionAttendee.satisfaction,
            format=text_value,
            align=Align.RIGHT,
            width=8,
        ),
    ),
    source=_resident_session_source,
    where=_session_filters,
    scope=_resident_session_scope,
    default_sort="date",
    default_descending=True,
    voided=PeerSession.voided_at.is_not(None),
    tables=frozenset({"peer_sessions"}),
    count_source=_resident_session_count_source,
)


# --------------------------------------------------------------------------- supervision

_MentorOfNote = aliased(Mentor, name="note_mentor")


def _open_items() -> ColumnElement[Any]:
    return (
        select(func.count())
        .select_from(ActionItem)
        .where(ActionItem.note_id == SupervisionNote.id, ActionItem.done_on.is_(None))
        .correlate(SupervisionNote)
        .scalar_subquery()
    )


def _note_filters(query: ListQuery) -> list[ColumnElement[bool]]:
    clauses = _date_range(SupervisionNote.note_date, query)
    if query.mentor_id is not None:
        clauses.append(SupervisionNote.mentor_id == query.mentor_id)
    if query.kind is not None:
        clauses.append(SupervisionNote.kind == query.kind.value)
    words = fts_words(query.search)
    if words:
        clauses.append(SupervisionNote.id.in_(_fts_ids("supervision_notes_fts", words)))
    return clauses


NO_ACCOUNT = 0  # no account has this id: the notes about "nobody", for a role that reads none


def notes_reader(actor: Actor) -> int | None:
    """What :attr:`ListQuery.notes_about_user` is for ``actor``: None when they may read every
    supervision note, their account when they may read only the notes about themselves, and
    :data:`NO_ACCOUNT` when they may read none (the services refuse the same)."""
    if actor.may(Action.READ_ALL_SUPERVISION):
        return None
    if actor.may(Action.READ_OWN_SUPERVISION) and actor.user_id is not None:
        return actor.user_id
    return NO_ACCOUNT


def _note_scope(query: ListQuery) -> list[ColumnElement[bool]]:
    clauses = _voided_scope(SupervisionNote.voided_at)(query)
    if query.notes_about_user is not None:
        # A subquery, not the joined mentor: the count reads supervision_notes alone.
        theirs = select(Mentor.id).where(Mentor.user_id == query.notes_about_user)
        clauses.append(SupervisionNote.mentor_id.in_(theirs))
    return clauses


SUPERVISION = ListSpec(
    name="supervision",
    noun="supervision note",
    plural="supervision notes",
    id_column=SupervisionNote.id,
    columns=(
        Column("date", "Date", SupervisionNote.note_date, format=date_value, width=11),
        Column(
            "mentor",
            "Mentor",
            _full_name(_MentorOfNote.first_name, _MentorOfNote.last_name),
            sort=(_MentorOfNote.last_name, _MentorOfNote.first_name),
            width=16,
        ),
        Column("supervisor", "Supervisor", SupervisionNote.supervisor_name, width=16),
        Column(
            "kind",
            "Kind",
            SupervisionNote.kind,
            sort=(_label_order(SupervisionNote.kind, vocab.SupervisionKind),),
            format=_labels(vocab.SupervisionKind),
            width=18,
        ),
        Column(
            "minutes",
            "Minutes",
            SupervisionNote.duration_minutes,
            format=count_value,
            align=Align.RIGHT,
            width=7,
        ),
        Column(
            "open_items",
            "Open items",
            _open_items(),
            format=count_value,
            align=Align.RIGHT,
            width=9,
            tip="Open action items: agreed in supervision, not yet done",
        ),
        Column(
            "acknowledged",
            "Acknowledged",
            SupervisionNote.acknowledged_on,
            format=date_value,
            width=11,
        ),
    ),
    source=lambda query: query.select_from(SupervisionNote).join(
        _MentorOfNote, _MentorOfNote.id == SupervisionNote.mentor_id
    ),
    # Every note is about a mentor (a required foreign key): count the notes alone.
    count_source=lambda query: query.select_from(SupervisionNote),
    where=_note_filters,
    scope=_note_scope,
    default_sort="date",
    default_descending=True,
    voided=SupervisionNote.voided_at.is_not(None),
    tables=frozenset({"supervision_notes", "action_items"}),
)

SPECS: dict[str, ListSpec] = {
    spec.name: spec for spec in (RESIDENTS, MENTORS, SESSIONS, RESIDENT_SESSIONS, SUPERVISION)
}


# --------------------------------------------------------------------------- running


def _params(query: ListQuery) -> dict[str, object]:
    return {"as_of": query.as_of or clock.today()}


def _order_by(spec: ListSpec, query: ListQuery) -> list[ColumnElement[Any]]:
    key = query.sort_key or spec.default_sort
    descending = query.descending if query.sort_key else spec.default_descending
    try:
        column = spec.column(key)
    except KeyError:
        column = spec.column(spec.default_sort)
    keys = [*column.sort_keys, spec.id_column]
    return [k.desc() if descending else k.asc() for k in keys]


def _filtered(
    spec: ListSpec,
    query: ListQuery,
    statement: Select[Any],
    *,
    filters: bool = True,
    counting: bool = False,
) -> Select[Any]:
    clauses = spec.scope(query) + (spec.where(query) if filters else [])
    source = spec.count_source if counting and spec.count_source is not None else spec.source
    return source(statement).where(and_(true(), *clauses))


def _row_select(spec: ListSpec) -> Select[Any]:
    voided = spec.voided if spec.voided is not None else false()
    return select(spec.id_column, voided, *(c.expr for c in spec.columns))


def _to_rows(result: Sequence[Any]) -> list[ListRow]:
    return [ListRow(id=row[0], voided=bool(row[1]), values=tuple(row[2:])) for row in result]


def count(s: Session, spec: ListSpec, query: ListQuery) -> int:
    """How many rows match the query's search and filters."""
    statement = _filtered(spec, query, select(func.count(spec.id_column)), counting=True)
    return int(s.execute(statement, _params(query)).scalar_one())


def count_all(s: Session, spec: ListSpec, query: ListQuery) -> int:
    """How many rows there are before the person's search and filters ("of 118")."""
    statement = _filtered(
        spec, query, select(func.count(spec.id_column)), filters=False, counting=True
    )
    return int(s.execute(statement, _params(query)).scalar_one())


def counts(s: Session, spec: ListSpec, query: ListQuery) -> tuple[int, int]:
    """:func:`count` and :func:`count_all` together: one query when nothing is searched or
    filtered (the two are then the same count, of every row of a ten-year table)."""
    total = count_all(s, spec, query)
    if not spec.where(query):
        return total, total
    return count(s, spec, query), total


def fetch_page(
    s: Session, spec: ListSpec, query: ListQuery, offset: int, limit: int
) -> list[ListRow]:
    """Rows ``offset`` to ``offset + limit`` of the query, in its sort order.

    The page's ids are chosen first, reading only what the filters and the sort need; the
    columns (some of them counts over other tables) are then computed for those rows alone.
    """
    order = _order_by(spec, query)
    page_ids = (
        _filtered(spec, query, select(spec.id_column)).order_by(*order).offset(offset).limit(limit)
    )
    statement = (
        _filtered(spec, query, _row_select(spec), filters=False)
        .where(spec.id_column.in_(page_ids))
        .order_by(*order)
    )
    return _to_rows(s.execute(statement, _params(query)).all())


def fetch_row(
    s: Session, spec: ListSpec, query: ListQuery, record_id: int, *, matching: bool = False
) -> ListRow | None:
    """One record's row as it reads now; with ``matching``, None unless it still matches the
    query's search and filters (a record voided while voided rows are hidden no longer does)."""
    statement = _filtered(spec, query, _row_select(spec), filters=matching).where(
        spec.id_column == record_id
    )
    rows = _to_rows(s.execute(statement.limit(1), _params(query)).all())
    return rows[0] if rows else None


def position_of(s: Session, spec: ListSpec, query: ListQuery, record_id: int) -> int | None:
    """Where a record sits (0-based) in the query's sorted rows; None when it does not match."""
    numbered = _filtered(
        spec,
        query,
        select(
            spec.id_column.label("record_id"),
            func.row_number().over(order_by=_order_by(spec, query)).label("position"),
        ),
    ).subquery()
    statement = select(numbered.c.position).where(numbered.c.record_id == record_id)
    position = s.execute(statement, _params(query)).scalar()
    return None if position is None else int(position) - 1
