"""No hidden count of 1–4 people in the de-identified outcome summary can be worked out.

Houses of many shapes are generated (hypothesis); for each, the de-identified summary's CSV
files (the same tables and hiding as the PDF) are read back as a reader would read them, and
every equation that reader could write is set up from the definitions (DESIGN.md), not from
the code that hides the cells:

- the discharges by reason add up to all discharges, and so do the outcome classes (and a
  class is the sum of the reasons usually in it, when that holds);
- retained = still here + left positively; a printed percentage bounds its count;
- the motivation changes add up to the residents paired; the ratings to all ratings; each
  funders' question's answers to the residents served, the admissions or the discharges;
- "a of b" ties the count a to the count b printed elsewhere; the residents served are
  those with a BARC-10 plus those the completeness table says have none;
- the same figure of the same period printed twice (a twelve-month period is also the
  trend's first year) is one number; admissions, discharges, positive discharges and exits to
  stable housing of periods laid end to end add up.

Then, for every hidden cell whose true value (from the identified copy) is 1–4, an integer
program finds the smallest and largest value consistent with everything printed: they must
differ. Reading the identified copy back also checks that identified prints no "*".
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from peerdesk.core import clock, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.funder_vocab import FollowUpPoint, YesNo
from peerdesk.core.report_data import OutcomeOptions, gather_outcome_summary
from peerdesk.core.services import assessments, follow_ups, residents, stay_answers
from peerdesk.core.services.stay_answers import QUESTIONS
from peerdesk.reports.outcome_csv import write_outcome_csv
from tests import factories as f
from tests.figures import tally

TODAY = dt.date(2026, 6, 15)
R = vocab.DischargeReason
EXITS = ["recovery_housing", "own_rent", "street", "shelter", "family_friends", "unknown"]
ENTRIES = ["street", "shelter", "jail", "family_friends"]


# --------------------------------------------------------------------------- houses


@st.composite
def stays(draw: st.DrawFn) -> dict[str, object]:
    intake = TODAY - dt.timedelta(days=draw(st.integers(0, 1000)))
    length = draw(st.one_of(st.none(), st.integers(1, 500)))
    discharge = intake + dt.timedelta(days=length) if length is not None else None
    return {
        "intake": intake,
        "discharge": discharge if discharge is not None and discharge <= TODAY else None,
        "reason": draw(st.sampled_from(list(R))),
        "exit": draw(st.sampled_from(EXITS)),
        "entry": draw(st.sampled_from(ENTRIES)),
        "barc": draw(st.lists(st.lists(st.integers(1, 6), min_size=10, max_size=10), max_size=3)),
        "readiness": draw(st.lists(st.integers(0, 10), max_size=3)),
        "rating": draw(st.one_of(st.none(), st.integers(1, 5))),
        # A 6-month follow-up, when its time has come: (reached, in recovery, employed).
        "follow_up": draw(
            st.one_of(st.none(), st.tuples(st.booleans(), st.booleans(), st.booleans()))
        ),
        # Answers to a few of the funders' questions (the rest stay unknown).
        "answers": {
            question: draw(st.sampled_from([m.value for m in enum]))
            for question, (enum, _label) in QUESTIONS.items()
            if question in ("gender", "veteran", "employment_entry", "employment_exit")
        },
    }


PERIODS = st.sampled_from(
    [
        (None, None, None),  # the default: twelve months up to today
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 6, 15)),
        (dt.date(2025, 7, 1), dt.date(2026, 6, 14), None),
        (dt.date(2024, 6, 15), dt.date(2026, 6, 14), None),
        (dt.date(2025, 12, 15), dt.date(2026, 6, 14), None),
    ]
)


def build(db: Database, admin: Actor, house: list[dict[str, object]]) -> None:
    with db.begin() as s:
        for number, stay in enumerate(house):
            intake = stay["intake"]
            assert isinstance(intake, dt.date)
            person = f.resident(
                s, admin, f"R{number}", "House", intake=intake, living=str(stay["entry"])
            ).id
            for offset, items in enumerate(stay["barc"]):  # type: ignore[arg-type]
                day = min(TODAY, intake + dt.timedelta(days=20 * offset))
                assessments.record_assessment(
                    s, admin,
                    assessments.AssessmentEntry(person, day, vocab.Instrument.BARC10, items=items),
                )  # fmt: skip
            for offset, score in enumerate(stay["readiness"]):  # type: ignore[arg-type]
                day = min(TODAY, intake + dt.timedelta(days=15 * offset + 1))
                assessments.record_assessment(
                    s, admin,
                    assessments.AssessmentEntry(person, day, vocab.Instrument.READINESS,
                                                score=score),
                )  # fmt: skip
            if stay["rating"] is not None:
                assessments.record_assessment(
                    s, admin,
                    assessments.AssessmentEntry(person, intake, vocab.Instrument.SATISFACTION,
                                                score=int(stay["rating"])),  # type: ignore[arg-type]
                )  # fmt: skip
            answers = stay["answers"]
            assert isinstance(answers, dict)
            stay_id = residents.get_resident(s, person).stays[-1].id
            stay_answers.record_answers(s, admin, stay_id, answers)
            if stay["discharge"] is not None:
                residents.discharge_resident(
                    s, admin, person,
                    residents.Discharge(stay["discharge"], stay["reason"],  # type: ignore[arg-type]
                                        exit_living_situation=str(stay["exit"])),
                )  # fmt: skip
                contact = stay["discharge"] + dt.timedelta(days=182)  # type: ignore[operator]
                if stay["follow_up"] is not None and contact <= TODAY:
                    reached, recovering, working = stay["follow_up"]  # type: ignore[misc]
                    yes_no = {True: YesNo.YES, False: YesNo.NO}
                    follow_ups.record_follow_up(
                        s, admin,
                        follow_ups.FollowUpEntry(
                            stay_id, FollowUpPoint.SIX_MONTHS, contact, reached,
                            "own_rent" if reached else None,
                            yes_no[recovering] if reached else YesNo.UNKNOWN,
                            yes_no[working] if reached else YesNo.UNKNOWN,
                        ),
                    )  # fmt: skip


# --------------------------------------------------------------------------- reading back


@dataclass
class Reading:
    """What a reader learns: each count by name (None when hidden), equations, bounds."""

    values: dict[str, int | None] = field(default_factory=dict)
    stars: int = 0  # cells printed hidden
    equations: list[dict[str, int]] = field(default_factory=list)
    percents: list[tuple[str, str, int]] = field(default_factory=list)  # count, of, printed %
    periods: dict[str, tuple[dt.date, dt.date, dt.date]] = field(default_factory=dict)

    def seen(self, name: str, text: str) -> None:
        text = text.strip()
        value = None if text == "*" else int(text.replace(",", ""))
        self.stars += value is None
        if self.values.get(name) is None:
            self.values[name] = value

    def share(self, count: str, of: str, text: str) -> None:
        """``a of b``, ``p% (a of b)``, ``a of b (p%)`` or ``— (a of b)``."""
        match = re.search(r"([\d,*]+) of ([\d,*]+)", text)
        assert match, text
        self.seen(count, match.group(1))
        self.seen(of, match.group(2))
        percent = re.search(r"(\d+)%", text)
        if percent:
            self.percents.append((count, of, int(percent.group(1))))

    def total(self, total: str, parts: list[str]) -> None:
        equation: dict[str, int] = defaultdict(int)
        equation[total] += 1
        for part in parts:
            equation[part] -= 1
        self.equations.append(dict(equation))


def _rows(folder: Path, name: str) -> list[list[str]]:
    path = folder / f"{name}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def _span(text: str) -> tuple[dt.date, dt.date]:
    start, end = text.split(" to ")
    return (
        dt.datetime.strptime(start.strip(), "%d %b %Y").date(),
        dt.datetime.strptime(end.strip(), "%d %b %Y").date(),
    )


def read(folder: Path) -> Reading:
    r = Reading()
    about = dict(_rows(folder, "period"))
    as_of = dt.date.fromisoformat(about["as_of"])
    r.periods["P"] = (dt.date.fromisoformat(about["from"]), dt.date.fromisoformat(about["to"]),
                      as_of)  # fmt: skip
    for label, value in _rows(folder, "census"):
        name = {"Residents served": "served", "Admissions": "admissions",
                "Readmissions among them": "readmissions"}.get(label, label)  # fmt: skip
        r.seen(f"P.{name}", value)
    for days, admitted, eligible, still, positive, retained in _rows(folder, "retention"):
        n = days.split()[0]
        p = "P"
        if admitted != "in the period":
            start, end = _span(admitted)
            p = f"C{n}"
            r.periods[p] = (start, end, as_of)
            r.total(f"{p}.admissions", [f"{p}.ret{n}.eligible"])
        r.seen(f"{p}.ret{n}.eligible", eligible)
        r.seen(f"{p}.ret{n}.still", still)
        r.seen(f"{p}.ret{n}.positive", positive)
        r.values.setdefault(f"{p}.ret{n}.retained", None)
        r.total(f"{p}.ret{n}.retained", [f"{p}.ret{n}.still", f"{p}.ret{n}.positive"])
        if retained.endswith("%"):
            r.percents.append((f"{p}.ret{n}.retained", f"{p}.ret{n}.eligible",
                               int(retained.rstrip("%"))))  # fmt: skip
    reasons = []
    usual: dict[str, list[str]] = defaultdict(list)
    for label, klass, count in _rows(folder, "discharges_by_reason"):
        reasons.append(f"P.reason.{label}")
        usual[klass].append(f"P.reason.{label}")
        r.seen(f"P.reason.{label}", count)
    classes = []
    for label, count, _share in _rows(folder, "discharges_by_class"):
        if label == "All discharges":
            r.seen("P.dis", count)
        else:
            classes.append(f"P.class.{label}")
            r.seen(f"P.class.{label}", count)
    if reasons:
        r.total("P.dis", reasons)
        r.total("P.dis", classes)
        for klass, members in usual.items():
            r.total(f"P.class.{klass}", members)  # kept only if true (see below)
    housing = _rows(folder, "housing")
    if housing:
        r.share("P.stable", "P.dis", housing[0][1] + " " + housing[0][2])
        r.share("P.homeless", "P.dis", housing[1][1] + " " + housing[1][2])
        r.share("P.homeless_stable", "P.homeless", housing[2][1] + " " + housing[2][2])
    barc = {row[0]: row for row in _rows(folder, "recovery_capital")}
    for label, row in barc.items():
        if label == "Residents with two scored days":
            r.seen("P.barc.paired", row[1])
        elif label == "Residents with a BARC-10 in the period":
            r.seen("P.barc.scored", row[1])
        elif label.startswith("At or above") or label == "Improved":
            name = {"Improved": "improved"}.get(label, "first" if "first" in label else "latest")
            r.share(f"P.barc.{name}", "P.barc.paired", row[1] + " " + row[2])
    mot = {row[0]: row for row in _rows(folder, "motivation")}
    if mot:
        r.seen("P.mot.paired", mot["Residents with two scored days"][1])
        for label in ("Improved", "No change", "Lower"):
            r.share(f"P.mot.{label}", "P.mot.paired", mot[label][1] + " " + mot[label][2])
        r.total("P.mot.paired", [f"P.mot.{x}" for x in ("Improved", "No change", "Lower")])
    sat = _rows(folder, "satisfaction")
    if sat:
        counts, shares = sat[0], sat[1]
        for rating in range(1, 6):
            r.seen(f"P.sat.{rating}", counts[rating])
            if shares[rating].endswith("%") and shares[rating] != "<1%":
                r.percents.append((f"P.sat.{rating}", "P.sat.all", int(shares[rating][:-1])))
        r.seen("P.sat.all", counts[6])
        r.total("P.sat.all", [f"P.sat.{x}" for x in range(1, 6)])
    for row in _rows(folder, "supervision"):
        if row[0].startswith("Peer mentors who worked"):
            r.seen("P.mentors", row[1])
        elif row[0].startswith("Overdue"):
            r.share("P.overdue", "P.mentors", row[1])
    missing = {"Birth date": "birth", "Living situation at intake": "intake",
               "A BARC-10 in the period": "barc", "Living situation at exit": "exit"}  # fmt: skip
    for label, of, records, count in _rows(folder, "completeness"):
        if label not in missing:  # a funders' question: its "Unknown" of who_was_served
            r.seen(f"P.who.{of}.{label}.Unknown", count)
            continue
        r.seen(f"P.miss.{missing[label]}", count)
        r.seen("P.dis" if label == "Living situation at exit" else "P.served", records)
    if "P.miss.barc" in r.values:
        # A BARC-10 is given in residence: those without one are the rest of those served.
        r.total("P.served", ["P.barc.scored", "P.miss.barc"])
    totals = {"residents served": "P.served", "admissions": "P.admissions", "discharges": "P.dis"}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group, question, answer, count, share in _rows(folder, "who_was_served"):
        name = f"P.who.{group}.{question}.{answer}"
        r.seen(name, count)
        groups[(group, question)].append(name)
        if share.endswith("%") and share != "<1%":
            r.percents.append((name, totals[group], int(share[:-1])))
    for (group, _question), names in groups.items():
        r.total(totals[group], names)  # each question's answers add up to its group
    for point, due, *shares in _rows(folder, "follow_up"):
        k = f"P.fu.{point}."
        r.seen(k + "due", due)
        for name, text in zip(("contacted", "reached"), shares[:2], strict=True):
            r.share(k + name, k + "due", text)
        for name, text in zip(("stable", "recovery", "employed"), shares[2:], strict=True):
            r.share(k + name, k + "reached", text)
    comparison = _rows(folder, "comparison")
    if comparison:
        with (folder / "comparison.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        start, end = _span(header[2])
        r.periods["Q"] = (start, end, end)
        for row in comparison:
            label = row[0]
            for p, text in (("P", row[1]), ("Q", row[2])):
                plain = {"Residents served": "served", "Admissions": "admissions",
                         "Discharges": "dis"}  # fmt: skip
                if label in plain:
                    r.seen(f"{p}.{plain[label]}", text)
                elif headline_share(r, p, label, text):
                    pass
                elif label == "Motivation improved":
                    r.share(f"{p}.mot.Improved", f"{p}.mot.paired", text)
                elif label.startswith("Peer mentors overdue"):
                    r.share(f"{p}.overdue", f"{p}.mentors", text)
    trend = _rows(folder, "trend")
    for number, row in enumerate(trend, start=1):
        p = f"Y{number}"
        start, end = _span(row[0])
        r.periods[p] = (start, end, as_of if number == 1 else end)
        if "of" in row[1]:
            n = 90
            r.share(f"{p}.ret{n}.retained", f"{p}.ret{n}.eligible", row[1])
        r.share(f"{p}.class.Positive", f"{p}.dis", row[3])
        r.share(f"{p}.stable", f"{p}.dis", row[4])
        r.share(f"{p}.barc.latest", f"{p}.barc.paired", row[5])
    for row in _rows(folder, "headline"):
        label = row[0]
        for p, text in (("P", row[1]), ("Q", row[2])):
            if "of" in text:
                headline_share(r, p, label, text)
    return r


def headline_share(r: Reading, p: str, label: str, text: str) -> bool:
    """A headline figure ("62% (18 of 29)") of period ``p``, read by its row's label; False
    for a row that is not one."""
    if label.startswith("Retained at"):
        n = label.split()[2]
        r.share(f"{p}.ret{n}.retained", f"{p}.ret{n}.eligible", text)
    elif label == "Positive discharges":
        r.share(f"{p}.class.Positive", f"{p}.dis", text)
    elif label == "Exits to stable housing":
        r.share(f"{p}.stable", f"{p}.dis", text)
    elif label.startswith("BARC-10"):
        r.share(f"{p}.barc.latest", f"{p}.barc.paired", text)
    else:
        return False
    return True


def across_periods(r: Reading) -> None:
    """One figure of one period printed twice is one number; counts by date add up."""
    names = sorted(r.periods)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if r.periods[a] == r.periods[b]:
                for key in list(r.values):
                    if key.startswith(a + "."):
                        other = b + key[len(a) :]
                        if other in r.values:
                            r.total(key, [other])
    # Periods laid end to end: the day-by-day null space of their cover matrix.
    edges = sorted({s for s, _, _ in r.periods.values()}
                   | {e + dt.timedelta(days=1) for _, e, _ in r.periods.values()})  # fmt: skip
    cover = np.array(
        [[float(r.periods[n][0] <= lo and hi <= r.periods[n][1] + dt.timedelta(days=1))
          for n in names] for lo, hi in itertools.pairwise(edges)]
    )  # fmt: skip
    if cover.size == 0:
        return
    _u, sing, vt = np.linalg.svd(cover)
    rank = int((sing > 1e-9).sum())
    for vector in vt[rank:]:
        scale = max(abs(vector))
        coefficients = {n: Fraction(v / scale).limit_denominator(12) for n, v in
                        zip(names, vector, strict=True) if abs(v / scale) > 1e-6}  # fmt: skip
        if not coefficients:
            continue
        lcm = int(np.lcm.reduce([c.denominator for c in coefficients.values()]))
        for figure in ("admissions", "dis", "class.Positive", "stable"):
            keys = {f"{n}.{figure}": int(c * lcm) for n, c in coefficients.items()}
            if all(k in r.values for k in keys):
                r.equations.append(keys)


def range_of(r: Reading, target: str) -> tuple[int, int]:
    """The least and greatest value of ``target`` consistent with everything printed."""
    unknown = sorted(k for k, v in r.values.items() if v is None)
    index = {k: i for i, k in enumerate(unknown)}
    rows, low, high = [], [], []
    for equation in r.equations:
        row = np.zeros(len(unknown))
        rhs = 0.0
        for key, c in equation.items():
            if r.values.get(key) is None:
                row[index[key]] += c
            else:
                rhs -= c * r.values[key]  # type: ignore[operator]
        if row.any():
            rows.append(row)
            low.append(rhs)
            high.append(rhs)
    for count, of, percent in r.percents:
        if r.values.get(of) is None:
            continue  # a percentage is never printed of a hidden count; nothing to bound
        row = np.zeros(len(unknown))
        if r.values.get(count) is not None:
            continue
        row[index[count]] = 1
        rows.append(row)
        low.append((percent - 0.5) / 100 * r.values[of] - 1e-9)  # type: ignore[operator]
        high.append((percent + 0.5) / 100 * r.values[of] + 1e-9)  # type: ignore[operator]
    constraints = [LinearConstraint(np.array(rows), low, high)] if rows else []
    bounds = Bounds(np.zeros(len(unknown)), np.full(len(unknown), 10_000))
    integral = np.ones(len(unknown))
    ends = []
    for sign in (1, -1):
        objective = np.zeros(len(unknown))
        objective[index[target]] = sign
        found = milp(objective, constraints=constraints, bounds=bounds, integrality=integral)
        assert found.success, found.message
        ends.append(round(found.x[index[target]]))
    return ends[0], ends[1]


# --------------------------------------------------------------------------- the property


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(house=st.lists(stays(), min_size=3, max_size=28), period=PERIODS)
def test_no_hidden_small_count_can_be_worked_out(
    template_db: Path,
    admin: Actor,
    monkeypatch: pytest.MonkeyPatch,
    house: list[dict[str, object]],
    period: tuple[dt.date | None, dt.date | None, dt.date | None],
) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "house.sqlite3"
        shutil.copyfile(template_db, path)
        db = Database.open(path)
        try:
            build(db, admin, house)
            start, end, as_of = period
            copies = {}
            for identified in (False, True):
                options = OutcomeOptions(start, end, as_of, identified=identified)
                with db.read() as s:
                    data = gather_outcome_summary(s, admin, options)
                out = Path(folder) / ("identified" if identified else "deidentified")
                write_outcome_csv(out, data)
                copies[identified] = read(out)
        finally:
            db.close()
    truth, printed = copies[True], copies[False]
    assert truth.stars == 0, "the identified copy hides nothing"
    for key, value in list(truth.values.items()):
        if value is None and key.endswith(".retained"):  # printed there as a percentage only
            base = key.removesuffix("retained")
            truth.values[key] = truth.values[base + "still"] + truth.values[base + "positive"]
    # Only equations that hold: a reader may assume a class is its usual reasons, but where
    # the house recorded another class that equation is simply false, not a disclosure.
    printed.equations = [
        e for e in printed.equations
        if sum(c * (truth.values.get(k) or 0) for k, c in e.items()) == 0
    ]  # fmt: skip
    across_periods(printed)
    for key in list(printed.values):
        truth.values.setdefault(key, 0)
    small = sorted(k for k, v in printed.values.items() if v is None and 0 < truth.values[k] < 5)
    for key in small:
        least, most = range_of(printed, key)
        assert least < most, f"{key} = {truth.values[key]} can be worked out from the summary"
    tally("de-identified summaries solved, no hidden count worked out")
