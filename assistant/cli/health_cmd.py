"""`second-opinion health`: the readiness checks of /readyz, with the operator's details."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assistant.cli.context import get_settings


def health_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the /readyz body instead.")] = False,
) -> None:
    """Check every dependency this host's settings name; exit 1 when any fails.

    Database, broker (with Celery), vector store, LLM, lexical index and storage, each
    under the ``health.timeout_s`` deadline; a failure names the setting and the fix.
    """
    from assistant.context import AppContext
    from assistant.health.readiness import run_checks

    report = run_checks(AppContext(get_settings(ctx)))
    if as_json:
        typer.echo(json.dumps(report.public(), indent=2))
    else:
        for name, status in report.components.items():
            mark = "ok  " if status.ok else "FAIL"
            typer.secho(
                f"{mark} {name:<14} {status.ms:7.1f} ms  {status.detail}",
                fg=None if status.ok else typer.colors.RED,
            )
    if not report.ok:
        raise typer.Exit(1)
