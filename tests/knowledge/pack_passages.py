"""Real passages built from the starter pack's own chunks (no embedder needed)."""

from __future__ import annotations

from knowledge import pack_path
from knowledge.chunking import Chunker
from knowledge.documents import Passage
from knowledge.loaders.markdown import load_markdown


def pack_passages(*stems: str) -> list[Passage]:
    """Every chunk of the named pack notes as a Passage, in note then chunk order."""
    out: list[Passage] = []
    for stem in stems:
        doc = load_markdown(pack_path() / f"{stem}.md")
        for chunk in Chunker().chunk(doc):
            prov = chunk.provenance
            out.append(
                Passage(
                    chunk_id=chunk.chunk_id, source_id=prov.source_id, title=prov.title,
                    publisher=prov.publisher, url=prov.url, doi=prov.doi, date=prov.date,
                    section=chunk.section, licence=prov.licence, doc_type=prov.doc_type,
                    text=chunk.text, references=list(prov.references), extra=dict(prov.extra),
                    is_project_summary=prov.is_project_summary, population=prov.population,
                    facts=prov.facts,
                )
            )  # fmt: skip
    return out
