"""User accounts (House → User accounts…) and Change my password.

Administrators list the house's accounts, add one, set a new password for someone, change a
role (and whether a viewer may print reports that name residents, and which peer mentor
record a peer mentor's account is), and deactivate or reactivate an account. Accounts are
never deleted; nobody deactivates themselves, and the last active administrator stays one:
the accounts service refuses both with a sentence, which the dialog shows.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from peerdesk.core import accounts, clock, vocab
from peerdesk.core.errors import FieldError, PeerDeskError
from peerdesk.core.permissions import Action
from peerdesk.core.services import users
from peerdesk.core.services._common import fmt_date
from peerdesk.core.services.users import UserAccount
from peerdesk.ui import messages
from peerdesk.ui.context import UiContext
from peerdesk.ui.dialogs.base import FormDialog, vocab_text
from peerdesk.ui.dialogs.first_admin import (
    UsernameSuggestion,
    password_box,
    password_rule,
    same_password,
)
from peerdesk.ui.dialogs.record_list import RecordListDialog
from peerdesk.ui.widgets.choices import ChoiceCombo
from peerdesk.ui.widgets.forms import FormSection


def _tr(text: str) -> str:
    return QCoreApplication.translate("accounts", text)


def role_summary(role: vocab.Role) -> str:
    """What a role may do, in one line (the user guide has the whole table)."""
    summaries = {
        vocab.Role.ADMINISTRATOR: _tr(
            "Everything, including user accounts, restoring a backup and the house settings."
        ),
        vocab.Role.SUPERVISOR: _tr("Every record; writes supervision notes; reads the audit log."),
        vocab.Role.PEER_MENTOR: _tr(
            "Residents and assessments; logs their own sessions; reads and acknowledges the "
            "supervision notes about themselves."
        ),
        vocab.Role.VIEWER: _tr(
            "Reads every record and changes nothing (a visiting auditor); prints reports that "
            "name residents only when allowed below."
        ),
    }
    return summaries[role]


class _RoleFields:
    """The role, the viewer's permission to print names, and a peer mentor's record."""

    def __init__(self, dialog: FormDialog, section: FormSection) -> None:
        body = dialog.body
        self.role = ChoiceCombo(body)
        self.role.set_choices((role, vocab_text(role)) for role in vocab.Role)
        self.summary = QLabel(body)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("roleSummary")
        self.may_print = QCheckBox(dialog.tr("May &print reports that name residents"), body)
        self.may_print.setAccessibleName(dialog.tr("May print reports that name residents"))
        self.mentor = ChoiceCombo(body)
        self.mentor.setAccessibleName(dialog.tr("Peer mentor record"))
        section.add_field(dialog.tr("&Role:"), self.role, "role")
        section.add_row_widget(self.summary)
        section.add_row_widget(self.may_print)
        self.mentor_label = section.add_field(
            dialog.tr("&Mentor record:"),
            self.mentor,
            "mentor_id",
            hint=dialog.tr(
                "The peer mentor this account belongs to, so they can log their own sessions "
                "and read the supervision notes about themselves."
            ),
        )
        self.role.currentIndexChanged.connect(self._on_role_current_index_changed)

    def load_mentors(self, choices: list[accounts.MentorChoice], user_id: int | None) -> None:
        free = [c for c in choices if c.user_id in (None, user_id) and (c.active or c.user_id)]
        self.mentor.set_choices(
            [(None, _tr("No mentor record"))]
            + [(c.mentor_id, c.name if c.active else f"{c.name} (inactive)") for c in free]
        )
        linked = next((c.mentor_id for c in choices if user_id and c.user_id == user_id), None)
        self.mentor.set_value(linked)

    def chosen_role(self) -> vocab.Role:
        value = self.role.value()
        return value if isinstance(value, vocab.Role) else vocab.Role.VIEWER

    def chosen_mentor(self) -> int | None:
        if self.chosen_role() != vocab.Role.PEER_MENTOR:
            return None
        value = self.mentor.value()
        return value if isinstance(value, int) else None

    def may_print_identified(self) -> bool:
        return self.chosen_role() == vocab.Role.VIEWER and self.may_print.isChecked()

    def _on_role_current_index_changed(self, _index: int) -> None:
        role = self.chosen_role()
        self.summary.setText(role_summary(role))
        self.may_print.setVisible(role == vocab.Role.VIEWER)
        mentor = role == vocab.Role.PEER_MENTOR
        self.mentor_label.setVisible(mentor)
        holder = self.mentor.parentWidget()  # the input with its hint and message line
        if holder is not None:
            holder.setVisible(mentor)


class AccountDialog(FormDialog):
    """A new account: who, their role, and the first password (told to them in person)."""

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(self.tr("Add a user account"))
        section = FormSection(self.tr("Who"), self.errors, self.body)
        self.full_name = QLineEdit(self.body)
        self.full_name.setMaxLength(140)
        self.username = QLineEdit(self.body)
        self.username.setMaxLength(40)
        section.add_field(self.tr("&Full name:"), self.full_name, "full_name")
        section.add_field(
            self.tr("&Username:"),
            self.username,
            "username",
            hint=self.tr("What they type to sign in: small letters, no spaces."),
        )
        what = FormSection(self.tr("What they may do"), self.errors, self.body)
        self.role_fields = _RoleFields(self, what)
        secret = FormSection(self.tr("First password"), self.errors, self.body)
        self.password = password_box(self.body)
        self.password_again = password_box(self.body)
        secret.add_field(self.tr("Pa&ssword:"), self.password, "password", hint=password_rule())
        secret.add_field(
            self.tr("Password a&gain:"),
            self.password_again,
            "password_again",
            hint=self.tr(
                "Tell it to them in person; they can change it under House → Change my password."
            ),
        )
        column = QVBoxLayout(self.body)
        column.addWidget(section)
        column.addWidget(what)
        column.addWidget(secret)
        column.addStretch(1)
        UsernameSuggestion(self.full_name, self.username)
        self.read(self._load)
        self.role_fields.role.set_value(vocab.Role.PEER_MENTOR)
        self.set_ok_text(self.tr("&Add account"))
        self.full_name.setFocus()
        self.fit_to_screen(QSize(580, 520))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> UserAccount | None:
        return cls(parent, ctx).exec_for(UserAccount)

    def _load(self, s: Session) -> None:
        self.role_fields.load_mentors(accounts.mentor_choices(s, self.ctx.actor), None)

    def _widget_problems(self) -> list[FieldError]:
        return same_password(self.password, self.password_again, "password_again")

    def _write(self, s: Session) -> UserAccount:
        made = users.create_user(
            s,
            self.ctx.actor,
            self.username.text(),
            self.full_name.text(),
            self.role_fields.chosen_role(),
            self.password.text(),
            may_print_identified=self.role_fields.may_print_identified(),
        )
        mentor = self.role_fields.chosen_mentor()
        if mentor is not None:
            accounts.link_mentor(s, self.ctx.actor, made.id, mentor)
        return made

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, UserAccount)
        self.password.clear()
        self.password_again.clear()
        self.ctx.announce("users", saved.id)
        if self.role_fields.chosen_mentor() is not None:
            self.ctx.announce("mentors", 0)


class RoleDialog(FormDialog):
    """Change an account's role, a viewer's permission to print names, a mentor's record."""

    def __init__(self, parent: QWidget | None, ctx: UiContext, account: UserAccount) -> None:
        super().__init__(parent, ctx, "")
        self.account = account
        self.setWindowTitle(self.tr("Change role"))
        heading = QLabel(
            self.tr("<b>{name}</b> ({username})").format(
                name=html.escape(account.full_name), username=html.escape(account.username)
            ),
            self.body,
        )
        what = FormSection(self.tr("What they may do"), self.errors, self.body)
        self.role_fields = _RoleFields(self, what)
        column = QVBoxLayout(self.body)
        column.addWidget(heading)
        column.addWidget(what)
        column.addStretch(1)
        self.read(self._load)
        self.role_fields.role.set_value(account.role)
        self.role_fields.may_print.setChecked(account.may_print_identified)
        self.set_ok_text(self.tr("&Change role"))
        self.role_fields.role.setFocus()
        self.fit_to_screen(QSize(540, 300))

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: UiContext, account: UserAccount
    ) -> UserAccount | None:
        return cls(parent, ctx, account).exec_for(UserAccount)

    def _load(self, s: Session) -> None:
        choices = accounts.mentor_choices(s, self.ctx.actor)
        self.role_fields.load_mentors(choices, self.account.id)

    def _write(self, s: Session) -> UserAccount:
        role = self.role_fields.chosen_role()
        changed = users.set_role(
            s,
            self.ctx.actor,
            self.account.id,
            role,
            may_print_identified=self.role_fields.may_print_identified(),
        )
        accounts.link_mentor(s, self.ctx.actor, self.account.id, self.role_fields.chosen_mentor())
        return changed

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, UserAccount)
        self.ctx.announce("users", saved.id)
        self.ctx.announce("mentors", 0)


class ResetPasswordDialog(FormDialog):
    """An administrator sets a new password for someone who forgot theirs (lifting a lock)."""

    asks_before_discarding = False  # a password is typed again, never kept

    def __init__(self, parent: QWidget | None, ctx: UiContext, account: UserAccount) -> None:
        super().__init__(parent, ctx, "")
        self.account = account
        self.setWindowTitle(self.tr("Set a new password"))
        heading = QLabel(
            self.tr(
                "A new password for <b>{name}</b> ({username}). Tell it to them in person; "
                "a wait after wrong passwords is lifted too."
            ).format(name=html.escape(account.full_name), username=html.escape(account.username)),
            self.body,
        )
        heading.setWordWrap(True)
        section = FormSection("", self.errors, self.body)
        self.password = password_box(self.body)
        self.password_again = password_box(self.body)
        section.add_field(
            self.tr("New &password:"), self.password, "password", hint=password_rule()
        )
        section.add_field(self.tr("Password &again:"), self.password_again, "password_again")
        column = QVBoxLayout(self.body)
        column.addWidget(heading)
        column.addWidget(section)
        column.addStretch(1)
        self.set_ok_text(self.tr("&Set password"))
        self.password.setFocus()
        self.fit_to_screen(QSize(520, 260))

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: UiContext, account: UserAccount
    ) -> UserAccount | None:
        return cls(parent, ctx, account).exec_for(UserAccount)

    def _widget_problems(self) -> list[FieldError]:
        return same_password(self.password, self.password_again, "password_again")

    def _write(self, s: Session) -> UserAccount:
        return users.reset_password(s, self.ctx.actor, self.account.id, self.password.text())

    def _announce(self, saved: object) -> None:
        assert isinstance(saved, UserAccount)
        self.password.clear()
        self.password_again.clear()
        self.ctx.announce("users", saved.id)


class ChangePasswordDialog(FormDialog):
    """Anyone changes their own password: the current one, then the new one twice."""

    asks_before_discarding = False  # a password is typed again, never kept

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent, ctx, "")
        self.setWindowTitle(self.tr("Change my password"))
        section = FormSection("", self.errors, self.body)
        self.old_password = password_box(self.body)
        self.new_password = password_box(self.body)
        self.new_password_again = password_box(self.body)
        section.add_field(self.tr("&Current password:"), self.old_password, "old_password")
        section.add_field(
            self.tr("&New password:"), self.new_password, "new_password", hint=password_rule()
        )
        section.add_field(
            self.tr("New password &again:"), self.new_password_again, "new_password_again"
        )
        column = QVBoxLayout(self.body)
        column.addWidget(section)
        column.addStretch(1)
        self.set_ok_text(self.tr("&Change password"))
        self.old_password.setFocus()
        self.fit_to_screen(QSize(520, 280))

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> bool:
        """True when the password was changed."""
        return cls(parent, ctx).exec() == QDialog.DialogCode.Accepted

    def _widget_problems(self) -> list[FieldError]:
        return same_password(self.new_password, self.new_password_again, "new_password_again")

    def _write(self, s: Session) -> UserAccount:
        return users.change_own_password(
            s, self.ctx.actor, self.old_password.text(), self.new_password.text()
        )

    def _announce(self, saved: object) -> None:
        for box in (self.old_password, self.new_password, self.new_password_again):
            box.clear()

    def _after_refused(self) -> None:
        for box in (self.old_password, self.new_password, self.new_password_again):
            box.clear()


# --------------------------------------------------------------------------- the list


class UserAccountsDialog(RecordListDialog):
    """Every account of the house, with what an administrator may do to each."""

    COLUMNS = ("Username", "Full name", "Role", "Mentor record", "Status", "Last signed in")

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(
            parent,
            title=_tr("User accounts"),
            intro=_tr(
                "Everyone who uses PeerDesk signs in with their own account. Accounts are "
                "never deleted: deactivate the account of someone who has left, and their name "
                "stays on everything they did."
            ),
            columns=[_tr(c) for c in self.COLUMNS],
            list_label=_tr("A&ccounts of the house:"),
            list_name=_tr("User accounts"),
        )
        self.setObjectName("userAccountsDialog")
        self.ctx = ctx
        self.accounts: list[UserAccount] = []
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.table.itemActivated.connect(lambda _item: self._on_change_role())
        self.add_button = self.side_button(_tr("&Add account…"), self._on_add, _tr("A new account"))
        self.reset_button = self.side_button(
            _tr("Set new &password…"),
            self._on_reset,
            _tr("For someone who forgot theirs; also lifts a wait after wrong passwords"),
        )
        self.role_button = self.side_button(
            _tr("Change &role…"),
            self._on_change_role,
            _tr("Role, printing names, peer mentor record"),
        )
        self.active_button = self.side_button(
            _tr("&Deactivate"),
            self._on_toggle_active,
            _tr("Deactivate the account (it is kept) or reactivate it"),
        )
        self.lay_out(880, 460)
        self.refresh()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: UiContext) -> None:
        cls(parent, ctx).exec()

    # -- the table -------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.selected_id()
        try:
            with self.ctx.db.read() as s:
                self.accounts = users.list_users(s, self.ctx.actor)
                mentors = {c.mentor_id: c.name for c in accounts.mentor_choices(s, self.ctx.actor)}
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            self.accounts = []
            mentors = {}
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            last = account.last_login_at
            cells = [
                account.username,
                account.full_name,
                vocab_text(account.role)
                + (self.tr(", prints names") if account.may_print_identified else ""),
                mentors.get(account.mentor_id, "") if account.mentor_id else "",
                self.tr("Active") if account.active else self.tr("Deactivated"),
                fmt_date(clock.to_local(last).date()) if last else self.tr("never"),
            ]
            self.fill_row(row, cells, account.id, greyed=not account.active)
        index = next((i for i, a in enumerate(self.accounts) if a.id == keep), 0)
        if self.accounts:
            self.table.selectRow(index)
        self._update_buttons()

    def selected(self) -> UserAccount | None:
        row = self.selected_row()
        return None if row is None else self.accounts[row]

    def selected_id(self) -> int | None:
        account = self.selected()
        return None if account is None else account.id

    def select_username(self, username: str) -> None:
        for row, account in enumerate(self.accounts):
            if account.username == username:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.ctx.actor.may(Action.MANAGE_ACCOUNTS))
        account = self.selected()
        for made in (self.reset_button, self.role_button, self.active_button):
            made.setEnabled(account is not None)
        text = (
            self.tr("R&eactivate") if account is not None and not account.active else None
        ) or self.tr("&Deactivate")
        self.active_button.setText(text)
        self.active_button.setAccessibleName(text.replace("&", ""))

    def _on_table_item_selection_changed(self) -> None:
        self._update_buttons()

    # -- what the buttons do -----------------------------------------------------------------

    def _on_add(self) -> None:
        made = AccountDialog.ask(self, self.ctx)
        if made is not None:
            self.refresh(made.id)

    def _on_reset(self) -> None:
        account = self.selected()
        if account is not None and ResetPasswordDialog.ask(self, self.ctx, account) is not None:
            self.refresh(account.id)
            messages.info(
                self,
                self.tr("New password set"),
                self.tr("{name} can now sign in with the new password.").format(
                    name=account.full_name
                ),
            )

    def _on_change_role(self) -> None:
        account = self.selected()
        if account is None:
            return
        changed = RoleDialog.ask(self, self.ctx, account)
        if changed is None:
            return
        if changed.id == self.ctx.actor.user_id:
            # Your own role changed: the window follows at once.
            self.ctx.set_actor(users.actor_for(changed))
            if not self.ctx.actor.may(Action.MANAGE_ACCOUNTS):
                self.accept()
                return
        self.refresh(account.id)

    def _on_toggle_active(self) -> None:
        account = self.selected()
        if account is None:
            return
        if account.active and not messages.confirm(
            self,
            self.tr("Deactivate account"),
            self.tr(
                "Deactivate the account of {name} ({username})? They can no longer sign in; "
                "everything they did stays under their name, and an administrator can "
                "reactivate the account later."
            ).format(name=account.full_name, username=account.username),
            self.tr("&Deactivate"),
        ):
            return
        self.banner.clear_message()
        try:
            with self.ctx.db.begin() as s:
                users.set_active(s, self.ctx.actor, account.id, not account.active)
        except PeerDeskError as exc:
            self.banner.show_message(str(exc), "error")
            return
        self.ctx.announce("users", account.id)
        self.refresh(account.id)
