"""Screenshots of every page of the import wizard over a small demo house (a script, not a test).

    python tests/ui/import_screenshots.py [--out DIR] [--scales 1.0,1.5]

Builds a 12-bed, one-year demo house in a temporary folder, writes a messy spreadsheet the
way a house's Excel would (BOM, semicolons, an ambiguous date, a duplicate of a resident
already in the house, wrong rows) and a 2,000-row sheet, then photographs each page of the
wizard on a 1366×768 offscreen screen — once per font scale (1.5 = the 150 % font check) —
ending with a real import into the temporary house. Prints the path of every PNG.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.ui.shot_screen import prepare

WORK = prepare("peerdesk-import-shots-")

from PySide6.QtCore import QEvent, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWizard  # noqa: E402
from sqlalchemy import select  # noqa: E402

from peerdesk.core.audit import Actor  # noqa: E402
from peerdesk.core.db import Database  # noqa: E402
from peerdesk.core.demo import build_demo_house  # noqa: E402
from peerdesk.core.imports import RowStatus  # noqa: E402
from peerdesk.core.models import Resident  # noqa: E402
from peerdesk.paths import default_paths  # noqa: E402
from peerdesk.ui.context import RecordEvents, UiContext  # noqa: E402
from peerdesk.ui.dialogs.import_wizard import ImportWizard  # noqa: E402


def messy_sheet(db: Database, folder: Path) -> Path:
    """A house's sheet as Excel saves it in Europe: BOM, semicolons, CRLF, mixed dates."""
    with db.read() as s:
        known = s.execute(
            select(Resident.first_name, Resident.last_name, Resident.date_of_birth)
            .where(Resident.date_of_birth.is_not(None))
            .limit(1)
        ).one()
    lines = [
        "First Name;Last;DOB;Move-in;Room #;Bed;Phase;Notes;;",
        'José;O\'Neil;3/7/1990;06/01/2026;201;A;SOS;"likes; coffee";;',
        "Ann;Lee;1985-07-13;7 Jun 2026;201;B;Phase I;;;",
        f"{known.first_name};{known.last_name};{known.date_of_birth.isoformat()};"
        "2026-06-02;202;A;SOS;already here;;",
        "Marcus;Bell;31/31/1979;2026-06-03;202;B;SOS;;;",
        "Dee;Park;1992-02-29;2026-06-04;203;A;Phase 9;;;",
        "Luis;Ortega;12/25/1988;2026-06-05;203;B;MT I;;;",
        "Keisha;Brown;1990-10-10;2026-06-05;;;SOS;;;",
    ]
    path = folder / "house sheet.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def big_sheet(folder: Path, rows: int = 2000) -> Path:
    lines = ["First Name,Last Name,DOB,Intake Date,Phase"]
    for n in range(rows):
        lines.append(f"Person{n},Family{n},19{50 + n % 50}-0{1 + n % 9}-1{n % 9},2026-05-01,SOS")
    path = folder / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wait(app: QApplication, wizard: ImportWizard) -> None:
    task = wizard.task
    if task is not None:
        task.wait(60_000)
    app.processEvents()


def _read(path: Path) -> Callable[[ImportWizard], None]:
    def act(w: ImportWizard) -> None:
        w.file_page.path_edit.setText(str(path))
        w.read_file(path)

    return act


def _leave_out(field: str) -> Callable[[ImportWizard], None]:
    def act(w: ImportWizard) -> None:
        assert w.mapping is not None
        column = w.mapping.column_of(field)
        assert column is not None
        w.columns_page.combos[column].setCurrentIndex(0)

    return act


def _choose(field: str, column: int) -> Callable[[ImportWizard], None]:
    def act(w: ImportWizard) -> None:
        combo = w.columns_page.combos[column]
        combo.setCurrentIndex(combo.findData(field))

    return act


def _select_wrong(w: ImportWizard) -> None:
    assert w.preview is not None
    w.check_page.select_line(w.preview.wrong[0].line)


def _only(status: RowStatus) -> Callable[[ImportWizard], None]:
    return lambda w: w.check_page.filter_buttons[status].click()


def _correct_date_of_birth(w: ImportWizard) -> None:
    w.check_page.fix_edits[2].setText("1979-03-31")
    w.check_page.fix_button.click()


def _day_first_then_check(w: ImportWizard) -> None:
    w.columns_page.day_first.click()
    w.next()


def _import(w: ImportWizard) -> None:
    w.button(QWizard.WizardButton.CommitButton).click()


def photograph(app: QApplication, out: Path, suffix: str) -> None:
    """Every page of the wizard over a fresh demo house, at the application's font now."""
    folder = WORK / f"house{suffix}"
    folder.mkdir()
    db = Database.open(folder / "demo.sqlite3")
    build_demo_house(db, beds=12, years=1)
    paths = default_paths().with_db(db.path)
    ctx = UiContext(
        db=db,
        actor=Actor.local_administrator(),
        paths=paths,
        settings=QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat),
        events=RecordEvents(),
        is_demo=True,
    )
    messy = messy_sheet(db, folder)
    big = big_sheet(folder)
    old = folder / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(600))

    def walk(steps: list[tuple[str, Callable[[ImportWizard], None]]]) -> None:
        wizard = ImportWizard(None, ctx)
        wizard.show()
        for name, act in steps:
            act(wizard)
            wait(app, wizard)
            path = out / f"{name}{suffix}.png"
            wizard.grab().save(str(path))
            print(f"{path}  {wizard.width()}×{wizard.height()}")
        wizard.reject()
        wizard.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    walk(
        [
            ("import-1-file-empty", lambda w: None),
            ("import-1-file-unreadable", _read(old)),
            ("import-1-file-read", _read(messy)),
            ("import-2-columns", lambda w: w.next()),
            ("import-2-columns-missing", _leave_out("intake_date")),
            ("import-2-columns-day-first", _choose("intake_date", 3)),
            ("import-3-check", _day_first_then_check),
            ("import-3-check-wrong-row", _select_wrong),
            ("import-3-check-duplicates", _only(RowStatus.DUPLICATE)),
            ("import-3-check-wrong-only", _only(RowStatus.WRONG)),
            ("import-3-check-corrected", _correct_date_of_birth),
            ("import-4-done", _import),
        ]
    )
    walk(
        [
            ("import-1-file-2000-rows", _read(big)),
            ("import-2-columns-2000-rows", lambda w: w.next()),
            ("import-3-check-2000-rows", lambda w: w.next()),
        ]
    )
    db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "peerdesk-import")
    parser.add_argument("--scales", default="1.0,1.5", help="font scales, e.g. 1.0,1.5")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication(sys.argv[:1])
    base_font = app.font()
    for scale in (float(s) for s in args.scales.split(",")):
        font = app.font()
        font.setPointSizeF(base_font.pointSizeF() * scale)
        app.setFont(font)
        photograph(app, args.out, "" if scale == 1.0 else f"@{round(scale * 100)}")
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
