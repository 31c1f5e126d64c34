"""Retrieval evaluation on public question sets the project did not write.

* MedQuAD: each question's target is its own answer document (any of its chunks).
* PubMedQA (PQA-L dev): each question's target is the abstract it was written from (PMID).

For every question the dense and BM25 candidate lists are computed once and the three
modes (dense, BM25, fused) are scored from them: hit@1, hit@5 and MRR@10 over the ranked
chunks, a hit being the first chunk that belongs to the target document.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.documents import Document
from knowledge.index_status import Catalogue
from knowledge.loaders import load_paths
from knowledge.retrieval import Mode, Retriever, fuse

logger = logging.getLogger(__name__)

MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")
MODE_LABELS = {"dense": "dense", "lexical": "BM25", "hybrid": "fused (guarded)"}
MRR_CUTOFF = 10
CANDIDATE_DEPTH = 50


@dataclass(frozen=True)
class EvalQuestion:
    """A question and the ``source_id`` of the document that answers it."""

    question: str
    target: str


@dataclass
class ModeScores:
    """Accumulated metrics for one retrieval mode."""

    hits1: int = 0
    hits5: int = 0
    rr: float = 0.0

    def add(self, rank: int | None) -> None:
        """Record the 1-based rank of the first relevant chunk (None if not retrieved)."""
        if rank is None:
            return
        self.hits1 += rank == 1
        self.hits5 += rank <= 5
        self.rr += 1.0 / rank if rank <= MRR_CUTOFF else 0.0


@dataclass
class EvalResult:
    """Metrics per mode for one question set."""

    name: str
    questions: int
    seconds: float
    scores: dict[str, ModeScores] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, float, float, float]]:
        """(set, mode, hit@1, hit@5, MRR@10) rows."""
        n = max(self.questions, 1)
        return [
            (self.name, MODE_LABELS[m], s.hits1 / n, s.hits5 / n, s.rr / n) for m, s in self.scores.items()
        ]


def medquad_questions(root: Path, sample: int | None, seed: int) -> list[EvalQuestion]:
    """MedQuAD questions with non-empty answers; a seeded random sample if ``sample`` is set."""
    docs = load_paths([root]).documents
    return _sample([EvalQuestion(d.extra["question"], d.source_id) for d in docs], sample, seed)


def pubmedqa_questions(path: Path, sample: int | None = None, seed: int = 0) -> list[EvalQuestion]:
    """PubMedQA questions, each targeting its own abstract's PMID."""
    docs: list[Document] = load_paths([path]).documents
    return _sample([EvalQuestion(d.extra["question"], d.source_id) for d in docs], sample, seed)


def _sample(items: list[EvalQuestion], sample: int | None, seed: int) -> list[EvalQuestion]:
    """A seeded sample that stays the same when documents are added to the corpus.

    Questions are ordered by a hash of (seed, target id) and the first ``sample`` are kept.
    """
    items = sorted(items, key=lambda q: q.target)
    if sample is None or sample >= len(items):
        return items
    return sorted(items, key=lambda q: hashlib.sha256(f"{seed}:{q.target}".encode()).hexdigest())[:sample]


def _first_hit(ranked: Sequence[tuple[str, float]], sources: dict[str, str], target: str) -> int | None:
    for rank, (chunk_id, _) in enumerate(ranked, start=1):
        if sources.get(chunk_id) == target:
            return rank
    return None


def _sources(index: Catalogue, chunk_ids: set[str]) -> dict[str, str]:
    return {cid: rec.source_id for cid, rec in index.get_chunks(chunk_ids).items()}


def evaluate(retriever: Retriever, name: str, questions: Sequence[EvalQuestion],
             progress: Callable[[int, int], None] | None = None) -> EvalResult:  # fmt: skip
    """Score dense, BM25 and fused retrieval on ``questions``.

    Args:
        retriever: An ingested knowledge base that contains the target documents.
        name: Label of the question set.
        questions: Questions with their target ``source_id``.
        progress: Called with (questions done, total) every 100 questions.

    Returns:
        Metrics per mode.
    """
    started = time.perf_counter()
    result = EvalResult(name, len(questions), 0.0, {m: ModeScores() for m in MODES})
    vectors = retriever.embedder.embed([q.question for q in questions])
    for i, (q, vec) in enumerate(zip(questions, vectors, strict=True), start=1):
        cand = retriever.candidates(q.question, CANDIDATE_DEPTH, vector=vec)
        sources = _sources(retriever.index, {c for c, _ in cand.dense} | {c for c, _ in cand.lexical})
        for mode in MODES:
            ranked = fuse(cand, mode, retriever.rrf_k)[:MRR_CUTOFF]
            result.scores[mode].add(_first_hit(ranked, sources, q.target))
        if progress is not None and i % 100 == 0:
            progress(i, len(questions))
    result.seconds = time.perf_counter() - started
    return result


def format_table(results: Sequence[EvalResult]) -> str:
    """A Markdown table of all results."""
    lines = [
        "| question set | n | retriever | hit@1 | hit@5 | MRR@10 |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for res in results:
        for name, mode, h1, h5, mrr in res.rows():
            lines.append(f"| {name} | {res.questions} | {mode} | {h1:.3f} | {h5:.3f} | {mrr:.3f} |")
    return "\n".join(lines)
