"""Celery routing on a real Redis: each stage goes to its own queue, a retry carries its due time."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.context import AppContext
from assistant.db.base import Database, utcnow
from assistant.db.models import Job, User
from assistant.jobs.celery_app import _follow_up, configure, dispatch_runnable, task_name
from assistant.jobs.engine import StageOutcome
from assistant.services import jobs
from assistant.settings import Settings
from tests.assistant.jobs.conftest import submit_case
from tests.assistant.jobs.test_workers import REDIS_URL, _redis_available
from tests.conftest import service_missing


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Any]:
    """An emptied Redis database as the Celery broker; yields the Redis client."""
    if not _redis_available():
        service_missing("redis", f"Redis is not reachable at {REDIS_URL}")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    configure(
        Settings(environment="test", data_dir=tmp_path, jobs={"mode": "celery", "broker_url": REDIS_URL})
    )  # type: ignore[arg-type]
    yield client
    client.flushdb()


def _messages(client: Any, queue: str) -> list[dict[str, Any]]:
    return [json.loads(raw) for raw in client.lrange(queue, 0, -1)]


class TestRouting:
    def test_next_stage_goes_to_its_queue(self, broker: Any) -> None:
        """A finished stage sends the next one to the queue named after it, at once."""
        _follow_up(StageOutcome("job-1", "imaging", "advanced", next_stage="retrieval"))
        sent = _messages(broker, "retrieval")
        assert [m["headers"]["task"] for m in sent] == [task_name("retrieval")]
        assert sent[0]["headers"]["eta"] is None
        assert all(broker.llen(q) == 0 for q in jobs.PIPELINE if q != "retrieval")

    def test_retry_is_sent_for_its_due_time(self, broker: Any) -> None:
        """A failed stage is re-sent to its own queue with the ETA its retry message states."""
        due = utcnow() + dt.timedelta(seconds=8)
        _follow_up(StageOutcome("job-1", "drafting", "retrying", run_after=due))
        (sent,) = _messages(broker, "drafting")
        eta = dt.datetime.fromisoformat(sent["headers"]["eta"])
        assert abs((eta - due).total_seconds()) < 1.0

    @pytest.mark.parametrize("result", ["done", "failed", "taken_over"])
    def test_nothing_follows_an_ending(self, broker: Any, result: str) -> None:
        """A done, failed or taken-over stage sends nothing."""
        _follow_up(StageOutcome("job-1", "checks", result))  # type: ignore[arg-type]
        assert all(broker.llen(q) == 0 for q in jobs.PIPELINE)


def test_sweep_sends_each_job_to_its_stage_queue(
    broker: Any, tmp_path: Path, db: Database, patient: User
) -> None:
    """The sweep re-sends a due job to the queue of the stage it is at."""
    ctx = AppContext(Settings(environment="test", data_dir=tmp_path / "data"), db=db)
    _, job_id = submit_case(ctx, patient, None)
    with ctx.db.session() as s:
        job = s.get(Job, job_id)
        assert job is not None
        job.stage = "drafting"
    assert dispatch_runnable(ctx) == 1
    assert [m["headers"]["argsrepr"] for m in _messages(broker, "drafting")] == [repr([job_id])]
