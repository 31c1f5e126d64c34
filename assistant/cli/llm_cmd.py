"""`second-opinion llm ...`: hand the packaged model to an OpenAI-compatible server."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.context import get_settings

app = typer.Typer(help="The language model: export it for a separate LLM server.", no_args_is_help=True)

#: The name the app asks the server for by default (settings.llm.model); the server is told
#: to answer to it with --model_alias so the two agree without further settings.
DEFAULT_ALIAS = "gemma-3-270m"


def server_command(model: Path, alias: str, host: str, port: int, n_ctx: int) -> list[str]:
    """The llama.cpp server command line for ``model`` (llama-cpp-python's ``[server]`` extra)."""
    return [
        "python",
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        alias,
        "--host",
        host,
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
    ]


@app.command("export-gguf")
def export_gguf(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder to write the GGUF file into.")],
    host: Annotated[str, typer.Option(help="Address the LLM server will bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the LLM server will listen on.")] = 8080,
    n_ctx: Annotated[int, typer.Option(help="Context window for the server.")] = 2048,
) -> None:
    """Write the embedded model's GGUF (from the installed package) for a llama.cpp server.

    Prints the server command and the settings that point the app at it.
    """
    from assistant.drafting.gguf import ensure_gguf, expected_sha256

    settings = get_settings(ctx)
    model = ensure_gguf(directory.resolve())
    alias = settings.llm.model or DEFAULT_ALIAS
    size_mb = model.stat().st_size / 1e6
    typer.echo(f"wrote {model} ({size_mb:.0f} MB, sha256 {expected_sha256()})")
    typer.echo("\nStart the LLM server (needs `pip install 'llama-cpp-python[server]'`):")
    typer.echo("  " + shlex.join(server_command(model, alias, host, port, n_ctx)))
    typer.echo("\nPoint the app and the workers at it:")
    reach = "LLM-HOST" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a bind address we print
    for name, value in (
        ("SECOND_OPINION_LLM__MODE", "openai_compatible"),
        ("SECOND_OPINION_LLM__BASE_URL", f"http://{reach}:{port}/v1"),
        ("SECOND_OPINION_LLM__MODEL", alias),
    ):
        typer.echo(f"  {name}={value}")
    typer.echo("\nThen `second-opinion health` checks that the app reaches it.")
