"""House → House settings…: the house's name and address, printouts, the supervision rule,
the warnings on Home, backups and the lock.

Only an administrator may change them (the service refuses anyone else); everything is saved
together with Save, checked first, and written to the audit log as one change.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLineEdit, QSpinBox, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from peerdesk.core import dto, vocab
from peerdesk.core.services import settings as settings_service
from peerdesk.core.services.settings import LIMITS, SettingsChange
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, vocab_text
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.forms import FormSection, hint_label


class HouseSettingsDialog(FormDialog):
    """Every house setting a house manager may change, in four groups."""

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent, ctx, "")
        self.setObjectName("houseSettingsDialog")
        self.setWindowTitle(self.tr("House settings"))
        self.spins: dict[str, QSpinBox] = {}

        house = FormSection(self.tr("The house"), self.errors, self.body)
        self.house_name = QLineEdit(self.body)
        self.house_name.setMaxLength(120)
        self.address = QLineEdit(self.body)
        self.address.setMaxLength(300)
        self.address.setPlaceholderText(self.tr("for example: 12 Hope Street, Lexington KY"))
        self.phone = QLineEdit(self.body)
        self.phone.setMaxLength(300)
        house.add_field(
            self.tr("House &name:"),
            self.house_name,
            "house_name",
            hint=self.tr("On the title bar and at the top of every printout."),
        )
        house.add_field(self.tr("&Address:"), self.address, "address")
        house.add_field(self.tr("P&hone:"), self.phone, "phone")

        paper = FormSection(self.tr("Printouts and spreadsheets"), self.errors, self.body)
        self.paper_size = ChoiceCombo(self.body)
        self.paper_size.set_choices((p, vocab_text(p)) for p in vocab.PaperSize)
        self.date_order = ChoiceCombo(self.body)
        self.date_order.set_choices((d, vocab_text(d)) for d in vocab.DateOrder)
        paper.add_field(self.tr("Pa&per size:"), self.paper_size, "paper_size")
        paper.add_field(
            self.tr("&Dates in spreadsheets:"),
            self.date_order,
            "date_order",
            hint=self.tr("How an imported date such as 3/7/2026 is read."),
        )

        rules = FormSection(self.tr("Supervision and follow-up"), self.errors, self.body)
        self._spin(
            rules,
            "supervisions_per_month",
            self.tr("Supervisions in &30 days:"),
            self.tr("For each peer mentor; Home warns who falls behind."),
        )
        self._spin(
            rules,
            "long_supervision_minutes",
            self.tr("One of them at &least (minutes):"),
            self.tr("0 when any length will do."),
        )
        self._spin(rules, "assessment_interval_days", self.tr("Days between assess&ments:"))
        self._spin(
            rules, "credential_warning_days", self.tr("&Warn of expiring credentials (days):")
        )
        self.retention = QLineEdit(self.body)
        self.retention.setMaxLength(100)
        rules.add_field(
            self.tr("&Retention checkpoints (days):"),
            self.retention,
            "retention_checkpoints",
            hint=self.tr(
                "Days after intake at which the outcome summary counts who is still here, "
                "separated by commas: for example 30, 60, 90."
            ),
        )

        targets = FormSection(self.tr("Outcome targets"), self.errors, self.body)
        targets.add_row_widget(
            hint_label(
                self.tr(
                    "Printed beside the outcome summary's headline figures as met or not met; "
                    "\u201cnone\u201d sets no target."
                ),
                self.body,
            )
        )
        self._spin(
            targets,
            "target_retention_percent",
            self.tr("Re&tained at 90 days (%):"),
            self.tr("Or at the first checkpoint, when 90 days is not one."),
        )
        self._spin(targets, "target_positive_percent", self.tr("Positi&ve discharges (%):"))
        self._spin(targets, "target_housing_percent", self.tr("Exits to stable housin&g (%):"))
        self._spin(targets, "target_barc_percent", self.tr("BARC-10 at or above &47 (%):"))
        self._spin(
            targets, "target_median_stay_days", self.tr("Median length of stay at l&east (days):")
        )

        safety = FormSection(self.tr("Backups and the lock"), self.errors, self.body)
        self._spin(safety, "backups_to_keep", self.tr("Automatic &backups to keep:"))
        self._spin(
            safety,
            "backup_warning_days",
            self.tr("Warn of an &old USB backup (days):"),
        )
        self._spin(
            safety,
            "autolock_minutes",
            self.tr("Loc&k after idle (minutes):"),
            self.tr("Nothing of a resident stays on screen once it locks."),
        )

        column = QVBoxLayout(self.body)
        for section in (house, paper, rules, targets, safety):
            column.addWidget(section)
        column.addStretch(1)
        self.set_ok_text(self.tr("&Save"))
        self.read(self._load)
        self.house_name.setFocus()
        self.fit_to_screen(QSize(620, 640))

    def _spin(self, section: FormSection, key: str, label: str, hint: str = "") -> None:
        _what, low, high = LIMITS[key]
        spin = QSpinBox(self.body)
        spin.setRange(low, high)
        spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance("0000") * 3)
        spin.setAccessibleName(label.replace("&", "").rstrip(":"))
        if key.startswith("target_"):
            spin.setSpecialValueText(self.tr("none"))
        section.add_field(label, spin, key, hint=hint)
        self.spins[key] = spin

    def _load(self, s: Session) -> None:
        house = settings_service.get_settings(s)
        self.house_name.setText(house.house_name)
        self.address.setText(house.address)
        self.phone.setText(house.phone)
        self.paper_size.set_value(house.paper_size)
        self.date_order.set_value(house.date_order)
        self.retention.setText(", ".join(str(d) for d in house.retention_checkpoints))
        for key, spin in self.spins.items():
            if key.startswith("target_"):
                spin.setValue(getattr(house.targets, key.removeprefix("target_")) or 0)
            else:
                spin.setValue(int(getattr(house, key)))

    def change(self) -> SettingsChange:
        """What the form holds, as one change for the settings service."""
        paper = self.paper_size.value()
        order = self.date_order.value()
        return SettingsChange(
            house_name=self.house_name.text(),
            address=self.address.text(),
            phone=self.phone.text(),
            paper_size=paper if isinstance(paper, vocab.PaperSize) else None,
            date_order=order if isinstance(order, vocab.DateOrder) else None,
            retention_checkpoints=self.retention.text(),
            **{key: spin.value() for key, spin in self.spins.items()},
        )

    def _write(self, s: Session) -> dto.HouseSettings:
        return settings_service.update_settings(s, self.ctx.actor, self.change())

    def _announce(self, saved: object) -> None:
        # The title, Home's warnings and the lock's timer read the settings again.
        self.ctx.events.records_changed.emit("house_settings", 1)
