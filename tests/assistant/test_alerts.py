"""Urgent alerts as a service: raise, list for staff, acknowledge once; every step audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from assistant.db.base import Database
from assistant.db.models import AuditEvent, User
from assistant.errors import NotFoundError, PermissionDeniedError
from assistant.roles import Role
from assistant.services import alerts
from assistant.triage import rules_only_triage

WORDS = "my wife is not breathing and her lips are blue"


@pytest.fixture
def people(db: Database, make_user: Callable[..., User]) -> dict[str, User]:
    return {r.value: make_user(db, r) for r in Role}


def _raise(db: Database, patient: User) -> str:
    with db.session() as s:
        return alerts.raise_alert(s, patient, rules_only_triage().check(WORDS)).id


class TestAlerts:
    def test_staff_see_open_alerts_with_the_words(self, db: Database, people: dict[str, User]) -> None:
        """Support and clinicians see the patient's words, name, category and time."""
        alert_id = _raise(db, people["patient"])
        for role in ("support", "clinician"):
            with db.session() as s:
                (view,) = alerts.list_alerts(s, people[role])
            assert view.id == alert_id and view.text == WORDS and view.category == "respiratory"
            assert view.patient == people["patient"].display_name and view.acknowledged_by is None

    def test_acknowledge_once_and_audited(self, db: Database, people: dict[str, User]) -> None:
        """The first acknowledgement is kept; the alert leaves the open list; events are recorded."""
        alert_id = _raise(db, people["patient"])
        with db.session() as s:
            alerts.acknowledge(s, people["support"], alert_id)
        with db.session() as s:
            alerts.acknowledge(s, people["clinician"], alert_id)
        with db.session() as s:
            assert alerts.list_alerts(s, people["clinician"]) == []
            (done,) = alerts.list_alerts(s, people["clinician"], open_only=False)
            actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
        assert done.acknowledged_by == people["support"].display_name
        assert (
            actions.count("alert.acknowledge") == 1 and "alert.raise" in actions and "alert.read" in actions
        )

    @pytest.mark.parametrize("role", ["patient", "admin"])
    def test_only_staff_read_or_acknowledge(self, db: Database, people: dict[str, User], role: str) -> None:
        """Patients and admins neither list nor acknowledge alerts."""
        alert_id = _raise(db, people["patient"])
        with db.session() as s, pytest.raises(PermissionDeniedError):
            alerts.list_alerts(s, people[role])
        with db.session() as s, pytest.raises(PermissionDeniedError):
            alerts.acknowledge(s, people[role], alert_id)

    def test_unknown_alert(self, db: Database, people: dict[str, User]) -> None:
        """Acknowledging an alert that does not exist is 'not found'."""
        with db.session() as s, pytest.raises(NotFoundError):
            alerts.acknowledge(s, people["support"], "no-such-alert")
