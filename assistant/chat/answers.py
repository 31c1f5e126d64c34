"""General, cited educational answers to patients' questions before their opinion is signed.

No individualised advice: the answer quotes the knowledge base (sentences of the best
passages with their [n] and source) and always reminds the patient that a clinician
will review their own case. Without a knowledge base the reply says so plainly.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.context import AppContext

logger = logging.getLogger(__name__)

REMINDER = (
    "This is general information, not advice about your own case. "
    "A clinician will review your case and your signed opinion will answer your question."
)
NO_KNOWLEDGE = (
    "I can only give general health information here, and I could not find anything on that "
    "in our reference library. Your clinician will consider your question when reviewing your case; "
    "your own doctor can also help."
)
_QUESTION_START = re.compile(
    r"^(what|why|how|when|where|which|who|is|are|can|could|should|does|do|will|would|may)\b", re.I
)


@dataclass(frozen=True)
class GeneralAnswer:
    """The reply text and the sources it cites (number, title, url, passage text)."""

    text: str
    sources: list[tuple[int, str, str, str]] = field(default_factory=list)


def looks_like_question(text: str) -> bool:
    """Whether a message reads as a question rather than an answer."""
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


def _retriever(ctx: AppContext) -> Any:
    """The shared retriever, or None when no knowledge base has been built (checked cheaply first)."""
    from knowledge.config import KnowledgeConfig

    k = ctx.settings.knowledge
    config = KnowledgeConfig(
        vector_mode=k.vector_mode, chroma_path=ctx.settings.chroma_path, chroma_host=k.chroma_host,
        chroma_port=k.chroma_port, collection=k.collection, embedding_model_path=k.embedding_model_path,
        reranker_path=k.reranker_path, top_k=k.top_k,
    )  # fmt: skip
    if not config.lexical_path.is_file():
        return None

    def build() -> Any:
        from knowledge.retrieval import Retriever

        return Retriever(config)

    return ctx.component("knowledge.retriever", build)


def _first_sentences(text: str, n: int = 2) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return " ".join(sentences[:n])[:500]


def general_answer(ctx: AppContext, question: str, k: int = 2) -> GeneralAnswer:
    """A cited general answer from the knowledge base, or a clear general reply without one."""
    try:
        retriever = _retriever(ctx)
        passages = retriever.search(question, k=k) if retriever is not None else []
    except Exception as e:  # a missing or empty knowledge base must not break the chat
        logger.warning("knowledge base unavailable for chat answers: %s", type(e).__name__)
        passages = []
    if not passages:
        return GeneralAnswer(f"{NO_KNOWLEDGE}\n\n*{REMINDER}*")
    lines = ["Here is some general information from our reference library:", ""]
    sources = []
    for p in passages:
        lines.append(f"- {_first_sentences(p.text)} [{p.number}]")
        sources.append((p.number, p.title, p.url or "", p.text))
    lines += ["", "Sources: " + "; ".join(f"[{n}] {t}" for n, t, _, _ in sources), "", f"*{REMINDER}*"]
    return GeneralAnswer("\n".join(lines), sources)
