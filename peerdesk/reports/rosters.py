"""The resident roster (the office wall, the headcount) and the peer mentor roster."""

from __future__ import annotations

from typing import Any, BinaryIO

from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from peerdesk.core import report_data
from peerdesk.core.report_data import MentorRosterData, RosterData, RosterGrouping
from peerdesk.core.services._common import fmt_date
from peerdesk.reports import styles as st


def _widths(total: float, fixed: dict[str, float], flexible: dict[str, float]) -> dict[str, float]:
    """Column widths: the fixed ones as given, the rest share what is left by weight."""
    left = total - sum(fixed.values())
    weight = sum(flexible.values())
    return fixed | {name: left * share / weight for name, share in flexible.items()}


def roster_story(data: RosterData, width: float) -> list[Flowable]:
    by_room = data.options.group_by == RosterGrouping.ROOM
    contacts = data.options.contacts
    fixed = {"tick": 20.0, "room": 50.0, "intake": 62.0, "days": 34.0}
    flexible = {"name": 3.0, "mentor": 2.0}
    if by_room:
        fixed["phase"] = 52.0
    if contacts:
        fixed["phone"] = 82.0
        flexible["contact"] = 3.2
    w = _widths(width, fixed, flexible)
    columns = [("tick", "", "CENTER"), ("name", "Resident", "LEFT")]
    columns.append(("room", "Room", "LEFT"))
    if by_room:
        columns.append(("phase", "Phase", "LEFT"))
    columns += [
        ("intake", "Intake", "LEFT"),
        ("days", "Days", "RIGHT"),
        ("mentor", "Mentor", "LEFT"),
    ]
    if contacts:
        columns += [("phone", "Phone", "LEFT"), ("contact", "Emergency contact", "LEFT")]

    rows: list[Any] = []
    for group in data.groups:
        count = len(group.rows)
        rows.append(st.GroupRow(f"{group.label}  ·  {count} resident{'s' if count != 1 else ''}"))
        for r in group.rows:
            cells = {
                "tick": "",
                "name": r.name,
                "room": " ".join(p for p in (r.room, r.bed) if p),
                "phase": r.phase_short,
                "intake": fmt_date(r.intake_date),
                "days": str(r.days_in_program),
                "mentor": r.mentor,
                "phone": r.phone,
                "contact": r.emergency_contact,
            }
            rows.append([cells[key] for key, _, _ in columns])

    story: list[Flowable] = []
    summary = "  ·  ".join(f"{g.label} {len(g.rows)}" for g in data.groups)
    story.append(
        st.paragraph(
            f"{data.total} resident{'s' if data.total != 1 else ''} in residence on "
            f"{fmt_date(data.as_of)}" + (f":  {summary}" if data.groups and not by_room else "."),
            st.BODY,
        )
    )
    story.append(Spacer(1, 4))
    if not rows:
        story.append(st.paragraph("Nobody is in residence today.", st.BODY))
        return story
    story.append(
        st.PagedTable(
            [title for _, title, _ in columns],
            rows,
            [w[key] for key, _, _ in columns],
            align=[how for _, _, how in columns],
            tick_column=0,
        )
    )
    story.append(Spacer(1, 10))
    story.append(
        st.label_value_table(
            [
                ("Total in residence", str(data.total)),
                ("Counted present", "________"),
                ("Counted by", "______________________"),
                ("Date and time", "______________________"),
            ],
            (90, 140),
            columns=2,
        )
    )
    return story


def render_roster(out: BinaryIO, data: RosterData, progress: st.Progress | None = None) -> None:
    """The resident roster: everyone in residence, by phase or by room, with a tick column."""
    st.build_pdf(
        out,
        data.header,
        roster_story(data, st.frame_width(data.header, wide=data.options.contacts)),
        wide=data.options.contacts,
        progress=progress,
    )


# --------------------------------------------------------------------------- mentors


def _credential_cell(line: report_data.CredentialLine, data: MentorRosterData) -> str:
    name = st.markup(line.name)
    number = f"{st.markup(line.number)} · " if line.number else ""
    if line.expires_on is None:
        return f"{name}<br/>{number}<font color='#52606D'>no expiry</font>"
    when = fmt_date(line.expires_on)
    if line.expired:
        state = f"<font color='#9B1C1C'><b>EXPIRED {when}</b></font>"
    elif line.expiring:
        days = (line.expires_on - data.as_of).days
        state = f"<font color='#B45309'><b>expires in {days} days ({when})</b></font>"
    else:
        state = f"expires {when}"
    return f"{name}<br/>{number}{state}"


def mentor_roster_story(data: MentorRosterData, width: float) -> list[Flowable]:
    w = _widths(
        width,
        {"start": 60.0, "caseload": 50.0, "training": 48.0, "last": 64.0, "status": 70.0},
        {"mentor": 1.1, "credentials": 2.0},
    )
    header = [
        Paragraph(text, st.HEADER_CELL)
        for text in (
            "Peer mentor",
            "Started",
            "Caseload",
            "Credentials",
            "Training, 12 mo",
            "Last supervision",
            "Supervision",
        )
    ]
    data_rows: list[list[Any]] = [header]
    for row in data.rows:
        who = f"<b>{st.markup(row.name)}</b><br/><font size='7' color='#52606D'>"
        who += st.markup(row.role_title)
        if row.supervisor_name:
            who += f" · supervised by {st.markup(row.supervisor_name)}"
        who += "</font>"
        credentials = "<br/>".join(_credential_cell(c, data) for c in row.credentials)
        if row.last_supervision is None:
            last = "none recorded"
        else:
            last = f"{fmt_date(row.last_supervision)}<br/><font size='7' color='#52606D'>"
            last += f"{row.days_since_supervision} days ago</font>"
        if not row.active:
            left = f"<br/>since {fmt_date(row.end_date)}" if row.end_date else ""
            status = f"<font color='#52606D'><b>Inactive</b>{left}</font>"
            if row.last_supervision is not None:
                last = fmt_date(row.last_supervision)
        elif row.overdue:
            status = "<font color='#9B1C1C'><b>Overdue</b></font><br/>"
            status += f"<font size='6.5'>{st.markup(row.overdue_reason)}</font>"
        else:
            status = "<font color='#2F7D6B'><b>On track</b></font>"
        data_rows.append(
            [
                Paragraph(who, st.CELL),
                Paragraph(fmt_date(row.start_date), st.CELL),
                Paragraph(str(row.caseload), st.CELL_RIGHT),
                Paragraph(credentials or "<font color='#9B1C1C'>none recorded</font>", st.CELL),
                Paragraph(f"{row.training_hours:.1f} h", st.CELL_RIGHT),
                Paragraph(last, st.CELL),
                Paragraph(status, st.CELL),
            ]
        )
    keys = ("mentor", "start", "caseload", "credentials", "training", "last", "status")
    table = Table(data_rows, colWidths=[w[k] for k in keys], repeatRows=1)
    style = st.table_style() + st.zebra(1, len(data_rows))
    style += [("VALIGN", (0, 1), (-1, -1), "TOP"), ("TOPPADDING", (0, 1), (-1, -1), 4)]
    style += [("BOTTOMPADDING", (0, 1), (-1, -1), 4)]
    table.setStyle(style)
    active = [r for r in data.rows if r.active]
    expiring = sum(1 for r in active for c in r.credentials if c.expired or c.expiring)
    overdue = sum(1 for r in active if r.overdue)
    story: list[Flowable] = [
        st.paragraph(
            f"{len(active)} active peer mentor{'s' if len(active) != 1 else ''} caring for "
            f"{sum(r.caseload for r in active)} residents on {fmt_date(data.as_of)}; "
            f"{overdue} overdue for supervision; {expiring} credential"
            f"{'s' if expiring != 1 else ''} expired or expiring within "
            f"{data.warning_days} days.",
            st.BODY,
        ),
        Spacer(1, 4),
        table,
        Spacer(1, 8),
        st.paragraph(
            "Caseload: the residents in residence assigned to the mentor. Training counts "
            "continuing education in the last 12 months. A mentor is overdue when the last 30 "
            "days had fewer supervisions than the house's rule, or none long enough.",
            st.SMALL,
        ),
    ]
    if not data.rows:
        story[2] = st.paragraph("No peer mentors are recorded yet.", st.BODY)
    return story


def render_mentor_roster(
    out: BinaryIO, data: MentorRosterData, progress: st.Progress | None = None
) -> None:
    """The peer mentor roster: role, caseload, credentials, training and supervision."""
    st.build_pdf(
        out, data.header, mentor_roster_story(data, st.frame_width(data.header)), progress=progress
    )
