"""Logging in: throttled, audited, constant-time, and never holding the database while hashing.

A login is three steps so that Argon2 (tens of milliseconds of CPU) never runs inside a
database transaction or under the process's SQLite writer lock:

1. :func:`precheck` reads the throttle state and the account in a short read.
2. :func:`verify` runs exactly one Argon2 verification whatever the account's state
   (unknown, deactivated, active), so the answer takes as long in each case.
3. :func:`conclude` opens the write transaction: on success a server-side session and a
   ``login`` event; on failure the throttle counters and a ``login.failed`` event, in a
   transaction of their own so the refusal never rolls them back.

Throttling counts failures per account (the hashed user name, whether or not it exists)
and per client address; after the free failures each one doubles the wait, up to a
temporary lockout. Attempts during a wait are refused before any hashing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.base import Database, utcnow
from assistant.db.models import LoginThrottle, User
from assistant.passwords import hash_password, verify_password
from assistant.services.sessions import open_session, purge_expired
from assistant.settings import LoginSettings

# A real hash of a random string, verified against when the account is unknown, so a
# wrong user name takes as long as a wrong password.
_DUMMY_HASH = hash_password("no-such-user-padding-value")


@dataclass(frozen=True)
class Precheck:
    """What step 1 found: the wait still to serve, and the account (if any)."""

    username: str
    address: str
    retry_after_s: int
    user: User | None

    @property
    def throttled(self) -> bool:
        """Whether the attempt must be refused without checking the password."""
        return self.retry_after_s > 0


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a login: a user and session token, or a refusal with its wait."""

    user: User | None = None
    token: str | None = None
    session_id: int | None = None
    retry_after_s: int = 0
    throttled: bool = False  # refused before the password was checked


def throttle_keys(username: str, address: str) -> tuple[str, str]:
    """The account key (hashed name, so typed passwords are never stored) and the address key."""
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:40]
    return f"user:{account}", f"addr:{address[:64]}"


def _wait_s(session: Session, keys: tuple[str, ...], now: dt.datetime) -> int:
    until = session.scalars(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now
        )
    ).all()
    return max((math.ceil((u - now).total_seconds()) for u in until if u is not None), default=0)


def precheck(db: Database, username: str, address: str) -> Precheck:
    """Step 1: the throttle's verdict and the account, in one short read."""
    with db.session() as s:
        wait = _wait_s(s, throttle_keys(username, address), utcnow())
        user = None if wait else s.scalar(select(User).where(User.username == username))
    return Precheck(username, address, wait, user)


def verify(pre: Precheck, password: str) -> bool:
    """Step 2: one Argon2 verification for every account state; no database, no lock."""
    if pre.user is None:
        verify_password(_DUMMY_HASH, password)
        return False
    ok = verify_password(pre.user.password_hash, password)
    return ok and pre.user.is_active


def _insert_missing(session: Session, key: str, now: dt.datetime) -> None:
    values = {"key": key, "failures": 0, "first_failure_at": now, "locked_until": None}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(pg_insert(LoginThrottle).values(**values).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(LoginThrottle).values(**values).on_conflict_do_nothing())


def _count_failure(session: Session, key: str, free: int, cfg: LoginSettings, now: dt.datetime) -> int:
    """Add one failure to ``key``; returns the wait it now imposes (0 within the free ones)."""
    _insert_missing(session, key, now)
    row = session.scalars(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()).one()
    if (now - row.first_failure_at).total_seconds() > cfg.window_s:
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
    row.failures += 1
    over = row.failures - free
    if over < 0:
        return 0
    wait: float = min(cfg.lockout_s, cfg.backoff_s * 2.0 ** min(over, 30))
    row.locked_until = now + dt.timedelta(seconds=wait)
    return math.ceil(wait)


def record_failure(db: Database, pre: Precheck, cfg: LoginSettings) -> int:
    """Count and audit a failed login in its own transaction; returns the wait imposed."""
    account_key, address_key = throttle_keys(pre.username, pre.address)
    now = utcnow()
    with db.session() as s:
        wait = max(
            _count_failure(s, account_key, cfg.account_free_failures, cfg, now),
            _count_failure(s, address_key, cfg.address_free_failures, cfg, now),
        )
        user = pre.user
        reason = "unknown" if user is None else ("inactive" if not user.is_active else "password")
        audit.record(s, user, "login.failed", target_type="user", target_id=user.id if user else "",
                     details={"reason": reason, "wait_s": wait})  # fmt: skip
    return wait


def _forget_old(session: Session, cfg: LoginSettings) -> None:
    """Keep the tables small: long-expired sessions and throttle rows past their window and lock."""
    purge_expired(session)
    now = utcnow()
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.first_failure_at < now - dt.timedelta(seconds=cfg.window_s),
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now),
        )
    )


def conclude(db: Database, pre: Precheck, ok: bool, cfg: LoginSettings, max_age_s: int) -> LoginOutcome:
    """Step 3: open a session (success) or count and audit the failure."""
    if ok and pre.user is not None:
        with db.session() as s:
            user = s.get(User, pre.user.id)
            # the password may have changed, or the account been closed, while we hashed
            if user is not None and user.is_active and user.password_hash == pre.user.password_hash:
                token, row = open_session(s, user.id, max_age_s)
                account_key, _ = throttle_keys(pre.username, pre.address)
                s.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key))
                _forget_old(s, cfg)
                audit.record(s, user, "login", target_type="user", target_id=user.id)
                return LoginOutcome(user=user, token=token, session_id=row.id)
    return LoginOutcome(retry_after_s=record_failure(db, pre, cfg))


def attempt_login(
    db: Database, cfg: LoginSettings, username: str, password: str, address: str, max_age_s: int
) -> LoginOutcome:
    """The three steps in one call (the web route runs them with a bound on parallel hashing)."""
    pre = precheck(db, username, address)
    if pre.throttled:
        return LoginOutcome(retry_after_s=pre.retry_after_s, throttled=True)
    return conclude(db, pre, verify(pre, password), cfg, max_age_s)
