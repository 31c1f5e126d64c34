"""The chat mounted in the app: one login, patients only, and no route that shows an unsigned draft."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from starlette.routing import Mount

from assistant.chat.auth import session_token
from assistant.chat.mount import render_app_root
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import Draft, User
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.settings import Settings
from assistant.web.app import create_app
from tests.assistant.factories import SECTIONS, to_state
from tests.assistant.web.test_app import login


def build_app(settings: Settings, db: Database) -> object:
    ctx = AppContext(settings, db=db)
    try:
        return create_app(settings, context=ctx, with_chat=True, run_jobs=False)  # type: ignore[call-arg]
    except TypeError:
        return create_app(settings, context=ctx, with_chat=True)


@pytest.fixture
def client(settings: Settings, sqlite_db: Database) -> Iterator[TestClient]:
    with TestClient(build_app(settings, sqlite_db)) as c:  # type: ignore[arg-type]
        yield c


def logged_in(client: TestClient, user: User) -> TestClient:
    client.cookies.clear()
    assert login(client, user.username).status_code == 303  # type: ignore[attr-defined]
    return client


HTML = {"accept": "text/html"}


class TestGate:
    def test_anonymous_sent_to_login(self, client: TestClient) -> None:
        """No session: the page redirects to our login, the API answers 401."""
        page = client.get("/chat/", headers=HTML, follow_redirects=False)
        assert (page.status_code, page.headers["location"]) == (303, "/login?next=/chat/")
        assert client.get("/chat/user").status_code == 401
        assert client.post("/chat/auth/header").status_code == 401

    @pytest.mark.parametrize(("role", "home"), [(Role.CLINICIAN, "/cockpit/"), (Role.SUPPORT, "/support/"),
                                                (Role.ADMIN, "/admin/")])  # fmt: skip
    def test_other_roles_refused(self, client: TestClient, sqlite_db: Database,
                                 make_user: Callable[..., User], role: Role, home: str) -> None:  # fmt: skip
        """Clinicians, support and admins land on their own pages and get no chat session."""
        logged_in(client, make_user(sqlite_db, role))
        page = client.get("/chat/", headers=HTML, follow_redirects=False)
        assert (page.status_code, page.headers["location"]) == (303, home)
        assert client.post("/chat/auth/header").status_code == 403
        assert "access_token" not in client.cookies

    def test_patient_gets_a_chat_session(self, client: TestClient, patient: User) -> None:
        """The app's login is the only login: header auth turns it into Chainlit's session."""
        logged_in(client, patient)
        assert client.get("/chat/", headers=HTML).status_code == 200
        assert client.post("/chat/auth/header").status_code == 200
        assert client.get("/chat/user").json()["identifier"] == f"patient-{patient.id}"

    def test_someone_elses_token_is_dropped(self, client: TestClient, sqlite_db: Database,
                                            make_user: Callable[..., User]) -> None:  # fmt: skip
        """A Chainlit token left in a shared browser does not open another patient's chat."""
        first, second = make_user(sqlite_db, Role.PATIENT), make_user(sqlite_db, Role.PATIENT)
        logged_in(client, first)
        client.post("/chat/auth/header")
        stale = client.cookies["access_token"]
        logged_in(client, second)
        client.cookies.set("access_token", stale)
        assert client.get("/chat/user").status_code == 401
        assert client.post("/chat/auth/header").status_code == 200
        assert client.get("/chat/user").json()["identifier"] == f"patient-{second.id}"

    def test_chat_page_arrives_with_the_token(self, client: TestClient, patient: User) -> None:
        """The first chat page load carries Chainlit's token, so the page never bounces via /chat/login."""
        logged_in(client, patient)
        page = client.get("/chat/", headers=HTML, follow_redirects=False)
        assert page.status_code == 200
        assert "access_token" in page.cookies
        assert client.get("/chat/user").json()["identifier"] == f"patient-{patient.id}"
        again = client.get("/chat/", headers=HTML, follow_redirects=False)
        assert "access_token" not in again.cookies  # a page that holds this session's token keeps it

    def test_stale_token_replaced_on_the_page(self, client: TestClient, sqlite_db: Database,
                                              make_user: Callable[..., User]) -> None:  # fmt: skip
        """Another patient's token left in the browser is replaced by this session's when the page loads."""
        first, second = make_user(sqlite_db, Role.PATIENT), make_user(sqlite_db, Role.PATIENT)
        logged_in(client, first)
        stale = client.get("/chat/", headers=HTML).cookies["access_token"]
        logged_in(client, second)
        client.cookies.set("access_token", stale)
        assert client.get("/chat/", headers=HTML).cookies["access_token"] != stale
        assert client.get("/chat/user").json()["identifier"] == f"patient-{second.id}"

    def test_forged_session_cookie(self, settings: Settings) -> None:
        """A session cookie not signed with our secret names nobody."""
        assert (
            session_token("so_session=eyJzaWQiOiAieCJ9.forged.sig", settings.security.secret_key, 60) is None
        )

    def test_upload_accept_list(self, client: TestClient) -> None:
        """Chainlit accepts DICOM (also as octet-stream), zip, PDF, PNG and JPEG, within the size limit."""
        from chainlit.config import config

        upload = config.features.spontaneous_file_upload
        assert upload is not None
        assert isinstance(upload.accept, dict)
        assert {"application/dicom", "application/zip", "application/pdf", "image/png", "image/jpeg"} <= set(
            upload.accept
        )
        assert ".dcm" in upload.accept["application/octet-stream"]
        assert upload.max_size_mb == 512


def _get_routes(app: object) -> list[str]:
    """Every GET path of the app and of the mounted chat."""
    paths = []
    for route in app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount) and route.path == "/chat":
            from chainlit.server import router

            paths += ["/chat" + r.path for r in router.routes if "GET" in getattr(r, "methods", set())]
        elif "GET" in (getattr(route, "methods", None) or set()):
            paths.append(route.path)
    return paths


class TestUnsignedDraftUnreachable:
    @pytest.mark.parametrize("state", [CaseStatus.PENDING_REVIEW, CaseStatus.IN_REVIEW])
    def test_no_http_route_shows_it(self, client: TestClient, sqlite_db: Database, patient: User,
                                    clinician: User, state: CaseStatus) -> None:  # fmt: skip
        """Every GET route, with the case, draft and job ids filled in, is free of the draft's text."""
        case_id = to_state(sqlite_db, patient, state, clinician)
        with sqlite_db.session() as s:
            draft_id = s.query(Draft).filter_by(case_id=case_id).one().id
        logged_in(client, patient)
        client.post("/chat/auth/header")
        seen = 0
        for path in _get_routes(client.app):
            url = re.sub(r"\{[^}]+\}", draft_id, path).replace(":path", "")
            for candidate in (url, url.replace(draft_id, case_id)):
                body = client.get(candidate, follow_redirects=False).text
                seen += 1
                leaked = [t for t in SECTIONS.values() if t.split(" [")[0] in body]
                assert not leaked, f"{candidate} shows draft text"
        assert seen > 20


class TestChatSettings:
    """Operators set Chainlit's transports and session timeouts (``SECOND_OPINION_CHAT__*``)."""

    def test_rendered_config_carries_them(self, tmp_path: Path) -> None:
        """The rendered config.toml holds the operator's values, not the shipped ones."""
        settings = Settings(environment="test", data_dir=tmp_path, llm={"mode": "mock"},  # type: ignore[arg-type]
                            chat={"transports": ["polling"], "session_timeout_s": 120})  # fmt: skip
        rendered = tomllib.loads((render_app_root(settings) / ".chainlit" / "config.toml").read_text())
        assert rendered["project"]["transports"] == ["polling"]
        assert rendered["project"]["session_timeout"] == 120
        assert rendered["project"]["user_session_timeout"] == 28800

    def test_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A JSON list in SECOND_OPINION_CHAT__TRANSPORTS; an unknown transport is refused."""
        monkeypatch.setenv("SECOND_OPINION_CHAT__TRANSPORTS", '["websocket"]')
        assert Settings().chat.transports == ["websocket"]
        monkeypatch.setenv("SECOND_OPINION_CHAT__TRANSPORTS", '["carrier-pigeon"]')
        with pytest.raises(ValidationError, match="transports"):
            Settings()

    def test_page_tells_the_browser(self, tmp_path: Path, sqlite_db: Database, patient: User) -> None:
        """The chat page announces the transports to Chainlit's client (window.transports)."""
        settings = Settings(environment="test", data_dir=tmp_path, llm={"mode": "mock"},  # type: ignore[arg-type]
                            chat={"transports": ["polling"]})  # fmt: skip
        with TestClient(build_app(settings, sqlite_db)) as client:  # type: ignore[arg-type]
            page = logged_in(client, patient).get("/chat/", headers=HTML)
        assert 'window.transports = ["polling"];' in page.text
