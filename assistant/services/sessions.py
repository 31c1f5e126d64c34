"""Server-side login sessions: open, look up, revoke.

The cookie carries a random token (``secrets.token_urlsafe(32)``); the table stores only
its sha256, so a copy of the database opens no session. A session is usable while it is
neither revoked nor expired and its user is active.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from assistant.db.base import utcnow
from assistant.db.models import AuthSession, User


@dataclass(frozen=True)
class OpenSession:
    """A valid session and its user (detached)."""

    session_id: int
    user: User


def token_sha256(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user_id: int, max_age_s: int) -> tuple[str, AuthSession]:
    """Start a session for ``user_id``; returns the cookie token and the row."""
    token = secrets.token_urlsafe(32)
    row = AuthSession(
        token_sha256=token_sha256(token),
        user_id=user_id,
        expires_at=utcnow() + dt.timedelta(seconds=max_age_s),
        revoked_reason="",
    )
    session.add(row)
    session.flush()
    return token, row


def find_active(session: Session, token: str | None) -> OpenSession | None:
    """The open session named by ``token`` with its active user, or None."""
    if not token or not isinstance(token, str) or len(token) > 128:
        return None
    found = session.execute(
        select(AuthSession.id, AuthSession.expires_at, AuthSession.revoked_at, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_sha256 == token_sha256(token))
    ).first()
    if found is None:
        return None
    session_id, expires_at, revoked_at, user = found
    if revoked_at is not None or expires_at <= utcnow() or not user.is_active:
        return None
    return OpenSession(session_id, user)


def revoke_token(session: Session, token: str | None, reason: str) -> int | None:
    """Revoke the session named by ``token``; returns its user id, if there was one."""
    if not token or not isinstance(token, str):
        return None
    row = session.scalar(select(AuthSession).where(AuthSession.token_sha256 == token_sha256(token)))
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.revoked_reason = reason
    return row.user_id


def revoke_user_sessions(session: Session, user_id: int, reason: str, *, keep: int | None = None) -> int:
    """Revoke every open session of a user (except ``keep``); returns how many."""
    stmt = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def purge_expired(session: Session, *, keep_days: int = 7) -> int:
    """Delete session rows that expired more than ``keep_days`` ago; returns how many."""
    cutoff = utcnow() - dt.timedelta(days=keep_days)
    return int(session.execute(delete(AuthSession).where(AuthSession.expires_at < cutoff)).rowcount or 0)  # type: ignore[attr-defined]
