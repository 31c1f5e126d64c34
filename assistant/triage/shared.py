"""The process's one triage, built on the shared embedder (rules only when the model is missing)."""

from __future__ import annotations

import logging

from assistant.context import AppContext
from assistant.embedding_batcher import EmbeddingBatcher
from assistant.triage.engine import Triage

log = logging.getLogger(__name__)


def triage_for(ctx: AppContext) -> Triage:
    """The shared triage of this process: rules, typo correction and the exemplar bank.

    The semantic layer uses :func:`assistant.components.embedder`, so the embedding model
    is loaded once for retrieval and triage together; the bank's embeddings are kept under
    ``<data_dir>/cache/triage`` so a later start reads them. If no embedding model is installed,
    triage still runs its rules and says so in the log (once: the result is kept). Concurrent
    turns' embeddings are batched (:class:`assistant.embedding_batcher.EmbeddingBatcher`).
    """

    def build() -> Triage:
        from assistant import components
        from knowledge.errors import KnowledgeError

        try:
            shared = components.embedder(ctx)
        except (KnowledgeError, ImportError, OSError) as e:
            log.warning("triage runs on rules only: the embedding model could not be loaded (%s)", e)
            return Triage(None)
        batched = EmbeddingBatcher(shared)  # concurrent turns share one model call
        return Triage(batched, cache_dir=ctx.settings.data_dir / "cache" / "triage")

    result: Triage = ctx.component("triage", build)
    return result
