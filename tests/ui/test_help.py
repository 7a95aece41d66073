"""Help → User guide and Help → About PeerDesk, through the real window."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerdesk import __version__, guide
from peerdesk.core.db import Database
from peerdesk.ui import main_window
from peerdesk.ui.dialogs import about as about_dialog
from peerdesk.ui.dialogs import guide as guide_dialog
from peerdesk.ui.dialogs.about import AboutDialog
from peerdesk.ui.dialogs.guide import GuideWindow
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.tabs.base import plain
from tests.ui.dialog_support import control_problems
from tests.window_support import Messages, open_window


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def window(qtbot: QtBot, db: Database, tmp_path: Path, shown: Messages) -> MainWindow:
    return open_window(qtbot, db, tmp_path / "profile")


def menu_action(window: MainWindow, path: tuple[str, ...]) -> QAction | None:
    """The action at ``path`` (menu title, entry) as a person reads them, or None."""
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None or plain(top.text()) != path[0]:
            continue
        for action in menu.actions():
            if plain(action.text()).removesuffix("…") == path[1].removesuffix("…"):
                return action
    return None


def open_guide(qtbot: QtBot, window: MainWindow) -> GuideWindow:
    action = menu_action(window, ("Help", "User guide"))
    assert action is not None
    action.trigger()
    (found,) = window.findChildren(GuideWindow)
    qtbot.waitExposed(found)
    return found


def page_text(guide_window: GuideWindow) -> str:
    return guide_window.browser.document().toPlainText()


# --------------------------------------------------------------------------- the menu


def test_help_has_the_guide_on_f1_and_one_about(window: MainWindow) -> None:
    (help_menu,) = [a.menu() for a in window.menuBar().actions() if plain(a.text()) == "Help"]
    entries = [plain(a.text()) for a in help_menu.actions() if not a.isSeparator()]
    assert entries == ["User guide", "About PeerDesk"]
    guide_action = menu_action(window, ("Help", "User guide"))
    assert guide_action is not None and guide_action.shortcut().toString() == "F1"
    assert window.menuBar().actions()[-1].menu() is help_menu, "Help stays last"


def test_every_label_the_guide_names_is_in_the_window(window: MainWindow) -> None:
    checked = []
    for key, entry in guide.MENUS.items():
        if entry.feature is not None and importlib.util.find_spec(entry.feature) is None:
            continue  # that feature is not in this build; checked once it is
        assert entry.feature is None or entry.feature in main_window.FEATURES, entry.feature
        action = menu_action(window, entry.path)
        assert action is not None, f"the guide names {entry.text()}, which is not in the menus"
        if entry.shortcut:
            assert action.shortcut().toString() == entry.shortcut, key
        checked.append(key)
    assert {"new_record", "search", "show_voided", "guide", "about"} <= set(checked)
    for key, button in guide.BUTTONS.items():
        tab = getattr(window, button.tab)
        texts = [plain(a.text()) for a in tab.toolbar.actions()]
        assert button.label in texts, f"{key}: no {button.label} on the {button.tab} tab"


# --------------------------------------------------------------------------- the guide


def test_f1_opens_the_guide_at_its_contents_and_again_brings_back_the_same_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    first = open_guide(qtbot, window)
    assert not first.isModal(), "the guide stays open beside the work"
    assert first.current_page() == "index.html"
    assert "PeerDesk user guide" in page_text(first)
    chapters = [
        first.contents.topLevelItem(i).text(0) for i in range(first.contents.topLevelItemCount())
    ]
    assert chapters == ["Welcome"] + [c.title for c in guide.contents()]
    first.show_page("roles.html")
    again = open_guide(qtbot, window)
    assert again is first and again.current_page() == "index.html"
    assert control_problems(first) == []


def test_links_between_chapters_work_from_the_keyboard_and_back_returns(
    qtbot: QtBot, window: MainWindow
) -> None:
    shown = open_guide(qtbot, window)
    browser = shown.browser
    browser.setFocus()
    QTest.keyClick(browser, Qt.Key.Key_Tab)  # the first link: "Getting started"
    assert browser.textCursor().selectedText() == "Getting started"
    with qtbot.waitSignal(browser.sourceChanged):
        QTest.keyClick(browser, Qt.Key.Key_Return)
    assert shown.current_page() == "getting-started.html"
    assert "The first time you open PeerDesk" in page_text(shown)
    assert shown.back_button.isEnabled()
    shown.back_button.click()
    assert shown.current_page() == "index.html"


def test_the_contents_open_a_chapter_at_its_section(qtbot: QtBot, window: MainWindow) -> None:
    shown = open_guide(qtbot, window)
    chapter = next(
        shown.contents.topLevelItem(i)
        for i in range(shown.contents.topLevelItemCount())
        if shown.contents.topLevelItem(i).text(0) == "Logging sessions and groups"
    )
    section = next(
        chapter.child(i)
        for i in range(chapter.childCount())
        if chapter.child(i).text(0) == "Logging a group session"
    )
    shown.contents.itemClicked.emit(section, 0)
    assert shown.browser.source().fileName() == "sessions.html"
    assert shown.browser.source().fragment() == "group"
    assert chapter.isExpanded() and shown.contents.currentItem() is chapter
    assert shown.browser.verticalScrollBar().value() > 0, "scrolled to the section"


def test_the_page_shown_carries_the_role_table_and_the_real_menu_labels(
    qtbot: QtBot, window: MainWindow
) -> None:
    shown = open_guide(qtbot, window)
    shown.show_page("roles.html")
    text = page_text(shown)
    assert "What they may do" in text and "Build a demo house" in text
    assert "{{" not in text
    shown.show_page("sessions.html")
    assert "Reports → Group sign-in sheet" in page_text(shown)


def test_a_link_to_a_missing_page_says_so(qtbot: QtBot, window: MainWindow) -> None:
    shown = open_guide(qtbot, window)
    shown.browser.setSource(QUrl.fromLocalFile(str(guide.guide_dir() / "nowhere.html")))
    assert "Page not found" in page_text(shown)


def test_print_sends_the_whole_guide_each_chapter_on_its_own_page(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "printed.pdf"
    asked: list[object] = []

    def printer_chosen(_parent: object, paper: object) -> QPrinter:
        asked.append(paper)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    monkeypatch.setattr(guide_dialog, "choose_printer", printer_chosen)
    shown = open_guide(qtbot, window)
    shown.print_button.click()
    assert asked == [guide_dialog.vocab.PaperSize.LETTER], "the house's paper size"
    # Squeezed: the PDF's text comes back with tabs and breaks between words and letters.
    pages = ["".join(page.extract_text().split()) for page in PdfReader(out).pages]
    assert len(pages) >= len(guide.PAGES)
    titles = ["".join(c.title.split()) for c in guide.contents()]
    assert [t for t in titles if any(p.startswith(t) for p in pages)] == titles
    assert any("Whattheymaydo" in p for p in pages)

    monkeypatch.setattr(guide_dialog, "choose_printer", lambda *_a: None)
    assert shown.print_guide() is False, "cancelled: nothing printed"


def test_save_as_pdf_writes_the_file_whole_and_remembers_the_folder(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown: Messages,
) -> None:
    target = tmp_path / "out" / "guide.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(guide_dialog, "choose_pdf_path", lambda *_a: target)
    guide_window = open_guide(qtbot, window)
    guide_window.pdf_button.click()
    assert len(PdfReader(target).pages) >= len(guide.PAGES)
    assert sorted(p.name for p in target.parent.iterdir()) == ["guide.pdf"]
    assert shown.shown == [("info", "Save as PDF", f"The user guide was saved as {target}.")]
    assert guide_window._pdf_folder() == target.parent

    missing = tmp_path / "gone" / "guide.pdf"
    monkeypatch.setattr(guide_dialog, "choose_pdf_path", lambda *_a: missing)
    assert guide_window.save_pdf() is None
    kind, _title, text = shown.shown[-1]
    assert kind == "error" and text.startswith(f"The folder {missing.parent} does not exist.")
    assert QGuiApplication.overrideCursor() is None


# --------------------------------------------------------------------------- About


def test_about_shows_the_version_and_where_everything_lives(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes: list[AboutDialog] = []

    def look(dialog: AboutDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        boxes.append(dialog)
        return 0

    monkeypatch.setattr(AboutDialog, "exec", look)
    action = menu_action(window, ("Help", "About PeerDesk"))
    assert action is not None
    action.trigger()
    (box,) = boxes
    paths = window.ctx.paths
    assert box.windowTitle() == "About PeerDesk"
    assert box.database_label.text() == str(window.ctx.db.path)
    assert box.backups_label.text() == str(paths.local_backup_dir)
    assert box.log_label.text() == str(paths.log_file)
    assert control_problems(box) == []

    box.copy_button.click()
    copied = QApplication.clipboard().text()
    assert copied.startswith(f"PeerDesk {__version__}\n")
    assert f"Database: {window.ctx.db.path}" in copied and f"Log: {paths.log_file}" in copied


def test_about_opens_the_folders_and_says_where_they_are_when_it_cannot(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, shown: Messages
) -> None:
    opened: list[str] = []
    answer = [True]

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return answer[0]

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    box = AboutDialog(window, window.ctx)
    qtbot.addWidget(box)
    box.open_records_button.click()
    box.open_log_button.click()
    assert opened == [str(window.ctx.db.path.parent), str(window.ctx.paths.log_dir)]
    assert window.ctx.paths.log_dir.is_dir()
    assert shown.shown == []

    answer[0] = False
    assert about_dialog.open_folder(box, window.ctx.paths.local_backup_dir) is False
    assert window.ctx.paths.local_backup_dir.is_dir(), "made, so there is something to open"
    ((kind, _title, text),) = shown.shown
    assert kind == "warning"
    assert text == (
        f"PeerDesk could not open the folder {window.ctx.paths.local_backup_dir}; open it "
        "yourself in the file manager."
    )
