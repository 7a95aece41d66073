"""The errors a person can cause, each carrying one plain sentence that says what to do.

Anything raised from ``core`` that a house manager could have caused (a wrong date, an
empty name, a damaged backup, a full USB stick) is a :class:`PeerDeskError`. The window
shows ``str(error)`` beside the field or in a message box; the command line prints it on
stderr and exits 1. Anything else is a defect in PeerDesk and is logged as one.
"""

from __future__ import annotations

from dataclasses import dataclass


class PeerDeskError(Exception):
    """A problem the person at the keyboard can fix; ``str()`` is the sentence to show."""


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with one field of a form: ``field`` names the input, ``message`` says why."""

    field: str
    message: str


class ValidationError(PeerDeskError):
    """A form or command had input PeerDesk cannot accept; nothing was written.

    ``errors`` lists every problem found, each naming its field, so a dialog can show each
    message beside its input. ``str()`` is the first message.
    """

    def __init__(self, *errors: FieldError) -> None:
        if not errors:
            raise ValueError("ValidationError needs at least one FieldError")
        self.errors: tuple[FieldError, ...] = errors
        super().__init__(errors[0].message)

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls(FieldError(field, message))

    def for_field(self, field: str) -> str | None:
        """The message for ``field``, or None when that field is fine."""
        for error in self.errors:
            if error.field == field:
                return error.message
        return None


class NotFound(PeerDeskError):
    """The record asked for does not exist (or was never in this house's database)."""


class PermissionDenied(PeerDeskError):
    """The signed-in person's role does not allow this action.

    ``actor`` (a ``peerdesk.core.audit.Actor``) is who was refused; the database records the
    refusal in the audit log after the refused transaction has rolled back.
    """

    def __init__(self, message: str, actor: object | None = None) -> None:
        super().__init__(message)
        self.actor = actor


class DatabaseError(PeerDeskError):
    """The database file cannot be opened or used: missing folder, newer version, damaged."""


class BackupError(PeerDeskError):
    """A backup could not be written, verified or restored; the live database is untouched."""


class ImportProblem(PeerDeskError):
    """A spreadsheet could not be read or imported; nothing was written."""
