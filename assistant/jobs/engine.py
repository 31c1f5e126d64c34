"""Execute leased jobs with heartbeats, retries and exactly-once completion.

The jobs table is the source of truth. A worker leases a job, renews the lease while it
works, and finishes it in the same transaction as the job's own final write (the
draft), so a worker killed at any moment leaves either no draft and an expiring lease
(the job is taken up again) or a draft and a finished job, never two drafts.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable

from sqlalchemy import or_, select

from assistant.context import AppContext
from assistant.db.base import utcnow
from assistant.db.models import Job
from assistant.errors import ConflictError
from assistant.jobs.draft_job import run_draft_job
from assistant.jobs.execution import JobExecution
from assistant.services import jobs

log = logging.getLogger(__name__)


def default_worker_id() -> str:
    """host:pid, unique enough to tell workers apart in the jobs table."""
    return f"{socket.gethostname()}:{os.getpid()}"


Handler = Callable[[JobExecution], None]


def _handlers() -> dict[str, Handler]:
    return {"draft": run_draft_job}


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


def execute_next(
    ctx: AppContext,
    worker_id: str,
    *,
    job_id: str | None = None,
    handlers: dict[str, Handler] | None = None,
) -> str | None:
    """Lease and run one job (the named one, or the next due); returns its id or None."""
    with ctx.db.session() as s:
        job = jobs.lease_next(
            s,
            worker_id,
            ctx.settings.jobs.lease_s,
            job_id=job_id,
            max_attempts=ctx.settings.jobs.max_attempts,
        )
        if job is None:
            return None
        execution = JobExecution(ctx, job.id, job.case_id, worker_id, job.attempts)
        kind = job.kind
    handler = (handlers or _handlers()).get(kind)
    log.info("job %s (%s) attempt %d started by %s", execution.job_id, kind, execution.attempt, worker_id)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind '{kind}'")
        with _Heartbeat(ctx, execution.job_id, worker_id):
            handler(execution)
        if not execution.finished:
            with ctx.db.session() as s:
                execution.finish(s)
    except ConflictError:
        log.warning("job %s was taken over by another worker", execution.job_id)
    except Exception as e:
        detail = f"{type(e).__name__}: {e}"
        log.error("job %s attempt %d failed: %s", execution.job_id, execution.attempt, detail)
        log.debug("%s", traceback.format_exc())
        with ctx.db.session() as s:
            jobs.fail_attempt(s, execution.job_id, detail, ctx.settings.jobs.backoff_s)
    return execution.job_id


class JobRunner:
    """Polls the jobs table and runs due jobs in a background thread (embedded default)."""

    def __init__(
        self, ctx: AppContext, worker_id: str | None = None, handlers: dict[str, Handler] | None = None
    ) -> None:
        self.ctx = ctx
        self.worker_id = worker_id or default_worker_id()
        self.handlers = handlers
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_until_idle(self, max_jobs: int = 1000) -> int:
        """Run due jobs until none is left; returns how many ran."""
        ran = 0
        while ran < max_jobs and execute_next(self.ctx, self.worker_id, handlers=self.handlers):
            ran += 1
        return ran

    def run_forever(self) -> None:
        """Poll until :meth:`stop` is called."""
        while not self._stop.is_set():
            try:
                if execute_next(self.ctx, self.worker_id, handlers=self.handlers) is None:
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


def runnable_job_ids(ctx: AppContext) -> list[str]:
    """Jobs that are due now or whose lease expired (for dispatching to Celery).

    Jobs whose lease expired after their last allowed attempt are failed here instead
    (their cases move to ``draft_failed``), so a job that kills its worker stops.
    """
    now = utcnow()
    with ctx.db.session() as s:
        jobs.fail_exhausted(s, grace_s=ctx.settings.jobs.lease_s)
        stmt = select(Job.id).where(
            or_(
                (Job.status == "queued") & (Job.run_after <= now),
                (Job.status == "running") & (Job.lease_expires_at < now) & (Job.attempts < Job.max_attempts),
            )
        )
        return list(s.scalars(stmt))
