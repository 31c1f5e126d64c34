"""The user service's rules, shared by the admin pages and the CLI (assistant.services.users)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from assistant.actors import SYSTEM
from assistant.db.base import Database
from assistant.db.models import AuditEvent, User
from assistant.errors import ConflictError, ValidationError
from assistant.roles import Role
from assistant.services import users


class TestAdminRules:
    def test_cannot_change_own_role(self, db: Database, make_user: Callable[..., User]) -> None:
        """An admin cannot demote themselves, even when other admins exist."""
        alex, _bea = make_user(db, Role.ADMIN, "alex"), make_user(db, Role.ADMIN, "bea")
        with db.session() as s, pytest.raises(ValidationError, match="your own role"):
            users.set_role(s, alex, "alex", Role.CLINICIAN)

    def test_cannot_deactivate_self(self, db: Database, make_user: Callable[..., User]) -> None:
        """An admin cannot deactivate their own account."""
        alex, _bea = make_user(db, Role.ADMIN, "alex"), make_user(db, Role.ADMIN, "bea")
        with db.session() as s, pytest.raises(ValidationError, match="your own account"):
            users.set_active(s, alex, "alex", False)

    @pytest.mark.parametrize("change", ["demote", "deactivate"])
    def test_last_active_admin_is_kept(
        self, db: Database, make_user: Callable[..., User], change: str
    ) -> None:
        """The system (the operator's CLI) cannot demote or deactivate the only active admin."""
        make_user(db, Role.ADMIN, "alex")
        with db.session() as s, pytest.raises(ConflictError, match="last active administrator"):
            if change == "demote":
                users.set_role(s, SYSTEM, "alex", Role.PATIENT)
            else:
                users.set_active(s, SYSTEM, "alex", False)
        with db.session() as s:
            alex = s.scalars(select(User).where(User.username == "alex")).one()
            assert alex.role is Role.ADMIN and alex.is_active

    def test_inactive_admin_does_not_count(self, db: Database, make_user: Callable[..., User]) -> None:
        """A deactivated second admin does not make the active one removable."""
        make_user(db, Role.ADMIN, "alex")
        bea = make_user(db, Role.ADMIN, "bea")
        with db.session() as s:
            users.set_active(s, SYSTEM, bea.username, False)
        with db.session() as s, pytest.raises(ConflictError, match="last active administrator"):
            users.set_role(s, SYSTEM, "alex", Role.SUPPORT)

    def test_another_admin_may_be_demoted(self, db: Database, make_user: Callable[..., User]) -> None:
        """With two active admins, one may demote the other; the change is audited with the actor."""
        alex = make_user(db, Role.ADMIN, "alex")
        make_user(db, Role.ADMIN, "bea")
        with db.session() as s:
            assert users.set_role(s, alex, "bea", Role.CLINICIAN).role is Role.CLINICIAN
        with db.session() as s, pytest.raises(ConflictError, match="last active administrator"):
            users.set_active(s, SYSTEM, "alex", False)

    def test_reactivating_and_promoting_are_never_refused(
        self, db: Database, make_user: Callable[..., User]
    ) -> None:
        """The rules only stop removals: making the last admin an admin again, or active, is fine."""
        make_user(db, Role.ADMIN, "alex")
        with db.session() as s:
            users.set_role(s, SYSTEM, "alex", Role.ADMIN)
            users.set_active(s, SYSTEM, "alex", True)


class TestSystemActor:
    def test_system_changes_are_audited_as_system(self, db: Database, make_user: Callable[..., User]) -> None:
        """Users created and changed by the system are audited with role 'system' and no user id."""
        with db.session() as s:
            users.create_user(s, SYSTEM, "robin", "a-long-password", Role.CLINICIAN)
            users.set_role(s, SYSTEM, "robin", Role.SUPPORT)
        with db.session() as s:
            events = s.scalars(select(AuditEvent).where(AuditEvent.action.like("user.%"))).all()
        assert [(e.action, e.actor_role, e.actor_id) for e in events] == [
            ("user.create", "system", None),
            ("user.set_role", "system", None),
        ]
