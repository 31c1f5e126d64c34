"""`second-opinion storage ...`: move stored files into the database backend, and count them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.context import get_settings

app = typer.Typer(
    help="Stored files (uploads, previews, heatmaps): copy between backends.", no_args_is_help=True
)


@app.callback()
def _group() -> None:
    """Keep `storage` a command group (one sub-command today)."""


@app.command("copy-local")
def copy_local(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(help="The local storage folder to copy (default: the configured storage root)."),
    ] = None,
) -> None:
    """Copy every file of the local store into database storage (run once when switching modes).

    Keys do not change (they are the content hash), so rows need no rewrite; files already
    in the database are skipped, so the command can be run again after an interruption.
    """
    from assistant.context import AppContext
    from assistant.storage import LocalStorage, copy_all

    settings = get_settings(ctx)
    if settings.storage.mode != "database":
        typer.secho(
            "storage.mode is 'local': set SECOND_OPINION_STORAGE__MODE=database first "
            "(the copy goes into the configured database).",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    source = root or settings.storage_root
    if not source.is_dir():
        typer.secho(f"no local storage folder at {source}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    app_ctx = AppContext(settings)
    started = time.perf_counter()
    copied, skipped, size = copy_all(LocalStorage(source), app_ctx.storage)
    seconds = time.perf_counter() - started
    typer.echo(
        f"copied {copied} files ({size / 1e6:.1f} MB) in {seconds:.1f} s; "
        f"{skipped} were already in the database"
    )
    app_ctx.close()
