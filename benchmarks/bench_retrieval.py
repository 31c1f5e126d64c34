"""Retrieval benchmark: ingest throughput, and query latency at 100k chunks.

1. Ingest throughput: the starter pack and a slice of MedQuAD are loaded, chunked, embedded
   and written for real (chunks/s).
2. Scale: synthetic chunks are added until the store holds ``--chunks`` (default 100,000).
   Their text is made of real MedQuAD sentences shuffled into new passages; their vectors are
   normalised mixtures of two real chunk embeddings plus noise, so the HNSW graph and the BM25
   postings look like a real corpus without running the model 100k times on 2 CPU cores.
3. Query latency: ``--queries`` real MedQuAD questions are searched with ``k=6`` (hybrid:
   focus extraction + query embedding + Chroma + FTS5 BM25 of the focus terms without very
   common ones + guarded fusion + hydration + focus rerank), first at the base size, then at
   full size; p50/p95 are printed with the ratio to the base-size figures measured in the same
   process, and each stage is timed inside the real search (focus, term-frequency pruning,
   query embedding, Chroma, FTS5, fusion, catalogue lookup, focus rerank).
4. Baseline: each question is also searched by the old path (:func:`legacy_search`: no
   spelling, condition-name or query-vector cache, float32 ``encode`` for the query, a count
   before each vector search), interleaved with the new one, and the new/old ratio is
   printed. Then the same
   questions are searched again (query vector cached, as for a repeated question).

Usage: python benchmarks/bench_retrieval.py [--chunks 100000] [--queries 200] [--out DIR]
       python benchmarks/bench_retrieval.py --out DIR --reuse   (time an existing store)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import knowledge.query as query_mod
from knowledge import KnowledgeConfig, focus_rank, pack_path, retrieval
from knowledge.documents import Chunk, Document, Provenance, Section, chunk_id_for
from knowledge.embeddings import Embedder
from knowledge.filters import Filters
from knowledge.ingest import chroma_metadata
from knowledge.loaders import load_paths
from knowledge.retrieval import Retriever

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "knowledge"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values."""
    return float(np.percentile(np.asarray(values), q))


class StageClock:
    """Wraps a retriever's stages with timers; each search's per-stage milliseconds are kept.

    The lexical search runs on a worker thread while the query is embedded and the vector
    search runs, so the stages of one search add up to more than its wall time.
    """

    STAGES = ("focus", "df", "embed", "dense", "bm25", "fuse", "hydrate", "rerank")

    def __init__(self, kb: Retriever) -> None:
        self.current: dict[str, float] = {}
        kb.focus = self._timed("focus", kb.focus)  # type: ignore[method-assign]
        kb.index.drop_common_terms = self._timed("df", kb.index.drop_common_terms)  # type: ignore[method-assign]
        kb.embedder.embed_query = self._timed("embed", kb.embedder.embed_query)  # type: ignore[method-assign]
        kb.store.query = self._timed("dense", kb.store.query)  # type: ignore[method-assign]
        kb.index.search = self._timed("bm25", kb.index.search)  # type: ignore[method-assign]
        kb.index.get_chunks = self._timed("hydrate", kb.index.get_chunks)  # type: ignore[method-assign]
        retrieval.fuse = self._timed("fuse", retrieval.fuse)
        retrieval.rerank_by_focus = self._timed("rerank", focus_rank.rerank_by_focus)  # type: ignore[attr-defined]

    def _timed(self, stage: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.current[stage] = self.current.get(stage, 0.0) + 1e3 * (time.perf_counter() - t0)

        return wrapper


def _float32_embedder(kb: Retriever) -> Embedder:
    """The retriever's model as it ran before: float32, through ``encode`` (made once)."""
    fp32: Embedder | None = getattr(kb, "_bench_fp32", None)
    if fp32 is None:
        fp32 = Embedder(kb.embedder._model, kb.embedder.path, precision="float32")
        kb._bench_fp32 = fp32  # type: ignore[attr-defined]
    return fp32


def legacy_search(kb: Retriever, query: str, k: int) -> None:
    """The search path as it was before the latency work, for a same-process baseline.

    Differences from :meth:`Retriever.search`: spelling correction recomputed for every word
    (no per-word cache), the set of known condition names rebuilt for every message, the
    query embedded in float32 through ``SentenceTransformer.encode`` (no lean forward pass,
    no query cache), and the collection counted before every vector search.
    """
    query_mod._closest.cache_clear()
    query_mod._known_names.cache_clear()
    qf = kb.focus(query)
    flt = Filters()
    lexical_q = " ".join(kb.index.drop_common_terms(qf.terms)) if qf.terms else query
    limit = max(4 * k, retrieval.MIN_CANDIDATES)
    pending = kb._lexical_pool.submit(kb.index.search, lexical_q, limit, flt)
    vec = _float32_embedder(kb).embed([qf.dense_query])[0]
    kb.store.count()
    dense = kb.store.query(vec, limit)
    cand = retrieval.Candidates(dense, pending.result())
    ranked = retrieval.fuse(cand, "hybrid", kb.rrf_k, kb.fusion)
    records = kb.index.get_chunks(i for i, _ in ranked)
    focus_rank.rerank_by_focus(kb._collapse(ranked, records, cand), qf)[:k]


def time_queries(kb: Retriever, questions: list[str], legacy: bool = True) -> dict[str, list[float]]:
    """Per-query latency in ms: the current path end to end and per stage, and the old path.

    Each question is searched once by each path (old path first, so the new path's query
    cache is cold), so the load on the machine weighs on both alike.
    """
    clock = getattr(kb, "_bench_clock", None) or StageClock(kb)
    kb._bench_clock = clock  # type: ignore[attr-defined]
    out: dict[str, list[float]] = {"search": [], **{s: [] for s in StageClock.STAGES}}
    if legacy:
        out["old path"] = []
    for q in questions:
        if legacy:
            t0 = time.perf_counter()
            legacy_search(kb, q, 6)
            out["old path"].append(1e3 * (time.perf_counter() - t0))
        clock.current = {}
        t0 = time.perf_counter()
        kb.search(q, k=6)
        out["search"].append(1e3 * (time.perf_counter() - t0))
        for stage in StageClock.STAGES:
            out[stage].append(clock.current.get(stage, 0.0))
    return out


def time_repeats(kb: Retriever, questions: list[str]) -> list[float]:
    """Latency of searching questions already searched (the query vector is cached)."""
    out = []
    for q in questions:
        t0 = time.perf_counter()
        kb.search(q, k=6)
        out.append(1e3 * (time.perf_counter() - t0))
    return out


def report(label: str, timings: dict[str, list[float]], base: dict[str, list[float]] | None) -> None:
    """Print p50/p95 per stage (and the ratio to the base size)."""
    for stage, values in timings.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        ratio = ""
        if base is not None:
            ratio = f"  (x{p50 / percentile(base[stage], 50):.2f} p50 vs base)"
        print(f"  {label:>10} {stage:>8}: p50 {p50:7.2f} ms  p95 {p95:7.2f} ms{ratio}")
    if "old path" in timings:
        old, new = timings["old path"], timings["search"]
        print(f"  {label:>10} new/old: p50 x{percentile(new, 50) / percentile(old, 50):.2f}, "
              f"p95 x{percentile(new, 95) / percentile(old, 95):.2f} (same process)")  # fmt: skip


def synthesise(kb: Retriever, texts: list[str], target: int, seed: int, batch: int = 5000) -> None:
    """Add synthetic chunks until the store holds ``target`` vectors."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    sentences = [s for t in texts for s in _SENTENCE.split(t) if 30 < len(s) < 400]
    base_ids = [i for recs in kb.index.iter_chunk_rows() for i in (r.chunk_id for r in recs)]
    got = kb.store._collection.get(ids=base_ids, include=["embeddings"])
    base_vecs = np.asarray(got["embeddings"], dtype=np.float32)
    n = kb.store.count()
    serial = 0
    while n < target:
        size = min(batch, target - n)
        docs, chunks = [], []
        for _ in range(size):
            serial += 1
            text = " ".join(rng.sample(sentences, rng.randint(3, 7)))
            doc = Document(source_id=f"synthetic:{serial}", title=f"Synthetic passage {serial}",
                           doc_type="synthetic", sections=(Section(text=text),))  # fmt: skip
            prov = Provenance(**doc.model_dump(exclude={"sections"}))
            docs.append(doc)
            chunks.append(Chunk(chunk_id=chunk_id_for(doc.source_id, text), ordinal=0, section=None,
                                text=text, provenance=prov))  # fmt: skip
        a = base_vecs[nrng.integers(0, len(base_vecs), size)]
        b = base_vecs[nrng.integers(0, len(base_vecs), size)]
        vecs = 0.6 * a + 0.4 * b + nrng.normal(0, 0.02, a.shape).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        kb.store.upsert([c.chunk_id for c in chunks], vecs, [chroma_metadata(c) for c in chunks],
                        [c.text for c in chunks])  # fmt: skip
        with kb.index.transaction() as conn:
            for doc, chunk in zip(docs, chunks, strict=True):
                kb.index.write_document(conn, doc, [chunk])
        n = kb.store.count()
        print(f"  synthesised: {n} chunks", flush=True)


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--real-docs", type=int, default=150, help="MedQuAD answers embedded for real")
    parser.add_argument("--out", type=Path, default=None, help="Store folder (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="Time queries on an existing --out store")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    medquad = SHARED / "medquad"
    if not medquad.is_dir():
        raise SystemExit(f"MedQuAD not found at {medquad}")
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    print(f"store: {out}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    loaded = load_paths([medquad]).documents
    rng = random.Random(args.seed)
    if args.reuse:
        kb = Retriever(KnowledgeConfig(chroma_path=out / "chroma", collection="bench"))
        questions = [d.extra["question"] for d in rng.sample(loaded, args.queries)]
        kb.search("warm-up query", k=6)
        print(f"query latency at {kb.store.count()} chunks (k=6, hybrid), target p50 <= 30 ms:")
        report(f"{kb.store.count()}", time_queries(kb, questions), None)
        again = time_repeats(kb, questions)
        print(f"  repeated questions (query vector cached): p50 {percentile(again, 50):.2f} ms "
              f"p95 {percentile(again, 95):.2f} ms")  # fmt: skip
        print(f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        return
    shutil.rmtree(out, ignore_errors=True)
    real = rng.sample(loaded, args.real_docs)
    kb = Retriever(KnowledgeConfig(chroma_path=out / "chroma", collection="bench"))
    t0 = time.perf_counter()
    r1 = kb.ingest_paths([pack_path()])
    r2 = kb.ingest_documents(real)
    secs = time.perf_counter() - t0
    chunks = r1.chunks_written + r2.chunks_written
    print(f"ingest: {r1.documents + r2.documents} documents, {chunks} chunks, {secs:.1f} s, "
          f"{chunks / secs:.1f} chunks/s (load, chunk, embed, write)")  # fmt: skip

    questions = [d.extra["question"] for d in rng.sample(loaded, args.queries)]
    kb.search("warm-up query", k=6)
    base_n = kb.store.count()
    base = time_queries(kb, questions)
    print(f"query latency at {base_n} chunks (k=6, hybrid):")
    report(f"{base_n}", base, None)

    t0 = time.perf_counter()
    synthesise(kb, [d.text for d in loaded], args.chunks, args.seed)
    kb.optimize()
    print(f"synthesised {kb.store.count() - base_n} chunks in {time.perf_counter() - t0:.1f} s")
    kb.embedder._query_vector.cache_clear()  # the same questions: a cold cache, as at base size
    full = time_queries(kb, questions)
    print(f"query latency at {kb.store.count()} chunks (k=6, hybrid), target p50 <= 30 ms:")
    report(f"{kb.store.count()}", full, base)
    print(f"load average now {os.getloadavg()[0]:.1f}; mean search {statistics.mean(full['search']):.2f} ms")


if __name__ == "__main__":
    main()
