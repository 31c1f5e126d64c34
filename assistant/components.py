"""Build the heavy library components from the app settings, once per process.

This is the one place where ``imaging`` and ``knowledge`` meet the application's
settings: each builder translates settings into the library's own plain config.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from assistant.context import AppContext

if TYPE_CHECKING:
    from langchain_core.language_models.llms import BaseLLM

    from assistant.drafting.citations import SupportScorer
    from assistant.settings import Settings
    from imaging.inference import InferenceEngine
    from knowledge.config import KnowledgeConfig
    from knowledge.embeddings import Embedder
    from knowledge.retrieval import Retriever


def knowledge_config(settings: Settings) -> KnowledgeConfig:
    """The knowledge library's plain config from the app settings (used by the app and the CLI)."""
    from knowledge.config import KnowledgeConfig

    k = settings.knowledge
    url = settings.database_url
    on_pg = k.lexical_mode == "postgresql" or (k.lexical_mode == "auto" and url.startswith("postgresql"))
    return KnowledgeConfig(
        vector_mode=k.vector_mode,
        chroma_path=settings.chroma_path,
        chroma_host=k.chroma_host,
        chroma_port=k.chroma_port,
        collection=k.collection,
        embedding_model_path=k.embedding_model_path,
        reranker_path=k.reranker_path,
        top_k=k.top_k,
        lexical_url=url if on_pg else None,
    )


def embedder(ctx: AppContext) -> Embedder:
    """The process's one sentence-embedding model (shared by retrieval, triage and citation checks)."""

    def build() -> Embedder:
        from knowledge.embeddings import load_embedder

        config = knowledge_config(ctx.settings)
        return load_embedder(config.embedding_model_path, config.device)

    result: Embedder = ctx.component("embedder", build)
    return result


def retriever(ctx: AppContext) -> Retriever:
    """The process's shared knowledge retriever."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    shared = embedder(ctx)

    def build() -> Retriever:
        from knowledge.retrieval import Retriever

        return Retriever(knowledge_config(ctx.settings), embedder=shared)

    result: Retriever = ctx.component("retriever", build)
    return result


def imaging_engine(ctx: AppContext) -> InferenceEngine:
    """The process's shared chest X-ray inference engine."""

    def build() -> InferenceEngine:
        from imaging.inference import InferenceEngine
        from imaging.registry import get_model_entry

        return InferenceEngine(
            get_model_entry(), device=ctx.settings.imaging.device, compile=ctx.settings.imaging.compile
        )

    result: InferenceEngine = ctx.component("imaging_engine", build)
    return result


def support_scorer(ctx: AppContext) -> SupportScorer:
    """How citation support is scored (NLI model by path, else similarity with the shared embedder)."""

    def build() -> SupportScorer:
        from assistant.drafting.citations import CrossEncoderSupportScorer, EmbeddingSupportScorer

        nli = ctx.settings.llm.nli_model_path
        return CrossEncoderSupportScorer(nli) if nli is not None else EmbeddingSupportScorer(embedder(ctx))

    result: SupportScorer = ctx.component("support_scorer", build)
    return result


def llm(ctx: AppContext) -> BaseLLM:
    """The process's shared language model (backend chosen by settings.llm.mode)."""

    def build() -> BaseLLM:
        from assistant.drafting.llm import build_llm

        return build_llm(ctx.settings.llm, ctx.settings.models_dir)

    result: BaseLLM = ctx.component("llm", build)
    return result
