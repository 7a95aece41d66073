"""Paper that travels: the group sign-in sheet, the supervision log and resident face sheets."""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from peerdesk.core import dto, vocab
from peerdesk.core.report_data import (
    FaceSheet,
    FaceSheetData,
    MentorLog,
    SignInData,
    SupervisionLogData,
)
from peerdesk.core.services._common import fmt_date
from peerdesk.reports import styles as st

# --------------------------------------------------------------------------- sign-in sheet


def sign_in_story(data: SignInData, width: float) -> list[Flowable]:
    facilitator = data.facilitator or "_" * 34
    details = [
        ("Date", fmt_date(data.session_date)),
        ("Facilitator", facilitator),
        ("Start and end time", "__________  to  __________"),
    ]
    if data.phase:
        details.insert(1, ("Phase", data.phase))
    story: list[Flowable] = [
        Paragraph(st.markup(data.title), st.TITLE),
        Spacer(1, 2),
        st.label_value_table(details, (95, width / 2 - 95), columns=2),
        Spacer(1, 6),
        st.paragraph(
            "Please sign beside your name as you arrive. If your name is not printed, write it "
            "on a blank line.",
            st.SMALL,
        ),
        Spacer(1, 2),
    ]
    fixed = {"number": 24.0, "room": 46.0, "time": 56.0}
    rest = width - sum(fixed.values())
    widths = [fixed["number"], rest * 0.42, fixed["room"], rest * 0.58, fixed["time"]]
    rows: list[Any] = [
        [str(n), person.name, " ".join(p for p in (person.room, person.bed) if p), "", ""]
        for n, person in enumerate(data.expected, start=1)
    ]
    first_blank = len(rows) + 1
    rows += [[str(n), "", "", "", ""] for n in range(first_blank, first_blank + data.blank_rows)]
    if rows:
        story.append(
            st.PagedTable(
                ["No.", "Name", "Room", "Signature", "Time"],
                rows,
                widths,
                align=["RIGHT", "LEFT", "LEFT", "LEFT", "LEFT"],
                row_height=22,
                font_size=9,
                extra_style=[
                    ("LINEAFTER", (0, 0), (-2, -1), 0.25, st.RULE),
                    ("TEXTCOLOR", (0, 1), (0, -1), st.MUTED),
                ],
            )
        )
    story += [
        Spacer(1, 10),
        st.label_value_table(
            [
                ("Expected", str(len(data.expected))),
                ("Present", "________"),
                ("Facilitator's signature", "______________________________"),
            ],
            (110, 200),
        ),
    ]
    return story


def render_sign_in(out: BinaryIO, data: SignInData, progress: st.Progress | None = None) -> None:
    """A group sign-in sheet: the expected residents pre-printed, then blank rows."""
    st.build_pdf(
        out, data.header, sign_in_story(data, st.frame_width(data.header)), progress=progress
    )


# --------------------------------------------------------------------------- supervision log


def _note_block(note: dto.SupervisionNote, width: float, today: dt.date) -> Flowable:
    domains = ", ".join(d.label for d in note.domains) or "—"
    head = Table(
        [
            [
                Paragraph(f"<b>{fmt_date(note.note_date)}</b>", st.CELL),
                Paragraph(st.markup(note.kind.label), st.CELL_BOLD),
                Paragraph(f"{note.duration_minutes} minutes", st.CELL),
                Paragraph(f"Supervisor: {st.markup(note.supervisor_name)}", st.CELL),
            ]
        ],
        colWidths=[70, width * 0.34, 62, width - 132 - width * 0.34],
    )
    head.setStyle(
        [
            ("BACKGROUND", (0, 0), (-1, -1), st.ACCENT_LIGHT),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    parts: list[Flowable] = [
        head,
        Spacer(1, 3),
        Paragraph(f"<font color='#52606D'>Domains discussed:</font> {st.markup(domains)}", st.CELL),
        Spacer(1, 2),
        Paragraph(st.markup(note.summary), st.BODY),
    ]
    if note.action_items:
        items: list[list[Any]] = [
            [
                Paragraph("Action item", st.HEADER_CELL),
                Paragraph("Due", st.HEADER_CELL),
                Paragraph("State", st.HEADER_CELL),
            ]
        ]
        for item in note.action_items:
            if item.done_on is not None:
                state = f"<font color='#2F7D6B'><b>Done</b></font> {fmt_date(item.done_on)}"
            elif item.due_date is not None and item.due_date < today:
                state = "<font color='#B45309'><b>Open, overdue</b></font>"
            else:
                state = "Open"
            items.append(
                [
                    Paragraph(st.markup(item.description), st.CELL),
                    Paragraph(fmt_date(item.due_date) if item.due_date else "—", st.CELL),
                    Paragraph(state, st.CELL),
                ]
            )
        table = Table(items, colWidths=[width - 170, 70, 100])
        table.setStyle([*st.table_style(), ("VALIGN", (0, 1), (-1, -1), "TOP")])
        parts += [Spacer(1, 2), table]
    if note.acknowledged_on is not None:
        ack = (
            f"Acknowledged in PeerDesk on {fmt_date(note.acknowledged_on)}"
            f" by {st.markup(note.acknowledged_by or '')}."
        )
    else:
        ack = "<font color='#B45309'>Not yet acknowledged in PeerDesk.</font>"
    parts += [Spacer(1, 4), Paragraph(ack, st.CELL_MUTED), Spacer(1, 8)]
    line = "_" * 30
    signatures = Table(
        [
            [
                Paragraph(f"{line}<br/><font size='6.5'>Peer mentor's signature</font>", st.CELL),
                Paragraph(f"{'_' * 12}<br/><font size='6.5'>Date</font>", st.CELL),
                Paragraph(f"{line}<br/><font size='6.5'>Supervisor's signature</font>", st.CELL),
                Paragraph(f"{'_' * 12}<br/><font size='6.5'>Date</font>", st.CELL),
            ]
        ],
        colWidths=[width * 0.34, width * 0.16, width * 0.34, width * 0.16],
    )
    signatures.setStyle(
        [("LEFTPADDING", (0, 0), (-1, -1), 0), ("TEXTCOLOR", (0, 0), (-1, -1), st.MUTED)]
    )
    parts += [signatures, Spacer(1, 12)]
    return KeepTogether(parts)


def _mentor_heading(log: MentorLog, width: float) -> list[Flowable]:
    hours = f"{log.hours:.1f}".rstrip("0").rstrip(".")
    facts = f"{st.plural(len(log.notes), 'supervision')}, {hours} hours"
    if log.supervisor_name:
        facts += f" · supervisor on file: {log.supervisor_name}"
    return [
        CondPageBreak(150),
        Paragraph(st.markup(log.name), st.H1),
        st.paragraph(f"{log.role_title} · {facts}", st.SMALL),
        Spacer(1, 4),
    ]


def supervision_log_story(data: SupervisionLogData, width: float) -> list[Flowable]:
    notes = sum(len(m.notes) for m in data.mentors)
    story: list[Flowable] = [
        st.paragraph(
            f"{st.plural(notes, 'supervision note')} from {fmt_date(data.period.start)}"
            f" to {fmt_date(data.period.end)}"
            + ("" if data.one_mentor else f", for {len(data.mentors)} peer mentors")
            + ". Voided notes are left out. Each note has lines for the peer mentor and the "
            "supervisor to sign.",
            st.BODY,
        )
    ]
    for log in data.mentors:
        story += _mentor_heading(log, width)
        if not log.notes:
            story.append(st.paragraph("No supervision recorded in this period.", st.BODY))
        for note in log.notes:
            story.append(_note_block(note, width, data.header.generated_at.date()))
    if not data.mentors:
        story.append(st.paragraph("No supervision was recorded in this period.", st.BODY))
    return story


def render_supervision_log(
    out: BinaryIO, data: SupervisionLogData, progress: st.Progress | None = None
) -> None:
    """Every supervision note in the period with action items and lines to sign."""
    st.build_pdf(
        out,
        data.header,
        supervision_log_story(data, st.frame_width(data.header)),
        progress=progress,
    )


# --------------------------------------------------------------------------- face sheet

MAX_HISTORY_ROWS = 8


def _history_table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    data: list[list[Any]] = [[Paragraph(h, st.HEADER_CELL) for h in header]]
    data += [[Paragraph(st.markup(c), st.CELL) for c in row] for row in rows]
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(st.table_style() + st.zebra(1, len(data)))
    return table


# The widest a question's label grows before it wraps ("Medication for opioid use disorder
# at entry" takes two lines, so every answer keeps one).
ANSWER_LABEL_WIDTH = 95


def _answers_table(pairs: tuple[tuple[str, str], ...], width: float) -> Table:
    """Questions and answers in two columns, each label column as wide as its labels and
    the answers sharing the rest, so a four-row table holds eight answers on one line each."""
    rows = -(-len(pairs) // 2)
    halves = [pairs[:rows], pairs[rows:]]
    labels = [
        min(ANSWER_LABEL_WIDTH, max(st.text_width(q, 7.5) for q, _ in half)) + 8 for half in halves
    ]
    value = (width - sum(labels)) / 2
    data: list[list[Any]] = []
    for r in range(rows):
        line: list[Any] = []
        for half in halves:
            question, answer = half[r] if r < len(half) else ("", "")
            line += [
                Paragraph(st.markup(question), st.CELL_MUTED),
                Paragraph(st.markup(answer), st.CELL),
            ]
        data.append(line)
    table = Table(data, colWidths=[labels[0], value, labels[1], value], hAlign="LEFT")
    table.setStyle(st.QUIET_TABLE)
    return table


def _face_sheet(sheet: FaceSheet, width: float, as_of: dt.date) -> list[Flowable]:
    r = sheet.resident
    stay = r.current_stay
    status = "In residence" if r.status == vocab.ResidentStatus.ACTIVE else "Discharged"
    born = fmt_date(r.date_of_birth) if r.date_of_birth else ""
    if born and sheet.age is not None:
        born += f" (age {sheet.age})"
    days = f"{stay.days(as_of)} days" if stay else ""
    contact = " · ".join(p for p in (r.emergency_contact_name, r.emergency_contact_phone) if p)
    details = [
        ("Preferred name", r.preferred_name),
        ("Date of birth", born),
        ("Phone", r.phone),
        ("Emergency contact", contact),
        ("Room and bed", " ".join(p for p in (r.room, r.bed) if p)),
        ("Status", status),
        ("Current phase", sheet.phase_name),
        ("Peer mentor", r.mentor_name),
        ("Intake", fmt_date(stay.intake_date) if stay else ""),
        ("Days in program", days),
        ("Referred by", stay.referral_source if stay else ""),
        ("Living situation at intake", sheet.intake_situation),
    ]
    if stay is not None and stay.discharge_date is not None:
        reason = stay.discharge_reason.label if stay.discharge_reason else ""
        details += [
            ("Discharged", f"{fmt_date(stay.discharge_date)} · {reason}"),
            ("Left to", sheet.exit_situation),
        ]
    half = width / 2
    story: list[Flowable] = [
        Paragraph(st.markup(r.name), st.TITLE),
        st.paragraph(
            f"{status} · {sheet.phase_name or 'no phase recorded'} · face sheet as of "
            f"{fmt_date(as_of)}",
            st.SUBTITLE,
        ),
        st.label_value_table(details, (112, half - 112), columns=2),
    ]
    # The funders' answers of the current stay, for the file and to fill in what is missing.
    story += [Paragraph("For funders' reports (this stay)", st.H2)]
    if sheet.answers:
        story.append(_answers_table(sheet.answers, width))
    else:
        story.append(st.paragraph("No answers recorded for this stay.", st.BODY))
    # Stays, newest first.
    stays = list(reversed(r.stays))
    story += [Paragraph("Stays", st.H2)]
    stay_rows = [
        [
            fmt_date(s.intake_date),
            fmt_date(s.discharge_date) if s.discharge_date else "in residence",
            s.discharge_reason.label if s.discharge_reason else "",
            s.discharge_outcome.label if s.discharge_outcome else "",
            str(s.days(as_of)),
        ]
        for s in stays[:MAX_HISTORY_ROWS]
    ]
    story.append(
        _history_table(
            ["Intake", "Discharge", "Reason", "Outcome", "Days"],
            stay_rows,
            [75, 75, width - 75 * 2 - 80 - 45, 80, 45],
        )
    )
    if len(stays) > MAX_HISTORY_ROWS:
        story.append(
            st.paragraph(f"… and {len(stays) - MAX_HISTORY_ROWS} earlier stays.", st.SMALL)
        )
    # Phase history, newest first, voided changes left out.
    changes = [c for c in reversed(r.phase_history) if not c.voided]
    story += [Paragraph("Phase history", st.H2)]
    if changes:
        story.append(
            _history_table(
                ["From", "Phase", "Note"],
                [[fmt_date(c.from_date), c.phase_name, c.note] for c in changes[:MAX_HISTORY_ROWS]],
                [75, 150, width - 225],
            )
        )
        if len(changes) > MAX_HISTORY_ROWS:
            story.append(
                st.paragraph(f"… and {len(changes) - MAX_HISTORY_ROWS} earlier changes.", st.SMALL)
            )
    else:
        story.append(st.paragraph("No phase recorded.", st.BODY))
    # Latest assessments of this stay.
    story += [Paragraph("Latest assessments (this stay)", st.H2)]
    if sheet.latest:
        rows = []
        for score in sheet.latest:
            if score.instrument == vocab.Instrument.LIVING_SITUATION:
                value = score.living_situation
            else:
                value = str(score.score) if score.score is not None else ""
                if score.instrument == vocab.Instrument.BARC10 and score.score is not None:
                    mark = "at or above" if score.score >= vocab.BARC10_THRESHOLD else "below"
                    value += f" ({mark} {vocab.BARC10_THRESHOLD})"
            first = ""
            if score.first_score is not None and score.first_on is not None:
                first = f"{score.first_score} on {fmt_date(score.first_on)}"
            rows.append([score.instrument.label, fmt_date(score.assessed_on), value, first])
        story.append(
            _history_table(
                ["Instrument", "Date", "Latest", "First this stay"],
                rows,
                [150, 75, width - 150 - 75 - 130, 130],
            )
        )
    else:
        story.append(st.paragraph("No assessments recorded in this stay.", st.BODY))
    last = fmt_date(sheet.last_session) if sheet.last_session else "none"
    story += [
        Paragraph("Peer support", st.H2),
        st.paragraph(
            f"{st.plural(sheet.sessions_last_30_days, 'session')} attended in the last 30 days;"
            f" last session attended: {last}.",
            st.BODY,
        ),
    ]
    return story


def face_sheets_story(data: FaceSheetData, width: float) -> list[Flowable]:
    story: list[Flowable] = []
    for index, sheet in enumerate(data.sheets):
        if index:
            story.append(PageBreak())
        # One page for each resident, however long their history: a sheet that would run
        # over is drawn a little smaller instead.
        story.append(KeepInFrame(0, 0, _face_sheet(sheet, width, data.as_of), mode="shrink"))
    if not data.sheets:
        story.append(st.paragraph("Nobody is in residence today.", st.BODY))
    return story


def render_face_sheets(
    out: BinaryIO, data: FaceSheetData, progress: st.Progress | None = None
) -> None:
    """One page per resident: details, funders' answers, stays, phase history, mentor,
    latest assessments."""
    st.build_pdf(
        out, data.header, face_sheets_story(data, st.frame_width(data.header)), progress=progress
    )
