"""Login, logout, CSRF and the route-policy check of the web app (chat not mounted here)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.roles import Role
from assistant.settings import Settings
from assistant.web.access import MissingRoutePolicyError, route_policies
from assistant.web.app import create_app
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def client(settings: Settings, sqlite_db: Database) -> TestClient:
    app = create_app(settings, context=AppContext(settings, db=sqlite_db), with_chat=False)
    return TestClient(app)


def _csrf(client: TestClient, path: str = "/login") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def login(client: TestClient, username: str, password: str = TEST_PASSWORD) -> object:
    """Log in through the real form."""
    token = _csrf(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


class TestLogin:
    @pytest.mark.parametrize(
        ("role", "home"),
        [
            (Role.PATIENT, "/chat/"),
            (Role.CLINICIAN, "/cockpit/"),
            (Role.SUPPORT, "/support/"),
            (Role.ADMIN, "/admin/"),
        ],
    )
    def test_each_role_lands_on_its_home(
        self, client: TestClient, sqlite_db: Database, make_user: Callable[..., User], role: Role, home: str
    ) -> None:
        """One login form; each role is sent to its own pages."""
        user = make_user(sqlite_db, role)
        response = login(client, user.username)
        assert response.status_code == 303  # type: ignore[attr-defined]
        assert response.headers["location"] == home  # type: ignore[attr-defined]

    def test_wrong_password(
        self, client: TestClient, sqlite_db: Database, make_user: Callable[..., User]
    ) -> None:
        """A wrong password shows the generic error and sets no session."""
        user = make_user(sqlite_db, Role.CLINICIAN)
        response = login(client, user.username, "nope-nope-nope")
        assert response.status_code == 401  # type: ignore[attr-defined]
        assert "Unknown user name or wrong password" in response.text  # type: ignore[attr-defined]

    def test_login_without_csrf_refused(self, client: TestClient) -> None:
        """A cross-site login post (no token) is refused."""
        response = client.post("/login", data={"username": "a", "password": "b"})
        assert response.status_code == 403

    def test_open_redirect_refused(
        self, client: TestClient, sqlite_db: Database, make_user: Callable[..., User]
    ) -> None:
        """A next= pointing off-site is ignored."""
        user = make_user(sqlite_db, Role.SUPPORT)
        token = _csrf(client)
        response = client.post(
            "/login",
            data={
                "username": user.username,
                "password": TEST_PASSWORD,
                "csrf_token": token,
                "next": "//evil.example",
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/support/"


class TestRoutePolicies:
    def test_every_route_has_a_policy(self, client: TestClient) -> None:
        """The app built; every route declares its roles or is explicitly public."""
        policies = route_policies(client.app)  # type: ignore[arg-type]
        public = {"/login", "/logout", "/healthz", "/readyz", "/", "/static"}
        assert {p.path for p in policies if p.is_public} <= public

    def test_route_without_policy_is_refused(self) -> None:
        """Adding a route that names no roles fails loudly."""
        app = FastAPI()

        @app.get("/secret")
        def secret() -> str:
            return "x"

        with pytest.raises(MissingRoutePolicyError, match="/secret"):
            route_policies(app)
