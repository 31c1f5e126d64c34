"""An emergency typed in the chat, with nothing submitted, reaches the support home within seconds."""

from __future__ import annotations

import time

import pytest

from assistant.actors import SYSTEM
from assistant.roles import Role
from assistant.services import alerts, users
from tests.browser.conftest import LiveApp, log_in, say, shot
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser]
WORDS = "my husband has collapsed on the floor and he won't wake up"


def _staff_login(page: object, app: LiveApp, username: str) -> None:
    page.goto(f"{app.url}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", TEST_PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url("**/support/**")  # type: ignore[attr-defined]


def test_unsubmitted_emergency_reaches_support(page: object, browser: object, live_app: LiveApp) -> None:
    """Advice first for the patient; support sees the words, category and time, and acknowledges."""
    with live_app.db.session() as s:
        users.create_user(s, SYSTEM, "alert-erin", TEST_PASSWORD, Role.PATIENT, "Erin Patient")
        sage = users.create_user(s, SYSTEM, "sage", TEST_PASSWORD, Role.SUPPORT, "Sage Support")
        # Earlier tests on this server raised alerts of their own; they have been dealt with.
        for earlier in alerts.list_alerts(s, sage):
            alerts.acknowledge(s, sage, earlier.id)
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()  # type: ignore[attr-defined]
    _staff_login(staff, live_app, "sage")
    assert "urgent alert" not in staff.content()  # type: ignore[attr-defined]

    log_in(page, live_app, "alert-erin")
    page.get_by_role("button", name="I agree", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Which diagnosis or report").wait_for()  # type: ignore[attr-defined]
    say(page, WORDS)
    sent = time.monotonic()
    # The first message may wait for the embedding model to finish loading on a busy machine.
    page.get_by_text("This could be an emergency.").wait_for(timeout=120_000)  # type: ignore[attr-defined]
    advised = time.monotonic() - sent

    # The open support page polls the open-alert count and reloads itself when it grows.
    staff.get_by_text(WORDS[:40]).wait_for(timeout=15_000)  # type: ignore[attr-defined]
    seen = time.monotonic() - sent
    assert seen <= advised + 10, "the alert did not reach the support home within 10 s of the advice"
    banner = staff.locator(".alert-banner")  # type: ignore[attr-defined]
    assert "1 urgent alert" in banner.inner_text()
    row = staff.locator("table.alert-list tr.open").first  # type: ignore[attr-defined]
    assert "Collapse" in row.inner_text() and "Erin Patient" in row.inner_text()
    shot(staff, "support-01-urgent-alert")
    row.get_by_role("button", name="Acknowledge").click()
    staff.get_by_text("The alert was acknowledged").wait_for()  # type: ignore[attr-defined]
    assert "Sage Support" in staff.locator("table.alert-list").inner_text()  # type: ignore[attr-defined]
    assert staff.locator(".alert-banner").count() == 0  # type: ignore[attr-defined]
    print(f"first message: advice after {advised:.1f} s, alert on the support home after {seen:.1f} s")

    # Once triage is loaded, a second emergency appears on the open support page by itself
    # (the page polls the open-alert count every 3 s and reloads when it grows).
    say(page, "now I'm coughing up mouthfuls of bright red blood")
    sent = time.monotonic()
    staff.get_by_text("mouthfuls of bright red blood").wait_for(timeout=10_000)  # type: ignore[attr-defined]
    print(f"second message: alert on the open support page after {time.monotonic() - sent:.1f} s, no reload")
