"""The application's knowledge base chores: seeding, reindexing, and saying when it is unusable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.components import knowledge_config, retriever
from assistant.context import AppContext
from assistant.settings import Settings

if TYPE_CHECKING:
    from knowledge.index_status import IndexStatus


def ingest_starter_pack(settings: Settings, ctx: AppContext | None = None) -> str:
    """Ingest (or refresh) the project's starter knowledge pack; returns a one-line summary."""
    from knowledge import pack_path

    report = retriever(ctx or AppContext(settings)).ingest_paths([pack_path()])
    return report.summary()


def knowledge_index_status(settings: Settings) -> IndexStatus:
    """Whether this host's knowledge indexes are usable: for readiness checks and the CLI.

    Counts the chunks in the vector store and in the lexical index (SQLite file or
    PostgreSQL, as the settings choose) without loading any model; never raises.
    ``status.ok`` is False when either is empty, unreadable, or the two disagree
    (stale); ``status.message`` names the store and the command that fixes it.
    """
    from knowledge.index_status import index_status

    return index_status(knowledge_config(settings))


def evidence_warning(status: IndexStatus, n_passages: int) -> str | None:
    """The clinician-facing warning for a draft written without (complete) evidence, if any."""
    if status.ok and n_passages:
        return None
    if not status.ok:
        return (
            f"Drafted without complete evidence: {status.message}. Check every statement "
            "against your own sources; ask an operator to fix the knowledge base."
        )
    return "No evidence passages were retrieved for this case: the draft cites no sources."
