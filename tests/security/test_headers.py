"""Attack 10: security headers, no-store on PHI pages, Secure cookies, and a CSP the chat works under.

Replayed against the running app: every page of every role is fetched over HTTP and its
headers checked; a production instance is started to check HSTS and the ``Secure`` flag
on ``so_session`` and Chainlit's ``access_token``. The Chromium half (the chat and the
cockpit under the policy, framing refused) is ``tests/browser/test_security_policy.py``,
beside the suite's one browser.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from assistant.lifecycle import CaseStatus
from tests.assistant.factories import to_state
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


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on loopback (test environment) with a delivered case for alice."""
    with running_app(tmp_path_factory.mktemp("headers") / "data") as app:
        to_state(app.db, app.accounts["alice"], CaseStatus.DELIVERED, app.accounts["drsmith"])
        yield app


def _case_of(live: Live, patient: str) -> str:

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
