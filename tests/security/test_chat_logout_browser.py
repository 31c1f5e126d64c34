"""Attack 3 in Chromium: the chat's own Logout ends the session, so the chat does not reopen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.db.models import AuthSession
from tests.conftest import TEST_PASSWORD
from tests.security.conftest import Live

pytestmark = [pytest.mark.browser]


def test_chat_logout_does_not_reopen(live: Live, page: object) -> None:
    """After Logout in the chat's user menu the session is revoked and /chat/ asks for a login again."""
    p: object = page
    p.goto(f"{live.url}/login")  # type: ignore[attr-defined]
    p.fill("input[name=username]", "pat_b")  # type: ignore[attr-defined]
    p.fill("input[name=password]", TEST_PASSWORD)  # type: ignore[attr-defined]
    p.click("button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_url("**/chat/**")  # type: ignore[attr-defined]
    before = {c["name"]: c["value"] for c in p.context.cookies()}  # type: ignore[attr-defined]
    p.click("#user-nav-button")  # type: ignore[attr-defined]
    p.get_by_text("Logout").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/login**")  # type: ignore[attr-defined]
    after = {c["name"]: c["value"] for c in p.context.cookies()}  # type: ignore[attr-defined]
    assert "access_token" not in after
    assert after.get("so_session") != before["so_session"]  # the login page's fresh, anonymous one at most
    with live.db.session() as s:
        reasons = set(
            s.scalars(select(AuthSession.revoked_reason).where(AuthSession.user_id == live.ids["pat_b"]))
        )
    assert "logout" in reasons
    p.goto(f"{live.url}/chat/")  # type: ignore[attr-defined]
    assert "/login" in p.url  # type: ignore[attr-defined]
    assert "Welcome back" not in p.content()  # type: ignore[attr-defined]
