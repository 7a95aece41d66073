"""Move a resident to another program phase from a date; the old phase stays in the history."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto
from peerdesk.core.services import residents, settings
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, fmt_date
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FormSection


class ChangePhaseDialog(FormDialog):
    """The new phase (the next one in the program by default), from when, and a note."""

    def __init__(self, parent: QWidget | None, ctx: UiContext, resident_id: int) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(self.tr("Change phase"))
        self.resident_id = resident_id
        self.resident: dto.Resident | None = None

        self.heading = QLabel(self.body)
        self.heading.setWordWrap(True)
        self.history = QLabel(self.body)
        self.history.setWordWrap(True)
        section = FormSection(self.tr("New phase"), self.errors, self.body)
        self.phase = ChoiceCombo(self.body, placeholder=self.tr("Choose a phase…"))
        self.from_date = DateField(self.body, value=clock.today())
        self.note = QPlainTextEdit(self.body)
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.note.setPlaceholderText(self.tr("optional: what they achieved, who agreed"))
        section.add_field(self.tr("&Move to:"), self.phase, "phase_id")
        section.add_field(self.tr("&From:"), self.from_date, "from_date")
        section.add_field(self.tr("&Note:"), self.note, "note")

        column = QVBoxLayout(self.body)
        column.addWidget(self.heading)
        column.addWidget(self.history)
        column.addWidget(section)
        column.addStretch(1)
        self.read(self._load)
        self.set_ok_text(self.tr("&Change phase"))
        self.phase.setFocus()
        self.fit_to_screen(QSize(560, 420))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext, resident_id: int) -> dto.Resident | None:
        return cls(parent, ctx, resident_id).exec_for(dto.Resident)

    def _load(self, s: Session) -> None:
        resident = residents.get_resident(s, self.resident_id)
        self.resident = resident
        phases = settings.list_phases(s)
        self.phase.set_choices((p.id, p.name) for p in phases)
        current = resident.current_phase
        name = html.escape(resident.name)
        if current is None:
            self.heading.setText(self.tr("<b>{name}</b> has no phase yet.").format(name=name))
        else:
            self.heading.setText(
                self.tr("<b>{name}</b> is in <b>{phase}</b> since {date}.").format(
                    name=name,
                    phase=html.escape(current.phase_name),
                    date=fmt_date(current.from_date),
                )
            )
            # The next phase in the program is the usual move; the form may pick any other.
            position = next((p.position for p in phases if p.id == current.phase_id), None)
            following = [p for p in phases if position is not None and p.position > position]
            if following:
                self.phase.set_value(following[0].id)
        stay = resident.current_stay
        live = [
            c
            for c in resident.phase_history
            if not c.voided and (stay is None or c.from_date >= stay.intake_date)
        ]
        if len(live) > 1:
            steps = " → ".join(f"{c.phase_name} ({fmt_date(c.from_date)})" for c in live)
            self.history.setText(self.tr("This stay so far: {steps}").format(steps=steps))
        if resident.status != resident.status.ACTIVE:
            self.show_refusal(
                self.tr(
                    "{name} has been discharged. Readmit them before changing their phase."
                ).format(name=resident.name)
            )

    def _write(self, s: Session) -> dto.Resident:
        phase = self.phase.value()
        return residents.change_phase(
            s,
            self.ctx.actor,
            self.resident_id,
            phase if isinstance(phase, int) else None,  # the service says "Choose a phase"
            self.from_date.date() or clock.today(),
            self.note.toPlainText(),
        )

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.Resident)
        self.ctx.announce("residents", saved.id)
