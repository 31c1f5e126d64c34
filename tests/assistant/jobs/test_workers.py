"""Worker processes: kill -9 mid-job and restart, on the in-process engine and on Celery + Redis."""

from __future__ import annotations

import os
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
from tests.assistant.jobs.conftest import submit_case

REDIS_URL = os.environ.get("SECOND_OPINION_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


def _worker(ctx: AppContext, mode: str, *args: str) -> subprocess.Popen[bytes]:
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
        "SECOND_OPINION_JOBS__LEASE_S": "3",
        "SECOND_OPINION_JOBS__POLL_S": "0.3",
        "HF_HUB_OFFLINE": "1",
    }
    cmd = [sys.executable, "-m", "assistant.cli", "worker", *args]
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


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
            pytest.skip(f"Redis is not reachable at {REDIS_URL}")
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
        assert job.attempts == 2
        with job_ctx.db.session() as s:
            assert len(s.scalars(select(Draft).where(Draft.case_id == case_id)).all()) == 1
