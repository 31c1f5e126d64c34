"""Hybrid retrieval with provenance: dense (Chroma) + BM25 (SQLite FTS5), fused by RRF.

:class:`Retriever` is the library's entry point. One instance per process is cheap to share:
searches run concurrently from many threads (each thread gets its own SQLite connection, the
embedder and Chroma are read-only during search), while ingests and deletions are serialised.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from knowledge.chunking import Chunker
from knowledge.config import KnowledgeConfig
from knowledge.documents import Chunk, Document, Passage, Provenance, Section
from knowledge.embeddings import Embedder, Vectors, load_embedder
from knowledge.filters import Filters, parse_filters
from knowledge.focus_rank import rerank_by_focus
from knowledge.fusion import DEFAULT_RRF_K, GUARDED_RRF_K, guarded_rank_fusion, reciprocal_rank_fusion
from knowledge.index_status import IndexStatus, index_status, open_lexical_index
from knowledge.ingest import Ingestor, IngestReport, Progress
from knowledge.lexical import ChunkRecord
from knowledge.lexicon import LAY_TO_CLINICAL
from knowledge.loaders import load_paths
from knowledge.query import QueryFocus, extract_focus
from knowledge.rerank import Reranker, load_reranker
from knowledge.vector_store import ChromaStore

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "lexical"]
Fusion = Literal["guarded", "rrf"]
MIN_CANDIDATES = 30
_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^a-z0-9\-]+")


@dataclass(frozen=True)
class Candidates:
    """Ranked ``(chunk_id, score)`` lists from each retriever, before fusion."""

    dense: list[tuple[str, float]]
    lexical: list[tuple[str, float]]


def fuse(candidates: Candidates, mode: Mode, rrf_k: int | None = None,
         fusion: Fusion = "guarded") -> list[tuple[str, float]]:  # fmt: skip
    """Order candidates for a mode: both lists fused (hybrid) or one list as it is.

    ``fusion="guarded"`` (default) is :func:`~knowledge.fusion.guarded_rank_fusion`: each
    retriever's first hit stays on top; ``"rrf"`` is plain reciprocal rank fusion (k = 60).
    """
    lists = [[i for i, _ in candidates.dense], [i for i, _ in candidates.lexical]]
    match mode:
        case "dense":
            return candidates.dense
        case "lexical":
            return candidates.lexical
        case "hybrid" if fusion == "guarded":
            return guarded_rank_fusion(lists, k=GUARDED_RRF_K if rrf_k is None else rrf_k)
        case "hybrid":
            return reciprocal_rank_fusion(lists, k=DEFAULT_RRF_K if rrf_k is None else rrf_k)
    raise ValueError(f"unknown retrieval mode {mode!r}")


def _passage(record: ChunkRecord, score: float, scores: dict[str, float]) -> Passage:
    prov = record.provenance
    return Passage(
        chunk_id=record.chunk_id,
        source_id=record.source_id,
        title=prov["title"],
        publisher=prov.get("publisher"),
        url=prov.get("url"),
        doi=prov.get("doi"),
        date=prov.get("date"),
        section=record.section,
        licence=prov.get("licence"),
        doc_type=prov["doc_type"],
        text=record.text,
        origin=prov.get("origin"),
        references=prov.get("references") or [],
        extra=prov.get("extra") or {},
        is_project_summary=bool(prov.get("is_project_summary")),
        population=prov.get("population"),
        facts=prov.get("facts"),
        score=score,
        scores=scores,
    )


class Retriever:
    """The knowledge base: ingest sources, search them, delete them, report on them."""

    def __init__(self, config: KnowledgeConfig, embedder: Embedder | None = None,
                 reranker: Reranker | None = None, rrf_k: int | None = None,
                 fusion: Fusion = "guarded") -> None:  # fmt: skip
        """Open (or create) the store and catalogue and load the models.

        Args:
            config: Where the store lives and which local models to use.
            embedder: An already loaded embedder to share; loaded from the config if ``None``.
            reranker: An already loaded cross-encoder; loaded from ``config.reranker_path``
                when that is set and this is ``None``.
            rrf_k: The rank-fusion constant (default: 10 guarded, 60 plain RRF).
            fusion: ``"guarded"`` rank fusion (default) or plain ``"rrf"``.

        Raises:
            EmbeddingModelNotFoundError: No local embedding model.
            RerankerNotFoundError: ``reranker_path`` is set but holds no model.
            VectorStoreError: The store cannot be opened or was built with another embedder.
        """
        self.config = config
        self.embedder = embedder or load_embedder(
            config.embedding_model_path, config.device, config.embedding_precision
        )
        if reranker is None and config.reranker_path is not None:
            reranker = load_reranker(config.reranker_path, config.device)
        self.reranker = reranker
        self.rrf_k = rrf_k
        self.fusion: Fusion = fusion
        self._vocabulary: tuple[frozenset[str], frozenset[str]] | None = None
        self.store = ChromaStore(config, self.embedder.name, self.embedder.dimension)
        self.index = open_lexical_index(config)
        self._ingestor = Ingestor(self.store, self.index, self.embedder, Chunker())
        self._write_lock = threading.RLock()
        self._lexical_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bm25")

    # -- search ----------------------------------------------------------------------------
    def vocabulary(self) -> tuple[frozenset[str], frozenset[str]]:
        """Condition names (short document titles) and their words, for focus extraction.

        Read once from the catalogue and kept until the next ingest or deletion.
        """
        if self._vocabulary is None:
            names: set[str] = set()
            for title in self.index.titles():
                name = " ".join(_NON_WORD.split(_PARENS.sub(" ", title))).strip()
                if name:
                    names.add(name)
            words = {w for n in names for w in n.split()}
            words |= {w for v in LAY_TO_CLINICAL.values() for w in v.split()}
            self._vocabulary = (frozenset(names), frozenset(words))
        return self._vocabulary

    def focus(self, query: str) -> QueryFocus:
        """The question's focus (condition, question type, focus terms); see :mod:`knowledge.query`."""
        names, words = self.vocabulary()
        return extract_focus(query, names, words)

    def candidates(self, query: str, limit: int, filters: Filters | None = None,
                   vector: Vectors | None = None, mode: Mode = "hybrid",
                   lexical_query: str | None = None) -> Candidates:  # fmt: skip
        """Ranked candidates from the dense and lexical retrievers (what ``mode`` needs).

        ``query`` is embedded for the dense search; ``lexical_query`` (default ``query``)
        is the BM25 query.
        """
        flt = filters or Filters()
        lex = lexical_query if lexical_query else query
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        # BM25 runs in SQLite and the query embedding in torch; both release the GIL, so
        # in hybrid mode the lexical search overlaps the embedding and the vector search.
        pending = self._lexical_pool.submit(self.index.search, lex, limit, flt) if mode == "hybrid" else None
        if mode in ("hybrid", "dense"):
            vec = self.embedder.embed_query(query) if vector is None else vector
            dense = self.store.query(vec, limit, flt.to_chroma())
        if pending is not None:
            lexical = pending.result()
        elif mode == "lexical":
            lexical = self.index.search(lex, limit, flt)
        return Candidates(dense, lexical)

    def search(self, query: str, k: int | None = None, filters: Mapping[str, Any] | None = None,
               mode: Mode = "hybrid", rerank: bool = True, focus: bool = True,
               fusion: Fusion | None = None) -> list[Passage]:  # fmt: skip
        """Find the passages that best answer ``query``, numbered 1..k for citation.

        Args:
            query: A question or statement in plain words.
            k: Passages wanted (default ``config.top_k``).
            filters: Metadata filters (see :mod:`knowledge.filters`), e.g.
                ``{"doc_type": "guideline_note", "date_from": "2015"}``.
            mode: ``"hybrid"`` (RRF of dense and BM25), ``"dense"`` or ``"lexical"``.
            rerank: Rerank the fused candidates with the cross-encoder, when one is loaded.
            focus: Read the question's focus first (:meth:`focus`): search with its focus
                terms and a clean rephrasing, then favour passages about that condition
                and question type. ``False`` searches the text as given.
            fusion: Override the retriever's fusion (``"guarded"`` or ``"rrf"``).

        Returns:
            Passages best first, with provenance, per-stage scores and ``number`` 1..k.
            Passages with identical text from different sources are collapsed to the best one.

        Raises:
            InvalidFilterError: A filter names an unknown field or has a bad value.
        """
        k = self.config.top_k if k is None else k
        if k <= 0 or not query.strip():
            return []
        flt = parse_filters(filters)
        started = time.perf_counter()
        qf = self.focus(query) if focus else None
        dense_q = qf.dense_query if qf is not None else query
        lexical_q = query
        if qf is not None and qf.terms and mode != "dense":
            lexical_q = " ".join(self.index.drop_common_terms(qf.terms))
        cand = self.candidates(dense_q, max(4 * k, MIN_CANDIDATES), flt, mode=mode, lexical_query=lexical_q)
        ranked = fuse(cand, mode, self.rrf_k, fusion or self.fusion)
        records = self.index.get_chunks(i for i, _ in ranked)
        passages = rerank_by_focus(self._collapse(ranked, records, cand), qf)
        if rerank and self.reranker is not None and passages:
            passages = self._rerank(query, passages[: max(2 * k, 20)])
        passages = passages[:k]
        for number, passage in enumerate(passages, start=1):
            passage.number = number
        logger.debug("search k=%d mode=%s in %.1f ms", k, mode, 1e3 * (time.perf_counter() - started))
        return passages

    def _collapse(self, ranked: Sequence[tuple[str, float]], records: Mapping[str, ChunkRecord],
                  cand: Candidates) -> list[Passage]:  # fmt: skip
        dense = {i: (r, s) for r, (i, s) in enumerate(cand.dense, start=1)}
        lexical = {i: (r, s) for r, (i, s) in enumerate(cand.lexical, start=1)}
        seen: set[str] = set()
        out: list[Passage] = []
        for chunk_id, score in ranked:
            record = records.get(chunk_id)
            if record is None or record.text_hash in seen:
                continue
            seen.add(record.text_hash)
            scores = {"fused": score}
            if chunk_id in dense:
                scores["dense_rank"], scores["dense"] = float(dense[chunk_id][0]), dense[chunk_id][1]
            if chunk_id in lexical:
                scores["bm25_rank"], scores["bm25"] = float(lexical[chunk_id][0]), lexical[chunk_id][1]
            out.append(_passage(record, score, scores))
        return out

    def _rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        assert self.reranker is not None
        scores = self.reranker.score(query, [f"{p.title}\n{p.text}" for p in passages])
        for passage, score in zip(passages, scores, strict=True):
            passage.scores["rerank"] = score
            passage.score = score
        return sorted(passages, key=lambda p: -p.score)

    # -- writes ----------------------------------------------------------------------------
    def ingest_paths(self, paths: Iterable[Path | str], progress: Progress | None = None) -> IngestReport:
        """Load and ingest files and folders; malformed files are reported, the rest ingested.

        Args:
            paths: Files and folders (walked recursively).
            progress: Called with (documents done, total) while embedding.

        Returns:
            The report (``errors`` lists each file that failed and why).
        """
        started = time.perf_counter()
        resolved = [Path(p).resolve() for p in paths]
        loaded = load_paths(resolved)
        report = IngestReport(files=loaded.files, skipped_empty=loaded.skipped_empty)
        report.errors = [str(e) for e in loaded.errors]
        with self._write_lock:
            self._ingestor.ingest(loaded.documents, report, progress)
            failed = {str(getattr(e, "path", "")) for e in loaded.errors}
            by_origin: dict[str, set[str]] = {}
            for doc in loaded.documents:
                by_origin.setdefault(doc.origin or "", set()).add(doc.source_id)
            for origin, present in by_origin.items():
                if origin and origin not in failed:
                    report.removed += self._ingestor.prune_origin(origin, present)
        self._vocabulary = None
        self.index.forget_term_stats()
        report.seconds = time.perf_counter() - started
        logger.info("ingest: %s", report.summary())
        return report

    def ingest_documents(
        self, documents: Sequence[Document], progress: Progress | None = None
    ) -> IngestReport:
        """Ingest already loaded :class:`~knowledge.documents.Document` objects."""
        with self._write_lock:
            self._vocabulary = None
            self.index.forget_term_stats()
            return self._ingestor.ingest(documents, progress=progress)

    def delete_source(self, source_id: str) -> int:
        """Remove one document and all its chunks from both indexes; returns chunks removed."""
        with self._write_lock:
            self._vocabulary = None
            self.index.forget_term_stats()
            return self._ingestor.delete_source(source_id)

    def stats(self) -> dict[str, Any]:
        """Documents and chunks (total and per type), vector count, store locations, models."""
        counts = self.index.counts()
        counts.update(
            vectors=self.store.count(),
            collection=self.store.name,
            vector_mode=self.config.vector_mode,
            chroma_path=str(self.config.chroma_path),
            lexical_backend=self.index.backend,
            lexical_index=self.index.location,
            embedding_model=str(self.embedder.path),
            reranker=str(self.reranker.path) if self.reranker else None,
        )
        return counts

    def status(self) -> IndexStatus:
        """Chunk counts of the catalogue and the vector store: empty, stale or ok."""
        return index_status(self.config, self.index, self.store.count())

    def rebuild_lexical_index(self, page: int = 2000, clear: bool = False) -> int:
        """Rebuild the catalogue and keyword index from the vectors' stored metadata.

        For a new application host in front of an existing Chroma server, after the
        SQLite file was lost, or when moving the index into PostgreSQL. Rebuilt documents
        get a placeholder content hash, so the next ingest of their files rewrites them once.

        Args:
            page: Vectors read per page.
            clear: Empty the catalogue first, so chunks the vector store no longer holds go too.

        Returns:
            The number of chunks indexed.
        """
        done = 0
        if clear:
            self.index.clear()
        self._vocabulary = None
        self.index.forget_term_stats()
        with self._write_lock:
            while True:
                batch = self.store.get_page(done, page)
                if not batch["ids"]:
                    return done
                by_source: dict[str, list[Chunk]] = {}
                for cid, text, meta in zip(batch["ids"], batch["documents"], batch["metadatas"], strict=True):
                    prov = Provenance.model_validate_json(str(meta["provenance"]))
                    chunk = Chunk(chunk_id=cid, ordinal=int(meta.get("ordinal", 0)),
                                  section=meta.get("section"), text=text, provenance=prov)  # fmt: skip
                    by_source.setdefault(prov.source_id, []).append(chunk)
                with self.index.transaction() as conn:
                    for chunks in by_source.values():
                        prov = chunks[0].provenance
                        known = set(self.index.chunk_ids(prov.source_id))
                        chunks = [c for c in chunks if c.chunk_id not in known] + self._stored(known)
                        chunks.sort(key=lambda c: c.ordinal)
                        doc = Document(**prov.model_dump(), sections=(Section(text="(rebuilt)"),))
                        self.index.write_document(conn, doc, chunks)
                done += len(batch["ids"])

    def _stored(self, chunk_ids: set[str]) -> list[Chunk]:
        records = self.index.get_chunks(chunk_ids)
        return [
            Chunk(chunk_id=r.chunk_id, ordinal=r.ordinal, section=r.section, text=r.text,
                  provenance=Provenance.model_validate(r.provenance))
            for r in records.values()
        ]  # fmt: skip

    def optimize(self) -> None:
        """Compact the BM25 index after a large ingest."""
        with self._write_lock:
            self.index.optimize()
