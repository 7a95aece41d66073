"""Record one assessment of one resident: BARC-10, readiness ruler, satisfaction or housing.

The BARC-10 page shows the ten statements in their fixed wording, each answered 1–6, with a
live total that marks 47 or more (the one validated marker, predicting sustained remission).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto, vocab
from peerdesk.core.services import assessments, residents, settings
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, fmt_date, vocab_text
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FormSection, buddy_label, error_label, hint_label
from peerdesk.ui.widgets.scores import ScoreChooser

INSTRUMENTS = (
    vocab.Instrument.BARC10,
    vocab.Instrument.READINESS,
    vocab.Instrument.SATISFACTION,
    vocab.Instrument.LIVING_SITUATION,
)
BARC_ANCHORS = {
    1: QT_TRANSLATE_NOOP("AssessmentDialog", "Strongly disagree"),
    6: QT_TRANSLATE_NOOP("AssessmentDialog", "Strongly agree"),
}
MARKER_STYLE = (
    "QLabel { background: #e3f2e6; color: #124d21; border: 1px solid #7fbf8e;"
    " border-radius: 3px; padding: 1px 6px; }"
)


class AssessmentDialog(FormDialog):
    """One dated measurement; ``instrument`` picks the page to open on (BARC-10 by default)."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: UiContext,
        resident_id: int,
        instrument: vocab.Instrument | None = None,
    ) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(self.tr("New assessment"))
        self.resident_id = resident_id
        self.first_name = ""

        self.heading = QLabel(self.body)
        self.heading.setWordWrap(True)
        top = FormSection(self.tr("Assessment"), self.errors, self.body)
        self.assessed_on = DateField(self.body, value=clock.today())
        top.add_field(self.tr("&Date:"), self.assessed_on, "assessed_on")
        self.instrument_row = QWidget(self.body)
        self.instrument_group = QButtonGroup(self)
        row = QHBoxLayout(self.instrument_row)
        row.setContentsMargins(0, 0, 0, 0)
        texts = {
            vocab.Instrument.BARC10: self.tr("&BARC-10"),
            vocab.Instrument.READINESS: self.tr("Readiness &ruler"),
            vocab.Instrument.SATISFACTION: self.tr("Sa&tisfaction"),
            vocab.Instrument.LIVING_SITUATION: self.tr("&Living situation"),
        }
        self.instrument_buttons: dict[vocab.Instrument, QRadioButton] = {}
        for number, member in enumerate(INSTRUMENTS):
            button = QRadioButton(texts[member], self.instrument_row)
            button.setAccessibleName(vocab_text(member))
            self.instrument_group.addButton(button, number)
            self.instrument_buttons[member] = button
            row.addWidget(button)
        row.addStretch(1)
        top.add_field(self.tr("Recording:"), self.instrument_row, "instrument")

        self.pages = QStackedWidget(self.body)
        self.pages.addWidget(self._barc_page())
        self.pages.addWidget(self._scale_page(vocab.Instrument.READINESS))
        self.pages.addWidget(self._scale_page(vocab.Instrument.SATISFACTION))
        self.pages.addWidget(self._living_page())

        column = QVBoxLayout(self.body)
        column.addWidget(self.heading)
        column.addWidget(top)
        column.addWidget(self.pages, 1)
        self.instrument_group.idToggled.connect(self._on_instrument_group_idToggled)
        self.instrument_buttons[instrument or vocab.Instrument.BARC10].setChecked(True)
        self.read(self._load)
        self._update_total()
        self.fit_to_screen(QSize(900, 720))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        resident_id: int,
        instrument: vocab.Instrument | None = None,
    ) -> dto.Assessment | None:
        return cls(parent, ctx, resident_id, instrument).exec_for(dto.Assessment)

    # -- pages ------------------------------------------------------------------------------

    def _barc_page(self) -> QWidget:
        page = FormSection(self.tr("BARC-10: Brief Assessment of Recovery Capital"), self.errors)
        self.barc_intro = hint_label("", page)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        scale = QLabel(self.tr("1 = strongly disagree … 6 = strongly agree"), page)
        scale.setAlignment(Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(scale, 0, 2)
        self.items: list[ScoreChooser] = []
        for number, text in enumerate(vocab.BARC10_ITEMS, start=1):
            chooser = ScoreChooser(
                vocab.BARC10_ITEM_SCALE.low,
                vocab.BARC10_ITEM_SCALE.high,
                page,
                anchors={k: self.tr(v) for k, v in BARC_ANCHORS.items()},
            )
            chooser.setAccessibleName(self.tr("Statement {n}").format(n=number))
            chooser.setAccessibleDescription(text)
            mnemonic = f"&{number}" if number < 10 else "1&0"
            number_label = buddy_label(f"{mnemonic}.", chooser, page)
            statement = QLabel(text, page)  # the fixed wording, never translated or changed
            statement.setWordWrap(True)
            statement.setTextFormat(Qt.TextFormat.PlainText)
            statement.setObjectName(f"barcItem{number}")
            grid.addWidget(number_label, number, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(statement, number, 1)
            grid.addWidget(chooser, number, 2)
            chooser.changed.connect(self._update_total)
            self.items.append(chooser)
        grid.setColumnStretch(1, 1)
        self.total_label = QLabel(page)
        self.total_label.setAccessibleName(self.tr("BARC-10 total"))
        self.marker_label = QLabel(self.tr("≥ 47"), page)
        self.marker_label.setStyleSheet(MARKER_STYLE)
        self.marker_label.setToolTip(
            self.tr("47 or more: the validated marker of strong recovery capital")
        )
        self.marker_label.setAccessibleName(self.tr("At or above 47"))
        total_row = QHBoxLayout()
        total_row.addWidget(self.total_label)
        total_row.addWidget(self.marker_label)
        total_row.addStretch(1)
        self.items_error = error_label(page)
        self.errors.register("items", self.items[0], self.items_error)
        page.form.addRow(self.barc_intro)
        page.form.addRow(grid)
        page.form.addRow(total_row)
        page.form.addRow(self.items_error)
        return page

    def _scale_page(self, instrument: vocab.Instrument) -> QWidget:
        scale = vocab.SCALES[instrument]
        if instrument == vocab.Instrument.READINESS:
            title = self.tr("Readiness ruler")
            question = self.tr(
                "On a scale from 0 to 10, how ready is the resident to make a change? "
                "0 = not ready at all, 10 = completely ready."
            )
            anchors = {0: self.tr("Not ready at all"), 10: self.tr("Completely ready")}
            label = self.tr("Read&y to change:")
        else:
            title = self.tr("Satisfaction")
            question = self.tr(
                "How satisfied is the resident with the support they get in the house? "
                "1 = very dissatisfied, 5 = very satisfied."
            )
            anchors = {1: self.tr("Very dissatisfied"), 5: self.tr("Very satisfied")}
            label = self.tr("Satisf&ied:")
        page = FormSection(title, self.errors)
        page.add_row_widget(hint_label(question, page))
        chooser = ScoreChooser(scale.low, scale.high, page, anchors=anchors)
        page.add_field(label, chooser)
        message = error_label(page)
        page.add_row_widget(message)
        if instrument == vocab.Instrument.READINESS:
            self.readiness, self.readiness_error = chooser, message
        else:
            self.satisfaction, self.satisfaction_error = chooser, message
        return page

    def _living_page(self) -> QWidget:
        page = FormSection(self.tr("Living situation"), self.errors)
        self.living = ChoiceCombo(page, placeholder=self.tr("Choose…"))
        page.add_field(
            self.tr("&Where they live now:"),
            self.living,
            "living_situation",
            hint=self.tr("Checked now and then to follow housing stability."),
        )
        return page

    # -- behaviour ------------------------------------------------------------------------

    def instrument(self) -> vocab.Instrument:
        return INSTRUMENTS[max(self.instrument_group.checkedId(), 0)]

    def _on_instrument_group_idToggled(self, number: int, checked: bool) -> None:
        if not checked:
            return
        self.pages.setCurrentIndex(number)
        member = INSTRUMENTS[number]
        if member == vocab.Instrument.READINESS:
            self.errors.register("score", self.readiness, self.readiness_error)
        elif member == vocab.Instrument.SATISFACTION:
            self.errors.register("score", self.satisfaction, self.satisfaction_error)
        self.errors.clear()

    def barc_total(self) -> tuple[int, int]:
        """(sum of the answers so far, how many of the ten are answered)."""
        answers = [item.value() for item in self.items]
        given = [a for a in answers if a is not None]
        return sum(given), len(given)

    def _update_total(self) -> None:
        total, answered = self.barc_total()
        if answered == len(self.items):
            text = self.tr("<b>Total: {total}</b> of 60").format(total=total)
        else:
            text = self.tr("Total so far: {total} · {answered} of 10 answered").format(
                total=total, answered=answered
            )
        self.total_label.setText(text)
        self.marker_label.setVisible(
            answered == len(self.items) and total >= vocab.BARC10_THRESHOLD
        )

    # -- reading and saving --------------------------------------------------------------

    def _load(self, s: Session) -> None:
        resident = residents.get_resident(s, self.resident_id)
        self.first_name = resident.preferred_name or resident.first_name
        self.living.set_choices((ls.code, ls.label) for ls in settings.list_living_situations(s))
        self.setWindowTitle(self.tr("New assessment: {name}").format(name=resident.name))
        self.barc_intro.setText(
            self.tr("How much does {first} agree with each statement?").format(
                first=self.first_name
            )
        )
        barcs = [
            a
            for a in assessments.list_assessments(s, self.resident_id)
            if a.instrument == vocab.Instrument.BARC10
        ]
        line = self.tr("<b>{name}</b>").format(name=html.escape(resident.name))
        if barcs:
            last = barcs[-1]
            line += self.tr(" · last BARC-10 total {score} on {date}").format(
                score=last.score, date=fmt_date(last.assessed_on)
            )
        self.heading.setText(line)

    def _write(self, s: Session) -> dto.Assessment:
        member = self.instrument()
        score = None
        if member == vocab.Instrument.READINESS:
            score = self.readiness.value()
        elif member == vocab.Instrument.SATISFACTION:
            score = self.satisfaction.value()
        entry = assessments.AssessmentEntry(
            resident_id=self.resident_id,
            assessed_on=self.assessed_on.date() or clock.today(),
            instrument=member,
            score=score,
            items=[item.value() for item in self.items]
            if member == vocab.Instrument.BARC10
            else (),
            living_situation=str(self.living.value())
            if member == vocab.Instrument.LIVING_SITUATION and self.living.value()
            else None,
        )
        return assessments.record_assessment(s, self.ctx.actor, entry)

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.Assessment)
        self.ctx.announce("assessments", saved.id)
