"""Celery routing on a real Redis: each stage goes to its own queue, a retry carries its due time."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from assistant.chat.conversation import PatientChat
from assistant.cli.main import app as cli_app
from assistant.context import AppContext
from assistant.db.base import Database, utcnow
from assistant.db.models import Case, Job, User
from assistant.intake import IntakeRecord
from assistant.jobs.celery_app import _follow_up, configure, dispatch_runnable, task_name
from assistant.jobs.dispatch import dispatch_after_commit
from assistant.jobs.engine import StageOutcome
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import cases, jobs
from assistant.settings import Settings
from tests.assistant.chat.test_conversation import INTAKE
from tests.assistant.factories import CONSENT_VERSION, to_state
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


def _celery_ctx(tmp_path: Path, db: Database) -> AppContext:
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",
        llm={"mode": "mock"},
        jobs={"mode": "celery", "broker_url": REDIS_URL, "sweep_s": 3600},
    )
    return AppContext(settings, db=db)


class TestSubmitDispatches:
    """A submitted case's imaging stage is queued when the submit commits, not at a sweep."""

    def test_chat_submit_queues_the_imaging_stage(
        self, broker: Any, tmp_path: Path, db: Database, patient: User, shared_triage: Any
    ) -> None:
        """Confirming the summary in the chat puts the job on the imaging queue at once."""
        ctx = _celery_ctx(tmp_path, db)
        ctx.component("triage", lambda: shared_triage)
        chat = PatientChat(ctx, patient.id)
        chat.open()
        chat.consent(True)
        for answer in [*INTAKE, "done"]:
            chat.message(answer)
        assert all(broker.llen(q) == 0 for q in jobs.PIPELINE)
        chat.submit()
        with ctx.db.session() as s:
            job = s.scalars(select(Job)).one()
        sent = _messages(broker, "imaging")
        assert [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in sent] == [
            (task_name("imaging"), repr([job.id]))
        ]
        assert sent[0]["headers"]["eta"] is None
        assert all(broker.llen(q) == 0 for q in jobs.PIPELINE if q != "imaging")

    def test_sent_after_the_commit_and_never_after_a_rollback(
        self, broker: Any, tmp_path: Path, db: Database, patient: User
    ) -> None:
        """Nothing is on the queue while the transaction is open; a rolled-back submit sends nothing."""
        ctx = _celery_ctx(tmp_path, db)
        case_id, _ = submit_case(ctx, patient, None)  # consented, complete intake
        with ctx.db.session() as s:  # a fresh case for the same patient, submitted below
            case = cases.create_case(s, patient, "Pneumonia on chest X-ray")
            source = s.get(Case, case_id)
            assert source is not None
            cases.update_intake(s, patient, case.id, IntakeRecord.model_validate(source.intake))
            fresh_id = case.id

        class Abort(Exception):
            pass

        with pytest.raises(Abort), ctx.db.session() as s:
            dispatch_after_commit(ctx, s, cases.submit_case(s, patient, fresh_id, CONSENT_VERSION))
            raise Abort
        assert broker.llen("imaging") == 0

        with ctx.db.session() as s:
            job = cases.submit_case(s, patient, fresh_id, CONSENT_VERSION)
            dispatch_after_commit(ctx, s, job)
            assert broker.llen("imaging") == 0  # not before the commit
            job_id = job.id
        assert [m["headers"]["argsrepr"] for m in _messages(broker, "imaging")] == [repr([job_id])]

    def test_admin_retry_queues_the_failed_stage(
        self, broker: Any, tmp_path: Path, sqlite_db: Database, make_user: Callable[..., User]
    ) -> None:
        """`jobs retry` sends the retried job to the queue of the stage it failed at, once committed."""
        make_user(sqlite_db, Role.ADMIN, "alex")
        case_id = to_state(sqlite_db, make_user(sqlite_db, Role.PATIENT), CaseStatus.DRAFT_FAILED)
        with sqlite_db.session() as s:
            job = jobs.jobs_for_case(s, case_id)[0]
            job_id, stage = job.id, job.stage
        settings = Settings(
            environment="test",
            data_dir=tmp_path / "cli",
            database={"url": sqlite_db.engine.url.render_as_string(hide_password=False)},
            jobs={"mode": "celery", "broker_url": REDIS_URL},
        )
        done = CliRunner().invoke(cli_app, ["jobs", "retry", job_id, "--as", "alex"], obj=settings)
        assert done.exit_code == 0, done.output
        assert [m["headers"]["argsrepr"] for m in _messages(broker, stage)] == [repr([job_id])]
