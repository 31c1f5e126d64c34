"""A patient who writes about chest pain with breathlessness gets the emergency advice first."""

from __future__ import annotations

import pytest

from assistant.services import cases
from tests.browser.conftest import LiveApp, log_in, say, shot

pytestmark = [pytest.mark.browser]


def test_chest_pain_with_breathlessness(page: object, live_app: LiveApp) -> None:
    """The advice is the first reply, above the next intake question; the case is marked urgent."""
    log_in(page, live_app, "bob")
    page.get_by_role("button", name="I agree", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Which diagnosis or report").wait_for()  # type: ignore[attr-defined]
    say(page, "I have crushing chest pain and I am short of breath right now")
    page.get_by_text("This could be an emergency.").wait_for()  # type: ignore[attr-defined]
    page.get_by_text("When you are safe to continue").wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-05-red-flag")
    html = page.content()  # type: ignore[attr-defined]
    assert html.index("This could be an emergency.") < html.index("When you are safe to continue")
    assert "call your local emergency number" in html
    with live_app.db.session() as s:
        (case,) = cases.list_own_cases(s, live_app.accounts["bob"])
        assert case.is_urgent
        assert "cardiac" in case.red_flags
