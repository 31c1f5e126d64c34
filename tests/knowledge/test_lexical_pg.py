"""The catalogue and full-text index in PostgreSQL, and the status that says when an index is unusable."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from knowledge import KnowledgeConfig, pack_path
from knowledge.embeddings import Embedder
from knowledge.errors import KnowledgeError
from knowledge.index_status import index_status
from knowledge.lexical_pg import PostgresLexicalIndex, ts_query
from knowledge.retrieval import Retriever

COPD_QUERY = "chronic obstructive pulmonary disease breathing"


@pytest.fixture(scope="module")
def pg_kb(
    pg_url: str, corpus: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Retriever]:
    """The small corpus ingested with its catalogue in PostgreSQL; tests must not modify it."""
    path = tmp_path_factory.mktemp("pgkb")
    config = KnowledgeConfig(chroma_path=path / "chroma", collection="pgkb", lexical_url=pg_url)
    kb = Retriever(config, embedder=embedder)
    kb.ingest_paths([corpus])
    yield kb
    kb.index.close()


@pytest.mark.postgres
@pytest.mark.slow
class TestPostgresCatalogue:
    def test_same_catalogue_as_sqlite(self, pg_kb: Retriever, seeded_kb: Retriever) -> None:
        """The same corpus gives the same documents, chunks and vectors in both backends."""
        pg, lite = pg_kb.stats(), seeded_kb.stats()
        assert pg["lexical_backend"] == "postgresql" and lite["lexical_backend"] == "sqlite"
        assert (pg["documents"], pg["chunks"], pg["by_type"]) == (
            lite["documents"],
            lite["chunks"],
            lite["by_type"],
        )
        assert pg["vectors"] == pg["chunks"]
        assert "password" not in pg["lexical_index"]

    def test_lexical_search_finds_the_topic(self, pg_kb: Retriever) -> None:
        """Full-text ranking puts the COPD topic first for a COPD question, with its provenance."""
        passages = pg_kb.search(COPD_QUERY, k=5, mode="lexical")
        assert passages and "COPD" in passages[0].title
        assert passages[0].text and passages[0].source_id == "pack:copd"

    def test_stemming_and_weights(self, pg_kb: Retriever) -> None:
        """'pneumonias' matches 'pneumonia' (English stemming) and a title match ranks first."""
        hits = pg_kb.index.search("pneumonias", 3)
        records = pg_kb.index.get_chunks([cid for cid, _ in hits])
        assert hits and hits[0][1] >= hits[-1][1] > 0
        assert "pneumonia" in records[hits[0][0]].provenance["title"].lower()

    def test_hybrid_search_uses_both(self, pg_kb: Retriever) -> None:
        """Hybrid passages carry a BM25-side rank from PostgreSQL and a dense score."""
        passages = pg_kb.search(COPD_QUERY, k=3)
        assert any("bm25_rank" in p.scores for p in passages)
        assert any("dense" in p.scores or "dense_rank" in p.scores for p in passages)

    def test_filters(self, pg_kb: Retriever) -> None:
        """Document-type filters apply inside the SQL (named parameters, not string pasting)."""
        query = "pneumonia chest X-ray"
        unfiltered = {p.doc_type for p in pg_kb.search(query, k=10, mode="lexical")}
        assert {"guideline_note", "medquad_qa"} <= unfiltered or len(unfiltered) > 1, unfiltered
        for kind in unfiltered:
            found = pg_kb.search(query, k=5, mode="lexical", filters={"doc_type": kind})
            assert found and {p.doc_type for p in found} == {kind}

    def test_query_cannot_inject(self, pg_kb: Retriever) -> None:
        """Quotes, operators and SQL in a question are dropped from the tsquery, never executed."""
        assert (
            ts_query("copd' ; DROP TABLE knowledge_chunks; -- | !x & (y)")
            == "copd | drop | table | knowledge | chunks"
        )
        assert pg_kb.index.search("'); DROP TABLE knowledge_chunks; --", 3) is not None
        assert pg_kb.stats()["chunks"] > 0

    def test_status_ok(self, pg_kb: Retriever) -> None:
        """Both stores hold the same chunks: status is ok and says so."""
        status = pg_kb.status()
        assert status.ok and status.lexical_backend == "postgresql"
        assert status.message.startswith("knowledge index ok")


@pytest.mark.postgres
@pytest.mark.slow
class TestReindexIntoPostgres:
    def test_new_host_rebuilds_from_vectors(
        self, pg_url: str, seeded_kb: Retriever, embedder: Embedder, tmp_path: Path
    ) -> None:
        """A host with vectors but an empty PostgreSQL index is told so, then reindexes."""
        chroma = tmp_path / "chroma"
        shutil.copytree(seeded_kb.config.chroma_path, chroma, ignore=shutil.ignore_patterns("*.sqlite3*"))
        shutil.copy(seeded_kb.config.chroma_path / "chroma.sqlite3", chroma / "chroma.sqlite3")
        config = KnowledgeConfig(chroma_path=chroma, collection="seeded", lexical_url=pg_url)
        host = Retriever(config, embedder=embedder)
        host.index.clear()
        before = index_status(config)
        assert not before.ok and before.empty == ["lexical index (postgresql)"]
        assert "run `second-opinion knowledge reindex`" in before.message
        assert host.search(COPD_QUERY, k=3) == []  # no catalogue, no passages: hence the loud status
        started = time.perf_counter()
        n = host.rebuild_lexical_index(clear=True)
        elapsed = time.perf_counter() - started
        assert n == seeded_kb.store.count() and host.status().ok
        assert host.stats()["documents"] == seeded_kb.stats()["documents"]
        assert [p.source_id for p in host.search(COPD_QUERY, k=3, mode="dense")] == [
            p.source_id for p in seeded_kb.search(COPD_QUERY, k=3, mode="dense")
        ]
        print(f"reindexed {n} chunks into PostgreSQL in {elapsed:.2f} s")
        host.index.clear()
        host.index.close()

    def test_stale_index_detected(self, pg_url: str, pg_kb: Retriever) -> None:
        """A catalogue missing chunks the vectors hold is 'stale', with both counts."""
        index = PostgresLexicalIndex(pg_url, "pgkb")
        try:
            with index.transaction() as conn:
                conn.execute(
                    text("DELETE FROM knowledge_chunks WHERE collection = 'pgkb' AND source_id = :s"),
                    {"s": "pack:lung-rads"},
                )
            status = index_status(pg_kb.config)
            assert status.stale and not status.ok
            assert f"{status.lexical_chunks} chunks in the lexical index" in status.message
        finally:
            pg_kb.ingest_paths([pack_path() / "lung-rads.md"])  # put the module's corpus back
            index.forget_term_stats()
            index.close()
        assert index_status(pg_kb.config).ok or pg_kb.rebuild_lexical_index() > 0

    def test_non_postgres_url_refused(self) -> None:
        """A SQLite URL for the PostgreSQL index is refused with what it needs."""
        with pytest.raises(KnowledgeError, match="needs a postgresql:// URL"):
            PostgresLexicalIndex("sqlite:///x.db", "c")

    def test_unreachable_database_named(self) -> None:
        """An unreachable server is reported with the URL (no password) and what to check."""
        with pytest.raises(KnowledgeError, match=r"127\.0\.0\.1:1/.*check the database URL"):
            PostgresLexicalIndex("postgresql+psycopg://u:secret@127.0.0.1:1/x?connect_timeout=2", "c")


class TestSqliteStatus:
    def test_empty_knowledge_base(self, tmp_path: Path) -> None:
        """Nothing ingested: both stores are empty and the status names the command to run."""
        status = index_status(KnowledgeConfig(chroma_path=tmp_path / "chroma", collection="none"))
        assert status.empty == ["vector store", "lexical index (sqlite)"]
        assert "knowledge ingest" in status.message
        assert not (tmp_path / "chroma" / "none.lexical.sqlite3").exists()  # counting creates nothing

    @pytest.mark.slow
    def test_missing_sqlite_file(self, seeded_kb: Retriever, tmp_path: Path) -> None:
        """A host whose SQLite file is absent while Chroma holds vectors is told to reindex."""
        config = KnowledgeConfig(
            chroma_path=seeded_kb.config.chroma_path,
            collection="seeded",
            index_path=tmp_path / "absent.sqlite3",
        )
        status = index_status(config)
        assert status.lexical_chunks == 0 and status.vectors == seeded_kb.store.count() > 0
        assert "lexical index (sqlite" in status.message and "knowledge reindex" in status.message
        assert not status.ok
