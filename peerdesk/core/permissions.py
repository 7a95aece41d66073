"""What each role may do: one table, enforced in the services (not only by hiding buttons).

Services call :func:`require` before they read or write; a denial raises
:class:`PermissionDenied` with a sentence naming the role and the action. "Own" actions
(a peer mentor's own sessions, supervision notes about themselves) are narrowed further by
the service, which knows whose record it is.
"""

from __future__ import annotations

from enum import StrEnum

from peerdesk.core.vocab import Role


class Action(StrEnum):
    VIEW_RECORDS = "view the house's records"
    EDIT_RESIDENTS = "add or change residents"
    RECORD_ASSESSMENTS = "record assessments"
    LOG_SESSIONS = "log peer support sessions"
    EDIT_MENTORS = "add or change peer mentors"
    READ_ALL_SUPERVISION = "read every supervision note"
    READ_OWN_SUPERVISION = "read supervision notes about yourself"
    WRITE_SUPERVISION = "write supervision notes"
    ACKNOWLEDGE_SUPERVISION = "acknowledge supervision notes"
    PRINT_IDENTIFIED = "print reports that name residents"
    EXPORT_DATA = "export records to a spreadsheet"
    IMPORT_DATA = "import a spreadsheet"
    BACKUP = "back up the house"
    RESTORE = "restore a backup"
    MANAGE_SETTINGS = "change the house settings"
    MANAGE_ACCOUNTS = "manage user accounts"
    READ_AUDIT = "read the audit log"
    GENERATE_DEMO = "build a demo house"


_ALL = frozenset(Action)

ROLE_PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMINISTRATOR: _ALL,
    Role.SUPERVISOR: frozenset(
        {
            Action.VIEW_RECORDS,
            Action.EDIT_RESIDENTS,
            Action.RECORD_ASSESSMENTS,
            Action.LOG_SESSIONS,
            Action.EDIT_MENTORS,
            Action.READ_ALL_SUPERVISION,
            Action.READ_OWN_SUPERVISION,
            Action.WRITE_SUPERVISION,
            Action.ACKNOWLEDGE_SUPERVISION,
            Action.PRINT_IDENTIFIED,
            Action.EXPORT_DATA,
            Action.BACKUP,
            Action.READ_AUDIT,
        }
    ),
    Role.PEER_MENTOR: frozenset(
        {
            Action.VIEW_RECORDS,
            Action.EDIT_RESIDENTS,
            Action.RECORD_ASSESSMENTS,
            Action.LOG_SESSIONS,
            Action.READ_OWN_SUPERVISION,
            Action.ACKNOWLEDGE_SUPERVISION,
            Action.PRINT_IDENTIFIED,
            Action.BACKUP,
        }
    ),
    # A visiting auditor: reads, prints de-identified reports; identified ones only when an
    # administrator allows it for that account (checked by the caller).
    Role.VIEWER: frozenset({Action.VIEW_RECORDS}),
}


def allowed(role: Role, action: Action) -> bool:
    return action in ROLE_PERMISSIONS[role]


def refusal(role: Role, action: Action) -> str:
    return f"A {role.label.lower()} account may not {action.value}. Ask an administrator."
