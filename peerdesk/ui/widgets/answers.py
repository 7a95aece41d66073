"""The funders' questions of a stay as drop-down lists, for the intake, details, discharge and
readmission forms.

Each question is a fixed list ending in "Declined to answer" and "Unknown", so no wrong answer
can be chosen, and "Unknown" shows until someone picks. These forms have more fields than the
alphabet has free letters, so the section is reached by one mnemonic, its heading's (Alt+Q on
each form), and Tab walks on through the lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from peerdesk.core import funder_vocab
from peerdesk.core.services.stay_answers import Answers
from peerdesk.core.vocab import _Labelled
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.forms import (
    FieldErrors,
    FormSection,
    buddy_label,
    error_label,
    hint_label,
    plain_text,
)

Questions = Mapping[str, tuple[type[_Labelled], str]]

# Who the person is rather than how their stay is going: a readmission starts from these.
PERSON_QUESTIONS = ("gender", "race", "ethnicity", "veteran")
# The widest a question's label grows before it wraps: "Justice involvement:" on one line.
LABEL_CHARS = 26


def _vocab(text: str) -> str:
    return QCoreApplication.translate("vocab", text)


class AnswersSection(FormSection):
    """A titled group with one list per question (in ``columns`` side by side), under a
    heading whose mnemonic reaches the first list.

    Each list is registered under its question, so a message from ``record_answers`` shows
    beneath it.
    """

    def __init__(
        self,
        title: str,
        heading: str,
        questions: Questions,
        errors: FieldErrors,
        parent: QWidget | None = None,
        *,
        columns: int = 1,
    ) -> None:
        super().__init__(title, errors, parent)
        self.heading = QLabel(heading, self)
        self.heading.setWordWrap(True)
        self.heading.setBuddy(self)
        self.add_row_widget(self.heading)
        self.hint = hint_label(
            self.tr(
                "“Declined to answer” when they would rather not say; “Unknown” when nobody "
                "has asked."
            ),
            self,
        )
        self.add_row_widget(self.hint)

        # Label and list pairs side by side in one grid, so the lists share the width evenly
        # whatever their labels' lengths ("Race" beside "Medication for … at entry").
        holder = QWidget(self)
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        columns = max(1, columns)
        rows = -(-len(questions) // columns)
        self.combos: dict[str, ChoiceCombo] = {}
        for index, (question, (enum, label)) in enumerate(questions.items()):
            combo = ChoiceCombo(holder)
            combo.set_choices((member.value, _vocab(member.label)) for member in enum)
            combo.set_value(funder_vocab.UNKNOWN)
            text = self.tr("{question}:").format(question=_vocab(label))
            message = error_label(holder)  # its own grid row, under the list
            row, column = 2 * (index % rows), 2 * (index // rows)
            buddy = buddy_label(text, combo, holder)
            # A long question takes two lines rather than the width its list needs.
            widest = buddy.fontMetrics().averageCharWidth() * LABEL_CHARS
            one_line = buddy.fontMetrics().horizontalAdvance(plain_text(text) + ":")
            buddy.setWordWrap(True)
            buddy.setMinimumWidth(min(one_line, widest))
            buddy.setMaximumWidth(widest)
            grid.addWidget(buddy, row, column)
            grid.addWidget(combo, row, column + 1)
            grid.addWidget(message, row + 1, column + 1)
            grid.setColumnStretch(column + 1, 1)
            errors.register(question, combo, message)
            self.combos[question] = combo
        self.add_row_widget(holder)
        # A mnemonic only moves the focus to a buddy that takes focus; with the first list as
        # its proxy the box never holds the focus itself, and Tab still goes list by list.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setFocusProxy(next(iter(self.combos.values())))

    def values(self) -> dict[str, str]:
        """Every question's answer, as its code."""
        return {q: str(combo.value()) for q, combo in self.combos.items()}

    def set_values(self, answers: Answers) -> None:
        """Show these answers (any question of this section they do not give: unknown)."""
        for question, combo in self.combos.items():
            combo.set_value(answers[question])

    def changed(self, before: Answers) -> dict[str, str]:
        """The answers that differ from ``before``: what to record."""
        return {q: value for q, value in self.values().items() if value != before[q]}
