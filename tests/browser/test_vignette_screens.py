"""Two vignettes through the real pipeline (mock LLM), the cockpit, the signature and the patient's chat.

Screenshots of the cockpit case page and of the patient reading the signed opinion go to
``test-output/screenshots/vignette_<id>_*.png``. The draft is written by the real drafting
job (imaging on the uploaded film, retrieval over the starter pack, the composer and its
checks) against the live server's database and storage.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.actors import SYSTEM
from assistant.chat.consent import current_consent
from assistant.context import AppContext
from assistant.intake import IntakeRecord
from assistant.jobs.engine import execute_next
from assistant.knowledge_base import ingest_starter_pack
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import cases, users
from assistant.settings import Settings
from tests.assistant.factories import status_of
from tests.browser.conftest import SCREENSHOTS, LiveApp, log_in
from tests.conftest import REPO, TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VIGNETTES = REPO / "tests/data/vignettes"


def _draft_vignette(app: LiveApp, vid: str) -> tuple[str, str]:
    vignette = json.loads((VIGNETTES / f"{vid}.json").read_text())
    for rel in vignette["uploads"]:
        if not (REPO / rel).exists():
            pytest.skip(f"shared data missing: {rel}")
    settings = Settings(environment="test", data_dir=app.data_dir, llm={"mode": "mock"})  # type: ignore[arg-type]
    ctx = AppContext(settings, db=app.db)
    if not (settings.chroma_path / ".screens-seeded").exists():
        ingest_starter_pack(settings, ctx)
        (settings.chroma_path / ".screens-seeded").write_text("1")
    username = f"pat_{vid}"
    with app.db.session() as s:
        patient = users.create_user(s, SYSTEM, username, TEST_PASSWORD, Role.PATIENT, f"Patient {vid}")
        record = IntakeRecord.model_validate(vignette["intake"])
        case = cases.create_case(s, patient, record.diagnosis_in_question[:200])
        cases.update_intake(s, patient, case.id, record)
        consent = current_consent()
        cases.record_consent(s, patient, consent.version, consent.text)
        for rel in vignette["uploads"]:
            path = (REPO / rel).resolve()
            if path.is_dir():  # a DICOM series folder is uploaded as a zip, as a patient would
                path = Path(shutil.make_archive(str(app.data_dir / path.name), "zip", root_dir=path))
            with path.open("rb") as fh:
                cases.add_upload(s, patient, case.id, ctx.storage, fh, path.name)
        case_id, job_id = case.id, cases.submit_case(s, patient, case.id, consent.version).id
    assert execute_next(ctx, "screens", job_id=job_id) == job_id
    return case_id, username


# Other vignettes on demand: VIGNETTE_SCREENS=v66,v74 pytest tests/browser/test_vignette_screens.py
SCREENED = os.environ.get("VIGNETTE_SCREENS", "v02,v09").split(",")


@pytest.mark.parametrize("vid", SCREENED)
def test_vignette_cockpit_and_signed_opinion(live_app: LiveApp, browser: Any, vid: str) -> None:
    """The cockpit shows the answers to the sub-questions; the patient reads the signed opinion."""
    case_id, username = _draft_vignette(live_app, vid)
    doctor_name = f"dr_{vid}"
    with live_app.db.session() as s:
        users.create_user(s, SYSTEM, doctor_name, TEST_PASSWORD, Role.CLINICIAN, "Dr Vignette")
    doctor_ctx = browser.new_context(viewport={"width": 1280, "height": 1800})
    doctor = doctor_ctx.new_page()
    doctor.set_default_timeout(30_000)
    doctor.goto(f"{live_app.url}/login")
    doctor.fill("input[name=username]", doctor_name)
    doctor.fill("input[name=password]", TEST_PASSWORD)
    doctor.click("button[type=submit]")
    doctor.wait_for_load_state("networkidle")
    doctor.goto(f"{live_app.url}/cockpit/cases/{case_id}")
    doctor.click("#claim")
    doctor.wait_for_load_state("networkidle")
    assert doctor.get_by_text("Answers to your questions").first.is_visible()
    doctor.screenshot(path=str(SCREENSHOTS / f"vignette_{vid}_cockpit.png"), full_page=True)
    doctor.check("#attest")
    doctor.fill("#sign-password", TEST_PASSWORD)
    doctor.click("#sign")
    doctor.wait_for_load_state("networkidle")
    assert status_of(live_app.db, case_id) is CaseStatus.SIGNED
    doctor_ctx.close()

    reader_ctx = browser.new_context(viewport={"width": 1280, "height": 1400})
    reader = reader_ctx.new_page()
    reader.set_default_timeout(60_000)
    log_in(reader, live_app, username)
    reader.get_by_text("Answers to your questions").first.wait_for(timeout=60_000)
    reader.mouse.move(640, 400)
    reader.mouse.wheel(0, 50_000)
    reader.wait_for_timeout(600)
    reader.screenshot(path=str(SCREENSHOTS / f"vignette_{vid}_patient_opinion.png"))
    _check_source_panel(reader)
    reader.screenshot(path=str(SCREENSHOTS / f"vignette_{vid}_patient_source.png"))
    reader_ctx.close()


def _check_source_panel(reader: Any) -> None:
    """The panel Chainlit opens by itself is titled for all the sources; a source's name opens it alone."""
    title = reader.locator("#side-view-title")
    title.wait_for()
    whole = re.fullmatch(r"Sources cited \(([\d, ]+)\)", title.inner_text().strip())
    assert whole, title.inner_text()
    numbers = whole.group(1).split(", ")
    content = reader.locator("#side-view-content")
    headings = [h.strip() for h in content.locator("h4").all_inner_texts()]
    assert [h.split(".")[0] for h in headings] == numbers  # every cited source, in number order
    chosen = f"{numbers[-1]}. "
    reader.locator("a.element-link", has_text=re.compile("^" + re.escape(chosen))).first.click()
    reader.wait_for_function(
        "t => document.querySelector('#side-view-title')?.innerText.trim().startsWith(t)",
        arg=chosen,
        timeout=10_000,
    )
    after = [h.strip() for h in content.locator("h4").all_inner_texts()]
    assert len(after) == 1 and after[0].startswith(chosen)
