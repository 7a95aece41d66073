"""House → Program phases…: the steps of the house's program, in order.

Administrators add a phase, rename one or change whether its residents may serve as peer
mentors, move it earlier or later in the program (the Home census, the Residents filter and
the reports follow that order), retire a phase nobody is in, and put a retired one back in
use. Phases are never deleted: a resident's history keeps pointing at the phase they were in.
Every change is saved at once and written to the audit log.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import dto
from peerdesk.core.errors import PeerDeskError
from peerdesk.core.permissions import Action
from peerdesk.core.services import settings as settings_service
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.dialogs.record_list import RecordListDialog
from peerdesk.ui.widgets.forms import FormSection

TABLE = "program_phases"


def _tr(text: str) -> str:
    return QCoreApplication.translate("phases", text)


class PhaseDialog(FormDialog):
    """A new phase, or one phase's name, short name and whether its residents may mentor."""

    def __init__(self, parent: QWidget | None, ctx: UiContext, phase: dto.Phase | None) -> None:
        super().__init__(parent, ctx, "")
        self.phase = phase
        self.setWindowTitle(
            self.tr("Add a program phase")
            if phase is None
            else self.tr("Change the phase {name}").format(name=phase.name)
        )
        section = FormSection(self.tr("The phase"), self.errors, self.body)
        self.name = QLineEdit(self.body)
        self.name.setMaxLength(100)  # room to type; too long is said in words
        self.name.setPlaceholderText(self.tr("for example: Alumni"))
        self.short_name = QLineEdit(self.body)
        self.short_name.setMaxLength(30)
        self.mentors_allowed = QCheckBox(
            self.tr("Residents in this phase may serve as peer &mentors"), self.body
        )
        self.mentors_allowed.setAccessibleName(
            self.tr("Residents in this phase may serve as peer mentors")
        )
        section.add_field(self.tr("&Name:"), self.name, "name")
        section.add_field(
            self.tr("&Short name:"),
            self.short_name,
            "short_name",
            hint=self.tr("For narrow columns on printouts; the name when left empty."),
        )
        section.add_field("", self.mentors_allowed, "mentors_allowed")
        if phase is not None:
            self.name.setText(phase.name)
            self.short_name.setText("" if phase.short_name == phase.name else phase.short_name)
            self.mentors_allowed.setChecked(phase.mentors_allowed)
        column = QVBoxLayout(self.body)
        column.addWidget(section)
        column.addStretch(1)
        self.set_ok_text(self.tr("&Add phase") if phase is None else self.tr("&Save"))
        self.name.setFocus()
        self.fit_to_screen(QSize(520, 300))

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: UiContext, phase: dto.Phase | None = None
    ) -> dto.Phase | None:
        """The phase as saved, or None when the form was cancelled."""
        return cls(parent, ctx, phase).exec_for(dto.Phase)

    def _write(self, s: Session) -> dto.Phase:
        name, short = self.name.text(), self.short_name.text()
        allowed = self.mentors_allowed.isChecked()
        if self.phase is None:
            return settings_service.add_phase(
                s, self.ctx.actor, name, short, mentors_allowed=allowed
            )
        return settings_service.update_phase(
            s, self.ctx.actor, self.phase.id, name, short, mentors_allowed=allowed
        )

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.Phase)
        self.ctx.announce(TABLE, saved.id)


class ProgramPhasesDialog(RecordListDialog):
    """Every phase of the program in order, retired ones greyed at their place."""

    COLUMNS = ("Order", "Name", "Short name", "May mentor", "Residents now", "Status")

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(
            parent,
            title=_tr("Program phases"),
            intro=_tr(
                "The steps of your house's program, in the order residents go through them. "
                "The Home census, the Residents filter and the reports list them in this "
                "order. A phase is never deleted: retire one nobody is in, and everyone's "
                "history still shows it."
            ),
            columns=[_tr(c) for c in self.COLUMNS],
            list_label=_tr("&Phases:"),
            list_name=_tr("Program phases"),
        )
        self.setObjectName("programPhasesDialog")
        self.ctx = ctx
        self.phases: list[dto.Phase] = []
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _item: self.change_selected())
        self.add_button = self.side_button(_tr("&Add phase…"), self.add, _tr("A new phase"))
        self.change_button = self.side_button(
            _tr("&Change…"),
            self.change_selected,
            _tr("Its name, short name, and whether its residents may serve as mentors"),
        )
        self.up_button = self.side_button(
            _tr("Move &earlier"), lambda: self.move_selected(-1), _tr("Earlier in the program")
        )
        self.down_button = self.side_button(
            _tr("Move &later"), lambda: self.move_selected(+1), _tr("Later in the program")
        )
        self.retire_button = self.side_button(
            _tr("&Retire"),
            self.toggle_selected,
            _tr("Take the phase out of use (it is kept), or put it back in use"),
        )
        self.lay_out(820, 420)
        self.refresh()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> None:
        dialog = cls(parent, ctx)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    # -- the table -------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.selected_id()
        try:
            with self.ctx.db.read() as s:
                self.phases = settings_service.list_phases(s, include_retired=True)
                counts = settings_service.residents_by_phase(s)
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            self.phases, counts = [], {}
        self.table.setRowCount(len(self.phases))
        for row, phase in enumerate(self.phases):
            cells = [
                str(row + 1),
                phase.name,
                phase.short_name,
                self.tr("Yes") if phase.mentors_allowed else self.tr("No"),
                str(counts.get(phase.id, 0)),
                self.tr("In use") if phase.active else self.tr("Retired"),
            ]
            self.fill_row(row, cells, phase.id, greyed=not phase.active)
            for column in (0, 4):  # numbers
                self.table.item(row, column).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
        index = next((i for i, p in enumerate(self.phases) if p.id == keep), 0)
        if self.phases:
            self.table.selectRow(index)
        self._update_buttons()

    def selected(self) -> dto.Phase | None:
        row = self.selected_row()
        return None if row is None else self.phases[row]

    def selected_id(self) -> int | None:
        phase = self.selected()
        return None if phase is None else phase.id

    def select_name(self, name: str) -> None:
        for row, phase in enumerate(self.phases):
            if phase.name == name:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        may = self.ctx.actor.may(Action.MANAGE_SETTINGS)
        phase = self.selected()
        found = self.selected_row()
        row = -1 if found is None else found
        self.add_button.setEnabled(may)
        self.change_button.setEnabled(may and phase is not None)
        self.up_button.setEnabled(may and row > 0)
        self.down_button.setEnabled(may and 0 <= row < len(self.phases) - 1)
        self.retire_button.setEnabled(may and phase is not None)
        text = self.tr("Put back in &use") if phase is not None and not phase.active else None
        text = text or self.tr("&Retire")
        self.retire_button.setText(text)
        self.retire_button.setAccessibleName(text.replace("&", ""))

    # -- what the buttons do -----------------------------------------------------------------

    def add(self) -> None:
        made = PhaseDialog.ask(self, self.ctx)
        if made is not None:
            self.banner.clear_message()
            self.refresh(made.id)

    def change_selected(self) -> None:
        phase = self.selected()
        if phase is None or not self.change_button.isEnabled():
            return
        changed = PhaseDialog.ask(self, self.ctx, phase)
        if changed is not None:
            self.banner.clear_message()
            self.refresh(changed.id)

    def move_selected(self, step: int) -> None:
        phase = self.selected()
        if phase is not None:
            self._save(lambda s: settings_service.move_phase(s, self.ctx.actor, phase.id, step))

    def toggle_selected(self) -> None:
        phase = self.selected()
        if phase is None:
            return
        if not phase.active:
            self._save(lambda s: settings_service.reinstate_phase(s, self.ctx.actor, phase.id))
            return
        if not messages.confirm(
            self,
            self.tr("Retire phase"),
            self.tr(
                "Retire the phase {name}? Nobody can be moved into it any more; the residents "
                "who were in it keep it in their history, and you can put it back in use later."
            ).format(name=phase.name),
            self.tr("&Retire"),
        ):
            return
        self._save(lambda s: settings_service.retire_phase(s, self.ctx.actor, phase.id))

    def _save(self, write: object) -> None:
        """One change in its own transaction; a refusal is shown in the banner."""
        self.banner.clear_message()
        try:
            with self.ctx.db.begin() as s:
                saved = write(s)  # type: ignore[operator]
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            return
        assert isinstance(saved, dto.Phase)
        self.ctx.announce(TABLE, saved.id)
        self.refresh(saved.id)
