"""Log or correct a peer support session: who led it, when, how long, what kind of support,
and who attended with their optional motivation and satisfaction ratings.

A one-to-one session names one resident; any other format ticks attendees from everyone in
residence on the session's date (a group in a big house may list a hundred people: the list
filters as you type, and "Tick all shown" ticks what the filter shows).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto, pickers, vocab
from peerdesk.core.errors import FieldError
from peerdesk.core.services import mentors, residents, sessions
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, fmt_date, vocab_text
from peerdesk.ui.widgets.attendees import AttendeeList, AttendeeRow
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FormSection, error_label, hint_label
from peerdesk.ui.widgets.pickers import MentorPicker, ResidentPicker, mentor_text
from peerdesk.ui.widgets.scores import MinutesSpinBox, OptionalScoreSpin

# How long a session of each format usually lasts; used until the length is changed by hand.
USUAL_MINUTES = {
    vocab.SessionFormat.ONE_TO_ONE: 30,
    vocab.SessionFormat.GROUP: 60,
    vocab.SessionFormat.PHONE_VIDEO: 20,
    vocab.SessionFormat.COMMUNITY_OUTING: 120,
}
ONE_PAGE, LIST_PAGE = 0, 1


class SessionDialog(FormDialog):
    """A new session (for ``resident_id`` when given) or a correction of ``session_id``."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: UiContext,
        session_id: int | None = None,
        resident_id: int | None = None,
    ) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(
            self.tr("New peer support session") if session_id is None else self.tr("Session")
        )
        self.session_id = session_id
        self.resident_id = resident_id
        self.session: dto.PeerSession | None = None
        self._length_changed_by_hand = False
        self._loaded_date: dt.date | None = None
        self._build()
        self.read(self._load)
        self.format.currentIndexChanged.connect(self._on_format_currentIndexChanged)
        self.session_date.changed.connect(self._on_session_date_changed)
        self.minutes.valueChanged.connect(self._on_minutes_valueChanged)
        self.set_ok_text(self.tr("&Save session") if session_id is None else self.tr("&Save"))
        self.format.setFocus()
        self.fit_to_screen(QSize(1200, 720))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        session_id: int | None = None,
        resident_id: int | None = None,
    ) -> dto.PeerSession | None:
        return cls(parent, ctx, session_id, resident_id).exec_for(dto.PeerSession)

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        body = self.body
        about = FormSection(self.tr("The session"), self.errors, body)
        self.format = ChoiceCombo(body)
        self.format.set_choices((f, vocab_text(f)) for f in vocab.SessionFormat)
        self.mentor = MentorPicker(body, placeholder=self.tr("type part of a name"))
        self.session_date = DateField(body, value=clock.today())
        self.minutes = MinutesSpinBox(60, body)
        self.topic = QLineEdit(body)
        self.topic.setPlaceholderText(self.tr("for example: relapse prevention, job search"))
        about.add_field(self.tr("&Format:"), self.format, "format")
        about.add_field(self.tr("Peer &mentor:"), self.mentor, "mentor_id")
        about.add_field(self.tr("&Date:"), self.session_date, "session_date")
        about.add_field(self.tr("Len&gth:"), self.minutes, "duration_minutes")
        about.add_field(self.tr("To&pic:"), self.topic, "topic")

        support = FormSection(self.tr("Support given (tick all that apply)"), self.errors, body)
        texts = {
            vocab.SupportType.EMOTIONAL: (
                self.tr("&Emotional"),
                self.tr("empathy, encouragement, caring"),
            ),
            vocab.SupportType.INFORMATIONAL: (
                self.tr("&Informational"),
                self.tr("knowledge, skills, where to find help"),
            ),
            vocab.SupportType.INSTRUMENTAL: (
                self.tr("Instr&umental"),
                self.tr("practical help: rides, forms, housing, jobs"),
            ),
            vocab.SupportType.AFFILIATIONAL: (
                self.tr("&Affiliational"),
                self.tr("belonging: community, recovery activities"),
            ),
        }
        self.support_boxes: dict[vocab.SupportType, QCheckBox] = {}
        boxes = QWidget(body)
        grid = QGridLayout(boxes)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, member in enumerate(vocab.SupportType):
            text, explanation = texts[member]
            box = QCheckBox(text, boxes)
            box.setAccessibleName(vocab_text(member))
            box.setAccessibleDescription(explanation)
            box.setToolTip(explanation)
            grid.addWidget(box, row, 0)
            grid.addWidget(hint_label(explanation, boxes), row, 1)
            self.support_boxes[member] = box
        grid.setColumnStretch(1, 1)
        support.add_row_widget(boxes)
        support_error = error_label(body)
        support.add_row_widget(support_error)
        self.errors.register(
            "support_types", self.support_boxes[vocab.SupportType.EMOTIONAL], support_error
        )

        notes = FormSection("", self.errors, body)
        self.notes = QPlainTextEdit(body)
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        # As tall as the form has room for, never what makes the form scroll.
        self.notes.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.notes.setPlaceholderText(
            self.tr("What was worked on, what comes next (kept private to the team)")
        )
        notes.add_block(self.tr("No&tes:"), self.notes, "notes")

        attended = FormSection(self.tr("Who attended"), self.errors, body)
        self.attendee_pages = QStackedWidget(body)
        # One-to-one: one resident and their ratings.
        one = QWidget()
        one_form = FormSection("", self.errors, one)
        self.one_resident = ResidentPicker(one, placeholder=self.tr("type part of a name or room"))
        self.one_motivation = OptionalScoreSpin(0, 10, one)
        self.one_satisfaction = OptionalScoreSpin(1, 5, one)
        one_form.add_field(self.tr("&Resident:"), self.one_resident)
        self.one_error = error_label(one)
        one_form.add_row_widget(self.one_error)
        one_form.add_field(
            self.tr("Moti&vation (0–10):"),
            self.one_motivation,
            hint=self.tr("Readiness ruler: how ready they feel to make a change. Optional."),
        )
        one_form.add_field(
            self.tr("Satisfa&ction (1–5):"),
            self.one_satisfaction,
            hint=self.tr("How satisfied they were with this session. Optional."),
        )
        one_column = QVBoxLayout(one)
        one_column.setContentsMargins(0, 0, 0, 0)
        one_column.addWidget(one_form)
        one_column.addStretch(1)
        # Any other format: a tickable list of everyone in residence that day.
        many = QWidget()
        self.attendees = AttendeeList(many)
        self.list_error = error_label(many)
        many_column = QVBoxLayout(many)
        many_column.setContentsMargins(0, 0, 0, 0)
        many_column.addWidget(
            hint_label(
                self.tr(
                    "Tick everyone who attended. Ratings are optional: select a row and type a "
                    "number, or double-click the cell."
                ),
                many,
            )
        )
        many_column.addWidget(self.attendees, 1)
        many_column.addWidget(self.list_error)
        self.attendee_pages.addWidget(one)
        self.attendee_pages.addWidget(many)
        attended.form.addRow(self.attendee_pages)

        left = QVBoxLayout()
        left.addWidget(about)
        left.addWidget(support)
        left.addWidget(notes, 1)
        columns = QHBoxLayout(body)
        columns.addLayout(left, 4)
        columns.addWidget(attended, 6)

    # -- reading --------------------------------------------------------------------------

    def _load(self, s: Session) -> None:
        self.mentor.set_mentors(mentors.list_mentors(s))
        if self.session_id is not None:
            session = sessions.get_session(s, self.session_id)
            self.session = session
            if self.mentor.index_of(session.mentor_id) < 0:
                for brief in mentors.list_mentors(s, include_inactive=True):
                    if brief.id == session.mentor_id:
                        self.mentor.add_choice(brief.id, mentor_text(brief))
            self._fill(s, session)
            return
        resident_mentor = None
        if self.resident_id is not None:
            resident = residents.get_resident(s, self.resident_id)
            resident_mentor = resident.mentor_id
            self.setWindowTitle(self.tr("New session with {name}").format(name=resident.name))
        chosen_format = (
            vocab.SessionFormat.ONE_TO_ONE
            if self.resident_id is not None
            else vocab.SessionFormat.GROUP
        )
        self.format.set_value(chosen_format)
        self.minutes.setValue(USUAL_MINUTES[chosen_format])
        self.mentor.set_value(resident_mentor or pickers.mentor_of_user(s, self.ctx.actor.user_id))
        self._load_residents(s, clock.today())
        self._show_page(chosen_format)
        if self.resident_id is not None:
            self.one_resident.set_value(self.resident_id)

    def _fill(self, s: Session, session: dto.PeerSession) -> None:
        self.setWindowTitle(
            self.tr("Session on {date}").format(date=fmt_date(session.session_date))
        )
        self.format.set_value(session.format)
        self.mentor.set_value(session.mentor_id)
        self.session_date.set_date(session.session_date)
        self.minutes.setValue(session.duration_minutes)
        self._length_changed_by_hand = True
        self.topic.setText(session.topic)
        self.notes.setPlainText(session.notes)
        for member, box in self.support_boxes.items():
            box.setChecked(member in session.support_types)
        kept = [
            AttendeeRow(a.resident_id, a.name, "", "", True, a.motivation, a.satisfaction)
            for a in session.attendees
        ]
        self._load_residents(s, session.session_date, kept)
        self._show_page(session.format)
        if session.format == vocab.SessionFormat.ONE_TO_ONE and session.attendees:
            first = session.attendees[0]
            self.one_resident.set_value(first.resident_id)
            self.one_motivation.set_score(first.motivation)
            self.one_satisfaction.set_score(first.satisfaction)
        if session.voided:
            self.show_refusal(
                self.tr("This session was voided ({reason}); it can no longer be changed.").format(
                    reason=session.void_reason or ""
                )
            )

    def _load_residents(
        self, s: Session, day: dt.date, keep: list[AttendeeRow] | None = None
    ) -> None:
        on_day = pickers.residents_on(s, day)
        chosen = self.one_resident.value()
        self.one_resident.set_residents(on_day)
        if chosen is not None and self.one_resident.index_of(chosen) < 0:
            # Someone chosen who was not here that day stays, so the form can say so.
            self.one_resident.add_choice(chosen, residents.get_resident(s, chosen).name)
            self.one_resident.set_value(chosen)
        self.attendees.model.set_residents(
            on_day, self.attendees.model.rows() if keep is None else keep
        )
        self._loaded_date = day

    # -- behaviour ------------------------------------------------------------------------

    def chosen_format(self) -> vocab.SessionFormat:
        value = self.format.value()
        return value if isinstance(value, vocab.SessionFormat) else vocab.SessionFormat.GROUP

    def _show_page(self, chosen: vocab.SessionFormat) -> None:
        if chosen == vocab.SessionFormat.ONE_TO_ONE:
            self.attendee_pages.setCurrentIndex(ONE_PAGE)
            self.errors.register("attendees", self.one_resident, self.one_error)
        else:
            self.attendee_pages.setCurrentIndex(LIST_PAGE)
            self.errors.register("attendees", self.attendees, self.list_error)

    def _on_format_currentIndexChanged(self, _row: int) -> None:
        chosen = self.chosen_format()
        was_one = self.attendee_pages.currentIndex() == ONE_PAGE
        model = self.attendees.model
        if was_one and chosen != vocab.SessionFormat.ONE_TO_ONE:
            resident = self.one_resident.value()
            if resident is not None:
                try:
                    model.set_ticked(resident, True)
                    model.set_ratings(
                        resident, self.one_motivation.score(), self.one_satisfaction.score()
                    )
                except KeyError:
                    pass  # not in residence that day: the one-to-one picker keeps them
        elif not was_one and chosen == vocab.SessionFormat.ONE_TO_ONE:
            ticked = model.ticked_rows()
            if len(ticked) == 1:
                self.one_resident.set_value(ticked[0].resident_id)
                self.one_motivation.set_score(ticked[0].motivation)
                self.one_satisfaction.set_score(ticked[0].satisfaction)
        if not self._length_changed_by_hand:
            self.minutes.blockSignals(True)
            self.minutes.setValue(USUAL_MINUTES[chosen])
            self.minutes.blockSignals(False)
        self._show_page(chosen)

    def _on_minutes_valueChanged(self, _value: int) -> None:
        self._length_changed_by_hand = True

    def _on_session_date_changed(self) -> None:
        day = self.session_date.date()
        if day is None or day == self._loaded_date:
            return
        self.read(lambda s: self._load_residents(s, day))

    # -- saving ---------------------------------------------------------------------------

    def attendee_entries(self) -> list[sessions.AttendeeEntry]:
        if self.chosen_format() == vocab.SessionFormat.ONE_TO_ONE:
            resident = self.one_resident.value()
            if resident is None:
                return []
            return [
                sessions.AttendeeEntry(
                    resident, self.one_motivation.score(), self.one_satisfaction.score()
                )
            ]
        return [
            sessions.AttendeeEntry(row.resident_id, row.motivation, row.satisfaction)
            for row in self.attendees.model.ticked_rows()
        ]

    def details(self) -> sessions.SessionDetails:
        return sessions.SessionDetails(
            session_date=self.session_date.date() or clock.today(),
            duration_minutes=self.minutes.value(),
            mentor_id=self.mentor.value(),  # None: the service says "Choose the peer mentor…"
            format=self.chosen_format(),
            support_types=frozenset(m for m, box in self.support_boxes.items() if box.isChecked()),
            attendees=self.attendee_entries(),
            topic=self.topic.text(),
            notes=self.notes.toPlainText(),
        )

    def _widget_problems(self) -> list[FieldError]:
        problems = []
        if self.chosen_format() == vocab.SessionFormat.ONE_TO_ONE:
            for spin, what in ((self.one_motivation, self.tr("Motivation")),
                               (self.one_satisfaction, self.tr("Satisfaction"))):  # fmt: skip
                if spin.out_of_range() is not None:
                    problems.append(FieldError("attendees", spin.refusal(what)))
        typed = self.mentor.unmatched_text()
        if typed:
            problems.append(
                FieldError(
                    "mentor_id",
                    self.tr(
                        "No active peer mentor is called “{text}”; choose one from the list."
                    ).format(text=typed),
                )
            )
        typed = self.one_resident.unmatched_text()
        if typed and self.chosen_format() == vocab.SessionFormat.ONE_TO_ONE:
            problems.append(
                FieldError(
                    "attendees",
                    self.tr(
                        "Nobody called “{text}” was in residence on that date; choose a resident "
                        "from the list."
                    ).format(text=typed),
                )
            )
        return problems

    def _write(self, s: Session) -> dto.PeerSession:
        if self.session_id is None:
            return sessions.log_session(s, self.ctx.actor, self.details())
        return sessions.update_session(s, self.ctx.actor, self.session_id, self.details())

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.PeerSession)
        self.ctx.announce("peer_sessions", saved.id)
