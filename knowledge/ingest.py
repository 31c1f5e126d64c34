"""Ingest: load, chunk, embed and write documents, incrementally.

A document whose content hash is unchanged is skipped; a changed one has its chunks replaced;
a document that disappeared from a re-ingested file is removed. Vectors are written to Chroma
before the catalogue row is committed, so an interrupted ingest is redone on the next run
rather than leaving a document marked as ingested without vectors.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.chunking import Chunker
from knowledge.documents import Chunk, Document
from knowledge.embeddings import Embedder
from knowledge.filters import date_key
from knowledge.index_status import Catalogue
from knowledge.vector_store import ChromaStore

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
DOC_BATCH = 256


@dataclass
class IngestReport:
    """What an ingest did, with counts and timing."""

    files: int = 0
    documents: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks_written: int = 0
    skipped_empty: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def chunks_per_s(self) -> float:
        """Chunks written per second of wall time."""
        return self.chunks_written / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """One line for logs and the CLI."""
        return (
            f"{self.files} files, {self.documents} documents ({self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.removed} removed, "
            f"{self.skipped_empty} empty skipped), {self.chunks_written} chunks in "
            f"{self.seconds:.1f} s ({self.chunks_per_s:.1f} chunks/s), {len(self.errors)} errors"
        )


def chroma_metadata(chunk: Chunk) -> dict[str, Any]:
    """Filterable scalar metadata stored with a vector (Chroma refuses ``None`` values).

    The full provenance is kept as JSON, so the catalogue can be rebuilt from the store.
    """
    prov = chunk.provenance
    meta: dict[str, Any] = {
        "source_id": prov.source_id,
        "doc_type": prov.doc_type,
        "title": prov.title,
        "ordinal": chunk.ordinal,
        "text_hash": chunk.text_hash,
        "provenance": json.dumps(prov.model_dump(mode="json"), ensure_ascii=False),
    }
    optional = {
        "publisher": prov.publisher,
        "licence": prov.licence,
        "section": chunk.section,
        "date_key": date_key(prov.date),
    }
    meta.update({k: v for k, v in optional.items() if v is not None})
    return meta


class Ingestor:
    """Writes documents into the vector store and the catalogue."""

    def __init__(self, store: ChromaStore, index: Catalogue, embedder: Embedder,
                 chunker: Chunker | None = None) -> None:  # fmt: skip
        self.store = store
        self.index = index
        self.embedder = embedder
        self.chunker = chunker or Chunker()

    def _write_batch(self, docs: Sequence[Document], report: IngestReport) -> None:
        per_doc = [(doc, self.chunker.chunk(doc)) for doc in docs]
        chunks = [c for _, cs in per_doc for c in cs]
        vectors = self.embedder.embed([c.embedding_text() for c in chunks])
        self.store.upsert(
            [c.chunk_id for c in chunks],
            vectors,
            [chroma_metadata(c) for c in chunks],
            [c.text for c in chunks],
        )
        stale: list[str] = []
        for doc, doc_chunks in per_doc:
            keep = {c.chunk_id for c in doc_chunks}
            stale.extend(i for i in self.index.chunk_ids(doc.source_id) if i not in keep)
        self.store.delete(stale)
        with self.index.transaction() as conn:
            for doc, doc_chunks in per_doc:
                self.index.write_document(conn, doc, doc_chunks)
        report.chunks_written += len(chunks)

    def ingest(self, documents: Sequence[Document], report: IngestReport | None = None,
               progress: Progress | None = None) -> IngestReport:  # fmt: skip
        """Ingest documents, skipping those whose content hash is unchanged.

        Args:
            documents: Documents to ingest (a repeated ``source_id`` keeps the last one).
            report: A report to add to (a new one if ``None``).
            progress: Called with (documents done, total) after each batch.

        Returns:
            The report.
        """
        report = report or IngestReport()
        started = time.perf_counter()
        unique = list({d.source_id: d for d in documents}.values())
        report.documents += len(unique)
        known = self.index.document_hashes([d.source_id for d in unique])
        pending: list[Document] = []
        for doc in unique:
            old = known.get(doc.source_id)
            if old == doc.content_hash():
                report.unchanged += 1
                continue
            pending.append(doc)
            if old is None:
                report.added += 1
            else:
                report.updated += 1
        for start in range(0, len(pending), DOC_BATCH):
            self._write_batch(pending[start : start + DOC_BATCH], report)
            if progress is not None:
                progress(min(start + DOC_BATCH, len(pending)), len(pending))
        report.seconds += time.perf_counter() - started
        return report

    def delete_source(self, source_id: str) -> int:
        """Delete one document's vectors and catalogue rows; returns chunks removed."""
        ids = self.index.chunk_ids(source_id)
        self.store.delete(ids)
        with self.index.transaction() as conn:
            return self.index.delete_source(conn, source_id)

    def prune_origin(self, origin: str, present: set[str]) -> int:
        """Delete documents once loaded from ``origin`` that the file no longer contains."""
        gone = [s for s in self.index.sources_from_origin(origin) if s not in present]
        for source_id in gone:
            self.delete_source(source_id)
        return len(gone)
