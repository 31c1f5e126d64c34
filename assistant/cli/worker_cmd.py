"""`second-opinion worker`: run drafting jobs from the jobs table or from Celery's queues."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.context import get_settings


def worker(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option(help="Run due jobs until none is left, then exit")] = False,
) -> None:
    """Run drafting jobs: Celery worker (jobs.mode=celery) or a jobs-table poller (in_process)."""
    from assistant.context import AppContext
    from assistant.jobs.engine import JobRunner

    settings = get_settings(ctx)
    if settings.jobs.mode == "celery" and not once:
        from assistant.jobs.celery_app import start_worker

        start_worker(settings)
        return
    runner = JobRunner(AppContext(settings))
    if once:
        typer.echo(f"ran {runner.run_until_idle()} job(s)")
        return
    typer.echo(f"worker {runner.worker_id} polling the jobs table (Ctrl+C to stop)")
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        runner.stop()
