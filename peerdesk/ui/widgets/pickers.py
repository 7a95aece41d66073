"""Pickers with type-to-search: a mentor, a resident, any named choice.

Each is an editable combo box: the list drops down as usual, and typing any part of a name
("lop" finds Maya Lopez, "3b" finds whoever is in room 3B) offers the matches. The dialog
loads the choices (DTOs) and hands them over; a picker never touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from peerdesk.core import dto


class SearchPicker(QComboBox):
    """An editable combo box whose completer matches anywhere in the text, any case.

    ``none_text`` adds a first entry meaning "nobody" (its value is None). ``value()`` is the
    id of the entry whose text is in the box; :meth:`unmatched_text` is what was typed when it
    names no entry, so the form can say so instead of silently saving "nobody".
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        none_text: str = "",
        placeholder: str = "",
    ) -> None:
        super().__init__(parent)
        self._none_text = none_text
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(22)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        line = self.lineEdit()
        line.setPlaceholderText(placeholder)
        line.setClearButtonEnabled(True)
        self.editTextChanged.connect(self._on_editTextChanged)

    def _on_editTextChanged(self, text: str) -> None:
        # A name typed out in full is the same as picking it from the list, so whatever
        # follows a choice (the mentor's usual supervisor, say) follows a typed name too.
        row = self.findText(text.strip(), Qt.MatchFlag.MatchFixedString) if text.strip() else -1
        if row >= 0 and row != self.currentIndex():
            self.setCurrentIndex(row)

    def set_choices(self, choices: Iterable[tuple[int, str]]) -> None:
        """Replace the entries (keeping the chosen one when it is still there)."""
        keep = self.value()
        self.blockSignals(True)
        self.clear()
        if self._none_text:
            self.addItem(self._none_text, None)
        for record_id, text in choices:
            self.addItem(text, record_id)
        self.blockSignals(False)
        self.set_value(keep)

    def add_choice(self, record_id: int, text: str) -> None:
        if self.index_of(record_id) < 0:
            self.addItem(text, record_id)

    def index_of(self, record_id: int | None) -> int:
        if record_id is None:
            return 0 if self._none_text else -1
        for row in range(self.count()):
            if self.itemData(row) == record_id:
                return row
        return -1

    def value(self) -> int | None:
        text = self.currentText().strip()
        if not text:
            return None
        row = self.currentIndex()
        if row < 0 or self.itemText(row).casefold() != text.casefold():
            row = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if row < 0:
            return None
        data = self.itemData(row)
        return int(data) if data is not None else None

    def set_value(self, record_id: int | None) -> None:
        row = self.index_of(record_id)
        self.setCurrentIndex(row)
        if row < 0:
            self.setEditText("")

    def unmatched_text(self) -> str | None:
        """What was typed, when it is not one of the entries (else None)."""
        text = self.currentText().strip()
        if not text or self.value() is not None:
            return None
        if self._none_text and text.casefold() == self._none_text.casefold():
            return None
        return text

    def texts(self) -> list[str]:
        return [self.itemText(row) for row in range(self.count())]


def mentor_text(mentor: dto.MentorBrief) -> str:
    if mentor.active:
        return mentor.name
    return QCoreApplication.translate("MentorPicker", "{name} (inactive)").format(name=mentor.name)


class MentorPicker(SearchPicker):
    """Peer mentors by name; the dialog decides whether inactive ones are offered."""

    def set_mentors(self, mentors: Sequence[dto.MentorBrief]) -> None:
        self.set_choices((m.id, mentor_text(m)) for m in mentors)


def resident_text(resident: dto.ResidentBrief) -> str:
    place = " ".join(part for part in (resident.room, resident.bed) if part)
    return f"{resident.name} · {place}" if place else resident.name


class ResidentPicker(SearchPicker):
    """Residents by name, with their room and bed so two of the same name can be told apart."""

    def set_residents(self, residents: Sequence[dto.ResidentBrief]) -> None:
        self.set_choices((r.id, resident_text(r)) for r in residents)
