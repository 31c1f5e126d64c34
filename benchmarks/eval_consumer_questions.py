"""Retrieval on consumer-style questions: real phrasing versus clean paraphrase, before and after.

Scores every configuration of :data:`knowledge.consumer_eval.CONFIGURATIONS` on the question
set (default: the evaluation set in ``tests/data/retrieval/consumer_questions.json``) against
an existing store, for both phrasings. ``--build N`` first ingests a seeded MedQuAD subset
into ``--store``: every MedQuAD answer about a condition the question sets ask about (all
question types, all NIH sites: the hard distractors) plus ``N`` other answers chosen by a
seeded hash, and the starter pack.

Usage:
    OMP_NUM_THREADS=1 python benchmarks/eval_consumer_questions.py --store DIR [--build 2500]
        [--questions FILE] [--misses]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from knowledge import KnowledgeConfig, pack_path
from knowledge.consumer_eval import CONFIGURATIONS, format_scores, load_questions, score
from knowledge.loaders import load_paths
from knowledge.retrieval import Retriever

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "retrieval"
MEDQUAD = ROOT / ".." / "shared" / "data" / "knowledge" / "medquad"


def build(kb: Retriever, distractors: int, seed: int = 7) -> None:
    """Ingest the pack, every answer on an asked condition, and ``distractors`` other answers."""
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
    started = time.perf_counter()
    kb.ingest_paths([pack_path()])
    report = kb.ingest_documents(same + others[:distractors])
    print(f"built: {report.summary()} in {time.perf_counter() - started:.0f} s")


def main() -> None:
    """Parse arguments, optionally build the store, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--build", type=int, default=None, help="ingest the subset with N distractors first")
    parser.add_argument("--questions", type=Path, default=DATA / "consumer_questions.json")
    parser.add_argument("--misses", action="store_true", help="list the questions missed at 5")
    parser.add_argument(
        "--all-sources", action="store_true", help="let unjudged sources (the pack) compete too"
    )
    args = parser.parse_args()
    kb = Retriever(KnowledgeConfig(chroma_path=args.store))
    if args.build is not None:
        build(kb, args.build)
    stats = kb.stats()
    print(f"store: {stats['documents']} documents, {stats['chunks']} chunks {stats['by_type']}")
    questions = load_questions(args.questions)
    kb.search("warm-up", k=1)
    flt = None if args.all_sources else {"doc_type": "medquad"}
    scores = [score(kb, questions, c, p, flt) for c in CONFIGURATIONS for p in ("real", "paraphrase")]
    print(format_scores(scores))
    if args.misses:
        for s in scores:
            print(f"missed at 5 ({s.label}, {s.phrasing}): {' '.join(s.misses)}")


if __name__ == "__main__":
    main()
