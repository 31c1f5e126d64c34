"""Attack 3 in Chromium: the chat's own Logout ends the session, so the chat does not reopen.

Chromium runs in a worker thread with its own Playwright, so this module can share a pytest
process with ``tests/browser`` (whose session-wide Playwright owns the main thread's loop).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select

from assistant.db.models import AuthSession
from tests.browser.conftest import CHROMIUM
from tests.conftest import TEST_PASSWORD
from tests.security.conftest import Live

pytestmark = [pytest.mark.browser]


def in_chromium(steps: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Run ``steps(page)`` in a fresh headless Debian Chromium on a worker thread."""

    def run() -> dict[str, Any]:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            try:
                page = chromium.new_context().new_page()
                page.set_default_timeout(30_000)
                return steps(page)
            finally:
                chromium.close()

    if not CHROMIUM.is_file():
        pytest.skip("Debian's Chromium is not installed (apt-get install -y chromium)")
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def test_chat_logout_does_not_reopen(live: Live) -> None:
    """After Logout in the chat's user menu the session is revoked and /chat/ asks for a login again."""

    def steps(page: Any) -> dict[str, Any]:
        page.goto(f"{live.url}/login")
        page.fill("input[name=username]", "pat_b")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/chat/**")
        before = {c["name"]: c["value"] for c in page.context.cookies()}
        page.click("#user-nav-button")
        page.get_by_text("Logout").click()
        page.wait_for_url("**/login**")
        after = {c["name"]: c["value"] for c in page.context.cookies()}
        page.goto(f"{live.url}/chat/")
        return {"before": before, "after": after, "url": page.url, "html": page.content()}

    seen = in_chromium(steps)
    assert "access_token" not in seen["after"]
    assert seen["after"].get("so_session") != seen["before"]["so_session"]  # at most the login page's own
    assert "/login" in seen["url"] and "Welcome back" not in seen["html"]
    with live.db.session() as s:
        reasons = set(
            s.scalars(select(AuthSession.revoked_reason).where(AuthSession.user_id == live.ids["pat_b"]))
        )
    assert "logout" in reasons
