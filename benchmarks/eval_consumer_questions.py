"""Retrieval on consumer-style questions: real phrasing versus clean paraphrase, before and after.

Scores every configuration of :data:`knowledge.consumer_eval.CONFIGURATIONS` on the question
set (default: the evaluation set in ``tests/data/retrieval/consumer_questions.json``) against
an existing store, for both phrasings. ``--build N`` first ingests a seeded MedQuAD subset
into ``--store``: every MedQuAD answer about a condition the question sets ask about (all
question types, all NIH sites: the hard distractors) plus ``N`` other answers chosen by a
seeded hash, and the starter pack. ``--build full`` ingests the pack and all of MedQuAD, the
question file's judged answers first and the rest in a seeded shuffle (resumable; an
interrupted build is every judged answer plus a uniform random sample of the others).
``--build pooled --pool-from LEXSTORE`` ingests a pooled subset for the question file (TREC
style pooling, for when the full index cannot be embedded): every answer in the same MedQuAD
file as a judged answer, the top 20 candidates of each question (both phrasings, as written
and focused) from ``LEXSTORE`` (a store holding the full index's catalogue, vectors not
needed), 400 seeded other answers, and the pack. It flatters dense retrieval (dense false
positives outside the pool are missing), so say "pooled" with its figures.

``--questions tests/data/retrieval/liveqa_questions.json`` scores the real consumer
questions (TREC 2017 LiveQA); ``--split dev`` or ``--split held_out`` keeps one half. Misses
are listed for the dev half only (``--misses``): the held-out half is scored, never read.

Usage:
    OMP_NUM_THREADS=1 python benchmarks/eval_consumer_questions.py --store DIR
        [--build full|2500] [--questions FILE] [--split dev|held_out] [--misses]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from knowledge import KnowledgeConfig, pack_path
from knowledge.consumer_eval import CONFIGURATIONS, ConsumerQuestion, format_scores, load_questions, score
from knowledge.loaders import load_paths
from knowledge.retrieval import Retriever

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "retrieval"
MEDQUAD = ROOT / ".." / "shared" / "data" / "knowledge" / "medquad"


def build_full(kb: Retriever, questions: list[ConsumerQuestion], seed: int = 7) -> None:
    """Ingest the pack and every MedQuAD answer: judged answers first, then a seeded shuffle.

    The order makes an interrupted build (it resumes where it stopped) an exact subset:
    every judged answer plus a uniform random sample of the others.
    """
    started = time.perf_counter()
    kb.ingest_paths([pack_path()])
    docs = load_paths([MEDQUAD]).documents
    judged = {t for q in questions for t in q.targets}
    ordered = sorted(
        docs,
        key=lambda d: (
            d.source_id not in judged,
            hashlib.sha256(f"{seed}:{d.source_id}".encode()).hexdigest(),
        ),
    )

    def progress(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        print(f"  {done}/{total} answers ({rate:.2f}/s)", flush=True)

    report = kb.ingest_documents(ordered, progress=progress)
    kb.optimize()
    seconds = time.perf_counter() - started
    print(f"built ({len(judged)} judged answers first): {report.summary()} in {seconds:.0f} s")


def build(kb: Retriever, distractors: int, seed: int = 7) -> None:
    """Ingest the pack, every answer on an asked condition, and ``distractors`` other answers."""
    started = time.perf_counter()
    questions = load_questions(DATA / "consumer_questions.json") + load_questions(
        DATA / "consumer_questions_dev.json"
    )
    foci = {q.focus.lower() for q in questions}
    docs = load_paths([MEDQUAD]).documents
    same = [d for d in docs if d.title.lower() in foci]
    others = sorted(
        (d for d in docs if d.title.lower() not in foci),
        key=lambda d: hashlib.sha256(f"{seed}:{d.source_id}".encode()).hexdigest(),
    )
    kb.ingest_paths([pack_path()])
    report = kb.ingest_documents(same + others[:distractors])
    print(f"built: {report.summary()} in {time.perf_counter() - started:.0f} s")


def build_pooled(kb: Retriever, questions: list[ConsumerQuestion], pool_from: Path,
                 depth: int = 20, others: int = 400, seed: int = 7) -> None:  # fmt: skip
    """Ingest the pooled subset described in the module docstring."""
    docs = load_paths([MEDQUAD]).documents
    by_id = {d.source_id: d for d in docs}
    origins = {by_id[t].origin for q in questions for t in q.targets if t in by_id}
    keep = {d.source_id for d in docs if d.origin in origins}
    full = Retriever(KnowledgeConfig(chroma_path=pool_from), embedder=kb.embedder)
    for q in questions:
        for text in (q.real, q.paraphrase):
            for focus in (False, True):
                found = full.search(text, k=depth, filters={"doc_type": "medquad"}, focus=focus, rerank=False)
                keep |= {p.source_id for p in found}
    rest = sorted(
        (d for d in docs if d.source_id not in keep),
        key=lambda d: hashlib.sha256(f"{seed}:{d.source_id}".encode()).hexdigest(),
    )
    started = time.perf_counter()
    kb.ingest_paths([pack_path()])
    report = kb.ingest_documents([by_id[i] for i in sorted(keep)] + rest[:others])
    print(f"built ({len(keep)} pooled answers): {report.summary()} in {time.perf_counter() - started:.0f} s")


def main() -> None:
    """Parse arguments, optionally build the store, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument(
        "--build", default=None, help="ingest 'full' MedQuAD, or the subset with N distractors, first"
    )
    parser.add_argument("--questions", type=Path, default=DATA / "consumer_questions.json")
    parser.add_argument("--pool-from", type=Path, default=None, help="full-index store for --build pooled")
    parser.add_argument("--split", choices=("dev", "held_out"), default=None, help="score one half only")
    parser.add_argument("--misses", action="store_true", help="list the dev questions missed at 5")
    parser.add_argument(
        "--all-sources", action="store_true", help="let unjudged sources (the pack) compete too"
    )
    parser.add_argument(
        "--precision", choices=("auto", "float32", "bfloat16"), default="auto", help="embedding precision"
    )
    args = parser.parse_args()
    kb = Retriever(KnowledgeConfig(chroma_path=args.store, embedding_precision=args.precision))
    if args.build == "pooled":
        if args.pool_from is None:
            parser.error("--build pooled needs --pool-from")
        build_pooled(kb, load_questions(args.questions), args.pool_from)
    elif args.build == "full":
        build_full(kb, load_questions(args.questions))
    elif args.build is not None:
        build(kb, int(args.build))
    stats = kb.stats()
    print(f"store: {stats['documents']} documents, {stats['chunks']} chunks {stats['by_type']}")
    questions = [q for q in load_questions(args.questions) if args.split in (None, q.split)]
    print(f"questions: {len(questions)} from {args.questions.name} (split {args.split or 'all'})")
    kb.search("warm-up", k=1)
    flt = None if args.all_sources else {"doc_type": "medquad"}
    scores = [score(kb, questions, c, p, flt) for c in CONFIGURATIONS for p in ("real", "paraphrase")]
    print(format_scores(scores))
    if args.misses:
        held_out = {q.qid for q in questions if q.split == "held_out"}
        for s in scores:
            shown = [m for m in s.misses if m not in held_out]
            print(f"missed at 5 ({s.label}, {s.phrasing}; held-out ids not shown): {' '.join(shown)}")


if __name__ == "__main__":
    main()
