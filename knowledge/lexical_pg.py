"""The catalogue and full-text index in PostgreSQL, for deployments of several hosts.

The same contract as :class:`knowledge.lexical.LexicalIndex` (chunk records, the ingest
manifest, ranked keyword search), held in three tables of a PostgreSQL database that
every app and worker host reaches, so a new host needs no local file to find evidence.
Ranking uses a stored, weighted ``tsvector`` (title A, section B, text C; English
stemming) under a GIN index, scored with ``ts_rank_cd`` (cover density) over an OR of
the query's terms: the same terms the SQLite backend hands FTS5's BM25.

Every collection shares the tables, keyed by a ``collection`` column; the tables are
created on first use under an advisory lock, so hosts starting together do not race.
The library takes a database URL, never the application's settings or engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, create_engine, text

from knowledge.documents import Chunk, Document
from knowledge.errors import KnowledgeError
from knowledge.filters import Filters, date_key
from knowledge.lexical import ChunkRecord, TermStats, query_terms

#: ``ts_rank_cd`` weights for D, C, B, A: text (C) and section (B) half of the title (A),
#: as the SQLite backend's BM25 column weights (2, 1, 1).
RANK_WEIGHTS = "{0.1, 0.5, 0.5, 1.0}"
TS_CONFIG = "english"
_LOCK_ID = 0x6B6E6F77  # 'know': serialises table creation across hosts

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS knowledge_meta(
    collection TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (collection, key));
CREATE TABLE IF NOT EXISTS knowledge_documents(
    collection TEXT NOT NULL, source_id TEXT NOT NULL, origin TEXT, content_hash TEXT NOT NULL,
    doc_type TEXT NOT NULL, n_chunks INTEGER NOT NULL, ingested_at TEXT NOT NULL,
    PRIMARY KEY (collection, source_id));
CREATE INDEX IF NOT EXISTS knowledge_documents_origin ON knowledge_documents(collection, origin);
CREATE TABLE IF NOT EXISTS knowledge_chunks(
    id BIGSERIAL PRIMARY KEY, collection TEXT NOT NULL, chunk_id TEXT NOT NULL,
    source_id TEXT NOT NULL, ordinal INTEGER NOT NULL, title TEXT NOT NULL, section TEXT,
    text TEXT NOT NULL, text_hash TEXT NOT NULL, doc_type TEXT NOT NULL, publisher TEXT,
    licence TEXT, date_key INTEGER, provenance TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('{TS_CONFIG}', title), 'A') ||
        setweight(to_tsvector('{TS_CONFIG}', coalesce(section, '')), 'B') ||
        setweight(to_tsvector('{TS_CONFIG}', text), 'C')) STORED,
    UNIQUE (collection, chunk_id));
CREATE INDEX IF NOT EXISTS knowledge_chunks_source ON knowledge_chunks(collection, source_id);
CREATE INDEX IF NOT EXISTS knowledge_chunks_tsv ON knowledge_chunks USING GIN (tsv);
"""


def ts_query(query: str) -> str | None:
    """A ``to_tsquery`` OR-expression of the query's terms (letters and digits only, so safe)."""
    terms = query_terms(query)
    return " | ".join(terms) if terms else None


class PostgresLexicalIndex(TermStats):
    """Catalogue and full-text index in PostgreSQL tables shared by every host."""

    backend = "postgresql"

    def __init__(self, url: str, collection: str) -> None:
        super().__init__()
        if not url.startswith("postgresql"):
            raise KnowledgeError(
                f"the PostgreSQL full-text index needs a postgresql:// URL, not {url.split(':')[0]!r}"
            )
        self.collection = collection
        self.engine = create_engine(url, pool_pre_ping=True, future=True)
        try:
            with self.engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    conn.execute(text(statement))
        except Exception as e:
            url_safe = self.engine.url.render_as_string(hide_password=True)
            raise KnowledgeError(
                f"cannot open the full-text index in PostgreSQL at {url_safe} ({type(e).__name__}: "
                f"{str(e).splitlines()[0] if str(e) else ''}); check the database URL and that it is up"
            ) from e

    @property
    def location(self) -> str:
        """Where the catalogue lives (for status lines), without the password."""
        return f"{self.engine.url.render_as_string(hide_password=True)} (collection {self.collection})"

    def _rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), {"c": self.collection, **params}).all())

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction on one connection."""
        with self.engine.begin() as conn:
            yield conn

    # -- metadata --------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A value from the key/value metadata table."""
        rows = self._rows("SELECT value FROM knowledge_meta WHERE collection = :c AND key = :k", k=key)
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a metadata value."""
        with self.transaction() as conn:
            conn.execute(
                text(
                    "INSERT INTO knowledge_meta(collection, key, value) VALUES (:c, :k, :v) "
                    "ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value"
                ),
                {"c": self.collection, "k": key, "v": value},
            )

    # -- manifest --------------------------------------------------------------------------
    def document_hashes(self, source_ids: Sequence[str]) -> dict[str, str]:
        """Content hashes of the given documents that are already ingested."""
        rows = self._rows(
            "SELECT source_id, content_hash FROM knowledge_documents "
            "WHERE collection = :c AND source_id = ANY(:ids)",
            ids=list(source_ids),
        )
        return {str(s): str(h) for s, h in rows}

    def sources_from_origin(self, origin: str) -> list[str]:
        """Ids of documents previously loaded from this file."""
        sql = "SELECT source_id FROM knowledge_documents WHERE collection = :c AND origin = :o"
        return [str(r[0]) for r in self._rows(sql, o=origin)]

    def chunk_ids(self, source_id: str) -> list[str]:
        """Chunk ids of one document, in order."""
        sql = (
            "SELECT chunk_id FROM knowledge_chunks WHERE collection = :c AND source_id = :s ORDER BY ordinal"
        )
        return [str(r[0]) for r in self._rows(sql, s=source_id)]

    def write_document(self, conn: Connection, doc: Document, chunks: list[Chunk]) -> None:
        """Replace a document's chunks and manifest row (inside :meth:`transaction`)."""
        c = self.collection
        conn.execute(
            text("DELETE FROM knowledge_chunks WHERE collection = :c AND source_id = :s"),
            {"c": c, "s": doc.source_id},
        )
        date = date_key(doc.date)
        rows = [
            {"c": c, "chunk_id": ch.chunk_id, "source_id": doc.source_id, "ordinal": ch.ordinal,
             "title": doc.title, "section": ch.section, "text": ch.text, "text_hash": ch.text_hash,
             "doc_type": doc.doc_type, "publisher": doc.publisher, "licence": doc.licence, "date_key": date,
             "provenance": json.dumps(ch.provenance.model_dump(mode="json"), ensure_ascii=False)}
            for ch in chunks
        ]  # fmt: skip
        if rows:
            conn.execute(
                text(
                    "INSERT INTO knowledge_chunks(collection, chunk_id, source_id, ordinal, title, section, "
                    "text, text_hash, doc_type, publisher, licence, date_key, provenance) VALUES (:c, "
                    ":chunk_id, :source_id, :ordinal, :title, :section, :text, :text_hash, :doc_type, "
                    ":publisher, :licence, :date_key, :provenance) ON CONFLICT (collection, chunk_id) "
                    "DO UPDATE SET source_id = excluded.source_id, ordinal = excluded.ordinal, "
                    "title = excluded.title, section = excluded.section, text = excluded.text, "
                    "text_hash = excluded.text_hash, doc_type = excluded.doc_type, "
                    "publisher = excluded.publisher, licence = excluded.licence, "
                    "date_key = excluded.date_key, provenance = excluded.provenance"
                ),
                rows,
            )
        conn.execute(
            text(
                "INSERT INTO knowledge_documents(collection, source_id, origin, content_hash, doc_type, "
                "n_chunks, ingested_at) VALUES (:c, :s, :o, :h, :t, :n, :at) "
                "ON CONFLICT (collection, source_id) DO UPDATE SET origin = excluded.origin, "
                "content_hash = excluded.content_hash, doc_type = excluded.doc_type, "
                "n_chunks = excluded.n_chunks, ingested_at = excluded.ingested_at"
            ),
            {"c": c, "s": doc.source_id, "o": doc.origin, "h": doc.content_hash(), "t": doc.doc_type,
             "n": len(chunks), "at": datetime.now(UTC).isoformat(timespec="seconds")},
        )  # fmt: skip

    def delete_source(self, conn: Connection, source_id: str) -> int:
        """Remove a document and its chunks (inside :meth:`transaction`); returns chunks removed."""
        params = {"c": self.collection, "s": source_id}
        removed = conn.execute(
            text("DELETE FROM knowledge_chunks WHERE collection = :c AND source_id = :s"), params
        ).rowcount
        conn.execute(text("DELETE FROM knowledge_documents WHERE collection = :c AND source_id = :s"), params)
        return int(removed)

    # -- reads -----------------------------------------------------------------------------
    def get_chunks(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]:
        """Stored chunks by id (unknown ids are absent from the result)."""
        ids = list(dict.fromkeys(chunk_ids))
        if not ids:
            return {}
        rows = self._rows(
            "SELECT chunk_id, source_id, ordinal, section, text, text_hash, provenance "
            "FROM knowledge_chunks WHERE collection = :c AND chunk_id = ANY(:ids)",
            ids=ids,
        )
        return {r[0]: ChunkRecord(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows}

    def search(self, query: str, limit: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """Full-text search: ``(chunk_id, ts_rank_cd score)`` best first."""
        tsq = ts_query(query)
        if tsq is None or limit <= 0:
            return []
        where, params = (filters or Filters()).to_sql("k")
        names = [f"f{i}" for i in range(len(params))]
        for name in names:  # the filter's ``?`` placeholders, in order, as named parameters
            where = where.replace("?", f":{name}", 1)
        where = "TRUE" if where == "1" else where
        sql = (
            f"SELECT k.chunk_id, ts_rank_cd('{RANK_WEIGHTS}', k.tsv, q) AS s "  # noqa: S608
            f"FROM knowledge_chunks k, to_tsquery('{TS_CONFIG}', :q) q "
            f"WHERE k.collection = :c AND k.tsv @@ q AND {where} ORDER BY s DESC, k.id LIMIT :n"
        )
        rows = self._rows(sql, q=tsq, n=limit, **dict(zip(names, params, strict=True)))
        return [(str(cid), float(score)) for cid, score in rows]

    def counts(self) -> dict[str, Any]:
        """Documents and chunks, in total and per document type."""
        per_type = {
            str(t): {"documents": int(d), "chunks": int(n or 0)}
            for t, d, n in self._rows(
                "SELECT doc_type, COUNT(*), SUM(n_chunks) FROM knowledge_documents "
                "WHERE collection = :c GROUP BY doc_type"
            )
        }
        documents = self._rows("SELECT COUNT(*) FROM knowledge_documents WHERE collection = :c")[0][0]
        return {"documents": int(documents), "chunks": self._count_chunks(), "by_type": per_type}

    def _count_term(self, term: str) -> int:
        sql = (
            "SELECT COUNT(*) FROM knowledge_chunks "  # noqa: S608 - a constant config name
            f"WHERE collection = :c AND tsv @@ to_tsquery('{TS_CONFIG}', :q)"
        )
        return int(self._rows(sql, q=ts_query(term))[0][0])

    def _count_chunks(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM knowledge_chunks WHERE collection = :c")[0][0])

    def titles(self, max_words: int = 6) -> set[str]:
        """Distinct lower-case document titles of at most ``max_words`` words (condition names)."""
        rows = self._rows("SELECT DISTINCT lower(title) FROM knowledge_chunks WHERE collection = :c")
        return {str(t).strip() for (t,) in rows if t and len(str(t).split()) <= max_words}

    def iter_chunk_rows(self, batch: int = 1000) -> Iterator[list[ChunkRecord]]:
        """All stored chunks in batches (for re-embedding or exporting)."""
        last = 0
        while True:
            rows = self._rows(
                "SELECT id, chunk_id, source_id, ordinal, section, text, text_hash, provenance "
                "FROM knowledge_chunks WHERE collection = :c AND id > :last ORDER BY id LIMIT :n",
                last=last,
                n=batch,
            )
            if not rows:
                return
            last = rows[-1][0]
            yield [ChunkRecord(r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7])) for r in rows]

    def optimize(self) -> None:
        """Refresh the planner's statistics after a large ingest (GIN needs no merging)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE knowledge_chunks"))

    def clear(self) -> None:
        """Remove this collection's documents and chunks (before a full reindex)."""
        with self.transaction() as conn:
            for table in ("knowledge_chunks", "knowledge_documents"):
                conn.execute(text(f"DELETE FROM {table} WHERE collection = :c"), {"c": self.collection})  # noqa: S608
        self.forget_term_stats()

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()
