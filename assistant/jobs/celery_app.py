"""The distributed engine: Celery workers (Redis or RabbitMQ broker) running the same jobs.

Celery only carries job ids; leases, retries and results stay in the jobs table, so a
lost message or a killed worker costs time, never a case. Each worker also sweeps the
table on start and periodically, re-dispatching due jobs and jobs whose lease expired.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

from assistant.context import AppContext
from assistant.jobs.engine import default_worker_id, execute_next, runnable_job_ids
from assistant.settings import Settings, load_settings

log = logging.getLogger(__name__)

celery = Celery("second_opinion")
_state: dict[str, Any] = {}


def configure(settings: Settings) -> Celery:
    """Point the Celery app at the configured broker (call once per process)."""
    celery.conf.update(
        broker_url=settings.jobs.broker_url,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="second_opinion",
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    _state["settings"] = settings
    return celery


def _context() -> AppContext:
    if "ctx" not in _state:
        _state["ctx"] = AppContext(_state.get("settings") or load_settings())
    ctx: AppContext = _state["ctx"]
    return ctx


@celery.task(name="second_opinion.run_job")  # type: ignore[untyped-decorator]
def run_job(job_id: str) -> str | None:
    """Run one job by id if it is due (duplicate deliveries find it leased and do nothing)."""
    return execute_next(_context(), default_worker_id(), job_id=job_id)


def dispatch_runnable(ctx: AppContext) -> int:
    """Send every due or orphaned job to the queue."""
    ids = runnable_job_ids(ctx)
    for job_id in ids:
        run_job.delay(job_id)
    return len(ids)


def _sweep_loop(stop: threading.Event) -> None:
    ctx = _context()
    interval = max(ctx.settings.jobs.lease_s / 2, ctx.settings.jobs.poll_s)
    while True:
        try:
            n = dispatch_runnable(ctx)
            if n:
                log.info("dispatched %d runnable job(s)", n)
        except Exception:
            log.exception("job sweep failed")
        if stop.wait(interval):
            return


@worker_ready.connect  # type: ignore[untyped-decorator]
def _start_sweeper(**_kwargs: Any) -> None:
    stop = threading.Event()
    _state["sweep_stop"] = stop
    threading.Thread(target=_sweep_loop, args=(stop,), name="job-sweeper", daemon=True).start()


@worker_shutdown.connect  # type: ignore[untyped-decorator]
def _stop_sweeper(**_kwargs: Any) -> None:
    stop = _state.get("sweep_stop")
    if stop is not None:
        stop.set()


def start_worker(settings: Settings, concurrency: int = 1) -> None:
    """Run a Celery worker in this process (blocks)."""
    configure(settings)
    celery.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "--pool=threads",
            "-Q",
            "second_opinion",
            "--without-gossip",
            "--without-mingle",
        ]
    )
