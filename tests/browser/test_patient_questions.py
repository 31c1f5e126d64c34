"""A new patient's questions and requests in the real chat: answered, not stored, and routed to staff."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from assistant.actors import SYSTEM
from assistant.chat.chainlit_assets import FOOTER
from assistant.db.models import User
from assistant.knowledge_base import ingest_starter_pack
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import cases, users
from tests.assistant.factories import to_state
from tests.browser.conftest import LiveApp, log_in, say, shot
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _patient(app: LiveApp, username: str, name: str) -> User:
    with app.db.session() as s:
        return users.create_user(s, SYSTEM, username, TEST_PASSWORD, Role.PATIENT, name)


def test_question_during_intake_is_answered_not_stored(
    page: object, live_app: LiveApp, tmp_path: Path
) -> None:
    """'what is pneumonia?' at the history step is answered, the question asked again, nothing stored."""
    patient = _patient(live_app, "q-erin", "Erin Questions")
    ingest_starter_pack(live_app.settings)  # the app's knowledge base: the project's starter pack
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or ""))  # type: ignore[attr-defined]
    log_in(page, live_app, "q-erin")
    page.get_by_role("button", name="I agree", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Which diagnosis or report").wait_for()  # type: ignore[attr-defined]
    for answer, next_question in [
        ("My chest X-ray report says right lower lobe pneumonia", "Why would you like a second opinion?"),
        ("The antibiotics are not helping", "What symptoms do you have"),
        ("cough for 3 weeks", "What other medical conditions"),
    ]:
        say(page, answer)
        page.get_by_text(next_question).last.wait_for()  # type: ignore[attr-defined]
    say(page, "what is pneumonia?")
    answer = page.locator("li", has_text="Pneumonia is an infection of the lung's air spaces.")  # type: ignore[attr-defined]
    answer.first.wait_for(timeout=120_000)
    page.get_by_text("Now, back to your case: What other medical conditions").wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-06-question-during-intake")
    page.locator("a.element-link", has_text="Pneumonia on a chest X-ray").first.click()  # type: ignore[attr-defined]
    page.get_by_text("What the X-ray shows").last.wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-06b-source-side-panel")
    with live_app.db.session() as s:
        (case,) = cases.list_own_cases(s, patient)
        assert case.intake["history"] == ""
    say(page, "asthma as a child")
    page.get_by_text("Which medicines do you take?").last.wait_for()  # type: ignore[attr-defined]
    with live_app.db.session() as s:
        (case,) = cases.list_own_cases(s, patient)
        assert case.intake["history"] == "asthma as a child"
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    page.locator("input[type=file]").first.set_input_files(str(notes))  # type: ignore[attr-defined]
    page.get_by_text("This kind of file cannot be used").first.wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-09-refused-upload")
    html = page.content()  # type: ignore[attr-defined]
    assert FOOTER in html and "LLMs can make mistakes" not in html
    assert hosts == {"127.0.0.1"}, hosts  # no fonts, scripts or styles from elsewhere


def test_follow_up_request_appears_in_the_cockpit(browser: object, live_app: LiveApp) -> None:
    """After delivery the patient asks for a follow-up; the clinician who signed sees it on the queue page."""
    patient = _patient(live_app, "q-fran", "Fran Follow")
    clinician = live_app.accounts["drsmith"]
    to_state(live_app.db, patient, CaseStatus.SIGNED, clinician)
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_app, "q-fran")
    page.get_by_text("Your signed second opinion").wait_for()
    page.get_by_role("button", name="Ask a clinician to follow up").last.click()
    page.get_by_text("Your request has been recorded").wait_for()
    page.get_by_text("Dr Smith, who signed your opinion").wait_for()
    shot(page, "patient-07-follow-up-requested")
    page.get_by_role("button", name="Start a new request").last.click()
    page.get_by_text("Which diagnosis or report").last.wait_for()
    say(page, "my requests")
    page.get_by_text("opinion signed and delivered").wait_for()
    page.get_by_text("being filled in by you").wait_for()
    page.get_by_role("button", name="Open opinion 2").last.click()  # the older case is listed second
    page.get_by_text("Your signed second opinion").last.wait_for()
    shot(page, "patient-08-my-requests-old-opinion")
    context.close()

    staff = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    cockpit = staff.new_page()
    cockpit.goto(f"{live_app.url}/login")
    cockpit.fill("input[name=username]", "drsmith")
    cockpit.fill("input[name=password]", TEST_PASSWORD)
    cockpit.click("button[type=submit]")
    cockpit.wait_for_url("**/cockpit/**")
    item = cockpit.locator("#patient-requests tr.request.follow_up")
    item.wait_for()
    assert "Fran" in item.inner_text() and "Follow-up with a clinician" in item.inner_text()
    shot(cockpit, "cockpit-08-patient-requests")
    staff.close()


def test_returned_case_answer_and_progress_after_resubmission(page: object, live_app: LiveApp) -> None:
    """The clinician's question is shown, the answer lands on the case, and the new job's progress shows."""
    from assistant.services import review
    from tests.browser.test_patient_journey import play_worker

    patient = _patient(live_app, "q-gina", "Gina Returned")
    clinician = live_app.accounts["drsmith"]
    case_id = to_state(live_app.db, patient, CaseStatus.SUBMITTED)
    log_in(page, live_app, "q-gina")
    page.get_by_text("Your case has been submitted").wait_for()  # type: ignore[attr-defined]
    play_worker(live_app, case_id)
    page.get_by_text("waiting for a clinician").first.wait_for()  # type: ignore[attr-defined]
    with live_app.db.session() as s:
        review.claim_case(s, clinician, case_id)
    with live_app.db.session() as s:
        review.return_case(s, clinician, case_id, "When was your last chest X-ray taken?")
    page.get_by_text("When was your last chest X-ray taken?").first.wait_for()  # type: ignore[attr-defined]
    say(page, "In March at St Mary's hospital")
    page.get_by_text("your answer is recorded on your case").wait_for()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Confirm and submit").last.click()  # type: ignore[attr-defined]
    page.get_by_text("Your case has been submitted").last.wait_for()  # type: ignore[attr-defined]
    play_worker(live_app, case_id)
    steps = page.get_by_text("Reading the medical evidence")  # type: ignore[attr-defined]
    page.wait_for_function("() => document.body.innerText.split('Reading the medical evidence').length > 2")  # type: ignore[attr-defined]
    assert steps.count() >= 2  # the first job's step and the new job's step
    shot(page, "patient-10-returned-answer-and-progress")
    with live_app.db.session() as s:
        from assistant.services import patient_requests

        (answer,) = patient_requests.return_answers(s, case_id)
    assert (answer.question, answer.answer) == (
        "When was your last chest X-ray taken?",
        "In March at St Mary's hospital",
    )
