"""The red banner and alert list on the support and cockpit home pages, and the Acknowledge button."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from assistant.db.base import Database
from assistant.db.models import AuditEvent, User
from assistant.roles import Role
from assistant.services import alerts
from assistant.settings import Settings
from assistant.triage import rules_only_triage
from tests.assistant.web.staff import login, make_client, post

WORDS = "my dad is slurring his words and his face is drooping"


def _raise(db: Database, make_user: Callable[..., User]) -> str:
    patient = make_user(db, Role.PATIENT, "pat")
    with db.session() as s:
        return alerts.raise_alert(s, patient, rules_only_triage().check(WORDS)).id


class TestAlertPages:
    def test_support_home_shows_and_acknowledges(
        self, settings: Settings, sqlite_db: Database, make_user: Callable[..., User]
    ) -> None:
        """Support sees the red banner with the words and category, and acknowledges with the CSRF token."""
        alert_id = _raise(sqlite_db, make_user)
        make_user(sqlite_db, Role.SUPPORT, "sam")
        client = make_client(settings, sqlite_db)
        token = login(client, "sam")
        page = client.get("/support/").text
        assert 'class="alert-banner"' in page and "1 urgent alert" in page
        assert client.get("/support/alerts/open-count").json() == {"open": 1}
        assert "slurring his words" in page and "Possible stroke" in page
        assert post(client, f"/support/alerts/{alert_id}/acknowledge", "wrong-token").status_code == 403
        done = post(client, f"/support/alerts/{alert_id}/acknowledge", token)
        assert done.status_code == 303 and done.headers["location"].startswith("/support/")
        page = client.get(done.headers["location"]).text
        assert 'class="alert-banner"' not in page and "The alert was acknowledged" in page
        with sqlite_db.session() as s:
            sam = s.scalars(select(User).where(User.username == "sam")).one()
            assert sam.display_name in page
            assert s.scalars(select(AuditEvent).where(AuditEvent.action == "alert.acknowledge")).one()

    def test_cockpit_home_shows_alerts(
        self, settings: Settings, sqlite_db: Database, make_user: Callable[..., User]
    ) -> None:
        """Clinicians see the same banner above the review queue."""
        _raise(sqlite_db, make_user)
        make_user(sqlite_db, Role.CLINICIAN, "casey")
        client = make_client(settings, sqlite_db)
        login(client, "casey")
        page = client.get("/cockpit/").text
        assert 'class="alert-banner"' in page and "slurring his words" in page and "Acknowledge" in page
