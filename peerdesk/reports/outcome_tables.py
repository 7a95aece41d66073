"""The outcome summary's tables as rows of text, for the printed page and for the CSV files.

Each function returns a :class:`FigureTable`: the PDF lays it out, ``export outcomes --csv``
writes it as it is, so the two always print the same figures with the same cells hidden.
Counts of people go through :class:`~peerdesk.reports.outcome_cells.Cells`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from peerdesk.core import vocab
from peerdesk.core.outcome_history import YearFigures, headline_checkpoint
from peerdesk.core.outcomes import OutcomeFigures, Period
from peerdesk.core.report_data import OutcomeSummaryData
from peerdesk.core.services._common import fmt_date
from peerdesk.reports.outcome_cells import PEOPLE_GROUPS, Cells, people_key

NOT_SHOWN = "—"


@dataclass(frozen=True)
class FigureTable:
    """One table: a file name for the CSV, a title, a header row and the rows."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _table(
    name: str, title: str, header: Sequence[str], rows: Sequence[Sequence[str]]
) -> FigureTable:
    return FigureTable(name, title, tuple(header), tuple(tuple(r) for r in rows))


def hours(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def days(value: float | None) -> str:
    if value is None:
        return NOT_SHOWN
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def period_text(period: Period) -> str:
    return f"{fmt_date(period.start)} to {fmt_date(period.end)}"


# --------------------------------------------------------------------------- headline figures


@dataclass(frozen=True)
class Headline:
    """One of the five figures the first page leads with, in one period."""

    text: str  # "62% (18 of 29)" or "—"
    value: float | None  # the percentage or the days, None when not shown


def median_stay(median: float | None, cells: Cells) -> Headline:
    if median is None or cells.hidden("dis.total"):
        return Headline(NOT_SHOWN, None)
    return Headline(f"{days(median)} days", median)


def _percent(cells: Cells, count: str, of: str) -> Headline:
    value = cells.fraction(count, of)
    if value is None:
        return Headline(f"{NOT_SHOWN} ({cells.share(count, of)})", None)
    return Headline(f"{cells.percent(count, of)} ({cells.share(count, of)})", value)


def headlines(
    figures: OutcomeFigures | YearFigures, cells: Cells, checkpoint: int | None
) -> dict[str, Headline]:
    """The five headline figures of one period (keys as in :data:`HEADLINE_NAMES`)."""
    result = {}
    if checkpoint is not None and cells.has(f"ret{checkpoint}.eligible"):
        result["retention"] = _percent(
            cells, f"ret{checkpoint}.retained", f"ret{checkpoint}.eligible"
        )
    result["stay"] = median_stay(figures.length_of_stay.median_days, cells)
    result["positive"] = _percent(cells, "dis.class.positive", "dis.total")
    result["housing"] = _percent(cells, "hs.stable", "dis.total")
    result["barc"] = _percent(cells, "barc.latest_at", "barc.paired")
    return result


def headline_names(checkpoint: int | None, threshold: int) -> dict[str, str]:
    return {
        "retention": f"Retained at {checkpoint} days",
        "stay": "Median length of stay",
        "positive": "Positive discharges",
        "housing": "Exits to stable housing",
        "barc": f"BARC-10 at or above {threshold}",
    }


def _goal(data: OutcomeSummaryData, name: str) -> int | None:
    targets = data.targets
    return {
        "retention": targets.retention_percent,
        "stay": targets.median_stay_days,
        "positive": targets.positive_percent,
        "housing": targets.housing_percent,
        "barc": targets.barc_percent,
    }[name]


def target_text(data: OutcomeSummaryData, name: str) -> str:
    """The house's target for a headline figure, as the page prints it."""
    goal = _goal(data, name)
    if goal is None:
        return "none set"
    return f"at least {goal} days" if name == "stay" else f"at least {goal}%"


def headline_table(data: OutcomeSummaryData, cells: Cells) -> FigureTable:
    figures = data.figures
    checkpoint = headline_checkpoint(data.checkpoints)
    now = headlines(figures, cells, checkpoint)
    before = (
        headlines(data.previous, cells.view("prev."), checkpoint)
        if data.previous is not None
        else {}
    )
    names = headline_names(checkpoint, figures.recovery_capital.threshold)
    rows = []
    for name, this in now.items():
        rows.append(
            (
                names[name],
                this.text,
                before[name].text if name in before else NOT_SHOWN,
                target_text(data, name),
                met(data, name, this.value),
            )
        )
    return _table(
        "headline",
        "The five headline figures",
        ["Figure", "This period", "Previous period", "Target", "Target met"],
        rows,
    )


def met(data: OutcomeSummaryData, name: str, value: float | None) -> str:
    """ "met", "not met", or nothing when there is no target or the figure is not shown."""
    goal = _goal(data, name)
    if goal is None:
        return ""
    if value is None:
        return "cannot be shown"
    # A percentage is compared as printed (rounded to a whole number), so the page never
    # reads "60%" beside a target of 60% not met.
    shown = round(value) if name != "stay" else value
    return "met" if shown >= goal else "not met"


def trend_table(data: OutcomeSummaryData, cells: Cells) -> FigureTable | None:
    if len(data.trend) < 2:
        return None
    checkpoint = headline_checkpoint(data.checkpoints)
    names = headline_names(checkpoint, data.figures.recovery_capital.threshold)
    rows = []
    for number, year in enumerate(data.trend, start=1):
        figures = headlines(year, cells.view(f"y{number}."), checkpoint)
        rows.append(
            (
                period_text(year.period),
                *(figures[n].text if n in figures else NOT_SHOWN for n in names),
            )
        )
    return _table("trend", "Year by year", ["Twelve months", *names.values()], rows)


# --------------------------------------------------------------------------- sections


def census_table(figures: OutcomeFigures, cells: Cells) -> FigureTable:
    """Who was here (the key figures' first tiles)."""
    period = figures.period
    rows = [
        ("Residents served", cells.count("served")),
        ("Admissions", cells.count("admissions")),
        ("Readmissions among them", cells.count("readmissions")),
        (f"In residence on {fmt_date(period.as_of)}", cells.count("at_as_of")),
        (f"In residence on {fmt_date(period.start)}", cells.count("at_start")),
    ]
    return _table("census", "Residents", ["Figure", "Residents"], rows)


def retention_table(data: OutcomeSummaryData, cells: Cells) -> FigureTable:
    rows = []
    for c in data.figures.retention:
        late = data.late_cohorts.get(c.days)
        view = cells.view(f"c{c.days}.") if late else cells
        key = f"ret{c.days}."
        rows.append(
            (
                f"{c.days} days",
                period_text(late.cohort) if late else "in the period",
                view.count(key + "eligible"),
                view.count(key + "still"),
                view.count(key + "positive"),
                view.percent(key + "retained", key + "eligible"),
            )
        )
    return _table(
        "retention",
        "Retention",
        ["Checkpoint", "Admitted", "Eligible", "Still here", "Left positively", "Retained"],
        rows,
    )


def discharge_reason_table(figures: OutcomeFigures, cells: Cells) -> FigureTable:
    rows = [
        (reason.label, reason.default_outcome.label, cells.count(f"dis.reason.{reason.value}"))
        for reason, share in figures.discharges.by_reason
        if share.count or reason.value != "other"
    ]
    return _table(
        "discharges_by_reason",
        "Discharges by reason",
        ["Reason", "Usual outcome class", "Discharges"],
        rows,
    )


def discharge_class_table(figures: OutcomeFigures, cells: Cells) -> FigureTable:
    rows = [
        (outcome.label, cells.count(f"dis.class.{outcome.value}"),
         cells.percent(f"dis.class.{outcome.value}", "dis.total"))
        for outcome, _ in figures.discharges.by_class
    ]  # fmt: skip
    rows.append(("All discharges", cells.count("dis.total"), ""))
    return _table(
        "discharges_by_class", "Discharges by outcome class",
        ["Outcome class", "Discharges", "Share"], rows,
    )  # fmt: skip


def stay_table(figures: OutcomeFigures, cells: Cells) -> FigureTable:
    los = figures.length_of_stay
    hidden = cells.hidden("dis.total")
    rows = [
        ("Median", NOT_SHOWN if hidden else f"{days(los.median_days)} days"),
        ("Mean", NOT_SHOWN if hidden else f"{days(los.mean_days)} days"),
    ]
    if cells.identified:  # two residents' exact stays: never in the de-identified copy
        shortest = (
            NOT_SHOWN
            if los.shortest_days is None
            else f"{los.shortest_days} – {los.longest_days} days"
        )
        rows.append(("Shortest – longest", shortest))
    return _table("length_of_stay", "Length of stay", ["Length of stay", "Of the discharges"], rows)


def housing_table(cells: Cells) -> FigureTable:
    rows = [
        ("Left to stable housing", cells.share("hs.stable", "dis.total"),
         cells.percent("hs.stable", "dis.total")),
        ("Came from homelessness", cells.share("hs.homeless", "dis.total"),
         cells.percent("hs.homeless", "dis.total")),
        ("… of whom left to stable housing", cells.share("hs.homeless_stable", "hs.homeless"),
         cells.percent("hs.homeless_stable", "hs.homeless")),
    ]  # fmt: skip
    return _table(
        "housing", "Housing stability", ["Of the discharges in the period", "Residents", "Share"],
        rows,
    )  # fmt: skip


def recovery_capital_table(figures: OutcomeFigures, cells: Cells) -> FigureTable:
    capital = figures.recovery_capital
    change = capital.change
    t = capital.threshold
    rows = [
        ("Residents with a BARC-10 in the period", cells.count("barc.scored"), ""),
        ("Residents with two scored days", cells.count("barc.paired"), ""),
        ("Mean first score", cells.mean(change.first, "barc.paired"), ""),
        ("Mean latest score", cells.mean(change.latest, "barc.paired"),
         cells.signed_mean(change.change, "barc.paired")),
        (f"At or above {t} at first", cells.share("barc.first_at", "barc.paired"),
         cells.percent("barc.first_at", "barc.paired")),
        (f"At or above {t} at latest", cells.share("barc.latest_at", "barc.paired"),
         cells.percent("barc.latest_at", "barc.paired")),
        ("Improved", cells.share("barc.improved", "barc.paired"),
         cells.percent("barc.improved", "barc.paired")),
    ]  # fmt: skip
    return _table(
        "recovery_capital", "Recovery capital", ["BARC-10 (10–60)", "Residents", "Change"], rows
    )


def motivation_table(figures: OutcomeFigures, cells: Cells) -> FigureTable:
    m = figures.motivation
    rows = [
        ("Residents with two scored days", cells.count("mot.paired"),
         f"of {cells.count('mot.scored')} scored"),
        ("Mean first and latest score",
         f"{cells.mean(m.first, 'mot.paired')} to {cells.mean(m.latest, 'mot.paired')}",
         cells.signed_mean(m.change, "mot.paired")),
        ("Improved", cells.share("mot.improved", "mot.paired"),
         cells.percent("mot.improved", "mot.paired")),
        ("No change", cells.share("mot.unchanged", "mot.paired"),
         cells.percent("mot.unchanged", "mot.paired")),
        ("Lower", cells.share("mot.worse", "mot.paired"),
         cells.percent("mot.worse", "mot.paired")),
    ]  # fmt: skip
    return _table("motivation", "Motivation", ["Readiness to change", "Residents", ""], rows)


def satisfaction_table(figures: OutcomeFigures, cells: Cells) -> FigureTable:
    rated = figures.satisfaction
    ratings = [r for r, _ in rated.distribution]
    return _table(
        "satisfaction",
        "Satisfaction",
        ["", *(f"Rated {r}" for r in ratings), "All ratings", "Mean"],
        [
            ("Ratings", *(cells.count(f"sat.r{r}") for r in ratings), cells.count("sat.ratings"),
             cells.mean(rated.mean, "sat.ratings", 2)),
            ("Share", *(cells.percent(f"sat.r{r}", "sat.ratings") for r in ratings), "", ""),
        ],
    )  # fmt: skip


def support_tables(figures: OutcomeFigures, cells: Cells) -> list[FigureTable]:
    dose = figures.dose
    header = ["Sessions", "Hours", "Attended"]

    def row(label: str, sessions: int, h: float, attended: int) -> tuple[str, ...]:
        return (label, f"{sessions:,}", hours(h), f"{attended:,}")

    tables = [
        _table("support_by_type", "Support type", ["Support type", *header],
               [row(r.label, r.sessions, r.hours, r.attendances) for r in dose.by_type]),
        _table("support_by_format", "Format", ["Format", *header],
               [*(row(r.label, r.sessions, r.hours, r.attendances) for r in dose.by_format),
                row("All sessions", dose.sessions, dose.hours, dose.attendances)]),
        _table("support_by_month", "Sessions by month",
               ["Month", "Sessions", "Hours", "Attended", *(t.label for t in vocab.SupportType),
                "Resident-days"],
               [(f"{m.month:%Y-%m}", f"{m.sessions:,}", hours(m.hours), f"{m.attendances:,}",
                 *(f"{n:,}" for _, n in m.by_type), f"{m.resident_days:,}")
                for m in dose.by_month]),
    ]  # fmt: skip
    if cells.identified and dose.by_mentor:
        tables.append(
            _table("support_by_mentor", "By peer mentor", ["Peer mentor", *header],
                   [row(r.label, r.sessions, r.hours, r.attendances) for r in dose.by_mentor])
        )  # fmt: skip
    return tables


def supervision_tables(figures: OutcomeFigures, cells: Cells) -> list[FigureTable]:
    sup = figures.supervision
    as_of = fmt_date(figures.period.as_of)
    if not cells.identified:
        rows = [
            ("Peer mentors who worked in the period", cells.count("sup.mentors")),
            (f"Overdue on {as_of} (or their last day)", cells.share("sup.overdue", "sup.mentors")),
            ("Supervisions in the period", f"{sum(m.supervisions for m in sup.mentors):,}"),
            ("Hours of supervision", hours(sum(m.hours for m in sup.mentors))),
            ("Training hours, 12 months to the report date",
             hours(sum(m.training_hours for m in sup.mentors))),
            (f"Credentials expired or expiring within {sup.warning_days} days",
             cells.count("sup.credentials")),
        ]  # fmt: skip
        return [_table("supervision", "Supervision and training", ["", "Total"], rows)]
    mentor_rows = [
        (m.mentor_name, str(m.supervisions), hours(m.hours),
         fmt_date(m.last_supervision) if m.last_supervision else "none",
         str(m.days_since_last) if m.days_since_last is not None else NOT_SHOWN,
         "Overdue" if m.overdue else "On track", hours(m.training_hours))
        for m in sup.mentors
    ]  # fmt: skip
    credentials = [
        (c.mentor_name, c.name, fmt_date(c.expires_on),
         "expired" if c.expired else f"in {(c.expires_on - figures.period.as_of).days} days")
        for c in sup.credentials_expiring
    ]  # fmt: skip
    return [
        _table("supervision", "Supervision and training",
               ["Peer mentor", "Supervisions", "Hours", "Last", "Days since", "Cadence",
                "Training hours"], mentor_rows),
        _table("credentials", f"Credentials expired or expiring within {sup.warning_days} days",
               ["Peer mentor", "Credential", "Expires", ""], credentials),
    ]  # fmt: skip


def people_table(data: OutcomeSummaryData, cells: Cells) -> FigureTable | None:
    """Who was served, and their answers at entry and at exit, each with its share of the
    group it counts."""
    if data.people is None:
        return None
    rows = []
    for b in data.people.all():
        total = PEOPLE_GROUPS[b.group][1]
        for code, label, _n in b.rows:
            key = people_key(b.group, b.question, code)
            rows.append((b.group, b.title, label, cells.count(key), cells.percent(key, total)))
    return _table(
        "who_was_served",
        "Who was served",
        ["Of the", "Question", "Answer", "Count", "Share"],
        rows,
    )


def follow_up_table(data: OutcomeSummaryData, cells: Cells) -> FigureTable | None:
    if not data.follow_ups:
        return None
    rows = []
    for f in data.follow_ups:
        k = f"fu.{f.point.value}."
        rows.append(
            (f.point.label, cells.count(k + "due"),
             cells.share_with_percent(k + "contacted", k + "due"),
             cells.share_with_percent(k + "reached", k + "due"),
             cells.share_with_percent(k + "stable", k + "reached"),
             cells.share_with_percent(k + "in_recovery", k + "reached"),
             cells.share_with_percent(k + "employed", k + "reached"))
        )  # fmt: skip
    return _table(
        "follow_up",
        "Follow-up after discharge",
        ["After discharge", "Due", "Contacted", "Reached", "Stable housing", "In recovery",
         "Employed"],
        rows,
    )  # fmt: skip


def comparison_table(data: OutcomeSummaryData, cells: Cells) -> FigureTable | None:
    """Each figure beside the same figure for the previous period of the same length."""
    if data.previous is None:
        return None
    now, before = data.figures, data.previous
    old = cells.view("prev.")
    rows = [
        ("Residents served", cells.count("served"), old.count("served")),
        ("Admissions", cells.count("admissions"), old.count("admissions")),
        *(
            (f"Retained at {c.days} days",
             cells.share_with_percent(f"ret{c.days}.retained", f"ret{c.days}.eligible"),
             old.share_with_percent(f"ret{c.days}.retained", f"ret{c.days}.eligible"))
            for c in now.retention
        ),
        ("Discharges", cells.count("dis.total"), old.count("dis.total")),
        ("Positive discharges", cells.share_with_percent("dis.class.positive", "dis.total"),
         old.share_with_percent("dis.class.positive", "dis.total")),
        ("Median length of stay", median_stay(now.length_of_stay.median_days, cells).text,
         median_stay(before.length_of_stay.median_days, old).text),
        ("Exits to stable housing", cells.share_with_percent("hs.stable", "dis.total"),
         old.share_with_percent("hs.stable", "dis.total")),
        (f"BARC-10 at or above {now.recovery_capital.threshold}, latest",
         cells.share_with_percent("barc.latest_at", "barc.paired"),
         old.share_with_percent("barc.latest_at", "barc.paired")),
        ("Motivation improved", cells.share_with_percent("mot.improved", "mot.paired"),
         old.share_with_percent("mot.improved", "mot.paired")),
        ("Mean satisfaction (1–5)", cells.mean(now.satisfaction.mean, "sat.ratings", 2),
         old.mean(before.satisfaction.mean, "sat.ratings", 2)),
        ("Peer support sessions", f"{now.dose.sessions:,}", f"{before.dose.sessions:,}"),
        ("Sessions per resident per month", _per_month(now), _per_month(before)),
        ("Peer mentors overdue for supervision", cells.share("sup.overdue", "sup.mentors"),
         old.share("sup.overdue", "sup.mentors")),
    ]  # fmt: skip
    return _table(
        "comparison",
        "Compared with the previous period",
        ["Figure", period_text(now.period), period_text(before.period)],
        rows,
    )


def _per_month(figures: OutcomeFigures) -> str:
    value = figures.dose.per_resident_month
    return NOT_SHOWN if value is None else f"{value:.1f}"


def completeness_table(data: OutcomeSummaryData, cells: Cells) -> FigureTable:
    """How many records lack a field the figures rest on (counts of residents, hidden as the
    others are: "no BARC-10" is the residents served less those with one). A funders'
    question's unknowns are the very cells of "Who was served"."""
    rows = [
        ("Birth date", "residents served", cells.count("served"), cells.count("miss.birth")),
        ("Living situation at intake", "residents served", cells.count("served"),
         cells.count("miss.intake")),
        ("A BARC-10 in the period", "residents served", cells.count("served"),
         cells.count("miss.barc")),
        ("Living situation at exit", "discharges", cells.count("dis.total"),
         cells.count("miss.exit")),
    ]  # fmt: skip
    for b in data.people.all() if data.people is not None else ():
        if b.question == "age":
            continue  # the birth date's row above
        total = PEOPLE_GROUPS[b.group][1]
        rows.append((b.title, b.group, cells.count(total),
                     cells.count(people_key(b.group, b.question, "unknown"))))  # fmt: skip
    return _table(
        "completeness", "Records behind the figures", ["Field", "Of the", "Records", "Missing"],
        rows,
    )  # fmt: skip


def completeness_line(data: OutcomeSummaryData, cells: Cells) -> str:
    if data.completeness is None:
        return ""
    return (
        f"Records behind these figures: of {cells.count('served')} residents served, "
        f"{cells.count('miss.birth')} have no birth date, {cells.count('miss.intake')} no "
        f"living situation at intake and {cells.count('miss.barc')} no BARC-10 in the period; "
        f"of {cells.count('dis.total')} discharges, {cells.count('miss.exit')} have no living "
        "situation at exit. The funders' questions left unknown are counted on the page "
        "\u201cRecords behind the figures\u201d."
    )


def all_tables(data: OutcomeSummaryData, cells: Cells) -> list[FigureTable]:
    """Every table of the summary, in the order of the printed pages."""
    figures = data.figures
    tables = [headline_table(data, cells)]
    trend = trend_table(data, cells)
    if trend is not None:
        tables.append(trend)
    tables += [
        census_table(figures, cells),
        retention_table(data, cells),
        discharge_reason_table(figures, cells),
        discharge_class_table(figures, cells),
        stay_table(figures, cells),
        housing_table(cells),
        recovery_capital_table(figures, cells),
        motivation_table(figures, cells),
        satisfaction_table(figures, cells),
        *support_tables(figures, cells),
        *supervision_tables(figures, cells),
    ]
    extras = (
        people_table(data, cells),
        follow_up_table(data, cells),
        comparison_table(data, cells),
    )
    for extra in extras:
        if extra is not None:
            tables.append(extra)
    if data.completeness is not None:
        tables.append(completeness_table(data, cells))
    return tables
