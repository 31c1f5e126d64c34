"""Support staff, patients and admins in Chromium: what each may and may not do on the staff pages.

Cases are seeded through the services (see ``test_cockpit_review``). Support reads a
transcript and its audit trail and flags it, and gets 403 on every clinician action; a
patient gets 403 or 404 on every cockpit route; the admin and metrics pages render.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from assistant.db.models import AuditEvent, Conversation, SupportFlag
from assistant.lifecycle import CaseStatus
from tests.assistant.factories import status_of
from tests.assistant.web.staff import seed_review_case
from tests.assistant.web.test_access_matrix import EXPECTED
from tests.browser.cockpit_fixtures import clean_screenshots, new_page, shot
from tests.browser.conftest import LiveApp

pytestmark = [pytest.mark.browser, pytest.mark.slow]
COCKPIT = [(m, p) for m, p in EXPECTED if p.startswith("/cockpit")]


@pytest.fixture(scope="module", autouse=True)
def _fresh_screenshots() -> None:
    clean_screenshots("roles_")


def _url(app: LiveApp, path: str, case_id: str) -> str:
    return app.url + path.replace("{case_id}", case_id).replace("{key}", "0" * 64)


def _cockpit_codes(page: Any, app: LiveApp, case_id: str) -> dict[str, int]:
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    codes = {}
    for method, path in COCKPIT:
        url = _url(app, path, case_id)
        if method == "GET":
            codes[f"GET {path}"] = page.request.get(url, max_redirects=0).status
        else:
            form = {"csrf_token": token, "question": "x", "reason": "x", "password": "x", "attest": "yes"}
            codes[f"POST {path}"] = page.request.post(url, form=form, max_redirects=0).status
    return codes


class TestSupport:
    def test_reads_flags_and_is_refused_clinician_actions(self, cockpit_app: LiveApp, browser: Any) -> None:
        """Search, open the transcript with its audit trail, flag it; every cockpit route is 403."""
        app = cockpit_app
        case_id = seed_review_case(app.db, app.settings, app.accounts["patient"])
        page = new_page(browser, app, "support")
        assert page.url.endswith("/support/")
        page.fill("input[name=q]", "pneumonia")
        page.click("form.filters button[type=submit]")
        page.wait_for_load_state("networkidle")
        shot(page, "roles_01_support_search")
        with app.db.session() as s:
            conv = s.scalars(select(Conversation.id).where(Conversation.case_id == case_id)).one()
        page.click(f"a[href='/support/conversations/{conv}']")
        page.wait_for_load_state("networkidle")
        assert "I was told I have pneumonia" in page.inner_text("#transcript")
        assert "draft.create" in page.inner_text("#audit")
        assert page.locator("textarea[name^=section__], button#sign, button#claim").count() == 0
        page.select_option("select[name=category]", "safety")
        page.fill("textarea[name=note]", "Check that chest pain advice was given.")
        page.click("#flag-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "Check that chest pain advice was given." in page.inner_text("#flags")
        shot(page, "roles_02_support_transcript_flagged")

        codes = _cockpit_codes(page, app, case_id)
        assert set(codes.values()) == {403}, codes
        assert status_of(app.db, case_id) is CaseStatus.PENDING_REVIEW
        with app.db.session() as s:
            assert s.scalars(select(SupportFlag.category)).all() == ["safety"]
            support_id = app.accounts["support"].id
            actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == support_id)))
        assert {"transcript.search", "transcript.view", "audit.view", "conversation.flag"} <= actions
        page.goto(f"{app.url}/cockpit/cases/{case_id}")
        assert "Your role does not allow this page" in page.inner_text("body")
        shot(page, "roles_03_support_refused_cockpit")


class TestPatient:
    def test_every_cockpit_route_is_refused(self, cockpit_app: LiveApp, browser: Any) -> None:
        """A patient, even on their own case, gets 403 or 404 from every cockpit route."""
        app = cockpit_app
        case_id = seed_review_case(app.db, app.settings, app.accounts["patient"])
        page = new_page(browser, app, "patient")
        page.goto(f"{app.url}/login")  # a page with this session's CSRF token
        codes = _cockpit_codes(page, app, case_id)
        assert set(codes.values()) <= {403, 404}, codes
        assert status_of(app.db, case_id) is CaseStatus.PENDING_REVIEW
        page.goto(f"{app.url}/cockpit/")
        shot(page, "roles_04_patient_refused_cockpit")
        assert re.search(r"not allow", page.inner_text("body"))


class TestAdminAndMetrics:
    def test_pages_render(self, cockpit_app: LiveApp, browser: Any) -> None:
        """The admin home lists users and status; the metrics page shows every block."""
        app = cockpit_app
        page = new_page(browser, app, "admin")
        assert page.url.endswith("/admin/")
        assert page.locator("tr[data-user=clinician]").count() == 1
        shot(page, "roles_05_admin")
        page.goto(f"{app.url}/metrics/")
        for block in ("sign-time", "citations", "exits", "red", "states", "edits"):
            assert page.locator(f"#m-{block}").is_visible()
        shot(page, "roles_06_metrics")
