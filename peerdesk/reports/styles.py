"""The one look every PeerDesk printout shares.

- Fonts: Bitstream Vera, which ships inside reportlab (so a Windows office PC needs nothing
  installed) and prints "§", "—", "–", "≥" and accented names. A character the font lacks is
  printed as its unaccented letter (ő → o) rather than as an empty box.
- Every page: the house's name and address and the report's title and period at the top;
  "Printed … by …" and "Page x of y" at the bottom. Pages of a report that names a resident
  also carry a CONFIDENTIAL banner at the top and the 42 CFR § 2.32 redisclosure notice above
  the footer.
- Letter or A4 from the house settings; portrait, or landscape for wide tables.
- :class:`PagedTable` lays out long tables one page at a time: each page's piece is a small
  table of exactly the rows that fit, with the header row, so a thousand-row roster costs no
  more than its rows and every page starts with the column headings.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, NamedTuple
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table

from peerdesk.core import dto, vocab
from peerdesk.core.report_data import ReportHeader

Progress = Callable[[float], None]
"""Called with the share of the report laid out so far (0–1). To cancel a long render, raise
from it: the exception ends the render and a file written with ``write_atomically`` is never
left half-written."""

# --------------------------------------------------------------------------- fonts

FONT = "PeerSans"
BOLD = "PeerSans-Bold"
ITALIC = "PeerSans-Italic"
BOLD_ITALIC = "PeerSans-BoldItalic"
_FONT_FILES = {
    FONT: "Vera.ttf",
    BOLD: "VeraBd.ttf",
    ITALIC: "VeraIt.ttf",
    BOLD_ITALIC: "VeraBI.ttf",
}


def _register_fonts() -> frozenset[int]:
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, filename in _FONT_FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


_SUPPORTED = _register_fonts()


def printable(text: str) -> str:
    """``text`` with every character the font cannot draw replaced by its plain letter."""
    if text.isascii() or all(ord(ch) in _SUPPORTED for ch in text):
        return text
    out = []
    for ch in text:
        if ord(ch) in _SUPPORTED or ch in "\n\t":
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) in _SUPPORTED for c in base) else "?")
    return "".join(out)


def markup(text: str) -> str:
    """Plain text made safe for a Paragraph (escaped, printable, line breaks kept)."""
    return escape(printable(text)).replace("\n", "<br/>")


plural = dto.counted  # ``1 resident``, ``3 residents`` on paper as on screen


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, font: str = FONT) -> float:
    # Cached: a roster measures the same mentors, dates and rooms hundreds of times.
    return float(pdfmetrics.stringWidth(text, font, size))


def fit(text: str, width: float, size: float, font: str = FONT) -> str:
    """``text`` cut with an ellipsis so it fits ``width`` points on one line."""
    text = printable(" ".join(text.split()))
    if text_width(text, size, font) <= width:
        return text
    while text and text_width(text + "…", size, font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --------------------------------------------------------------------------- colours


INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#52606D")
FAINT = colors.HexColor("#9AA5B1")
RULE = colors.HexColor("#CBD2D9")
ZEBRA = colors.HexColor("#F3F6F9")
ACCENT = colors.HexColor("#1D4E6B")
ACCENT_LIGHT = colors.HexColor("#E1ECF2")
GROUP_BG = colors.HexColor("#E8EEF3")
CONFIDENTIAL = colors.HexColor("#9B1C1C")
WARNING = colors.HexColor("#B45309")
WARNING_LIGHT = colors.HexColor("#FDF3E7")
POSITIVE = colors.HexColor("#2F7D6B")
NEUTRAL = colors.HexColor("#9AA5B1")
NEGATIVE = colors.HexColor("#C8553D")
SERIES = (
    colors.HexColor("#1D4E6B"),
    colors.HexColor("#3E8E7E"),
    colors.HexColor("#E0A526"),
    colors.HexColor("#C8553D"),
)
OUTCOME_COLOURS = {
    vocab.OutcomeClass.POSITIVE: POSITIVE,
    vocab.OutcomeClass.NEUTRAL: NEUTRAL,
    vocab.OutcomeClass.NEGATIVE: NEGATIVE,
}


# --------------------------------------------------------------------------- paragraph styles


def _style(name: str, size: float, *, font: str = FONT, **kw: Any) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.3)
    kw.setdefault("textColor", INK)
    return ParagraphStyle(name, fontName=font, fontSize=size, **kw)


TITLE = _style("title", 17, font=BOLD, textColor=ACCENT, spaceAfter=2, leading=21)
SUBTITLE = _style("subtitle", 9.5, textColor=MUTED, spaceAfter=10)
H1 = _style("h1", 12.5, font=BOLD, textColor=ACCENT, spaceBefore=12, spaceAfter=5)
H2 = _style("h2", 10, font=BOLD, spaceBefore=8, spaceAfter=3)
BODY = _style("body", 9, spaceAfter=4)
SMALL = _style("small", 7.5, textColor=MUTED, spaceAfter=3)
CELL = _style("cell", 8, leading=10)
CELL_BOLD = _style("cell-bold", 8, font=BOLD, leading=10)
CELL_RIGHT = _style("cell-right", 8, leading=10, alignment=TA_RIGHT)
CELL_MUTED = _style("cell-muted", 7.5, leading=9.5, textColor=MUTED)
HEADER_CELL = _style("header-cell", 7.5, font=BOLD, leading=9.5, textColor=colors.white)
LEAD = _style("lead", 8.5, textColor=MUTED, spaceAfter=6)
TILE_LABEL = _style("tile-label", 6.5, font=BOLD, textColor=MUTED, leading=8)
TILE_VALUE = _style("tile-value", 19, font=BOLD, textColor=ACCENT, leading=23)
TILE_CAPTION = _style("tile-caption", 7, textColor=MUTED, leading=8.6)
NOTICE = _style("notice", 6.1, leading=7.3, textColor=INK)
NOTICE_TITLE = _style("notice-title", 6.6, font=BOLD, leading=8, textColor=CONFIDENTIAL)


# --------------------------------------------------------------------------- the notice

CONFIDENTIAL_BANNER = (
    "CONFIDENTIAL  ·  Protected by federal law (42 CFR Part 2)  ·  Do not leave unattended; "
    "shred when done"
)

# 42 CFR § 2.32(a)(1), "Statement 1", as amended in 2024: the notice that must accompany a
# disclosure of records that identify a patient. Printed whole, word for word.
REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies: (i) Further use "
    "or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part "
    "2. (ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or (iii) You have received the record "
    "from a covered entity or business associate as permitted by 45 CFR part 164, subparts A "
    "and E. A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or redisclose "
    "the record (see 42 CFR 2.31)."
)
NOTICE_HEADING = "Notice of prohibition on redisclosure — 42 CFR § 2.32"


# --------------------------------------------------------------------------- page layout

SIDE = 40.0  # left and right margins, points
EDGE = 20.0  # what most office printers cannot print at the top and bottom


@dataclass(frozen=True)
class PageLayout:
    """Where the header, footer, banner and notice go on one size of page."""

    header: ReportHeader
    width: float
    height: float

    @property
    def banner(self) -> bool:
        return self.header.names_residents

    @property
    def header_top(self) -> float:
        """Baseline of the house's name."""
        return self.height - EDGE - (28 if self.banner else 12)

    @property
    def rule_y(self) -> float:
        return self.header_top - 24

    @property
    def frame_top(self) -> float:
        return self.rule_y - 10

    @property
    def footer_y(self) -> float:
        return EDGE + 4

    @functools.cached_property
    def notice(self) -> tuple[Paragraph, float, Paragraph, float]:
        """The notice's heading and text, wrapped once to the page's width, with heights."""
        inner = self.width - 2 * SIDE - 12
        heading = Paragraph(markup(NOTICE_HEADING), NOTICE_TITLE)
        body = Paragraph(markup(REDISCLOSURE_NOTICE), NOTICE)
        return heading, float(heading.wrap(inner, 1000)[1]), body, float(body.wrap(inner, 1000)[1])

    @property
    def notice_height(self) -> float:
        if not self.banner:
            return 0.0
        _, heading_h, _, body_h = self.notice
        return heading_h + body_h + 10

    @property
    def frame_bottom(self) -> float:
        bottom = self.footer_y + 14
        if self.banner:
            bottom += self.notice_height + 6
        return bottom + 6

    def decorate(self, canvas: Canvas, page: int, pages: int) -> None:
        """Draw everything around the frame on one page."""
        h = self.header
        width, height = self.width, self.height
        canvas.saveState()
        if self.banner:
            canvas.setFillColor(CONFIDENTIAL)
            canvas.rect(SIDE, height - EDGE - 16, width - 2 * SIDE, 16, stroke=0, fill=1)
            canvas.setFillColor(colors.white)
            canvas.setFont(BOLD, 7.5)
            banner = fit(CONFIDENTIAL_BANNER, width - 2 * SIDE - 12, 7.5, BOLD)
            canvas.drawCentredString(width / 2, height - EDGE - 11, banner)
        # Header: the house on the left, the report on the right, a rule under both.
        half = (width - 2 * SIDE) / 2 - 8
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 11)
        canvas.drawString(SIDE, self.header_top, fit(h.house_name, half, 11, BOLD))
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 7.5)
        where = " · ".join(p for p in (" ".join(h.address.split()), h.phone.strip()) if p)
        canvas.drawString(SIDE, self.header_top - 12, fit(where, half, 7.5))
        canvas.setFillColor(ACCENT)
        canvas.setFont(BOLD, 11)
        canvas.drawRightString(width - SIDE, self.header_top, fit(h.title, half, 11, BOLD))
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 7.5)
        canvas.drawRightString(width - SIDE, self.header_top - 12, fit(h.subtitle, half, 7.5))
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.2)
        canvas.line(SIDE, self.rule_y, width - SIDE, self.rule_y)
        # The notice, in a box above the footer.
        if self.banner:
            top = self.footer_y + 14 + self.notice_height
            canvas.setStrokeColor(CONFIDENTIAL)
            canvas.setLineWidth(0.6)
            canvas.setFillColor(colors.HexColor("#FBF3F3"))
            canvas.rect(SIDE, self.footer_y + 14, width - 2 * SIDE, self.notice_height, fill=1)
            heading, heading_h, body, body_h = self.notice
            heading.drawOn(canvas, SIDE + 6, top - 5 - heading_h)
            body.drawOn(canvas, SIDE + 6, top - 5 - heading_h - body_h)
        # Footer.
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(SIDE, self.footer_y + 9, width - SIDE, self.footer_y + 9)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 7)
        stamp = h.generated_at
        printed = (
            f"Printed {stamp.day} {stamp:%b %Y} at {stamp:%H:%M} by {h.generated_by} · PeerDesk"
        )
        canvas.drawString(SIDE, self.footer_y, printable(printed))
        canvas.setFont(BOLD, 7)
        canvas.drawRightString(width - SIDE, self.footer_y, f"Page {page} of {pages}")
        canvas.restoreState()


def page_size(paper: vocab.PaperSize, *, wide: bool = False) -> tuple[float, float]:
    size = A4 if paper == vocab.PaperSize.A4 else LETTER
    return landscape(size) if wide else size  # type: ignore[no-any-return]


def _numbered_canvas(layout: PageLayout) -> type[Canvas]:
    """A canvas that holds its pages until the end, so each can say "Page x of y"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                layout.decorate(self, number, pages)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


class _Document(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, out: BinaryIO, layout: PageLayout, progress: Progress | None) -> None:
        header = layout.header
        super().__init__(
            out,
            pagesize=(layout.width, layout.height),
            leftMargin=SIDE,
            rightMargin=SIDE,
            topMargin=layout.height - layout.frame_top,
            bottomMargin=layout.frame_bottom,
            title=printable(f"{header.title} — {header.house_name}"),
            author=printable(header.house_name),
            subject=printable(header.subtitle),
            creator="PeerDesk",
        )
        frame = Frame(
            SIDE,
            layout.frame_bottom,
            layout.width - 2 * SIDE,
            layout.frame_top - layout.frame_bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self._progress = progress
        self._total = 1
        self._done = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        self._done += 1
        if self._progress is not None:
            self._progress(min(0.99, self._done / self._total))


def frame_width(header: ReportHeader, *, wide: bool = False) -> float:
    """The width a report's story can use."""
    return page_size(header.paper_size, wide=wide)[0] - 2 * SIDE


def build_pdf(
    out: BinaryIO,
    header: ReportHeader,
    story: list[Flowable],
    *,
    wide: bool = False,
    progress: Progress | None = None,
) -> None:
    """Lay ``story`` out on pages with the shared header, footer and notice, into ``out``."""
    width, height = page_size(header.paper_size, wide=wide)
    layout = PageLayout(header, width, height)
    document = _Document(out, layout, progress)
    document._total = max(1, len(story))
    document.build(story, canvasmaker=_numbered_canvas(layout))
    if progress is not None:
        progress(1.0)


# --------------------------------------------------------------------------- tables


class GroupRow(NamedTuple):
    """A heading row spanning the whole table: "Phase I · 12 residents"."""

    label: str


def table_style(header_rows: int = 1) -> list[tuple[Any, ...]]:
    """The commands every PeerDesk table starts from."""
    return [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("FONT", (0, 0), (-1, header_rows - 1), BOLD, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), colors.white),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), ACCENT),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE),
        ("BOX", (0, 0), (-1, -1), 0.5, ACCENT),
    ]


def zebra(first_row: int, count: int) -> list[tuple[Any, ...]]:
    return [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(first_row + 1, count, 2)]


class PagedTable(Flowable):  # type: ignore[misc]
    """A long table of one-line rows, laid out a page at a time.

    Rows are sequences of plain strings (cut to their column's width) or :class:`GroupRow`
    headings. When the table breaks across a page, the next page's piece starts with the
    column headings and, inside a group, the group's heading marked "(continued)"; a group
    heading is never left alone at the foot of a page.
    """

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str] | GroupRow],
        col_widths: Sequence[float],
        *,
        align: Sequence[str] = (),
        row_height: float = 14,
        font_size: float = 8,
        header_height: float = 15,
        tick_column: int | None = None,
        min_rows: int = 3,
        extra_style: Sequence[tuple[Any, ...]] = (),
    ) -> None:
        super().__init__()
        self.header = list(header)
        self.rows = list(rows)
        self.col_widths = list(col_widths)
        self.align = list(align) or ["LEFT"] * len(self.col_widths)
        self.row_height = row_height
        self.font_size = font_size
        self.header_height = header_height
        self.tick_column = tick_column
        self.min_rows = min_rows
        self.extra_style = list(extra_style)

    def _piece(self, rows: list[Sequence[str] | GroupRow]) -> PagedTable:
        return PagedTable(
            self.header,
            rows,
            self.col_widths,
            align=self.align,
            row_height=self.row_height,
            font_size=self.font_size,
            header_height=self.header_height,
            tick_column=self.tick_column,
            min_rows=self.min_rows,
            extra_style=self.extra_style,
        )

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(self.col_widths)
        self.height = self.header_height + len(self.rows) * self.row_height
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fits = int((available_height - self.header_height) // self.row_height)
        if fits >= len(self.rows):
            return [self]
        if fits < min(self.min_rows, len(self.rows)):
            return []  # start on the next page instead of leaving a stub
        while fits > 1 and isinstance(self.rows[fits - 1], GroupRow):
            fits -= 1  # never a group heading alone at the foot of the page
        rest = self.rows[fits:]
        if not isinstance(rest[0], GroupRow):
            group = next((r for r in reversed(self.rows[:fits]) if isinstance(r, GroupRow)), None)
            if group is not None:
                rest = [GroupRow(f"{group.label} (continued)"), *rest]
        return [self._piece(self.rows[:fits]), self._piece(rest)]

    def _table(self) -> Table:
        pad = 8
        data: list[list[str]] = [
            [fit(h, w - pad, 7.5, BOLD) for h, w in zip(self.header, self.col_widths, strict=True)]
        ]
        style = table_style()
        style.append(("FONTSIZE", (0, 1), (-1, -1), self.font_size))
        for column, how in enumerate(self.align):
            if how != "LEFT":
                style.append(("ALIGN", (column, 0), (column, -1), how))
        shade = False
        for index, row in enumerate(self.rows, start=1):
            if isinstance(row, GroupRow):
                data.append(
                    [fit(row.label, sum(self.col_widths) - pad, 8.5, BOLD)]
                    + [""] * (len(self.col_widths) - 1)
                )
                style += [
                    ("SPAN", (0, index), (-1, index)),
                    ("BACKGROUND", (0, index), (-1, index), GROUP_BG),
                    ("FONT", (0, index), (-1, index), BOLD, 8.5),
                    ("TEXTCOLOR", (0, index), (-1, index), ACCENT),
                    ("ALIGN", (0, index), (-1, index), "LEFT"),
                ]
                shade = False
                continue
            data.append(
                [
                    fit(str(cell), width - pad, self.font_size)
                    for cell, width in zip(row, self.col_widths, strict=True)
                ]
            )
            if shade:
                style.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
            shade = not shade
        style += self.extra_style
        return Table(
            data,
            colWidths=self.col_widths,
            rowHeights=[self.header_height] + [self.row_height] * len(self.rows),
            style=style,
        )

    def draw(self) -> None:
        table = self._table()
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)
        if self.tick_column is None:
            return
        # An empty box to tick in each resident's row (not on the heading rows).
        left = sum(self.col_widths[: self.tick_column])
        size = min(8.0, self.row_height - 5)
        x = left + (self.col_widths[self.tick_column] - size) / 2
        self.canv.saveState()
        self.canv.setStrokeColor(MUTED)
        self.canv.setLineWidth(0.6)
        for index, row in enumerate(self.rows):
            if isinstance(row, GroupRow):
                continue
            top = self.height - self.header_height - index * self.row_height
            self.canv.rect(x, top - (self.row_height + size) / 2, size, size, stroke=1, fill=0)
        self.canv.restoreState()


# Labels and values without rules or shading: the details blocks of face sheets and reports.
QUIET_TABLE: list[tuple[Any, ...]] = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
]


def label_value_table(
    pairs: Sequence[tuple[str, str]], widths: tuple[float, float], *, columns: int = 1
) -> Table:
    """A quiet two-column (or 2×n) table of labels and values for details blocks."""
    cells = [
        (Paragraph(markup(label), CELL_MUTED), Paragraph(markup(value) or "—", CELL))
        for label, value in pairs
    ]
    per_column = -(-len(cells) // columns)
    data = []
    for r in range(per_column):
        line: list[Any] = []
        for c in range(columns):
            index = c * per_column + r
            line += list(cells[index]) if index < len(cells) else ["", ""]
        data.append(line)
    table = Table(data, colWidths=list(widths) * columns, hAlign="LEFT")
    table.setStyle(QUIET_TABLE)
    return table


def paragraph(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(markup(text), style)


LEFT, RIGHT = TA_LEFT, TA_RIGHT
