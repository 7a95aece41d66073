"""Every form can be built for the window's self-test, shown, checked and closed."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.demo import build_demo_house
from peerdesk.ui.dialogs import forms_for_self_test
from tests.ui.dialog_support import control_problems, make_context, row_counts

# Signing in and the first administrator, then what the local administrator may open (a
# house without accounts has no "change my password").
ACCOUNT_FORMS = ["sign in", "first administrator", "user accounts", "add account", "audit log"]

EVERY_FORM = [
    "welcome",
    "resident intake",
    "resident details",
    "change phase",
    "discharge",
    "assessment",
    "readmit",
    "new mentor",
    "mentor profile",
    "mentor inactive",
    "new session",
    "session",
    "new supervision note",
    "supervision note",
    "void",
    "import a spreadsheet",
    "report",
    "backup",
    "verify backup",
    "restore",
    "recovery sheet",
    "house settings",
    "program phases",
    "new program phase",
    "user guide",
    "about",
    *ACCOUNT_FORMS,
]


def test_every_form_opens_over_a_demo_house_and_cancels_cleanly(
    qtbot: QtBot, db: Database, admin: Actor
) -> None:
    build_demo_house(db, beds=12, years=1)
    ctx = make_context(db, admin)
    parent = QWidget()
    qtbot.addWidget(parent)
    before = row_counts(db)
    names = []
    for name, dialog in forms_for_self_test(parent, ctx):
        names.append(name)
        dialog.show()
        assert dialog.isVisible(), name
        banner = getattr(dialog, "banner", None)  # forms have one; the guide and About do not
        assert banner is None or not banner.text(), (name, banner.text())  # loaded fine
        assert control_problems(dialog) == [], name
        dialog.reject()
        assert dialog.result() == QDialog.DialogCode.Rejected
        dialog.deleteLater()
    assert names == EVERY_FORM
    assert row_counts(db) == before  # opening and cancelling writes nothing


def test_an_empty_house_offers_only_the_new_record_forms(
    qtbot: QtBot, db: Database, admin: Actor
) -> None:
    ctx = make_context(db, admin)
    parent = QWidget()
    qtbot.addWidget(parent)
    names = [name for name, _dialog in forms_for_self_test(parent, ctx)]
    assert names == [
        "welcome",
        "resident intake",
        "new mentor",
        "new session",
        "new supervision note",
        "void",
        "import a spreadsheet",
        "report",
        "backup",
        "verify backup",
        "restore",
        "recovery sheet",
        "house settings",
        "program phases",
        "new program phase",
        "user guide",
        "about",
        *ACCOUNT_FORMS,
    ]


def test_forms_fit_a_1280_by_800_screen_at_150_percent_font(
    qtbot: QtBot, db: Database, admin: Actor
) -> None:
    build_demo_house(db, beds=12, years=1)
    ctx = make_context(db, admin)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.font()
    bigger = app.font()
    bigger.setPointSizeF(original.pointSizeF() * 1.5)
    app.setFont(bigger)
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        for name, dialog in forms_for_self_test(parent, ctx):
            dialog.resize(1280, 800)
            dialog.show()
            # Nothing needs more width than the screen: the fields wrap or scroll down.
            content = getattr(dialog, "body", dialog)  # a form's fields, or the whole window
            assert content.minimumSizeHint().width() <= 1280 - 40, name
            dialog.reject()
            dialog.deleteLater()
    finally:
        app.setFont(original)
