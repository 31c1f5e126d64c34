"""Users: creation, roles, activation and passwords (logging in is :mod:`assistant.services.login`).

Every change that alters what a user may do (role, activation, password) revokes the
user's open sessions, and with them the chat's tokens. Two rules hold for every caller,
the admin pages and the operator's CLI alike: nobody changes their own role or
deactivates their own account, and the last active administrator is never demoted or
deactivated (nobody would be left to manage users from the web).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.actors import Actor
from assistant.db.models import User
from assistant.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from assistant.passwords import MIN_PASSWORD_LENGTH, hash_password
from assistant.policy import Action, authorize
from assistant.roles import Role
from assistant.services.sessions import revoke_user_sessions

_USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,120}")


def _validate_new(username: str, password: str) -> None:
    if not _USERNAME.fullmatch(username):
        raise ValidationError("User names use letters, digits and . - _ @ only.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def _create(session: Session, username: str, password: str, role: Role, display_name: str) -> User:
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
    return user


def create_user(
    session: Session, actor: Actor, username: str, password: str, role: Role, display_name: str = ""
) -> User:
    """An admin (or :data:`~assistant.actors.SYSTEM`: bootstrap, `demo seed`) creates a user."""
    authorize(actor, Action.USER_MANAGE)
    user = _create(session, username, password, role, display_name)
    audit.record(
        session, actor, "user.create", target_type="user", target_id=user.id, details={"role": role.value}
    )
    return user


def list_users(session: Session, actor: Actor) -> Sequence[User]:
    """All users, for admins and the operator's CLI (:data:`~assistant.actors.SYSTEM`)."""
    authorize(actor, Action.USER_MANAGE)
    return session.scalars(select(User).order_by(User.id)).all()


def _target(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username).with_for_update())
    if user is None:
        raise NotFoundError(f"No user '{username}'.")
    return user


def _other_active_admins(session: Session, user: User) -> int:
    stmt = select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id
    )
    return int(session.scalar(stmt) or 0)


def _check_admin_rules(session: Session, actor: Actor, user: User, *, demote: bool, deactivate: bool) -> None:
    """Refuse a change to one's own account, and removing the last active administrator."""
    if actor.id is not None and actor.id == user.id:
        if deactivate:
            raise ValidationError("You cannot deactivate your own account.")
        raise ValidationError("Ask another administrator to change your own role.")
    removes_admin = user.role is Role.ADMIN and user.is_active and (demote or deactivate)
    if removes_admin and _other_active_admins(session, user) == 0:
        raise ConflictError(
            f"'{user.username}' is the last active administrator; make another user an administrator first."
        )


def set_role(session: Session, actor: Actor, username: str, role: Role) -> User:
    """An admin (or the operator at the CLI, as :data:`~assistant.actors.SYSTEM`) changes a user's role."""
    authorize(actor, Action.USER_MANAGE)
    user = _target(session, username)
    _check_admin_rules(session, actor, user, demote=role is not Role.ADMIN, deactivate=False)
    old = user.role
    user.role = role
    revoke_user_sessions(session, user.id, "role_changed")
    audit.record(
        session,
        actor,
        "user.set_role",
        target_type="user",
        target_id=user.id,
        details={"from": old.value, "to": role.value},
    )
    return user


def set_active(session: Session, actor: Actor, username: str, active: bool) -> User:
    """An admin (or the operator) deactivates or reactivates an account."""
    authorize(actor, Action.USER_MANAGE)
    user = _target(session, username)
    if not active:
        _check_admin_rules(session, actor, user, demote=False, deactivate=True)
    user.is_active = active
    if not active:
        revoke_user_sessions(session, user.id, "deactivated")
    audit.record(
        session, actor, "user.set_active", target_type="user", target_id=user.id, details={"active": active}
    )
    return user


def change_password(
    session: Session, user_id: int, new_hash: str, *, keep_session: int | None, expected_hash: str
) -> User:
    """Store a new password hash the user chose; every other session of theirs ends.

    The caller verifies the current password and hashes the new one *before* opening
    this transaction (Argon2 never runs under the database lock) and passes the hash it
    verified against as ``expected_hash``: a concurrent change makes this one fail.
    """
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFoundError("User not found.")
    if user.password_hash != expected_hash:
        raise AuthenticationError("Your password was changed meanwhile; log in again.")
    user.password_hash = new_hash
    user.must_change_password = False
    ended = revoke_user_sessions(session, user.id, "password_changed", keep=keep_session)
    audit.record(session, user, "user.password_change", target_type="user", target_id=user.id,
                 details={"sessions_ended": ended})  # fmt: skip
    return user


def reset_password(session: Session, actor: Actor, username: str, new_hash: str) -> User:
    """An admin (or the operator) sets a temporary password, to be changed at next login."""
    authorize(actor, Action.USER_MANAGE)
    user = _target(session, username)
    user.password_hash = new_hash
    user.must_change_password = True
    ended = revoke_user_sessions(session, user.id, "password_reset")
    audit.record(session, actor, "user.password_reset", target_type="user", target_id=user.id,
                 details={"sessions_ended": ended})  # fmt: skip
    return user


def validate_new_password(password: str) -> None:
    """Refuse a new password that does not meet the rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
