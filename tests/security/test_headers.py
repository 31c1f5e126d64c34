"""Attack 10: security headers, no-store on PHI pages, Secure cookies, and a CSP the chat works under.

Replayed against the running app: every page of every role is fetched over HTTP and its
headers checked; a production instance is started to check HSTS and the ``Secure`` flag
on ``so_session`` and Chainlit's ``access_token``; Chromium then drives the chat and the
cockpit under the policy and collects every CSP violation, and tries to frame a page.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from assistant.db.models import Upload
from assistant.lifecycle import CaseStatus
from tests.assistant.factories import to_state
from tests.browser.conftest import CHROMIUM, say
from tests.conftest import TEST_PASSWORD
from tests.security._integrity_fixtures import Live, chat_login, login, running_app

BASE_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
CSP_MUST = [
    "frame-ancestors 'none'",
    "object-src 'none'",
    "worker-src 'self' blob:",
    "img-src 'self' data: blob:",
    "script-src 'self' 'wasm-unsafe-eval'",
]
COLLECT_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on loopback (test environment) with a delivered case for alice."""
    with running_app(tmp_path_factory.mktemp("headers") / "data") as app:
        to_state(app.db, app.accounts["alice"], CaseStatus.DELIVERED, app.accounts["drsmith"])
        yield app


def _case_of(live: Live, patient: str) -> str:
    from sqlalchemy import select

    from assistant.db.models import Case

    with live.db.session() as s:
        return str(s.scalar(select(Case.id).where(Case.patient_id == live.accounts[patient].id)))


def _check_security_headers(response: httpx.Response) -> None:
    for name, value in BASE_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    csp = response.headers.get("content-security-policy", "")
    for directive in CSP_MUST:
        assert directive in csp, (response.url, directive)


class TestHeadersOnEveryPage:
    @pytest.mark.parametrize(
        ("who", "path"),
        [
            (None, "/login"),
            (None, "/healthz"),
            ("drsmith", "/cockpit/"),
            ("drsmith", "/cockpit/cases/{case}"),
            ("drsmith", "/metrics/"),
            ("sam", "/support/"),
            ("sam", "/support/?until=9999-12-31"),
            ("root", "/admin/"),
            ("alice", "/exports/cases/{case}/opinion.pdf"),
            ("alice", "/exports/cases/{case}/opinion.fhir.json"),
            ("alice", "/chat/"),
            ("alice", "/chat/project/settings?language=en-US"),
        ],
    )
    def test_phi_pages_are_protected(self, live: Live, who: str | None, path: str) -> None:
        """Each page answers 200 with the security headers and Cache-Control: no-store."""
        client = (
            (chat_login(live, who) if who == "alice" else login(live, who))
            if who
            else httpx.Client(base_url=live.url)
        )
        response = client.get(path.format(case=_case_of(live, "alice")), headers={"accept": "text/html"})
        assert response.status_code == 200, (path, response.text[:300])
        _check_security_headers(response)
        assert response.headers.get("cache-control") == "no-store"
        assert "strict-transport-security" not in response.headers  # not outside production

    def test_static_assets_stay_cacheable(self, live: Live) -> None:
        """Versioned static files keep their caching but get the same protections."""
        response = httpx.get(f"{live.url}/static/site.css")
        assert response.status_code == 200
        _check_security_headers(response)
        assert response.headers.get("cache-control") != "no-store"

    def test_chat_page_has_no_third_party_links(self, live: Live) -> None:
        """The chat page loads nothing from other sites, and its inline scripts are allowed by hash."""
        response = chat_login(live, "alice").get("/chat/", headers={"accept": "text/html"})
        assert "googleapis" not in response.text and "jsdelivr" not in response.text
        assert int(response.headers["content-length"]) == len(response.content)
        assert re.search(r"script-src [^;]*'sha256-", response.headers["content-security-policy"])


class TestProduction:
    @pytest.fixture(scope="class")
    def prod(self, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
        env = {
            "SECOND_OPINION_ENVIRONMENT": "production",
            "SECOND_OPINION_LLM__MODE": "embedded",
            "SECOND_OPINION_SECURITY__SECRET_KEY": secrets.token_urlsafe(48),
            "SECOND_OPINION_SECURITY__CHAINLIT_AUTH_SECRET": secrets.token_urlsafe(48),
        }
        with running_app(tmp_path_factory.mktemp("prod") / "data", env) as app:
            yield app

    def test_hsts_and_secure_cookies(self, prod: Live) -> None:
        """Production sends HSTS and marks so_session and Chainlit's access_token Secure."""
        client = httpx.Client(base_url=prod.url)
        page = client.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        session = page.cookies.get("so_session") or client.cookies.get("so_session")
        form = {"username": "alice", "password": TEST_PASSWORD, "csrf_token": token.group(1)}
        done = httpx.post(f"{prod.url}/login", data=form, headers={"cookie": f"so_session={session}"})
        assert done.status_code == 303
        cookies = done.headers.get_list("set-cookie")
        assert cookies and all("secure" in c.lower() for c in cookies)
        logged_in = re.search(r"so_session=([^;]+)", cookies[0])
        assert logged_in is not None
        chat = httpx.post(
            f"{prod.url}/chat/auth/header", headers={"cookie": f"so_session={logged_in.group(1)}"}
        )
        assert chat.status_code == 200, chat.text
        tokens = [c for c in chat.headers.get_list("set-cookie") if c.startswith("access_token")]
        assert tokens and all("; secure" in c.lower() for c in tokens)


@pytest.mark.browser
class TestBrowserUnderPolicy:
    @pytest.fixture
    def page(self) -> Iterator[object]:
        """Chromium (Debian's) with a listener for CSP violations on every page."""
        if not CHROMIUM.is_file():
            pytest.skip("Debian's Chromium is not installed (apt-get install -y chromium)")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            context = browser.new_context()
            context.add_init_script(COLLECT_CSP)
            page = context.new_page()
            page.set_default_timeout(30_000)
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text))
            page.console_messages = console  # type: ignore[attr-defined]
            yield page
            browser.close()

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
        self._log_in(page, live, "bob", "**/chat/**")
        page.get_by_text("what this service is, and what it is not").wait_for()  # type: ignore[attr-defined]
        page.get_by_role("button", name="I agree", exact=True).click()  # type: ignore[attr-defined]
        page.get_by_text("Which diagnosis or report").wait_for()  # type: ignore[attr-defined]
        say(page, "My chest X-ray report says right lower lobe pneumonia")
        page.get_by_text("Why would you like a second opinion?").last.wait_for()  # type: ignore[attr-defined]
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
