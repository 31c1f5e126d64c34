"""Grouping chunks per document, honest labels, relevance per sentence, case fit."""

from __future__ import annotations

from typing import Any

from assistant.drafting.schemas import CitedSource, DraftContent, DraftSection, DraftSentence, SectionKey
from assistant.drafting.sources import (
    PROJECT_LABEL,
    SourceRelevance,
    check_draft_relevance,
    group_hits,
    usable_sentence,
)
from knowledge.documents import Passage as RetrievedChunk
from knowledge.documents import Reference

PACK_REF = {
    "title": "Diagnosis and Treatment of Adults with Community-acquired Pneumonia",
    "organisation": "ATS/IDSA",
    "year": 2019,
    "url": "https://www.atsjournals.org/doi/10.1164/rccm.201908-1581ST",
}


def hit(chunk: str, source: str, **kw: Any) -> RetrievedChunk:
    """A retrieved chunk as the knowledge library returns it."""
    return RetrievedChunk(
        chunk_id=chunk, source_id=source, title=kw.pop("title", source), text=kw.pop("text", chunk),
        doc_type=kw.pop("doc_type", "markdown"), **kw,
    )  # fmt: skip


class TestGroupHits:
    """One number per source document."""

    def test_chunks_grouped(self) -> None:
        """Three chunks of two documents become [1] and [2], texts joined."""
        passages, prov = group_hits([hit("a1", "doc:a"), hit("b1", "doc:b"), hit("a2", "doc:a")])
        assert [p.number for p in passages] == [1, 2]
        assert passages[0].text == "a1\n\na2"
        assert prov[0]["chunk_ids"] == ["a1", "a2"]

    def test_project_summary_labelled(self) -> None:
        """A project note carries no guideline URL and names the guideline as a reference."""
        note = hit(
            "n1",
            "pack:pneumonia",
            publisher="Second Opinion project",
            url=PACK_REF["url"],
            references=[Reference.model_validate(PACK_REF)],
            is_project_summary=True,
        )
        passages, _ = group_hits([note])
        assert passages[0].is_project_summary
        assert passages[0].publisher == PROJECT_LABEL
        assert passages[0].url == ""
        assert passages[0].references == [
            "ATS/IDSA, \u201cDiagnosis and Treatment of Adults with Community-acquired Pneumonia\u201d, "
            "2019, " + str(PACK_REF["url"])
        ]

    def test_external_publisher_kept(self) -> None:
        """A real publisher keeps its name and link."""
        passages, _ = group_hits([hit("m1", "medquad:1", publisher="NHLBI", url="https://nhlbi.example/p")])
        assert (passages[0].publisher, passages[0].url, passages[0].is_project_summary) == (
            "NHLBI",
            "https://nhlbi.example/p",
            False,
        )

    def test_limit_counts_documents(self) -> None:
        """The limit is on documents, not chunks."""
        passages, _ = group_hits([hit(f"c{i}", f"doc:{i % 3}") for i in range(9)], limit=2)
        assert len(passages) == 2


class TestRelevance:
    """Key-term entailment: conditions and CT claims must be in the passage."""

    PNEUMONIA = CitedSource(
        number=1, title="Pneumonia", text="Pneumonia is an infection; a chest X-ray shows a new shadow."
    )

    def test_condition_must_appear(self) -> None:
        """A sentence about a blood clot is not answered by a pneumonia passage."""
        checker = SourceRelevance()
        assert not checker.relevant("A blood clot in the lung shows on a chest X-ray [1].", self.PNEUMONIA)
        assert checker.relevant("Pneumonia shows as a new shadow on a chest X-ray [1].", self.PNEUMONIA)

    def test_irrelevant_citation_removed_and_flagged(self) -> None:
        """The checker removes the marker, flags it, and the sentence is then unsupported."""
        sentence = DraftSentence(
            text="A blood clot is found by a D-dimer test [1].", origin="llm", citations=[1]
        )
        draft = DraftContent(
            sections=[DraftSection(key=SectionKey.ANSWERS, title="t", sentences=[sentence])],
            passages=[self.PNEUMONIA],
        )
        assert check_draft_relevance(draft, SourceRelevance()) == 1
        assert sentence.text == "A blood clot is found by a D-dimer test."
        assert sentence.supported is False
        assert draft.flags[0].kind == "relevance"

    def test_irrelevant_number_removed_from_a_list(self) -> None:
        """From "[1, 2]" only the irrelevant number goes; the marker keeps the other."""
        clot = CitedSource(
            number=2, title="Pulmonary embolism", text="A blood clot in the lung is found by CT angiography."
        )
        sentence = DraftSentence(
            text="Pneumonia shows as a new shadow on a chest X-ray [1, 2].", origin="llm", citations=[1, 2]
        )
        draft = DraftContent(
            sections=[DraftSection(key=SectionKey.ANSWERS, title="t", sentences=[sentence])],
            passages=[self.PNEUMONIA, clot],
        )
        assert check_draft_relevance(draft, SourceRelevance()) == 1
        assert (sentence.text, sentence.citations) == (
            "Pneumonia shows as a new shadow on a chest X-ray [1].",
            [1],
        )

    def test_ct_claim_needs_a_ct_passage(self) -> None:
        """A CT claim is not answered by an X-ray passage, whatever the shared words."""
        assert not SourceRelevance().relevant(
            "Pneumonia shows as a new shadow on a chest CT [1].", self.PNEUMONIA
        )


class TestUsableSentence:
    """No CT wording without a CT, age-appropriate sources."""

    def test_ct_needs_a_ct(self) -> None:
        """A CT sentence is refused when no CT was uploaded."""
        p = CitedSource(number=1, title="t", text="x")
        assert not usable_sentence("A chest CT covers the lower neck.", p, has_ct=False, is_child=None)
        assert usable_sentence("A chest CT covers the lower neck.", p, has_ct=True, is_child=None)

    def test_age_groups(self) -> None:
        """Adult passages are not quoted for a child and the reverse."""
        adult = CitedSource(number=1, title="Pneumonia in adults", text="x", population="adult")
        child = CitedSource(number=2, title="Pneumonia in children", text="x", population="child")
        assert not usable_sentence("Fever is common.", adult, has_ct=False, is_child=True)
        assert usable_sentence("Fever is common.", child, has_ct=False, is_child=True)
        assert not usable_sentence("Fever is common.", child, has_ct=False, is_child=False)


class TestPickPassageFacts:
    """Quoted sentences never run across list items."""

    def test_bullets_split(self) -> None:
        """Each bullet is its own candidate; no ' - ' joins two of them."""
        from assistant.drafting.facts import pick_passage_facts

        passage = CitedSource(
            number=1,
            title="Pneumonia",
            text="- A report that says consolidation describes what is seen on the film.\n"
            "- An X-ray cannot reliably tell bacterial from viral pneumonia.",
        )
        picked = pick_passage_facts("bacterial or viral pneumonia on an X-ray", [passage])
        assert picked[0].text == "An X-ray cannot reliably tell bacterial from viral pneumonia [1]."


class TestTreatmentAnswerSources:
    """The treatment answer quotes only a sentence about treatment."""

    def test_off_topic_quote_refused(self) -> None:
        """A sentence about AI models is not quoted as the answer on antibiotics."""
        from assistant.drafting.composer import compose_draft
        from assistant.drafting.llm import MockLLM
        from assistant.drafting.schemas import ImagingFindings
        from assistant.intake import IntakeRecord

        passages = [
            CitedSource(
                number=1,
                title="AI models",
                text="A model's choice was not improving at hospitals it had not seen in training.",
            ),
            CitedSource(
                number=2,
                title="Pneumonia",
                text="Pneumonia is usually treated with an antibiotic chosen by the treating doctor.",
            ),
        ]
        intake = IntakeRecord(diagnosis_in_question="pneumonia", main_question="Is my antibiotic right?")
        draft = compose_draft(intake, ImagingFindings(), passages, MockLLM())
        q = next(q for q in draft.sub_questions if q.kind == "treatment")
        block = [s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == q.id]
        assert block
        assert not any("hospitals it had not seen" in t for t in block)
