"""The distributed engine: Celery workers (Redis or RabbitMQ broker), one queue per stage.

Each pipeline stage (``imaging``, ``retrieval``, ``drafting``, ``checks``) is its own task
on its own queue, so GPU imaging workers and LLM workers can sit on different hosts
(``second-opinion worker --queues imaging``). A finished stage sends the next one; a
failed one is sent again with the countdown of its retry, so the retry runs when its
message says. Celery only carries job ids: leases, attempts and stage outputs stay in
the jobs table, so a lost message or a killed worker costs time, never a case. Every
worker also sweeps the table every ``jobs.sweep_s``, re-sending due stages and stages
whose lease expired to their queues (a worker killed with ``kill -9`` is noticed one
lease after its last heartbeat, and its stage is re-sent at the next sweep).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from celery import Celery, Task
from celery.signals import worker_ready, worker_shutdown

from assistant.context import AppContext
from assistant.db.base import utcnow
from assistant.jobs.engine import StageOutcome, default_worker_id, execute_stage, runnable_jobs
from assistant.services.jobs import PIPELINE
from assistant.settings import Settings, load_settings

log = logging.getLogger(__name__)

celery = Celery("second_opinion")
_state: dict[str, Any] = {}


def task_name(stage: str) -> str:
    """The Celery task that runs ``stage`` (its queue has the stage's name)."""
    return f"second_opinion.stage.{stage}"


def configure(settings: Settings) -> Celery:
    """Point the Celery app at the configured broker (call once per process)."""
    celery.conf.update(
        broker_url=settings.jobs.broker_url,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=PIPELINE[0],
        task_routes={task_name(stage): {"queue": stage} for stage in PIPELINE},
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


def send_stage(job_id: str, stage: str, countdown: float = 0.0) -> None:
    """Put one stage of a job on its queue (after ``countdown`` seconds)."""
    celery.send_task(task_name(stage), args=[job_id], queue=stage, countdown=max(countdown, 0.0) or None)


def _follow_up(outcome: StageOutcome | None) -> None:
    """Send what comes after a stage: the next stage now, or the same stage at its retry time."""
    if outcome is None:
        return
    if outcome.result == "advanced" and outcome.next_stage:
        send_stage(outcome.job_id, outcome.next_stage)
    elif outcome.result == "retrying" and outcome.run_after is not None:
        send_stage(outcome.job_id, outcome.stage, (outcome.run_after - utcnow()).total_seconds())


def _run_stage(stage: str, job_id: str) -> str | None:
    """Run one stage of a job if it is due at that stage (duplicates find it leased or moved on)."""
    ctx = _context()
    worker = _state.get("worker_name")
    outcome = execute_stage(ctx, default_worker_id(worker), job_id=job_id, stages=[stage])
    _follow_up(outcome)
    return outcome.result if outcome is not None else None


def _register(stage: str) -> Task:
    def run(job_id: str) -> str | None:
        return _run_stage(stage, job_id)

    run.__name__ = run.__qualname__ = f"run_{stage}"
    run.__doc__ = f"Run the {stage} stage of a job (acks late: a killed worker's message is redelivered)."
    task: Task = celery.task(name=task_name(stage), acks_late=True, reject_on_worker_lost=True)(run)
    return task


STAGE_TASKS = {stage: _register(stage) for stage in PIPELINE}


def dispatch_runnable(ctx: AppContext) -> int:
    """Send every due or orphaned stage to its queue."""
    found = runnable_jobs(ctx)
    for job_id, stage in found:
        send_stage(job_id, stage)
    return len(found)


def _sweep_loop(stop: threading.Event) -> None:
    ctx = _context()
    interval = max(ctx.settings.jobs.sweep_s, 0.2)
    while True:
        try:
            n = dispatch_runnable(ctx)
            if n:
                log.info("dispatched %d runnable stage(s)", n)
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


def start_worker(
    settings: Settings, queues: Sequence[str] = PIPELINE, concurrency: int = 1, name: str | None = None
) -> None:
    """Run a Celery worker on ``queues`` in this process (blocks)."""
    configure(settings)
    _state["worker_name"] = name
    args = [
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--pool=threads",
        "-Q",
        ",".join(queues),
        "--without-gossip",
        "--without-mingle",
    ]
    if name:
        args += ["-n", f"{name}@%h"]
    celery.worker_main(args)
