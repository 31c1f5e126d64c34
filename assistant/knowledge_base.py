"""The application's knowledge base chores: seeding the starter pack."""

from __future__ import annotations

from assistant.components import retriever
from assistant.context import AppContext
from assistant.settings import Settings


def ingest_starter_pack(settings: Settings, ctx: AppContext | None = None) -> str:
    """Ingest (or refresh) the project's starter knowledge pack; returns a one-line summary."""
    from knowledge import pack_path

    report = retriever(ctx or AppContext(settings)).ingest_paths([pack_path()])
    return report.summary()
