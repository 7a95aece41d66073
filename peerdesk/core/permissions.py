"""What each role may do: one table, enforced in the services (not only by hiding buttons).

Services call :func:`require` before they read or write; a denial raises
:class:`PermissionDenied` with a sentence naming the role and the action. "Own" actions
(a peer mentor's own sessions, supervision notes about themselves) are narrowed further by
the service, which knows whose record it is.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from peerdesk.core.vocab import Role


class Action(StrEnum):
    VIEW_RECORDS = "view the house's records"
    EDIT_RESIDENTS = "add or change residents"
    VOID_INTAKES = "void an intake entered by mistake"
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
    # A backup opens with whatever seals it; a passphrase of the person's own would let them
    # read, at home, everything in the house (every supervision note, the audit log, the
    # password hashes). Everyone else's backups open only with the house's own keys.
    BACKUP_WITH_OWN_PASSPHRASE = "seal a backup with a passphrase of your own"
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


# --------------------------------------------------------------------------- the table in words

# Cells the table alone cannot say: the service narrows them further (a peer mentor's own
# records), or an administrator allows them per account (a viewer printing named reports).
QUALIFIED: dict[tuple[Role, Action], str] = {
    (Role.PEER_MENTOR, Action.LOG_SESSIONS): "own",
    (Role.PEER_MENTOR, Action.READ_OWN_SUPERVISION): "own",
    (Role.PEER_MENTOR, Action.ACKNOWLEDGE_SUPERVISION): "own",
    (Role.VIEWER, Action.PRINT_IDENTIFIED): "if allowed",
}

YES = "yes"
NO = "—"


def role_table_rows() -> list[tuple[str, tuple[str, ...]]]:
    """The role × action table as rows: what may be done, then one cell per role (in the
    order of :class:`Role`): "yes", "own", "if allowed" or "—"."""
    return [
        (action.value[0].upper() + action.value[1:], tuple(_cell(role, action) for role in Role))
        for action in Action
    ]


def _cell(role: Role, action: Action) -> str:
    if (role, action) in QUALIFIED:
        return QUALIFIED[(role, action)]
    return YES if allowed(role, action) else NO


def role_table(html: bool = False) -> str:
    """The role table as the user guide prints it: plain text (aligned columns) or an HTML
    ``<table>``. A test keeps the guide and this function equal."""
    heading = ("What", *(role.label for role in Role))
    rows = role_table_rows()
    if html:
        lines = ['<table class="roles">']
        lines.append("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in heading) + "</tr>")
        for what, cells in rows:
            lines.append(
                f"<tr><td>{escape(what)}</td>"
                + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
                + "</tr>"
            )
        lines.append("</table>")
        return "\n".join(lines)
    widths = [max(len(heading[0]), *(len(what) for what, _ in rows))]
    widths += [max(len(label), 10) for label in heading[1:]]
    table = [heading, *((what, *cells) for what, cells in rows)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    )
