"""Sources as what they are: retrieved chunks grouped into one citable document each.

A search returns chunks; several can come from one document. A draft cites *documents*:
one citation number per source document, the document's own publisher, and, for a note the
project wrote, a label saying so with the guidelines it summarises listed as references
(never their address presented as the note's own).

Typical use by a drafting step::

    docs = group_by_document(retriever.search(query, k=8))   # numbered 1..n
    ...                                                       # draft cites [n] = docs[n-1]
    kept, renumber = select_cited(docs, cited_numbers(text))  # knowledge.sentences
    text = renumber_citations(text, renumber)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, Field

from knowledge.documents import (
    NoteFacts,
    Passage,
    Population,
    Reference,
    project_summary_citation,
)
from knowledge.sentences import rewrite_citations

PROJECT_PUBLISHER = "Second Opinion project"


class SourceDocument(BaseModel):
    """One cited source document and the retrieved chunks that came from it."""

    number: int = Field(description="Citation number [n], 1-based, one per document.")
    source_id: str
    title: str
    publisher: str | None = None
    url: str | None = None
    doi: str | None = None
    date: str | None = None
    doc_type: str
    licence: str | None = None
    is_project_summary: bool = False
    population: Population | None = None
    facts: NoteFacts | None = None
    references: list[Reference] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list, description="Its chunks, best first.")

    @property
    def score(self) -> float:
        """The best score of the document's chunks."""
        return max((p.score for p in self.passages), default=0.0)

    @property
    def text(self) -> str:
        """The document's retrieved chunks joined, in retrieval order."""
        return "\n\n".join(p.text for p in self.passages)

    @property
    def link(self) -> str | None:
        """The document's own address (DOI as URL, else URL); None for a project summary."""
        if self.is_project_summary:
            return None
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    @property
    def publisher_label(self) -> str:
        """Who wrote this text, as it should be shown to a reader."""
        if self.is_project_summary:
            return f"{PROJECT_PUBLISHER} (summary of the references below)"
        return self.publisher or "publisher not stated"

    def citation(self) -> str:
        """The reference-list line: ``[n] title, publisher, date, link`` or, for a project
        note, its summary label followed by every reference it summarises."""
        if self.is_project_summary:
            return f"[{self.number}] " + project_summary_citation(self.title, self.date, self.references)
        parts = [self.title, self.publisher_label]
        if self.date:
            parts.append(self.date)
        if self.link:
            parts.append(self.link)
        return f"[{self.number}] " + ", ".join(parts)


def _document(number: int, first: Passage) -> SourceDocument:
    return SourceDocument(
        number=number,
        source_id=first.source_id,
        title=first.title,
        publisher=first.publisher,
        url=None if first.is_project_summary else first.url,
        doi=None if first.is_project_summary else first.doi,
        date=first.date,
        doc_type=first.doc_type,
        licence=first.licence,
        is_project_summary=first.is_project_summary,
        population=first.population,
        facts=first.facts,
        references=list(first.references),
    )


def group_by_document(passages: Iterable[Passage]) -> list[SourceDocument]:
    """Group chunks by source document, numbered 1..n in order of each document's best chunk.

    Args:
        passages: Retrieved passages, best first (as :meth:`Retriever.search` returns them).

    Returns:
        One :class:`SourceDocument` per distinct ``source_id``, holding its chunks in their
        original order; the input passages are not modified.
    """
    docs: dict[str, SourceDocument] = {}
    for passage in passages:
        doc = docs.get(passage.source_id)
        if doc is None:
            doc = docs[passage.source_id] = _document(len(docs) + 1, passage)
        doc.passages.append(passage)
    return list(docs.values())


def document_numbers(documents: Sequence[SourceDocument]) -> dict[str, int]:
    """Map every chunk id to its document's citation number (to renumber chunk citations)."""
    return {p.chunk_id: d.number for d in documents for p in d.passages}


def select_cited(
    documents: Sequence[SourceDocument], numbers: Iterable[int]
) -> tuple[list[SourceDocument], dict[int, int]]:
    """Keep only the documents a text cites, renumbered 1..m in order of first citation.

    Args:
        documents: The numbered documents the text was drafted from.
        numbers: Citation numbers found in the final text (see :func:`knowledge.sentences.cited_numbers`);
            numbers that match no document are ignored.

    Returns:
        The kept documents (copies with new numbers) and the mapping old number -> new number.
    """
    by_number = {d.number: d for d in documents}
    kept: list[SourceDocument] = []
    mapping: dict[int, int] = {}
    for old in numbers:
        if old in by_number and old not in mapping:
            mapping[old] = len(kept) + 1
            kept.append(by_number[old].model_copy(update={"number": mapping[old]}))
    return kept, mapping


def renumber_citations(text: str, mapping: Mapping[int, int]) -> str:
    """Rewrite ``[n]`` markers with ``mapping``; markers for unmapped numbers are removed."""
    return rewrite_citations(text, lambda numbers: sorted({mapping[n] for n in numbers if n in mapping}))
