"""`second-opinion worker`: run pipeline stages from the jobs table or from Celery's queues.

``--queues imaging`` makes a GPU imaging worker, ``--queues drafting`` an LLM worker;
by default a worker runs every stage. It checks its database (and broker, on Celery)
before it says it is ready, and exits with an error naming the setting otherwise.
"""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from assistant.cli.context import get_settings
from assistant.services.jobs import PIPELINE


def parse_queues(value: str) -> list[str]:
    """The stages named by ``--queues`` (comma-separated), in pipeline order."""
    names = {q.strip() for q in value.split(",") if q.strip()}
    unknown = sorted(names - set(PIPELINE))
    if unknown or not names:
        raise typer.BadParameter(
            f"unknown queue(s) {', '.join(unknown) or '(none)'}; choose from {','.join(PIPELINE)}",
            param_hint="--queues",
        )
    return [stage for stage in PIPELINE if stage in names]


def worker(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option(help="Run due jobs until none is left, then exit")] = False,
    queues: Annotated[
        str, typer.Option(help=f"Stages this worker runs, comma-separated ({','.join(PIPELINE)})")
    ] = ",".join(PIPELINE),
    concurrency: Annotated[int, typer.Option(min=1, help="Stages run at once (threads)")] = 1,
    name: Annotated[
        str | None, typer.Option(help="Node name shown in logs and the jobs table (default: host name)")
    ] = None,
) -> None:
    """Run drafting stages: a Celery worker (jobs.mode=celery) or a jobs-table poller (in_process)."""
    from assistant.context import AppContext
    from assistant.jobs.engine import JobRunner, default_worker_id
    from assistant.jobs.preflight import WorkerStartError, check_worker_dependencies

    settings = get_settings(ctx)
    stages = parse_queues(queues)
    try:
        check_worker_dependencies(settings)
    except WorkerStartError as e:
        typer.secho(f"error: worker not started: {e}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from e
    if settings.jobs.mode == "celery" and not once:
        from assistant.jobs.celery_app import start_worker

        start_worker(settings, stages, concurrency, name)
        return
    app_ctx = AppContext(settings)
    worker_id = default_worker_id(name)
    if once:
        ran = JobRunner(app_ctx, worker_id, stages=stages).run_until_idle()
        typer.echo(f"ran {ran} job(s)")
        return
    runners = [
        JobRunner(app_ctx, worker_id if concurrency == 1 else f"{worker_id}/{n}", stages=stages)
        for n in range(concurrency)
    ]
    for runner in runners:
        runner.start()
    typer.echo(
        f"worker {worker_id} ready: {concurrency} runner(s) polling the jobs table for "
        f"{','.join(stages)} (Ctrl+C to stop)"
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        for runner in runners:
            runner.stop()
