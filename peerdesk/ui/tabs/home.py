"""The Home tab: what needs attention today, each line opening the record it names.

All of it comes from :mod:`peerdesk.core.attention`, so the Home tab, the rosters and the
reports agree on who is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from peerdesk.core import attention, clock, listing
from peerdesk.core.audit_check import TrailReport, verify_trail
from peerdesk.core.permissions import Action
from peerdesk.core.services import follow_ups
from peerdesk.core.services import settings as settings_service
from peerdesk.core.services._common import fmt_date
from peerdesk.ui.context import UiContext
from peerdesk.ui.workers import BackgroundTask

# How many lines a card shows before "Show all".
LINES_SHOWN = 6

STYLE = """
QFrame#homeCard {
    background: palette(base);
    border: 1px solid palette(midlight);
    border-radius: 8px;
}
QLabel#homeCardTitle { font-weight: 600; }
QLabel#homeCardNote { color: palette(placeholder-text); }
QLabel#homeQuiet { color: palette(placeholder-text); }
QPushButton#homeMore {
    text-align: left;
    border: none;
    padding: 3px 6px;
    color: palette(placeholder-text);
    background: transparent;
}
"""


class LineButton(QAbstractButton):
    """A line of a card that opens its record: reads like a link, wraps like a sentence,
    and is a real button for the keyboard (Tab, Space, Enter) and for screen readers."""

    PAD_X = 6
    PAD_Y = 3

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(text)
        self.setObjectName("homeLine")
        self.setAccessibleName(text)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _text_rect(self, width: int) -> QRect:
        return self.fontMetrics().boundingRect(
            QRect(0, 0, max(1, width - 2 * self.PAD_X), 100_000),
            int(Qt.TextFlag.TextWordWrap),
            self.text(),
        )

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._text_rect(width).height() + 2 * self.PAD_Y

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = min(metrics.horizontalAdvance(self.text()), metrics.averageCharWidth() * 60)
        width += 2 * self.PAD_X
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 16, metrics.height() + 2 * self.PAD_Y)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        if self.hasFocus() or self.isDown():
            painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        font = self.font()
        font.setUnderline(self.underMouse() or self.hasFocus())
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.Link))
        painter.drawText(
            self.rect().adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            | int(Qt.TextFlag.TextWordWrap),
            self.text(),
        )
        painter.end()


@dataclass(frozen=True)
class Line:
    """One line of a card: its text and the record it opens ("resident", 12)."""

    text: str
    target: str = ""
    record_id: int = 0
    warning: bool = False


class HomeCard(QFrame):
    """A titled box of lines; each line is a button that opens its record."""

    line_clicked = Signal(str, int)

    def __init__(self, title: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeCard")
        self.setAccessibleName(title)
        self._title = title
        self._expanded = False
        self._lines: list[Line] = []
        self._quiet = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(2)
        self.title = QLabel(title, self)
        self.title.setObjectName("homeCardTitle")
        self.title.setAccessibleName(title)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.12)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.note = QLabel(note, self)
        self.note.setObjectName("homeCardNote")
        self.note.setWordWrap(True)
        self.note.setAccessibleName(note or title)
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        self.body = QVBoxLayout()
        self.body.setSpacing(0)
        self.body.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(self.body)
        layout.addStretch(1)
        self.buttons: list[LineButton] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_lines(self, lines: list[Line], quiet: str, count: int | None = None) -> None:
        """Show these lines, or ``quiet`` when there are none."""
        self._lines, self._quiet = lines, quiet
        shown = len(lines) if count is None else count
        self.title.setText(f"{self._title} ({shown})" if shown else self._title)
        self._fill()

    def _fill(self) -> None:
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = []
        if not self._lines:
            quiet = QLabel(self._quiet, self)
            quiet.setObjectName("homeQuiet")
            quiet.setWordWrap(True)
            quiet.setAccessibleName(self._quiet)
            self.body.addWidget(quiet)
            return
        visible = self._lines if self._expanded else self._lines[:LINES_SHOWN]
        for line in visible:
            if not line.target:
                label = QLabel(line.text, self)
                label.setWordWrap(True)
                label.setAccessibleName(line.text)
                self.body.addWidget(label)
                continue
            button = LineButton(("⚠ " if line.warning else "") + line.text, self)
            button.setAccessibleName(line.text)
            button.setToolTip(self.tr("Open"))
            button.clicked.connect(
                lambda _checked=False, t=line.target, r=line.record_id: self.line_clicked.emit(t, r)
            )
            self.body.addWidget(button)
            self.buttons.append(button)
        hidden = len(self._lines) - len(visible)
        if hidden > 0:
            more = QPushButton(self.tr("Show {n} more").format(n=hidden), self)
            more.setObjectName("homeMore")
            more.setAccessibleName(self.tr("Show {n} more").format(n=hidden))
            more.clicked.connect(self._on_more_clicked)
            self.body.addWidget(more)

    def _on_more_clicked(self) -> None:
        self._expanded = True
        self._fill()


class HomeTab(QWidget):
    """Today at a glance."""

    # ("resident" | "mentor" | "note" | "phase" | "backup", id)
    record_requested = Signal(str, int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._status = ""
        self.setAccessibleName(self.tr("Home"))
        self.setStyleSheet(STYLE)

        self.heading = QLabel(self)
        self.heading.setAccessibleName(self.tr("House name"))
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.today = QLabel(self)
        self.today.setObjectName("homeCardNote")
        self.today.setAccessibleName(self.tr("Today's date"))

        self.census = HomeCard(
            self.tr("In residence today"), self.tr("Residents by program phase."), self
        )
        self.due = HomeCard(
            self.tr("Due an assessment"), self.tr("BARC-10 due or never taken this stay."), self
        )
        self.overdue = HomeCard(
            self.tr("Supervision overdue"), self.tr("Peer mentors behind the house's rule."), self
        )
        self.credentials = HomeCard(self.tr("Credentials expiring"), "", self)
        self.items = HomeCard(
            self.tr("Open action items"), self.tr("Agreed in supervision, not yet done."), self
        )
        self.backup = HomeCard(self.tr("Backup"), "", self)
        self.follow_ups = HomeCard(
            self.tr("Follow-ups due"),
            self.tr("The call about 6 or 12 months after a stay ended."),
            self,
        )
        # Shown only while the house is new: where to start.
        self.start = HomeCard(
            self.tr("Where to start"),
            self.tr("A new house: three steps, in any order. F1 opens the user guide."),
            self,
        )
        self.start.hide()
        # Shown only when the check at start finds the audit trail broken.
        self.trail = HomeCard(self.tr("Audit trail"), "", self)
        self.trail.hide()
        self.trail_report: TrailReport | None = None
        self._trail_task: BackgroundTask | None = None
        self.cards = [
            self.census,
            self.due,
            self.overdue,
            self.credentials,
            self.items,
            self.backup,
            self.follow_ups,
            self.trail,
            self.start,
        ]
        for card in self.cards:
            card.line_clicked.connect(self.record_requested)

        inner = QWidget(self)
        grid = QGridLayout(inner)
        grid.setContentsMargins(24, 18, 24, 24)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(18)
        grid.addWidget(self.heading, 0, 0, 1, 2)
        grid.addWidget(self.today, 1, 0, 1, 2)
        grid.addWidget(self.trail, 2, 0, 1, 2)
        grid.addWidget(self.start, 3, 0, 1, 2)
        grid.addWidget(self.census, 4, 0)
        grid.addWidget(self.due, 4, 1)
        grid.addWidget(self.overdue, 5, 0)
        grid.addWidget(self.credentials, 5, 1)
        grid.addWidget(self.items, 6, 0)
        grid.addWidget(self.backup, 6, 1)
        grid.addWidget(self.follow_ups, 7, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(8, 1)
        for row in (2, 3, 4, 5, 6, 7):
            grid.setRowMinimumHeight(row, 0)
        grid.setAlignment(Qt.AlignmentFlag.AlignTop)

        scroll = QScrollArea(self)
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName(self.tr("Today at a glance"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        ctx.events.records_changed.connect(self._on_records_changed)

    def title(self) -> str:
        return self.tr("Home")

    @property
    def status_text(self) -> str:
        return self._status

    def ensure_loaded(self) -> None:
        if self._stale:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.ensure_loaded()
        if self._trail_task is None:
            self.check_trail()

    def check_trail(self) -> BackgroundTask:
        """Walk the whole audit trail once, off the window's thread (a twenty-year trail takes
        seconds); the Audit trail card appears only if it is broken."""
        db = self.ctx.db
        anchor = db.anchor.read() if db.anchor is not None else None

        def work(_progress: object, _cancelled: object) -> TrailReport:
            with db.read() as s:
                return verify_trail(s, anchor)

        task = BackgroundTask(work, show_progress=False)
        task.finished.connect(self._on_trail_task_finished)
        self._trail_task = task
        task.start()
        return task

    def _on_trail_task_finished(self) -> None:
        outcome = self._trail_task.outcome if self._trail_task is not None else None
        if outcome is None:
            return
        if outcome.error is not None:
            report_text = self.tr("The audit trail could not be checked: {why}").format(
                why=outcome.error
            )
            self.trail.set_lines([self._trail_line(report_text)], "", count=0)
            self.trail.show()
            return
        report = outcome.result
        assert isinstance(report, TrailReport)
        self.trail_report = report
        if report.ok:
            self.trail.hide()
            return
        self.trail.set_lines([self._trail_line(report.warning())], "", count=0)
        self.trail.show()

    def _trail_line(self, text: str) -> Line:
        # Those who may read the audit log open it from the line; for others it is a warning.
        target = "audit" if self.ctx.actor.may(Action.READ_AUDIT) else ""
        return Line(text, target, 0, warning=True)

    def _on_records_changed(self, _table: str, _record_id: int) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read today's attention lists again."""
        self._stale = False
        today = clock.today()
        with self.ctx.db.read() as s:
            house = settings_service.get_settings(s)
            census = attention.census_by_phase(s)
            due = attention.assessments_due(s, today)
            working = attention.supervision_cadence(s, today)  # every peer mentor working
            cadence = [m for m in working if m.overdue]
            expiring = attention.credentials_expiring(s, today)
            # A peer mentor reads only the action items of the notes about themselves.
            items = attention.open_action_items(
                s, today, about_user=listing.notes_reader(self.ctx.actor)
            )
            last_backup = attention.last_verified_backup(s)
            backup_warning = attention.usb_backup_warning(s)
            calls = follow_ups.follow_ups_due(s, today)
            new_house = attention.house_is_new(s)
        self.heading.setText(house.house_name or self.tr("PeerDesk"))
        self.today.setText(f"{today:%A} {fmt_date(today)}")

        total = sum(c.residents for c in census)
        self.census.set_lines(
            [
                Line(
                    self.tr("{phase}: {n}").format(phase=c.phase_name, n=c.residents),
                    "phase",
                    c.phase_id or 0,
                )
                for c in census
            ],
            self.tr("Nobody is in residence."),
            count=total,
        )
        self.due.set_lines([self._due_line(d, today) for d in due], self.tr("Nobody is due."))
        self.overdue.set_lines(
            [
                Line(f"{m.mentor_name} — {m.reason}", "mentor", m.mentor_id, warning=True)
                for m in cadence
            ],
            self.tr("Every peer mentor is up to date.")
            if working
            else self.tr("No peer mentors yet: add them on the Mentors tab."),
        )
        self.credentials.note.setText(
            self.tr("Expired or expiring within {n} days.").format(n=house.credential_warning_days)
        )
        self.credentials.note.setVisible(True)
        self.credentials.set_lines(
            [self._credential_line(c) for c in expiring],
            self.tr("No credential expires soon."),
        )
        self.items.set_lines([self._item_line(i) for i in items], self.tr("No open action items."))
        self.follow_ups.set_lines(
            [self._follow_up_line(c, today) for c in calls], self.tr("No follow-up is due.")
        )
        backup_lines = [self._backup_line(last_backup, backup_warning)]
        if backup_warning is not None:
            backup_lines.append(Line(self.tr("Back up to a USB drive now…"), "backup", 0))
        self.backup.set_lines(backup_lines, "", count=0)
        self.start.set_lines(
            [
                Line(self.tr("1. Add your peer mentors: Mentors tab → New mentor.")),
                Line(
                    self.tr(
                        "2. Admit your residents: Residents tab → New intake, or bring in the "
                        "list you keep with File → Import a spreadsheet (Ctrl+I)."
                    )
                ),
                Line(self.tr("3. Make a first backup: House → Back up to USB drive.")),
            ],
            "",
            count=0,
        )
        self.start.setVisible(new_house)
        self._status = self.tr("{n} in residence").format(n=total)

    def _due_line(self, d: attention.AssessmentDue, today: dt.date) -> Line:
        if d.last_assessed is None:
            text = self.tr("{name} — no BARC-10 this stay (since {date})").format(
                name=d.resident_name, date=fmt_date(d.due_since)
            )
        else:
            text = self.tr("{name} — due since {date}").format(
                name=d.resident_name, date=fmt_date(d.due_since)
            )
        return Line(text, "resident", d.resident_id, warning=(today - d.due_since).days > 14)

    def _follow_up_line(self, c: follow_ups.FollowUpDue, today: dt.date) -> Line:
        point = self.tr("6-month") if c.point.days == 182 else self.tr("12-month")
        if c.due_on > today:
            text = self.tr("{name} — {point} follow-up due {date}")
        else:
            text = self.tr("{name} — {point} follow-up was due {date}")
        text = text.format(name=c.resident_name, point=point, date=fmt_date(c.due_on))
        # Warn in the last two weeks before the window closes.
        return Line(text, "follow_up", c.resident_id, warning=(c.closes_on - today).days <= 14)

    def _credential_line(self, c: attention.ExpiringCredential) -> Line:
        template = (
            self.tr("{mentor} — {name} expired {date}")
            if c.expired
            else self.tr("{mentor} — {name} expires {date}")
        )
        text = template.format(mentor=c.mentor_name, name=c.name, date=fmt_date(c.expires_on))
        return Line(text, "mentor", c.mentor_id, warning=c.expired)

    def _item_line(self, i: attention.OpenActionItem) -> Line:
        if i.due_date is None:
            text = f"{i.mentor_name} — {i.description}"
        else:
            template = (
                self.tr("{mentor} — {item} (was due {date})")
                if i.overdue
                else self.tr("{mentor} — {item} (due {date})")
            )
            text = template.format(
                mentor=i.mentor_name, item=i.description, date=fmt_date(i.due_date)
            )
        return Line(text, "note", i.note_id, warning=i.overdue)

    def _backup_line(
        self, last: attention.LastBackup | None, warning: attention.BackupWarning | None
    ) -> Line:
        # A missing or old USB backup is a warning that opens the Backup dialog ("backup").
        if warning is not None:
            return Line(warning.message, "backup", 0, warning=True)
        if last is None:
            return Line(self.tr("No verified USB backup yet."))
        age = (clock.now_utc() - last.at).days
        when = fmt_date(clock.to_local(last.at).date())
        if age == 0:
            text = self.tr("Last verified USB backup today ({date}).").format(date=when)
        elif age == 1:
            text = self.tr("Last verified USB backup yesterday ({date}).").format(date=when)
        else:
            text = self.tr("Last verified USB backup {n} days ago ({date}).").format(
                n=age, date=when
            )
        return Line(text)
