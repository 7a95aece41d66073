"""The audit log printout: who did what to which record, and whether the chain is whole.

Landscape, newest line first, every line whole (summaries and changed fields wrap rather than
being cut). Audit lines name residents, so every page carries the CONFIDENTIAL banner and the
42 CFR § 2.32 notice. Long logs are laid out a page at a time by :class:`WrappedRows`, which
measures each row once, so a 5,000-line printout costs no more than its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, TypeAlias

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer

from peerdesk.core.audit_log import AuditLogData, PrintedLine
from peerdesk.reports import styles as st

COLUMNS = (
    # key, heading, width in points (None: a share of what is left)
    ("id", "Line", 36.0),
    ("at", "When", 96.0),
    ("who", "Who", 66.0),
    ("action", "What", 66.0),
    ("record", "Record", 128.0),
    ("summary", "Summary", None),
    ("changes", "Fields changed", None),
)
WRAPPED = frozenset({"summary", "changes"})
CELL = ParagraphStyle("audit-cell", parent=st.CELL, fontSize=7.5, leading=9.2)
SUMMARY_SHARE = 0.55  # of the flexible width; the rest goes to the changed fields


Cell: TypeAlias = str | Paragraph  # a one-line text, or a paragraph that wraps


class WrappedRows(Flowable):  # type: ignore[misc]
    """A table whose rows wrap to several lines, split between pages by measured height.

    Plain strings are one line (cut to fit); Paragraphs wrap. Each row is measured once, and
    each page's piece draws its own rows straight onto the canvas under the headings, so a
    long log costs no more than its rows.
    """

    PAD = 4.0
    FONT_SIZE = 7.5

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        col_widths: Sequence[float],
        heights: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        self.header = list(header)
        self.rows = list(rows)
        self.col_widths = list(col_widths)
        self._heights = list(heights) if heights is not None else None
        self.header_height = 15.0

    def _row_heights(self) -> list[float]:
        if self._heights is None:
            line = self.FONT_SIZE * 1.3
            self._heights = [
                max(
                    line,
                    *(
                        cell.wrap(width - 2 * self.PAD, 10_000)[1]
                        for cell, width in zip(row, self.col_widths, strict=True)
                        if isinstance(cell, Paragraph)
                    ),
                )
                + 2 * self.PAD
                for row in self.rows
            ]
        return self._heights

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(self.col_widths)
        self.height = self.header_height + sum(self._row_heights())
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        heights = self._row_heights()
        room = available_height - self.header_height
        fits = 0
        used = 0.0
        while fits < len(heights) and used + heights[fits] <= room:
            used += heights[fits]
            fits += 1
        if fits >= len(self.rows):
            return [self]
        if fits == 0:
            return []  # not even one row: start on the next page
        return [
            WrappedRows(self.header, self.rows[:fits], self.col_widths, heights[:fits]),
            WrappedRows(self.header, self.rows[fits:], self.col_widths, heights[fits:]),
        ]

    def draw(self) -> None:
        canvas = self.canv
        heights = self._row_heights()
        lefts = [sum(self.col_widths[:i]) for i in range(len(self.col_widths))]
        top = self.height
        canvas.saveState()
        canvas.setFillColor(st.ACCENT)
        canvas.rect(0, top - self.header_height, self.width, self.header_height, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(st.BOLD, self.FONT_SIZE)
        for left, width, heading in zip(lefts, self.col_widths, self.header, strict=True):
            text = st.fit(heading, width - 2 * self.PAD, self.FONT_SIZE, st.BOLD)
            canvas.drawString(left + self.PAD, top - self.header_height + 4.5, text)
        y = top - self.header_height
        for index, (row, height) in enumerate(zip(self.rows, heights, strict=True)):
            if index % 2:
                canvas.setFillColor(st.ZEBRA)
                canvas.rect(0, y - height, self.width, height, stroke=0, fill=1)
            canvas.setFillColor(st.INK)
            canvas.setFont(st.FONT, self.FONT_SIZE)
            for left, width, cell in zip(lefts, self.col_widths, row, strict=True):
                if isinstance(cell, Paragraph):
                    # Wrapped to this width when the row was measured; drawn as it was laid.
                    cell.drawOn(canvas, left + self.PAD, y - self.PAD - cell.height)
                else:
                    text = st.fit(cell, width - 2 * self.PAD, self.FONT_SIZE)
                    canvas.drawString(left + self.PAD, y - self.PAD - self.FONT_SIZE + 1, text)
            y -= height
            canvas.setStrokeColor(st.RULE)
            canvas.setLineWidth(0.25)
            canvas.line(0, y, self.width, y)
        canvas.setStrokeColor(st.ACCENT)
        canvas.setLineWidth(0.5)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        canvas.restoreState()


def _widths(total: float) -> list[float]:
    fixed = sum(width for _, _, width in COLUMNS if width is not None)
    flexible = total - fixed
    shares = {"summary": SUMMARY_SHARE, "changes": 1 - SUMMARY_SHARE}
    return [width if width is not None else flexible * shares[key] for key, _, width in COLUMNS]


def _cells(line: PrintedLine) -> list[Cell]:
    when = f"{line.at.day} {line.at:%b %Y} {line.at:%H:%M:%S}"
    values = {
        "id": str(line.id),
        "at": when,
        "who": line.username,
        "action": line.action.replace("_", " "),
        "record": line.record,
        "summary": line.summary,
        "changes": line.changes,
    }
    return [
        Paragraph(st.markup(values[key]), CELL) if key in WRAPPED else values[key]
        for key, _, _ in COLUMNS
    ]


def audit_log_story(data: AuditLogData, width: float) -> list[Flowable]:
    story: list[Flowable] = []
    chain_style = st.BODY if data.chain.ok else st.H2
    story.append(st.paragraph(data.chain.sentence(), chain_style))
    shown = len(data.lines)
    if data.cut:
        lead = (
            f"The newest {shown:,} of {data.matching:,} lines ({data.filter_text}); narrow the "
            "dates or pick one person or record to print the rest."
        )
    else:
        lead = f"{st.plural(data.matching, 'line')} ({data.filter_text}), newest first."
    story.append(st.paragraph(lead, st.LEAD))
    story.append(Spacer(1, 4))
    if not data.lines:
        story.append(st.paragraph("No audit line matches these filters.", st.BODY))
        return story
    story.append(
        WrappedRows(
            [heading for _, heading, _ in COLUMNS],
            [_cells(line) for line in data.lines],
            _widths(width),
        )
    )
    return story


def render_audit_log(
    out: BinaryIO, data: AuditLogData, progress: st.Progress | None = None
) -> None:
    """The filtered audit lines with the chain's state, on landscape pages."""
    st.build_pdf(
        out,
        data.header,
        audit_log_story(data, st.frame_width(data.header, wide=True)),
        wide=True,
        progress=progress,
    )
