"""Attack 10 in the browser: the chat and the cockpit work under the CSP, and pages cannot be framed.

Chromium (the suite's one Debian Chromium) drives the app started by
``tests.security._integrity_fixtures.running_app``: a patient consents, answers and
uploads a picture; a clinician opens a case page; every CSP violation (the
``securitypolicyviolation`` event and the console) is collected and must be none. The
HTTP half of the attack is ``tests/security/test_headers.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from assistant.db.models import Case, Upload
from assistant.lifecycle import CaseStatus
from tests.assistant.factories import to_state
from tests.browser.conftest import say
from tests.conftest import TEST_PASSWORD
from tests.security._integrity_fixtures import Live, running_app

pytestmark = [pytest.mark.browser]
COLLECT_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on loopback (test environment) with a delivered case for alice."""
    with running_app(tmp_path_factory.mktemp("csp") / "data") as app:
        to_state(app.db, app.accounts["alice"], CaseStatus.DELIVERED, app.accounts["drsmith"])
        yield app


def _case_of(live: Live, patient: str) -> str:
    with live.db.session() as s:
        return str(s.scalar(select(Case.id).where(Case.patient_id == live.accounts[patient].id)))


class TestBrowserUnderPolicy:
    @pytest.fixture
    def page(self, browser: object) -> Iterator[object]:
        """A fresh context of the suite's one Chromium, listening for CSP violations on every page."""
        context = browser.new_context()  # type: ignore[attr-defined]
        context.add_init_script(COLLECT_CSP)
        page = context.new_page()
        page.set_default_timeout(30_000)
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        page.console_messages = console
        yield page
        context.close()

    @staticmethod
    def _violations(page: object) -> list[str]:
        seen = list(page.evaluate("window.__csp || []"))  # type: ignore[attr-defined]
        console = [m for m in page.console_messages if "Content Security Policy" in m]  # type: ignore[attr-defined]
        return seen + console

    @staticmethod
    def _log_in(page: object, live: Live, username: str, lands: str) -> None:
        page.goto(f"{live.url}/login")  # type: ignore[attr-defined]
        page.fill("input[name=username]", username)  # type: ignore[attr-defined]
        page.fill("input[name=password]", TEST_PASSWORD)  # type: ignore[attr-defined]
        page.click("button[type=submit]")  # type: ignore[attr-defined]
        page.wait_for_url(lands)  # type: ignore[attr-defined]

    def test_chat_works_under_the_policy(self, page: object, live: Live, tmp_path: Path) -> None:
        """The patient consents, answers, uploads a picture and is answered, with no CSP violation."""
        picture = tmp_path / "photo.png"
        Image.new("RGB", (64, 64), (200, 30, 30)).save(picture)
        pages: list[str] = []
        sockets: list[str] = []
        page.on("framenavigated", lambda f: pages.append(f.url) if f.parent_frame is None else None)  # type: ignore[attr-defined]
        page.on("websocket", lambda ws: sockets.append(ws.url))  # type: ignore[attr-defined]
        self._log_in(page, live, "bob", "**/chat/**")
        page.get_by_text("what this service is, and what it is not").wait_for()  # type: ignore[attr-defined]
        page.get_by_role("button", name="I agree", exact=True).click()  # type: ignore[attr-defined]
        page.get_by_text("Which diagnosis or report").wait_for()  # type: ignore[attr-defined]
        # The chat page opened once, with one chat socket: it never bounced through Chainlit's
        # /chat/login, whose outgoing page could show the consent and lose the click on it.
        assert [u for u in pages if "/chat/login" in u] == []
        assert len(sockets) == 1
        say(page, "My chest X-ray report says right lower lobe pneumonia")
        # The first message is triaged: on a fresh server it waits for the triage model to load.
        page.get_by_text("Why would you like a second opinion?").last.wait_for(timeout=120_000)  # type: ignore[attr-defined]
        page.locator("input[type=file]").first.set_input_files([str(picture)])  # type: ignore[attr-defined]
        page.wait_for_timeout(1500)  # type: ignore[attr-defined]
        say(page, "here is a photo")
        for _ in range(60):  # our storage holds it...
            with live.db.session() as s:
                stored = s.scalar(select(Upload.id).where(Upload.filename == "photo.png"))
            if stored:
                break
            page.wait_for_timeout(500)  # type: ignore[attr-defined]
        assert stored
        page.wait_for_timeout(1500)  # type: ignore[attr-defined]
        assert self._violations(page) == []
        original = picture.read_bytes()  # ...and Chainlit's folder no longer holds the original
        copies = [p for p in (live.settings.data_dir / "chat" / ".files").rglob("*") if p.is_file()]
        assert not [p for p in copies if p.read_bytes() == original]

    def test_cockpit_works_under_the_policy(self, page: object, live: Live) -> None:
        """The clinician's queue and case page (with its script) load with no CSP violation."""
        self._log_in(page, live, "drsmith", "**/cockpit/**")
        page.goto(f"{live.url}/cockpit/cases/{_case_of(live, 'alice')}")  # type: ignore[attr-defined]
        page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        assert self._violations(page) == []

    def test_pages_cannot_be_framed(self, page: object, live: Live) -> None:
        """Another page framing the cockpit gets nothing (frame-ancestors 'none')."""
        self._log_in(page, live, "drsmith", "**/cockpit/**")
        page.set_content(f'<iframe id="f" src="{live.url}/cockpit/"></iframe>')  # type: ignore[attr-defined]
        page.wait_for_timeout(1500)  # type: ignore[attr-defined]
        framed = [f for f in page.frames if f != page.main_frame]  # type: ignore[attr-defined]
        assert framed
        assert all("Claim" not in f.content() and "queue" not in f.content().lower() for f in framed)
