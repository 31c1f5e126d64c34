"""`second-opinion jobs`: see failed and retrying drafting jobs, with their errors, and retry them.

Both commands act as a named administrator (``--as``), whose grants are checked and whose
name is written to the audit log, exactly as on the ``/admin/jobs`` page.
"""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.cli.context import get_settings
from assistant.db.base import Database
from assistant.db.models import User
from assistant.errors import DomainError

app = typer.Typer(help="Drafting jobs: failures, retries.", no_args_is_help=True)
AsAdmin = Annotated[str, typer.Option("--as", help="User name of the administrator acting.")]


def _admin(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username))
    if user is None:
        raise typer.BadParameter(f"no user named '{username}'", param_hint="--as")
    return user


def _open(ctx: typer.Context) -> Database:
    settings = get_settings(ctx)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Database.from_url(settings.database_url, echo=settings.database.echo)


@app.command("list")
def jobs_list(
    ctx: typer.Context,
    as_user: AsAdmin,
    status: Annotated[
        list[str] | None,
        typer.Option(help="failed, retrying, running, queued or done (repeatable); default failed+retrying"),
    ] = None,
) -> None:
    """List jobs (default: failed and retrying), newest first, with their last error."""
    from assistant.services import jobs

    db = _open(ctx)
    try:
        with db.session() as s:
            rows = jobs.list_jobs(s, _admin(s, as_user), status or ["failed", "retrying"])
    except DomainError as e:
        typer.echo(e.message, err=True)
        raise typer.Exit(1) from e
    finally:
        db.dispose()
    if not rows:
        typer.echo("no jobs")
    for r in rows:
        state = "retrying" if r.retrying else r.status
        error = r.last_error.replace("\n", " ")[:120] or "-"
        typer.echo(
            f"{r.id}  case {r.case_id}  {state:<9} {r.attempts}/{r.max_attempts} at {r.stage:<9}  {error}"
        )


@app.command("retry")
def jobs_retry(ctx: typer.Context, job_id: str, as_user: AsAdmin) -> None:
    """Put a failed job back in the queue; its case goes back to 'submitted'."""
    from assistant.context import AppContext
    from assistant.jobs.dispatch import dispatch_after_commit
    from assistant.services import jobs

    db = _open(ctx)
    app_ctx = AppContext(get_settings(ctx), db=db)
    try:
        with db.session() as s:
            job = jobs.retry_failed(s, _admin(s, as_user), job_id)
            dispatch_after_commit(app_ctx, s, job)
            typer.echo(f"job {job.id} queued again (attempt budget {job.max_attempts})")
    except DomainError as e:
        typer.echo(e.message, err=True)
        raise typer.Exit(1) from e
    finally:
        db.dispose()
