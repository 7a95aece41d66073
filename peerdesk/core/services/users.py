"""User accounts: who may sign in, with which role, and the slowing lockout.

Passwords are stored only as Argon2id hashes. A password has at least 12 characters and no
other rules. After repeated wrong passwords an account is locked for a while that doubles
with each further failure. Accounts are deactivated, never deleted; there is always at least
one active administrator.

Signing in is audited whether it succeeds or not, so :func:`sign_in` returns a result
instead of raising: the caller commits the audit line and then refuses the person.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import argon2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import Mentor, User
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, get_or_not_found

MIN_PASSWORD_LENGTH = 12
FREE_ATTEMPTS = 5  # wrong passwords before the first lock
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")

# OWASP's Argon2id setting (19 MiB, 2 passes): about 0.1 s here. Tests may swap in a cheaper
# hasher through ``use_hasher``; the stored hash records its own parameters either way.
_hasher = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def use_hasher(hasher: argon2.PasswordHasher) -> argon2.PasswordHasher:
    """Replace the password hasher (for tests); returns the previous one."""
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


@dataclass(frozen=True)
class UserAccount:
    id: int
    username: str
    full_name: str
    role: vocab.Role
    active: bool
    may_print_identified: bool
    last_login_at: dt.datetime | None
    mentor_id: int | None


@dataclass(frozen=True)
class SignInResult:
    """``actor`` when the password was right; otherwise ``message`` says what to do."""

    actor: Actor | None
    message: str

    @property
    def ok(self) -> bool:
        return self.actor is not None


def _to_dto(s: Session, row: User) -> UserAccount:
    mentor_id = s.execute(select(Mentor.id).where(Mentor.user_id == row.id)).scalar()
    return UserAccount(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=vocab.Role(row.role),
        active=row.active,
        may_print_identified=row.may_print_identified,
        last_login_at=row.last_login_at,
        mentor_id=mentor_id,
    )


def any_accounts(s: Session) -> bool:
    """True once the house has at least one user account (then everyone must sign in)."""
    return s.execute(select(func.count()).select_from(User)).scalar_one() > 0


def list_users(s: Session, actor: Actor) -> list[UserAccount]:
    actor.require(Action.MANAGE_ACCOUNTS)
    rows = s.execute(select(User).order_by(User.username)).scalars()
    return [_to_dto(s, row) for row in rows]


def actor_for(user: UserAccount) -> Actor:
    extra = frozenset({Action.PRINT_IDENTIFIED}) if user.may_print_identified else frozenset()
    return Actor(username=user.username, role=user.role, user_id=user.id, also_allowed=extra)


def _check_password(problems: Problems, password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.add(
            field,
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters; a few words "
            "that mean something to you work well.",
        )


def create_user(
    s: Session,
    actor: Actor,
    username: str,
    full_name: str,
    role: vocab.Role,
    password: str,
    *,
    may_print_identified: bool = False,
) -> UserAccount:
    """Add an account. The very first account must be an administrator and needs no one's
    permission; after that only an administrator adds accounts."""
    first = not any_accounts(s)
    if not first:
        actor.require(Action.MANAGE_ACCOUNTS)
    problems = Problems()
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        problems.add(
            "username",
            "A username has 2 to 40 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit.",
        )
    elif s.execute(select(User.id).where(User.username == username)).first():
        problems.add("username", f"There is already an account called {username}.")
    full_name = problems.text(full_name, "full_name", "Full name", max_length=120)
    if not isinstance(role, vocab.Role):
        problems.add("role", "Choose the account's role.")
    elif first and role != vocab.Role.ADMINISTRATOR:
        problems.add("role", "The first account must be an administrator.")
    _check_password(problems, password)
    problems.raise_if_any()
    row = User(
        username=username,
        full_name=full_name,
        role=role.value,
        password_hash=_hasher.hash(password),
        active=True,
        may_print_identified=may_print_identified,
        failed_logins=0,
        created_at=clock.now_utc(),
    )
    s.add(row)
    s.flush()
    creator = Actor(username, role, row.id) if first else actor
    audit.record(
        s,
        creator,
        "create",
        "users",
        row.id,
        f"Account {username} ({role.label})",
        {"username": username, "role": role.value},
    )
    return _to_dto(s, row)


def _lock_seconds(failures: int) -> int:
    """How long an account stays locked after ``failures`` wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - FREE_ATTEMPTS)))


def sign_in(s: Session, username: str, password: str) -> SignInResult:
    """Check a username and password; records the attempt in the audit log either way."""
    name = username.strip().lower()
    row = s.execute(select(User).where(User.username == name)).scalar_one_or_none()
    now = clock.now_utc()
    nobody = Actor(username=name or "(blank)", role=vocab.Role.VIEWER)
    wrong = "The username or password is not right. Check them and try again."
    if row is None:
        audit.record(s, nobody, "login_failed", "users", None, f"Unknown username {name!r}")
        return SignInResult(None, wrong)
    who = Actor(row.username, vocab.Role(row.role), row.id)
    if not row.active:
        audit.record(s, who, "login_failed", "users", row.id, "Account deactivated")
        return SignInResult(
            None, "This account has been deactivated. Ask an administrator to reactivate it."
        )
    if row.locked_until is not None and row.locked_until > now:
        wait = int((row.locked_until - now).total_seconds()) + 1
        audit.record(s, who, "login_failed", "users", row.id, "Account locked")
        return SignInResult(None, f"Too many wrong passwords. Wait {wait} seconds, then try again.")
    try:
        _hasher.verify(row.password_hash, password)
    except argon2.exceptions.VerificationError:
        row.failed_logins += 1
        lock = _lock_seconds(row.failed_logins)
        row.locked_until = now + dt.timedelta(seconds=lock) if lock else None
        audit.record(
            s,
            who,
            "login_failed",
            "users",
            row.id,
            f"Wrong password ({row.failed_logins} in a row)",
        )
        if lock:
            return SignInResult(
                None, f"The password is not right. Too many tries: wait {lock} seconds."
            )
        return SignInResult(None, wrong)
    except argon2.exceptions.InvalidHashError:
        audit.record(s, who, "login_failed", "users", row.id, "Stored password hash unreadable")
        return SignInResult(None, "This account's password must be reset by an administrator.")
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    row.failed_logins = 0
    row.locked_until = None
    row.last_login_at = now
    audit.record(s, who, "login", "users", row.id, f"{row.username} signed in")
    return SignInResult(actor_for(_to_dto(s, row)), "")


def _target(s: Session, actor: Actor, user_id: int) -> User:
    actor.require(Action.MANAGE_ACCOUNTS)
    return get_or_not_found(s, User, user_id, "user account")


def reset_password(s: Session, actor: Actor, user_id: int, new_password: str) -> UserAccount:
    """An administrator sets a new password for someone (and lifts any lock)."""
    row = _target(s, actor, user_id)
    problems = Problems()
    _check_password(problems, new_password)
    problems.raise_if_any()
    row.password_hash = _hasher.hash(new_password)
    row.failed_logins = 0
    row.locked_until = None
    audit.record(s, actor, "reset_password", "users", row.id, f"Password of {row.username} reset")
    return _to_dto(s, row)


def change_own_password(
    s: Session, actor: Actor, old_password: str, new_password: str
) -> UserAccount:
    if actor.user_id is None:
        raise PermissionDenied("Sign in with your own account to change its password.", actor=actor)
    row = get_or_not_found(s, User, actor.user_id, "user account")
    problems = Problems()
    try:
        _hasher.verify(row.password_hash, old_password)
    except argon2.exceptions.VerificationError:
        problems.add("old_password", "Your current password is not right.")
    _check_password(problems, new_password, "new_password")
    problems.raise_if_any()
    row.password_hash = _hasher.hash(new_password)
    audit.record(s, actor, "change_password", "users", row.id, "Own password changed")
    return _to_dto(s, row)


def _active_administrators(s: Session) -> int:
    return s.execute(
        select(func.count()).where(
            User.role == vocab.Role.ADMINISTRATOR.value, User.active.is_(True)
        )
    ).scalar_one()


def set_active(s: Session, actor: Actor, user_id: int, active: bool) -> UserAccount:
    """Deactivate (or reactivate) an account; it is never deleted."""
    row = _target(s, actor, user_id)
    if not active:
        if row.id == actor.user_id:
            raise ValidationError.single("active", "You cannot deactivate your own account.")
        if row.role == vocab.Role.ADMINISTRATOR.value and _active_administrators(s) <= 1:
            raise ValidationError.single(
                "active", "This is the last active administrator; make another one first."
            )
    if row.active != active:
        row.active = active
        audit.record(
            s, actor, "activate" if active else "deactivate", "users", row.id, row.username
        )
    return _to_dto(s, row)


def set_role(
    s: Session, actor: Actor, user_id: int, role: vocab.Role, *, may_print_identified: bool
) -> UserAccount:
    row = _target(s, actor, user_id)
    if (
        row.role == vocab.Role.ADMINISTRATOR.value
        and role != vocab.Role.ADMINISTRATOR
        and row.active
        and _active_administrators(s) <= 1
    ):
        raise ValidationError.single(
            "role", "This is the last active administrator; make another one first."
        )
    before = {"role": row.role, "may_print_identified": row.may_print_identified}
    row.role = role.value
    row.may_print_identified = may_print_identified
    changes = audit.diff(before, {"role": role.value, "may_print_identified": may_print_identified})
    if changes:
        audit.record(s, actor, "change", "users", row.id, f"Role of {row.username}", changes)
    return _to_dto(s, row)


def check_password(s: Session, actor: Actor, password: str) -> bool:
    """Is this the signed-in person's password? (Unlocking the window as the same person.)"""
    if actor.user_id is None:
        return True
    row = s.get(User, actor.user_id)
    if row is None or not row.active:
        return False
    try:
        return bool(_hasher.verify(row.password_hash, password))
    except argon2.exceptions.VerificationError:
        return False
