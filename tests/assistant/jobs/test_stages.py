"""The pipeline's stages: leased one by one, outputs stored between them, retries at the stated time."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import AuditEvent, Job, JobStageOutput, User
from assistant.jobs.draft_job import draft_stages
from assistant.jobs.engine import JobRunner, Pipelines, execute_next, execute_stage, failure_text
from assistant.jobs.execution import JobExecution
from assistant.lifecycle import CaseStatus
from assistant.services import jobs
from assistant.settings import Settings
from tests.assistant.factories import status_of
from tests.assistant.jobs.conftest import submit_case


@pytest.fixture
def ctx(tmp_path: Path, db: Database) -> AppContext:
    """A context whose stages are the cheap ones each test passes in (no models loaded)."""
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",
        llm={"mode": "mock"},  # type: ignore[arg-type]
        jobs={"lease_s": 30, "backoff_s": 0.0, "max_attempts": 2, "poll_s": 0.1},  # type: ignore[arg-type]
    )
    return AppContext(settings, db=db)


class Recorder:
    """Stage handlers that record which ran and hand each output to the next."""

    def __init__(self, fail: dict[str, int] | None = None) -> None:
        self.ran: list[str] = []
        self.fail = dict(fail or {})

    def handler(self, stage: str) -> Any:
        def run(ex: JobExecution) -> dict[str, Any] | None:
            self.ran.append(stage)
            if self.fail.get(stage, 0) > 0:
                self.fail[stage] -= 1
                raise RuntimeError(f"{stage} broke")
            if stage == "checks":
                with ex.ctx.db.session() as s:
                    ex.finish(s)
                return None
            return {"from": stage}

        return run

    def pipelines(self) -> Pipelines:
        return {"draft": {stage: self.handler(stage) for stage in jobs.PIPELINE}}


def _job(ctx: AppContext, job_id: str) -> Job:
    with ctx.db.session() as s:
        job = s.get(Job, job_id)
        assert job is not None
        return job


class TestStages:
    def test_stages_run_in_order_with_outputs_between(self, ctx: AppContext, patient: User) -> None:
        """Each stage is leased on its own and stores its output before the next is queued."""
        rec = Recorder()
        _, job_id = submit_case(ctx, patient, None)
        first = execute_stage(ctx, "w", job_id=job_id, pipelines=rec.pipelines())
        assert first is not None and (first.result, first.next_stage) == ("advanced", "retrieval")
        job = _job(ctx, job_id)
        assert (job.status, job.stage, job.attempts) == ("queued", "retrieval", 0)
        with ctx.db.session() as s:
            assert jobs.stage_output(s, job_id, "imaging") == {"from": "imaging"}
        assert execute_next(ctx, "w", job_id=job_id, pipelines=rec.pipelines()) == job_id
        assert rec.ran == list(jobs.PIPELINE)
        assert _job(ctx, job_id).status == "done"

    def test_worker_runs_only_its_queues(self, ctx: AppContext, patient: User) -> None:
        """A drafting-only worker leaves imaging alone; once imaging is stored it takes drafting."""
        rec = Recorder()
        _, job_id = submit_case(ctx, patient, None)
        llm_worker = JobRunner(ctx, "llm", pipelines=rec.pipelines(), stages=["drafting"])
        assert llm_worker.run_until_idle() == 0 and rec.ran == []
        JobRunner(ctx, "gpu", pipelines=rec.pipelines(), stages=["imaging", "retrieval"]).run_until_idle()
        assert rec.ran == ["imaging", "retrieval"]
        assert llm_worker.run_until_idle() == 1
        assert rec.ran == ["imaging", "retrieval", "drafting"] and _job(ctx, job_id).stage == "checks"

    def test_stored_stage_is_skipped(self, ctx: AppContext, patient: User) -> None:
        """A stage whose output is already stored is not run again (idempotent on redelivery)."""
        rec = Recorder(fail={"imaging": 99})  # would fail every attempt if it ran
        _, job_id = submit_case(ctx, patient, None)
        with ctx.db.session() as s:
            s.add(JobStageOutput(job_id=job_id, stage="imaging", output={"from": "earlier"}))
        execute_next(ctx, "w", job_id=job_id, pipelines=rec.pipelines())
        assert "imaging" not in rec.ran and _job(ctx, job_id).status == "done"

    def test_failed_stage_retries_alone(self, ctx: AppContext, patient: User) -> None:
        """A stage that fails is retried by itself: the stages before it are not run again."""
        rec = Recorder(fail={"drafting": 1})
        _, job_id = submit_case(ctx, patient, None)
        execute_next(ctx, "w", job_id=job_id, pipelines=rec.pipelines())
        job = _job(ctx, job_id)
        assert (job.status, job.stage, job.attempts) == ("queued", "drafting", 1)
        execute_next(ctx, "w", job_id=job_id, pipelines=rec.pipelines())
        assert rec.ran == ["imaging", "retrieval", "drafting", "drafting", "checks"]
        assert _job(ctx, job_id).status == "done"

    def test_attempts_exhaust_per_stage(self, ctx: AppContext, patient: User) -> None:
        """A stage failing max_attempts times fails the job and parks the case in draft_failed."""
        rec = Recorder(fail={"retrieval": 99})
        case_id, job_id = submit_case(ctx, patient, None)
        execute_next(ctx, "w", job_id=job_id, pipelines=rec.pipelines())
        execute_next(ctx, "w", job_id=job_id, pipelines=rec.pipelines())
        job = _job(ctx, job_id)
        assert (job.status, job.stage, job.attempts) == ("failed", "retrieval", 2)
        assert job.last_error == "RuntimeError: retrieval broke"  # the application's own error, as raised
        assert status_of(ctx.db, case_id) is CaseStatus.DRAFT_FAILED
        assert rec.ran.count("imaging") == 1

    def test_draft_stages_cover_the_pipeline(self) -> None:
        """Every stage of the pipeline has a handler, and nothing else does."""
        assert list(draft_stages()) == list(jobs.PIPELINE)


class TestRetryTime:
    def test_retry_happens_when_its_message_says(self, ctx: AppContext, patient: User) -> None:
        """The retry event, the audit event and the next lease agree on the next attempt's time."""
        ctx.settings.jobs.backoff_s = 2.0
        rec = Recorder(fail={"imaging": 1})
        case_id, job_id = submit_case(ctx, patient, None)
        execute_next(ctx, "w", job_id=job_id, pipelines=rec.pipelines())
        with ctx.db.session() as s:
            message = [e.message for e in jobs.events_for_job(s, job_id) if e.stage == "retrying"][-1]
            audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "job.retry_scheduled")).one()
        found = re.search(r"next attempt at (\d\d:\d\d:\d\d) UTC \(in (\d+) s\)", message)
        assert found, message
        assert found.group(2) == "2"
        run_after = _job(ctx, job_id).run_after
        assert found.group(1) == f"{run_after:%H:%M:%S}"
        assert audit.case_id == case_id and audit.details["next_attempt_at"].startswith(
            run_after.isoformat(timespec="seconds")[:19]
        )
        runner = JobRunner(ctx, "w", pipelines=rec.pipelines())
        runner.start()
        try:
            deadline = time.monotonic() + 15
            while _job(ctx, job_id).stage == "imaging" and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            runner.stop()
        with ctx.db.session() as s:
            second = next(e for e in jobs.events_for_job(s, job_id) if e.message == "imaging attempt 2")
        late = (second.created_at - run_after).total_seconds()
        # Never early; late by at most the runner's poll interval plus scheduling on a busy host.
        assert 0 <= late <= ctx.settings.jobs.poll_s + 1.0, late


class TestLastError:
    """A failed stage's ``last_error`` tells the administrator which dependency to fix."""

    def test_unreachable_dependency_is_named_with_its_setting(self, ctx: AppContext, patient: User) -> None:
        """A stage that cannot reach Redis records the broker, its address without password, and the fix."""
        import redis

        ctx.settings.jobs.broker_url = "redis://:s3cret@127.0.0.1:1/0"

        def imaging(ex: JobExecution) -> dict[str, Any]:
            redis.Redis.from_url(ctx.settings.jobs.broker_url, socket_connect_timeout=2).ping()
            return {}

        _, job_id = submit_case(ctx, patient, None)
        execute_stage(ctx, "w", job_id=job_id, pipelines={"draft": {"imaging": imaging}})
        error = _job(ctx, job_id).last_error
        assert error.startswith("broker (redis://***@127.0.0.1:1/0): ConnectionRefusedError"), error
        assert "Setting: SECOND_OPINION_JOBS__BROKER_URL." in error and "Fix: " in error
        assert "s3cret" not in error

    @pytest.mark.parametrize(
        ("error", "expected"),
        [
            (sa_exc.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")), "IntegrityError: "),
            (sa_exc.OperationalError("SELECT 1", {}, Exception("connection refused")), "database ("),
            (ValueError("no radiograph"), "ValueError: no radiograph"),
        ],
    )
    def test_only_infrastructure_errors_are_explained(
        self, ctx: AppContext, error: Exception, expected: str
    ) -> None:
        """A constraint or the app's own error keeps its type; an unreachable database is explained."""
        assert failure_text(error, ctx).startswith(expected)
