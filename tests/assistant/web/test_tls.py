"""Secure cookies over plain HTTP: the login says TLS is needed; a trusted proxy's HTTPS works."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.roles import Role
from assistant.settings import Settings
from assistant.web.app import create_app
from assistant.web.tls import PLAIN_HTTP_NOTICE
from tests.conftest import TEST_PASSWORD


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "production",
        "data_dir": tmp_path / "data",
        "security": {
            "secret_key": secrets.token_urlsafe(32),
            "chainlit_auth_secret": secrets.token_urlsafe(32),
        },
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _login(client: TestClient, username: str, headers: dict[str, str] | None = None) -> object:
    page = client.get("/login", headers=headers)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return client.post(
        "/login",
        data={"username": username, "password": TEST_PASSWORD, "csrf_token": match.group(1)},
        headers=headers,
        follow_redirects=False,
    )


class TestPlainHTTP:
    def test_login_over_http_says_tls_is_needed(
        self, tmp_path: Path, sqlite_db: Database, make_user: Callable[..., User]
    ) -> None:
        """Production over http://: the page and the refused form both say HTTPS is needed."""
        user = make_user(sqlite_db, Role.CLINICIAN)
        settings = _settings(tmp_path)
        client = TestClient(create_app(settings, context=AppContext(settings, db=sqlite_db), with_chat=False))
        assert PLAIN_HTTP_NOTICE in client.get("/login").text.replace("&#39;", "'")
        refused = _login(client, user.username)
        assert refused.status_code == 403  # type: ignore[attr-defined]
        assert "HTTPS" in refused.json()["detail"]  # type: ignore[attr-defined]
        assert "expired" not in refused.json()["detail"]  # type: ignore[attr-defined]

    def test_https_works(self, tmp_path: Path, sqlite_db: Database, make_user: Callable[..., User]) -> None:
        """The same app reached over https:// logs in (the Secure cookie is sent back)."""
        user = make_user(sqlite_db, Role.CLINICIAN)
        settings = _settings(tmp_path)
        app = create_app(settings, context=AppContext(settings, db=sqlite_db), with_chat=False)
        client = TestClient(app, base_url="https://testserver")
        assert _login(client, user.username).status_code == 303  # type: ignore[attr-defined]


class TestTrustedProxy:
    @pytest.mark.parametrize(("trusted", "believed"), [(["testclient"], True), (["10.0.0.1"], False)])
    def test_forwarded_proto_believed_only_from_trusted_proxies(
        self,
        tmp_path: Path,
        sqlite_db: Database,
        make_user: Callable[..., User],
        trusted: list[str],
        believed: bool,
    ) -> None:
        """Behind a TLS-terminating proxy (plain HTTP to the app), X-Forwarded-Proto: https counts
        only when the proxy's address is in tls.trusted_proxies; then the login goes through."""
        user = make_user(sqlite_db, Role.CLINICIAN)
        settings = _settings(tmp_path, tls={"trusted_proxies": trusted})
        app = create_app(settings, context=AppContext(settings, db=sqlite_db), with_chat=False)
        client = TestClient(app)  # plain http to the app, as from the proxy
        forwarded = {"x-forwarded-proto": "https"}
        page = client.get("/login", headers=forwarded)
        assert (PLAIN_HTTP_NOTICE not in page.text.replace("&#39;", "'")) is believed
        if not believed:
            return
        # the browser sent the Secure cookies over HTTPS to the proxy, which passes them on
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match
        cookie = "; ".join(f"{k}={v}" for k, v in page.cookies.items())
        response = client.post(
            "/login",
            data={"username": user.username, "password": TEST_PASSWORD, "csrf_token": match.group(1)},
            headers=forwarded | {"cookie": cookie},
            follow_redirects=False,
        )
        assert response.status_code == 303


class TestSettings:
    def test_production_refuses_insecure_cookies(self, tmp_path: Path) -> None:
        """cookie_secure=false is refused in production (use a TLS proxy instead)."""
        with pytest.raises(ValueError, match="SECOND_OPINION_TLS__COOKIE_SECURE"):
            _settings(tmp_path, tls={"cookie_secure": False})

    def test_cookies_secure_defaults(self, tmp_path: Path) -> None:
        """Secure in production, not in development unless asked for."""
        assert _settings(tmp_path).cookies_secure
        assert not Settings(environment="development", data_dir=tmp_path).cookies_secure
        assert Settings(
            environment="development", data_dir=tmp_path, tls={"cookie_secure": True}
        ).cookies_secure  # type: ignore[arg-type]
