"""Worker processes: kill -9 mid-job and restart, on the in-process engine and on Celery + Redis."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.context import AppContext
from assistant.db.models import Draft, Job, JobEvent, User
from assistant.jobs.dispatch import dispatch
from assistant.lifecycle import CaseStatus
from tests.assistant.factories import status_of
from tests.assistant.jobs.conftest import submit_case
from tests.conftest import service_missing

REDIS_URL = os.environ.get("SECOND_OPINION_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


LEASE_S, SWEEP_S = 3.0, 1.0


def _worker(
    ctx: AppContext, mode: str, *args: str, module: str = "assistant.cli", log: Path | None = None
) -> subprocess.Popen[bytes]:
    s = ctx.settings
    env = {
        **os.environ,
        "SECOND_OPINION_ENVIRONMENT": "test",
        "SECOND_OPINION_DATA_DIR": str(s.data_dir),
        "SECOND_OPINION_DATABASE__URL": ctx.db.engine.url.render_as_string(hide_password=False),
        "SECOND_OPINION_LLM__MODE": "mock",
        "SECOND_OPINION_KNOWLEDGE__CHROMA_PATH": str(s.chroma_path),
        "SECOND_OPINION_JOBS__MODE": mode,
        "SECOND_OPINION_JOBS__BROKER_URL": REDIS_URL,
        "SECOND_OPINION_JOBS__LEASE_S": str(LEASE_S),
        "SECOND_OPINION_JOBS__SWEEP_S": str(SWEEP_S),
        "SECOND_OPINION_JOBS__POLL_S": "0.3",
        "SECOND_OPINION_JOBS__MAX_ATTEMPTS": str(s.jobs.max_attempts),
        "HF_HUB_OFFLINE": "1",
    }
    if log is None:
        cmd = [sys.executable, "-m", module, "worker", *args]
        return subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
    cmd = [sys.executable, "-m", module, "-v", "worker", *args]  # -v: Celery logs its 'ready'
    with log.open("wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _holder_pid(ctx: AppContext, job_id: str) -> int | None:
    """The process holding the job's lease (worker ids are ``[name@]host:pid[/n]#lease``)."""
    job = _job(ctx, job_id)
    if job.status != "running" or not job.worker_id:
        return None
    found = re.search(r":(\d+)", job.worker_id.split("#")[0])
    return int(found.group(1)) if found else None


def _wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stages(ctx: AppContext, job_id: str) -> list[str]:
    with ctx.db.session() as s:
        return list(s.scalars(select(JobEvent.stage).where(JobEvent.job_id == job_id).order_by(JobEvent.id)))


def _events(ctx: AppContext, job_id: str) -> list[JobEvent]:
    with ctx.db.session() as s:
        return list(s.scalars(select(JobEvent).where(JobEvent.job_id == job_id).order_by(JobEvent.id)))


def _job(ctx: AppContext, job_id: str) -> Job:
    with ctx.db.session() as s:
        job = s.get(Job, job_id)
        assert job is not None
        return job


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["in_process", "celery"])
class TestWorkerCrash:
    def test_kill9_mid_job_then_restart(
        self, job_ctx: AppContext, patient: User, radiograph: Path, mode: str
    ) -> None:
        """A worker killed mid-job leaves no draft; after restart the job finishes with exactly one draft."""
        if mode == "celery" and not _redis_available():
            service_missing("redis", f"Redis is not reachable at {REDIS_URL}")
        if mode == "celery":
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
        job_ctx.settings.jobs.mode = mode  # type: ignore[assignment]
        job_ctx.settings.jobs.broker_url = REDIS_URL
        case_id, job_id = submit_case(job_ctx, patient, radiograph)
        first = _worker(job_ctx, mode)
        try:
            dispatch(job_ctx, job_id)
            _wait_for(lambda: "imaging" in _stages(job_ctx, job_id), 120, "the job to start")
        finally:
            _kill(first)
        assert _job(job_ctx, job_id).status == "running"
        second = _worker(job_ctx, mode)
        try:
            _wait_for(lambda: _job(job_ctx, job_id).status in ("done", "failed"), 180, "the job to finish")
        finally:
            _kill(second)
        job = _job(job_ctx, job_id)
        assert job.status == "done", job.last_error
        # Attempts count per stage: the killed imaging stage ran twice, each later stage once.
        leases = [e.message for e in _events(job_ctx, job_id) if e.stage == "started"]
        assert leases == ["imaging attempt 1", "imaging attempt 2", "retrieval attempt 1",
                          "drafting attempt 1", "checks attempt 1"]  # fmt: skip
        with job_ctx.db.session() as s:
            assert len(s.scalars(select(Draft).where(Draft.case_id == case_id)).all()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["in_process", "celery"])
class TestPoisonJob:
    def test_job_that_kills_every_worker_stops(self, job_ctx: AppContext, patient: User, mode: str) -> None:
        """A job whose handler kills its worker each time fails after max_attempts; its case is visible."""
        if mode == "celery" and not _redis_available():
            service_missing("redis", f"Redis is not reachable at {REDIS_URL}")
        if mode == "celery":
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
        job_ctx.settings.jobs.mode = mode  # type: ignore[assignment]
        job_ctx.settings.jobs.broker_url = REDIS_URL
        case_id, job_id = submit_case(job_ctx, patient, None)
        starts = 0
        # Without a limit on expired leases this loop would run until `starts` hits its cap.
        while _job(job_ctx, job_id).status != "failed" and starts < job_ctx.settings.jobs.max_attempts + 3:
            proc = _worker(job_ctx, mode, module="tests.assistant.jobs.poison_worker")
            starts += 1
            if mode == "celery" and starts == 1:
                dispatch(job_ctx, job_id)
            try:
                _wait_for(
                    lambda p=proc: p.poll() is not None or _job(job_ctx, job_id).status == "failed",
                    90,
                    "the worker to die or the job to fail",
                )
            finally:
                if proc.poll() is None:
                    _kill(proc)
        job = _job(job_ctx, job_id)
        assert job.status == "failed", f"still {job.status} after {starts} worker starts"
        assert job.attempts == job_ctx.settings.jobs.max_attempts
        assert "stopped" in job.last_error
        assert status_of(job_ctx.db, case_id) is CaseStatus.DRAFT_FAILED


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["in_process", "celery"])
class TestStageResume:
    def test_killed_workers_stage_resumed_by_another(
        self, job_ctx: AppContext, patient: User, radiograph: Path, tmp_path: Path, mode: str
    ) -> None:
        """Two workers; the one holding a stage is killed -9; the other resumes it within lease + sweep."""
        if mode == "celery" and not _redis_available():
            service_missing("redis", f"Redis is not reachable at {REDIS_URL}")
        if mode == "celery":
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
        job_ctx.settings.jobs.mode = mode  # type: ignore[assignment]
        job_ctx.settings.jobs.broker_url = REDIS_URL
        logs = [tmp_path / "a.log", tmp_path / "b.log"]
        workers = [
            _worker(job_ctx, mode, "--name", name, log=log) for name, log in zip("ab", logs, strict=True)
        ]
        try:
            for log in logs:
                _wait_for(
                    lambda log=log: "ready" in log.read_text(errors="replace"), 120, f"{log.name} ready"
                )
            case_id, job_id = submit_case(job_ctx, patient, radiograph)
            dispatch(job_ctx, job_id)
            _wait_for(lambda: "imaging" in _stages(job_ctx, job_id), 120, "the imaging stage to start")
            holder = _holder_pid(job_ctx, job_id)
            victim = next(w for w in workers if w.pid == holder)
            killed_at = time.monotonic()
            _kill(victim)
            _wait_for(
                lambda: any(e.message == "imaging attempt 2" for e in _events(job_ctx, job_id)),
                60,
                "another worker to take the stage",
            )
            resumed_after = time.monotonic() - killed_at
            resumer = _holder_pid(job_ctx, job_id)
            _wait_for(lambda: _job(job_ctx, job_id).status in ("done", "failed"), 180, "the job to finish")
        finally:
            for w in workers:
                if w.poll() is None:
                    _kill(w)
        # The lease runs out at most LEASE_S after the victim's last heartbeat; the survivor's
        # next sweep (Celery) or poll (in-process) then takes it. A few seconds for a busy host.
        assert resumed_after <= LEASE_S + SWEEP_S + 6, resumed_after
        assert resumer is None or resumer != holder
        job = _job(job_ctx, job_id)
        assert job.status == "done", job.last_error
        assert status_of(job_ctx.db, case_id) is CaseStatus.PENDING_REVIEW
        with job_ctx.db.session() as s:
            assert len(s.scalars(select(Draft).where(Draft.case_id == case_id)).all()) == 1
