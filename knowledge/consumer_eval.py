"""Retrieval evaluation on consumer-style questions: real phrasing versus clean paraphrase.

The question sets live in ``tests/data/retrieval/`` (versioned JSON). Each question has a
real-style phrasing (long, misspelt, lay words, wrapped in a story, or near-empty), a clean
paraphrase of the same question, and judged answers: MedQuAD answer ids, any of which is a
hit. Each configuration is scored on both phrasings separately: hit@1, hit@5 and MRR@10
over the ranked passages, a hit being the first passage from a judged document.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from knowledge.retrieval import Fusion, Retriever

Phrasing = Literal["real", "paraphrase"]
DEPTH = 10


@dataclass(frozen=True)
class ConsumerQuestion:
    """One judged question in both phrasings."""

    qid: str
    real: str
    paraphrase: str
    targets: frozenset[str]
    focus: str
    qtype: str
    split: str = ""


@dataclass(frozen=True)
class Configuration:
    """A retrieval configuration to compare."""

    label: str
    focus: bool
    fusion: Fusion


#: Before (plain RRF on the text as written), the fusion fix alone, and the full pipeline.
CONFIGURATIONS = (
    Configuration("before: text as written, RRF k=60", focus=False, fusion="rrf"),
    Configuration("guarded fusion only", focus=False, fusion="guarded"),
    Configuration("after: focus + lexicon + guarded fusion + focus rerank", focus=True, fusion="guarded"),
)


@dataclass(frozen=True)
class ConsumerScore:
    """Metrics for one configuration on one phrasing."""

    label: str
    phrasing: Phrasing
    n: int
    hit1: float
    hit5: float
    mrr: float
    p50_ms: float
    misses: tuple[str, ...]


def load_questions(path: Path) -> list[ConsumerQuestion]:
    """Read a question set file (``{"version", "note", "questions": [...]}``).

    A question's optional ``split`` (``"dev"`` or ``"held_out"``) says whether its misses
    may be read when tuning retrieval.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        ConsumerQuestion(
            q["id"],
            q["real"],
            q["paraphrase"],
            frozenset(q["targets"]),
            q["focus"],
            q["qtype"],
            q.get("split", ""),
        )
        for q in data["questions"]
    ]


def split_of(qid: str) -> str:
    """``"dev"`` or ``"held_out"``, fixed by a hash of the question id (about half each)."""
    return "dev" if int(hashlib.sha256(qid.encode()).hexdigest(), 16) % 2 == 0 else "held_out"


def first_hit(source_ids: Sequence[str], targets: frozenset[str]) -> int | None:
    """1-based rank of the first passage from a judged document, or None."""
    for rank, sid in enumerate(source_ids, start=1):
        if sid in targets:
            return rank
    return None


def score(retriever: Retriever, questions: Sequence[ConsumerQuestion], config: Configuration,
          phrasing: Phrasing, filters: Mapping[str, Any] | None = None) -> ConsumerScore:  # fmt: skip
    """Run every question through ``retriever.search`` under ``config`` and score it.

    ``filters`` restrict the search (e.g. ``{"doc_type": "medquad"}``: only judged kinds of
    document compete, so a correct answer from an unjudged source is not counted as a miss).
    """
    hits1 = hits5 = 0
    rr = 0.0
    times: list[float] = []
    misses: list[str] = []
    for q in questions:
        text = q.real if phrasing == "real" else q.paraphrase
        started = time.perf_counter()
        passages = retriever.search(
            text, k=DEPTH, filters=filters, focus=config.focus, fusion=config.fusion, rerank=False
        )
        times.append(1e3 * (time.perf_counter() - started))
        rank = first_hit([p.source_id for p in passages], q.targets)
        if rank is None or rank > 5:
            misses.append(q.qid)
        if rank is not None:
            hits1 += rank == 1
            hits5 += rank <= 5
            rr += 1.0 / rank
    n = max(len(questions), 1)
    times.sort()
    p50 = times[len(times) // 2] if times else 0.0
    return ConsumerScore(
        config.label, phrasing, len(questions), hits1 / n, hits5 / n, rr / n, p50, tuple(misses)
    )


def format_scores(scores: Sequence[ConsumerScore]) -> str:
    """A Markdown table of the scores."""
    lines = [
        "| configuration | phrasing | n | hit@1 | hit@5 | MRR@10 | search p50 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scores:
        row = f"| {s.label} | {s.phrasing} | {s.n} | {s.hit1:.3f} | {s.hit5:.3f} | {s.mrr:.3f}"
        lines.append(f"{row} | {s.p50_ms:.0f} ms |")
    return "\n".join(lines)
