"""Choose a report and its options, then draw it (off the window's thread) for the preview.

The list on the left offers the reports this person may print; the options on the right are
the command line's, shown only for the chosen report, and remembered between runs in the
settings file. "Preview" draws the report into a temporary PDF with a progress bar and a
Cancel button while the dialog waits; a refused option stands under its field and the dialog
stays open with everything chosen.

What is deliberately not remembered: the dates of a period left at its default (the last
twelve months move on with the calendar), a sign-in sheet's date, the residents ticked for
face sheets, and "identified" on the outcome summary, which starts de-identified every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import clock, pickers
from peerdesk.core import report_data as rd
from peerdesk.core.errors import FieldError, PeerDeskError, ValidationError
from peerdesk.core.outcomes import last_twelve_months
from peerdesk.core.permissions import Action
from peerdesk.core.services import mentors as mentor_service
from peerdesk.core.services import residents as resident_service
from peerdesk.core.services import settings as settings_service
from peerdesk.ui import printouts
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog
from peerdesk.ui.printouts import RenderedReport, ReportRequest
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FieldErrors, FormSection, hint_label
from peerdesk.ui.workers import BackgroundTask

KEY = "reports"
# A calm amber box for "this report names residents" (dark text: contrast above 7:1).
NOTICE_STYLE = (
    "QLabel { background: #fff4e5; color: #5a3300; border: 1px solid #e0b36b;"
    " border-radius: 4px; padding: 6px; }"
)


def _setting(settings: QSettings, key: str, default: Any) -> Any:
    """A remembered value read back as the type of ``default`` (INI files keep strings)."""
    value = settings.value(f"{KEY}/{key}")
    if value is None:
        return default
    if isinstance(default, bool):
        return value in (True, "true", "1", 1)
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            return default
    return str(value)


def _natural_width(widget: QWidget) -> QWidget:
    """A short choice keeps its own width instead of stretching across the form."""
    widget.setSizePolicy(QSizePolicy.Policy.Fixed, widget.sizePolicy().verticalPolicy())
    return widget


def _date_setting(settings: QSettings, key: str) -> dt.date | None:
    value = settings.value(f"{KEY}/{key}")
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class OptionsPage(QWidget):
    """One report's options. Subclasses build their fields and turn them into options."""

    name: str

    def __init__(self, dialog: ReportDialog) -> None:
        super().__init__(dialog.body)
        self.dialog = dialog
        self.ctx = dialog.ctx
        self.section = FormSection("", dialog.errors, self)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.addWidget(self.section, 1)
        self._slots: dict[str, tuple[QWidget, QLabel]] = {}

    # -- building -------------------------------------------------------------------------

    def add_field(self, label: str, widget: QWidget, field: str = "", *, hint: str = "") -> QLabel:
        buddy = self.section.add_field(label, widget, field, hint=hint)
        if field:
            errors: FieldErrors = self.dialog.errors
            self._slots[field] = (errors.widget_for(field), errors.label_for(field))
        return buddy

    def activate(self) -> None:
        """This page is shown: its fields take the service's messages (pages share names)."""
        for field, (widget, label) in self._slots.items():
            self.dialog.errors.register(field, widget, label)

    def period_fields(self, prefix: str) -> tuple[DateField, DateField]:
        """From and To, defaulting to the last twelve months (or the remembered period)."""
        default = last_twelve_months(clock.today())
        settings = self.ctx.settings
        start = DateField(self, value=_date_setting(settings, f"{prefix}/from") or default.start)
        end = DateField(self, value=_date_setting(settings, f"{prefix}/to") or default.end)
        self.add_field(self.tr("&From:"), start, "from")
        self.add_field(self.tr("&To:"), end, "to")
        return start, end

    @staticmethod
    def remember_period(
        settings: QSettings, prefix: str, start: dt.date | None, end: dt.date | None
    ) -> None:
        """Keep a period the person chose; forget it when it is the default twelve months."""
        default = last_twelve_months(clock.today())
        if (start, end) == (default.start, default.end):
            settings.remove(f"{KEY}/{prefix}/from")
            settings.remove(f"{KEY}/{prefix}/to")
        else:
            settings.setValue(f"{KEY}/{prefix}/from", start.isoformat() if start else "")
            settings.setValue(f"{KEY}/{prefix}/to", end.isoformat() if end else "")

    # -- for subclasses -------------------------------------------------------------------

    def options(self) -> Any:
        raise NotImplementedError

    def set_options(self, options: Any) -> None:
        raise NotImplementedError

    def remember(self, settings: QSettings) -> None:
        raise NotImplementedError

    def problems(self) -> list[FieldError]:
        """What the page itself can tell is not right before anything is drawn."""
        return []

    def names_residents(self) -> bool:
        return printouts.BY_NAME[self.name].names_residents


def _grouping(value: str) -> rd.RosterGrouping:
    try:
        return rd.RosterGrouping(value)
    except ValueError:
        return rd.RosterGrouping.PHASE


class RosterPage(OptionsPage):
    name = "roster"

    def __init__(self, dialog: ReportDialog) -> None:
        super().__init__(dialog)
        self.group_by = QComboBox(self)
        self.group_by.addItem(self.tr("Phase"), rd.RosterGrouping.PHASE.value)
        self.group_by.addItem(self.tr("Room"), rd.RosterGrouping.ROOM.value)
        self.add_field(self.tr("&Group by:"), _natural_width(self.group_by))
        self.contacts = QCheckBox(self.tr("Phone and emergency &contact columns"), self)
        self.contacts.setAccessibleName(self.tr("Phone and emergency contact columns"))
        self.section.add_row_widget(self.contacts)
        self.section.add_row_widget(
            hint_label(
                self.tr("With the contact columns the roster prints on landscape pages."), self
            )
        )
        settings = self.ctx.settings
        self.set_options(
            rd.RosterOptions(
                group_by=_grouping(_setting(settings, "roster/group_by", "phase")),
                contacts=_setting(settings, "roster/contacts", False),
            )
        )

    def options(self) -> rd.RosterOptions:
        return rd.RosterOptions(
            group_by=rd.RosterGrouping(self.group_by.currentData()),
            contacts=self.contacts.isChecked(),
        )

    def set_options(self, options: rd.RosterOptions) -> None:
        self.group_by.setCurrentIndex(max(0, self.group_by.findData(options.group_by.value)))
        self.contacts.setChecked(options.contacts)

    def remember(self, settings: QSettings) -> None:
        options = self.options()
        settings.setValue(f"{KEY}/roster/group_by", options.group_by.value)
        settings.setValue(f"{KEY}/roster/contacts", options.contacts)


class MentorsPage(OptionsPage):
    name = "mentors"

    def __init__(self, dialog: ReportDialog) -> None:
        super().__init__(dialog)
        self.inactive = QCheckBox(self.tr("Include peer mentors who have &left"), self)
        self.inactive.setAccessibleName(self.tr("Include peer mentors who have left"))
        self.section.add_row_widget(self.inactive)
        self.inactive.setChecked(_setting(self.ctx.settings, "mentors/inactive", False))

    def options(self) -> rd.MentorRosterOptions:
        return rd.MentorRosterOptions(include_inactive=self.inactive.isChecked())

    def set_options(self, options: rd.MentorRosterOptions) -> None:
        self.inactive.setChecked(options.include_inactive)

    def remember(self, settings: QSettings) -> None:
        settings.setValue(f"{KEY}/mentors/inactive", self.inactive.isChecked())


class SignInPage(OptionsPage):
    name = "signin"

    def __init__(self, dialog: ReportDialog) -> None:
        super().__init__(dialog)
        settings = self.ctx.settings
        self.title = QLineEdit(self)
        self.title.setMaxLength(120)
        self.add_field(self.tr("&Title:"), self.title, "title")
        self.session_date = DateField(self, value=clock.today())
        self.add_field(self.tr("&Date:"), self.session_date, "session_date")
        self.facilitator = QComboBox(self)
        self.facilitator.setEditable(True)
        self.facilitator.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.facilitator.lineEdit().setPlaceholderText(self.tr("blank: a line to write on"))
        self.add_field(self.tr("&Facilitator:"), self.facilitator, "facilitator")
        self.phase = QComboBox(self)
        self.add_field(self.tr("P&hase:"), _natural_width(self.phase), "phase")
        self.expected = QCheckBox(self.tr("Print the &names of the residents expected"), self)
        self.expected.setAccessibleName(self.tr("Print the names of the residents expected"))
        self.section.add_row_widget(self.expected)
        self.blank_rows = QSpinBox(self)
        self.blank_rows.setRange(0, rd.MAX_BLANK_ROWS)
        self.add_field(
            self.tr("&Blank rows:"),
            _natural_width(self.blank_rows),
            "blank_rows",
            hint=self.tr("for walk-ins and visitors"),
        )
        with self.ctx.db.read() as s:
            people = mentor_service.list_mentors(s)
            phases = settings_service.list_phases(s)
        self.facilitator.addItems([m.name for m in people])
        self.phase.addItem(self.tr("Everyone in residence"), "")
        for phase in phases:
            self.phase.addItem(phase.name, phase.name)
        defaults = rd.SignInOptions()
        self.set_options(
            rd.SignInOptions(
                title=_setting(settings, "signin/title", defaults.title),
                facilitator=_setting(settings, "signin/facilitator", ""),
                phase=_setting(settings, "signin/phase", ""),
                expected=_setting(settings, "signin/expected", True),
                blank_rows=_setting(settings, "signin/blank_rows", defaults.blank_rows),
            )
        )

    def options(self) -> rd.SignInOptions:
        return rd.SignInOptions(
            title=self.title.text(),
            session_date=self.session_date.date(),
            facilitator=self.facilitator.currentText(),
            phase=str(self.phase.currentData() or ""),
            expected=self.expected.isChecked(),
            blank_rows=self.blank_rows.value(),
        )

    def set_options(self, options: rd.SignInOptions) -> None:
        self.title.setText(options.title)
        self.session_date.set_date(options.session_date or clock.today())
        self.facilitator.setCurrentIndex(-1)
        self.facilitator.setEditText(options.facilitator)
        self.phase.setCurrentIndex(max(0, self.phase.findData(options.phase)))
        self.expected.setChecked(options.expected)
        self.blank_rows.setValue(options.blank_rows)

    def remember(self, settings: QSettings) -> None:
        options = self.options()
        settings.setValue(f"{KEY}/signin/title", options.title)
        settings.setValue(f"{KEY}/signin/facilitator", options.facilitator)
        settings.setValue(f"{KEY}/signin/phase", options.phase)
        settings.setValue(f"{KEY}/signin/expected", options.expected)
        settings.setValue(f"{KEY}/signin/blank_rows", options.blank_rows)

    def problems(self) -> list[FieldError]:
        if not self.title.text().strip():
            return [FieldError("title", self.tr("Give the session a title for the sheet."))]
        return []


class SupervisionPage(OptionsPage):
    name = "supervision"

    def __init__(self, dialog: ReportDialog) -> None:
        super().__init__(dialog)
        self.start, self.end = self.period_fields("supervision")
        self.mentor = QComboBox(self)
        self.add_field(self.tr("Peer &mentor:"), _natural_width(self.mentor), "mentor")
        actor = self.ctx.actor
        with self.ctx.db.read() as s:
            people = mentor_service.list_mentors(s, include_inactive=True)
            own = pickers.mentor_of_user(s, actor.user_id)
        if actor.may(Action.READ_ALL_SUPERVISION):
            self.mentor.addItem(self.tr("All peer mentors with notes in the period"), None)
        else:
            # A peer mentor prints only the notes about themselves.
            people = [m for m in people if m.id == own]
        for person in people:
            text = (
                person.name if person.active else self.tr("{name} (left)").format(name=person.name)
            )
            self.mentor.addItem(text, person.id)
        remembered = _setting(self.ctx.settings, "supervision/mentor", 0)
        self.mentor.setCurrentIndex(max(0, self.mentor.findData(remembered or None)))

    def options(self) -> rd.SupervisionLogOptions:
        data = self.mentor.currentData()
        return rd.SupervisionLogOptions(
            start=self.start.date(),
            end=self.end.date(),
            mentor_id=int(data) if data is not None else None,
        )

    def set_options(self, options: rd.SupervisionLogOptions) -> None:
        if options.start is not None:
            self.start.set_date(options.start)
        if options.end is not None:
            self.end.set_date(options.end)
        index = self.mentor.findData(options.mentor_id)
        if index >= 0:
            self.mentor.setCurrentIndex(index)

    def remember(self, settings: QSettings) -> None:
        options = self.options()
        settings.setValue(f"{KEY}/supervision/mentor", options.mentor_id or 0)
        self.remember_period(settings, "supervision", options.start, options.end)


class FaceSheetPage(OptionsPage):
    name = "facesheet"

    def __init__(self, dialog: ReportDialog) -> None:
        super().__init__(dialog)
        self.everyone = QRadioButton(self)
        self.chosen = QRadioButton(self.tr("&Only the residents ticked below"), self)
        self.chosen.setAccessibleName(self.tr("Only the residents ticked below"))
        self.which = QButtonGroup(self)
        self.which.addButton(self.everyone)
        self.which.addButton(self.chosen)
        self.section.add_row_widget(self.everyone)
        self.section.add_row_widget(self.chosen)
        self.find = QLineEdit(self)
        self.find.setClearButtonEnabled(True)
        self.find.setPlaceholderText(self.tr("part of a name or a room"))
        self.add_field(self.tr("&Find:"), self.find)
        self.people = QListWidget(self)
        self.people.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.people.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.add_field(self.tr("Res&idents:"), self.people, "resident")
        self.discharged = QCheckBox(self.tr("Show &discharged residents too"), self)
        self.discharged.setAccessibleName(self.tr("Show discharged residents too"))
        self.section.add_row_widget(self.discharged)
        with self.ctx.db.read() as s:
            everybody = pickers.all_residents(s)
            here = {r.id for r in resident_service.active_residents(s)}
        self.everyone.setText(
            self.tr("&Everyone in residence ({count}), one page each").format(count=len(here))
        )
        self.everyone.setAccessibleName(self.everyone.text().replace("&", ""))
        for person in sorted(everybody, key=lambda r: (r.id not in here, r.name.casefold())):
            place = " ".join(p for p in (person.room, person.bed) if p)
            text = f"{person.name} · {place}" if place else person.name
            if person.id not in here:
                text = self.tr("{name} (discharged)").format(name=person.name)
            item = QListWidgetItem(text, self.people)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, person.id in here)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.everyone.setChecked(True)
        self.find.textChanged.connect(self._on_find_text_changed)
        self.discharged.toggled.connect(self._on_discharged_toggled)
        self.people.itemChanged.connect(self._on_people_item_changed)
        self._filter()

    def ticked(self) -> tuple[int, ...]:
        return tuple(
            int(self.people.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.people.count())
            if self.people.item(row).checkState() == Qt.CheckState.Checked
        )

    def options(self) -> rd.FaceSheetOptions:
        if self.everyone.isChecked():
            return rd.FaceSheetOptions()
        return rd.FaceSheetOptions(resident_ids=self.ticked())

    def set_options(self, options: rd.FaceSheetOptions) -> None:
        wanted = set(options.resident_ids)
        for row in range(self.people.count()):
            item = self.people.item(row)
            if int(item.data(Qt.ItemDataRole.UserRole)) in wanted:
                item.setCheckState(Qt.CheckState.Checked)
                if not item.data(Qt.ItemDataRole.UserRole + 1):
                    self.discharged.setChecked(True)
        (self.chosen if wanted else self.everyone).setChecked(True)
        self._filter()

    def remember(self, settings: QSettings) -> None:
        """Who gets a face sheet is chosen afresh each time."""

    def problems(self) -> list[FieldError]:
        if self.chosen.isChecked() and not self.ticked():
            return [
                FieldError(
                    "resident",
                    self.tr("Tick at least one resident, or choose everyone in residence."),
                )
            ]
        return []

    def _filter(self) -> None:
        words = self.find.text().casefold().split()
        show_gone = self.discharged.isChecked()
        for row in range(self.people.count()):
            item = self.people.item(row)
            text = item.text().casefold()
            hidden = (not show_gone and not item.data(Qt.ItemDataRole.UserRole + 1)) or not all(
                w in text for w in words
            )
            # A ticked resident stays in sight, so nobody is printed without being seen.
            item.setHidden(hidden and item.checkState() != Qt.CheckState.Checked)

    def _on_find_text_changed(self, _text: str) -> None:
        self._filter()

    def _on_discharged_toggled(self, _checked: bool) -> None:
        self._filter()

    def _on_people_item_changed(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked and not self.chosen.isChecked():
            self.chosen.setChecked(True)


class OutcomesPage(OptionsPage):
    name = "outcomes"

    def __init__(self, dialog: ReportDialog) -> None:
        super().__init__(dialog)
        self.start, self.end = self.period_fields("outcomes")
        self.as_of = DateField(
            self,
            optional=True,
            tick_text=self.tr("another day"),
            blank_text=self.tr("the end of the period"),
        )
        self.add_field(
            self.tr("Figures &as of:"),
            self.as_of,
            "as_of",
            hint=self.tr("Retention counts the admissions that reached each checkpoint by then."),
        )
        self.deidentified = QRadioButton(
            self.tr("&De-identified: no names, counts of 1 to 4 hidden as * (for funders)"), self
        )
        self.identified = QRadioButton(
            self.tr("&Identified: peer mentors named, exact counts (for the house only)"), self
        )
        for button in (self.deidentified, self.identified):
            button.setAccessibleName(button.text().replace("&", ""))
            self.section.add_row_widget(button)
        self.grant = QLineEdit(self)
        self.grant.setMaxLength(80)
        self.grant.setPlaceholderText(self.tr("for example: TI-26-004"))
        self.grant.setText(str(self.ctx.settings.value(f"{KEY}/outcomes/grant", "") or ""))
        self.add_field(
            self.tr("Gra&nt or contract number:"),
            self.grant,
            "grant",
            hint=self.tr("Printed on the first page, above the attestation; may stay empty."),
        )
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.deidentified)
        self.mode.addButton(self.identified)
        self.deidentified.setChecked(True)
        self.identified.toggled.connect(lambda _checked: self.dialog.update_notice())
        if not self.ctx.actor.may(Action.PRINT_IDENTIFIED):
            self.identified.setEnabled(False)
            self.identified.setToolTip(
                self.tr("Your account may print only the de-identified summary.")
            )

    def options(self) -> rd.OutcomeOptions:
        return rd.OutcomeOptions(
            start=self.start.date(),
            end=self.end.date(),
            as_of=self.as_of.date(),
            identified=self.identified.isChecked(),
            grant=self.grant.text(),
        )

    def set_options(self, options: rd.OutcomeOptions) -> None:
        if options.start is not None:
            self.start.set_date(options.start)
        if options.end is not None:
            self.end.set_date(options.end)
        self.as_of.set_date(options.as_of)
        self.grant.setText(options.grant)
        if self.identified.isEnabled() or not options.identified:
            (self.identified if options.identified else self.deidentified).setChecked(True)

    def remember(self, settings: QSettings) -> None:
        options = self.options()
        self.remember_period(settings, "outcomes", options.start, options.end)
        settings.setValue(f"{KEY}/outcomes/grant", options.grant)

    def names_residents(self) -> bool:
        return self.identified.isChecked()


PAGES: dict[str, type[OptionsPage]] = {
    page.name: page
    for page in (RosterPage, MentorsPage, SignInPage, SupervisionPage, FaceSheetPage, OutcomesPage)
}


class ReportDialog(FormDialog):
    """Pick a report (``report`` first when given) and its options; "Preview" draws it.

    ``preset`` sets some options for this run (a tab's "Print sign-in sheet" fills in its
    session); everything else comes from what was chosen last time. After Preview,
    ``rendered`` holds the drawn report.
    """

    asks_before_discarding = False  # a report's options, remembered anyway

    def __init__(
        self,
        parent: QWidget | None,
        ctx: UiContext,
        report: str | None = None,
        preset: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(self.tr("Print a report"))
        self.rendered: RenderedReport | None = None
        self.task: BackgroundTask | None = None
        self._folder: Any = None
        self._closing = False
        self.available = printouts.available_reports(ctx.db, ctx.actor)

        self.report_list = QListWidget(self.body)
        self.report_list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        list_label = QLabel(self.tr("&Report:"), self.body)
        list_label.setBuddy(self.report_list)
        self.report_list.setAccessibleName(self.tr("Report"))
        self.report_list.setSpacing(3)
        for name in self.available:
            item = QListWidgetItem(printouts.plain_title(printouts.BY_NAME[name]))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.report_list.addItem(item)
        width = max(
            (
                self.fontMetrics().horizontalAdvance(self.report_list.item(r).text())
                for r in range(self.report_list.count())
            ),
            default=100,
        )
        self.report_list.setFixedWidth(width + self.fontMetrics().averageCharWidth() * 6)

        self.heading = QLabel(self.body)
        self.description = QLabel(self.body)
        self.description.setWordWrap(True)
        self.notice = QLabel(self.body)
        self.notice.setWordWrap(True)
        self.notice.setObjectName("confidentialNotice")
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.stack = QStackedWidget(self.body)
        self.pages: dict[str, OptionsPage] = {}
        for name in self.available:
            page = PAGES[name](self)
            self.pages[name] = page
            self.stack.addWidget(page)

        left = QVBoxLayout()
        left.addWidget(list_label)
        left.addWidget(self.report_list, 1)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.description)
        right.addWidget(self.notice)
        right.addWidget(self.stack, 1)
        row = QHBoxLayout(self.body)
        row.addLayout(left)
        row.addSpacing(12)
        row.addLayout(right, 1)

        self.report_list.currentRowChanged.connect(self._on_report_list_current_row_changed)
        self.set_ok_text(self.tr("&Preview"))
        self.ok_button.setToolTip(self.tr("Prepare the report and show it before printing"))
        wanted = report if report in self.available else None
        last = str(ctx.settings.value(f"{KEY}/last", ""))
        wanted = wanted or (last if last in self.available else None)
        self.select_report(wanted or self.available[0])  # everyone may print something
        if preset and wanted == report and report in self.pages:
            page = self.pages[report]
            page.set_options(dataclasses.replace(page.options(), **preset))
        self.report_list.setFocus()
        self.fit_to_screen(QSize(780, 540))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        report: str | None = None,
        preset: dict[str, Any] | None = None,
    ) -> RenderedReport | None:
        """The drawn report after Preview (the caller shows and later discards it), or None."""
        dialog = cls(parent, ctx, report, preset)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        rendered = dialog.rendered if accepted else None
        dialog.deleteLater()  # its lists of people are not kept in the window
        return rendered

    # -- the chosen report ---------------------------------------------------------------

    def current_name(self) -> str:
        item = self.report_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def current_page(self) -> OptionsPage | None:
        return self.pages.get(self.current_name())

    def select_report(self, name: str) -> None:
        for row in range(self.report_list.count()):
            if self.report_list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.report_list.setCurrentRow(row)
                return

    def request(self) -> ReportRequest:
        page = self.current_page()
        assert page is not None
        return ReportRequest(page.name, page.options())

    def update_notice(self) -> None:
        page = self.current_page()
        if page is None:
            self.notice.hide()
            return
        if page.names_residents():
            self.notice.setText(
                self.tr(
                    "Names residents — carries the confidentiality notice: every page is "
                    "marked CONFIDENTIAL with the 42 CFR § 2.32 notice against redisclosure."
                )
            )
        elif page.name == "outcomes":
            self.notice.setText(self.tr("Names no one: safe to hand to a funder or an auditor."))
        else:
            self.notice.setText(self.tr("Names peer mentors, not residents."))
        self.notice.show()

    def _on_report_list_current_row_changed(self, _row: int) -> None:
        page = self.current_page()
        if page is None:
            return
        self.errors.clear()
        self.stack.setCurrentWidget(page)
        page.activate()
        choice = printouts.BY_NAME[page.name]
        self.heading.setText(f"<h3>{printouts.plain_title(choice)}</h3>")
        self.description.setText(self.tr(DESCRIPTIONS[page.name]))
        self.update_notice()

    # -- Preview -------------------------------------------------------------------------

    def remember(self) -> None:
        page = self.current_page()
        if page is None:
            return
        settings = self.ctx.settings
        settings.setValue(f"{KEY}/last", page.name)
        page.remember(settings)
        settings.sync()

    def accept(self) -> None:
        """Draw the report off the window's thread; the dialog closes when it is ready."""
        page = self.current_page()
        if page is None or self.task is not None or not self.ok_button.isEnabled():
            return
        self.errors.clear()
        self.banner.clear_message()
        own = page.problems()
        if own:
            self.errors.show(own)
            return
        request = self.request()
        self.remember()
        try:
            folder = printouts.new_render_folder()
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            return
        self._folder = folder
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Any, cancelled: Any) -> object:
            try:
                return printouts.render_report(db, actor, request, folder, progress, cancelled)
            except ValidationError as exc:
                return exc  # shown under its fields, with the dialog still open

        title = printouts.plain_title(printouts.BY_NAME[request.name])
        task = BackgroundTask(
            work,
            parent=self,
            title=self.tr("Preparing the report"),
            label=self.tr("Preparing the {report}…").format(report=title.lower()),
        )
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_task_cancelled)
        self.task = task
        self._set_busy(True)
        task.start()

    def reject(self) -> None:
        """Cancel (Esc): stop a report being drawn; nothing is kept."""
        self._closing = True
        task = self.task
        if task is not None:
            task.cancel()
            task.wait()
        super().reject()

    def _set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        self.body.setEnabled(not busy)

    def _finish_task(self) -> None:
        self.task = None
        self._set_busy(False)

    def _discard_folder(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _on_task_succeeded(self, result: object) -> None:
        self._finish_task()
        if self._closing and isinstance(result, RenderedReport):
            result.discard()  # it finished just as the person closed the dialog
            return
        if isinstance(result, ValidationError):
            self._discard_folder()
            self.errors.show(
                result.errors,
                summary=self.tr("Nothing was printed. Please look at the messages below."),
            )
            return
        assert isinstance(result, RenderedReport)
        self.rendered = result
        self._folder = None  # the preview owns it now
        QDialog.accept(self)

    def _on_task_failed(self, sentence: str) -> None:
        self._finish_task()
        self._discard_folder()
        self.banner.show_message(sentence, "error")

    def _on_task_cancelled(self) -> None:
        self._finish_task()
        self._discard_folder()
        if self.isVisible():
            self.banner.show_message(
                self.tr("The report was cancelled; nothing was printed."), "info"
            )


# One sentence under each report's name (translated in this dialog's context).
DESCRIPTIONS = {
    "roster": QT_TRANSLATE_NOOP(
        "ReportDialog",
        "Everyone in residence today, by phase or by room, with room and bed, intake date, "
        "days in the program and mentor, totals per group and a tick column for a headcount.",
    ),
    "mentors": QT_TRANSLATE_NOOP(
        "ReportDialog",
        "Each peer mentor's role, caseload, credentials (expired or expiring within 60 days "
        "marked), training hours in the last 12 months and supervision.",
    ),
    "signin": QT_TRANSLATE_NOOP(
        "ReportDialog",
        "A group's sign-in sheet: the session, its date and facilitator, the residents "
        "expected and blank rows, with columns for a signature and the time.",
    ),
    "supervision": QT_TRANSLATE_NOOP(
        "ReportDialog",
        "Supervision notes over a period (kind, domains, summary, action items) with lines "
        "for the peer mentor and the supervisor to sign.",
    ),
    "facesheet": QT_TRANSLATE_NOOP(
        "ReportDialog",
        "One page per resident: details, stays, phase history, mentor and the latest assessments.",
    ),
    "outcomes": QT_TRANSLATE_NOOP(
        "ReportDialog",
        "Every outcome figure for the period with its denominator, and charts: the page a "
        "director hands a funder.",
    ),
}
