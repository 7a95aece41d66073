"""A peer mentor's profile, credentials and training ledger; and making a mentor inactive.

The profile is saved with the dialog's Save button. Credentials and training entries are
ledger lines: each is added (or voided) with its own button and saved at once, because
they are separate records with their own history, and the dialog says so on those tabs.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import clock, dto, pickers, vocab
from peerdesk.core.errors import FieldError, PeerDeskError, ValidationError
from peerdesk.core.services import mentors, residents, settings
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, fmt_date, vocab_text
from peerdesk.ui.dialogs.void import VoidDialog
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.dates import DateField
from peerdesk.ui.widgets.forms import FieldErrors, FormSection, buddy_label, hint_label
from peerdesk.ui.widgets.pickers import ResidentPicker
from peerdesk.ui.widgets.scores import MinutesSpinBox

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def hours_text(minutes: int) -> str:
    """90 → "1 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        text = QCoreApplication.translate("MentorDialog", "{m} min")
    elif rest:
        text = QCoreApplication.translate("MentorDialog", "{h} h {m} min")
    else:
        text = QCoreApplication.translate("MentorDialog", "{h} h")
    return text.format(h=hours, m=rest)


def training_minutes_last_year(mentor: dto.Mentor, today: dt.date) -> tuple[int, dt.date]:
    """Minutes of training (voided entries left out) in the 12 months up to ``today``."""
    since = today - dt.timedelta(days=365)
    total = sum(t.minutes for t in mentor.training if not t.voided and t.trained_on > since)
    return total, since


def _item(text: str, record_id: int | None = None, *, voided: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if record_id is not None:
        item.setData(ID_ROLE, record_id)
    if voided:
        font = item.font()
        font.setStrikeOut(True)
        item.setFont(font)
    return item


def _ledger_table(parent: QWidget, headers: list[str], name: str, stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)  # the long text
    table.setAccessibleName(name)
    return table


class MentorDialog(FormDialog):
    """A new mentor's profile, or an existing mentor's profile, credentials and training."""

    def __init__(
        self, parent: QWidget | None, ctx: UiContext, mentor_id: int | None = None
    ) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(
            self.tr("New peer mentor") if mentor_id is None else self.tr("Peer mentor")
        )
        self.mentor_id = mentor_id
        self.mentor: dto.Mentor | None = None
        self._warning_days = 60
        self.credential_errors = FieldErrors(self.banner, self)
        self.training_errors = FieldErrors(self.banner, self)

        self.heading = QLabel(self.body)
        self.heading.setWordWrap(True)
        self.tabs = QTabWidget(self.body)
        self.tabs.setAccessibleName(self.tr("Parts of the mentor's record"))
        self.tabs.tabBar().setAccessibleName(self.tr("Profile, credentials or training"))
        self.tabs.addTab(self._profile_tab(), self.tr("&Profile"))
        self.tabs.addTab(self._credentials_tab(), self.tr("C&redentials"))
        self.tabs.addTab(self._training_tab(), self.tr("&Training"))
        if mentor_id is None:
            self.heading.setText(
                self.tr("Save the profile first; then you can add credentials and training.")
            )
            for index in (1, 2):
                self.tabs.setTabEnabled(index, False)
                self.tabs.setTabToolTip(
                    index, self.tr("Save the profile first; then add credentials and training.")
                )
        column = QVBoxLayout(self.body)
        column.addWidget(self.heading)
        column.addWidget(self.tabs, 1)
        self.read(self._load)
        self.first_name.setFocus()
        self.fit_to_screen(QSize(900, 680))

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: UiContext, mentor_id: int | None = None
    ) -> dto.Mentor | None:
        return cls(parent, ctx, mentor_id).exec_for(dto.Mentor)

    # -- the profile ----------------------------------------------------------------------

    def _profile_tab(self) -> QWidget:
        page = QWidget()
        about = FormSection(self.tr("About the mentor"), self.errors, page)
        self.first_name = QLineEdit(page)
        self.last_name = QLineEdit(page)
        self.role_title = QLineEdit(self.tr("Peer mentor"), page)
        self.phone = QLineEdit(page)
        self.email = QLineEdit(page)
        self.email.setPlaceholderText(self.tr("name@example.org (optional)"))
        self.start_date = DateField(page, value=clock.today())
        about.add_field(self.tr("&First name:"), self.first_name, "first_name")
        about.add_field(self.tr("&Last name:"), self.last_name, "last_name")
        about.add_field(self.tr("R&ole:"), self.role_title, "role_title")
        about.add_field(self.tr("P&hone:"), self.phone, "phone")
        about.add_field(self.tr("&Email:"), self.email, "email")
        about.add_field(self.tr("Start &date:"), self.start_date, "start_date")

        links = FormSection(self.tr("Supervision and history"), self.errors, page)
        self.supervisor = QComboBox(page)
        self.supervisor.setEditable(True)
        self.supervisor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.supervisor.lineEdit().setPlaceholderText(self.tr("their clinical supervisor"))
        self.former_resident = ResidentPicker(
            page,
            none_text=self.tr("Not a former resident"),
            placeholder=self.tr("type part of a name"),
        )
        self.notes = QPlainTextEdit(page)
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        links.add_field(self.tr("S&upervisor:"), self.supervisor, "supervisor_name")
        links.add_field(
            self.tr("For&mer resident:"),
            self.former_resident,
            "former_resident_id",
            hint=self.tr("If the mentor once lived here, link the resident they were."),
        )
        links.add_field(self.tr("&Notes:"), self.notes, "notes")

        column = QVBoxLayout(page)
        column.addWidget(about)
        column.addWidget(links)
        column.addStretch(1)
        return page

    # -- credentials ------------------------------------------------------------------------

    def _credentials_tab(self) -> QWidget:
        page = QWidget()
        self.credentials_table = _ledger_table(
            page,
            [
                self.tr("Credential"),
                self.tr("Number"),
                self.tr("Issued"),
                self.tr("Expires"),
                self.tr("Status"),
            ],
            self.tr("Credentials"),
            stretch=0,
        )
        self.void_credential_button = QPushButton(self.tr("&Void selected…"), page)
        self.void_credential_button.setAccessibleName(self.tr("Void the selected credential"))
        self.void_credential_button.setAutoDefault(False)
        self.void_credential_button.clicked.connect(self._on_void_credential_button_clicked)

        add = FormSection(self.tr("Add a credential"), self.credential_errors, page)
        self.credential_name = QLineEdit(page)
        self.credential_name.setPlaceholderText(self.tr("for example: Certified Peer Specialist"))
        self.credential_number = QLineEdit(page)
        self.credential_issued = DateField(page, optional=True, blank_text=self.tr("Not known"))
        self.credential_expires = DateField(
            page,
            optional=True,
            blank_text=self.tr("Does not expire"),
            default=clock.today() + dt.timedelta(days=730),
        )
        add.add_field(self.tr("Crede&ntial:"), self.credential_name, "name")
        add.add_field(self.tr("Num&ber:"), self.credential_number, "number")
        add.add_field(self.tr("&Issued on:"), self.credential_issued, "issued_on")
        add.add_field(self.tr("E&xpires on:"), self.credential_expires, "expires_on")
        self.add_credential_button = QPushButton(self.tr("&Add credential"), page)
        self.add_credential_button.setAccessibleName(self.tr("Add credential"))
        self.add_credential_button.setAutoDefault(False)
        self.add_credential_button.clicked.connect(self._on_add_credential_button_clicked)
        add.add_button(self.add_credential_button)

        row = QHBoxLayout()
        row.addWidget(
            hint_label(self.tr("Credentials are saved as soon as you add or void them."), page),
            1,
        )
        row.addWidget(self.void_credential_button)
        column = QVBoxLayout(page)
        column.addWidget(
            buddy_label(self.tr("Credentials on recor&d:"), self.credentials_table, page)
        )
        column.addWidget(self.credentials_table, 1)
        column.addLayout(row)
        column.addWidget(add)
        return page

    def _on_add_credential_button_clicked(self) -> None:
        details = mentors.CredentialDetails(
            name=self.credential_name.text(),
            number=self.credential_number.text(),
            issued_on=self.credential_issued.date(),
            expires_on=self.credential_expires.date(),
        )
        if self._ledger_write(
            self.credential_errors,
            lambda s: mentors.add_credential(s, self.ctx.actor, self._id(), details),
            self.tr("Credential “{name}” added.").format(name=details.name.strip()),
        ):
            self.credential_name.clear()
            self.credential_number.clear()
            self.credential_issued.set_date(None)
            self.credential_expires.set_date(None)

    def _on_void_credential_button_clicked(self) -> None:
        record = self._selected(self.credentials_table)
        if record is None:
            self.banner.show_message(self.tr("Select the credential to void first."), "info")
            return
        record_id, text = record
        reason = VoidDialog.ask(self, self.tr("the credential “{name}”").format(name=text))
        if reason is None:
            return
        self._ledger_write(
            self.credential_errors,
            lambda s: mentors.void_credential(s, self.ctx.actor, record_id, reason),
            self.tr("Credential “{name}” voided.").format(name=text),
        )

    # -- training ---------------------------------------------------------------------------

    def _training_tab(self) -> QWidget:
        page = QWidget()
        self.training_total = QLabel(page)
        self.training_total.setAccessibleName(self.tr("Training in the last 12 months"))
        self.training_table = _ledger_table(
            page,
            [
                self.tr("Date"),
                self.tr("Topic"),
                self.tr("Competency"),
                self.tr("Time"),
                self.tr("Status"),
            ],
            self.tr("Training"),
            stretch=1,
        )
        self.void_training_button = QPushButton(self.tr("&Void selected…"), page)
        self.void_training_button.setAccessibleName(self.tr("Void the selected training"))
        self.void_training_button.setAutoDefault(False)
        self.void_training_button.clicked.connect(self._on_void_training_button_clicked)

        add = FormSection(self.tr("Add training"), self.training_errors, page)
        self.training_date = DateField(page, value=clock.today())
        self.training_topic = QLineEdit(page)
        self.training_topic.setPlaceholderText(self.tr("for example: Motivational interviewing"))
        self.training_competency = ChoiceCombo(page, placeholder=self.tr("Choose…"))
        self.training_competency.set_choices((c, vocab_text(c)) for c in vocab.Competency)
        self.training_minutes = MinutesSpinBox(60, page)
        add.add_field(self.tr("&Date:"), self.training_date, "trained_on")
        add.add_field(self.tr("T&opic:"), self.training_topic, "topic")
        add.add_field(self.tr("Co&mpetency:"), self.training_competency, "competency")
        add.add_field(self.tr("&Length:"), self.training_minutes, "minutes")
        self.add_training_button = QPushButton(self.tr("&Add training"), page)
        self.add_training_button.setAccessibleName(self.tr("Add training"))
        self.add_training_button.setAutoDefault(False)
        self.add_training_button.clicked.connect(self._on_add_training_button_clicked)
        add.add_button(self.add_training_button)

        row = QHBoxLayout()
        row.addWidget(
            hint_label(self.tr("Training is saved as soon as you add or void it."), page), 1
        )
        row.addWidget(self.void_training_button)
        column = QVBoxLayout(page)
        column.addWidget(self.training_total)
        column.addWidget(buddy_label(self.tr("Training on re&cord:"), self.training_table, page))
        column.addWidget(self.training_table, 1)
        column.addLayout(row)
        column.addWidget(add)
        return page

    def _on_add_training_button_clicked(self) -> None:
        competency = self.training_competency.value()
        details = mentors.TrainingDetails(
            trained_on=self.training_date.date() or clock.today(),
            topic=self.training_topic.text(),
            competency=competency,  # None until chosen: the service asks to choose it
            minutes=self.training_minutes.value(),
        )
        if self._ledger_write(
            self.training_errors,
            lambda s: mentors.add_training(s, self.ctx.actor, self._id(), details),
            self.tr("Training “{topic}” added.").format(topic=details.topic.strip()),
        ):
            self.training_topic.clear()
            self.training_competency.set_value(None)

    def _on_void_training_button_clicked(self) -> None:
        record = self._selected(self.training_table, text_column=1)
        if record is None:
            self.banner.show_message(self.tr("Select the training to void first."), "info")
            return
        record_id, text = record
        reason = VoidDialog.ask(self, self.tr("the training “{topic}”").format(topic=text))
        if reason is None:
            return
        self._ledger_write(
            self.training_errors,
            lambda s: mentors.void_training(s, self.ctx.actor, record_id, reason),
            self.tr("Training “{topic}” voided.").format(topic=text),
        )

    # -- shared ledger plumbing ---------------------------------------------------------

    def _id(self) -> int:
        assert self.mentor_id is not None
        return self.mentor_id

    def _selected(self, table: QTableWidget, text_column: int = 0) -> tuple[int, str] | None:
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        item = table.item(rows[0].row(), text_column)
        first = table.item(rows[0].row(), 0)
        return int(first.data(ID_ROLE)), item.text()

    def _ledger_write(
        self, errors: FieldErrors, write: Callable[[Session], dto.Mentor], done: str
    ) -> bool:
        """Save one ledger line at once; show refusals under the sub-form's fields."""
        errors.clear()
        self.banner.clear_message()
        try:
            with self.ctx.db.begin() as s:
                mentor = write(s)
        except ValidationError as exc:
            errors.show(exc.errors)
            return False
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            return False
        assert isinstance(mentor, dto.Mentor)
        self._show_mentor(mentor)
        self.banner.show_message(done, "success")
        self.ctx.announce("mentors", mentor.id)
        return True

    # -- reading --------------------------------------------------------------------------

    def _load(self, s: Session) -> None:
        self.supervisor.addItems(pickers.supervisor_names(s))
        self.supervisor.setCurrentIndex(-1)
        self.former_resident.set_residents(pickers.all_residents(s))
        self._warning_days = settings.get_settings(s).credential_warning_days
        if self.mentor_id is None:
            return
        mentor = mentors.get_mentor(s, self.mentor_id)
        self.mentor = mentor
        self.first_name.setText(mentor.first_name)
        self.last_name.setText(mentor.last_name)
        self.role_title.setText(mentor.role_title)
        self.phone.setText(mentor.phone)
        self.email.setText(mentor.email)
        self.start_date.set_date(mentor.start_date)
        self.supervisor.setEditText(mentor.supervisor_name)
        self.former_resident.set_value(mentor.former_resident_id)
        self.notes.setPlainText(mentor.notes)
        self._show_mentor(mentor)

    def _show_mentor(self, mentor: dto.Mentor) -> None:
        self.setWindowTitle(self.tr("Peer mentor: {name}").format(name=mentor.name))
        if mentor.status == vocab.MentorStatus.ACTIVE:
            status = self.tr("active since {date}").format(date=fmt_date(mentor.start_date))
        else:
            status = self.tr("inactive since {date}").format(
                date=fmt_date(mentor.end_date or mentor.start_date)
            )
        if mentor.caseload == 0:
            caseload = self.tr("mentors nobody now")
        elif mentor.caseload == 1:
            caseload = self.tr("mentors 1 resident now")
        else:
            caseload = self.tr("mentors {n} residents now").format(n=mentor.caseload)
        self.heading.setText(
            f"<b>{html.escape(mentor.name)}</b> · {html.escape(status)} · {html.escape(caseload)}"
        )
        today = clock.today()
        self.credentials_table.setRowCount(0)
        for credential in mentor.credentials:
            row = self.credentials_table.rowCount()
            self.credentials_table.insertRow(row)
            if credential.voided:
                state = self.tr("Voided")
            elif credential.expires_on is None:
                state = self.tr("Does not expire")
            elif credential.expires_on < today:
                state = self.tr("Expired")
            elif credential.expires_on == today:
                state = self.tr("Expires today")
            elif credential.expires_within(self._warning_days, today):
                state = self.tr("Expires in {n} days").format(
                    n=(credential.expires_on - today).days
                )
            else:
                state = self.tr("Current")
            cells = [
                credential.name,
                credential.number,
                fmt_date(credential.issued_on) if credential.issued_on else "—",
                fmt_date(credential.expires_on) if credential.expires_on else "—",
                state,
            ]
            for column, text in enumerate(cells):
                self.credentials_table.setItem(
                    row, column, _item(text, credential.id, voided=credential.voided)
                )
        self.training_table.setRowCount(0)
        for entry in reversed(mentor.training):
            row = self.training_table.rowCount()
            self.training_table.insertRow(row)
            cells = [
                fmt_date(entry.trained_on),
                entry.topic,
                vocab_text(entry.competency),
                hours_text(entry.minutes),
                self.tr("Voided") if entry.voided else "",
            ]
            for column, text in enumerate(cells):
                self.training_table.setItem(row, column, _item(text, entry.id, voided=entry.voided))
        minutes, since = training_minutes_last_year(mentor, today)
        self.training_total.setText(
            self.tr("<b>{hours}</b> of training in the last 12 months (since {date}).").format(
                hours=hours_text(minutes) if minutes else self.tr("No hours"),
                date=fmt_date(since),
            )
        )

    # -- saving ---------------------------------------------------------------------------

    def details(self) -> mentors.MentorDetails:
        return mentors.MentorDetails(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            start_date=self.start_date.date() or clock.today(),
            role_title=self.role_title.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            supervisor_name=self.supervisor.currentText(),
            former_resident_id=self.former_resident.value(),
            user_id=self.mentor.user_id if self.mentor is not None else None,
            notes=self.notes.toPlainText(),
        )

    def _widget_problems(self) -> list[FieldError]:
        typed = self.former_resident.unmatched_text()
        if not typed:
            return []
        return [
            FieldError(
                "former_resident_id",
                self.tr(
                    "No resident is called “{text}”; choose one from the list, or “Not a "
                    "former resident”."
                ).format(text=typed),
            )
        ]

    def _after_refused(self) -> None:
        self.tabs.setCurrentIndex(0)

    def _write(self, s: Session) -> dto.Mentor:
        if self.mentor_id is None:
            return mentors.create_mentor(s, self.ctx.actor, self.details())
        return mentors.update_mentor(s, self.ctx.actor, self.mentor_id, self.details())

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.Mentor)
        self.ctx.announce("mentors", saved.id)


class DeactivateMentorDialog(FormDialog):
    """A mentor stops working with the house: their last day and, if wanted, why."""

    def __init__(self, parent: QWidget | None, ctx: UiContext, mentor_id: int) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(self.tr("Make a peer mentor inactive"))
        self.mentor_id = mentor_id
        self.heading = QLabel(self.body)
        self.heading.setWordWrap(True)
        self.caseload = QLabel(self.body)
        self.caseload.setWordWrap(True)
        section = FormSection(self.tr("Leaving"), self.errors, self.body)
        self.end_date = DateField(self.body, value=clock.today())
        self.reason = QLineEdit(self.body)
        self.reason.setPlaceholderText(self.tr("optional: moved away, new job, …"))
        section.add_field(self.tr("&Last day:"), self.end_date, "end_date")
        section.add_field(self.tr("&Why:"), self.reason, "reason")
        column = QVBoxLayout(self.body)
        column.addWidget(self.heading)
        column.addWidget(self.caseload)
        column.addWidget(section)
        column.addStretch(1)
        self.read(self._load)
        self.set_ok_text(self.tr("&Make inactive"))
        self.end_date.setFocus()
        self.fit_to_screen(QSize(560, 360))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext, mentor_id: int) -> dto.Mentor | None:
        return cls(parent, ctx, mentor_id).exec_for(dto.Mentor)

    def _load(self, s: Session) -> None:
        mentor = mentors.get_mentor(s, self.mentor_id)
        self.heading.setText(
            self.tr(
                "<b>{name}</b> has been a peer mentor here since {date}. Their sessions and "
                "supervision notes stay in the records."
            ).format(name=html.escape(mentor.name), date=fmt_date(mentor.start_date))
        )
        if mentor.status != vocab.MentorStatus.ACTIVE:
            self.show_refusal(self.tr("{name} is already inactive.").format(name=mentor.name))
            return
        if mentor.caseload:
            names = [r.name for r in residents.active_residents(s, mentor_id=self.mentor_id)]
            text = (
                self.tr(
                    "They still mentor {names}. Give them another mentor first (in their details)."
                )
                if len(names) == 1
                else self.tr(
                    "They still mentor {n} residents: {names}. Give each of them another "
                    "mentor first (in the resident's details)."
                )
            )
            self.caseload.setText(text.format(n=len(names), names=", ".join(names)))
            self.caseload.setStyleSheet("color: #7a4a00;")

    def _write(self, s: Session) -> dto.Mentor:
        return mentors.deactivate_mentor(
            s,
            self.ctx.actor,
            self.mentor_id,
            self.end_date.date() or clock.today(),
            self.reason.text().strip(),
        )

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, dto.Mentor)
        self.ctx.announce("mentors", saved.id)
