"""Hand a freshly queued job to whichever engine the settings choose."""

from __future__ import annotations

import logging

from assistant.context import AppContext
from assistant.db.models import Job
from assistant.services.jobs import PIPELINE

log = logging.getLogger(__name__)


def dispatch(ctx: AppContext, job_id: str) -> None:
    """Call after the transaction that queued the job has committed: sends its current stage."""
    match ctx.settings.jobs.mode:
        case "in_process":
            return  # the in-process runner polls the jobs table
        case "celery":
            from assistant.jobs.celery_app import configure, send_stage

            with ctx.db.session() as s:
                job = s.get(Job, job_id)
                stage = job.stage if job is not None else PIPELINE[0]
            configure(ctx.settings)
            try:
                send_stage(job_id, stage)
            except Exception:
                # The job row is durable; a worker's sweep will find it.
                log.warning("could not reach the broker; job %s waits for the next sweep", job_id)
