"""What `demo seed` adds beyond accounts: the starter knowledge base."""

from __future__ import annotations

import typer

from assistant.settings import Settings


def seed_knowledge(settings: Settings) -> None:
    """Ingest the starter knowledge pack into the configured store (skipped if unavailable)."""
    try:
        from assistant.knowledge_base import ingest_starter_pack
    except ImportError:
        typer.echo("knowledge base: starter pack ingestion is not available in this build")
        return
    report = ingest_starter_pack(settings)
    typer.echo(f"knowledge base: {report}")
