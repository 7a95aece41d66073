"""A resident's intake (new resident) or their details (existing resident).

Intake asks for the person, the first stay (date, phase, referral, where they were living),
the funders' questions and, when known, room, bed and peer mentor. Editing changes the details
and may correct the intake of the latest stay (through ``residents.correct_admission``) and
its funders' answers (the discharge's too, once they have left); phases change through their
own form, so the history stays true.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto, funder_vocab
from peerdesk.core.errors import FieldError, ValidationError
from peerdesk.core.services import mentors, namesakes, residents, settings
from peerdesk.core.services.stay_answers import Answers, answers_of, record_answers
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, fmt_date
from peerdesk.ui.widgets.answers import AnswersSection
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FormSection
from peerdesk.ui.widgets.pickers import MentorPicker, mentor_text

# Offered in the "Referred by" list (any other text may be typed).
REFERRAL_SUGGESTIONS = (
    QT_TRANSLATE_NOOP("ResidentDialog", "Self"),
    QT_TRANSLATE_NOOP("ResidentDialog", "Family or friend"),
    QT_TRANSLATE_NOOP("ResidentDialog", "Court or probation"),
    QT_TRANSLATE_NOOP("ResidentDialog", "Jail or prison"),
    QT_TRANSLATE_NOOP("ResidentDialog", "Hospital"),
    QT_TRANSLATE_NOOP("ResidentDialog", "Detox or treatment program"),
    QT_TRANSLATE_NOOP("ResidentDialog", "Shelter or outreach worker"),
    QT_TRANSLATE_NOOP("ResidentDialog", "Another recovery house"),
)


def unknown_mentor(text: str) -> FieldError:
    message = QCoreApplication.translate(
        "ResidentDialog",
        "No peer mentor is called “{text}”. Choose one from the list, or “No mentor yet”.",
    )
    return FieldError("mentor_id", message.format(text=text))


def referral_suggestions() -> list[str]:
    return [QCoreApplication.translate("ResidentDialog", text) for text in REFERRAL_SUGGESTIONS]


class ResidentDialog(FormDialog):
    """Intake when ``resident_id`` is None; the resident's details otherwise."""

    def __init__(
        self, parent: QWidget | None, ctx: UiContext, resident_id: int | None = None
    ) -> None:
        self.resident_id = resident_id
        self.resident: dto.Resident | None = None
        self.answers_before = Answers({})  # the latest stay's, as read
        super().__init__(parent, ctx, "")
        self.setWindowTitle(
            self.tr("New resident: intake") if resident_id is None else self.tr("Resident details")
        )
        self._build()
        self.read(self._load)
        self.set_ok_text(self.tr("&Save intake") if resident_id is None else self.tr("&Save"))
        self.first_name.setFocus()
        self.fit_to_screen(QSize(1100, 640))

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: UiContext, resident_id: int | None = None
    ) -> dto.Resident | None:
        return cls(parent, ctx, resident_id).exec_for(dto.Resident)

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        new = self.resident_id is None
        body = self.body
        self.heading = QLabel(body)
        self.heading.setWordWrap(True)

        about = FormSection(self.tr("About the resident"), self.errors, body)
        self.first_name = QLineEdit(body)
        self.last_name = QLineEdit(body)
        self.preferred_name = QLineEdit(body)
        self.preferred_name.setPlaceholderText(self.tr("what they like to be called"))
        self.date_of_birth = DateField(body, optional=True, blank_text=self.tr("Not known"))
        self.date_of_birth.set_default(clock.today().replace(year=clock.today().year - 30))
        self.phone = QLineEdit(body)
        about.add_field(self.tr("&First name:"), self.first_name, "first_name")
        about.add_field(self.tr("&Last name:"), self.last_name, "last_name")
        about.add_field(self.tr("&Preferred name:"), self.preferred_name, "preferred_name")
        about.add_field(self.tr("Date of &birth:"), self.date_of_birth, "date_of_birth")
        about.add_field(self.tr("P&hone:"), self.phone, "phone")

        contact = FormSection(self.tr("Emergency contact"), self.errors, body)
        self.contact_name = QLineEdit(body)
        self.contact_name.setPlaceholderText(self.tr("name, and how they are related"))
        self.contact_phone = QLineEdit(body)
        contact.add_field(self.tr("&Contact:"), self.contact_name, "emergency_contact_name")
        contact.add_field(self.tr("Contact ph&one:"), self.contact_phone, "emergency_contact_phone")

        intake = FormSection(
            self.tr("Intake") if new else self.tr("Intake of the latest stay"), self.errors, body
        )
        self.intake_date = DateField(body, value=clock.today())
        self.phase = ChoiceCombo(body)
        self.current_phase = QLabel(body)
        self.current_phase.setWordWrap(True)
        self.referral = QComboBox(body)
        self.referral.setEditable(True)
        self.referral.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.referral.addItems(referral_suggestions())
        self.referral.setCurrentIndex(-1)
        self.referral.lineEdit().setPlaceholderText(self.tr("who sent them (optional)"))
        self.living = ChoiceCombo(body, placeholder=self.tr("Choose…"))
        intake.add_field(self.tr("&Intake date:"), self.intake_date, "intake_date")
        if new:
            intake.add_field(self.tr("Ph&ase:"), self.phase, "phase_id")
        else:
            self.phase.hide()
            intake.add_row_widget(self.current_phase)
        intake.add_field(self.tr("&Referred by:"), self.referral, "referral_source")
        intake.add_field(
            self.tr("&Where they were living:"),
            self.living,
            "living_situation",
            hint=self.tr("Just before they came to the house."),
        )

        room = FormSection(self.tr("Room and mentor"), self.errors, body)
        self.room = QLineEdit(body)
        self.bed = QLineEdit(body)
        self.mentor = MentorPicker(
            body,
            none_text=self.tr("No mentor yet"),
            placeholder=self.tr("type part of a name"),
        )
        room.add_field(self.tr("Roo&m:"), self.room, "room")
        room.add_field(self.tr("B&ed:"), self.bed, "bed")
        room.add_field(self.tr("Peer men&tor:"), self.mentor, "mentor_id")

        self.answers = AnswersSection(
            self.tr("For funders' reports")
            if new
            else self.tr("For funders' reports: latest stay"),
            self.tr("&Questions asked at intake:"),
            funder_vocab.INTAKE_QUESTIONS,
            self.errors,
            body,
            columns=2,
        )
        # Shown once the latest stay has ended, so its discharge's answers can be corrected.
        self.exit_answers = AnswersSection(
            self.tr("For funders' reports: discharge of the latest stay"),
            self.tr("Questions asked at &discharge:"),
            funder_vocab.EXIT_QUESTIONS,
            self.errors,
            body,
            columns=2,
        )
        self.exit_answers.hint.hide()
        self.exit_answers.hide()

        notes = FormSection(self.tr("Notes"), self.errors, body)
        self.notes = QPlainTextEdit(body)
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.notes.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        notes.add_block(
            self.tr("&Notes for the team (not printed on rosters):"), self.notes, "notes"
        )

        grid = QGridLayout(body)
        grid.addWidget(self.heading, 0, 0, 1, 2)
        grid.addWidget(about, 1, 0)
        grid.addWidget(intake, 1, 1)
        grid.addWidget(contact, 2, 0)
        grid.addWidget(room, 2, 1)
        grid.addWidget(self.answers, 3, 0, 1, 2)
        grid.addWidget(self.exit_answers, 4, 0, 1, 2)
        grid.addWidget(notes, 5, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(6, 1)
        if new:
            self.heading.setText(
                self.tr(
                    "The names, intake date, phase and where they were living are needed now; "
                    "fill in the rest when you know it."
                )
            )

    # -- reading --------------------------------------------------------------------------

    def _load(self, s: Session) -> None:
        phases = settings.list_phases(s)
        self.phase.set_choices((p.id, p.name) for p in phases)
        if phases:
            self.phase.set_value(phases[0].id)
        self.living.set_choices((ls.code, ls.label) for ls in settings.list_living_situations(s))
        self.mentor.set_mentors(mentors.list_mentors(s))
        if self.resident_id is None:
            return
        resident = residents.get_resident(s, self.resident_id)
        self.resident = resident
        if resident.mentor_id is not None and self.mentor.index_of(resident.mentor_id) < 0:
            brief = next(
                m
                for m in mentors.list_mentors(s, include_inactive=True)
                if m.id == resident.mentor_id
            )
            self.mentor.add_choice(brief.id, mentor_text(brief))
        if resident.current_stay is not None:
            self.answers_before = answers_of(s, resident.current_stay.id)
        self._fill(resident)

    def _fill(self, resident: dto.Resident) -> None:
        self.setWindowTitle(self.tr("{name}: details").format(name=resident.name))
        self.heading.setText(
            self.tr("<b>{name}</b> · in residence").format(name=html.escape(resident.name))
        )
        self.first_name.setText(resident.first_name)
        self.last_name.setText(resident.last_name)
        self.preferred_name.setText(resident.preferred_name)
        self.date_of_birth.set_date(resident.date_of_birth)
        self.phone.setText(resident.phone)
        self.contact_name.setText(resident.emergency_contact_name)
        self.contact_phone.setText(resident.emergency_contact_phone)
        self.room.setText(resident.room)
        self.bed.setText(resident.bed)
        self.mentor.set_value(resident.mentor_id)
        self.notes.setPlainText(resident.notes)
        stay = resident.current_stay
        if stay is not None:
            self.intake_date.set_date(stay.intake_date)
            self.referral.setEditText(stay.referral_source)
            self.living.set_value(stay.intake_living_situation)
            self.answers.set_values(self.answers_before)
            self.exit_answers.set_values(self.answers_before)
            self.exit_answers.setVisible(not stay.is_open)
        phase = resident.current_phase
        if phase is not None:
            self.phase.set_value(phase.phase_id)
            if stay is not None and stay.discharge_date is None:
                text = self.tr(
                    "Phase: {phase} since {date}. Use Change phase to move them on."
                ).format(phase=phase.phase_name, date=fmt_date(phase.from_date))
            else:
                text = self.tr("Last phase: {phase}.").format(phase=phase.phase_name)
            self.current_phase.setText(text)
        if stay is not None and stay.discharge_date is not None:
            reason = stay.discharge_reason.label if stay.discharge_reason else ""
            self.heading.setText(
                self.tr("<b>{name}</b> · discharged on {date} ({reason})").format(
                    name=html.escape(resident.name),
                    date=fmt_date(stay.discharge_date),
                    reason=html.escape(reason),
                )
            )

    # -- saving ---------------------------------------------------------------------------

    def details(self) -> residents.ResidentDetails:
        return residents.ResidentDetails(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            preferred_name=self.preferred_name.text(),
            date_of_birth=self.date_of_birth.date(),
            phone=self.phone.text(),
            emergency_contact_name=self.contact_name.text(),
            emergency_contact_phone=self.contact_phone.text(),
            room=self.room.text(),
            bed=self.bed.text(),
            mentor_id=self.mentor.value(),
            notes=self.notes.toPlainText(),
        )

    def admission(self) -> residents.Admission:
        phase = self.phase.value()
        return residents.Admission(
            intake_date=self.intake_date.date() or clock.today(),  # never blank: not optional
            phase_id=phase if isinstance(phase, int) else 0,
            referral_source=self.referral.currentText(),
            living_situation=str(self.living.value() or ""),
        )

    def _widget_problems(self) -> list[FieldError]:
        typed = self.mentor.unmatched_text()
        return [unknown_mentor(typed)] if typed else []

    def changed_answers(self) -> dict[str, str]:
        """The funders' answers that differ from the latest stay's (every one at intake)."""
        changed = self.answers.changed(self.answers_before)
        if not self.exit_answers.isHidden():
            changed.update(self.exit_answers.changed(self.answers_before))
        return changed

    def accept(self) -> None:
        """A new intake with the name of a resident on record asks first: the same person
        typed twice is readmitted, not admitted again."""
        if self.resident_id is None and self.ok_button.isEnabled() and not self._someone_else():
            return
        super().accept()

    def _someone_else(self) -> bool:
        """True unless a resident of the same name may be this person and the person says so."""
        with self.ctx.db.read() as s:
            twins = namesakes.likely_duplicates(
                s, self.first_name.text(), self.last_name.text(), self.date_of_birth.date()
            )
        if not twins:
            return True
        lines = []
        for twin in twins:
            if twin.discharged_on is not None:
                where = self.tr("discharged {date}").format(date=fmt_date(twin.discharged_on))
            elif twin.last_intake is not None:
                where = self.tr("in residence since {date}").format(date=fmt_date(twin.last_intake))
            else:
                where = self.tr("on record")
            lines.append(f"{twin.name} ({where})")
        return self.confirm(
            self.tr("Someone of the same name"),
            self.tr(
                "{who} is already in the records. If this is the same person, choose Cancel "
                "and readmit or open them instead; if it is someone else, save a new resident."
            ).format(who="; ".join(lines)),
            self.tr("Save a &new resident"),
        )

    def _write(self, s: Session) -> dto.Resident:
        actor = self.ctx.actor
        if self.resident_id is None:
            admitted = residents.intake_resident(s, actor, self.details(), self.admission())
            stay = admitted.current_stay
            answers = self.changed_answers()
            if stay is not None and answers:
                record_answers(s, actor, stay.id, answers)
            return admitted
        # Both parts are checked before either is kept, so every message shows at once.
        problems: list[FieldError] = []
        saved = None
        try:
            saved = residents.update_resident(s, actor, self.resident_id, self.details())
        except ValidationError as exc:
            problems += exc.errors
        stay = self.resident.current_stay if self.resident is not None else None
        if stay is not None:
            try:
                saved = residents.correct_admission(s, actor, self.resident_id, self.admission())
            except ValidationError as exc:
                problems += exc.errors
            answers = self.changed_answers()
            if answers:
                try:
                    record_answers(s, actor, stay.id, answers)
                except ValidationError as exc:
                    problems += exc.errors
        if problems:
            raise ValidationError(*problems)
        assert saved is not None
        return saved

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.Resident)
        self.ctx.announce("residents", saved.id)
