"""Patients' requests on staff pages: follow-ups in the cockpit, deletions on /admin, answers on the case."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import AuditEvent, PatientRequest, User
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import patient_requests
from assistant.services.patient_requests import RequestKind
from assistant.settings import Settings
from tests.assistant.factories import to_state
from tests.assistant.web.staff import login, make_client, post


@pytest.fixture
def people(sqlite_db: Database, make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "casey": make_user(sqlite_db, Role.CLINICIAN, "casey"),
        "robin": make_user(sqlite_db, Role.CLINICIAN, "robin"),
        "alex": make_user(sqlite_db, Role.ADMIN, "alex"),
        "pat": make_user(sqlite_db, Role.PATIENT, "pat"),
    }


@pytest.fixture
def client(settings: Settings, sqlite_db: Database, people: dict[str, User]) -> TestClient:
    return make_client(settings, sqlite_db)


def _request(db: Database, patient: User, case_id: str | None, kind: RequestKind, text: str) -> int:
    with db.session() as s:
        return patient_requests.create_request(s, patient, case_id, kind, text).id


class TestCockpitList:
    def test_follow_up_shows_for_the_signer_and_is_marked_done(
        self, client: TestClient, sqlite_db: Database, people: dict[str, User]
    ) -> None:
        """The signer sees the follow-up on the queue page, another clinician does not; done is audited."""
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.SIGNED, people["casey"])
        rid = _request(sqlite_db, people["pat"], case_id, RequestKind.FOLLOW_UP, "Please call me about it")
        token = login(client, "robin")
        assert "Please call me about it" not in client.get("/cockpit/").text
        client.cookies.clear()
        token = login(client, "casey")
        page = client.get("/cockpit/").text
        assert f'data-request="{rid}"' in page and "Please call me about it" in page
        assert "Follow-up with a clinician" in page
        done = post(client, f"/cockpit/requests/{rid}/done", token)
        assert done.status_code == 303
        assert "Please call me about it" not in client.get("/cockpit/").text
        with sqlite_db.session() as s:
            assert s.get(PatientRequest, rid).status == "done"  # type: ignore[union-attr]
            assert "request.resolve" in [e.action for e in s.scalars(select(AuditEvent))]

    def test_clinician_cannot_close_a_deletion_request(
        self, client: TestClient, sqlite_db: Database, people: dict[str, User]
    ) -> None:
        """A deletion request is not a clinician's task: not listed, and closing it is 'not found'."""
        rid = _request(sqlite_db, people["pat"], None, RequestKind.DELETE_DATA, "Please delete all my data")
        token = login(client, "casey")
        assert "Please delete all my data" not in client.get("/cockpit/").text
        assert post(client, f"/cockpit/requests/{rid}/done", token).status_code == 404


class TestAdminList:
    def test_deletion_request_is_an_admin_task(
        self, client: TestClient, sqlite_db: Database, people: dict[str, User]
    ) -> None:
        """The admin home lists the deletion request with the patient's name and closes it."""
        rid = _request(sqlite_db, people["pat"], None, RequestKind.DELETE_DATA, "Please delete all my data")
        token = login(client, "alex")
        page = client.get("/admin/").text
        assert "Data deletion requests" in page and "Please delete all my data" in page
        assert people["pat"].display_name in page
        assert post(client, f"/admin/requests/{rid}/done", token).status_code == 303
        assert "Please delete all my data" not in client.get("/admin/").text


def test_case_page_shows_the_patients_answer(
    client: TestClient, settings: Settings, sqlite_db: Database, people: dict[str, User]
) -> None:
    """The patient's answer to a returned case's question is on the clinician's case page."""
    case_id = to_state(sqlite_db, people["pat"], CaseStatus.RETURNED, people["casey"])
    with AppContext(settings, db=sqlite_db).db.session() as s:
        patient_requests.record_return_answer(s, people["pat"], case_id, "It was done at St Mary's in May")
    login(client, "casey")
    page = client.get(f"/cockpit/cases/{case_id}").text
    assert "The patient's answers to your questions" in page
    assert "Please upload the report." in page and "It was done at St Mary&#39;s in May" in page
