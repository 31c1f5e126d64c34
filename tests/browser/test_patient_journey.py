"""A patient logs in, consents, tells their story, uploads a CT zip and a radiograph, and submits."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from assistant.services import jobs
from tests.assistant.factories import HITS, ai_draft
from tests.assistant.stored_drafts import write
from tests.browser.conftest import LiveApp, log_in, say, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWERS = [
    ("My chest X-ray report says right lower lobe pneumonia", "Why would you like a second opinion?"),
    ("The antibiotics are not helping after two weeks", "What symptoms do you have"),
    ("cough for 3 weeks; tired since last month", "What other medical conditions"),
    ("asthma as a child", "Which medicines do you take?"),
    ("amoxicillin, salbutamol", "Do you have any allergies"),
    ("penicillin", "Have you had earlier scans"),
    ("a chest X-ray two weeks ago", "What do you most want to know"),
    ("Is it really pneumonia, or something else?", "how old are you"),
    ("46, male", "Now please upload your images"),
]


def play_worker(app: LiveApp, case_id: str, wait_s: float = 15.0) -> None:
    """Stand in for the drafting worker: lease the job, report each stage, leave a draft for review.

    Like a real worker it waits for the job to be queued: a resubmission's page already shows "Your case has
    been submitted" from the first time, so the test can reach here before the app has queued the new job (a
    run found no queued job once)."""
    deadline = time.monotonic() + wait_s
    while True:
        with app.db.session() as s:
            # The queued job (a resubmitted case also has its earlier, finished one).
            job = next((j for j in jobs.jobs_for_case(s, case_id) if j.status == "queued"), None)
            if job is not None:
                assert jobs.lease_next(s, "browser-test-worker", 60, job_id=job.id) is not None
                break
        assert time.monotonic() < deadline, f"no queued job for case {case_id} within {wait_s} s"
        time.sleep(0.2)
    for stage in ("imaging", "retrieval", "drafting", "checking"):
        with app.db.session() as s:
            jobs.progress(s, job.id, stage)
    with app.db.session() as s:
        write(s, case_id, ai_draft(), hits=HITS)
        jobs.complete(s, job.id)


def test_consent_intake_uploads_submit_progress(
    page: object, live_app: LiveApp, shared_data: Path, tmp_path: Path
) -> None:
    """The whole patient journey up to 'waiting for a clinician', with screenshots of each screen."""
    series = shared_data / "dicom" / "lung_pet_ct_dx" / "Lung_Dx-A0002_series3_B40f"
    ct_zip = tmp_path / "chest-ct.zip"
    with zipfile.ZipFile(ct_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(series.glob("*.dcm")):
            zf.write(f, f"CT/{f.name}")
    radiograph = shared_data / "cxr" / "kermany" / "images" / "test_NORMAL_NORMAL2-IM-0271-0001.jpeg"

    log_in(page, live_app, "alice")
    page.get_by_text("what this service is, and what it is not").wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-01-consent")
    page.get_by_role("button", name="I agree", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Which diagnosis or report").wait_for()  # type: ignore[attr-defined]
    for answer, next_question in ANSWERS:
        say(page, answer)
        page.get_by_text(next_question).last.wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-02-intake")

    page.locator("input[type=file]").first.set_input_files([str(ct_zip), str(radiograph)])  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]
    say(page, "done")
    page.get_by_text("a chest CT series of 30 images").wait_for(timeout=120_000)  # type: ignore[attr-defined]
    page.get_by_text("We found a picture").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    page.get_by_text("Summary of what you told us").last.wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-03-uploads-and-summary")

    page.get_by_role("button", name="Confirm and submit").last.click()  # type: ignore[attr-defined]
    page.get_by_text("Your case has been submitted").wait_for()  # type: ignore[attr-defined]
    with live_app.db.session() as s:
        from assistant.services import cases

        case_id = cases.list_own_cases(s, live_app.accounts["alice"])[0].id
    play_worker(live_app, case_id)
    page.get_by_text("Reading the medical evidence").first.wait_for()  # type: ignore[attr-defined]
    page.get_by_text("waiting for a clinician").first.wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-04-progress-waiting")
    html = page.content()  # type: ignore[attr-defined]
    assert "Checking your images" in html
    assert "The images are consistent with the first diagnosis" not in html  # the draft stays hidden
