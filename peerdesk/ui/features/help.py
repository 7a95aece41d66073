"""The Help menu: the user guide (F1) and About PeerDesk.

Both windows are imported when first opened, so start-up does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerdesk.ui.main_window import MainWindow


def install(window: MainWindow) -> None:
    menu = window.menu("help")
    guide = window.add_action(
        window.tr("&User guide"),
        lambda: show_guide(window),
        "F1",
        tip=window.tr("How to use PeerDesk, step by step (F1)"),
    )
    menu.addAction(guide)
    menu.addSeparator()
    about = window.add_action(
        window.tr("&About PeerDesk"),
        lambda: show_about(window),
        tip=window.tr("The version, and where the records, backups and log are kept"),
    )
    menu.addAction(about)


def show_guide(window: MainWindow, page: str = "index.html") -> None:
    from peerdesk.ui.dialogs.guide import GuideWindow

    GuideWindow.present(window, window.ctx, page)


def show_about(window: MainWindow) -> None:
    from peerdesk.ui.dialogs.about import AboutDialog

    AboutDialog.ask(window, window.ctx)
