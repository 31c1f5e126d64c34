"""Documents, chunks and retrieved passages, each carrying its full provenance."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Reference(BaseModel):
    """A bibliographic source cited by a document (a note of the starter pack cites several)."""

    model_config = ConfigDict(frozen=True)

    title: str
    organisation: str | None = None
    year: int | None = None
    url: str | None = None
    doi: str | None = None


Population = Literal["adult", "child", "all"]


class NoteFacts(BaseModel):
    """Structured clinical fields of a project note (front matter), for drafting and display."""

    model_config = ConfigDict(frozen=True)

    condition: str | None = None
    typical_symptoms: tuple[str, ...] = ()
    imaging_signs: tuple[str, ...] = ()
    distinguishing_tests: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    reviewed_by: str | None = Field(default=None, description="e.g. 'pending clinician review'.")


class Section(BaseModel):
    """A titled part of a document; chunks never straddle sections they cannot hold whole."""

    model_config = ConfigDict(frozen=True)

    heading: str | None = None
    text: str


class Provenance(BaseModel):
    """Where a piece of text came from: enough to open, cite and licence-check it."""

    model_config = ConfigDict(frozen=True)

    source_id: str = Field(description="Stable id of the document, e.g. 'medquad:GHR:0000001-1'.")
    title: str
    publisher: str | None = None
    url: str | None = None
    doi: str | None = None
    date: str | None = Field(default=None, description="ISO date or year of the source.")
    licence: str | None = None
    doc_type: str = Field(description="guideline_note, medquad, pubmedqa, markdown, html, pdf...")
    origin: str | None = Field(default=None, description="File the document was loaded from.")
    references: tuple[Reference, ...] = ()
    extra: dict[str, str] = Field(
        default_factory=dict, description="Loader-specific fields (focus, qtype, pmid...)."
    )
    is_project_summary: bool = Field(
        default=False,
        description="The text was written by this project to summarise the ``references``; "
        "it is never the referenced guideline's own text.",
    )
    population: Population | None = Field(
        default=None, description="Who the text is about: adult, child or all (None: not stated)."
    )
    facts: NoteFacts | None = None


#: Provenance fields added after stores were first built; left out of content hashes while
#: they hold their defaults, so existing documents are not re-ingested for nothing.
_LATER_FIELDS = {"is_project_summary": False, "population": None, "facts": None}


class Document(Provenance):
    """One source document, as produced by a loader."""

    sections: tuple[Section, ...]

    @property
    def text(self) -> str:
        """The whole text, sections separated by blank lines."""
        return "\n\n".join(s.text for s in self.sections)

    def content_hash(self) -> str:
        """A hash of text and provenance: a change in either re-ingests the document."""
        unset = {k for k, default in _LATER_FIELDS.items() if getattr(self, k) == default}
        payload = self.model_dump(mode="json", exclude={"origin"} | unset)
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(raw).hexdigest()


class Chunk(BaseModel):
    """A passage-sized piece of a document, ready to embed and index."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    ordinal: int
    section: str | None
    text: str
    provenance: Provenance

    @property
    def text_hash(self) -> str:
        """Hash of the normalised text, used to collapse identical passages."""
        return text_hash(self.text)

    def embedding_text(self) -> str:
        """The text that is embedded and indexed: a short title/section header, then the body."""
        header = self.provenance.title
        if self.section:
            header = f"{header} - {self.section}"
        return f"{header}\n{self.text}"


class Passage(BaseModel):
    """A retrieved chunk with its provenance, scores and citation number."""

    chunk_id: str
    source_id: str
    title: str
    publisher: str | None = None
    url: str | None = None
    doi: str | None = None
    date: str | None = None
    section: str | None = None
    licence: str | None = None
    doc_type: str
    text: str
    origin: str | None = None
    references: list[Reference] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)
    is_project_summary: bool = Field(
        default=False, description="A summary written by this project, not the references' text."
    )
    population: Population | None = None
    facts: NoteFacts | None = None
    score: float = Field(default=0.0, description="The score the final order is based on.")
    scores: dict[str, float] = Field(
        default_factory=dict,
        description="Per-stage scores: dense (cosine), bm25, fused, focus, rerank; and ranks.",
    )
    number: int = Field(default=0, description="Citation number [n], 1-based, set at retrieval.")

    @property
    def link(self) -> str | None:
        """The passage's own address: its DOI as a URL, else its URL (None for project notes)."""
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    def citation(self) -> str:
        """A one-line human citation: title, publisher, date, and URL or DOI.

        A project summary names what it summarises (``summarises: ...``) instead of borrowing
        a guideline's address as its own.
        """
        if self.is_project_summary:
            return f"[{self.number}] " + project_summary_citation(self.title, self.date, self.references)
        parts = [self.title]
        if self.section:
            parts.append(self.section)
        if self.publisher:
            parts.append(self.publisher)
        if self.date:
            parts.append(self.date)
        link = f"https://doi.org/{self.doi}" if self.doi else self.url
        if link:
            parts.append(link)
        return f"[{self.number}] " + ", ".join(parts)


def reference_citation(ref: Reference) -> str:
    """One reference as text: organisation, title, year, and its URL or DOI."""
    parts = [
        p for p in (ref.organisation, f"\u201c{ref.title}\u201d", str(ref.year) if ref.year else None) if p
    ]
    link = ref.url or (f"https://doi.org/{ref.doi}" if ref.doi else None)
    if link:
        parts.append(link)
    return ", ".join(parts)


def project_summary_citation(title: str, date: str | None, references: Sequence[Reference]) -> str:
    """How a project note is cited: labelled as the project's summary, with what it summarises."""
    head = f"{title} (summary written by the Second Opinion project"
    head += f", {date})" if date else ")"
    if not references:
        return head
    return head + "; summarises: " + "; ".join(reference_citation(r) for r in references)


def text_hash(text: str) -> str:
    """SHA-256 of whitespace-normalised, lower-cased text (first 16 bytes, hex)."""
    norm = " ".join(text.split()).lower()
    return hashlib.sha256(norm.encode()).hexdigest()[:32]


def chunk_id_for(source_id: str, text: str) -> str:
    """Stable chunk id: a hash of the owning document's id and the chunk's content."""
    raw = f"{source_id}\x1f{' '.join(text.split())}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def provenance_to_json(prov: Provenance) -> dict[str, Any]:
    """Provenance as plain JSON-able data (for storage next to a chunk)."""
    return prov.model_dump(mode="json")
