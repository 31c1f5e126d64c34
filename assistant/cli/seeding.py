"""What `demo seed` adds beyond accounts: the starter knowledge base."""

from __future__ import annotations

import typer

from assistant.knowledge_base import ingest_starter_pack
from assistant.settings import Settings


def seed_knowledge(settings: Settings) -> None:
    """Ingest the starter knowledge pack into the configured store."""
    typer.echo("knowledge base: " + ingest_starter_pack(settings))
