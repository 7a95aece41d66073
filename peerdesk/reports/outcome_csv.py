"""``export outcomes --csv DIR``: every table of the outcome summary as a CSV file.

The same tables as the printed summary (:mod:`peerdesk.reports.outcome_tables`), with the
same cells hidden as "*" in the de-identified copy, one file per table named after it, plus
``period.csv`` saying which period, which copy and what "*" means. Numbers are written without
thousands separators so a spreadsheet reads them as numbers; text that a spreadsheet would run
as a formula is made inert as in every other CSV export.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from peerdesk.core.exports import neutralise
from peerdesk.core.report_data import OutcomeSummaryData
from peerdesk.reports.outcome_cells import HIDDEN, Cells
from peerdesk.reports.outcome_tables import FigureTable, all_tables

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _plain(text: str) -> str:
    text = _THOUSANDS.sub("", text)
    return text if _NUMBER.fullmatch(text) else neutralise(text)


def write_outcome_csv(folder: Path, data: OutcomeSummaryData) -> list[Path]:
    """Write every table into ``folder`` (made if missing); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    cells = Cells.of(data)
    period = data.figures.period
    about = FigureTable(
        "period",
        "About these files",
        ("field", "value"),
        (
            ("house", data.header.house_name),
            ("from", period.start.isoformat()),
            ("to", period.end.isoformat()),
            ("as_of", period.as_of.isoformat()),
            ("copy", "identified" if data.identified else "de-identified"),
            ("grant", data.grant),
            (
                "hidden",
                ""
                if data.identified
                else f"{HIDDEN}: a count of 1 to 4 people, or a figure it could be worked out from",
            ),
        ),
    )
    written = []
    for table in [about, *all_tables(data, cells)]:
        path = folder / f"{table.name}.csv"
        tmp = path.with_name(path.name + ".part")
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(table.header)
            writer.writerows([_plain(cell) for cell in row] for row in table.rows)
        tmp.replace(path)
        written.append(path)
    return written
