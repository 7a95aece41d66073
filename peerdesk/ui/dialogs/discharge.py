"""Discharge a resident (closing their stay) and readmit a discharged one (a new stay), each
with the funders' questions asked at that point."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto, funder_vocab, vocab
from peerdesk.core.errors import FieldError, ValidationError
from peerdesk.core.services import mentors, residents, settings
from peerdesk.core.services.discharge_correction import correct_discharge
from peerdesk.core.services.stay_answers import Answers, answers_of, record_answers
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, fmt_date, vocab_text
from peerdesk.ui.dialogs.resident import referral_suggestions, unknown_mentor
from peerdesk.ui.widgets.answers import PERSON_QUESTIONS, AnswersSection
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FormSection
from peerdesk.ui.widgets.pickers import MentorPicker


class OutcomeChooser(QWidget):
    """Positive / neutral / negative as three radio buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[vocab.OutcomeClass, QRadioButton] = {}
        for outcome in vocab.OutcomeClass:
            button = QRadioButton(vocab_text(outcome), self)
            button.setAccessibleName(self.tr("Outcome: {label}").format(label=vocab_text(outcome)))
            self.group.addButton(button)
            self.buttons[outcome] = button
            row.addWidget(button)
        row.addStretch(1)
        self.setFocusProxy(self.buttons[vocab.OutcomeClass.POSITIVE])

    def value(self) -> vocab.OutcomeClass | None:
        for outcome, button in self.buttons.items():
            if button.isChecked():
                return outcome
        return None

    def set_value(self, outcome: vocab.OutcomeClass) -> None:
        self.buttons[outcome].setChecked(True)
        self.setFocusProxy(self.buttons[outcome])


class DischargeDialog(FormDialog):
    """Date, reason, outcome class (from the reason unless changed), where they go, notes,
    and the funders' questions asked at discharge (employment, income, MOUD)."""

    def __init__(
        self, parent: QWidget | None, ctx: UiContext, resident_id: int, *, correcting: bool = False
    ) -> None:
        super().__init__(parent, ctx, "")
        # ``correcting``: the last stay has ended; its discharge is shown to be put right.
        self.correcting = correcting
        self.setWindowTitle(
            self.tr("Correct the discharge") if correcting else self.tr("Discharge")
        )
        self.resident_id = resident_id
        self.stay_id: int | None = None  # the stay being closed (or corrected)
        self.answers_before = Answers({})
        self._outcome_chosen_by_hand = False

        self.heading = QLabel(self.body)
        self.heading.setWordWrap(True)
        section = FormSection(self.tr("Discharge"), self.errors, self.body)
        self.discharge_date = DateField(self.body, value=clock.today())
        self.reason = ChoiceCombo(self.body, placeholder=self.tr("Choose a reason…"))
        self.reason.set_choices((r, vocab_text(r)) for r in vocab.DischargeReason)
        self.outcome = OutcomeChooser(self.body)
        self.outcome_hint = QLabel(self.body)
        self.exit_living = ChoiceCombo(self.body, placeholder=self.tr("Choose…"))
        self.notes = QPlainTextEdit(self.body)
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.notes.setPlaceholderText(self.tr("optional: how they left, follow-up agreed"))
        section.add_field(self.tr("Discharge da&te:"), self.discharge_date, "discharge_date")
        section.add_field(self.tr("&Reason:"), self.reason, "reason")
        section.add_field(
            self.tr("&Outcome:"),
            self.outcome,
            "outcome",
            hint=self.tr("Set from the reason; change it if this discharge was different."),
        )
        section.add_field(self.tr("&Going to live:"), self.exit_living, "exit_living_situation")
        section.add_field(self.tr("&Notes:"), self.notes, "notes")
        self.answers = AnswersSection(
            self.tr("For funders' reports"),
            self.tr("&Questions asked at discharge:"),
            funder_vocab.EXIT_QUESTIONS,
            self.errors,
            self.body,
        )

        column = QVBoxLayout(self.body)
        column.addWidget(self.heading)
        column.addWidget(section)
        column.addWidget(self.answers)
        column.addStretch(1)
        self.reason.currentIndexChanged.connect(self._on_reason_currentIndexChanged)
        for button in self.outcome.buttons.values():
            button.clicked.connect(self._on_outcome_clicked)
        self.why = QPlainTextEdit(self.body)
        self.why.setTabChangesFocus(True)
        self.why.setMaximumHeight(self.fontMetrics().lineSpacing() * 3)
        self.why.setPlaceholderText(self.tr("for example: the date was typed wrong"))
        if correcting:
            section.add_field(self.tr("&Why the correction:"), self.why, "why")
        else:
            self.why.hide()
        self.read(self._load)
        self.set_ok_text(self.tr("&Save correction") if correcting else self.tr("&Discharge"))
        self.discharge_date.setFocus()
        self.fit_to_screen(QSize(600, 480))

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: UiContext, resident_id: int, *, correcting: bool = False
    ) -> dto.Resident | None:
        return cls(parent, ctx, resident_id, correcting=correcting).exec_for(dto.Resident)

    def _load(self, s: Session) -> None:
        resident = residents.get_resident(s, self.resident_id)
        self.exit_living.set_choices(
            (ls.code, ls.label) for ls in settings.list_living_situations(s)
        )
        stay = resident.current_stay
        name = html.escape(resident.name)
        if self.correcting:
            self._load_for_correction(s, resident, stay)
            return
        if stay is None or not stay.is_open:
            self.heading.setText(f"<b>{name}</b>")
            self.show_refusal(self.tr("{name} is already discharged.").format(name=resident.name))
            return
        self.stay_id = stay.id
        self.answers_before = answers_of(s, stay.id)
        self.answers.set_values(self.answers_before)
        self.heading.setText(
            self.tr("<b>{name}</b> came on {date} and has been here {days} days.").format(
                name=name, date=fmt_date(stay.intake_date), days=stay.days(clock.today())
            )
        )

    def _load_for_correction(
        self, s: Session, resident: dto.Resident, stay: dto.Stay | None
    ) -> None:
        """The ended stay's discharge as recorded, to be put right."""
        name = html.escape(resident.name)
        if stay is None or stay.is_open or stay.discharge_date is None:
            self.heading.setText(f"<b>{name}</b>")
            self.show_refusal(
                self.tr("{name} is in residence; there is no discharge to correct.").format(
                    name=resident.name
                )
            )
            return
        self.stay_id = stay.id
        self.discharge_date.set_date(stay.discharge_date)
        self.reason.set_value(stay.discharge_reason)
        if stay.discharge_outcome is not None:
            self.outcome.set_value(stay.discharge_outcome)
            # An outcome chosen by hand then stays; one that came from the reason follows
            # a corrected reason.
            usual = stay.discharge_reason.default_outcome if stay.discharge_reason else None
            self._outcome_chosen_by_hand = stay.discharge_outcome is not usual
        self.exit_living.set_value(stay.exit_living_situation)
        self.notes.setPlainText(stay.discharge_notes)
        self.answers_before = answers_of(s, stay.id)
        self.answers.set_values(self.answers_before)
        self.heading.setText(
            self.tr(
                "<b>{name}</b> came on {came} and left on {left}. Correct what was recorded; "
                "the old values stay in the audit log."
            ).format(name=name, came=fmt_date(stay.intake_date), left=fmt_date(stay.discharge_date))
        )

    def _on_reason_currentIndexChanged(self, _row: int) -> None:
        reason = self.reason.value()
        if isinstance(reason, vocab.DischargeReason) and not self._outcome_chosen_by_hand:
            self.outcome.set_value(reason.default_outcome)

    def _on_outcome_clicked(self) -> None:
        self._outcome_chosen_by_hand = True

    def _write(self, s: Session) -> dto.Resident:
        reason = self.reason.value()
        discharge = residents.Discharge(
            discharge_date=self.discharge_date.date() or clock.today(),
            # None when not chosen: the service says "Choose the reason for the discharge."
            reason=reason,
            outcome=self.outcome.value(),
            exit_living_situation=str(self.exit_living.value() or ""),
            notes=self.notes.toPlainText(),
        )
        if self.correcting:
            discharged = correct_discharge(
                s, self.ctx.actor, self.resident_id, discharge, self.why.toPlainText()
            )
        else:
            discharged = residents.discharge_resident(
                s, self.ctx.actor, self.resident_id, discharge
            )
        answers = self.answers.changed(self.answers_before)
        if self.stay_id is not None and answers:
            record_answers(s, self.ctx.actor, self.stay_id, answers)
        return discharged

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.Resident)
        self.ctx.announce("residents", saved.id)


class ReadmitDialog(FormDialog):
    """A new stay for a discharged resident: date, phase, referral, where they were living,
    the room, bed and peer mentor they come back to, and the funders' questions asked again
    (who they are carried over from the last stay, to check with them)."""

    def __init__(self, parent: QWidget | None, ctx: UiContext, resident_id: int) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(self.tr("Readmit"))
        self.resident_id = resident_id
        self.resident: dto.Resident | None = None

        self.heading = QLabel(self.body)
        self.heading.setWordWrap(True)
        stay = FormSection(self.tr("New stay"), self.errors, self.body)
        self.intake_date = DateField(self.body, value=clock.today())
        self.phase = ChoiceCombo(self.body)
        self.referral = QComboBox(self.body)
        self.referral.setEditable(True)
        self.referral.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.referral.addItems(referral_suggestions())
        self.referral.setCurrentIndex(-1)
        self.referral.lineEdit().setPlaceholderText(self.tr("who sent them (optional)"))
        self.living = ChoiceCombo(self.body, placeholder=self.tr("Choose…"))
        stay.add_field(self.tr("Readmission &date:"), self.intake_date, "intake_date")
        stay.add_field(self.tr("Ph&ase:"), self.phase, "phase_id")
        stay.add_field(self.tr("Referred &by:"), self.referral, "referral_source")
        stay.add_field(self.tr("&Where they were living:"), self.living, "living_situation")

        room = FormSection(self.tr("Room and mentor"), self.errors, self.body)
        self.room = QLineEdit(self.body)
        self.bed = QLineEdit(self.body)
        self.mentor = MentorPicker(
            self.body, none_text=self.tr("No mentor yet"), placeholder=self.tr("type a name")
        )
        room.add_field(self.tr("Roo&m:"), self.room, "room")
        room.add_field(self.tr("B&ed:"), self.bed, "bed")
        room.add_field(self.tr("Peer men&tor:"), self.mentor, "mentor_id")

        self.answers = AnswersSection(
            self.tr("For funders' reports"),
            self.tr("&Questions asked at readmission:"),
            funder_vocab.INTAKE_QUESTIONS,
            self.errors,
            self.body,
        )

        column = QVBoxLayout(self.body)
        column.addWidget(self.heading)
        column.addWidget(stay)
        column.addWidget(room)
        column.addWidget(self.answers)
        column.addStretch(1)
        self.read(self._load)
        self.set_ok_text(self.tr("&Readmit"))
        self.intake_date.setFocus()
        self.fit_to_screen(QSize(600, 520))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext, resident_id: int) -> dto.Resident | None:
        return cls(parent, ctx, resident_id).exec_for(dto.Resident)

    def _load(self, s: Session) -> None:
        resident = residents.get_resident(s, self.resident_id)
        self.resident = resident
        phases = settings.list_phases(s)
        self.phase.set_choices((p.id, p.name) for p in phases)
        if phases:
            self.phase.set_value(phases[0].id)
        self.living.set_choices((ls.code, ls.label) for ls in settings.list_living_situations(s))
        active = mentors.list_mentors(s)
        self.mentor.set_mentors(active)
        occupant = residents.bed_occupant(s, resident.room, resident.bed, resident.id)
        if occupant is None:
            self.room.setText(resident.room)
            self.bed.setText(resident.bed)
        else:  # their old bed is someone else's now: nothing to refuse later, say it now
            taken = self.tr("was {room} / {bed}, now {name}'s").format(
                room=resident.room, bed=resident.bed, name=occupant
            )
            self.room.setPlaceholderText(taken)
            self.room.setToolTip(taken)
        if any(m.id == resident.mentor_id for m in active):
            self.mentor.set_value(resident.mentor_id)
        else:
            self.mentor.set_value(None)
        last = resident.current_stay
        name = html.escape(resident.name)
        if last is None or last.is_open:
            self.heading.setText(f"<b>{name}</b>")
            self.show_refusal(
                self.tr("{name} is still in residence; there is nothing to readmit.").format(
                    name=resident.name
                )
            )
            return
        assert last.discharge_date is not None
        reason = vocab_text(last.discharge_reason) if last.discharge_reason else ""
        self.heading.setText(
            self.tr("<b>{name}</b> was last here from {start} to {end} ({reason}).").format(
                name=name,
                start=fmt_date(last.intake_date),
                end=fmt_date(last.discharge_date),
                reason=html.escape(reason),
            )
        )
        # Where they went on discharge is usually where they come back from.
        self.living.set_value(last.exit_living_situation)
        # Who they are is asked again but starts from their last answers; how they are doing
        # (work, income, MOUD, the courts) is asked afresh.
        before = answers_of(s, last.id)
        self.answers.set_values(Answers({q: before[q] for q in PERSON_QUESTIONS}))
        if any(before[q] != funder_vocab.UNKNOWN for q in PERSON_QUESTIONS):
            self.answers.hint.setText(
                self.tr(
                    "Gender, race, ethnicity and veteran are their answers from the last stay; "
                    "check them with {name}. “Declined to answer” when they would rather not "
                    "say; “Unknown” when nobody has asked."
                ).format(name=resident.name)
            )

    def _widget_problems(self) -> list[FieldError]:
        typed = self.mentor.unmatched_text()
        return [unknown_mentor(typed)] if typed else []

    def _write(self, s: Session) -> dto.Resident:
        assert self.resident is not None
        phase = self.phase.value()
        problems: list[FieldError] = []
        saved: dto.Resident | None = None
        try:
            saved = residents.readmit_resident(
                s,
                self.ctx.actor,
                self.resident_id,
                residents.Admission(
                    intake_date=self.intake_date.date() or clock.today(),
                    phase_id=phase if isinstance(phase, int) else 0,
                    referral_source=self.referral.currentText(),
                    living_situation=str(self.living.value() or ""),
                ),
            )
        except ValidationError as exc:
            problems += exc.errors
        r = self.resident
        details = residents.ResidentDetails(
            first_name=r.first_name,
            last_name=r.last_name,
            preferred_name=r.preferred_name,
            date_of_birth=r.date_of_birth,
            phone=r.phone,
            emergency_contact_name=r.emergency_contact_name,
            emergency_contact_phone=r.emergency_contact_phone,
            room=self.room.text(),
            bed=self.bed.text(),
            mentor_id=self.mentor.value(),
            notes=r.notes,
        )
        try:
            saved = residents.update_resident(s, self.ctx.actor, self.resident_id, details)
        except ValidationError as exc:
            problems += exc.errors
        if problems:
            raise ValidationError(*problems)
        assert saved is not None
        stay = saved.current_stay  # the new one
        answers = self.answers.changed(Answers({}))
        if stay is not None and answers:
            record_answers(s, self.ctx.actor, stay.id, answers)
        return saved

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.Resident)
        self.ctx.announce("residents", saved.id)
