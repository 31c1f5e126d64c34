"""The knowledge base end to end: ingest real files, search with provenance, re-ingest, delete."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from knowledge import KnowledgeConfig, pack_path
from knowledge.embeddings import Embedder
from knowledge.errors import InvalidFilterError, VectorStoreError
from knowledge.retrieval import Retriever
from tests.knowledge.conftest import MEDQUAD_FILES

pytestmark = pytest.mark.slow


class TestSearch:
    """Retriever.search() over the seeded corpus (starter pack + four MedQuAD topics)."""

    def test_provenance_survives_ingest(self, seeded_kb: Retriever, medquad_dir: Path) -> None:
        """A MedQuAD answer comes back with its URL, publisher, licence, section and question type."""
        passages = seeded_kb.search("What is pneumonia? An infection in one or both lungs", k=5)
        hit = next(p for p in passages if p.source_id == "medquad:MPlusHealthTopics:0000723-1")
        assert hit.title == "Pneumonia"
        assert hit.url == "https://www.nlm.nih.gov/medlineplus/pneumonia.html"
        assert hit.publisher == "MedlinePlus (US National Library of Medicine)"
        assert hit.licence == "CC-BY-4.0 (MedQuAD)"
        assert hit.section == "information" and hit.extra["qtype"] == "information"
        assert hit.origin is not None and hit.origin.endswith(MEDQUAD_FILES[1])
        assert hit.text.startswith("Pneumonia is an infection in one or both of the lungs")

    def test_pack_note_citation(self, seeded_kb: Retriever) -> None:
        """A pack passage is cited as the project's summary of Fleischner 2017, never under its address."""
        top = seeded_kb.search("follow-up CT for a 7 mm solid lung nodule found by chance", k=3)[0]
        assert top.source_id == "pack:pulmonary-nodule-follow-up"
        assert top.is_project_summary and top.doi is None and top.url is None
        assert top.references[0].doi == "10.1148/radiol.2017161659"
        assert top.population == "adult" and top.facts is not None
        assert top.citation().startswith("[1] Incidental lung nodules")
        assert "summary written by the Second Opinion project" in top.citation()
        assert "summarises: Fleischner Society" in top.citation()

    def test_numbered_and_scored(self, seeded_kb: Retriever) -> None:
        """Passages are numbered 1..k, distinct, with fused and per-retriever scores."""
        passages = seeded_kb.search("fluid around the lung pleural effusion", k=4)
        assert [p.number for p in passages] == [1, 2, 3, 4]
        assert len({p.chunk_id for p in passages}) == 4
        assert all("fused" in p.scores for p in passages)
        assert any("dense" in p.scores and "bm25" in p.scores for p in passages)
        assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)

    @pytest.mark.parametrize(
        ("query", "mode", "expected_source"),
        [
            ("Lung-RADS category 4A suspicious nodule", "lexical", "pack:lung-rads"),
            ("how much radiation does a CT scan of the chest give", "dense", "pack:ct-radiation-dose"),
            ("percentage of low attenuation area below -950 HU", "hybrid", "pack:emphysema-laa"),
            (
                "go to emergency care instead of waiting for a second opinion",
                "hybrid",
                "pack:emergency-warning-signs",
            ),
            ("ECG and troponin for a suspected heart attack", "hybrid", "pack:heart-attack-and-angina"),
        ],
    )
    def test_modes_find_the_right_note(self, seeded_kb: Retriever, query: str, mode: str,
                                       expected_source: str) -> None:  # fmt: skip
        """Each retrieval mode ranks the relevant pack note first."""
        assert seeded_kb.search(query, k=3, mode=mode)[0].source_id == expected_source  # type: ignore[arg-type]

    def test_filters_apply_to_both_retrievers(self, seeded_kb: Retriever) -> None:
        """A doc_type filter keeps every passage, dense or lexical, inside that type."""
        passages = seeded_kb.search("lung cancer screening", k=8, filters={"doc_type": "medquad"})
        assert passages and {p.doc_type for p in passages} == {"medquad"}
        dated = seeded_kb.search("nodule", k=5, filters={"date_from": "2030"})
        assert dated == []

    def test_invalid_filter(self, seeded_kb: Retriever) -> None:
        """An unknown filter field is refused before searching."""
        with pytest.raises(InvalidFilterError, match="unknown filter field"):
            seeded_kb.search("nodule", k=3, filters={"colour": "red"})

    @pytest.mark.parametrize(("query", "k"), [("", 5), ("   ", 5), ("nodule", 0)])
    def test_empty_requests(self, seeded_kb: Retriever, query: str, k: int) -> None:
        """An empty query or k=0 returns nothing."""
        assert seeded_kb.search(query, k=k) == []

    def test_concurrent_searches_match_sequential(self, seeded_kb: Retriever) -> None:
        """Eight threads sharing one retriever get the same results as one thread."""
        queries = ["pneumonia", "emphysema on CT", "thyroid nodule on chest CT", "COPD symptoms"] * 4
        expected = [[p.chunk_id for p in seeded_kb.search(q, k=5)] for q in queries]
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(lambda q: [p.chunk_id for p in seeded_kb.search(q, k=5)], queries))
        assert got == expected

    def test_stats(self, seeded_kb: Retriever) -> None:
        """Stats count the 10 pack notes and 4 MedQuAD answers, with one vector per chunk."""
        stats = seeded_kb.stats()
        assert stats["by_type"]["guideline_note"]["documents"] == len(list(pack_path().glob("*.md")))
        assert stats["by_type"]["medquad"]["documents"] == 4
        assert stats["vectors"] == stats["chunks"] > 14


class TestIngest:
    """Retriever.ingest_paths() and delete_source() on a fresh store."""

    def test_reingest_is_idempotent(self, fresh_kb: Retriever, corpus: Path) -> None:
        """A second ingest of the same files writes nothing and changes no count."""
        first = fresh_kb.ingest_paths([corpus / "medquad"])
        before = fresh_kb.stats()
        second = fresh_kb.ingest_paths([corpus / "medquad"])
        assert (first.added, first.skipped_empty, first.files) == (4, 1, 5)
        assert (second.added, second.updated, second.unchanged, second.chunks_written) == (0, 0, 4, 0)
        after = fresh_kb.stats()
        assert (after["chunks"], after["vectors"]) == (before["chunks"], before["vectors"])

    def test_changed_file_replaces_its_chunks(self, fresh_kb: Retriever, tmp_path: Path) -> None:
        """Editing a note replaces its chunks in both indexes; a removed answer is deleted."""
        note = tmp_path / "notes" / "effusion.md"
        note.parent.mkdir()
        shutil.copy(pack_path() / "pleural-effusion.md", note)
        fresh_kb.ingest_paths([note.parent])
        old_ids = set(fresh_kb.index.chunk_ids("pack:pleural-effusion"))
        text = note.read_text(encoding="utf-8").replace(
            "Heart failure is the most common", "Heart failure is the commonest"
        )
        note.write_text(text, encoding="utf-8")
        report = fresh_kb.ingest_paths([note.parent])
        new_ids = set(fresh_kb.index.chunk_ids("pack:pleural-effusion"))
        assert (report.updated, report.added) == (1, 0)
        assert old_ids - new_ids and new_ids - old_ids
        assert fresh_kb.store.count() == len(new_ids)
        top = fresh_kb.search("commonest cause of pleural effusion", k=1, mode="lexical")[0]
        assert "commonest" in top.text

    def test_delete_source_removes_chunks(self, fresh_kb: Retriever, corpus: Path) -> None:
        """Deleting a source removes its chunks from the vector store, BM25 and the manifest."""
        fresh_kb.ingest_paths([corpus / "medquad"])
        n = len(fresh_kb.index.chunk_ids("medquad:MPlusHealthTopics:0000723-1"))
        vectors = fresh_kb.store.count()
        assert fresh_kb.delete_source("medquad:MPlusHealthTopics:0000723-1") == n > 0
        assert fresh_kb.store.count() == vectors - n
        assert fresh_kb.index.chunk_ids("medquad:MPlusHealthTopics:0000723-1") == []
        for mode in ("dense", "lexical", "hybrid"):
            found = fresh_kb.search("pneumonia lung infection", k=10, mode=mode)  # type: ignore[arg-type]
            assert "medquad:MPlusHealthTopics:0000723-1" not in {p.source_id for p in found}
        assert fresh_kb.ingest_paths([corpus / "medquad"]).added == 1

    def test_malformed_files_reported_rest_ingested(self, fresh_kb: Retriever, corpus: Path,
                                                    tmp_path: Path) -> None:  # fmt: skip
        """A malformed XML and PDF give clear errors while the good files are ingested."""
        folder = tmp_path / "mixed"
        shutil.copytree(corpus / "medquad", folder)
        (folder / "broken.xml").write_text("<Document><QAPairs><QAPair>", encoding="utf-8")
        (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
        report = fresh_kb.ingest_paths([folder])
        assert report.added == 4
        assert len(report.errors) == 2
        assert any("broken.xml: malformed XML" in e for e in report.errors)
        assert any("broken.pdf: not a readable PDF" in e for e in report.errors)
        assert fresh_kb.stats()["documents"] == 4

    def test_lexical_index_rebuilt_from_vectors(
        self, fresh_kb: Retriever, corpus: Path, tmp_path: Path
    ) -> None:
        """A lost SQLite catalogue is rebuilt from the Chroma metadata with the same results."""
        fresh_kb.ingest_paths([corpus / "medquad"])
        query = "chronic obstructive pulmonary disease breathing"
        expected = [(p.chunk_id, p.url) for p in fresh_kb.search(query, k=5, mode="lexical")]
        config = KnowledgeConfig(
            chroma_path=fresh_kb.config.chroma_path, collection="fresh", index_path=tmp_path / "new.sqlite3"
        )
        rebuilt = Retriever(config, embedder=fresh_kb.embedder)
        assert rebuilt.stats()["chunks"] == 0
        assert rebuilt.rebuild_lexical_index(page=3) == fresh_kb.store.count()
        assert rebuilt.stats()["chunks"] == fresh_kb.stats()["chunks"]
        assert rebuilt.stats()["documents"] == 4
        assert [(p.chunk_id, p.url) for p in rebuilt.search(query, k=5, mode="lexical")] == expected

    def test_other_embedder_refused(self, fresh_kb: Retriever, embedder: Embedder) -> None:
        """Opening a collection with an embedder of another name is refused with the remedy."""
        fresh_kb.ingest_paths([pack_path() / "lung-rads.md"])
        other = Embedder.__new__(Embedder)
        other.__dict__.update(embedder.__dict__, name="another-model")
        config = KnowledgeConfig(chroma_path=fresh_kb.config.chroma_path, collection="fresh")
        with pytest.raises(VectorStoreError, match="re-ingest into a fresh store"):
            Retriever(config, embedder=other)


class TestRerank:
    """Cross-encoder reranking plumbing (an untrained head on the MiniLM encoder: order, not quality)."""

    def test_rerank_orders_by_cross_encoder(self, seeded_kb: Retriever) -> None:
        """Reranked passages carry a rerank score, are sorted by it and numbered 1..k."""
        import torch

        from knowledge.embeddings import default_model_path
        from knowledge.rerank import load_reranker

        torch.manual_seed(0)
        reranker = load_reranker(default_model_path())
        kb = Retriever(seeded_kb.config, embedder=seeded_kb.embedder, reranker=reranker)
        query = "pleural effusion causes"
        # A deeper unreranked search: its candidates include those the k=5 search reranks.
        fused = {p.chunk_id for p in kb.search(query, k=60, rerank=False)}
        passages = kb.search(query, k=5)
        assert [p.number for p in passages] == [1, 2, 3, 4, 5]
        assert all(p.score == p.scores["rerank"] for p in passages)
        assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
        assert {p.chunk_id for p in passages} <= fused
