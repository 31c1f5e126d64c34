"""From the clinician's signature to the patient's chat, on the whole app with the chat mounted.

Runs on the patient tests' live server (``conftest.live_app``: the real app in a
subprocess, chat included). The case is seeded through the services for a patient of its
own, in the state the patient journey leaves it (waiting for review, with a drafted
opinion, a chest X-ray preview and a heatmap). A clinician signs it in the cockpit; the
patient then logs in, reads the signed opinion in the chat and downloads the PDF.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.actors import SYSTEM
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import users
from assistant.settings import Settings
from tests.assistant.factories import status_of
from tests.assistant.web.staff import seed_review_case
from tests.browser.conftest import SCREENSHOTS, LiveApp, log_in
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SIGNED_SENTENCE = "I agree with the first diagnosis: the X-ray and your symptoms fit pneumonia [1][2]."


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Any]]:
    """Browser contexts to open per person; closed at the end."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def _person(browser: Any, opened: list[Any]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened.append(context)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _staff_login(page: Any, app: LiveApp, username: str) -> None:
    page.goto(f"{app.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_signed_in_cockpit_then_read_in_chat(live_app: LiveApp, browser: Any, contexts: list[Any]) -> None:
    """The clinician signs; the patient's chat shows the signed words and offers the PDF."""
    with live_app.db.session() as s:
        patient = users.create_user(s, SYSTEM, "erin", TEST_PASSWORD, Role.PATIENT, "Erin")
        users.create_user(s, SYSTEM, "dr_review", TEST_PASSWORD, Role.CLINICIAN, "Dr Review")
    settings = Settings(environment="test", data_dir=live_app.data_dir)  # the server's storage
    case_id = seed_review_case(live_app.db, settings, patient)

    doctor = _person(browser, contexts)
    _staff_login(doctor, live_app, "dr_review")
    doctor.click(f"tr[data-case='{case_id}'] a")
    doctor.wait_for_load_state("networkidle")
    doctor.click("#claim")
    doctor.wait_for_load_state("networkidle")
    doctor.fill("#section-agreement", SIGNED_SENTENCE)
    doctor.check("#attest")
    doctor.fill("#sign-password", TEST_PASSWORD)
    doctor.click("#sign")
    doctor.wait_for_load_state("networkidle")
    assert status_of(live_app.db, case_id) is CaseStatus.SIGNED

    reader = _person(browser, contexts)
    log_in(reader, live_app, "erin")
    reader.get_by_text("I agree with the first diagnosis").first.wait_for(timeout=60_000)
    reader.get_by_text("second-opinion.pdf").first.wait_for()
    reader.mouse.wheel(0, 50_000)
    reader.wait_for_timeout(400)
    reader.screenshot(path=str(SCREENSHOTS / "handoff_01_patient_reads_signed_opinion.png"))
    assert status_of(live_app.db, case_id) is CaseStatus.DELIVERED
    pdf = reader.request.get(f"{live_app.url}/exports/cases/{case_id}/opinion.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
