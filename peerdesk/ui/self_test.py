"""``peerdesk --self-test``: open the window, visit every tab and form, one line per check.

Used by CI and by the installer's smoke test, so it needs no person and no screen (it runs
with ``QT_QPA_PLATFORM=offscreen``). Each check prints ``ok   …`` or ``FAIL …``; the exit
status is 0 only when every check passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from peerdesk.core.errors import PeerDeskError
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.tabs.base import RecordTab

CONTROL_TYPES = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
)


# Compound controls name themselves; their own parts (a spin box's line edit, a line edit's
# clear button, a combo box's list, a calendar's cells) are not separate controls.
COMPOUND_CONTROLS = (
    QAbstractSpinBox,
    QComboBox,
    QCalendarWidget,
    QAbstractItemView,
    QTabBar,
    QLineEdit,
)


def is_inner_part(widget: QWidget, top: QWidget) -> bool:
    """True for a piece of a compound control, or a widget in another window than ``top``."""
    if isinstance(widget, QHeaderView) or type(widget).__name__ == "QTableCornerButton":
        return True
    if widget.window() is not top.window():
        return True
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, COMPOUND_CONTROLS):
            return True
        parent = parent.parentWidget()
    return False


def unnamed_controls(root: QWidget) -> list[str]:
    """Visible controls under ``root`` without an accessible name (class and text)."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROL_TYPES) or not widget.isVisible():
            continue
        if isinstance(widget, QScrollBar) or is_inner_part(widget, root):
            continue
        if not widget.accessibleName().strip():
            text = widget.text() if isinstance(widget, QAbstractButton | QLineEdit) else ""
            missing.append(f"{type(widget).__name__} {widget.objectName() or text!r}".strip())
    return missing


class _Checks:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.passed = 0
        self.failed = 0

    def run(self, name: str, check: Callable[[], str]) -> None:
        try:
            detail = check()
        except (PeerDeskError, AssertionError) as exc:
            self.failed += 1
            print(f"FAIL {name}: {exc}", file=self.out, flush=True)
        except Exception as exc:  # a defect: say what it was, keep checking the rest
            self.failed += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}", file=self.out, flush=True)
        else:
            self.passed += 1
            line = f"ok   {name}: {detail}" if detail else f"ok   {name}"
            print(line, file=self.out, flush=True)

    def note(self, text: str) -> None:
        print(f"note {text}", file=self.out, flush=True)


def _settle() -> None:
    QCoreApplication.processEvents()


def run_self_test(window: MainWindow, out: TextIO) -> int:
    """Check the window end to end; 0 when every check passed, else 1."""
    checks = _Checks(out)
    started = time.perf_counter()

    def open_window() -> str:
        window.show()
        _settle()
        assert window.isVisible(), "the window did not appear"
        return window.windowTitle()

    checks.run("window", open_window)

    def home() -> str:
        window.tabs.setCurrentWidget(window.home)
        _settle()
        window.home.refresh()
        return window.home.status_text

    checks.run("Home tab", home)

    for tab in window.record_tabs:
        checks.run(f"{tab.title()} tab", lambda tab=tab: _visit(window, tab))

    def keyboard() -> str:
        for number, action in enumerate(window.tab_actions):
            action.trigger()
            _settle()
            assert window.tabs.currentIndex() == number, f"Ctrl+{number + 1} did not switch"
        window.search_action.trigger()
        _settle()
        tab = window.current_record_tab()
        assert tab is not None, "Ctrl+F left the record tabs"
        assert tab.search.hasFocus(), "Ctrl+F did not reach the search box"
        return "Ctrl+1…5 and Ctrl+F"

    checks.run("keyboard", keyboard)

    def names() -> str:
        missing: list[str] = []
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            _settle()
            missing += unnamed_controls(window)
        assert not missing, "controls without an accessible name: " + ", ".join(
            sorted(set(missing))
        )
        return "every visible control is named"

    checks.run("accessible names", names)

    from peerdesk.ui.installation import check_installation

    checks.run("installation", check_installation)
    window.tabs.setCurrentWidget(window.home)
    _check_forms(window, checks)

    seconds = time.perf_counter() - started
    total = checks.passed + checks.failed
    if checks.failed:
        print(
            f"PeerDesk self-test: {checks.failed} of {total} checks failed ({seconds:.1f} s).",
            file=out,
            flush=True,
        )
        return 1
    print(f"PeerDesk self-test: all {total} checks passed ({seconds:.1f} s).", file=out, flush=True)
    return 0


def _visit(window: MainWindow, tab: RecordTab) -> str:
    tab.ensure_loaded()  # first here, so a failure is reported against this tab
    tab.model.wait_until_loaded()
    window.tabs.setCurrentWidget(tab)
    _settle()
    assert tab.model.loaded, "the table did not load"
    rows = tab.model.rowCount()
    assert rows == min(tab.model.matching, rows), "more rows than matched"
    # Every column sorts (in SQL), and the search box runs a query.
    for column in range(tab.model.columnCount()):
        tab.view.sortByColumn(column, tab.view.horizontalHeader().sortIndicatorOrder())
        tab.model.wait_until_loaded()
    tab.view.sortByColumn(
        tab.model.spec.column_index(tab.model.spec.default_sort), tab.model.sort_order
    )
    tab.search.setText("a")
    tab.apply_query()
    tab.model.wait_until_loaded()
    tab.search.clear()
    tab.apply_query()
    tab.model.wait_until_loaded()
    return tab.status_text


def _check_forms(window: MainWindow, checks: _Checks) -> None:
    try:
        from peerdesk.ui.dialogs import forms_for_self_test  # type: ignore[attr-defined]
    except ImportError:
        checks.note("forms were not checked: this build has no forms_for_self_test yet.")
        return
    try:
        forms = list(forms_for_self_test(window, window.ctx))
    except Exception as exc:
        problem = exc

        def fail() -> str:
            raise problem

        checks.run("forms", fail)
        return
    for name, dialog in forms:

        def visit(dialog: QWidget = dialog) -> str:
            dialog.show()
            _settle()
            assert dialog.isVisible(), "the form did not appear"
            missing = unnamed_controls(dialog)
            if missing:
                dialog.reject()  # type: ignore[attr-defined]
                raise AssertionError("controls without an accessible name: " + ", ".join(missing))
            QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Esc cancels, writing nothing
            _settle()
            if dialog.isVisible():
                dialog.reject()  # type: ignore[attr-defined]
                raise AssertionError("Esc did not close the form")
            return "opened, and closed with Esc"

        checks.run(f"form {name}", visit)
        dialog.deleteLater()
    QApplication.processEvents()
