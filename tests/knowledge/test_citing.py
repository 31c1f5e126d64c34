"""Grouping retrieved chunks into citable source documents (knowledge.citing)."""

from __future__ import annotations

from knowledge.citing import (
    document_numbers,
    group_by_document,
    renumber_citations,
    select_cited,
)
from knowledge.documents import Passage, Reference
from knowledge.sentences import cited_numbers
from tests.knowledge.pack_passages import pack_passages


def _medquad_passage(chunk_id: str) -> Passage:
    return Passage(
        chunk_id=chunk_id, source_id="medquad:NHLBI:0000105-8", title="Pneumonia", section="treatment",
        publisher="National Heart, Lung, and Blood Institute", url="https://www.nhlbi.nih.gov/health/health-topics/topics/pnu",
        doc_type="medquad", text="Treatment for pneumonia depends on the type of pneumonia you have.",
    )  # fmt: skip


class TestGroupByDocument:
    """group_by_document()."""

    def test_one_number_per_document(self) -> None:
        """Chunks of the same note share one citation number; documents are numbered 1..n."""
        pe = pack_passages("pulmonary-embolism")
        cap = pack_passages("community-acquired-pneumonia-adults")
        assert len(pe) >= 2 and len(cap) >= 2
        mixed = [pe[0], cap[0], pe[1], _medquad_passage("m1"), cap[1]]
        docs = group_by_document(mixed)
        assert [d.number for d in docs] == [1, 2, 3]
        assert [d.source_id for d in docs] == [
            "pack:pulmonary-embolism", "pack:community-acquired-pneumonia-adults", "medquad:NHLBI:0000105-8",
        ]  # fmt: skip
        assert [p.chunk_id for p in docs[0].passages] == [pe[0].chunk_id, pe[1].chunk_id]
        assert document_numbers(docs)[cap[1].chunk_id] == 2

    def test_project_summary_shown_as_summary(self) -> None:
        """A pack note is labelled as the project's summary, lists what it summarises, has no own address."""
        doc = group_by_document(pack_passages("pulmonary-embolism"))[0]
        assert doc.is_project_summary and doc.link is None
        assert doc.publisher_label.startswith("Second Opinion project (summary")
        line = doc.citation()
        assert line.startswith(
            "[1] Pulmonary embolism (blood clot in the lung) (summary written by the Second Opinion project"
        )
        assert "summarises: European Society of Cardiology" in line
        assert "https://www.nice.org.uk/guidance/ng158" in line
        assert doc.population == "adult" and doc.facts is not None

    def test_external_source_keeps_its_publisher(self) -> None:
        """A MedQuAD answer is cited under its own publisher and address."""
        doc = group_by_document([_medquad_passage("m1"), _medquad_passage("m2")])[0]
        assert not doc.is_project_summary
        assert doc.citation() == (
            "[1] Pneumonia, National Heart, Lung, and Blood Institute, "
            "https://www.nhlbi.nih.gov/health/health-topics/topics/pnu"
        )
        assert len(doc.passages) == 2

    def test_empty(self) -> None:
        """No passages, no documents."""
        assert group_by_document([]) == []


class TestCitedSelection:
    """cited_numbers(), select_cited() and renumber_citations()."""

    def test_cited_numbers(self) -> None:
        """Single, listed and ranged markers are read in first-use order."""
        assert cited_numbers("A [3]. B [1, 3]. C [4-6]. D [2\u20133].") == [3, 1, 4, 5, 6, 2]

    def test_only_cited_documents_kept_and_renumbered(self) -> None:
        """Uncited documents are dropped; the rest are renumbered in order of first citation."""
        docs = group_by_document(
            pack_passages("pulmonary-embolism", "community-acquired-pneumonia-adults", "lung-cancer")
        )
        assert len(docs) == 3
        text = "A clot is possible [3]. Pneumonia fits [2][3]. Unknown [9]."
        kept, mapping = select_cited(docs, cited_numbers(text))
        assert [d.source_id for d in kept] == ["pack:lung-cancer", "pack:community-acquired-pneumonia-adults"]
        assert [d.number for d in kept] == [1, 2] and mapping == {3: 1, 2: 2}
        assert docs[2].number == 3, "the input documents are not modified"
        assert renumber_citations(text, mapping) == "A clot is possible [1]. Pneumonia fits [2][1]. Unknown."

    def test_reference_model_round_trip(self) -> None:
        """A document's references are the note's own Reference objects."""
        doc = group_by_document(pack_passages("lung-cancer"))[0]
        assert all(isinstance(r, Reference) and r.year for r in doc.references)
