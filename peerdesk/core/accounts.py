"""What the window needs about accounts beyond :mod:`peerdesk.core.services.users`.

The signed-in person's own account (for "Signed in as …"), linking a peer mentor's account to
their mentor record (so they can log their own sessions and read the supervision notes about
themselves), and the audit lines of the window's lock: locking, unlocking and signing out.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.core import audit, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import ValidationError
from peerdesk.core.models import Mentor, User
from peerdesk.core.permissions import Action
from peerdesk.core.services import mentors
from peerdesk.core.services.users import UserAccount, _to_dto


def own_account(s: Session, actor: Actor) -> UserAccount | None:
    """The account the actor signed in with (None for the local administrator of a house
    without accounts). Everyone may read their own account."""
    if actor.user_id is None:
        return None
    row = s.get(User, actor.user_id)
    return None if row is None else _to_dto(s, row)


def display_name(account: UserAccount | None, actor: Actor) -> str:
    """ "Dana Whitaker (Supervisor)", or the actor's username when there is no account."""
    if account is None:
        return actor.username
    return f"{account.full_name} ({account.role.label})"


@dataclasses.dataclass(frozen=True)
class MentorChoice:
    """A mentor record an account may be linked to; ``account`` names who has it now."""

    mentor_id: int
    name: str
    active: bool
    user_id: int | None


def mentor_choices(s: Session, actor: Actor) -> list[MentorChoice]:
    """Every peer mentor record with the account linked to it, for the accounts dialog."""
    actor.require(Action.MANAGE_ACCOUNTS)
    rows = s.execute(
        select(
            Mentor.id, Mentor.first_name, Mentor.last_name, Mentor.status, Mentor.user_id
        ).order_by(Mentor.status, Mentor.last_name, Mentor.first_name, Mentor.id)
    ).all()
    return [
        MentorChoice(
            mid, dto.person_name(first, last), status == vocab.MentorStatus.ACTIVE.value, uid
        )
        for mid, first, last, status, uid in rows
    ]


def link_mentor(s: Session, actor: Actor, user_id: int, mentor_id: int | None) -> None:
    """Make ``mentor_id`` the mentor record of account ``user_id`` (None: no record).

    One account has at most one mentor record, and a record at most one account: a record
    linked to someone else is refused; the account's previous record is let go. Each change
    is written through the mentor service, so it is checked and audited like the form's.
    """
    actor.require(Action.MANAGE_ACCOUNTS)
    if s.get(User, user_id) is None:
        raise ValidationError.single("mentor_id", "That user account no longer exists.")
    if mentor_id is not None:
        row = s.get(Mentor, mentor_id)
        if row is None:
            raise ValidationError.single("mentor_id", "Choose the peer mentor from the list.")
        if row.user_id is not None and row.user_id != user_id:
            other = s.get(User, row.user_id)
            raise ValidationError.single(
                "mentor_id",
                f"{dto.person_name(row.first_name, row.last_name)} is already linked to the "
                f"account {other.username if other else 'of someone else'}.",
            )
    current = s.execute(select(Mentor.id).where(Mentor.user_id == user_id)).scalars().all()
    for old in current:
        if old != mentor_id:
            _set_mentor_user(s, actor, old, None)
    if mentor_id is not None and mentor_id not in current:
        _set_mentor_user(s, actor, mentor_id, user_id)


def _set_mentor_user(s: Session, actor: Actor, mentor_id: int, user_id: int | None) -> None:
    mentor = mentors.get_mentor(s, mentor_id)
    details = mentors.MentorDetails(
        first_name=mentor.first_name,
        last_name=mentor.last_name,
        start_date=mentor.start_date,
        role_title=mentor.role_title,
        phone=mentor.phone,
        email=mentor.email,
        supervisor_name=mentor.supervisor_name,
        former_resident_id=mentor.former_resident_id,
        user_id=user_id,
        notes=mentor.notes,
    )
    mentors.update_mentor(s, actor, mentor_id, details)


# --------------------------------------------------------------------------- the window's lock


def record_lock(s: Session, actor: Actor, why: str) -> None:
    """The window was covered (idle, or "Lock now")."""
    audit.record(s, actor, "lock", "users", actor.user_id, why)


def record_unlock(s: Session, previous: Actor, now: Actor) -> None:
    """The window was uncovered by ``now`` (after their password was checked by sign-in)."""
    if now.user_id == previous.user_id:
        summary = f"{now.username} unlocked the window"
    else:
        summary = f"{now.username} unlocked the window; {previous.username}'s session ended"
    audit.record(s, now, "unlock", "users", now.user_id, summary)


def record_sign_out(s: Session, actor: Actor) -> None:
    audit.record(s, actor, "logout", "users", actor.user_id, f"{actor.username} signed out")
