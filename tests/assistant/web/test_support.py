"""Support pages: search transcripts, read one with its audit trail, flag it; never a clinician action."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.db.base import Database
from assistant.db.models import AuditEvent, Conversation, SupportFlag, User
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.settings import Settings
from tests.assistant.factories import status_of
from tests.assistant.web.staff import login, make_client, post, seed_review_case
from tests.assistant.web.test_access_matrix import EXPECTED


@pytest.fixture
def support_user(sqlite_db: Database, make_user: Callable[..., User]) -> User:
    return make_user(sqlite_db, Role.SUPPORT, "sam")


@pytest.fixture
def case_id(sqlite_db: Database, settings: Settings, make_user: Callable[..., User]) -> str:
    return seed_review_case(sqlite_db, settings, make_user(sqlite_db, Role.PATIENT))


@pytest.fixture
def client(settings: Settings, sqlite_db: Database, support_user: User) -> TestClient:
    return make_client(settings, sqlite_db)


def _conversation(db: Database, case_id: str) -> str:
    with db.session() as s:
        return s.scalars(select(Conversation.id).where(Conversation.case_id == case_id)).one()


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "found"),
        [
            ("q=pneumonia", True),
            ("q=PNEUMONIA", True),
            ("q=fracture", False),
            ("status=pending_review", True),
            ("status=signed", False),
            ("flagged=no", True),
            ("flagged=yes", False),
            ("since=2000-01-01", True),
            (f"since={(dt.date.today() + dt.timedelta(days=2)).isoformat()}", False),
            ("until=2000-01-01", False),
        ],
    )
    def test_filters(
        self, client: TestClient, case_id: str, sqlite_db: Database, query: str, found: bool
    ) -> None:
        """Text, status, flag and date narrow the conversations found."""
        login(client, "sam")
        html = client.get(f"/support/?{query}").text
        assert (_conversation(sqlite_db, case_id) in html) is found

    def test_bad_date_is_explained(self, client: TestClient) -> None:
        """A malformed date gives a message, not a crash."""
        login(client, "sam")
        response = client.get("/support/?since=yesterday")
        assert response.status_code == 400 and "YYYY-MM-DD" in response.text


class TestTranscript:
    def test_read_only_with_audit_trail_and_audited(
        self, client: TestClient, case_id: str, sqlite_db: Database
    ) -> None:
        """The transcript and the case's audit trail show; no edit controls; the read is audited."""
        login(client, "sam")
        conv = _conversation(sqlite_db, case_id)
        html = client.get(f"/support/conversations/{conv}").text
        assert "I was told I have pneumonia" in html
        assert "draft.create" in html and "case.submit" in html
        assert '<textarea name="section__' not in html and "/sign" not in html
        with sqlite_db.session() as s:
            reads = s.scalars(select(AuditEvent).where(AuditEvent.actor_role == "support")).all()
        assert {"transcript.view", "audit.view"} <= {e.action for e in reads}
        assert all(e.case_id == case_id for e in reads if e.action in ("transcript.view", "audit.view"))

    def test_flag_with_category_and_note(self, client: TestClient, case_id: str, sqlite_db: Database) -> None:
        """A flag is stored, shown and audited; an unknown category is refused."""
        token = login(client, "sam")
        conv = _conversation(sqlite_db, case_id)
        bad = post(client, f"/support/conversations/{conv}/flag", token, category="gossip", note="x")
        assert bad.status_code == 400 and "Choose a category" in bad.text
        good = post(
            client, f"/support/conversations/{conv}/flag", token, category="safety", note="Chest pain missed?"
        )
        assert good.status_code == 303
        html = client.get(good.headers["location"]).text
        assert "Chest pain missed?" in html and "The conversation was flagged." in html
        with sqlite_db.session() as s:
            assert s.scalars(select(SupportFlag.category)).all() == ["safety"]
            assert (
                s.scalar(select(AuditEvent.seq).where(AuditEvent.action == "conversation.flag")) is not None
            )
        assert conv in client.get("/support/?flagged=yes").text

    def test_unknown_conversation_is_404(self, client: TestClient) -> None:
        """A made-up conversation id is not found."""
        login(client, "sam")
        assert client.get("/support/conversations/nope").status_code == 404


class TestNoClinicianActions:
    def test_every_cockpit_route_is_403(self, client: TestClient, case_id: str, sqlite_db: Database) -> None:
        """Support staff get 403 on every clinician route, and the case does not move."""
        token = login(client, "sam")
        for method, path in (k for k in EXPECTED if k[1].startswith("/cockpit")):
            url = re.sub(r"\{case_id\}", case_id, path).replace("{key}", "0" * 64)
            response = (
                client.get(url) if method == "GET" else post(client, url, token, reason="x", question="x")
            )
            assert response.status_code == 403, (method, url)
        assert status_of(sqlite_db, case_id) is CaseStatus.PENDING_REVIEW
