"""The login service and server-side sessions on SQLite and PostgreSQL: throttle rows, audit, revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select

from assistant.db.base import Database, utcnow
from assistant.db.models import AuditEvent, AuthSession, LoginThrottle, User
from assistant.roles import Role
from assistant.services import login, sessions, users
from assistant.settings import LoginSettings
from tests.conftest import TEST_PASSWORD

CFG = LoginSettings()


def attempt(db: Database, username: str, password: str, address: str = "192.0.2.1") -> login.LoginOutcome:
    return login.attempt_login(db, CFG, username, password, address, 3600)


class TestAttemptLogin:
    def test_success_opens_a_session(self, db: Database, make_user: Callable[..., User]) -> None:
        """A right password opens a server-side session whose token finds the user."""
        user = make_user(db, Role.CLINICIAN)
        outcome = attempt(db, user.username, TEST_PASSWORD)
        assert outcome.user is not None and outcome.token
        with db.session() as s:
            found = sessions.find_active(s, outcome.token)
        assert found is not None and found.user.id == user.id

    def test_failures_counted_and_audited(self, db: Database, make_user: Callable[..., User]) -> None:
        """Each failure is committed with its throttle counters, whatever the account state."""
        user = make_user(db, Role.SUPPORT)
        for _ in range(CFG.account_free_failures):
            assert attempt(db, user.username, "wrong-password").user is None
        refused = attempt(db, user.username, TEST_PASSWORD)
        assert refused.throttled and refused.retry_after_s > 0
        with db.session() as s:
            failed = s.scalar(select(func.count()).where(AuditEvent.action == "login.failed"))
            rows = {r.key.split(":")[0]: r.failures for r in s.scalars(select(LoginThrottle))}
        assert failed == CFG.account_free_failures
        assert rows == {"user": CFG.account_free_failures, "addr": CFG.account_free_failures}

    def test_deactivated_refused_with_reason(self, db: Database, make_user: Callable[..., User]) -> None:
        """A deactivated account is refused even with its right password, and audited as such."""
        user = make_user(db, Role.SUPPORT)
        with db.session() as s:
            s.get(User, user.id).is_active = False  # type: ignore[union-attr]
        assert attempt(db, user.username, TEST_PASSWORD).user is None
        with db.session() as s:
            event = s.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).one()
        assert event.details["reason"] == "inactive"


class TestRevocation:
    def test_account_changes_revoke(self, db: Database, make_user: Callable[..., User]) -> None:
        """Role change, deactivation and a reset each end the open sessions."""
        admin, user = make_user(db, Role.ADMIN), make_user(db, Role.CLINICIAN)
        changes: list[Callable[..., object]] = [
            lambda s: users.set_role(s, admin, user.username, Role.SUPPORT),
            lambda s: users.set_active(s, admin, user.username, False),
            lambda s: users.reset_password(s, admin, user.username, "new-hash"),
        ]
        for change in changes:
            with db.session() as s:
                s.get(User, user.id).is_active = True  # type: ignore[union-attr]
                token, _ = sessions.open_session(s, user.id, 3600)
            with db.session() as s:
                change(s)
            with db.session() as s:
                assert sessions.find_active(s, token) is None


class TestHousekeeping:
    def test_old_rows_forgotten_at_login(self, db: Database, make_user: Callable[..., User]) -> None:
        """A login deletes long-expired sessions and throttle rows past their window, nothing else."""
        user = make_user(db, Role.SUPPORT)
        long_ago = utcnow() - dt.timedelta(days=30)
        with db.session() as s:
            _, old = sessions.open_session(s, user.id, 3600)
            old.expires_at = long_ago
            s.add(LoginThrottle(key="addr:old", failures=5, first_failure_at=long_ago, locked_until=None))
            s.add(LoginThrottle(key="addr:locked", failures=50, first_failure_at=long_ago,
                                locked_until=utcnow() + dt.timedelta(minutes=5)))  # fmt: skip
        assert attempt(db, user.username, TEST_PASSWORD).user is not None
        with db.session() as s:
            keys = set(s.scalars(select(LoginThrottle.key)))
            assert s.scalar(select(func.count()).select_from(AuthSession)) == 1
        assert keys == {"addr:locked"}
