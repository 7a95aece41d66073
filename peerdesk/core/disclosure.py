"""Small-cell hiding that also hides the cells a small one could be worked out from.

A printed table of counts is a set of equations: the discharges by reason add up to all
discharges, those retained are those still here plus those who left positively, this year's
discharges plus last year's are the discharges of the two years. Hiding a count of 1–4 people
is not enough when the others in one of its equations are printed: it is the total minus the
rest. So besides the small cells themselves (*primary* hiding), enough other cells are hidden
(*complementary* hiding) that no hidden small count is determined by what is printed.

A :class:`Ledger` holds the printed counts of people by key and the equations between them.
:func:`cells_to_hide` works out which to hide:

- a hidden count is *determined* when the equations fix it: exactly (linear algebra over the
  rationals on the hidden counts, the printed ones moved to the right-hand side), or because
  hidden counts that can only be zero or more must add up to zero;
- while a hidden count of 1–4 is determined, one more cell is hidden: the smallest count
  above zero that shares an equation with it (a total only when no part is left), so as little
  as possible of what a funder reads is lost.

Every hidden cell is printed with the same mark, so nothing tells a small cell from a
complementary one. Percentages and means built on a hidden count are hidden by the printer.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

SMALL_CELL = 5  # counts of people from 1 to SMALL_CELL - 1 are never printed


def is_small(value: int) -> bool:
    return 0 < value < SMALL_CELL


@dataclass(frozen=True)
class Equation:
    """Σ coefficient × cell = 0 over printed counts."""

    terms: tuple[tuple[str, int], ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.terms)


@dataclass
class Ledger:
    """Printed counts of people, by key, and the equations a reader could write between them."""

    values: dict[str, int] = field(default_factory=dict)
    equations: list[Equation] = field(default_factory=list)
    totals: set[str] = field(default_factory=set)  # cells that are a sum of others
    _alias: dict[str, str] = field(default_factory=dict)  # a cell printed again → the first

    def add(self, key: str, value: int) -> str:
        known = self.values.get(key)
        if known is not None and known != value:
            raise ValueError(f"cell {key} given twice: {known} and {value}")
        self.values[key] = int(value)
        return key

    def total(self, total: str, parts: Sequence[str]) -> None:
        """``total`` = the sum of ``parts`` (every key already added)."""
        self.totals.add(total)
        self.relate([(total, 1), *((part, -1) for part in parts)])

    def same(self, a: str, b: str) -> None:
        """The same figure printed in two places (or two periods that are one): one cell,
        hidden everywhere or nowhere."""
        first, second = self.cell(a), self.cell(b)
        if first != second:
            if self.values[first] != self.values[second]:
                raise ValueError(f"cells {a} and {b} are one figure but differ")
            self._alias[second] = first

    def cell(self, key: str) -> str:
        """The one key that stands for ``key`` and every key printed as the same figure."""
        while key in self._alias:
            key = self._alias[key]
        return key

    def cells(self) -> dict[str, int]:
        """The distinct cells (one key for each figure printed in several places)."""
        return {k: v for k, v in self.values.items() if k not in self._alias}

    def solved(self) -> Ledger:
        """The same ledger over distinct cells only (equations rewritten on them)."""
        plain = Ledger(values=self.cells(), totals={self.cell(k) for k in self.totals})
        for equation in self.equations:
            plain.relate((self.cell(k), c) for k, c in equation.terms)
        return plain

    def relate(self, terms: Iterable[tuple[str, int]]) -> None:
        merged: dict[str, int] = {}
        for key, coefficient in terms:
            if key not in self.values:
                raise KeyError(f"cell {key} is not in the ledger")
            merged[key] = merged.get(key, 0) + coefficient
        kept = tuple((key, c) for key, c in merged.items() if c)
        if len(kept) >= 2:
            self.equations.append(Equation(kept))


def cells_to_hide(ledger: Ledger) -> frozenset[str]:
    """The keys to print as hidden: every count of 1–4 and the complementary cells that keep
    each of them from being worked out (a figure printed in several places everywhere)."""
    hidden = _cells_to_hide(ledger.solved())
    return frozenset(key for key in ledger.values if ledger.cell(key) in hidden)


def _cells_to_hide(ledger: Ledger) -> frozenset[str]:
    hidden = {key for key, value in ledger.values.items() if is_small(value)}
    neighbours: dict[str, set[str]] = {}
    for equation in ledger.equations:
        for key in equation.keys:
            neighbours.setdefault(key, set()).update(equation.keys)
    while True:
        exposed = sorted(k for k in determined(ledger, hidden) if is_small(ledger.values[k]))
        if not exposed:
            return frozenset(hidden)
        pick = _complement_for(ledger, exposed[0], hidden, neighbours)
        if pick is None:  # cannot happen: a determined cell shares an equation with a printed one
            raise RuntimeError(f"no cell left to hide for {exposed[0]}")
        hidden.add(pick)


def _complement_for(
    ledger: Ledger, key: str, hidden: set[str], neighbours: Mapping[str, set[str]]
) -> str | None:
    """The printed cell to hide next so that ``key`` is no longer worked out: the smallest
    count above zero among the cells sharing an equation with it or with the hidden cells it
    is linked to, parts before totals (a total is the cell readers look for)."""
    seen, frontier, printed = {key}, [key], set[str]()
    while frontier and not printed:
        reached = set[str]()
        for cell in frontier:
            for other in neighbours.get(cell, ()):
                if other in seen:
                    continue
                seen.add(other)
                (reached if other in hidden else printed).add(other)
        frontier = sorted(reached)
    if not printed:
        return None
    return min(
        sorted(printed),
        key=lambda k: (ledger.values[k] == 0, k in ledger.totals, ledger.values[k]),
    )


def determined(ledger: Ledger, hidden: set[str] | frozenset[str]) -> set[str]:
    """The hidden cells a reader can work out exactly from the printed ones."""
    known: dict[str, Fraction] = {}
    while True:
        unknown = sorted(k for k in hidden if k not in known)
        found = _by_elimination(ledger, unknown, known)
        found.update(_by_zero_sum(ledger, unknown, known))
        if not found:
            return set(known)
        known.update(found)


def _rows(
    ledger: Ledger, unknown: Sequence[str], known: Mapping[str, Fraction]
) -> list[tuple[dict[str, Fraction], Fraction]]:
    """Each equation as (coefficients of the unknown cells, right-hand side)."""
    unknown_set = set(unknown)
    rows = []
    for equation in ledger.equations:
        coefficients: dict[str, Fraction] = {}
        rhs = Fraction(0)
        for key, c in equation.terms:
            if key in unknown_set:
                coefficients[key] = Fraction(c)
            else:
                value = known.get(key, Fraction(ledger.values[key]))
                rhs -= c * value
        if coefficients:
            rows.append((coefficients, rhs))
    return rows


def _by_elimination(
    ledger: Ledger, unknown: Sequence[str], known: Mapping[str, Fraction]
) -> dict[str, Fraction]:
    """Gauss–Jordan elimination; an unknown is fixed when a reduced row holds it alone."""
    rows = [(dict(c), rhs) for c, rhs in _rows(ledger, unknown, known)]
    pivots: list[tuple[str, dict[str, Fraction], Fraction]] = []
    for column in unknown:
        index = next((i for i, (c, _) in enumerate(rows) if c.get(column)), None)
        if index is None:
            continue
        coefficients, rhs = rows.pop(index)
        scale = coefficients[column]
        coefficients = {k: v / scale for k, v in coefficients.items()}
        rhs /= scale

        def reduce(
            c: dict[str, Fraction],
            r: Fraction,
            pc: dict[str, Fraction],
            pr: Fraction,
            column: str = column,
        ) -> tuple[dict[str, Fraction], Fraction]:
            factor = c.get(column)
            if not factor:
                return c, r
            out = dict(c)
            for k, v in pc.items():
                out[k] = out.get(k, Fraction(0)) - factor * v
                if not out[k]:
                    del out[k]
            return out, r - factor * pr

        rows = [reduce(c, r, coefficients, rhs) for c, r in rows]
        pivots = [(p, *reduce(c, r, coefficients, rhs)) for p, c, r in pivots]
        pivots.append((column, coefficients, rhs))
    return {p: rhs for p, c, rhs in pivots if list(c) == [p]}


def _by_zero_sum(
    ledger: Ledger, unknown: Sequence[str], known: Mapping[str, Fraction]
) -> dict[str, Fraction]:
    """Counts are never below zero: unknowns of one sign adding up to zero are all zero."""
    found: dict[str, Fraction] = {}
    for coefficients, rhs in _rows(ledger, unknown, known):
        signs = {c > 0 for c in coefficients.values()}
        if rhs == 0 and len(signs) == 1:
            found.update(dict.fromkeys(coefficients, Fraction(0)))
    return found


def period_equations(periods: Mapping[str, tuple[dt.date, dt.date]]) -> list[dict[str, int]]:
    """Integer combinations of periods that cancel day for day (``{"a": 1, "b": -1, "c": -1}``
    when period a is b and c laid end to end): the same combination of any figure counted by
    date (admissions, discharges, ratings) is then zero too. ``periods`` maps a name to its
    first and last day, both included."""
    names = sorted(periods)
    # Half-open runs of days [edge, next edge) that no period boundary cuts.
    edges = sorted(
        {start for start, _ in periods.values()}
        | {end + dt.timedelta(days=1) for _, end in periods.values()}
    )
    matrix = [
        [Fraction(int(periods[n][0] <= low and high <= periods[n][1] + dt.timedelta(days=1)))
         for n in names]
        for low, high in itertools.pairwise(edges)
    ]  # fmt: skip
    return [
        {names[i]: int(v) for i, v in enumerate(vector) if v}
        for vector in _null_space(matrix, len(names))
    ]


def _null_space(matrix: list[list[Fraction]], columns: int) -> list[list[Fraction]]:
    """A basis of the integer vectors x with matrix · x = 0 (each scaled to whole numbers)."""
    rows = [row[:] for row in matrix]
    pivot_columns: list[int] = []
    rank = 0
    for column in range(columns):
        index = next((i for i in range(rank, len(rows)) if rows[i][column]), None)
        if index is None:
            continue
        rows[rank], rows[index] = rows[index], rows[rank]
        scale = rows[rank][column]
        rows[rank] = [v / scale for v in rows[rank]]
        for i in range(len(rows)):
            if i != rank and rows[i][column]:
                factor = rows[i][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        pivot_columns.append(column)
        rank += 1
    basis = []
    for free in (c for c in range(columns) if c not in pivot_columns):
        vector = [Fraction(0)] * columns
        vector[free] = Fraction(1)
        for row_index, pivot in enumerate(pivot_columns):
            vector[pivot] = -rows[row_index][free]
        lcm = 1
        for v in vector:
            lcm = math.lcm(lcm, v.denominator)
        basis.append([v * lcm for v in vector])
    return basis
