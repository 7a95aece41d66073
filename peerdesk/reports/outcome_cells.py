"""Every count of people the outcome summary prints, by key, and how each is printed.

The summary (PDF and CSV) prints counts of people only through :class:`Cells`, by key. The
same keys, with the equations between them, go into a :class:`~peerdesk.core.disclosure.Ledger`
(:func:`summary_ledger`), so the de-identified copy hides each count of 1 to 4 and every
other cell it could be worked out from, in any table, across the charts and across the
periods printed (the period, the previous one, the years of the trend and the admissions a
late checkpoint counts). Keys of another period carry a prefix: ``prev.``, ``y2.``,
``c365.``. Counts of sessions and hours are not counts of people and are printed as they are.
"""

from __future__ import annotations

import dataclasses

from peerdesk.core import vocab
from peerdesk.core.disclosure import Ledger, cells_to_hide, period_equations
from peerdesk.core.outcome_history import (
    Completeness,
    LateCohort,
    YearFigures,
    headline_checkpoint,
)
from peerdesk.core.outcome_people import PeopleFigures
from peerdesk.core.outcomes import Mean, OutcomeFigures, Period, Share
from peerdesk.core.report_data import OutcomeSummaryData

HIDDEN = "*"  # every hidden cell, small or complementary, looks the same

# Figures counted by date (a row each, not a person each): over periods laid end to end they
# add up, so the ledger gets an equation for them across the periods printed.
_ADDITIVE = (
    "admissions",
    "dis.total",
    *(f"dis.reason.{r.value}" for r in vocab.DischargeReason),
    *(f"dis.class.{c.value}" for c in vocab.OutcomeClass),
    "hs.stable",
    "hs.homeless",
    "hs.homeless_stable",
    "sat.ratings",
    *(f"sat.r{r}" for r in range(1, 6)),
)


@dataclasses.dataclass(frozen=True)
class Cells:
    """Counts of people printed by key: exactly when identified, hidden as "*" where the
    ledger says so when not. ``view("prev.")`` reads another period's keys."""

    values: dict[str, int]
    hidden_keys: frozenset[str]
    identified: bool
    prefix: str = ""

    @classmethod
    def of(cls, data: OutcomeSummaryData) -> Cells:
        ledger = summary_ledger(data)
        hidden = frozenset() if data.identified else cells_to_hide(ledger)
        return cls(ledger.values, hidden, data.identified)

    def view(self, prefix: str) -> Cells:
        return dataclasses.replace(self, prefix=prefix)

    def has(self, key: str) -> bool:
        """Whether the summary prints this figure (for this view's period)."""
        return self.prefix + key in self.values

    def hidden(self, key: str) -> bool:
        return self.prefix + key in self.hidden_keys

    def value(self, key: str) -> int:
        return self.values[self.prefix + key]

    def count(self, key: str) -> str:
        return HIDDEN if self.hidden(key) else f"{self.value(key):,}"

    def share(self, count: str, of: str) -> str:
        """``27 of 36``."""
        return f"{self.count(count)} of {self.count(of)}"

    def share_of(self, count: str, of: str) -> Share:
        return Share(self.value(count), self.value(of))

    def percent(self, count: str, of: str) -> str:
        if self.hidden(count) or self.hidden(of) or not self.value(of):
            return "—"
        return self.share_of(count, of).percent

    def share_with_percent(self, count: str, of: str) -> str:
        """``27 of 36 (75%)``, or ``0 of 0`` with nothing to divide."""
        text = self.share(count, of)
        percent = self.percent(count, of)
        return text if percent == "—" else f"{text} ({percent})"

    def fraction(self, count: str, of: str) -> float | None:
        """The share as a percentage for a chart or a target, None when hidden or of nothing."""
        if self.hidden(count) or self.hidden(of) or not self.value(of):
            return None
        return 100 * self.value(count) / self.value(of)

    def mean(self, mean: Mean, of: str, digits: int = 1) -> str:
        if mean.value is None or self.hidden(of):
            return "—"
        return f"{mean.value:,.{digits}f}"

    def signed_mean(self, mean: Mean, of: str) -> str:
        text = self.mean(mean, of)
        if text != "—" and mean.value is not None and mean.value > 0:
            return "+" + text
        return text


# --------------------------------------------------------------------------- the ledger


def summary_ledger(data: OutcomeSummaryData) -> Ledger:
    """Every count of people the summary prints, and every equation a reader could write."""
    ledger = Ledger()
    figures = data.figures
    periods: dict[str, Period] = {"": figures.period}
    _period_cells(ledger, figures)
    if data.completeness is not None:
        _completeness_cells(ledger, data.completeness)
    if data.people is not None:
        _people_cells(ledger, data.people)
    for f in data.follow_ups:
        p = f"fu.{f.point.value}."
        for name in ("due", "contacted", "reached", "stable", "in_recovery", "employed"):
            ledger.add(p + name, getattr(f, name))
    if data.previous is not None:
        _comparison_cells(ledger, data.previous, "prev.")
        periods["prev."] = data.previous.period
    checkpoint = headline_checkpoint(data.checkpoints)
    for number, year in enumerate(data.trend, start=1):
        _year_cells(ledger, year, checkpoint, f"y{number}.")
        periods[f"y{number}."] = year.period
    for days, late in data.late_cohorts.items():
        _late_cells(ledger, late, f"c{days}.")
        periods[f"c{days}."] = late.cohort
    _across_periods(ledger, periods)
    return ledger


def _retention_cells(ledger: Ledger, days: int, retained: Share, still: int, positive: int,
                     p: str, *, parts: bool = True) -> None:  # fmt: skip
    """A checkpoint's eligible and retained admissions, and when ``parts`` (the retention
    table) those still here and those who left positively."""
    key = f"{p}ret{days}."
    ledger.add(key + "eligible", retained.of)
    ledger.add(key + "retained", retained.count)
    if not parts:
        return
    ledger.add(key + "still", still)
    ledger.add(key + "positive", positive)
    ledger.total(key + "retained", [key + "still", key + "positive"])


def _discharge_cells(ledger: Ledger, figures: OutcomeFigures | YearFigures, p: str,
                     *, full: bool) -> None:  # fmt: skip
    outcomes = figures.discharges
    ledger.add(f"{p}dis.total", outcomes.total)
    classes = {c: ledger.add(f"{p}dis.class.{c.value}", share.count) for c, share in
               outcomes.by_class if full or c is vocab.OutcomeClass.POSITIVE}  # fmt: skip
    if not full:
        return
    reasons = {r: ledger.add(f"{p}dis.reason.{r.value}", share.count) for r, share in
               outcomes.by_reason}  # fmt: skip
    ledger.total(f"{p}dis.total", list(reasons.values()))
    ledger.total(f"{p}dis.total", list(classes.values()))
    # The chart colours each reason by the class it usually has; where every discharge has
    # that class, a reader may add the bars up to a class, so the ledger does too.
    counts = dict(outcomes.by_reason)
    for outcome, key in classes.items():
        usual = [reasons[r] for r in reasons if r.default_outcome is outcome]
        if (
            sum(counts[r].count for r in reasons if r.default_outcome is outcome)
            == (ledger.values[key])
        ):
            ledger.total(key, usual)


def _period_cells(ledger: Ledger, f: OutcomeFigures, p: str = "") -> None:
    census = f.census
    ledger.add(f"{p}served", census.residents_served)
    ledger.add(f"{p}admissions", census.admissions)
    ledger.add(f"{p}readmissions", census.readmissions)
    ledger.add(f"{p}at_start", census.at_start)
    ledger.add(f"{p}at_as_of", census.at_as_of)
    for c in f.retention:
        _retention_cells(ledger, c.days, c.retained, c.still_here, c.positive_early, p)
    _discharge_cells(ledger, f, p, full=True)
    housing = f.housing
    ledger.add(f"{p}hs.stable", housing.exits_stable.count)
    ledger.add(f"{p}hs.homeless", housing.entered_homeless.count)
    ledger.add(f"{p}hs.homeless_stable", housing.homeless_to_stable.count)
    capital = f.recovery_capital
    ledger.add(f"{p}barc.scored", capital.change.residents_scored)
    ledger.add(f"{p}barc.paired", capital.change.first.of)
    ledger.add(f"{p}barc.first_at", capital.at_threshold_first.count)
    ledger.add(f"{p}barc.latest_at", capital.at_threshold_latest.count)
    ledger.add(f"{p}barc.improved", capital.change.improved.count)
    motivation = f.motivation
    ledger.add(f"{p}mot.scored", motivation.residents_scored)
    ledger.add(f"{p}mot.paired", motivation.first.of)
    parts = [
        ledger.add(f"{p}mot.improved", motivation.improved.count),
        ledger.add(f"{p}mot.unchanged", motivation.unchanged.count),
        ledger.add(f"{p}mot.worse", motivation.worse.count),
    ]
    ledger.total(f"{p}mot.paired", parts)
    rated = f.satisfaction
    ratings = [ledger.add(f"{p}sat.r{r}", share.count) for r, share in rated.distribution]
    ledger.add(f"{p}sat.ratings", rated.mean.of)
    ledger.total(f"{p}sat.ratings", ratings)
    ledger.add(f"{p}sat.residents", rated.residents)
    ledger.add(f"{p}dose.reached", f.dose.residents_reached)
    sup = f.supervision
    ledger.add(f"{p}sup.mentors", len(sup.mentors))
    ledger.add(f"{p}sup.overdue", sup.overdue.count)
    ledger.add(f"{p}sup.credentials", len(sup.credentials_expiring))


def _completeness_cells(ledger: Ledger, c: Completeness) -> None:
    """Residents missing a field are residents too: a BARC-10 is given in residence, so
    those without one are the residents served less those with one."""
    ledger.add("miss.birth", c.no_birth_date)
    ledger.add("miss.intake", c.no_intake_situation)
    ledger.add("miss.barc", c.no_barc)
    ledger.add("miss.exit", c.no_exit_situation)
    ledger.total("served", ["barc.scored", "miss.barc"])


# The group a breakdown counts, and the cell of its total.
PEOPLE_GROUPS = {"residents served": ("srv", "served"), "admissions": ("adm", "admissions"),
                 "discharges": ("dis", "dis.total")}  # fmt: skip


def people_key(group: str, question: str, answer: str) -> str:
    return f"who.{PEOPLE_GROUPS[group][0]}.{question}.{answer}"


def _people_cells(ledger: Ledger, people: PeopleFigures) -> None:
    """Each answer's count; each question's answers add up to its group."""
    for breakdown in people.all():
        keys = [
            ledger.add(people_key(breakdown.group, breakdown.question, code), n)
            for code, _label, n in breakdown.rows
        ]
        ledger.total(PEOPLE_GROUPS[breakdown.group][1], keys)


def _comparison_cells(ledger: Ledger, f: OutcomeFigures, p: str) -> None:
    """What the comparison prints of the previous period."""
    ledger.add(f"{p}served", f.census.residents_served)
    ledger.add(f"{p}admissions", f.census.admissions)
    for c in f.retention:
        _retention_cells(ledger, c.days, c.retained, 0, 0, p, parts=False)
    _discharge_cells(ledger, f, p, full=False)
    ledger.add(f"{p}hs.stable", f.housing.exits_stable.count)
    ledger.add(f"{p}barc.paired", f.recovery_capital.change.first.of)
    ledger.add(f"{p}barc.latest_at", f.recovery_capital.at_threshold_latest.count)
    ledger.add(f"{p}mot.paired", f.motivation.first.of)
    ledger.add(f"{p}mot.improved", f.motivation.improved.count)
    ledger.add(f"{p}sat.ratings", f.satisfaction.mean.of)
    ledger.add(f"{p}sup.mentors", len(f.supervision.mentors))
    ledger.add(f"{p}sup.overdue", f.supervision.overdue.count)


def _year_cells(ledger: Ledger, year: YearFigures, checkpoint: int | None, p: str) -> None:
    """What the trend prints of one year."""
    if year.retention is not None and checkpoint is not None:
        r = year.retention
        _retention_cells(ledger, checkpoint, r.retained, 0, 0, p, parts=False)
    _discharge_cells(ledger, year, p, full=False)
    ledger.add(f"{p}hs.stable", year.housing.exits_stable.count)
    ledger.add(f"{p}barc.paired", year.recovery_capital.change.first.of)
    ledger.add(f"{p}barc.latest_at", year.recovery_capital.at_threshold_latest.count)


def _late_cells(ledger: Ledger, late: LateCohort, p: str) -> None:
    """A checkpoint counted on earlier admissions: all of them eligible."""
    c = late.checkpoint
    _retention_cells(ledger, c.days, c.retained, c.still_here, c.positive_early, p)
    ledger.add(f"{p}admissions", c.retained.of)
    ledger.same(f"{p}admissions", f"{p}ret{c.days}.eligible")


def _across_periods(ledger: Ledger, periods: dict[str, Period]) -> None:
    """The same figure of one period printed again as another (a twelve-month period is also
    the trend's first year) is one cell; figures counted by date add up over periods laid end
    to end."""

    def own(prefix: str) -> dict[str, str]:
        """The period's keys, without their prefix."""
        others = [n for n in periods if n and n != prefix]
        return {
            key[len(prefix) :]: key
            for key in ledger.values
            if key.startswith(prefix) and not any(key.startswith(o) for o in others)
        }

    names = list(periods)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if periods[a] == periods[b]:
                keys_b = own(b)
                for rest, key in own(a).items():
                    if rest in keys_b:
                        ledger.same(key, keys_b[rest])
    spans = {name: (period.start, period.end) for name, period in periods.items()}
    for equation in period_equations(spans):
        for key in _ADDITIVE:
            terms = [(name + key, c) for name, c in equation.items()]
            if all(k in ledger.values for k, _ in terms):
                ledger.relate(terms)
