"""Screenshots of printing from the window, to look at (a script, not a test).

    python tests/ui/report_screenshots.py [--out DIR] [--scales 1.0,1.5]

Builds a 24-bed, two-year demo house in a temporary folder and, on a 1366×768 offscreen
screen, saves the report dialog on each report, the dialog refusing an option, the preview
of a resident roster and of the outcome summary, and the tabs with their print buttons —
once per font scale (1.5 = the 150 % font check). Prints the path of every PNG.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.ui.shot_screen import prepare

WORK = prepare("peerdesk-report-shots-")

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from peerdesk.app import build_context, build_window, make_application, open_settings  # noqa: E402
from peerdesk.core.db import Database  # noqa: E402
from peerdesk.core.demo import build_demo_house  # noqa: E402
from peerdesk.paths import Paths  # noqa: E402
from peerdesk.ui import printouts  # noqa: E402
from peerdesk.ui.dialogs.report_preview import ReportPreview  # noqa: E402
from peerdesk.ui.dialogs.reports import ReportDialog  # noqa: E402
from peerdesk.ui.main_window import MainWindow  # noqa: E402
from peerdesk.ui.printouts import ReportRequest  # noqa: E402


def _wait(ms: int) -> None:
    """Run the event loop for ``ms`` (the preview draws its pages on a worker thread)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _save(widget: QWidget, path: Path) -> None:
    QCoreApplication.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise SystemExit(f"Could not write {path}.")
    size = widget.size()
    print(f"{path}  {size.width()}×{size.height()}")


def _render(window: MainWindow, request: ReportRequest) -> printouts.RenderedReport:
    folder = printouts.new_render_folder()
    return printouts.render_report(
        window.ctx.db, window.ctx.actor, request, folder, lambda _f: None, lambda: False
    )


def _preview(window: MainWindow, request: ReportRequest, path: Path, page: int = 1) -> None:
    preview = ReportPreview(window, window.ctx, _render(window, request))
    preview.show()
    preview.go_to_page(page)
    _wait(1500)
    _save(preview, path)
    preview.reject()
    preview.deleteLater()


def shoot(window: MainWindow, out: Path) -> None:
    from peerdesk.core import report_data as rd

    ctx = window.ctx
    for name in printouts.available_reports(ctx.db, ctx.actor):
        dialog = ReportDialog(window, ctx, name)
        dialog.show()
        _save(dialog, out / f"dialog-{name}.png")
        if name == "facesheet":
            dialog.pages[name].chosen.setChecked(True)
            dialog.pages[name].find.setText("a")
            _save(dialog, out / "dialog-facesheet-chosen.png")
            dialog.ok_button.click()
            _save(dialog, out / "dialog-facesheet-refused.png")
        if name == "outcomes":
            dialog.pages[name].identified.setChecked(True)
            _save(dialog, out / "dialog-outcomes-identified.png")
        dialog.reject()
        dialog.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    _preview(window, ReportRequest("roster", rd.RosterOptions()), out / "preview-roster.png")
    _preview(
        window,
        ReportRequest("roster", rd.RosterOptions(rd.RosterGrouping.ROOM, contacts=True)),
        out / "preview-roster-contacts.png",
    )
    _preview(window, ReportRequest("outcomes", rd.OutcomeOptions()), out / "preview-outcomes.png")
    _preview(
        window,
        ReportRequest("outcomes", rd.OutcomeOptions()),
        out / "preview-outcomes-page-2.png",
        page=2,
    )
    for tab in (window.residents, window.sessions, window.supervision):
        window.tabs.setCurrentWidget(tab)
        tab.ensure_loaded()
        tab.view.selectRow(0)
        _save(window, out / f"tab-{tab.settings_key}.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "peerdesk-reports"
    )
    parser.add_argument("--scales", default="1.0,1.5", help="font scales, e.g. 1.0,1.5")
    args = parser.parse_args(argv)
    app = make_application()
    assert isinstance(app, QApplication)
    started = time.perf_counter()
    db = Database.open(WORK / "peerdesk.sqlite3")
    build_demo_house(db, beds=24, years=2, seed=1)
    base = app.font()
    try:
        for scale in (float(s) for s in args.scales.split(",")):
            font = app.font()
            font.setPointSizeF(base.pointSizeF() * scale)
            app.setFont(font)
            folder = WORK / f"profile-{scale}"
            paths = Paths(db=db.path, data_dir=folder, config_dir=folder / "config", log_dir=folder)
            window = build_window(build_context(db, paths, open_settings(paths)))
            window.show()
            out = args.out if scale == 1.0 else args.out / f"{round(scale * 100)}"
            shoot(window, out)
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.setFont(base)
    finally:
        db.close()
        shutil.rmtree(WORK, ignore_errors=True)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
