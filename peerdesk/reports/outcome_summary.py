"""The outcome summary: the page a director hands a funder.

Every figure comes from :mod:`peerdesk.core.outcomes` and is printed with its denominator.
De-identified (the default), no person is named or listed one by one (peer mentors appear
only in the house's totals, and no exact stay is printed), and any count of people from 1 to 4
is printed "<5", as is every percentage or mean built on such a count; bars for those cells are
left out of the charts. Counts of sessions and hours are not counts
of people and are printed as they are. The identified version (``--identified``) prints exact
counts and mentor names and carries the confidentiality notice on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from peerdesk.core import vocab
from peerdesk.core.outcomes import Mean, MonthDose, OutcomeFigures, Share
from peerdesk.core.report_data import OutcomeSummaryData
from peerdesk.core.services._common import fmt_date
from peerdesk.reports import charts
from peerdesk.reports import styles as st

SMALL_CELL = 5  # counts of people below this (and above zero) are not printed


class Cells:
    """How a number is printed: exactly when identified, with small cells hidden when not."""

    def __init__(self, identified: bool) -> None:
        self.identified = identified

    def hidden(self, n: int) -> bool:
        return not self.identified and 0 < n < SMALL_CELL

    def count(self, n: int) -> str:
        return charts.SUPPRESSED if self.hidden(n) else f"{n:,}"

    def share_hidden(self, share: Share) -> bool:
        return self.hidden(share.count) or self.hidden(share.of)

    def share(self, share: Share) -> str:
        """``27 of 36``."""
        return f"{self.count(share.count)} of {self.count(share.of)}"

    def percent(self, share: Share) -> str:
        if self.share_hidden(share) or not share.of:
            return "—"
        return share.percent

    def share_with_percent(self, share: Share) -> str:
        """``27 of 36 (75%)``, or ``0 of 0`` with nothing to divide."""
        text = self.share(share)
        percent = self.percent(share)
        return text if percent == "—" else f"{text} ({percent})"

    def fraction(self, share: Share) -> float | None:
        """The share as a percentage for a chart, None when hidden or of nothing."""
        if self.share_hidden(share) or share.fraction is None:
            return None
        return 100 * share.fraction

    def mean(self, mean: Mean, digits: int = 1) -> str:
        if mean.value is None or self.hidden(mean.of):
            return "—"
        return f"{mean.value:,.{digits}f}"

    def signed_mean(self, mean: Mean) -> str:
        text = self.mean(mean)
        if text != "—" and mean.value is not None and mean.value > 0:
            return "+" + text
        return text


def _hours(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


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


# --------------------------------------------------------------------------- sections


def _headline_checkpoint(figures: OutcomeFigures) -> int | None:
    days = [c.days for c in figures.retention]
    if 90 in days:
        return 90
    eligible = [c.days for c in figures.retention if c.retained.of]
    return eligible[-1] if eligible else (days[0] if days else None)


def _key_figures(figures: OutcomeFigures, cells: Cells, width: float) -> Table:
    census, los, housing = figures.census, figures.length_of_stay, figures.housing
    positive = dict(figures.discharges.by_class)[vocab.OutcomeClass.POSITIVE]
    period = figures.period
    tiles = [
        _tile(
            "Residents served",
            cells.count(census.residents_served),
            f"{cells.count(census.admissions)} admissions, {cells.count(census.readmissions)} "
            "of them readmissions",
        ),
        _tile(
            "In residence",
            cells.count(census.at_as_of),
            f"on {fmt_date(period.as_of)} ({cells.count(census.at_start)} on "
            f"{fmt_date(period.start)})",
        ),
    ]
    day = _headline_checkpoint(figures)
    checkpoint = next((c for c in figures.retention if c.days == day), None)
    if checkpoint is not None:
        tiles.append(
            _tile(
                f"{checkpoint.days}-day retention",
                cells.percent(checkpoint.retained),
                f"{cells.share(checkpoint.retained)} eligible admissions",
            )
        )
    tiles += [
        _tile(
            "Positive discharges",
            cells.percent(positive),
            f"{cells.share(positive)} discharges",
        ),
        _tile(
            "Median length of stay",
            "—"
            if los.median_days is None or cells.hidden(los.discharges)
            else f"{_days(los.median_days)} days",
            f"mean {_days(los.mean_days) if not cells.hidden(los.discharges) else '—'} days, "
            f"{cells.count(los.discharges)} discharges",
        ),
        _tile(
            "Exits to stable housing",
            cells.percent(housing.exits_stable),
            f"{cells.share(housing.exits_stable)} discharges",
        ),
        _tile(
            f"BARC-10 at or above {figures.recovery_capital.threshold}",
            cells.percent(figures.recovery_capital.at_threshold_latest),
            f"{cells.share(figures.recovery_capital.at_threshold_latest)} at their latest score;"
            f" {cells.share(figures.recovery_capital.at_threshold_first)} at their first",
        ),
        _tile(
            "Peer support sessions",
            f"{figures.dose.sessions:,}",
            f"{_hours(figures.dose.hours)} hours; "
            + (
                f"{figures.dose.per_resident_month:.1f} per resident per month"
                if figures.dose.per_resident_month is not None
                else "nobody in residence"
            ),
        ),
    ]
    return _tiles(tiles, width)


def _retention(figures: OutcomeFigures, cells: Cells, width: float) -> list[Flowable]:
    checkpoints = figures.retention
    chart = charts.percent_bars(
        "Retained at each checkpoint",
        [f"{c.days} days" for c in checkpoints],
        [0.0 if not c.retained.of else cells.fraction(c.retained) for c in checkpoints],
        [cells.percent(c.retained) if c.retained.of else "none yet" for c in checkpoints],
        width=width * 0.46,
        height=150,
    )
    rows = [
        [
            f"{c.days} days",
            cells.count(c.retained.of),
            cells.count(c.still_here),
            cells.count(c.positive_early),
            cells.percent(c.retained),
        ]
        for c in checkpoints
    ]
    table = _table(
        ["Checkpoint", "Eligible", "Still here", "Left positively", "Retained"],
        rows,
        [60, 52, 52, 62, 52],
        align=["LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"],
    )
    admitted = checkpoints[0].admissions if checkpoints else figures.census.admissions
    note = Paragraph(
        st.markup(
            f"{cells.count(admitted)} admissions in the period. An admission is eligible once "
            "intake plus the checkpoint's days falls on or before the report date."
        ),
        st.SMALL,
    )
    return _section(
        "Retention",
        "Of the admissions in the period that had reached each checkpoint by "
        f"{fmt_date(figures.period.as_of)}, the share still in residence on that day or "
        "discharged with a positive outcome before it.",
        _side_by_side(chart, [table, Spacer(1, 4), note], width, 0.47),
    )


def _discharges(figures: OutcomeFigures, cells: Cells, width: float) -> list[Flowable]:
    outcomes = figures.discharges
    los = figures.length_of_stay
    reasons = [r for r, share in outcomes.by_reason if share.count or r.value != "other"]
    counts = dict(outcomes.by_reason)
    chart = charts.count_bars(
        "Discharges by reason",
        [r.label for r in reasons],
        [None if cells.hidden(counts[r].count) else counts[r].count for r in reasons],
        [st.OUTCOME_COLOURS[r.default_outcome] for r in reasons],
        width=width * 0.5,
        height=42 + 17 * len(reasons),
        legend=[(st.OUTCOME_COLOURS[c], c.label) for c in vocab.OutcomeClass],
    )
    class_rows = [
        [outcome.label, cells.count(share.count), cells.percent(share)]
        for outcome, share in outcomes.by_class
    ]
    class_rows.append(["All discharges", cells.count(outcomes.total), ""])
    table = _table(
        ["Outcome class", "Discharges", "Share"],
        class_rows,
        [100, 62, 52],
        align=["LEFT", "RIGHT", "RIGHT"],
        bold_last=True,
    )
    hidden = cells.hidden(los.discharges)
    stay_rows = [
        ["Median", "—" if hidden else f"{_days(los.median_days)} days"],
        ["Mean", "—" if hidden else f"{_days(los.mean_days)} days"],
    ]
    if cells.identified:  # two residents' exact stays: never in the de-identified copy
        stay_rows.append(
            [
                "Shortest – longest",
                "—"
                if los.shortest_days is None
                else f"{los.shortest_days} – {los.longest_days} days",
            ]
        )
    stay_table = _table(["Length of stay", "Of the discharges"], stay_rows, [100, 114])
    right: list[Flowable] = [
        table,
        Spacer(1, 8),
        stay_table,
        Spacer(1, 3),
        Paragraph(
            "Bars are coloured by the class a reason usually has; the table counts each "
            "discharge in the class recorded for it.",
            st.SMALL,
        ),
    ]
    return _section(
        "Discharges and length of stay",
        f"{cells.count(outcomes.total)} discharges dated in the period, by reason and by "
        "outcome class.",
        _side_by_side(chart, right, width, 0.52),
    )


def _housing(figures: OutcomeFigures, cells: Cells, width: float) -> list[Flowable]:
    housing = figures.housing
    rows = [
        [
            "Left to stable housing",
            cells.share(housing.exits_stable),
            cells.percent(housing.exits_stable),
        ],
        [
            "Came from homelessness",
            cells.share(housing.entered_homeless),
            cells.percent(housing.entered_homeless),
        ],
        [
            "… of whom left to stable housing",
            cells.share(housing.homeless_to_stable),
            cells.percent(housing.homeless_to_stable),
        ],
    ]
    return _section(
        "Housing stability",
        "Where residents discharged in the period went, beside where they came from. Stable "
        "means recovery housing or permanent housing.",
        _table(
            ["Of the discharges in the period", "Residents", "Share"],
            rows,
            [width - 180, 110, 70],
            align=["LEFT", "RIGHT", "RIGHT"],
        ),
    )


def _scores(figures: OutcomeFigures, cells: Cells, width: float) -> list[Flowable]:
    capital = figures.recovery_capital
    change = capital.change
    motivation = figures.motivation
    chart = charts.score_bars(
        "BARC-10, mean of first and latest scores",
        ["First score", "Latest score"],
        [
            None if cells.hidden(change.first.of) else change.first.value,
            None if cells.hidden(change.latest.of) else change.latest.value,
        ],
        width=width * 0.4,
        height=150,
        low=10,
        high=60,
        threshold=capital.threshold,
        threshold_label=f"{capital.threshold}: marker of sustained remission",
    )
    rows = [
        ["Residents with two scored days", cells.count(change.first.of), ""],
        ["Mean first score", cells.mean(change.first), ""],
        ["Mean latest score", cells.mean(change.latest), cells.signed_mean(change.change)],
        [
            f"At or above {capital.threshold} at first",
            cells.share(capital.at_threshold_first),
            cells.percent(capital.at_threshold_first),
        ],
        [
            f"At or above {capital.threshold} at latest",
            cells.share(capital.at_threshold_latest),
            cells.percent(capital.at_threshold_latest),
        ],
        ["Improved", cells.share(change.improved), cells.percent(change.improved)],
    ]
    table = _table(
        ["BARC-10 (10–60)", "Residents", "Change"],
        rows,
        [150, 70, 56],
        align=["LEFT", "RIGHT", "RIGHT"],
    )
    note = Paragraph(
        st.markup(
            f"{cells.count(change.residents_scored)} residents had a BARC-10 in the period; "
            "those scored only once are not in the comparison."
        ),
        st.SMALL,
    )
    story = _section(
        "Recovery capital and motivation",
        "Each resident's first score in the period against their latest, for residents scored "
        "on at least two different days.",
        _side_by_side(chart, [table, Spacer(1, 3), note], width, 0.42),
    )
    story.append(Spacer(1, 8))
    motivation_rows = [
        [
            "Residents with two scored days",
            cells.count(motivation.first.of),
            f"of {cells.count(motivation.residents_scored)} scored",
        ],
        [
            "Mean first and latest score",
            f"{cells.mean(motivation.first)} to {cells.mean(motivation.latest)}",
            cells.signed_mean(motivation.change),
        ],
        ["Improved", cells.share(motivation.improved), cells.percent(motivation.improved)],
        ["No change", cells.share(motivation.unchanged), cells.percent(motivation.unchanged)],
        ["Lower", cells.share(motivation.worse), cells.percent(motivation.worse)],
    ]
    story.append(
        KeepTogether(
            [
                Paragraph("Motivation (readiness ruler, 0–10)", st.H2),
                _table(
                    ["Readiness to change", "Residents", ""],
                    motivation_rows,
                    [width - 210, 120, 90],
                    align=["LEFT", "RIGHT", "RIGHT"],
                ),
                Spacer(1, 2),
                Paragraph(
                    st.markup(
                        f"From {motivation.scores:,} ratings: readiness assessments and the "
                        "ruler asked at peer support sessions. Several on one day count as "
                        "that day's average."
                    ),
                    st.SMALL,
                ),
            ]
        )
    )
    return story


def _satisfaction(figures: OutcomeFigures, cells: Cells, width: float) -> list[Flowable]:
    rated = figures.satisfaction
    total = rated.mean.of
    row = [cells.count(share.count) for _, share in rated.distribution]
    percents = [cells.percent(share) for _, share in rated.distribution]
    table = _table(
        ["", *(f"Rated {r}" for r, _ in rated.distribution), "All ratings", "Mean"],
        [
            ["Ratings", *row, cells.count(total), cells.mean(rated.mean, 2)],
            ["Share", *percents, "", ""],
        ],
        [60, *([(width - 60 - 150) / 5] * 5), 80, 70],
        align=["LEFT", *(["RIGHT"] * 7)],
    )
    story = _section(
        "Satisfaction",
        "Every satisfaction rating (1 = very unhappy, 5 = very happy) given in the period, at "
        "sessions and in assessments.",
        table,
    )
    story.append(
        Paragraph(st.markup(f"Given by {cells.count(rated.residents)} residents."), st.SMALL)
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


def _dose(figures: OutcomeFigures, cells: Cells, width: float) -> list[Flowable]:
    dose = figures.dose
    lead = (
        f"{dose.sessions:,} sessions ({_hours(dose.hours)} hours of mentors' time) with "
        f"{dose.attendances:,} attendances ({_hours(dose.attendee_hours)} resident hours), "
        f"reaching {cells.count(dose.residents_reached)} residents. "
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
    type_rows = [
        [r.label, f"{r.sessions:,}", _hours(r.hours), f"{r.attendances:,}"] for r in dose.by_type
    ]
    format_rows = [
        [r.label, f"{r.sessions:,}", _hours(r.hours), f"{r.attendances:,}"] for r in dose.by_format
    ]
    format_rows.append(
        ["All sessions", f"{dose.sessions:,}", _hours(dose.hours), f"{dose.attendances:,}"]
    )
    half = (width - 12) / 2
    widths = [half - 150, 50, 45, 55]
    header = ["Sessions", "Hours", "Attended"]
    story.append(
        _side_by_side(
            _table(["Support type", *header], type_rows, widths, align=["LEFT", *["RIGHT"] * 3]),
            _table(
                ["Format", *header],
                format_rows,
                widths,
                align=["LEFT", *["RIGHT"] * 3],
                bold_last=True,
            ),
            width,
        )
    )
    story.append(Spacer(1, 8))
    # Per-mentor rows only when identified: numbered, a staff list would still tell who is who.
    mentor_rows = [
        [r.label, f"{r.sessions:,}", _hours(r.hours), f"{r.attendances:,}"] for r in dose.by_mentor
    ]
    if mentor_rows and cells.identified:
        # A long list (a house with years of staff turnover) may run over the page; its
        # header row repeats, and the heading stays with the first rows.
        story += [
            CondPageBreak(90),
            Paragraph("By peer mentor", st.H2),
            _table(
                ["Peer mentor", *header],
                mentor_rows,
                [width - 200, 60, 60, 80],
                align=["LEFT", "RIGHT", "RIGHT", "RIGHT"],
            ),
        ]
    return story


def _supervision_totals(figures: OutcomeFigures, cells: Cells) -> list[Flowable]:
    """The de-identified copy: the house's totals only. Even numbered, one row per peer mentor
    would tell anyone with the staff list whose supervision is overdue."""
    sup = figures.supervision
    period = figures.period
    mentors = len(sup.mentors)
    rows = [
        ["Peer mentors who worked in the period", cells.count(mentors)],
        [f"Overdue on {fmt_date(period.as_of)} (or their last day)", cells.share(sup.overdue)],
        ["Supervisions in the period", f"{sum(m.supervisions for m in sup.mentors):,}"],
        ["Hours of supervision", _hours(sum(m.hours for m in sup.mentors))],
        ["Training hours, 12 months to the report date",
         _hours(sum(m.training_hours for m in sup.mentors))],
        [f"Credentials expired or expiring within {sup.warning_days} days",
         cells.count(len(sup.credentials_expiring))],
    ]  # fmt: skip
    return _section(
        "Supervision and training of peer mentors",
        "The house's totals, for every peer mentor who worked with the house in the period; "
        "the identified summary has one row per mentor.",
        _table(["", "Total"], rows, [300, 90], align=["LEFT", "RIGHT"]),
    )


def _supervision(figures: OutcomeFigures, cells: Cells, width: float) -> list[Flowable]:
    sup = figures.supervision
    period = figures.period
    if not cells.identified:
        return _supervision_totals(figures, cells)
    rows = [
        [
            m.mentor_name,
            str(m.supervisions),
            _hours(m.hours),
            fmt_date(m.last_supervision) if m.last_supervision else "none",
            str(m.days_since_last) if m.days_since_last is not None else "—",
            "Overdue" if m.overdue else "On track",
            _hours(m.training_hours),
        ]
        for m in sup.mentors
    ]
    first: Flowable = (
        _table(
            [
                "Peer mentor",
                "Supervisions",
                "Hours",
                "Last",
                "Days since",
                "Cadence",
                "Training hours",
            ],
            rows,
            [width - 372, 70, 44, 70, 54, 60, 74],
            align=["LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "LEFT", "RIGHT"],
        )
        if rows
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
    if sup.credentials_expiring:
        lines = [
            [
                c.mentor_name,
                c.name,
                fmt_date(c.expires_on),
                "expired" if c.expired else f"in {(c.expires_on - period.as_of).days} days",
            ]
            for c in sup.credentials_expiring
        ]
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        f"Credentials expired or expiring within {sup.warning_days} days", st.H2
                    ),
                    _table(
                        ["Peer mentor", "Credential", "Expires", ""],
                        lines,
                        [width - 330, 190, 70, 70],
                    ),
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


DEFINITIONS = (
    ("Period", "Both dates included. Admissions are stays: a readmission is a new admission."),
    (
        "In residence",
        "Admitted on or before the day and not discharged by it; the discharge day itself "
        "does not count.",
    ),
    (
        "Retention at N days",
        "Of admissions in the period whose intake plus N days is on or before the report "
        "date: still in residence on day N, or discharged with a positive outcome on or "
        "before day N.",
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
        "Small numbers",
        "In the de-identified summary, counts of 1 to 4 people (residents or peer mentors) are "
        "shown as <5, with the percentages and averages built on them; peer mentors appear only "
        "in the house's totals, and no single stay is printed, so no one can be recognised.",
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
    figures = data.figures
    cells = Cells(data.identified)
    period = figures.period
    mode = (
        "Identified: exact counts and peer mentors' names. Keep it with the house's confidential "
        "records."
        if data.identified
        else "De-identified: no resident or peer mentor is named or listed one by one, and "
        "counts of 1 to 4 people are shown as <5."
    )
    story: list[Flowable] = [
        Paragraph("Outcome summary", st.TITLE),
        Paragraph(
            st.markup(
                f"{data.header.house_name} · {fmt_date(period.start)} to {fmt_date(period.end)}"
                f" ({period.days} days) · figures as of {fmt_date(period.as_of)}"
            ),
            st.SUBTITLE,
        ),
        _key_figures(figures, cells, width),
        Spacer(1, 3),
        Paragraph(st.markup(mode), st.SMALL),
    ]
    for section in (_retention, _discharges, _housing, _scores, _satisfaction, _dose, _supervision):
        story += section(figures, cells, width)
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
