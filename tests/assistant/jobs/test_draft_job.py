"""The drafting job end to end: a submitted case becomes a cited draft in the review queue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.context import AppContext
from assistant.db.models import AuditEvent, Draft, Job, JobStageOutput, User
from assistant.errors import ValidationError
from assistant.jobs.engine import execute_next
from assistant.lifecycle import CaseStatus
from assistant.opinion import section_texts
from assistant.roles import Role
from assistant.services import jobs
from knowledge.sentences import cited_numbers
from tests.assistant.factories import status_of
from tests.assistant.jobs.conftest import submit_case

SECTIONS = [
    "summary",
    "answers",
    "first_diagnosis",
    "images",
    "agreement",
    "alternatives",
    "questions",
    "limitations",
]


@pytest.mark.slow
class TestDraftJob:
    def test_case_to_pending_review(self, job_ctx: AppContext, patient: User, radiograph: Path) -> None:
        """Imaging, retrieval, composition and checks produce a complete, cited draft."""
        case_id, job_id = submit_case(job_ctx, patient, radiograph)
        assert execute_next(job_ctx, "test", job_id=job_id) == job_id
        assert status_of(job_ctx.db, case_id) is CaseStatus.PENDING_REVIEW
        with job_ctx.db.session() as s:
            draft = s.scalars(select(Draft).where(Draft.case_id == case_id)).one()
            texts = {t.key: t.text for t in section_texts(draft.content)}
            cited = {n for t in texts.values() for n in cited_numbers(t)}
            numbers = {p["number"] for p in draft.evidence["passages"]}
            events = jobs.events_for_job(s, job_id)
            stages = [e.stage for e in events if e.stage not in ("started", "stage_done")]
            leases = [e.message for e in events if e.stage == "started"]
            assert list(texts) == SECTIONS and all(texts.values())
            assert len(cited) >= 2 and cited <= numbers  # only sources relevant to each sentence
            assert draft.prompt_name and draft.prompt_version and len(draft.prompt_sha256) == 64
            assert "n_citations" in draft.checks["citations"]
            upload = draft.evidence["imaging"]["uploads"][0]
            assert "error" not in upload, upload
            assert upload["images"][0]["findings"]
            assert stages[-5:] == ["imaging", "retrieval", "drafting", "checking", "done"]
            # Each stage is leased on its own (as on Celery's queues), once here.
            assert leases == [f"{stage} attempt 1" for stage in jobs.PIPELINE]
            assert s.scalars(select(JobStageOutput).where(JobStageOutput.job_id == job_id)).all() == []

    def test_rerun_is_idempotent(self, job_ctx: AppContext, patient: User) -> None:
        """A job delivered twice produces exactly one draft."""
        case_id, job_id = submit_case(job_ctx, patient, None)
        execute_next(job_ctx, "test", job_id=job_id)
        with job_ctx.db.session() as s:
            job = s.get(Job, job_id)
            assert job is not None
            job.status = "queued"  # as if a broker redelivered it
        execute_next(job_ctx, "test", job_id=job_id)
        with job_ctx.db.session() as s:
            assert len(s.scalars(select(Draft).where(Draft.case_id == case_id)).all()) == 1


class TestRetries:
    def test_retries_exhaust_to_failed(self, job_ctx: AppContext, patient: User) -> None:
        """An unreachable LLM server fails each attempt; after max_attempts the job is failed, error kept."""
        job_ctx.settings.llm.mode = "openai_compatible"
        job_ctx.settings.llm.base_url = "http://127.0.0.1:9/v1"  # nothing listens on the discard port
        job_ctx.settings.llm.timeout_s = 2
        case_id, job_id = submit_case(job_ctx, patient, None)
        execute_next(job_ctx, "test", job_id=job_id)
        with job_ctx.db.session() as s:
            job = s.get(Job, job_id)
            assert job is not None and job.status == "queued" and job.attempts == 1
        execute_next(job_ctx, "test", job_id=job_id)
        with job_ctx.db.session() as s:
            job = s.get(Job, job_id)
            assert job is not None
            assert job.status == "failed" and job.attempts == 2
            assert "Connection" in job.last_error or "connect" in job.last_error.lower()
            stages = [e.stage for e in jobs.events_for_job(s, job_id)]
            assert "retrying" in stages and stages[-1] == "failed"
        assert status_of(job_ctx.db, case_id) is CaseStatus.DRAFT_FAILED

    def test_failed_draft_is_visible_and_retried(
        self, job_ctx: AppContext, patient: User, make_user: Callable[..., User]
    ) -> None:
        """A failed draft parks its case in draft_failed; an admin's retry drafts it to pending_review."""
        admin = make_user(job_ctx.db, Role.ADMIN)
        job_ctx.settings.llm.mode = "openai_compatible"
        job_ctx.settings.llm.base_url = "http://127.0.0.1:9/v1"
        job_ctx.settings.llm.timeout_s = 2
        case_id, job_id = submit_case(job_ctx, patient, None)
        execute_next(job_ctx, "test", job_id=job_id)
        execute_next(job_ctx, "test", job_id=job_id)
        with job_ctx.db.session() as s:
            rows = jobs.list_jobs(s, admin, ["failed"])
            assert [r.id for r in rows] == [job_id] and rows[0].last_error
            actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id))]
            assert "case.draft_failed" in actions
        job_ctx.settings.llm.mode = "mock"  # the LLM server is back
        with job_ctx.db.session() as s:
            jobs.retry_failed(s, admin, job_id)
        assert status_of(job_ctx.db, case_id) is CaseStatus.SUBMITTED
        restarted = AppContext(job_ctx.settings, db=job_ctx.db)  # a worker started after the outage
        assert execute_next(restarted, "test", job_id=job_id) == job_id
        assert status_of(job_ctx.db, case_id) is CaseStatus.PENDING_REVIEW
        with job_ctx.db.session() as s, pytest.raises(ValidationError, match="Only a failed job"):
            jobs.retry_failed(s, admin, job_id)
