"""The outcome summary's charts, drawn with ``reportlab.graphics`` (no other plotting stack).

Each function returns a :class:`Drawing` sized in points, ready to place in a story. A value
given as None is a hidden count: no bar is drawn and "*" is written in its place.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.textlabels import NA_Label
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib.colors import Color

from peerdesk.reports import styles as st
from peerdesk.reports.outcome_cells import HIDDEN


def _frame_axes(chart: VerticalBarChart | HorizontalBarChart) -> None:
    chart.valueAxis.labels.fontName = st.FONT
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fillColor = st.MUTED
    chart.valueAxis.strokeColor = st.RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = st.RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.categoryAxis.labels.fontName = st.FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = st.INK
    chart.categoryAxis.strokeColor = st.MUTED
    chart.barLabels.fontName = st.BOLD
    chart.barLabels.fontSize = 7
    chart.barLabels.fillColor = st.INK
    chart.naLabel = NA_Label()
    chart.naLabel.text = HIDDEN
    chart.naLabel.fontName = st.BOLD
    chart.naLabel.fontSize = 7
    chart.naLabel.fillColor = st.MUTED


def _title(drawing: Drawing, text: str, width: float, height: float) -> None:
    drawing.add(
        String(0, height - 10, st.printable(text), fontName=st.BOLD, fontSize=8, fillColor=st.INK)
    )


def percent_bars(
    title: str,
    categories: Sequence[str],
    percents: Sequence[float | None],
    labels: Sequence[str],
    *,
    width: float,
    height: float,
    colour: Color = st.SERIES[0],
) -> Drawing:
    """Vertical bars on a 0–100 % axis, each labelled (for example "93%")."""
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 30
    chart.width, chart.height = width - 36, height - 52
    chart.data = [list(percents)]
    chart.categoryAxis.categoryNames = [st.printable(c) for c in categories]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.barWidth = 10
    chart.groupSpacing = 14
    _frame_axes(chart)
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[st.printable(label) for label in labels]]
    chart.barLabels.nudge = 6
    chart.categoryAxis.labels.dy = -2
    drawing.add(chart)
    return drawing


def count_bars(
    title: str,
    categories: Sequence[str],
    counts: Sequence[int | None],
    bar_colours: Sequence[Color],
    *,
    width: float,
    height: float,
    legend: Sequence[tuple[Color, str]] = (),
) -> Drawing:
    """Horizontal bars of counts, one colour per bar (a discharge reason by its class)."""
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = HorizontalBarChart()
    label_room = 112
    below = 26 if legend else 0
    chart.x, chart.y = label_room, 14 + below
    chart.width, chart.height = width - label_room - 24, height - 30 - below
    # Top to bottom in the order given.
    chart.data = [list(reversed(counts))]
    chart.categoryAxis.categoryNames = [st.printable(c) for c in reversed(categories)]
    top = max([c for c in counts if c is not None] + [1])
    step = max(1, _nice_step(top))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, step * (-(-top // step))
    chart.valueAxis.valueStep = step
    for index, colour in enumerate(reversed(bar_colours)):
        chart.bars[(0, index)].fillColor = colour
    chart.bars.strokeColor = None
    _frame_axes(chart)
    chart.barLabelFormat = "%d"
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.naLabel.boxAnchor = "w"
    chart.naLabel.dx = 3
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    drawing.add(chart)
    if legend:
        key = Legend()
        key.x, key.y = 8, 6
        key.alignment = "right"
        key.columnMaximum = 1
        key.deltax = 64
        key.dxTextSpace = 3
        key.dx = key.dy = 6
        key.fontName = st.FONT
        key.fontSize = 6.5
        key.boxAnchor = "sw"
        key.colorNamePairs = [(colour, st.printable(name)) for colour, name in legend]
        drawing.add(key)
    return drawing


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 6:
            return step
    return int(10 ** len(str(top)))


def score_bars(
    title: str,
    categories: Sequence[str],
    values: Sequence[float | None],
    *,
    width: float,
    height: float,
    low: int,
    high: int,
    threshold: int,
    threshold_label: str,
) -> Drawing:
    """Mean scores as bars on the instrument's own axis, with a dashed threshold line."""
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 22
    chart.width, chart.height = width - 40, height - 44
    chart.data = [list(values)]
    chart.categoryAxis.categoryNames = [st.printable(c) for c in categories]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = low, high, 10
    chart.bars[0].strokeColor = None
    chart.bars[(0, 0)].fillColor = st.FAINT
    chart.bars[(0, 1)].fillColor = st.SERIES[1]
    chart.barWidth = 16
    chart.groupSpacing = 24
    _frame_axes(chart)
    chart.barLabelFormat = "%.1f"
    chart.barLabels.nudge = 6
    drawing.add(chart)
    y = chart.y + chart.height * (threshold - low) / (high - low)
    drawing.add(
        Line(
            chart.x,
            y,
            chart.x + chart.width,
            y,
            strokeColor=st.NEGATIVE,
            strokeWidth=0.9,
            strokeDashArray=[3, 2],
        )
    )
    drawing.add(
        String(
            chart.x + chart.width,
            y + 3,
            st.printable(threshold_label),
            fontName=st.FONT,
            fontSize=6.5,
            fillColor=st.NEGATIVE,
            textAnchor="end",
        )
    )
    return drawing


def grouped_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    width: float,
    height: float,
) -> Drawing:
    """Bars per category for several series (sessions by support type per month)."""
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 34
    chart.width, chart.height = width - 44, height - 66
    chart.data = [list(values) for _, values in series]
    chart.categoryAxis.categoryNames = [st.printable(c) for c in categories]
    top = max([v for _, values in series for v in values] + [1])
    step = _nice_step(top)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, step * (-(-top // step))
    chart.valueAxis.valueStep = step
    for index in range(len(series)):
        chart.bars[index].fillColor = st.SERIES[index % len(st.SERIES)]
        chart.bars[index].strokeColor = None
    chart.groupSpacing = 6
    chart.barSpacing = 0.5
    _frame_axes(chart)
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 0 if len(categories) <= 14 else 45
    if len(categories) > 14:
        chart.categoryAxis.labels.boxAnchor = "ne"
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = chart.x, height - 18
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 92
    legend.dxTextSpace = 4
    legend.fontName = st.FONT
    legend.fontSize = 7
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [
        (st.SERIES[i % len(st.SERIES)], st.printable(name)) for i, (name, _) in enumerate(series)
    ]
    legend.x = width - 4 * 92
    drawing.add(legend)
    return drawing
