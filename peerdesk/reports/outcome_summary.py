"""The outcome summary: the page a director hands a funder.

Every figure comes from :mod:`peerdesk.core.outcomes` and is printed with its denominator.
The first page is for a board: the five headline figures beside the previous period and the
house's targets, a year-by-year trend, how complete the records are, a line for the grant
number and an attestation to sign. De-identified (the default), no person is
named or listed one by one (peer mentors appear only in the house's totals, and no exact stay
is printed), and a count of people from 1 to 4 is hidden with every figure it could be worked
out from (:mod:`peerdesk.reports.outcome_cells`); bars for hidden cells are left out of the
charts. Counts of sessions and hours are not counts of people and are printed as they are.
The identified version (``--identified``) prints exact counts and mentor names and carries the
confidentiality notice on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from peerdesk.core import vocab
from peerdesk.core.outcome_history import headline_checkpoint
from peerdesk.core.outcomes import MonthDose
from peerdesk.core.report_data import OutcomeSummaryData
from peerdesk.core.services._common import fmt_date
from peerdesk.reports import charts
from peerdesk.reports import outcome_tables as tables
from peerdesk.reports import styles as st
from peerdesk.reports.outcome_cells import HIDDEN, Cells
from peerdesk.reports.outcome_tables import FigureTable

# --------------------------------------------------------------------------- building blocks


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    align: Sequence[str] = (),
    bold_last: bool = False,
) -> Table:
    data: list[list[Any]] = [[Paragraph(st.markup(h), st.HEADER_CELL) for h in header]]
    for row in rows:
        data.append(
            [
                Paragraph(st.markup(cell), st.CELL_RIGHT if how == "RIGHT" else st.CELL)
                for cell, how in zip(row, align or ["LEFT"] * len(row), strict=True)
            ]
        )
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style = st.table_style() + st.zebra(1, len(data))
    if bold_last:
        style += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, st.ACCENT),
            ("BACKGROUND", (0, -1), (-1, -1), st.ACCENT_LIGHT),
        ]
    table.setStyle(style)
    return table


def _side_by_side(
    left: Flowable | list[Flowable],
    right: Flowable | list[Flowable],
    width: float,
    split: float = 0.5,
) -> Table:
    """Two blocks beside each other (a chart and its table); a list is stacked in its cell."""
    table = Table([[left, right]], colWidths=[width * split, width * (1 - split)], hAlign="LEFT")
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, 0), 12),
            ("RIGHTPADDING", (1, 0), (1, 0), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return table


def _tile(label: str, value: str, caption: str) -> list[Flowable]:
    return [
        Paragraph(st.markup(label.upper()), st.TILE_LABEL),
        Paragraph(st.markup(value), st.TILE_VALUE),
        Paragraph(st.markup(caption), st.TILE_CAPTION),
    ]


def _tiles(tiles: Sequence[list[Flowable]], width: float, per_row: int = 4) -> Table:
    """Key figures as tiles, ``per_row`` to a row, separated by white gutters."""
    rows = [list(tiles[i : i + per_row]) for i in range(0, len(tiles), per_row)]
    gap = 6
    table = Table(rows, colWidths=[width / per_row] * per_row, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("BACKGROUND", (0, 0), (-1, -1), st.ACCENT_LIGHT),
        ("LINEABOVE", (0, 0), (-1, -1), 2, st.ACCENT),
        # White gutters between the tiles (drawn over the shared cell edges).
        ("LINEAFTER", (0, 0), (-2, -1), gap, colors.white),
        ("LINEBELOW", (0, 0), (-1, -2), gap, colors.white),
    ]
    table.setStyle(style)
    return table


def _section(title: str, lead: str, first: Flowable) -> list[Flowable]:
    """A section's heading and lead kept on one page with its first block."""
    parts: list[Flowable] = [Paragraph(st.markup(title), st.H1)]
    if lead:
        parts.append(Paragraph(st.markup(lead), st.LEAD))
    return [KeepTogether([*parts, first])]


def _grid(table: FigureTable, widths: Sequence[float], *, bold_last: bool = False) -> Table:
    """A :class:`FigureTable` laid out: the first column left, the others right."""
    align = ["LEFT", *["RIGHT"] * (len(table.header) - 1)]
    return _table(table.header, table.rows, widths, align=align, bold_last=bold_last)


# --------------------------------------------------------------------------- the first page


def _front_page(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    """What a board member reads in a minute: the five headline figures beside the previous
    period and the house's targets, the trend, the grant line and how complete the records are."""
    period = data.figures.period
    previous = data.previous.period if data.previous is not None else None
    headline = tables.headline_table(data, cells)
    story: list[Flowable] = [
        Paragraph(
            st.markup(
                f"This period: {tables.period_text(period)} ({period.days} days), figures as of "
                f"{fmt_date(period.as_of)}."
                + (
                    f" Previous period: {tables.period_text(previous)}, as of its last day."
                    if previous is not None
                    else ""
                )
            ),
            st.BODY,
        ),
        Spacer(1, 4),
        _grid(headline, [150, (width - 330) / 2 + 40, (width - 330) / 2 + 40, 50, 50]),
    ]
    trend = tables.trend_table(data, cells)
    if trend is not None:
        story += [
            Spacer(1, 10),
            Paragraph("Year by year", st.H2),
            Paragraph(
                st.markup(
                    "Twelve-month years ending on the period's last day, each as its own summary "
                    "counted it on its last day (the first as of the report date)."
                ),
                st.SMALL,
            ),
            _grid(trend, [112, *([(width - 112) / 5] * 5)]),
        ]
    line = tables.completeness_line(data, cells)
    if line:
        story += [Spacer(1, 8), Paragraph(st.markup(line), st.SMALL)]
    story += [Spacer(1, 10), _grant_line(data, width), *_attestation(data, width)]
    return story


def _grant_line(data: OutcomeSummaryData, width: float) -> Table:
    grant = data.grant or " "
    table = Table(
        [
            [
                Paragraph("Grant or contract number", st.CELL_BOLD),
                Paragraph(st.markup(grant), st.CELL),
            ]
        ],
        colWidths=[130, width - 130],
        hAlign="LEFT",
    )
    table.setStyle(
        [("LINEBELOW", (1, 0), (1, 0), 0.6, st.MUTED), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
    )
    return table


def _attestation(data: OutcomeSummaryData, width: float) -> list[Flowable]:
    """A block the director signs: the figures are the house's records, counted as defined."""
    house = data.header.house_name
    lines = [
        [Paragraph(label, st.CELL_BOLD), Paragraph(" ", st.CELL)]
        for label in ("Signature", "Name", "Title", "Date")
    ]
    table = Table(lines, colWidths=[80, width * 0.55], rowHeights=[26] * len(lines), hAlign="LEFT")
    table.setStyle(
        [("LINEBELOW", (1, 0), (1, -1), 0.6, st.MUTED), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
    )
    return [
        KeepTogether(
            [
                Paragraph("Attestation", st.H2),
                Paragraph(
                    st.markup(
                        f"I attest that these figures were drawn by PeerDesk from the records "
                        f"of {house} for the period shown, counted as \u201cHow these figures are "
                        "counted\u201d sets out, and that to the best of my knowledge those "
                        "records are complete and accurate."
                    ),
                    st.BODY,
                ),
                Spacer(1, 4),
                table,
            ]
        )
    ]


# --------------------------------------------------------------------------- sections


def _key_figures(data: OutcomeSummaryData, cells: Cells, width: float) -> Table:
    figures = data.figures
    period = figures.period
    los = figures.length_of_stay
    t = figures.recovery_capital.threshold
    tiles = [
        _tile(
            "Residents served",
            cells.count("served"),
            f"{cells.count('admissions')} admissions, {cells.count('readmissions')} "
            "of them readmissions",
        ),
        _tile(
            "In residence",
            cells.count("at_as_of"),
            f"on {fmt_date(period.as_of)} ({cells.count('at_start')} on {fmt_date(period.start)})",
        ),
    ]
    day = headline_checkpoint(data.checkpoints)
    if day is not None:
        k = f"ret{day}."
        tiles.append(
            _tile(
                f"{day}-day retention",
                cells.percent(k + "retained", k + "eligible"),
                f"{cells.share(k + 'retained', k + 'eligible')} eligible admissions",
            )
        )
    hidden = cells.hidden("dis.total")
    tiles += [
        _tile(
            "Positive discharges",
            cells.percent("dis.class.positive", "dis.total"),
            f"{cells.share('dis.class.positive', 'dis.total')} discharges",
        ),
        _tile(
            "Median length of stay",
            tables.median_stay(los.median_days, cells).text,
            f"mean {'—' if hidden else tables.days(los.mean_days)} days, "
            f"{cells.count('dis.total')} discharges",
        ),
        _tile(
            "Exits to stable housing",
            cells.percent("hs.stable", "dis.total"),
            f"{cells.share('hs.stable', 'dis.total')} discharges",
        ),
        _tile(
            f"BARC-10 at or above {t}",
            cells.percent("barc.latest_at", "barc.paired"),
            f"{cells.share('barc.latest_at', 'barc.paired')} at their latest score;"
            f" {cells.share('barc.first_at', 'barc.paired')} at their first",
        ),
        _tile(
            "Peer support sessions",
            f"{figures.dose.sessions:,}",
            f"{tables.hours(figures.dose.hours)} hours; "
            + (
                f"{figures.dose.per_resident_month:.1f} per resident per month"
                if figures.dose.per_resident_month is not None
                else "nobody in residence"
            ),
        ),
    ]
    return _tiles(tiles, width)


def _retention(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    figures = data.figures
    checkpoints = figures.retention
    fractions: list[float | None] = []
    labels: list[str] = []
    for c in checkpoints:
        view = cells.view(f"c{c.days}.") if c.days in data.late_cohorts else cells
        k = f"ret{c.days}."
        if not view.value(k + "eligible"):
            fractions.append(0.0)
            labels.append("none yet")
        else:
            fractions.append(view.fraction(k + "retained", k + "eligible"))
            labels.append(view.percent(k + "retained", k + "eligible"))
    chart = charts.percent_bars(
        "Retained at day N",
        [str(c.days) for c in checkpoints],
        fractions,
        labels,
        width=width * 0.28,
        height=150,
    )
    table = tables.retention_table(data, cells)
    notes = [
        f"{cells.count('admissions')} admissions in the period. An admission is eligible once "
        "intake plus the checkpoint's days falls on or before the report date."
    ]
    if data.late_cohorts:
        notes.append(
            "Where no admission of the period has reached a checkpoint yet, the admissions "
            "that reached it during the period are counted instead: those admitted that many "
            "days before, in the dates shown."
        )
    story = _section(
        "Retention",
        "Of the admissions that had reached each checkpoint by "
        f"{fmt_date(figures.period.as_of)}, the share still in residence on that day or "
        "discharged with a positive outcome on or before it.",
        _side_by_side(
            chart,
            [_table(table.header, table.rows, [56, 128, 50, 50, 62, 50],
                    align=["LEFT", "LEFT", *["RIGHT"] * 4]), Spacer(1, 4),
             *(Paragraph(st.markup(n), st.SMALL) for n in notes)],
            width,
            0.3,
        ),
    )  # fmt: skip
    return story


def _discharges(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    figures = data.figures
    outcomes = figures.discharges
    reasons = [r for r, share in outcomes.by_reason if share.count or r.value != "other"]
    chart = charts.count_bars(
        "Discharges by reason",
        [r.label for r in reasons],
        [
            None if cells.hidden(f"dis.reason.{r.value}") else cells.value(f"dis.reason.{r.value}")
            for r in reasons
        ],
        [st.OUTCOME_COLOURS[r.default_outcome] for r in reasons],
        width=width * 0.5,
        height=42 + 17 * len(reasons),
        legend=[(st.OUTCOME_COLOURS[c], c.label) for c in vocab.OutcomeClass],
    )
    right: list[Flowable] = [
        _grid(tables.discharge_class_table(figures, cells), [100, 62, 52], bold_last=True),
        Spacer(1, 8),
        _grid(tables.stay_table(figures, cells), [100, 114]),
        Spacer(1, 3),
        Paragraph(
            "Bars are coloured by the class a reason usually has; the table counts each "
            "discharge in the class recorded for it.",
            st.SMALL,
        ),
    ]
    return _section(
        "Discharges and length of stay",
        f"{cells.count('dis.total')} discharges dated in the period, by reason and by "
        "outcome class.",
        _side_by_side(chart, right, width, 0.52),
    )


def _housing(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    return _section(
        "Housing stability",
        "Where residents discharged in the period went, beside where they came from. Stable "
        "means recovery housing or permanent housing.",
        _grid(tables.housing_table(cells), [width - 180, 110, 70]),
    )


def _scores(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    figures = data.figures
    capital = figures.recovery_capital
    change = capital.change
    hidden = cells.hidden("barc.paired")
    chart = charts.score_bars(
        "BARC-10, mean of first and latest scores",
        ["First score", "Latest score"],
        [None if hidden else change.first.value, None if hidden else change.latest.value],
        width=width * 0.4,
        height=150,
        low=10,
        high=60,
        threshold=capital.threshold,
        threshold_label=f"{capital.threshold}: marker of sustained remission",
    )
    note = Paragraph(
        st.markup("Residents scored only once in the period are not in the comparison."),
        st.SMALL,
    )
    story = _section(
        "Recovery capital and motivation",
        "Each resident's first score in the period against their latest, for residents scored "
        "on at least two different days.",
        _side_by_side(
            chart,
            [
                _grid(tables.recovery_capital_table(figures, cells), [150, 70, 56]),
                Spacer(1, 3),
                note,
            ],
            width,
            0.42,
        ),
    )
    story.append(Spacer(1, 8))
    story.append(
        KeepTogether(
            [
                Paragraph("Motivation (readiness ruler, 0–10)", st.H2),
                _grid(tables.motivation_table(figures, cells), [width - 210, 120, 90]),
                Spacer(1, 2),
                Paragraph(
                    st.markup(
                        f"From {figures.motivation.scores:,} ratings: readiness assessments and "
                        "the ruler asked at peer support sessions. Several on one day count as "
                        "that day's average."
                    ),
                    st.SMALL,
                ),
            ]
        )
    )
    return story


def _satisfaction(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    table = tables.satisfaction_table(data.figures, cells)
    story = _section(
        "Satisfaction",
        "Every satisfaction rating (1 = very unhappy, 5 = very happy) given in the period, at "
        "sessions and in assessments.",
        _grid(table, [60, *([(width - 60 - 150) / 5] * 5), 80, 70]),
    )
    story.append(
        Paragraph(st.markup(f"Given by {cells.count('sat.residents')} residents."), st.SMALL)
    )
    return story


def _buckets(months: Sequence[MonthDose]) -> list[tuple[str, list[MonthDose]]]:
    """Months as they are for up to two years, else quarters (up to five years), else years."""
    if len(months) <= 24:
        return [(f"{m.month:%b %y}", [m]) for m in months]
    per = 3 if len(months) <= 60 else 12
    buckets: dict[str, list[MonthDose]] = {}
    for m in months:
        key = f"Q{(m.month.month - 1) // 3 + 1} {m.month:%y}" if per == 3 else f"{m.month:%Y}"
        buckets.setdefault(key, []).append(m)
    return list(buckets.items())


def _dose(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    figures = data.figures
    dose = figures.dose
    lead = (
        f"{dose.sessions:,} sessions ({tables.hours(dose.hours)} hours of mentors' time) with "
        f"{dose.attendances:,} attendances ({tables.hours(dose.attendee_hours)} resident hours), "
        f"reaching {cells.count('dose.reached')} residents. "
        + (
            f"On average each resident attended {dose.per_resident_month:.1f} sessions per "
            f"month in residence ({dose.attendances:,} attendances over "
            f"{dose.resident_months:,.1f} resident-months)."
            if dose.per_resident_month is not None
            else ""
        )
    )
    buckets = _buckets(dose.by_month)
    series = [
        (
            support.label,
            [sum(dict(m.by_type)[support] for m in months) for _, months in buckets],
        )
        for support in vocab.SupportType
    ]
    unit = (
        "month" if len(dose.by_month) <= 24 else ("quarter" if len(dose.by_month) <= 60 else "year")
    )
    story = _section(
        "Peer support delivered",
        lead,
        charts.grouped_bars(
            f"Sessions by support type, per {unit}",
            [label for label, _ in buckets],
            series,
            width=width,
            height=185,
        ),
    )
    story.append(
        Paragraph(
            "A session gives one or more of the four SAMHSA types of peer support and is "
            "counted under each it gave.",
            st.SMALL,
        )
    )
    story.append(Spacer(1, 6))
    by_type, by_format, _by_month, *by_mentor = tables.support_tables(figures, cells)
    half = (width - 12) / 2
    widths = [half - 150, 50, 45, 55]
    story.append(
        _side_by_side(_grid(by_type, widths), _grid(by_format, widths, bold_last=True), width)
    )
    if by_mentor:  # identified only
        # A long list (a house with years of staff turnover) may run over the page; its
        # header row repeats, and the heading stays with the first rows.
        story += [
            Spacer(1, 8),
            CondPageBreak(90),
            Paragraph("By peer mentor", st.H2),
            _grid(by_mentor[0], [width - 200, 60, 60, 80]),
        ]
    return story


def _supervision(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    figures = data.figures
    sup = figures.supervision
    period = figures.period
    found = tables.supervision_tables(figures, cells)
    if not cells.identified:
        return _section(
            "Supervision and training of peer mentors",
            "The house's totals, for every peer mentor who worked with the house in the period; "
            "the identified summary has one row per mentor.",
            _grid(found[0], [300, 90]),
        )
    mentors, credentials = found
    first: Flowable = (
        _table(
            mentors.header,
            mentors.rows,
            [width - 372, 70, 44, 70, 54, 60, 74],
            align=["LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "LEFT", "RIGHT"],
        )
        if mentors.rows
        else st.paragraph("No peer mentor worked with the house in the period.", st.BODY)
    )
    story = _section(
        "Supervision and training of peer mentors",
        f"Every peer mentor who worked with the house in the period, whatever they do now; "
        f"supervision notes dated in the period; the last supervision and the overdue flag as "
        f"of {fmt_date(period.as_of)} (or the mentor's last day, if earlier); training in the "
        f"12 months up to that date. {sup.overdue.count} of {sup.overdue.of} peer mentors "
        "overdue.",
        first,
    )
    story.append(Spacer(1, 6))
    if credentials.rows:
        story.append(
            KeepTogether(
                [
                    Paragraph(credentials.title, st.H2),
                    _table(credentials.header, credentials.rows, [width - 330, 190, 70, 70]),
                ]
            )
        )
    else:
        story.append(
            st.paragraph(
                f"No credential has expired or expires within {sup.warning_days} days.", st.BODY
            )
        )
    return story


def _people(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    """Who was served and their answers at entry and exit: one small table per question, two
    to a row, from the same rows as the CSV file."""
    table = tables.people_table(data, cells)
    if table is None:
        return []
    blocks: list[Flowable] = []
    half = (width - 12) / 2
    by_question: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for group, question, answer, count, share in table.rows:
        by_question.setdefault((group, question), []).append((answer, count, share))
    for (group, question), rows in by_question.items():
        blocks.append(
            _table(
                [f"{question} (of the {group})", "Count", "Share"],
                rows,
                [half - 100, 50, 50],
                align=["LEFT", "RIGHT", "RIGHT"],
            )
        )
    pairs: list[Flowable] = []
    for i in range(0, len(blocks), 2):
        right: Flowable = blocks[i + 1] if i + 1 < len(blocks) else Spacer(1, 1)
        pairs += [_side_by_side(blocks[i], right, width), Spacer(1, 8)]
    story = _section(
        "Who was served",
        "The answers funders ask for: of the residents served, as answered at their latest "
        "stay in the period; of the admissions, at entry; of the discharges, at entry and at "
        "exit. A stay never asked counts as unknown.",
        pairs[0],
    )
    return story + pairs[1:]


def _follow_up(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    table = tables.follow_up_table(data, cells)
    if table is None:
        return []
    return _section(
        "Follow-up after discharge",
        "The contacts about 6 and 12 months after a stay ended (deaths left out) whose time "
        "fell in the period: how many were contacted and reached; of those reached, how many "
        "lived in stable housing, were in recovery and were employed.",
        _grid(table, [70, 40, *([(width - 110) / 5] * 5)]),
    )


def _comparison(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    table = tables.comparison_table(data, cells)
    if table is None:
        return []
    return _section(
        "Compared with the previous period",
        "Each figure beside the same figure for the period of the same length just before, "
        "as that period's own summary counted it on its last day.",
        _grid(table, [width - 300, 150, 150]),
    )


def _completeness(data: OutcomeSummaryData, cells: Cells, width: float) -> list[Flowable]:
    if data.completeness is None:
        return []
    return _section(
        "Records behind the figures",
        "A figure is only as good as the records it counts: how many lack a field it rests on. "
        "A missing living situation at exit counts as not stable.",
        _grid(tables.completeness_table(data, cells), [width - 270, 110, 80, 80]),
    )


DEFINITIONS = (
    ("Period", "Both dates included. Admissions are stays: a readmission is a new admission."),
    (
        "In residence",
        "Admitted on or before the day and not discharged by it; the discharge day itself "
        "does not count.",
    ),
    (
        "Previous period and trend",
        "The previous period has the same number of days and ends the day before this one; "
        "each twelve-month year of the trend ends on this period's last day or a year before "
        "it. Each is counted as its own summary counted it on its last day.",
    ),
    (
        "Retention at N days",
        "Of admissions in the period whose intake plus N days is on or before the report "
        "date: still in residence on day N, or discharged with a positive outcome on or "
        "before day N. Where no admission of the period has reached day N, those admitted N "
        "days before the period, up to N days before the report date, are counted instead.",
    ),
    (
        "Length of stay",
        "Discharge date minus intake date, over discharges dated in the period. With an even "
        "count the median is the mean of the two middle stays.",
    ),
    (
        "Score changes",
        "A resident's latest score in the period minus their first, for residents scored on "
        "two different days; several scores on one day count as their average.",
    ),
    (
        "Peer support",
        "Sessions voided as mistakes are never counted. Sessions per resident per month: "
        "attendances divided by resident-months: days in residence over 30.4375 (a year's "
        "365.25 days over 12).",
    ),
    (
        "Follow-up",
        "Due when 182 or 365 days after a discharge (not a death) falls in the period, up to "
        "the report date; contacted when a follow-up, reached or not, is recorded by then.",
    ),
    (
        "Targets",
        "The house's own, from House settings: met when the figure as printed (a whole "
        "percentage, or days) is at or above the target; a hidden figure is neither.",
    ),
    (
        "Small numbers",
        f"In the de-identified summary a count of 1 to 4 people (residents or peer mentors) is "
        f"shown as {HIDDEN}, and so is every other count it could be worked out from (a total "
        "less the rest, a percentage, the same count in another table or another period), with "
        "the percentages and averages built on them. A hidden count of 5 or more looks the "
        "same, so none can be told apart. Peer mentors appear only in the house's totals, and "
        "no single stay is printed.",
    ),
)


def _definitions(width: float) -> list[Flowable]:
    return [
        KeepTogether(
            [
                Paragraph("How these figures are counted", st.H1),
                st.label_value_table(list(DEFINITIONS), (110, width - 110)),
            ]
        )
    ]


def outcome_summary_story(data: OutcomeSummaryData, width: float) -> list[Flowable]:
    cells = Cells.of(data)
    mode = (
        "Identified: exact counts and peer mentors' names. Keep it with the house's confidential "
        "records."
        if data.identified
        else f"De-identified: no resident or peer mentor is named or listed one by one; a count "
        f"of 1 to 4 people, and any figure it could be worked out from, is shown as {HIDDEN}."
    )
    story: list[Flowable] = [
        Paragraph("Outcome summary", st.TITLE),
        Paragraph(st.markup(data.header.house_name), st.SUBTITLE),
        *_front_page(data, cells, width),
        Spacer(1, 4),
        Paragraph(st.markup(mode), st.SMALL),
        PageBreak(),
        Paragraph("Key figures", st.H1),
        _key_figures(data, cells, width),
    ]
    sections = (_retention, _discharges, _housing, _scores, _satisfaction, _people, _follow_up,
                _dose, _supervision, _comparison, _completeness)  # fmt: skip
    for section in sections:
        story += section(data, cells, width)
    story += _definitions(width)
    return story


def render_outcome_summary(
    out: BinaryIO, data: OutcomeSummaryData, progress: st.Progress | None = None
) -> None:
    """The outcome summary for a period, with charts, every figure with its denominator."""
    st.build_pdf(
        out,
        data.header,
        outcome_summary_story(data, st.frame_width(data.header)),
        progress=progress,
    )
