"""Hand a freshly queued job to whichever engine the settings choose.

A stage's message must leave only after the transaction that queued the job has committed:
sent earlier, a Celery worker can take it before the row is visible (and find nothing), or
after a rollback that removes the job. Callers that queue a job inside a transaction use
:func:`dispatch_after_commit`; without it a Celery job waits for a worker's sweep
(``jobs.sweep_s``).
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from assistant.context import AppContext
from assistant.db.models import Job
from assistant.services.jobs import PIPELINE

log = logging.getLogger(__name__)


def _send(ctx: AppContext, job_id: str, stage: str) -> None:
    """Put ``stage`` of the job on its engine's queue; never raises (the job row is durable)."""
    match ctx.settings.jobs.mode:
        case "in_process":
            return  # the in-process runner polls the jobs table every jobs.poll_s
        case "celery":
            try:
                from assistant.jobs.celery_app import configure, send_stage

                configure(ctx.settings)
                send_stage(job_id, stage)
            except Exception:
                # The job row is durable; a worker's sweep will find it.
                log.warning("could not reach the broker; job %s waits for the next sweep", job_id)


def dispatch(ctx: AppContext, job_id: str) -> None:
    """Call after the transaction that queued the job has committed: sends its current stage."""
    if ctx.settings.jobs.mode == "in_process":
        return
    with ctx.db.session() as s:
        job = s.get(Job, job_id)
        stage = job.stage if job is not None else PIPELINE[0]
    _send(ctx, job_id, stage)


def dispatch_after_commit(ctx: AppContext, session: Session, job: Job) -> None:
    """Send ``job``'s current stage once ``session`` commits; nothing if it rolls back.

    The stage is read now, from the row this transaction wrote, so the hook needs no
    second session while the first one is finishing its commit.
    """
    job_id, stage = job.id, job.stage or PIPELINE[0]

    def send(_session: Session) -> None:
        _send(ctx, job_id, stage)

    event.listen(session, "after_commit", send, once=True)
