"""Record a follow-up after discharge: the call about 6 or 12 months after a stay ended.

Opened from Home's "Follow-ups due" (on that stay and point) or from a discharged resident.
"Reached them" unlocks the three answers; someone not reached has none.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QCheckBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto
from peerdesk.core.errors import NotFound
from peerdesk.core.funder_vocab import FollowUpPoint, YesNo
from peerdesk.core.services import follow_ups, residents, settings
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, fmt_date, vocab_text
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FormSection


class FollowUpDialog(FormDialog):
    """One contact with a former resident, about their latest ended stay."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: UiContext,
        resident_id: int,
        point: FollowUpPoint | None = None,
    ) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(self.tr("Follow-up after discharge"))
        self.resident_id = resident_id
        self.stay_id = 0
        self._asked_point = point

        self.heading = QLabel(self.body)
        self.heading.setWordWrap(True)
        contact = FormSection(self.tr("The contact"), self.errors, self.body)
        self.point = ChoiceCombo(self.body)
        self.point.set_choices(
            [(FollowUpPoint.SIX_MONTHS, self.tr("6 months")),
             (FollowUpPoint.TWELVE_MONTHS, self.tr("12 months"))]
        )  # fmt: skip
        self.point.set_value(point or FollowUpPoint.SIX_MONTHS)
        contact.add_field(self.tr("&Follow-up:"), self.point, "point")
        self.contacted_on = DateField(self.body, value=clock.today())
        contact.add_field(self.tr("&Contacted on:"), self.contacted_on, "contacted_on")
        self.reached = QCheckBox(self.tr("&Reached them"), self.body)
        self.reached.setAccessibleName(self.tr("Reached them"))
        contact.add_field("", self.reached, "reached")

        answers = FormSection(self.tr("What they said"), self.errors, self.body)
        self.living = ChoiceCombo(self.body, placeholder=self.tr("Not asked"))
        answers.add_field(self.tr("&Living situation:"), self.living, "living_situation")
        yes_no = [(m, vocab_text(m)) for m in YesNo]
        self.in_recovery = ChoiceCombo(self.body)
        self.in_recovery.set_choices(yes_no)
        self.in_recovery.set_value(YesNo.UNKNOWN)
        answers.add_field(self.tr("In reco&very:"), self.in_recovery, "in_recovery")
        self.employed = ChoiceCombo(self.body)
        self.employed.set_choices(yes_no)
        self.employed.set_value(YesNo.UNKNOWN)
        answers.add_field(self.tr("E&mployed:"), self.employed, "employed")
        self.answers = answers
        self.notes = QPlainTextEdit(self.body)
        self.notes.setAccessibleName(self.tr("Notes"))
        self.notes.setTabChangesFocus(True)
        answers.add_field(self.tr("&Notes:"), self.notes, "notes")

        column = QVBoxLayout(self.body)
        column.addWidget(self.heading)
        column.addWidget(contact)
        column.addWidget(answers)
        column.addStretch(1)
        self.reached.toggled.connect(self._on_reached_toggled)
        self._on_reached_toggled(False)
        self.read(self._load)
        self.point.setFocus()
        self.fit_to_screen(QSize(480, 460))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        resident_id: int,
        point: FollowUpPoint | None = None,
    ) -> follow_ups.FollowUpRecord | None:
        return cls(parent, ctx, resident_id, point).exec_for(follow_ups.FollowUpRecord)

    def _load(self, s: Session) -> None:
        resident = residents.get_resident(s, self.resident_id)
        stay = follow_ups.latest_ended_stay(s, self.resident_id)
        if stay is None or stay.discharge_date is None:
            raise NotFound(
                self.tr("{name} is in residence; a follow-up comes after a discharge.").format(
                    name=dto.person_name(resident.first_name, resident.last_name)
                )
            )
        self.stay_id = stay.id
        self.heading.setText(
            self.tr("{name}, discharged {date}.").format(
                name=dto.person_name(resident.first_name, resident.last_name),
                date=fmt_date(stay.discharge_date),
            )
        )
        self.living.set_choices((ls.code, ls.label) for ls in settings.list_living_situations(s))
        if self._asked_point is None:  # opened on the follow-up that is due, when one is
            due = follow_ups.follow_ups_due(s, clock.today(), stay_id=stay.id)
            if due:
                self.point.set_value(due[0].point)

    def _on_reached_toggled(self, checked: bool) -> None:
        # Someone not reached has no answers: the boxes go back to "not asked".
        for widget in (self.living, self.in_recovery, self.employed):
            widget.setEnabled(checked)
        if not checked:
            self.living.set_value(None)
            self.in_recovery.set_value(YesNo.UNKNOWN)
            self.employed.set_value(YesNo.UNKNOWN)

    def entry(self) -> follow_ups.FollowUpEntry:
        point = self.point.value()
        recovery = self.in_recovery.value()
        employed = self.employed.value()
        living = self.living.value()
        return follow_ups.FollowUpEntry(
            stay_id=self.stay_id,
            point=point if isinstance(point, FollowUpPoint) else FollowUpPoint.SIX_MONTHS,
            contacted_on=self.contacted_on.date() or clock.today(),
            reached=self.reached.isChecked(),
            living_situation=str(living) if living else None,
            in_recovery=recovery if isinstance(recovery, YesNo) else YesNo.UNKNOWN,
            employed=employed if isinstance(employed, YesNo) else YesNo.UNKNOWN,
            notes=self.notes.toPlainText(),
        )

    def _write(self, s: Session) -> follow_ups.FollowUpRecord:
        return follow_ups.record_follow_up(s, self.ctx.actor, self.entry())

    def _announce(self, saved: object) -> None:
        self.ctx.announce("stays", self.stay_id)
