"""The shared cookie names: one constant each, and the logout clears the name Chainlit uses."""

from __future__ import annotations

import pytest
from starlette.requests import Request
from starlette.responses import Response

from assistant.cookies import SESSION_COOKIE, chat_cookie_name
from assistant.web.login_flow import delete_chat_cookies
from tests.conftest import REPO


def _request(cookie: str) -> Request:
    return Request(
        {"type": "http", "method": "POST", "path": "/logout", "headers": [(b"cookie", cookie.encode())]}
    )


class TestCookieNames:
    def test_logout_clears_the_configured_chat_cookie(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With CHAINLIT_AUTH_COOKIE_NAME set, the logout clears that cookie and its chunks."""
        monkeypatch.setenv("CHAINLIT_AUTH_COOKIE_NAME", "chat_tok")
        response = Response()
        delete_chat_cookies(_request("chat_tok_0=a; chat_tok_1=b; other=c"), response)
        cleared = {h.split("=", 1)[0] for h in response.headers.getlist("set-cookie")}
        assert cleared == {"chat_tok", "chat_tok_0", "chat_tok_1"}
        assert chat_cookie_name() == "chat_tok"

    @pytest.mark.parametrize("name", [SESSION_COOKIE, "access_token"])
    def test_name_is_typed_once(self, name: str) -> None:
        """Found from the code: each cookie name appears as a literal in one module only."""
        holders = sorted(
            str(p.relative_to(REPO))
            for p in (REPO / "assistant").rglob("*.py")
            if f'"{name}"' in p.read_text(encoding="utf-8")
        )
        assert holders == ["assistant/cookies.py"]
