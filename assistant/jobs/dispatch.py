"""Hand a freshly queued job to whichever engine the settings choose."""

from __future__ import annotations

import logging

from assistant.context import AppContext

log = logging.getLogger(__name__)


def dispatch(ctx: AppContext, job_id: str) -> None:
    """Call after the transaction that queued the job has committed."""
    match ctx.settings.jobs.mode:
        case "in_process":
            return  # the in-process runner polls the jobs table
        case "celery":
            from assistant.jobs.celery_app import configure, run_job

            configure(ctx.settings)
            try:
                run_job.delay(job_id)
            except Exception:
                # The job row is durable; a worker's sweep will find it.
                log.warning("could not reach the broker; job %s waits for the next sweep", job_id)
