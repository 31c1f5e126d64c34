"""`second-opinion metrics`: the oversight metrics of the review process."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assistant.cli.context import get_settings


def metrics_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Cases per state, submit-to-sign times, edit rate, citation failures, returns, red flags."""
    from assistant.actors import SYSTEM
    from assistant.db.base import Database
    from assistant.services.metrics import compute_metrics, metrics_text

    settings = get_settings(ctx)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database.from_url(settings.database_url, echo=settings.database.echo)
    try:
        with db.session() as s:
            metrics = compute_metrics(s, SYSTEM)
    finally:
        db.dispose()
    typer.echo(json.dumps(metrics.as_dict(), indent=2) if as_json else metrics_text(metrics))
