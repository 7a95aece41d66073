"""The selected resident on one screen: details, stays (with their funders' answers), phases,
assessments, sessions."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import clock, dto, funder_vocab, listing, vocab
from peerdesk.core.errors import NotFound, PeerDeskError
from peerdesk.core.listing import ListQuery
from peerdesk.core.permissions import Action
from peerdesk.core.services import assessments as assessment_service
from peerdesk.core.services import intake_void
from peerdesk.core.services import residents as resident_service
from peerdesk.core.services import settings as settings_service
from peerdesk.core.services._common import fmt_date
from peerdesk.core.services.stay_answers import Answers, answers_of
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.models.sql_table import SqlTableModel
from peerdesk.ui.tabs.base import fit_columns


def _e(text: object) -> str:
    return html.escape(str(text))


def muted_color(widget: QWidget) -> str:
    """A quieter text colour for labels: the text colour blended toward the background."""
    palette = widget.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorRole.Window)
    mix = [
        round(a * 0.55 + b * 0.45)
        for a, b in zip(text.getRgb()[:3], back.getRgb()[:3], strict=True)
    ]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def _vocab(text: str) -> str:
    return QCoreApplication.translate("vocab", text)


NONE = Answers({})  # a stay never asked: every answer unknown


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class ResidentDetail(QWidget):
    """Everything about one resident, read-only; the tab's actions change it."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._shown: dto.Resident | None = None  # the resident the pane shows
        self._columns_fitted = False
        self.setAccessibleName(self.tr("Selected resident"))
        self._living_labels: dict[str, str] = {}

        self.heading = QLabel(self)
        self.heading.setObjectName("residentHeading")
        self.heading.setAccessibleName(self.tr("Resident's name"))
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.summary = self._section(self.tr("Summary"))
        self.details = self._section(self.tr("Details"))
        self.stay = self._section(self.tr("Current stay"))
        self.phases = self._section(self.tr("Phase history"))
        self.assessments = self._section(self.tr("Assessments"))
        # A phase move or an assessment entered by mistake is voided from where it is shown.
        for label in (self.stay, self.phases, self.assessments):
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextBrowserInteraction
                | Qt.TextInteractionFlag.TextSelectableByMouse
            )
            label.setOpenExternalLinks(False)
            label.linkActivated.connect(self._on_link_activated)

        inner = QWidget(self)
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(12, 8, 12, 8)
        inner_layout.setSpacing(10)
        inner_layout.addWidget(self.heading)
        for label in (self.summary, self.details, self.stay, self.phases, self.assessments):
            inner_layout.addWidget(label)
        inner_layout.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(inner)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setAccessibleName(self.tr("Resident's details"))

        self.sessions_title = QLabel(self.tr("Sessions"), self)
        self.sessions_title.setAccessibleName(self.tr("Sessions heading"))
        bold = self.sessions_title.font()
        bold.setBold(True)
        self.sessions_title.setFont(bold)
        self.sessions_model = SqlTableModel(ctx.db, listing.RESIDENT_SESSIONS, self)
        self.sessions_model.counts_changed.connect(self._on_sessions_counts_changed)
        self.sessions_model.query_loaded.connect(self._on_sessions_query_loaded)
        self.sessions = QTableView(self)
        self.sessions.setModel(self.sessions_model)
        self.sessions.setAccessibleName(self.tr("The resident's sessions"))
        self.sessions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sessions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sessions.setAlternatingRowColors(True)
        self.sessions.setWordWrap(False)
        self.sessions.verticalHeader().setVisible(False)
        self.sessions.verticalHeader().setDefaultSectionSize(
            round(self.fontMetrics().height() * 1.6)
        )
        header = self.sessions.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        char = self.fontMetrics().averageCharWidth()
        for index, column in enumerate(listing.RESIDENT_SESSIONS.columns):
            title = self.sessions_model.headerData(index, Qt.Orientation.Horizontal)
            header.resizeSection(index, char * max(column.width, len(str(title)) + 3) + 12)
        header.setSortIndicator(self.sessions_model.sort_column, self.sessions_model.sort_order)
        self.sessions.setSortingEnabled(True)

        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(12, 4, 0, 0)
        lower_layout.addWidget(self.sessions_title)
        lower_layout.addWidget(self.sessions, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setAccessibleName(self.tr("Details and sessions"))
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.scroll)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.show_resident(None)

    def _section(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setAccessibleName(name)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _living(self, code: str | None) -> str:
        if code is None:
            return ""
        if not self._living_labels:
            with self.ctx.db.read() as s:
                self._living_labels = {
                    x.code: x.label for x in settings_service.list_living_situations(s)
                }
        return self._living_labels.get(code, code)

    # ----------------------------------------------------------------- showing

    @property
    def resident_id(self) -> int | None:
        return self._shown.id if self._shown is not None else None

    def show_resident(self, resident_id: int | None) -> None:
        """Show one resident (None: the empty pane)."""
        resident: dto.Resident | None = None
        found: list[dto.Assessment] = []
        answers: dict[int, Answers] = {}
        if resident_id is not None:
            try:
                with self.ctx.db.read() as s:
                    resident = resident_service.get_resident(s, resident_id)
                    found = assessment_service.list_assessments(s, resident_id)
                    answers = {stay.id: answers_of(s, stay.id) for stay in resident.stays}
            except NotFound:
                resident = None
        self._shown = resident
        if resident is None:
            self.heading.setText(self.tr("No resident chosen"))
            self.summary.setText(
                _e(self.tr("Choose a resident in the list to see their details here."))
            )
            for label in (self.details, self.stay, self.phases, self.assessments):
                label.clear()
                label.setVisible(False)
            self.sessions_title.setText(self.tr("Sessions"))
            self.sessions_model.clear()
            # No empty table with headers under "No resident chosen".
            self.sessions_title.setVisible(False)
            self.sessions.setVisible(False)
            return
        for label in (self.details, self.stay, self.phases, self.assessments):
            label.setVisible(True)
        self.sessions_title.setVisible(True)
        self.sessions.setVisible(True)
        self.heading.setText(resident.name)
        self.summary.setText(self._summary_html(resident))
        self.details.setText(self._details_html(resident))
        self.stay.setText(self._stay_html(resident, answers))
        self.phases.setText(self._phases_html(resident))
        self.assessments.setText(self._assessments_html(found))
        self.sessions_model.set_query(ListQuery(resident_id=resident.id))

    def _on_sessions_query_loaded(self) -> None:
        if not self._columns_fitted and self.sessions_model.rowCount():
            self._columns_fitted = True
            fit_columns(self.sessions)

    def _rows(self, title: str, rows: list[tuple[str, str]]) -> str:
        return f"<b>{_e(title)}</b>{self._table(rows)}"

    def _table(self, rows: list[tuple[str, str]]) -> str:
        muted = muted_color(self)
        cells = "".join(
            f"<tr><td style='padding-right:12px; color:{muted}'>{_e(k)}</td><td>{_e(v)}</td></tr>"
            for k, v in rows
            if v
        )
        return f"<table cellspacing='2'>{cells}</table>"

    def _summary_html(self, r: dto.Resident) -> str:
        today = clock.today()
        parts = []
        if r.status == vocab.ResidentStatus.ACTIVE:
            parts.append(self.tr("In residence"))
        else:
            parts.append(self.tr("Discharged"))
        if r.room:
            place = f"{r.room} / {r.bed}" if r.bed else r.room
            parts.append(self.tr("Room {place}").format(place=place))
        phase = r.current_phase
        if phase is not None and r.status == vocab.ResidentStatus.ACTIVE:
            parts.append(phase.phase_name)
        stay = r.current_stay
        if stay is not None:
            parts.append(self.tr("{days} days in program").format(days=stay.days(today)))
        mentor = r.mentor_name or self.tr("no mentor assigned")
        return _e(" · ".join(parts)) + "<br>" + _e(self.tr("Peer mentor: {m}").format(m=mentor))

    def _details_html(self, r: dto.Resident) -> str:
        today = clock.today()
        born = ""
        if r.date_of_birth is not None:
            born = self.tr("{date} (age {age})").format(
                date=fmt_date(r.date_of_birth), age=_age(r.date_of_birth, today)
            )
        contact = " ".join(x for x in (r.emergency_contact_name, r.emergency_contact_phone) if x)
        return self._rows(
            self.tr("Details"),
            [
                (self.tr("Preferred name"), r.preferred_name),
                (self.tr("Date of birth"), born),
                (self.tr("Phone"), r.phone),
                (self.tr("Emergency contact"), contact),
                (self.tr("Notes"), r.notes),
            ],
        )

    def _answers_html(self, stay: dto.Stay, answers: Answers) -> str:
        """The stay's funders' answers that are known (the discharge's too once it has
        ended), under their own heading; one line when none is."""
        asked = dict(funder_vocab.INTAKE_QUESTIONS)
        if not stay.is_open:
            asked.update(funder_vocab.EXIT_QUESTIONS)
        rows = [
            (_vocab(label), _vocab(answers.label(question)))
            for question, (_enum, label) in asked.items()
            if answers[question] != funder_vocab.UNKNOWN
        ]
        muted = muted_color(self)
        if not rows:
            line = self.tr("Funders' answers: not recorded")
            return f"<div style='color:{muted}; margin-top:4px'>{_e(line)}</div>"
        heading = self.tr("Funders' answers")
        return f"<div style='color:{muted}; margin-top:4px'>{_e(heading)}</div>{self._table(rows)}"

    def _stay_html(self, r: dto.Resident, answers: dict[int, Answers]) -> str:
        stay = r.current_stay
        if stay is None:
            return self._rows(self.tr("Current stay"), [(self.tr("Intake"), self.tr("none"))])
        title = self.tr("Current stay") if stay.is_open else self.tr("Last stay")
        rows = [
            (self.tr("Intake"), fmt_date(stay.intake_date)),
            (self.tr("Referral"), stay.referral_source),
            (self.tr("Came from"), self._living(stay.intake_living_situation)),
        ]
        if stay.discharge_date is not None:
            reason = stay.discharge_reason.label if stay.discharge_reason else ""
            outcome = stay.discharge_outcome.label if stay.discharge_outcome else ""
            rows += [
                (self.tr("Discharged"), fmt_date(stay.discharge_date)),
                (self.tr("Reason"), f"{reason} ({outcome.lower()})" if outcome else reason),
                (self.tr("Went to"), self._living(stay.exit_living_situation)),
                (self.tr("Discharge notes"), stay.discharge_notes),
            ]
        blocks = [self._rows(title, rows) + self._answers_html(stay, answers.get(stay.id, NONE))]
        links = []
        if stay.discharge_date is not None and self.ctx.actor.may(Action.EDIT_RESIDENTS):
            links.append(
                f"<a href='correct-discharge:{stay.id}'>{_e(self.tr('correct the discharge…'))}</a>"
            )
        links += self._void_intake_link(stay)
        blocks[0] += " · ".join(links)
        # Each earlier stay, newest first, in a block of its own with its answers.
        for earlier in reversed(r.stays[:-1]):
            if earlier.discharge_date is None:
                continue
            reason = earlier.discharge_reason.label if earlier.discharge_reason else ""
            title = self.tr("Earlier stay, {start} – {end}").format(
                start=fmt_date(earlier.intake_date), end=fmt_date(earlier.discharge_date)
            )
            blocks.append(
                self._rows(title, [(self.tr("Reason"), reason)])
                + self._answers_html(earlier, answers.get(earlier.id, NONE))
                + "".join(self._void_intake_link(earlier))
            )
        return "<div style='margin-top:10px'></div>".join(blocks)

    def _void_intake_link(self, stay: dto.Stay) -> list[str]:
        """An administrator's way to void an intake entered by mistake."""
        if not self.ctx.actor.may(Action.VOID_INTAKES):
            return []
        return [f"<a href='void-intake:{stay.id}'>{_e(self.tr('void this intake…'))}</a>"]

    def _phases_html(self, r: dto.Resident) -> str:
        stay = r.current_stay
        start = stay.intake_date if stay is not None else None
        current: list[str] = []
        earlier: list[str] = []
        for change in reversed(r.phase_history):
            text = _e(
                self.tr("{phase} from {date}").format(
                    phase=change.phase_name, date=fmt_date(change.from_date)
                )
            )
            if change.note and change.note != resident_service.INTAKE_NOTE:
                text += " — " + _e(change.note)
            if change.voided:
                text = f"<s>{text}</s> " + _e(self.tr("(voided)"))
            elif change.note != resident_service.INTAKE_NOTE and self.ctx.actor.may(
                Action.EDIT_RESIDENTS
            ):
                text += f" · <a href='void-phase:{change.id}'>{_e(self.tr('void…'))}</a>"
            (current if start is None or change.from_date >= start else earlier).append(text)
        body = "<br>".join(current) or _e(self.tr("No phases recorded."))
        if earlier:
            muted = muted_color(self)
            body += (
                f"<br><span style='color:{muted}'>{_e(self.tr('Earlier stays:'))}<br>"
                + "<br>".join(earlier)
                + "</span>"
            )
        return f"<b>{_e(self.tr('Phase history'))}</b><br>{body}"

    def _assessments_html(self, found: list[dto.Assessment]) -> str:
        lines = []
        for a in reversed(found):
            if a.instrument == vocab.Instrument.BARC10 and a.score is not None:
                value = self.tr("{score} of 60").format(score=a.score)
                if a.score >= vocab.BARC10_THRESHOLD:
                    value += " " + self.tr("(at or above {n})").format(n=vocab.BARC10_THRESHOLD)
            elif a.instrument == vocab.Instrument.READINESS:
                value = self.tr("{score} of 10").format(score=a.score)
            elif a.instrument == vocab.Instrument.SATISFACTION:
                value = self.tr("{score} of 5").format(score=a.score)
            else:
                value = self._living(a.living_situation)
            line = _e(f"{fmt_date(a.assessed_on)}  ·  {a.instrument.label}: {value}").replace(
                "  ", "&nbsp; "
            )
            if self.ctx.actor.may(Action.RECORD_ASSESSMENTS):
                line += f" · <a href='void-assessment:{a.id}'>{_e(self.tr('void…'))}</a>"
            lines.append(line)
        shown = lines[:12]
        if len(lines) > len(shown):
            shown.append(_e(self.tr("… and {n} earlier").format(n=len(lines) - len(shown))))
        body = "<br>".join(shown) or _e(self.tr("No assessments yet."))
        return f"<b>{_e(self.tr('Assessments'))}</b><br>{body}"

    def _on_link_activated(self, href: str) -> None:
        """Void a phase move or an assessment, or correct the discharge, from its link."""
        from peerdesk.ui.dialogs.void import VoidDialog

        kind, _, number = href.partition(":")
        record_id = int(number)
        if kind == "correct-discharge":
            self._correct_discharge()
            return
        if kind == "void-intake":
            self._void_intake(record_id)
            return
        what = self.tr("this phase move") if kind == "void-phase" else self.tr("this assessment")
        reason = VoidDialog.ask(self, what)
        if reason is None or self.resident_id is None:
            return
        try:
            with self.ctx.db.begin() as s:
                if kind == "void-phase":
                    resident_service.void_phase_change(s, self.ctx.actor, record_id, reason)
                    table = "phase_changes"
                else:
                    assessment_service.void_assessment(s, self.ctx.actor, record_id, reason)
                    table = "assessments"
        except PeerDeskError as exc:
            messages.error(self, self.tr("Not voided"), str(exc))
            return
        self.ctx.announce(table, record_id)
        self.show_resident(self.resident_id)

    def _void_intake(self, stay_id: int) -> None:
        """Void an intake entered by mistake (an administrator, with a reason)."""
        from peerdesk.ui.dialogs.void import VoidDialog

        resident = self._shown
        if resident is None:
            return
        stay = next((stay for stay in resident.stays if stay.id == stay_id), None)
        if stay is None:
            return
        what = self.tr("the intake of {name} on {date}").format(
            name=resident.name, date=fmt_date(stay.intake_date)
        )
        if len(resident.stays) == 1:
            after = self.tr(
                "{name} will then be in no list, count or report, as if never admitted; a "
                "new intake can be made if they do come to the house."
            ).format(name=resident.name)
        else:
            after = self.tr(
                "This stay will then be in no count or report; {name}'s other stays are kept."
            ).format(name=resident.name)
        reason = VoidDialog.ask(self, what, after)
        if reason is None:
            return
        try:
            with self.ctx.db.begin() as s:
                voided = intake_void.void_intake(s, self.ctx.actor, stay_id, reason)
        except PeerDeskError as exc:
            messages.error(self, self.tr("Not voided"), str(exc))
            return
        self.ctx.announce("stays", stay_id)
        self.show_resident(voided.resident_id if voided.resident_remains else None)

    def _correct_discharge(self) -> None:
        from peerdesk.ui.dialogs.discharge import DischargeDialog

        if self.resident_id is None:
            return
        if DischargeDialog.ask(self, self.ctx, self.resident_id, correcting=True) is not None:
            self.show_resident(self.resident_id)

    def _on_sessions_counts_changed(self, matching: int, _total: int) -> None:
        if self.resident_id is None:
            self.sessions_title.setText(self.tr("Sessions"))
        else:
            self.sessions_title.setText(self.tr("Sessions ({n})").format(n=matching))

    # ----------------------------------------------------------------- layout

    def save_layout(self, settings: QSettings) -> None:
        settings.setValue("residents/detail_splitter", self.splitter.saveState())
        settings.setValue("residents/sessions_header", self.sessions.horizontalHeader().saveState())

    def restore_layout(self, settings: QSettings) -> None:
        state = settings.value("residents/detail_splitter")
        if isinstance(state, QByteArray | bytes) and state:
            self.splitter.restoreState(QByteArray(state))
        header_state = settings.value("residents/sessions_header")
        if isinstance(header_state, QByteArray | bytes) and header_state:
            header = self.sessions.horizontalHeader()
            if header.restoreState(QByteArray(header_state)):
                self._columns_fitted = True
                self.sessions_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
