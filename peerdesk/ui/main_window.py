"""The main window: Home, Residents, Mentors, Sessions and Supervision, with their menus.

Built once by :mod:`peerdesk.app` with a :class:`~peerdesk.ui.context.UiContext`; each tab
gets the context and nothing else. The window remembers its size, splitters and columns in
the INI settings file.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QSize, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QTabWidget, QToolBar, QWidget

from peerdesk.core.services import settings as settings_service
from peerdesk.ui.context import UiContext
from peerdesk.ui.tabs.base import RecordTab, plain
from peerdesk.ui.tabs.home import HomeTab
from peerdesk.ui.tabs.mentors import MentorsTab
from peerdesk.ui.tabs.residents import ResidentsTab
from peerdesk.ui.tabs.sessions import SessionsTab
from peerdesk.ui.tabs.supervision import SupervisionTab
from peerdesk.ui.widgets import dates
from peerdesk.ui.widgets.sizing import within_screen

DEFAULT_SIZE = QSize(1280, 800)

# The menus, in the order they stand on the menu bar. A menu appears once something is in it.
MENUS = {
    "file": QT_TRANSLATE_NOOP("MainWindow", "&File"),
    "view": QT_TRANSLATE_NOOP("MainWindow", "&View"),
    "reports": QT_TRANSLATE_NOOP("MainWindow", "&Reports"),
    "house": QT_TRANSLATE_NOOP("MainWindow", "H&ouse"),
    "help": QT_TRANSLATE_NOOP("MainWindow", "&Help"),
}

# Features that add their own menu entries, toolbar buttons, timers and start/close steps to
# the window. Each module has ``install(window: MainWindow) -> None``; it imports its
# dialogs only when they are used, so start-up stays quick.
FEATURES: tuple[str, ...] = (
    "peerdesk.ui.features.imports",
    "peerdesk.ui.features.reports",
    "peerdesk.ui.features.backup",
    "peerdesk.ui.features.house",
    "peerdesk.ui.features.follow_ups",
    "peerdesk.ui.features.text_size",
    "peerdesk.ui.features.accounts",
    "peerdesk.ui.features.help",
)


class MainWindow(QMainWindow):
    """PeerDesk's one window.

    Features extend it through :meth:`menu`, :attr:`toolbar` and the :attr:`closing` signal
    (see ``FEATURES``) rather than by editing it.
    """

    # Emitted when the window is about to close (before the layout is saved), so features can
    # finish their work, such as an automatic backup, while the database is still open.
    closing = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setAccessibleName(self.tr("PeerDesk"))
        # A 1366x768 office screen has less room than the default: never open taller than it.
        self.resize(within_screen(DEFAULT_SIZE.width(), DEFAULT_SIZE.height()))

        self.home = HomeTab(ctx, self)
        self.residents = ResidentsTab(ctx, self)
        self.mentors = MentorsTab(ctx, self)
        self.sessions = SessionsTab(ctx, self)
        self.supervision = SupervisionTab(ctx, self)
        self.record_tabs: list[RecordTab] = [
            self.residents,
            self.mentors,
            self.sessions,
            self.supervision,
        ]

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Sections"))
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setAccessibleName(self.tr("Sections"))
        self.tabs.addTab(self.home, self.tr("Home"))
        for tab in self.record_tabs:
            self.tabs.addTab(tab, tab.title())
        self.setCentralWidget(self.tabs)

        self.status_label = QLabel(self)
        self.status_label.setAccessibleName(self.tr("Row count"))
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().setSizeGripEnabled(True)

        self.toolbar = QToolBar(self.tr("Main toolbar"), self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setAccessibleName(self.tr("Main toolbar"))
        self.toolbar.setMovable(False)
        self.toolbar.hide()  # shown once a feature puts a button on it
        self.addToolBar(self.toolbar)

        self._menus: dict[str, QMenu] = {}
        self._build_menus()
        self._update_title()
        for feature in FEATURES:
            importlib.import_module(feature).install(self)
        if self.toolbar.actions():
            self.toolbar.show()
        self._name_overflow_buttons()

        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        for tab in self.record_tabs:
            tab.status_changed.connect(self._on_tab_status_changed)
        self.home.record_requested.connect(self._on_home_record_requested)
        ctx.events.records_changed.connect(self._on_records_changed)

        self._restore_layout()
        self._on_tabs_current_changed(self.tabs.currentIndex())

    def _name_overflow_buttons(self) -> None:
        """Name the buttons Qt adds when the menu bar or a toolbar runs out of room (a small
        screen, 150 % text): a screen reader would otherwise meet a button without a name."""
        names = {
            "qt_menubar_ext_button": self.tr("More menus"),
            "qt_toolbar_ext_button": self.tr("More buttons"),
        }
        for object_name, name in names.items():
            for button in self.findChildren(QWidget, object_name):
                button.setAccessibleName(name)
                button.setToolTip(name)

    # ----------------------------------------------------------------- menus

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or plain(text))
        action.setStatusTip(tip or plain(text))
        action.setCheckable(checkable)
        if checkable:
            action.toggled.connect(slot)  # type: ignore[arg-type]
        else:
            action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.addAction(action)  # shortcuts work while the menus are closed
        return action

    def add_record_action(self, action: QAction) -> None:
        """Put a feature's entry in the File menu with the record actions: above the
        separator over Quit (and the accounts' Lock now and Sign out)."""
        menu = self.menu("file")
        actions = menu.actions()
        before = self.quit_action
        if before in actions:
            at = actions.index(before)
            if at > 0 and actions[at - 1].isSeparator():
                before = actions[at - 1]
        menu.insertAction(before, action)

    def menu(self, key: str) -> QMenu:
        """The menu called ``key`` (one of ``MENUS``), made and put in its place on first use."""
        if key not in self._menus:
            menu = QMenu(self.tr(MENUS[key]), self)
            menu.setAccessibleName(plain(menu.title()))
            later = [
                self._menus[k]
                for k in list(MENUS)[list(MENUS).index(key) + 1 :]
                if k in self._menus
            ]
            bar = self.menuBar()
            if later:
                bar.insertMenu(later[0].menuAction(), menu)
            else:
                bar.addMenu(menu)
            self._menus[key] = menu
        return self._menus[key]

    def add_action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        """An action of the window (its shortcut works while the menus are closed); put it in
        a menu with ``window.menu(key).addAction(action)``."""
        return self._action(text, slot, shortcut, tip=tip, checkable=checkable)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.setAccessibleName(self.tr("Menu bar"))

        file_menu = self.menu("file")
        self.new_action = self._action(
            self.tr("&New record…"),
            self.new_record,
            QKeySequence.StandardKey.New,
            tip=self.tr("A new record in the current tab"),
        )
        file_menu.addAction(self.new_action)
        file_menu.addSeparator()
        self.quit_action = self._action(self.tr("&Quit"), self.close, "Ctrl+Q")
        file_menu.addAction(self.quit_action)

        view_menu = self.menu("view")
        self.tab_actions: list[QAction] = []
        for number in range(self.tabs.count()):
            action = self._action(
                self.tabs.tabText(number),
                lambda n=number: self.tabs.setCurrentIndex(n),
                f"Ctrl+{number + 1}",
            )
            view_menu.addAction(action)
            self.tab_actions.append(action)
        view_menu.addSeparator()
        self.search_action = self._action(
            self.tr("&Search"),
            self.focus_search,
            QKeySequence.StandardKey.Find,
            tip=self.tr("Search the current tab"),
        )
        view_menu.addAction(self.search_action)
        self.refresh_action = self._action(
            self.tr("&Refresh"), self.refresh, QKeySequence.StandardKey.Refresh
        )
        view_menu.addAction(self.refresh_action)
        view_menu.addSeparator()
        self.voided_action = self._action(
            self.tr("Show &voided records"),
            self._on_voided_action_toggled,
            tip=self.tr("Show sessions and notes voided as mistakes, greyed and struck through"),
            checkable=True,
        )
        view_menu.addAction(self.voided_action)

    # ----------------------------------------------------------------- what the menus do

    def current_tab(self) -> QWidget:
        return self.tabs.currentWidget()

    def current_record_tab(self) -> RecordTab | None:
        tab = self.tabs.currentWidget()
        return tab if isinstance(tab, RecordTab) else None

    def new_record(self) -> None:
        tab = self.current_record_tab()
        if tab is not None:
            tab.new_record()

    def focus_search(self) -> None:
        tab = self.current_record_tab()
        if tab is None:
            # From Home, Ctrl+F looks for a resident.
            self.tabs.setCurrentWidget(self.residents)
            tab = self.residents
        tab.focus_search()

    def refresh(self) -> None:
        self.home.refresh()
        for tab in self.record_tabs:
            tab.refresh()

    def show_voided(self) -> bool:
        return self.voided_action.isChecked()

    # ----------------------------------------------------------------- slots

    def _on_tabs_current_changed(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if isinstance(tab, RecordTab | HomeTab):
            tab.ensure_loaded()
            self.status_label.setText(tab.status_text)
        self.new_action.setEnabled(isinstance(tab, RecordTab))

    def _on_tab_status_changed(self, text: str) -> None:
        if self.sender() is self.tabs.currentWidget():
            self.status_label.setText(text)

    def _on_voided_action_toggled(self, checked: bool) -> None:
        for tab in self.record_tabs:
            tab.set_show_voided(checked)

    def _on_home_record_requested(self, target: str, record_id: int) -> None:
        if target == "phase":
            self.tabs.setCurrentWidget(self.residents)
            self.residents.show_phase(record_id or None)
        elif target == "resident":
            self.tabs.setCurrentWidget(self.residents)
            self.residents.select_record(record_id)
            self.residents.view.setFocus()
        elif target == "mentor":
            self.tabs.setCurrentWidget(self.mentors)
            if self.mentors.select_record(record_id):
                self.mentors.open_record(record_id)
        elif target == "note":
            self.tabs.setCurrentWidget(self.supervision)
            if self.supervision.select_record(record_id):
                self.supervision.open_record(record_id)

    def _on_records_changed(self, table: str, _record_id: int) -> None:
        if table == "house_settings":
            self._update_title()

    def _update_title(self) -> None:
        with self.ctx.db.read() as s:
            house = settings_service.get_settings(s)
        # A typed 3/7 in any date field reads as the house reads its spreadsheets.
        dates.typed_order = house.date_order
        parts = [self.tr("PeerDesk")]
        if house.house_name:
            parts.append(house.house_name)
        if self.ctx.is_demo or house.is_demo:
            parts.append(self.tr("DEMO"))
        self.setWindowTitle(" — ".join(parts))

    # ----------------------------------------------------------------- remembering the layout

    def _restore_layout(self) -> None:
        settings = self.ctx.settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        state = settings.value("window/state")
        if isinstance(state, QByteArray | bytes) and state:
            self.restoreState(QByteArray(state))
        for tab in self.record_tabs:
            tab.restore_layout(settings)
        voided = settings.value("view/show_voided", False)
        self.voided_action.setChecked(voided in (True, "true", "1", 1))

    def save_layout(self) -> None:
        settings = self.ctx.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("view/show_voided", self.voided_action.isChecked())
        for tab in self.record_tabs:
            tab.save_layout(settings)
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        self.save_layout()
        super().closeEvent(event)
