"""Admin pages: users and roles, imaging model and knowledge status."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.components import knowledge_config
from assistant.db.base import Database
from assistant.db.models import AuditEvent, User
from assistant.roles import Role
from assistant.settings import Settings
from assistant.web.admin import knowledge_status, model_status
from knowledge import pack_path
from knowledge.chunking import Chunker
from knowledge.lexical import LexicalIndex
from knowledge.loaders import load_paths
from tests.assistant.web.staff import csrf, login, make_client, post
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def client(settings: Settings, sqlite_db: Database, make_user: Callable[..., User]) -> TestClient:
    make_user(sqlite_db, Role.ADMIN, "alex")
    make_user(sqlite_db, Role.SUPPORT, "sam")
    return make_client(settings, sqlite_db)


def _user(db: Database, username: str) -> User:
    with db.session() as s:
        return s.scalars(select(User).where(User.username == username)).one()


class TestUsers:
    def test_list_create_change_role_deactivate(self, client: TestClient, sqlite_db: Database) -> None:
        """An admin adds a clinician, makes them support, then deactivates them; each step is audited."""
        token = login(client, "alex")
        assert "sam" in client.get("/admin/").text
        created = post(
            client,
            "/admin/users",
            token,
            username="robin",
            display_name="Dr Robin",
            role="clinician",
            password=TEST_PASSWORD,
        )
        assert created.status_code == 303
        assert _user(sqlite_db, "robin").role is Role.CLINICIAN
        assert post(client, "/admin/users/robin/role", token, role="support").status_code == 303
        assert _user(sqlite_db, "robin").role is Role.SUPPORT
        assert post(client, "/admin/users/robin/active", token, active="no").status_code == 303
        assert not _user(sqlite_db, "robin").is_active
        with sqlite_db.session() as s:
            actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.actor_role == "admin")))
        assert {"user.create", "user.set_role", "user.set_active"} <= actions

    @pytest.mark.parametrize(
        ("path", "data", "message"),
        [
            ("/admin/users", {"username": "sam", "password": TEST_PASSWORD, "role": "patient"}, "is taken"),
            ("/admin/users", {"username": "new", "password": "short", "role": "patient"}, "at least"),
            (
                "/admin/users",
                {"username": "new", "password": TEST_PASSWORD, "role": "wizard"},
                "Unknown role",
            ),
            ("/admin/users/alex/role", {"role": "patient"}, "your own role"),
            ("/admin/users/alex/active", {"active": "no"}, "your own account"),
            ("/admin/users/ghost/role", {"role": "patient"}, "No user"),
        ],
    )
    def test_refusals_are_explained(
        self, client: TestClient, path: str, data: dict[str, str], message: str
    ) -> None:
        """Bad input re-renders the page with the reason."""
        token = login(client, "alex")
        response = post(client, path, token, **data)
        assert response.status_code in (400, 404, 409)
        assert message in response.text

    def test_deactivated_user_cannot_log_in(self, client: TestClient) -> None:
        """Deactivation takes effect at the next login."""
        token = login(client, "alex")
        post(client, "/admin/users/sam/active", token, active="no")
        other = TestClient(client.app)
        response = other.post(
            "/login",
            data={"username": "sam", "password": TEST_PASSWORD, "csrf_token": csrf(other)},
            follow_redirects=False,
        )
        assert response.status_code == 401


class TestStatus:
    def test_models_listed(self, tmp_path: Path) -> None:
        """A registered model appears with its card id; its weights show as missing, then installed."""
        entry = {
            "name": "demo-cxr",
            "version": "1",
            "architecture": "compact_cxr",
            "labels": ["pneumonia"],
            "input_size": 224,
            "intensity_range": [0, 1],
            "preprocessing": ["resize"],
            "thresholds": {"pneumonia": 0.5},
            "weights_path": "demo-cxr.pt",
            "card": {"id": "demo-cxr@1", "summary": "A test entry."},
        }
        (tmp_path / "demo-cxr.json").write_text(json.dumps(entry))
        [status] = model_status(tmp_path)
        assert (status.name, status.card_id, status.weights_present) == ("demo-cxr", "demo-cxr@1", False)
        (tmp_path / "demo-cxr.pt").write_bytes(b"weights")
        assert model_status(tmp_path)[0].weights_present
        (tmp_path / "broken.json").write_text("{}")
        assert any(m.name == "broken" and m.problem for m in model_status(tmp_path))

    def test_knowledge_counts(self, settings: Settings) -> None:
        """Absent catalogue says so; a real catalogue's documents and passages are counted read-only."""
        assert not knowledge_status(settings).present
        index = LexicalIndex(knowledge_config(settings).lexical_path)
        documents = load_paths([pack_path()]).documents
        with index.transaction() as conn:
            for doc in documents:
                index.write_document(conn, doc, Chunker().chunk(doc))
        index.close()
        status = knowledge_status(settings)
        assert status.present and not status.problem
        assert status.documents == len(documents) and status.chunks >= len(documents)
        assert sum(n for _type, n in status.by_type) == len(documents)

    def test_unreadable_catalogue_is_reported(self, settings: Settings) -> None:
        """A file that is not a catalogue is reported as unreadable, not a crash."""
        path = knowledge_config(settings).lexical_path
        path.parent.mkdir(parents=True)
        path.write_bytes(b"not a database at all")
        status = knowledge_status(settings)
        assert status.present and status.problem.startswith("unreadable")

    def test_page_shows_status(self, client: TestClient) -> None:
        """The admin home shows the models, knowledge and jobs sections."""
        login(client, "alex")
        html = client.get("/admin/").text
        assert all(f'id="{section}"' in html for section in ("users", "models", "knowledge", "jobs"))
