"""Every form of the window, as a modal dialog with one ``ask`` class method.

Each ``ask`` shows its dialog, writes through the core services in one transaction when the
person presses Save, announces the change on ``ctx.events.records_changed`` and returns the
saved DTO (or None when cancelled). Tests and the window patch ``ask``; the self-test builds
each dialog with :func:`forms_for_self_test`, shows it, checks it and rejects it.

What each announces (table, id): residents (intake, details, phase, discharge, readmit),
assessments, mentors (profile, credentials, training, inactive), peer_sessions and
supervision_notes; the import wizard announces residents or mentors with id 0 (many).
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtWidgets import QDialog, QWidget

from peerdesk.core import pickers
from peerdesk.ui.context import UiContext


def forms_for_self_test(parent: QWidget, ctx: UiContext) -> Iterator[tuple[str, QDialog]]:
    """Each form, constructed but not shown, named for the self-test's report.

    An edit form uses an existing record when the house has one (and is left out when it
    has none); a dialog is built only when the loop asks for it, so the caller can close
    each before the next opens.
    """
    from peerdesk.ui.dialogs.assessment import AssessmentDialog
    from peerdesk.ui.dialogs.backup import BackupDialog, VerifyBackupDialog
    from peerdesk.ui.dialogs.discharge import DischargeDialog, ReadmitDialog
    from peerdesk.ui.dialogs.mentor import DeactivateMentorDialog, MentorDialog
    from peerdesk.ui.dialogs.phase import ChangePhaseDialog
    from peerdesk.ui.dialogs.recovery import RecoverySheetDialog
    from peerdesk.ui.dialogs.reports import ReportDialog
    from peerdesk.ui.dialogs.resident import ResidentDialog
    from peerdesk.ui.dialogs.restore import RestoreWizard
    from peerdesk.ui.dialogs.session import SessionDialog
    from peerdesk.ui.dialogs.supervision import SupervisionDialog
    from peerdesk.ui.dialogs.void import VoidDialog
    from peerdesk.ui.dialogs.welcome import WelcomeDialog

    with ctx.db.read() as s:
        found = pickers.sample_records(s)

    yield "welcome", WelcomeDialog(parent)
    yield "resident intake", ResidentDialog(parent, ctx)
    if found.resident_id is not None:
        yield "resident details", ResidentDialog(parent, ctx, found.resident_id)
    if found.active_resident_id is not None:
        yield "change phase", ChangePhaseDialog(parent, ctx, found.active_resident_id)
        yield "discharge", DischargeDialog(parent, ctx, found.active_resident_id)
        yield "assessment", AssessmentDialog(parent, ctx, found.active_resident_id)
    if found.discharged_resident_id is not None:
        yield "readmit", ReadmitDialog(parent, ctx, found.discharged_resident_id)
    yield "new mentor", MentorDialog(parent, ctx)
    if found.mentor_id is not None:
        yield "mentor profile", MentorDialog(parent, ctx, found.mentor_id)
    if found.active_mentor_id is not None:
        yield "mentor inactive", DeactivateMentorDialog(parent, ctx, found.active_mentor_id)
    yield "new session", SessionDialog(parent, ctx)
    if found.session_id is not None:
        yield "session", SessionDialog(parent, ctx, found.session_id)
    yield "new supervision note", SupervisionDialog(parent, ctx)
    if found.note_id is not None:
        yield "supervision note", SupervisionDialog(parent, ctx, found.note_id)
    yield "void", VoidDialog(parent, "a record")

    from peerdesk.ui.dialogs.import_wizard import ImportWizard

    yield "import a spreadsheet", ImportWizard(parent, ctx)
    yield "report", ReportDialog(parent, ctx)
    yield "backup", BackupDialog(parent, ctx)
    yield "verify backup", VerifyBackupDialog(parent, ctx)
    yield "restore", RestoreWizard(parent, ctx)
    yield "recovery sheet", RecoverySheetDialog(parent, ctx)
    from peerdesk.core.permissions import Action
    from peerdesk.ui.dialogs.about import AboutDialog
    from peerdesk.ui.dialogs.guide import GuideWindow

    if ctx.actor.may(Action.MANAGE_SETTINGS):
        from peerdesk.ui.dialogs.house_settings import HouseSettingsDialog
        from peerdesk.ui.dialogs.phases import PhaseDialog, ProgramPhasesDialog

        yield "house settings", HouseSettingsDialog(parent, ctx)
        yield "program phases", ProgramPhasesDialog(parent, ctx)
        yield "new program phase", PhaseDialog(parent, ctx, None)
    yield "user guide", GuideWindow(parent, ctx)
    yield "about", AboutDialog(parent, ctx)
    yield from _account_forms(parent, ctx)


def _account_forms(parent: QWidget, ctx: UiContext) -> Iterator[tuple[str, QDialog]]:
    """Signing in, the first administrator, and what the signed-in person's role may open."""
    from peerdesk.core.permissions import Action
    from peerdesk.ui.dialogs.accounts import (
        AccountDialog,
        ChangePasswordDialog,
        UserAccountsDialog,
    )
    from peerdesk.ui.dialogs.audit_log import AuditLogDialog
    from peerdesk.ui.dialogs.first_admin import FirstAdministratorDialog
    from peerdesk.ui.dialogs.sign_in import SignInDialog

    yield "sign in", SignInDialog(parent, ctx.db)
    yield "first administrator", FirstAdministratorDialog(parent, ctx.db, existing_house=False)
    if ctx.actor.user_id is not None:
        yield "change my password", ChangePasswordDialog(parent, ctx)
    if ctx.actor.may(Action.MANAGE_ACCOUNTS):
        yield "user accounts", UserAccountsDialog(parent, ctx)
        yield "add account", AccountDialog(parent, ctx)
    if ctx.actor.may(Action.READ_AUDIT):
        yield "audit log", AuditLogDialog(parent, ctx)
