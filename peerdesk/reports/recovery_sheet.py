"""The printable recovery sheet: the house's recovery key and how to restore with it.

Printed once when a recovery key is made and kept in a locked drawer, away from the USB
drive. It must make sense to a house manager years later, on a new PC, with nobody to ask.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from peerdesk.core import clock, vocab
from peerdesk.core.backup import RecoverySheet

TITLE = "PeerDesk recovery sheet"
_MARGIN = 18 * mm
_PAD = 6  # a platypus frame's own padding, so header, text and box share one left edge
INK = colors.HexColor("#1f2937")
MUTED = colors.HexColor("#4b5563")
RULE = colors.HexColor("#9ca3af")

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14.5, textColor=INK)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=9, leading=12, textColor=MUTED)
_H1 = ParagraphStyle("h1", parent=_BODY, fontName="Helvetica-Bold", fontSize=20, leading=24)
_H2 = ParagraphStyle(
    "h2", parent=_BODY, fontName="Helvetica-Bold", fontSize=12.5, leading=16, spaceBefore=10
)
_STEP = ParagraphStyle("step", parent=_BODY, spaceAfter=3)
_GROUP_NUMBER = ParagraphStyle(
    "group_number", parent=_SMALL, fontSize=8, leading=9, alignment=TA_CENTER
)
_GROUP = ParagraphStyle(
    "group",
    parent=_BODY,
    fontName="Courier-Bold",
    fontSize=28,
    leading=32,
    alignment=TA_CENTER,
)
_WARNING = ParagraphStyle(
    "warning", parent=_BODY, fontName="Helvetica-Bold", fontSize=10.5, alignment=TA_CENTER
)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _date(stamp: Any) -> str:
    local = clock.to_local(stamp)
    return f"{local.day} {local:%b %Y}"


def _draw_frame(canvas: Any, house: str, generated: str, total: int) -> None:
    """Header (house name, title) and footer (warning, printed when and by whom, page x of y)."""
    width, height = canvas._pagesize
    left, right = _MARGIN + _PAD, width - _MARGIN - _PAD
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(left, height - 14 * mm, house)
    canvas.setFont("Helvetica", 9)
    canvas.drawRightString(right, height - 14 * mm, TITLE)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(left, height - 16 * mm, right, height - 16 * mm)
    canvas.line(left, 15 * mm, right, 15 * mm)
    canvas.setFillColor(MUTED)
    canvas.setFont("Helvetica-Bold", 8.5)
    canvas.drawString(left, 11 * mm, "KEEP LOCKED AWAY: this sheet opens the house's backups")
    canvas.setFont("Helvetica", 8.5)
    canvas.drawRightString(
        right, 11 * mm, f"{generated} · page {canvas.getPageNumber()} of {total}"
    )
    canvas.restoreState()


def _key_table(sheet: RecoverySheet, width: float) -> Table:
    groups = sheet.key_text.split("-")
    rows: list[list[Flowable]] = []
    for start in (0, 4):
        rows.append([Paragraph(str(n + 1), _GROUP_NUMBER) for n in range(start, start + 4)])
        rows.append([Paragraph(g, _GROUP) for g in groups[start : start + 4]])
    table = Table(rows, colWidths=[width / 4] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, INK),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f3f4f6")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 10),
                ("BOTTOMPADDING", (0, 3), (-1, 3), 12),
                ("TOPPADDING", (0, 0), (-1, 0), 10),
            ]
        )
    )
    return table


def render_recovery_sheet(out: BinaryIO, sheet: RecoverySheet) -> None:
    """Write the one-page recovery sheet for ``sheet`` as a PDF into ``out``."""
    pagesize = A4 if sheet.paper_size == vocab.PaperSize.A4 else LETTER
    house = sheet.house_name or "This house"
    made = _date(sheet.made_at)
    steps = [
        "Install PeerDesk on the new PC and open it.",
        "Plug in the USB drive that holds the backups. They are files named "
        "<b>PeerDesk-(house)-(date and time).pdbk</b>; the newest has the latest date.",
        "In PeerDesk, open the <b>House</b> menu and choose <b>Restore a backup…</b>, then "
        "pick the newest backup file on the drive.",
        "When PeerDesk asks how to open the backup, choose <b>The recovery key from the "
        "printed sheet</b> and type the 32 letters and digits above. Capital or small letters "
        "both work and the dashes can be left out; the letter O counts as zero, and I or L as "
        "one.",
        "PeerDesk checks the whole backup and shows what it holds (residents, sessions, the "
        "date it was made). If that looks right, confirm. The house's records come back, and "
        "a copy of whatever was on the PC before is kept.",
    ]

    def story_for(width: float) -> list[Flowable]:
        return [
            Paragraph(f"Recovery key for {_esc(house)}", _H1),
            Spacer(1, 4 * mm),
            Paragraph(
                f"This key opens every backup of {_esc(house)} made from {made} on, even if "
                "nobody remembers the backup passphrase. Anyone who holds it can open those "
                "backups and read every resident's records, so keep this sheet in a locked "
                "drawer, away from the USB drive.",
                _BODY,
            ),
            Spacer(1, 6 * mm),
            KeepTogether(
                [
                    _key_table(sheet, width),
                    Spacer(1, 2 * mm),
                    Paragraph(
                        f"Key ID <b>{sheet.key_id}</b> · made on {made} by {_esc(sheet.made_by)}",
                        _SMALL,
                    ),
                ]
            ),
            Paragraph("To bring the house back on a new PC", _H2),
            ListFlowable(
                [ListItem(Paragraph(text, _STEP), leftIndent=14) for text in steps],
                bulletType="1",
                bulletFontName="Helvetica-Bold",
                leftIndent=14,
                spaceBefore=2,
            ),
            Paragraph("If PeerDesk says the key is not right", _H2),
            Paragraph(
                "Check each group of four against this sheet: PeerDesk names the group that "
                "has a typing mistake. If it says the backup needs a key with another ID, that "
                "backup was made before this sheet, with an older recovery key.",
                _BODY,
            ),
            Paragraph("If this sheet is lost, or someone saw it", _H2),
            Paragraph(
                "Make a new recovery key in PeerDesk (<b>House</b> menu, <b>Recovery "
                "sheet…</b>), print its sheet, and make a new USB backup (<b>House</b> menu, "
                "<b>Back up to USB drive…</b>). Backups made before still open with this old "
                "key, so once the new backup is verified, delete the older ones from the drive.",
                _BODY,
            ),
            Spacer(1, 4 * mm),
            Paragraph(
                "For whoever helps with computers: the same restore from a command prompt is "
                "<font name='Courier'>peerdesk-cli --db (database file) restore (backup file) "
                "--recovery-key-file (text file holding the key)</font>.",
                _SMALL,
            ),
        ]

    generated = clock.to_local(clock.now_utc()).strftime("Printed %d %b %Y %H:%M")
    generated += f" by {sheet.made_by}"
    # Built twice: the first pass only counts the pages for "page x of y".
    counter = io.BytesIO()
    pages = _build(counter, pagesize, house, story_for, lambda c, d: None)
    _build(out, pagesize, house, story_for, lambda c, d: _draw_frame(c, house, generated, pages))


def _build(
    out: BinaryIO,
    pagesize: tuple[float, float],
    house: str,
    story_for: Callable[[float], list[Flowable]],
    on_page: Callable[[Any, Any], None],
) -> int:
    doc = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"{TITLE}: {house}",
        author="PeerDesk",
    )
    doc.build(story_for(doc.width - 2 * _PAD), onFirstPage=on_page, onLaterPages=on_page)
    return int(doc.page)
