"""Users: creation, login, roles."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.models import User
from assistant.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from assistant.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from assistant.policy import Action, authorize
from assistant.roles import Role

_USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,120}")

# A real hash of a random string, verified against when the user does not exist, so a
# wrong user name takes as long as a wrong password.
_DUMMY_HASH = hash_password("no-such-user-padding-value")


def _validate_new(username: str, password: str) -> None:
    if not _USERNAME.fullmatch(username):
        raise ValidationError("User names use letters, digits and . - _ @ only.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def create_user_unchecked(
    session: Session, username: str, password: str, role: Role, display_name: str = ""
) -> User:
    """Create a user without an acting admin (bootstrap and `demo seed` only)."""
    _validate_new(username, password)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError(f"The user name '{username}' is taken.")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session, None, "user.create", target_type="user", target_id=user.id, details={"role": role.value}
    )
    return user


def create_user(
    session: Session, actor: User, username: str, password: str, role: Role, display_name: str = ""
) -> User:
    """An admin creates a user."""
    authorize(actor, Action.USER_MANAGE)
    user = create_user_unchecked(session, username, password, role, display_name)
    audit.record(session, actor, "user.create.by_admin", target_type="user", target_id=user.id)
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """Check credentials; every attempt is audited (never the password)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        audit.record(session, None, "login.failed", target_type="user", details={"reason": "unknown"})
        raise AuthenticationError()
    if not user.is_active or not verify_password(user.password_hash, password):
        audit.record(session, user, "login.failed", target_type="user", target_id=user.id)
        raise AuthenticationError()
    audit.record(session, user, "login", target_type="user", target_id=user.id)
    return user


def get_user(session: Session, user_id: int) -> User:
    """Load a user by id."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("User not found.")
    return user


def list_users(session: Session, actor: User | None) -> Sequence[User]:
    """All users, for admins (or the operator at the CLI, ``actor`` None)."""
    if actor is not None:
        authorize(actor, Action.USER_MANAGE)
    return session.scalars(select(User).order_by(User.id)).all()


def set_role(session: Session, actor: User | None, username: str, role: Role) -> User:
    """An admin (or the operator at the CLI, ``actor`` None) changes a user's role."""
    if actor is not None:
        authorize(actor, Action.USER_MANAGE)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"No user '{username}'.")
    old = user.role
    user.role = role
    audit.record(
        session,
        actor,
        "user.set_role",
        target_type="user",
        target_id=user.id,
        details={"from": old.value, "to": role.value},
    )
    return user


def set_active(session: Session, actor: User, username: str, active: bool) -> User:
    """An admin deactivates or reactivates an account."""
    authorize(actor, Action.USER_MANAGE)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"No user '{username}'.")
    user.is_active = active
    audit.record(
        session, actor, "user.set_active", target_type="user", target_id=user.id, details={"active": active}
    )
    return user
