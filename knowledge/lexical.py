"""The local catalogue: chunk records, the ingest manifest and a BM25 index (SQLite FTS5).

One SQLite file next to the vector store holds every chunk's text and provenance, one row per
ingested document (content hash, origin file) for incremental re-ingest, and an FTS5 table
over title, section and text ranked with FTS5's built-in BM25. FTS5 updates incrementally
(no rebuild when a source changes), persists with the file, and answers from an inverted
index, so query cost grows with the postings of the query terms rather than the corpus size.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge.documents import Chunk, Document
from knowledge.filters import Filters, date_key

#: Column weights for FTS5 ``bm25()``: title, section, text.
BM25_WEIGHTS = (2.0, 1.0, 1.0)
MAX_QUERY_TERMS = 32
#: A focus term found in more than this share of chunks is left out of the BM25 query.
COMMON_TERM_SHARE = 0.08

_STOPWORDS_TEXT = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(
    source_id TEXT PRIMARY KEY, origin TEXT, content_hash TEXT NOT NULL,
    doc_type TEXT NOT NULL, n_chunks INTEGER NOT NULL, ingested_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_origin ON documents(origin);
CREATE TABLE IF NOT EXISTS chunks(
    rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, source_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL, title TEXT NOT NULL, section TEXT, text TEXT NOT NULL,
    text_hash TEXT NOT NULL, doc_type TEXT NOT NULL, publisher TEXT, licence TEXT,
    date_key INTEGER, provenance TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source_id);
CREATE INDEX IF NOT EXISTS chunks_doc_type ON chunks(doc_type);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    title, section, text, content='chunks', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, title, section, text)
    VALUES (new.rowid, new.title, new.section, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, title, section, text)
    VALUES ('delete', old.rowid, old.title, old.section, old.text);
END;
"""

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def query_terms(text: str) -> list[str]:
    """The distinct non-stopword word tokens of ``text`` (letters and digits only), in order."""
    terms: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if token not in STOPWORDS and token not in terms and (len(token) > 1 or token.isdigit()):
            terms.append(token)
    return terms[:MAX_QUERY_TERMS]


def fts_query(text: str) -> str | None:
    """An FTS5 OR-query of the distinct non-stopword terms of ``text`` (None if none)."""
    terms = query_terms(text)
    if not terms:
        return None
    return " OR ".join(f'"{t}"' for t in terms)


class TermStats:
    """Document-frequency pruning shared by every catalogue backend.

    Subclasses count the chunks matching one term and all chunks; this class caches the
    counts and drops very common terms from a query.
    """

    def __init__(self) -> None:
        self._df: dict[str, int] = {}

    def _count_term(self, term: str) -> int:
        raise NotImplementedError

    def _count_chunks(self) -> int:
        raise NotImplementedError

    def document_frequency(self, term: str) -> int:
        """Chunks containing ``term`` (cached until :meth:`forget_term_stats`)."""
        if term not in self._df:
            self._df[term] = self._count_term(term) if query_terms(term) else 0
        return self._df[term]

    def forget_term_stats(self) -> None:
        """Drop cached document frequencies (after an ingest or a deletion)."""
        self._df = {}

    def drop_common_terms(self, terms: Sequence[str], max_share: float = COMMON_TERM_SHARE) -> list[str]:
        """``terms`` without those found in more than ``max_share`` of all chunks.

        Very common words ("symptoms", "treatment" in a health corpus) barely change BM25's
        order but dominate its cost, since every chunk that holds them is scored. The
        rarest term is always kept.
        """
        if not terms:
            return []
        if _TOTAL not in self._df:
            self._df[_TOTAL] = self._count_chunks()
        freq = {t: self.document_frequency(t) for t in terms}
        keep = [t for t in terms if freq[t] <= max_share * self._df[_TOTAL]]
        return keep or [min(terms, key=lambda t: freq[t])]


_TOTAL = "\x00total"  # the cache key of the chunk count (never a query term)


@dataclass(frozen=True)
class ChunkRecord:
    """A stored chunk: its text and the provenance JSON written at ingest."""

    chunk_id: str
    source_id: str
    ordinal: int
    section: str | None
    text: str
    text_hash: str
    provenance: dict[str, Any]


class LexicalIndex(TermStats):
    """SQLite catalogue and BM25 index. One connection per thread; writes are serialised."""

    backend = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        with self._write_lock, self._conn() as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @property
    def _db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        yield self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (serialised across threads of this process)."""
        with self._write_lock:
            conn = self._db
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- metadata --------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A value from the key/value metadata table."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a metadata value."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- manifest --------------------------------------------------------------------------
    def document_hashes(self, source_ids: Sequence[str]) -> dict[str, str]:
        """Content hashes of the given documents that are already ingested."""
        found: dict[str, str] = {}
        for start in range(0, len(source_ids), 500):
            batch = list(source_ids[start : start + 500])
            rows = self._db.execute(
                f"SELECT source_id, content_hash FROM documents WHERE source_id IN "  # noqa: S608
                f"({', '.join('?' * len(batch))})",
                batch,
            )
            found.update({str(s): str(h) for s, h in rows})
        return found

    def sources_from_origin(self, origin: str) -> list[str]:
        """Ids of documents previously loaded from this file."""
        rows = self._db.execute("SELECT source_id FROM documents WHERE origin = ?", (origin,))
        return [str(r[0]) for r in rows]

    def chunk_ids(self, source_id: str) -> list[str]:
        """Chunk ids of one document, in order."""
        rows = self._db.execute(
            "SELECT chunk_id FROM chunks WHERE source_id = ? ORDER BY ordinal", (source_id,)
        )
        return [str(r[0]) for r in rows]

    def write_document(self, conn: sqlite3.Connection, doc: Document, chunks: list[Chunk]) -> None:
        """Replace a document's chunks and manifest row (inside :meth:`transaction`)."""
        conn.execute("DELETE FROM chunks WHERE source_id = ?", (doc.source_id,))
        date = date_key(doc.date)
        rows = []
        for c in chunks:
            prov = json.dumps(c.provenance.model_dump(mode="json"), ensure_ascii=False)
            rows.append(
                (c.chunk_id, doc.source_id, c.ordinal, doc.title, c.section, c.text, c.text_hash,
                 doc.doc_type, doc.publisher, doc.licence, date, prov)
            )  # fmt: skip
        conn.executemany(
            "INSERT OR REPLACE INTO chunks(chunk_id, source_id, ordinal, title, section, text, "
            "text_hash, doc_type, publisher, licence, date_key, provenance) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute(
            "INSERT OR REPLACE INTO documents(source_id, origin, content_hash, doc_type, "
            "n_chunks, ingested_at) VALUES (?, ?, ?, ?, ?, ?)",
            (doc.source_id, doc.origin, doc.content_hash(), doc.doc_type, len(chunks),
             datetime.now(UTC).isoformat(timespec="seconds")),
        )  # fmt: skip

    def delete_source(self, conn: sqlite3.Connection, source_id: str) -> int:
        """Remove a document and its chunks (inside :meth:`transaction`); returns chunks removed."""
        removed = conn.execute("DELETE FROM chunks WHERE source_id = ?", (source_id,)).rowcount
        conn.execute("DELETE FROM documents WHERE source_id = ?", (source_id,))
        return int(removed)

    # -- reads -----------------------------------------------------------------------------
    def get_chunks(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]:
        """Stored chunks by id (unknown ids are absent from the result)."""
        ids = list(dict.fromkeys(chunk_ids))
        out: dict[str, ChunkRecord] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            rows = self._db.execute(
                "SELECT chunk_id, source_id, ordinal, section, text, text_hash, provenance "  # noqa: S608
                f"FROM chunks WHERE chunk_id IN ({', '.join('?' * len(batch))})",
                batch,
            )
            for cid, sid, ordinal, section, text, thash, prov in rows:
                out[cid] = ChunkRecord(cid, sid, ordinal, section, text, thash, json.loads(prov))
        return out

    def search(self, query: str, limit: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """BM25 search: ``(chunk_id, score)`` best first, score = -bm25 (higher is better)."""
        match = fts_query(query)
        if match is None or limit <= 0:
            return []
        flt = filters or Filters()
        w_title, w_section, w_text = BM25_WEIGHTS
        rank = f"bm25(chunks_fts, {w_title}, {w_section}, {w_text})"
        if flt.empty:
            # Rank inside FTS5 alone; join only the top rows (a join per match doubles the cost).
            top = self._db.execute(
                f"SELECT rowid, {rank} AS s FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY s LIMIT ?",  # noqa: S608
                (match, limit),
            ).fetchall()
            if not top:
                return []
            ids = dict(
                self._db.execute(
                    f"SELECT rowid, chunk_id FROM chunks WHERE rowid IN ({', '.join('?' * len(top))})",  # noqa: S608
                    [r for r, _ in top],
                ).fetchall()
            )
            return [(str(ids[r]), -float(score)) for r, score in top if r in ids]
        where, params = flt.to_sql("c")
        sql = (
            f"SELECT c.chunk_id, {rank} AS s "  # noqa: S608
            "FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
            f"WHERE chunks_fts MATCH ? AND {where} ORDER BY s LIMIT ?"
        )
        rows = self._db.execute(sql, [match, *params, limit]).fetchall()
        return [(str(cid), -float(score)) for cid, score in rows]

    def counts(self) -> dict[str, Any]:
        """Documents and chunks, in total and per document type."""
        db = self._db
        per_type = {
            str(t): {"documents": int(d), "chunks": int(c or 0)}
            for t, d, c in db.execute(
                "SELECT doc_type, COUNT(*), SUM(n_chunks) FROM documents GROUP BY doc_type"
            )
        }
        return {
            "documents": int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]),
            "chunks": int(db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]),
            "by_type": per_type,
        }

    def _count_term(self, term: str) -> int:
        match = fts_query(term)
        sql = "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH ?"
        return 0 if match is None else int(self._db.execute(sql, (match,)).fetchone()[0])

    def _count_chunks(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    @property
    def location(self) -> str:
        """Where the catalogue lives (for status lines)."""
        return str(self.path)

    def titles(self, max_words: int = 6) -> set[str]:
        """Distinct lower-case document titles of at most ``max_words`` words (condition names)."""
        rows = self._db.execute("SELECT DISTINCT lower(title) FROM chunks").fetchall()
        return {str(t).strip() for (t,) in rows if t and len(str(t).split()) <= max_words}

    def iter_chunk_rows(self, batch: int = 1000) -> Iterator[list[ChunkRecord]]:
        """All stored chunks in batches (for re-embedding or exporting)."""
        last = 0
        while True:
            rows = self._db.execute(
                "SELECT rowid, chunk_id, source_id, ordinal, section, text, text_hash, provenance "
                "FROM chunks WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [ChunkRecord(r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7])) for r in rows]

    def clear(self) -> None:
        """Remove every document and chunk (before a full reindex)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM chunks")
            conn.execute("DELETE FROM documents")
        self.forget_term_stats()

    def optimize(self) -> None:
        """Merge FTS5 index segments (after a large ingest) for faster queries."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
