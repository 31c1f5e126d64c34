"""Sources as what they are: one number per document, labelled honestly, cited only when relevant.

Three small interfaces; the grouping and the relevance check are the knowledge library's
own (:mod:`knowledge.citing`, :mod:`knowledge.relevance`), shaped here for the composer:

- :class:`SourceGrouper`: retrieval hits (chunks) to numbered :class:`CitedSource` objects,
  one per source document, chunks joined in retrieval order;
- :class:`RelevanceChecker`: does this passage answer this sentence's question
  (:class:`SourceRelevance` by default);
- :func:`usable_sentence`: whether a passage sentence fits the case (no CT wording
  without a CT upload, no adult-only wording for a child and the reverse).

A note the project wrote (publisher "Second Opinion project", or a ``pack:`` source id)
is shown as the project's summary, with the guidelines it summarises as references; it
never carries a guideline's URL as if it were that guideline's own text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol

from assistant.drafting.schemas import CitedSource, DraftContent, GuardrailFlag
from knowledge.citing import SourceDocument, group_by_document
from knowledge.documents import Passage as RetrievedChunk
from knowledge.documents import reference_citation
from knowledge.relevance import RelevanceScorer
from knowledge.sentences import rewrite_citations, without_citations

PROJECT_LABEL = "Summary written by the Second Opinion project (not the guideline's own text)"
#: Words that speak of a CT series; without one analysed, no sentence of the draft may use them.
CT_WORDING = re.compile(r"\b(ct|cat scans?|computed tomography|hounsfield|slices?|lung-rads|%laa)\b", re.I)
_CHILD = re.compile(r"\b(child|children|paediatric|pediatric|infants?|toddlers?|kids?)\b", re.I)
_ADULT = re.compile(r"\b(adults?|smokers?|older people|elderly|over (?:40|50|65))\b", re.I)


class SourceGrouper(Protocol):
    """Turns retrieval hits into numbered cited sources, one per source document."""

    def __call__(
        self, hits: Sequence[RetrievedChunk], limit: int
    ) -> tuple[list[CitedSource], list[dict[str, Any]]]: ...


def population_of(doc: SourceDocument) -> str:
    """'child', 'adult' or '' from the document's stated population, else its title and topics."""
    if doc.population in ("adult", "child"):
        return doc.population
    extra = doc.passages[0].extra if doc.passages else {}
    label = " ".join([doc.title, extra.get("topics", ""), extra.get("population", "")])
    child, adult = bool(_CHILD.search(label)), bool(_ADULT.search(label))
    return "child" if child and not adult else "adult" if adult and not child else ""


def _cited_source(doc: SourceDocument) -> CitedSource:
    """The composer's view of one cited document (see :func:`knowledge.citing.group_by_document`).

    The one place a :class:`CitedSource` is made from retrieval, so its number, label,
    link and references are always the knowledge library's.
    """
    return CitedSource(
        number=doc.number,
        title=doc.title,
        publisher=PROJECT_LABEL if doc.is_project_summary else doc.publisher or "",
        url=doc.link or "",
        text="\n\n".join(dict.fromkeys(p.text for p in doc.passages)),
        is_project_summary=doc.is_project_summary,
        references=[reference_citation(r) for r in doc.references] if doc.is_project_summary else [],
        population=population_of(doc),
    )


def group_hits(
    hits: Sequence[RetrievedChunk], limit: int = 8
) -> tuple[list[CitedSource], list[dict[str, Any]]]:
    """Group chunks by document, number documents 1..n, and label project summaries.

    The grouping is the knowledge library's (:func:`knowledge.citing.group_by_document`);
    this only shapes each document for the composer and the stored evidence.

    Args:
        hits: Retrieved chunks, best first.
        limit: Most documents kept.

    Returns:
        The composer's cited sources and, for the evidence record, one provenance entry per
        document (number, title, publisher, url, text, chunk ids, references, label).
    """
    sources: list[CitedSource] = []
    provenance: list[dict[str, Any]] = []
    for doc in group_by_document(hits)[:limit]:
        source = _cited_source(doc)
        sources.append(source)
        provenance.append(
            {
                **source.model_dump(mode="json"),
                "source_id": doc.source_id,
                "chunk_ids": [p.chunk_id for p in doc.passages],
                "date": doc.date or "",
                "doc_type": doc.doc_type,
            }
        )
    return sources, provenance


#: A sentence about children too young for breathing tests: "Asthma is usually not confirmed before about
#: age 5", "in pre-school children" (read drafts quoted it to a 14-year-old swimmer and a 15-year-old
#: footballer).
_UNDER_FIVE = re.compile(
    r"\b(?:(?:before|under|below) (?:about |around |the )?(?:age (?:of )?)?(?:5|five)\b|"
    r"under[- ](?:5|five)s\b|pre-?school\w*|toddlers?)",
    re.I,
)
#: From this age a sentence about the under-fives no longer fits.
SCHOOL_AGE = 8


#: A passage sentence that presumes a result: "adult guidelines advise antibiotics for confirmed pneumonia
#: even when a virus is found" was quoted to two men whose tests had found no virus (readers: beside the
#: point, and it points to more antibiotics).
_PRESUMES_VIRUS = re.compile(
    r"\b(?:when|if|once) a virus (?:is|has been|was) (?:found|detected|confirmed)\b", re.I
)
_VIRUS_FOUND = re.compile(
    r"\b(?:covid(?:-19)?|sars-cov-2|influenza|flu|rsv|rhinovirus|adenovirus|metapneumovirus|parainfluenza|"
    r"virus)\b[^.;\n]{0,40}?\b(?:positive|detected|found|confirmed)\b|"
    r"\bpositive (?:test )?(?:for|with) (?:covid|flu|influenza|rsv|a virus)\b",
    re.I,
)


def presumes_unreported(sentence: str, story: str) -> bool:
    """Whether ``sentence`` speaks of a result (a virus found) that ``story`` (the intake's own text) does not
    report."""
    return bool(_PRESUMES_VIRUS.search(sentence)) and not _VIRUS_FOUND.search(story)


def usable_sentence(
    sentence: str, passage: CitedSource, *, has_ct: bool, is_child: bool | None, age: int | None = None
) -> bool:
    """Whether a passage sentence fits this case's uploads and the patient's age group (with ``age``, a
    sentence about the under-fives fits no one from school age)."""
    if not has_ct and CT_WORDING.search(sentence):
        return False
    if age is not None and age >= SCHOOL_AGE and _UNDER_FIVE.search(sentence):
        return False
    if is_child is None:
        return True
    population = passage.population
    if is_child and (population == "adult" or (_ADULT.search(sentence) and not _CHILD.search(sentence))):
        return False
    return not (
        not is_child and (population == "child" or (_CHILD.search(sentence) and not _ADULT.search(sentence)))
    )


class RelevanceChecker(Protocol):
    """Does a passage answer the question a sentence makes a claim about?"""

    name: str

    def relevant(self, sentence: str, passage: CitedSource) -> bool: ...


class SourceRelevance:
    """The knowledge library's per-sentence relevance (:class:`knowledge.relevance.RelevanceScorer`).

    The sentence's conditions must be the passage's topic and its claim terms must appear
    in it; on top, a claim about CT needs a passage about CT (the library reads "CT" as too
    short a word to count).
    """

    name = "key-term relevance"

    def __init__(self, scorer: RelevanceScorer | None = None) -> None:
        self.scorer = scorer or RelevanceScorer()

    def relevant(self, sentence: str, passage: CitedSource) -> bool:
        """True when ``passage`` covers what ``sentence`` claims."""
        claim = without_citations(sentence)
        if CT_WORDING.search(claim) and not CT_WORDING.search(passage.title + "\n" + passage.text):
            return False
        return self.scorer.is_relevant(claim, passage.text, passage.title)


def _dropping(numbers: Collection[int]) -> Callable[[list[int]], list[int]]:
    gone = set(numbers)
    return lambda cited: [n for n in cited if n not in gone]


def check_draft_relevance(draft: DraftContent, checker: RelevanceChecker) -> int:
    """Remove citations whose passage does not answer the sentence; flag each removal.

    Sentences quoted from a passage keep their own citation. A model or knowledge
    sentence left with no relevant citation is marked unsupported.

    Returns:
        How many citations were removed.
    """
    passages = {p.number: p for p in draft.passages}
    removed_total = 0
    for section in draft.sections:
        for sentence in section.sentences:
            if sentence.origin == "passage" or not sentence.citations:
                continue
            drop = [
                n
                for n in sentence.citations
                if n in passages and not checker.relevant(sentence.text, passages[n])
            ]
            if not drop:
                continue
            sentence.text = rewrite_citations(sentence.text, _dropping(drop))
            sentence.citations = [n for n in sentence.citations if n not in drop]
            detail = f"irrelevant citation(s) {drop} removed ({checker.name})"
            sentence.flags.append(detail)
            draft.flags.append(GuardrailFlag(kind="relevance", detail=detail, section=section.key))
            if not sentence.citations:
                sentence.supported = False
            removed_total += len(drop)
    return removed_total
