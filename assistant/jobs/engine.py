"""Execute leased job stages with heartbeats, retries and exactly-once completion.

The jobs table is the source of truth. A worker leases a job at its current stage,
renews the lease while it works (a heartbeat every third of ``jobs.lease_s``), and
either stores the stage's output and queues the next stage, or, at the last stage,
writes the draft and completes the job, each in one transaction with the lease check.
A worker killed at any moment therefore leaves the stage's lease to expire (another
worker takes the stage up again) or the stage done, never a stage done twice or two
drafts. The in-process runner runs the stages one after another; Celery workers run
each stage from its own queue (:mod:`assistant.jobs.celery_app`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import traceback
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import exc as sa_exc
from sqlalchemy import or_, select

from assistant import operator_help
from assistant.context import AppContext
from assistant.db.base import utcnow
from assistant.db.models import Job
from assistant.errors import ConflictError
from assistant.jobs.draft_job import StageHandler, draft_stages
from assistant.jobs.execution import JobExecution
from assistant.lifecycle import CaseStatus
from assistant.services import jobs
from assistant.services.common import load_case

log = logging.getLogger(__name__)

#: Job kind -> its stage handlers by stage name.
Pipelines = dict[str, dict[str, StageHandler]]


def default_worker_id(name: str | None = None) -> str:
    """``[name@]host:pid``: tells workers apart in the jobs table and the logs."""
    base = f"{socket.gethostname()}:{os.getpid()}"
    return f"{name}@{base}" if name else base


#: SQLAlchemy errors that mean the database cannot be reached or used, not a faulty statement.
_UNREACHABLE_DATABASE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)


def failure_text(error: BaseException, ctx: AppContext) -> str:
    """What a failed stage records as the job's ``last_error`` (shown to administrators).

    An infrastructure error (database, broker, vector store, LLM, storage) becomes the
    operator paragraph naming the component, where it was looked for, its setting and the
    fix, as the command line prints it; the application's own errors keep their type. So
    does a database error that is not about reaching the database (a constraint, a bad
    statement): telling the operator to check the URL would send them the wrong way.
    """
    plain = f"{type(error).__name__}: {error}"
    if isinstance(error, sa_exc.SQLAlchemyError) and not isinstance(error, _UNREACHABLE_DATABASE):
        return plain
    return operator_help.explain(error, ctx.settings) or plain


def _pipelines() -> Pipelines:
    return {"draft": draft_stages()}


@dataclass(frozen=True)
class StageOutcome:
    """What became of one leased stage."""

    job_id: str
    stage: str
    result: Literal["advanced", "done", "retrying", "failed", "taken_over"]
    next_stage: str | None = None
    run_after: dt.datetime | None = None


class _Heartbeat:
    """Renews a lease in the background while a handler works between progress steps."""

    def __init__(self, ctx: AppContext, job_id: str, worker_id: str) -> None:
        self._ctx, self._job_id, self._worker_id = ctx, job_id, worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{job_id[:8]}", daemon=True)

    def _run(self) -> None:
        interval = max(self._ctx.settings.jobs.lease_s / 3, 0.5)
        while not self._stop.wait(interval):
            try:
                with self._ctx.db.session() as s:
                    if not jobs.renew_lease(
                        s, self._job_id, self._worker_id, self._ctx.settings.jobs.lease_s
                    ):
                        return
            except Exception:  # a missed heartbeat only shortens the lease
                log.warning("lease renewal failed for job %s", self._job_id, exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _advance(ctx: AppContext, execution: JobExecution, output: dict[str, object]) -> str:
    """Store the stage's output and queue the next stage, if we still hold the lease."""
    with ctx.db.session() as s:
        if not jobs.renew_lease(s, execution.job_id, execution.worker_id, ctx.settings.jobs.lease_s):
            raise ConflictError("This job was taken over by another worker; not storing its stage twice.")
        job = s.get(Job, execution.job_id)
        assert job is not None  # the lease was just renewed on it
        return jobs.advance_stage(s, job, dict(output))


def _run_leased(
    ctx: AppContext, execution: JobExecution, handler: StageHandler | None, stored: dict[str, object] | None
) -> StageOutcome:
    """Run (or skip) the leased stage and record what came of it."""
    last = execution.stage == jobs.PIPELINE[-1]
    with ctx.db.session() as s:
        drafting = load_case(s, execution.case_id).status is CaseStatus.DRAFTING
    with _Heartbeat(ctx, execution.job_id, execution.worker_id):
        if not drafting:
            log.info("case of job %s is no longer drafting; nothing to do", execution.job_id)
            output = None
        elif stored is not None and not last:
            log.info("job %s: %s output already stored; stage skipped", execution.job_id, execution.stage)
            output = stored
        else:
            if handler is None:
                raise LookupError(f"no handler for stage '{execution.stage}'")
            output = handler(execution)
        if execution.finished or last or not drafting:
            if not execution.finished:
                with ctx.db.session() as s:
                    execution.finish(s)
            return StageOutcome(execution.job_id, execution.stage, "done")
        if output is None:
            raise RuntimeError(f"stage '{execution.stage}' returned no output")
        following = _advance(ctx, execution, output)
    return StageOutcome(execution.job_id, execution.stage, "advanced", next_stage=following)


def execute_stage(
    ctx: AppContext,
    worker_id: str,
    *,
    job_id: str | None = None,
    stages: Collection[str] | None = None,
    pipelines: Pipelines | None = None,
) -> StageOutcome | None:
    """Lease one due stage (of the named job, or the next due job) and run it.

    ``stages`` limits which stages this worker takes (its queues). Returns None when
    nothing was due, else what became of the stage.
    """
    lease_holder = f"{worker_id}#{secrets.token_hex(3)}"  # unique per lease, even between threads
    with ctx.db.session() as s:
        job = jobs.lease_next(
            s,
            lease_holder,
            ctx.settings.jobs.lease_s,
            job_id=job_id,
            max_attempts=ctx.settings.jobs.max_attempts,
            stages=list(stages) if stages is not None else None,
        )
        if job is None:
            return None
        execution = JobExecution(ctx, job.id, job.case_id, lease_holder, job.attempts, job.stage)
        kind = job.kind
        stored = jobs.stage_output(s, job.id, job.stage)
    handler = (pipelines or _pipelines()).get(kind, {}).get(execution.stage)
    log.info(
        "job %s stage %s attempt %d started by %s",
        execution.job_id,
        execution.stage,
        execution.attempt,
        lease_holder,
    )
    try:
        return _run_leased(ctx, execution, handler, stored)
    except ConflictError:
        log.warning("job %s stage %s was taken over by another worker", execution.job_id, execution.stage)
        return StageOutcome(execution.job_id, execution.stage, "taken_over")
    except Exception as e:
        detail = failure_text(e, ctx)
        log.debug("%s", traceback.format_exc())
        with ctx.db.session() as s:
            job = jobs.fail_attempt(s, execution.job_id, detail, ctx.settings.jobs.backoff_s)
            if job.status == "failed":
                log.error(
                    "job %s stage %s attempt %d failed for good: %s",
                    job.id,
                    job.stage,
                    job.attempts,
                    detail,
                )
                return StageOutcome(job.id, job.stage, "failed")
            log.error("job %s: %s: %s", job.id, jobs.retry_message(job), detail)
            return StageOutcome(job.id, job.stage, "retrying", run_after=job.run_after)


def execute_next(
    ctx: AppContext,
    worker_id: str,
    *,
    job_id: str | None = None,
    stages: Collection[str] | None = None,
    pipelines: Pipelines | None = None,
) -> str | None:
    """Lease a due job (or the named one) and run its stages in order while they are due.

    Each stage is leased, run and stored on its own, exactly as on Celery; this worker
    simply takes the next stage itself (if ``stages`` allows it). Returns the job's id,
    or None when nothing was due.
    """
    outcome = execute_stage(ctx, worker_id, job_id=job_id, stages=stages, pipelines=pipelines)
    if outcome is None:
        return None
    ran = outcome.job_id
    while outcome is not None and outcome.result == "advanced":
        if stages is not None and outcome.next_stage not in stages:
            break
        # None here: another worker leased the next stage first, which is fine.
        outcome = execute_stage(ctx, worker_id, job_id=ran, stages=stages, pipelines=pipelines)
    return ran


class JobRunner:
    """Polls the jobs table and runs due stages in a background thread (embedded default)."""

    def __init__(
        self,
        ctx: AppContext,
        worker_id: str | None = None,
        pipelines: Pipelines | None = None,
        stages: Collection[str] | None = None,
    ) -> None:
        self.ctx = ctx
        self.worker_id = worker_id or default_worker_id()
        self.pipelines = pipelines
        self.stages = stages
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _next(self) -> str | None:
        return execute_next(self.ctx, self.worker_id, stages=self.stages, pipelines=self.pipelines)

    def run_until_idle(self, max_jobs: int = 1000) -> int:
        """Run due jobs until none is left; returns how many ran."""
        ran = 0
        while ran < max_jobs and self._next():
            ran += 1
        return ran

    def run_forever(self) -> None:
        """Poll until :meth:`stop` is called."""
        while not self._stop.is_set():
            try:
                if self._next() is None:
                    self._stop.wait(self.ctx.settings.jobs.poll_s)
            except Exception:
                log.exception("job runner loop error; continuing")
                self._stop.wait(self.ctx.settings.jobs.poll_s)

    def start(self) -> None:
        """Run in a daemon thread."""
        self._thread = threading.Thread(target=self.run_forever, name="job-runner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Ask the loop to stop and wait for the current job."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)


def runnable_jobs(ctx: AppContext) -> list[tuple[str, str]]:
    """(job id, stage) of jobs that are due now or whose lease expired (for Celery's queues).

    Jobs whose lease expired after their last allowed attempt are failed here instead
    (their cases move to ``draft_failed``), so a job that kills its worker stops.
    """
    now = utcnow()
    with ctx.db.session() as s:
        jobs.fail_exhausted(s, grace_s=ctx.settings.jobs.lease_s)
        stmt = select(Job.id, Job.stage).where(
            or_(
                (Job.status == "queued") & (Job.run_after <= now),
                (Job.status == "running") & (Job.lease_expires_at < now) & (Job.attempts < Job.max_attempts),
            )
        )
        return [(row.id, row.stage) for row in s.execute(stmt)]
