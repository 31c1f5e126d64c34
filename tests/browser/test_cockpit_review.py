"""A clinician reviews and signs a patient's case in Chromium; a second clinician gets a conflict.

The case is seeded through the services (``to_state`` and the drafting pipeline's stored
draft shape, with a real chest X-ray preview and a heatmap overlay in storage) rather than
through the patient chat, so this module runs on its own.
"""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from assistant.lifecycle import CaseStatus
from tests.assistant.factories import status_of, to_state
from tests.assistant.web.staff import seed_review_case
from tests.browser.cockpit_fixtures import clean_screenshots, new_page, shot
from tests.browser.conftest import SCREENSHOTS, LiveApp
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def _fresh_screenshots() -> None:
    clean_screenshots("cockpit_")


def _csrf(page: Any) -> str:
    return str(page.locator("input[name=csrf_token]").first.get_attribute("value"))


class TestClinicianReview:
    def test_queue_claim_edit_diff_sign_and_conflicts(self, cockpit_app: LiveApp, browser: Any) -> None:
        """Urgent case first; heatmap toggles; the diff follows edits; signing works; a rival gets 409."""
        app = cockpit_app
        older = to_state(app.db, app.accounts["other_patient"], CaseStatus.PENDING_REVIEW)
        case_id = seed_review_case(app.db, app.settings, app.accounts["patient"], urgent=True)

        rival = new_page(browser, app, "clinician2")
        rival.goto(f"{app.url}/cockpit/cases/{case_id}")  # opened before anyone claimed it

        page = new_page(browser, app, "clinician")
        assert page.url.endswith("/cockpit/")
        first = page.locator("table.queue tbody tr").first
        assert first.get_attribute("data-case") == case_id
        assert "Urgent" in first.inner_text()
        assert page.locator(f"tr[data-case='{older}']").count() == 1
        shot(page, "cockpit_01_queue")

        first.locator("a").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("mark.unsupported").count() == 1
        heat = page.locator("img.heat").first
        assert heat.is_hidden()
        page.locator("input.hm-toggle").first.check()
        assert heat.is_visible()
        assert page.evaluate("(img) => img.naturalWidth", heat.element_handle()) > 0
        shot(page, "cockpit_02_case_heatmap_on")

        page.click("#claim")
        page.wait_for_load_state("networkidle")
        assert "You have claimed this case" in page.inner_text(".notice")

        rival.click("#claim")
        rival.wait_for_load_state("networkidle")
        assert "Another clinician has already claimed this case" in rival.inner_text("#action-error")
        shot(rival, "cockpit_03_rival_claim_conflict")
        response = rival.request.post(
            f"{app.url}/cockpit/cases/{case_id}/sign",
            form={
                "csrf_token": _csrf(rival),
                "base_draft_id": "x",
                "attest": "yes",
                "password": TEST_PASSWORD,
            },
        )
        assert response.status == 409
        assert "Another clinician holds this case" in response.text()

        agreement = page.locator("#section-agreement")
        agreement.fill(
            "I agree: the images and symptoms fit right lower lobe pneumonia [1][2]. Treat and re-image."
        )
        inserted = page.locator("#diff-agreement ins").all_inner_texts()
        assert any("re-image" in t for t in inserted)
        assert page.locator("#diff-agreement del").count() >= 1
        assert page.inner_text("#edit-share") != "0%"
        page.locator("#diff-agreement").scroll_into_view_if_needed()
        shot(page, "cockpit_04_editor_live_diff")

        page.check("#attest")
        page.fill("#sign-password", "not-my-password")
        page.click("#sign")
        page.wait_for_load_state("networkidle")
        assert "not correct" in page.inner_text("#action-error")
        assert status_of(app.db, case_id) is CaseStatus.IN_REVIEW

        page.locator("#section-agreement").fill(
            "I agree: the images and symptoms fit right lower lobe pneumonia [1][2]. Treat and re-image."
        )
        page.check("#attest")
        page.fill("#sign-password", TEST_PASSWORD)
        page.click("#sign")
        page.wait_for_load_state("networkidle")
        assert "Signed" in page.inner_text(".notice")
        assert status_of(app.db, case_id) is CaseStatus.SIGNED
        assert "re-image" in page.inner_text("#signed")
        shot(page, "cockpit_05_signed")

        patient = new_page(browser, app, "patient")
        pdf = patient.request.get(f"{app.url}/exports/cases/{case_id}/opinion.pdf")
        assert pdf.status == 200
        assert pdf.body().startswith(b"%PDF")
        out = SCREENSHOTS / "cockpit_06_patient_opinion.pdf"
        out.write_bytes(pdf.body())
        if subprocess.run(["which", "pdftoppm"], capture_output=True).returncode == 0:
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    str(out),
                    str(SCREENSHOTS / "cockpit_06_patient_opinion"),
                ],
                check=True,
            )
        assert re.search(r"second-opinion-v\d+\.pdf", pdf.headers["content-disposition"])
        other = new_page(browser, app, "other_patient")
        assert other.request.get(f"{app.url}/exports/cases/{case_id}/opinion.pdf").status == 404
