"""Accounts in the window: who is signed in, what their role may do, the lock, the audit log.

- The title and the status bar say who is signed in ("Signed in as Dana Whitaker
  (Supervisor)").
- What the person's role may not do is hidden (the services refuse it anyway, with a
  sentence): a viewer sees no "New intake…", a peer mentor no "New note…". It follows
  ``ctx.events.actor_changed``, as do the tabs (a peer mentor's Supervision tab holds only the
  notes about themselves).
- :class:`WindowLock` covers the window after the house's idle minutes (input is watched by
  an application event filter), on File → Lock now (Ctrl+L) and on File → Sign out. Covered
  means nothing of a resident is left on screen: the tabs are hidden, every open form and
  message has its contents hidden and its title replaced, popups and tooltips are closed, and
  the title names no one. The same person unlocks and carries on; another person unlocking
  closes the forms left open (unsaved: they were someone else's) and the window becomes
  theirs. Locking, unlocking and signing out are written to the audit log.
- House → User accounts… (administrators), Change my password… (everyone with an account)
  and Audit log… (supervisors and administrators).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QProgressDialog,
    QToolBar,
    QToolTip,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from peerdesk.core import accounts
from peerdesk.core.audit import Actor
from peerdesk.core.permissions import Action
from peerdesk.core.services import settings as settings_service
from peerdesk.ui import messages

if TYPE_CHECKING:
    from peerdesk.ui.dialogs.sign_in import SignInDialog
    from peerdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# What a role needs for each of the tabs' actions (tab attribute, action attribute, need).
TAB_ACTIONS: tuple[tuple[str, str, Action], ...] = (
    ("residents", "new_action", Action.EDIT_RESIDENTS),
    ("residents", "edit_action", Action.EDIT_RESIDENTS),
    ("residents", "phase_action", Action.EDIT_RESIDENTS),
    ("residents", "discharge_action", Action.EDIT_RESIDENTS),
    ("residents", "readmit_action", Action.EDIT_RESIDENTS),
    ("residents", "assessment_action", Action.RECORD_ASSESSMENTS),
    ("residents", "session_action", Action.LOG_SESSIONS),
    ("mentors", "new_action", Action.EDIT_MENTORS),
    ("mentors", "deactivate_action", Action.EDIT_MENTORS),
    ("sessions", "new_action", Action.LOG_SESSIONS),
    ("sessions", "void_action", Action.LOG_SESSIONS),
    ("supervision", "new_action", Action.WRITE_SUPERVISION),
    ("supervision", "void_action", Action.WRITE_SUPERVISION),
)

# Input that counts as someone being at the PC.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


def install(window: MainWindow) -> None:
    AccountsFeature(window)


def _tidy(toolbar: QToolBar) -> None:
    """Show a separator only between two groups that still have a visible action, and the
    toolbar only when it has one (a viewer's tabs have no buttons at all)."""
    actions = toolbar.actions()
    shown = [a.isVisible() and not a.isSeparator() for a in actions]
    for index, action in enumerate(actions):
        if action.isSeparator():
            before = any(shown[:index])
            after = any(shown[index + 1 :])
            previous = next(
                (a for a in reversed(actions[:index]) if a.isSeparator() or a.isVisible()), None
            )
            action.setVisible(
                before and after and previous is not None and not previous.isSeparator()
            )
    toolbar.setVisible(any(shown))


def _alive(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return bool(isValid(widget))


@dataclass
class _Covered:
    """A window whose contents were hidden by the lock, and how to show them again."""

    window: QWidget
    title: str
    hidden: list[QWidget] = field(default_factory=list)
    focus: QWidget | None = None


class WindowLock(QObject):
    """Covers the main window (and everything open over it) until someone signs in."""

    def __init__(self, feature: AccountsFeature) -> None:
        super().__init__(feature)
        self.setObjectName("windowLock")
        self.feature = feature
        self.window = feature.window
        self.ctx = feature.ctx
        self.locked = False
        self.dialog: SignInDialog | None = None
        self.cover: QLabel | None = None
        self._covered: list[_Covered] = []
        self._central_was_visible = True
        self._last_input = time.monotonic()
        self.idle_ms = 5 * 60 * 1000
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # -- noticing that nobody is there -------------------------------------------------------

    def set_idle_minutes(self, minutes: float) -> None:
        self.set_idle_ms(int(minutes * 60 * 1000))

    def set_idle_ms(self, milliseconds: int) -> None:
        """Lock after this long without input (tests shorten it); restarts the wait."""
        self.idle_ms = max(1, milliseconds)
        self._last_input = time.monotonic()
        self.arm()

    def arm(self) -> None:
        """Start waiting for idleness, when there is someone to lock the window for."""
        if self.locked or self.ctx.actor.user_id is None:
            self._timer.stop()
            return
        self._timer.start(self.idle_ms)

    def idle_seconds(self) -> float:
        """How long since the last key press, click or mouse move anywhere in PeerDesk."""
        return time.monotonic() - self._last_input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT_EVENTS:
            self._last_input = time.monotonic()
        elif kind == QEvent.Type.Resize and watched is self.window and self.cover is not None:
            self._place_cover()
        return False

    def _on_timer_timeout(self) -> None:
        if self.locked or self.ctx.actor.user_id is None:
            return
        idle = (time.monotonic() - self._last_input) * 1000
        if idle >= self.idle_ms:
            minutes = max(1, round(self.idle_ms / 60000))
            self.lock(f"Window locked after {minutes} idle minute{'s' if minutes != 1 else ''}")
        else:
            self._timer.start(max(1, int(self.idle_ms - idle)))

    # -- locking ---------------------------------------------------------------------------

    def lock(self, why: str = "Window locked") -> None:
        """Cover everything and ask for a password (nothing happens without an account)."""
        if self.locked or self.ctx.actor.user_id is None:
            return
        self._record(lambda s: accounts.record_lock(s, self.ctx.actor, why))
        self._cover()
        self._ask("LOCKED", self.ctx.actor.username)

    def sign_out(self) -> None:
        """The person is done: their open forms close, and the window waits for anyone."""
        if self.locked or self.ctx.actor.user_id is None:
            return
        self._record(lambda s: accounts.record_sign_out(s, self.ctx.actor))
        self._cover()
        self._close_covered()
        self._ask("SIGNED_OUT", "")

    def _cover(self) -> None:
        self.locked = True
        self._timer.stop()
        QToolTip.hideText()
        for _ in range(20):  # open menus and combo lists, innermost first
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        for top in QApplication.topLevelWidgets():
            if top is self.window or not top.isVisible():
                continue
            kind = top.windowType()
            if kind in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                top.hide()
                continue
            self._covered.append(self._cover_one(top))
        central = self.window.centralWidget()
        self._central_was_visible = central is not None and central.isVisible()
        if central is not None:
            central.hide()
        self.window.statusBar().clearMessage()
        self.cover = QLabel(self.tr("PeerDesk is locked"), self.window)
        self.cover.setObjectName("lockCover")
        self.cover.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
        self.cover.setStyleSheet(
            "QLabel#lockCover { background: #2c3e50; color: #9fb3c8; padding-bottom: 24px; }"
        )
        self._place_cover()
        self.cover.show()
        self.feature.show_who()

    def _place_cover(self) -> None:
        """The cover fills the window between the menu bar and the status bar."""
        assert self.cover is not None
        top = self.window.menuBar().geometry().bottom() + 1
        bottom = self.window.statusBar().geometry().top()
        self.cover.setGeometry(0, top, self.window.width(), max(0, bottom - top))
        self.cover.raise_()

    def _cover_one(self, top: QWidget) -> _Covered:
        covered = _Covered(top, top.windowTitle(), focus=top.focusWidget())
        for child in top.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and not child.isWindow():
                child.hide()
                covered.hidden.append(child)
        top.setWindowTitle(self.tr("PeerDesk — locked"))
        return covered

    def _ask(self, moment: str, username: str) -> None:
        from peerdesk.ui.dialogs.sign_in import Moment, SignInDialog

        house_name, who = "", self.ctx.actor.username
        try:
            with self.ctx.db.read() as s:
                house_name = settings_service.get_settings(s).house_name
                account = accounts.own_account(s, self.ctx.actor)
            if account is not None:
                who = account.full_name
        except SQLAlchemyError:  # the window stays covered; the sign-in says the rest
            log.exception("Could not read the house's name for the lock")
        dialog = SignInDialog(
            self.window,
            self.ctx.db,
            moment=Moment[moment],
            house_name=house_name,
            username=username,
            who=who,
            demo_password=self.ctx.demo_password,
        )
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.signed_in.connect(self._on_dialog_signed_in)
        dialog.quit_requested.connect(self._on_dialog_quit_requested)
        self.dialog = dialog
        dialog.show()
        dialog.activateWindow()

    # -- unlocking -------------------------------------------------------------------------

    def _on_dialog_signed_in(self, actor: Actor) -> None:
        previous = self.ctx.actor
        signed_out = self.dialog is not None and self.dialog.moment.name == "SIGNED_OUT"
        self._record(lambda s: accounts.record_unlock(s, previous, actor))
        self._drop_dialog()
        if signed_out or actor.user_id != previous.user_id:
            self._close_covered()  # someone else's unsaved forms
        else:
            self._uncover()
        self.locked = False
        if self.cover is not None:
            self.cover.hide()
            self.cover.deleteLater()
            self.cover = None
        central = self.window.centralWidget()
        if central is not None and self._central_was_visible:
            central.show()
        if actor != previous or signed_out:
            self.ctx.set_actor(actor)  # the window follows: actions, tabs, title
        else:
            self.feature.show_who()
        self._last_input = time.monotonic()
        self.arm()

    def _on_dialog_quit_requested(self) -> None:
        self._drop_dialog()
        self._close_covered()
        self.window.close()

    def _drop_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None

    def _uncover(self) -> None:
        for covered in reversed(self._covered):
            if not _alive(covered.window):
                continue
            for child in covered.hidden:
                if _alive(child):
                    child.show()
            covered.window.setWindowTitle(covered.title)
            if covered.focus is not None and _alive(covered.focus):
                covered.focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self._covered.clear()

    def _close_covered(self) -> None:
        """Close the forms and messages left open: they belong to someone who is not here.

        A running task's progress (a backup, a printout) is uncovered instead, and goes on.
        """
        closing = []
        for covered in self._covered:
            if not _alive(covered.window):
                continue
            if isinstance(covered.window, QDialog) and not isinstance(
                covered.window, QProgressDialog
            ):
                closing.append(covered.window)
            else:
                for child in covered.hidden:
                    if _alive(child):
                        child.show()
                covered.window.setWindowTitle(covered.title)
        self._covered.clear()
        for dialog in reversed(closing):  # the newest first, as their event loops are nested
            # Nothing stays on screen once it locks: a form closes without asking.
            discard = getattr(dialog, "discard", None)
            if callable(discard):
                discard()
            else:
                dialog.reject()

    def _record(self, write: object) -> None:
        """An audit line of the lock; a database that cannot be written does not stop it."""
        try:
            with self.ctx.db.begin() as s:
                write(s)  # type: ignore[operator]
        except SQLAlchemyError:
            log.exception("Could not record the lock in the audit log")


class AccountsFeature(QObject):
    """The accounts side of the main window (see the module's description)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("accountsFeature")
        self.window = window
        self.ctx = window.ctx
        self._base_title = window.windowTitle()
        self._titling = False

        self.who_label = QLabel(window)
        self.who_label.setObjectName("signedInAs")
        self.who_label.setAccessibleName(self.tr("Signed in as"))
        self.who_label.setContentsMargins(16, 0, 4, 0)
        window.statusBar().addPermanentWidget(self.who_label)

        self.lock_action = window.add_action(
            self.tr("&Lock now"),
            self.lock_now,
            "Ctrl+L",
            tip=self.tr("Cover the window until you (or someone else) sign in again"),
        )
        self.sign_out_action = window.add_action(
            self.tr("Sign &out / switch user…"),
            self.sign_out,
            "Ctrl+Shift+L",
            tip=self.tr("End your session: your open forms close, and anyone may sign in"),
        )
        file_menu = window.menu("file")
        quit_action = getattr(window, "quit_action", None)
        if isinstance(quit_action, QAction):
            file_menu.insertAction(quit_action, self.lock_action)
            file_menu.insertAction(quit_action, self.sign_out_action)
            file_menu.insertSeparator(quit_action)
        else:
            file_menu.addAction(self.lock_action)
            file_menu.addAction(self.sign_out_action)

        house = window.menu("house")
        self.accounts_action = window.add_action(
            self.tr("&User accounts…"),
            self.open_accounts,
            tip=self.tr("Add accounts, set new passwords, change roles, deactivate"),
        )
        self.password_action = window.add_action(
            self.tr("&Change my password…"), self.change_password
        )
        self.audit_action = window.add_action(
            self.tr("&Audit log…"),
            self.open_audit_log,
            tip=self.tr("Who did what to which record, and whether the trail is whole"),
        )
        house.addAction(self.accounts_action)
        house.addAction(self.password_action)
        house.addAction(self.audit_action)

        # Home's "audit trail broken" line opens the audit log for those who may read it.
        window.home.record_requested.connect(self._on_home_record_requested)

        self.lock = WindowLock(self)
        self._read_idle_minutes()
        window.windowTitleChanged.connect(self._on_window_window_title_changed)
        window.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.ctx.events.actor_changed.connect(self._on_actor_changed)
        self.ctx.events.records_changed.connect(self._on_records_changed)
        self._apply_role()
        self.show_who()
        self.lock.arm()

    # -- who is signed in --------------------------------------------------------------------

    def show_who(self) -> None:
        """The status bar and title: who is signed in, or that the window is locked."""
        if self.lock.locked:
            self.who_label.setText(self.tr("Locked"))
        elif self.ctx.actor.user_id is None:
            self.who_label.setText("")
        else:
            with self.ctx.db.read() as s:
                account = accounts.own_account(s, self.ctx.actor)
            self.who_label.setText(
                self.tr("Signed in as {who}").format(
                    who=accounts.display_name(account, self.ctx.actor)
                )
            )
        self._set_title()

    def _title_suffix(self) -> str:
        if self.lock.locked:
            return self.tr("locked")
        if self.ctx.actor.user_id is None:
            return ""
        with self.ctx.db.read() as s:
            account = accounts.own_account(s, self.ctx.actor)
        return account.full_name if account is not None else self.ctx.actor.username

    def _composed_title(self) -> str:
        suffix = self._title_suffix()
        return f"{self._base_title} — {suffix}" if suffix else self._base_title

    def _set_title(self) -> None:
        self._titling = True
        try:
            self.window.setWindowTitle(self._composed_title())
        finally:
            self._titling = False

    def _on_window_window_title_changed(self, title: str) -> None:
        if self._titling:
            return
        # The window named the house again (its settings changed): keep who is signed in.
        self._base_title = title
        self._set_title()

    # -- what the role may do ------------------------------------------------------------------

    def _apply_role(self) -> None:
        actor = self.ctx.actor
        toolbars: list[QToolBar] = []
        for tab_name, action_name, need in TAB_ACTIONS:
            tab = getattr(self.window, tab_name, None)
            action = getattr(tab, action_name, None)
            if isinstance(action, QAction):
                action.setVisible(actor.may(need))
            toolbar = getattr(tab, "toolbar", None)
            if isinstance(toolbar, QToolBar) and toolbar not in toolbars:
                toolbars.append(toolbar)
        for toolbar in toolbars:
            _tidy(toolbar)
        has_account = actor.user_id is not None
        self.lock_action.setVisible(has_account)
        self.sign_out_action.setVisible(has_account)
        self.password_action.setVisible(has_account)
        self.accounts_action.setVisible(actor.may(Action.MANAGE_ACCOUNTS))
        self.audit_action.setVisible(actor.may(Action.READ_AUDIT))
        self._follow_new_action()

    def _follow_new_action(self) -> None:
        """File → New record does what the current tab's "New" does, or nothing."""
        tab = self.window.current_record_tab()
        own = getattr(tab, "new_action", None)
        self.window.new_action.setVisible(not isinstance(own, QAction) or own.isVisible())

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._follow_new_action()

    def _on_actor_changed(self) -> None:
        self._apply_role()
        self.show_who()
        self.window.refresh()
        self.lock.arm()

    def _on_records_changed(self, table: str, _record_id: int) -> None:
        if table == "house_settings":
            self._read_idle_minutes()
        elif table == "users":
            self.show_who()

    def _read_idle_minutes(self) -> None:
        with self.ctx.db.read() as s:
            minutes = settings_service.get_settings(s).autolock_minutes
        self.lock.set_idle_minutes(minutes or 5)

    # -- the menu's actions ------------------------------------------------------------------

    def lock_now(self) -> None:
        self.lock.lock("Window locked (Lock now)")

    def sign_out(self) -> None:
        self.lock.sign_out()

    def open_accounts(self) -> None:
        from peerdesk.ui.dialogs.accounts import UserAccountsDialog

        UserAccountsDialog.ask(self.window, self.ctx)

    def change_password(self) -> None:
        from peerdesk.ui.dialogs.accounts import ChangePasswordDialog

        if ChangePasswordDialog.ask(self.window, self.ctx):
            messages.info(
                self.window,
                self.tr("Change my password"),
                self.tr("Your password was changed. Use the new one from now on."),
            )

    def _on_home_record_requested(self, target: str, _record_id: int) -> None:
        if target == "audit" and self.ctx.actor.may(Action.READ_AUDIT):
            self.open_audit_log()

    def open_audit_log(self) -> None:
        from peerdesk.ui.dialogs.audit_log import AuditLogDialog

        AuditLogDialog.ask(self.window, self.ctx)
