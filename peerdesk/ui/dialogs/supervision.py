"""Write or correct a supervision note for a peer mentor, with its action items, and record
the mentor's acknowledgement that they have read it."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto, pickers, vocab
from peerdesk.core.errors import FieldError, PeerDeskError
from peerdesk.core.permissions import Action, allowed
from peerdesk.core.services import mentors, settings, supervision
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, fmt_date, vocab_text
from peerdesk.ui.widgets.action_items import ActionItemsEditor
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FormSection, buddy_label, error_label
from peerdesk.ui.widgets.pickers import MentorPicker, mentor_text
from peerdesk.ui.widgets.scores import MinutesSpinBox


class SupervisionDialog(FormDialog):
    """A new note (about ``mentor_id`` when given) or the note ``note_id``."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: UiContext,
        note_id: int | None = None,
        mentor_id: int | None = None,
    ) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(
            self.tr("New supervision note") if note_id is None else self.tr("Supervision note")
        )
        self.note_id = note_id
        self.mentor_id = mentor_id
        self.note: dto.SupervisionNote | None = None
        self._supervisors: dict[int, str] = {}
        self._supervisor_filled = ""
        self._build()
        loaded = self.read(self._load)
        self.mentor.currentIndexChanged.connect(self._on_mentor_currentIndexChanged)
        self.set_ok_text(self.tr("&Save note") if note_id is None else self.tr("&Save"))
        if loaded and not allowed(ctx.actor.role, Action.WRITE_SUPERVISION):
            self.show_refusal(
                self.tr(
                    "You can read this note and acknowledge it; only a supervisor can change it."
                )
            )
        self.mentor.setFocus()
        self.fit_to_screen(QSize(1180, 720))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        note_id: int | None = None,
        mentor_id: int | None = None,
    ) -> dto.SupervisionNote | None:
        """The saved note; None when cancelled (unless the mentor acknowledged it meanwhile,
        which is saved at once: then the acknowledged note)."""
        dialog = cls(parent, ctx, note_id, mentor_id)
        return dialog.exec_for(dto.SupervisionNote) or dialog.acknowledged

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        body = self.body
        self.acknowledged: dto.SupervisionNote | None = None
        about = FormSection(self.tr("The supervision"), self.errors, body)
        self.mentor = MentorPicker(body, placeholder=self.tr("type part of a name"))
        self.supervisor = QComboBox(body)
        self.supervisor.setEditable(True)
        self.supervisor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.supervisor.lineEdit().setPlaceholderText(self.tr("who gave the supervision"))
        self.note_date = DateField(body, value=clock.today())
        self.minutes = MinutesSpinBox(30, body)
        self.kind = ChoiceCombo(body)
        self.kind.set_choices((k, vocab_text(k)) for k in vocab.SupervisionKind)
        self.kind.set_value(vocab.SupervisionKind.SCHEDULED)
        about.add_field(self.tr("Peer &mentor:"), self.mentor, "mentor_id")
        about.add_field(self.tr("S&upervisor:"), self.supervisor, "supervisor_name")
        about.add_field(self.tr("&Date:"), self.note_date, "note_date")
        self.minutes_label = about.add_field(self.tr("Len&gth:"), self.minutes, "duration_minutes")
        about.add_field(self.tr("Type o&f supervision:"), self.kind, "kind")

        domains = FormSection(self.tr("Domains discussed"), self.errors, body)
        texts = {
            vocab.Competency.LIVED_EXPERIENCE: self.tr("&Lived experience sharing"),
            vocab.Competency.COMMUNICATION: self.tr("&Communication skills"),
            vocab.Competency.TREATMENT_FRAMEWORKS: self.tr("&Treatment frameworks"),
            vocab.Competency.RESOURCE_SHARING: self.tr("&Resource sharing"),
            vocab.Competency.ETHICS_BOUNDARIES: self.tr("&Ethics and boundaries"),
            vocab.Competency.TRAUMA_INFORMED: self.tr("Trauma-&informed care"),
            vocab.Competency.OTHER: self.tr("&Other"),
        }
        boxes = QWidget(body)
        grid = QGridLayout(boxes)
        grid.setContentsMargins(0, 0, 0, 0)
        self.domain_boxes: dict[vocab.Competency, QCheckBox] = {}
        for number, member in enumerate(vocab.Competency):
            box = QCheckBox(texts[member], boxes)
            box.setAccessibleName(vocab_text(member))
            grid.addWidget(box, number // 2, number % 2)
            self.domain_boxes[member] = box
        domains.add_row_widget(boxes)
        domain_error = error_label(body)
        domains.add_row_widget(domain_error)
        self.errors.register(
            "domains", self.domain_boxes[vocab.Competency.LIVED_EXPERIENCE], domain_error
        )

        written = FormSection(self.tr("What was discussed"), self.errors, body)
        self.summary = QPlainTextEdit(body)
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        self.summary.setPlaceholderText(
            self.tr("The situations discussed, the guidance given, how the mentor is doing")
        )
        written.add_block(self.tr("Summar&y:"), self.summary, "summary")
        self.items = ActionItemsEditor(body)
        items_error = error_label(body)
        written.form.addRow(buddy_label(self.tr("&Action items agreed:"), self.items, body))
        written.form.addRow(self.items)
        written.form.addRow(items_error)
        self.errors.register("action_items", self.items, items_error)

        self.ack_row = QWidget(body)
        self.ack_label = QLabel(self.ack_row)
        self.ack_label.setWordWrap(True)
        self.ack_button = QPushButton(self.tr("Ac&knowledge for the mentor"), self.ack_row)
        self.ack_button.setAccessibleName(self.tr("Acknowledge for the mentor"))
        self.ack_button.setToolTip(
            self.tr("The mentor confirms today that they have read this note.")
        )
        self.ack_button.setAutoDefault(False)
        self.ack_button.clicked.connect(self._on_ack_button_clicked)
        self.ack_error = error_label(self.ack_row)
        ack_line = QHBoxLayout()
        ack_line.addWidget(self.ack_label, 1)
        ack_line.addWidget(self.ack_button)
        ack_column = QVBoxLayout(self.ack_row)
        ack_column.setContentsMargins(0, 0, 0, 0)
        ack_column.addLayout(ack_line)
        ack_column.addWidget(self.ack_error)
        written.add_row_widget(self.ack_row)
        self.ack_row.setVisible(self.note_id is not None)

        left = QVBoxLayout()
        left.addWidget(about)
        left.addWidget(domains)
        left.addStretch(1)
        columns = QHBoxLayout(body)
        columns.addLayout(left, 5)
        columns.addWidget(written, 6)

    # -- reading --------------------------------------------------------------------------

    def _load(self, s: Session) -> None:
        active = mentors.list_mentors(s)
        self.mentor.set_mentors(active)
        self.supervisor.addItems(pickers.supervisor_names(s))
        self.supervisor.setCurrentIndex(-1)
        house = settings.get_settings(s)
        self.minutes_label.setToolTip(
            self.tr("At least one supervision a month should last {n} minutes or more.").format(
                n=house.long_supervision_minutes
            )
        )
        if self.note_id is None:
            self.minutes.setValue(max(house.long_supervision_minutes, 30))
            if self.mentor_id is not None:
                self.mentor.set_value(self.mentor_id)
                self._fill_supervisor(s, self.mentor_id)
            return
        note = supervision.get_note(s, self.ctx.actor, self.note_id)
        self.note = note
        if self.mentor.index_of(note.mentor_id) < 0:
            for brief in mentors.list_mentors(s, include_inactive=True):
                if brief.id == note.mentor_id:
                    self.mentor.add_choice(brief.id, mentor_text(brief))
        self._fill(note)

    def _fill(self, note: dto.SupervisionNote) -> None:
        self.setWindowTitle(
            self.tr("Supervision of {name} on {date}").format(
                name=note.mentor_name, date=fmt_date(note.note_date)
            )
        )
        self.mentor.set_value(note.mentor_id)
        self.supervisor.setEditText(note.supervisor_name)
        self.note_date.set_date(note.note_date)
        self.minutes.setValue(note.duration_minutes)
        self.kind.set_value(note.kind)
        for member, box in self.domain_boxes.items():
            box.setChecked(member in note.domains)
        self.summary.setPlainText(note.summary)
        self.items.set_items(note.action_items)
        self._show_acknowledgement(note)
        if note.voided:
            self.show_refusal(
                self.tr("This note was voided ({reason}); it can no longer be changed.").format(
                    reason=note.void_reason or ""
                )
            )
            self.ack_button.setEnabled(False)

    def _show_acknowledgement(self, note: dto.SupervisionNote) -> None:
        if note.acknowledged_on is None:
            self.ack_label.setText(
                self.tr("{name} has not acknowledged this note yet.").format(
                    name=html.escape(note.mentor_name)
                )
            )
            self.ack_button.setEnabled(True)
        else:
            self.ack_label.setText(
                self.tr("Acknowledged on {date} ({who}).").format(
                    date=fmt_date(note.acknowledged_on), who=note.acknowledged_by or ""
                )
            )
            self.ack_button.setEnabled(False)

    def _fill_supervisor(self, s: Session, mentor_id: int) -> None:
        if mentor_id not in self._supervisors:
            self._supervisors[mentor_id] = mentors.get_mentor(s, mentor_id).supervisor_name
        name = self._supervisors[mentor_id]
        current = self.supervisor.currentText().strip()
        # Suggest the mentor's usual supervisor unless someone typed another name.
        if name and (not current or current == self._supervisor_filled):
            self.supervisor.setEditText(name)
            self._supervisor_filled = name

    def _on_mentor_currentIndexChanged(self, _row: int) -> None:
        mentor_id = self.mentor.value()
        if mentor_id is not None and self.note_id is None:
            self.read(lambda s: self._fill_supervisor(s, mentor_id))

    def _on_ack_button_clicked(self) -> None:
        assert self.note_id is not None
        self.ack_error.hide()
        try:
            with self.ctx.db.begin() as s:
                note = supervision.acknowledge_note(s, self.ctx.actor, self.note_id)
        except PeerDeskError as exc:
            self.ack_error.setText(str(exc))
            self.ack_error.show()
            return
        self.acknowledged = note
        self._show_acknowledgement(note)
        self.ctx.announce("supervision_notes", note.id)

    # -- saving ---------------------------------------------------------------------------

    def details(self) -> supervision.NoteDetails:
        kind = self.kind.value()
        return supervision.NoteDetails(
            note_date=self.note_date.date() or clock.today(),
            duration_minutes=self.minutes.value(),
            supervisor_name=self.supervisor.currentText(),
            mentor_id=self.mentor.value(),  # None: the service asks to choose the mentor
            kind=kind
            if isinstance(kind, vocab.SupervisionKind)
            else vocab.SupervisionKind.SCHEDULED,
            domains=[m for m, box in self.domain_boxes.items() if box.isChecked()],
            summary=self.summary.toPlainText(),
            action_items=self.items.entries(),
        )

    def _widget_problems(self) -> list[FieldError]:
        typed = self.mentor.unmatched_text()
        if not typed:
            return []
        return [
            FieldError(
                "mentor_id",
                self.tr("No peer mentor is called “{text}”; choose one from the list.").format(
                    text=typed
                ),
            )
        ]

    def _write(self, s: Session) -> dto.SupervisionNote:
        if self.note_id is None:
            return supervision.write_note(s, self.ctx.actor, self.details())
        return supervision.update_note(s, self.ctx.actor, self.note_id, self.details())

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.SupervisionNote)
        self.ctx.announce("supervision_notes", saved.id)
