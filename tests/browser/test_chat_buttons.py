"""A chat button takes its click wherever the chat is scrolled.

While the messages are not scrolled to the end, Chainlit shows a "scroll to the newest
message" arrow in a strip as wide as the chat over the bottom of the messages. The strip
took the clicks meant for the buttons under it: a patient's "I agree" pressed while the
chat moved went nowhere (no action request; the click ended on the strip). The chat's
stylesheet lets only the arrow take clicks.
"""

from __future__ import annotations

import pytest

from assistant.actors import SYSTEM
from assistant.roles import Role
from assistant.services import users
from tests.browser.conftest import LiveApp, log_in
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser]

STRIP = "div.absolute.bottom-4.left-0.right-0.flex.justify-center"


def test_scroll_arrow_strip_lets_clicks_through(page: object, live_app: LiveApp) -> None:
    """Away from the end of the chat the arrow shows; its strip beside the arrow takes no clicks."""
    with live_app.db.session() as s:
        users.create_user(s, SYSTEM, "strip-hana", TEST_PASSWORD, Role.PATIENT, "Hana Strip")
    page.set_viewport_size({"width": 1280, "height": 520})  # type: ignore[attr-defined]  # the consent overflows
    log_in(page, live_app, "strip-hana")
    page.get_by_role("button", name="I agree", exact=True).wait_for()  # type: ignore[attr-defined]
    strip = page.locator(STRIP)  # type: ignore[attr-defined]
    for _ in range(20):  # back to the top of the consent text, until Chainlit notices and shows the arrow
        page.evaluate(  # type: ignore[attr-defined]
            "() => document.querySelectorAll('div.flex.flex-col.flex-grow.overflow-y-auto')"
            ".forEach(e => { e.scrollTop = 0; e.dispatchEvent(new Event('scroll', {bubbles: true})); })"
        )
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
        if strip.count():
            break
    strip.wait_for()
    box = strip.bounding_box()
    arrow = strip.locator("button").bounding_box()
    assert box is not None and arrow is not None
    x, y = box["x"] + 20, box["y"] + box["height"] / 2  # in the strip, far left of the arrow
    assert x < arrow["x"]
    hit = page.evaluate(  # type: ignore[attr-defined]
        "([x, y, sel]) => { const e = document.elementFromPoint(x, y); return !!(e && e.closest(sel)); }",
        [x, y, STRIP],
    )
    assert hit is False, "the arrow's strip takes clicks meant for what lies under it"
    # The arrow itself still works: it brings the newest message (and its buttons) back.
    strip.locator("button").click()
    page.get_by_role("button", name="I agree", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Which diagnosis or report").wait_for()  # type: ignore[attr-defined]
