"""Drive a case into any lifecycle state through the real services."""

from __future__ import annotations

from typing import Any

from assistant.actors import SYSTEM
from assistant.db.base import Database
from assistant.db.models import Case, User
from assistant.intake import IntakeRecord
from assistant.lifecycle import CaseStatus
from assistant.services import cases, drafts, jobs, review
from tests.conftest import TEST_PASSWORD

CONSENT_VERSION = "2026-11"
CONSENT_TEXT = "Test consent text."

SECTIONS = {
    "summary": "You asked whether the diagnosis of pneumonia on your chest X-ray is right [1].",
    "first_diagnosis": "Your report said there was pneumonia in the right lower lobe [1].",
    "images": "The model estimated pneumonia at 0.82, above its threshold of 0.5 [2].",
    "agreement": "The images are consistent with the first diagnosis [1][2].",
    "alternatives": "Other causes of shadows include fluid or collapse [3].",
    "questions": "Ask whether a follow-up X-ray is needed [3].",
    "limitations": "The model was trained on limited data and can be wrong [2].",
}


def ai_content() -> dict[str, Any]:
    """An AI draft in the pipeline's stored form: sections of sentences with citations."""
    sections = [
        {
            "key": key,
            "title": key.replace("_", " ").capitalize(),
            "sentences": [{"text": text, "origin": "llm", "citations": [], "supported": True, "flags": []}],
        }
        for key, text in SECTIONS.items()
    ]
    return {"sections": sections, "priority": "routine"}


def to_state(db: Database, patient: User, target: CaseStatus, clinician: User | None = None) -> str:
    """Create a case for ``patient`` and walk it to ``target``; returns its id."""
    order = [
        CaseStatus.INTAKE,
        CaseStatus.SUBMITTED,
        CaseStatus.DRAFTING,
        CaseStatus.PENDING_REVIEW,
        CaseStatus.IN_REVIEW,
        CaseStatus.SIGNED,
        CaseStatus.DELIVERED,
        CaseStatus.AMENDED,
    ]
    exits = {
        CaseStatus.RETURNED: CaseStatus.IN_REVIEW,
        CaseStatus.DECLINED: CaseStatus.IN_REVIEW,
        CaseStatus.DRAFT_FAILED: CaseStatus.DRAFTING,
    }
    last = exits.get(target, target)
    with db.session() as s:
        case = cases.create_case(s, patient, "Pneumonia on chest X-ray")
        case_id = case.id
        cases.update_intake(
            s,
            patient,
            case_id,
            IntakeRecord(
                diagnosis_in_question="Right lower lobe pneumonia", main_question="Is it really pneumonia?"
            ),
        )
        cases.record_consent(s, patient, CONSENT_VERSION, CONSENT_TEXT)
    steps = order[: order.index(last) + 1]
    for step in steps[1:]:
        _advance(db, case_id, step, patient, clinician)
    if target in exits:
        with db.session() as s:
            if target is CaseStatus.RETURNED:
                review.return_case(s, clinician, case_id, "Please upload the report.")  # type: ignore[arg-type]
            elif target is CaseStatus.DRAFT_FAILED:
                job = jobs.jobs_for_case(s, case_id)[0]
                job.max_attempts = job.attempts  # this was its last attempt
                jobs.fail_attempt(s, job.id, "RuntimeError: drafting failed", backoff_s=0)
                assert job.status == "failed"
            else:
                review.decline_case(s, clinician, case_id, "Out of scope.")  # type: ignore[arg-type]
    return case_id


def _advance(db: Database, case_id: str, step: CaseStatus, patient: User, clinician: User | None) -> None:
    with db.session() as s:
        if step is CaseStatus.SUBMITTED:
            cases.submit_case(s, patient, case_id, CONSENT_VERSION)
        elif step is CaseStatus.DRAFTING:
            job_id = jobs.jobs_for_case(s, case_id)[0].id
            assert jobs.lease_next(s, "test-worker", 60, job_id=job_id) is not None
        elif step is CaseStatus.PENDING_REVIEW:
            drafts.create_ai_draft(
                s,
                SYSTEM,
                case_id,
                ai_content(),
                prompt_name="opinion",
                prompt_version="1",
                prompt_sha256="0" * 64,
                model_id="mock",
                checks={},
                evidence={},
            )
        elif step is CaseStatus.IN_REVIEW:
            review.claim_case(s, clinician, case_id)  # type: ignore[arg-type]
        elif step is CaseStatus.SIGNED:
            latest = drafts.latest_draft(s, case_id)
            assert latest is not None
            review.sign_draft(s, clinician, case_id, latest.id, TEST_PASSWORD)  # type: ignore[arg-type]
        elif step is CaseStatus.DELIVERED:
            cases.acknowledge_opinion(s, patient, case_id)
        elif step is CaseStatus.AMENDED:
            review.amend_opinion(
                s,
                clinician,
                case_id,
                {"limitations": "Amended limitations [2]."},  # type: ignore[arg-type]
                "Clarified limitations",
                TEST_PASSWORD,
            )


def status_of(db: Database, case_id: str) -> CaseStatus:
    """The case's current status, read fresh."""
    with db.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.status
