"""Who opens the window: the first administrator, or a sign-in, before anything is shown.

Called by :mod:`peerdesk.app` once the database is open and the house is named, and before
the main window is built, so no record is on screen until someone has signed in.

- A house without accounts (a new one, or one made before accounts existed) makes its
  administrator first; there is no way past that but Quit (see
  :mod:`peerdesk.ui.dialogs.first_admin` for why).
- A house with accounts asks for a username and password every time.
- The demo house (``--demo``) has one account per role sharing a random password; its
  sign-in shows the password and fills it in for ``admin``, so a newcomer presses Enter and
  can later sign in as the other roles to see what each may do.
- The self-test has nobody to type: it signs in as ``--user`` with ``PEERDESK_PASSWORD`` (the
  demo house signs in as ``admin`` by itself); a house without accounts is visited as its
  local administrator.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.services import settings as settings_service
from peerdesk.core.services import users

DEMO_USERNAME = "admin"
PASSWORD_ENV = "PEERDESK_PASSWORD"  # the same variable as the command line's


def _tr(text: str) -> str:
    return QCoreApplication.translate("start", text)


def sign_in_at_start(
    db: Database,
    *,
    is_new: bool,
    demo_password: str = "",
    self_test: bool = False,
    user: str | None = None,
    report: Callable[[str], None],
) -> Actor | None:
    """The person the window opens for, or None when nobody signed in (they chose Quit, or
    the self-test could not sign in; the latter is reported)."""
    with db.read() as s:
        has_accounts = users.any_accounts(s)
        house_name = settings_service.get_settings(s).house_name
    if self_test:
        return _self_test_actor(db, has_accounts, demo_password, user, report)
    if not has_accounts:
        from peerdesk.ui.dialogs.first_admin import FirstAdministratorDialog

        return FirstAdministratorDialog.ask(None, db, existing_house=not is_new)
    from peerdesk.ui.dialogs.sign_in import SignInDialog

    username = user or (DEMO_USERNAME if demo_password else "")
    return SignInDialog.ask(
        None, db, house_name=house_name, username=username, demo_password=demo_password
    )


def _self_test_actor(
    db: Database,
    has_accounts: bool,
    demo_password: str,
    user: str | None,
    report: Callable[[str], None],
) -> Actor | None:
    if not has_accounts:
        return Actor.local_administrator()
    if demo_password:
        username, password = DEMO_USERNAME, demo_password
    else:
        password = os.environ.get(PASSWORD_ENV, "")
        if not user or not password:
            report(
                _tr(
                    "This house has user accounts: to run the self-test, put --user NAME "
                    "before --self-test and the password in {env}."
                ).format(env=PASSWORD_ENV)
            )
            return None
        username = user
    with db.begin() as s:
        result = users.sign_in(s, username, password)
    if result.actor is None:
        report(result.message)
    return result.actor
