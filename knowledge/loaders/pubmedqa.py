"""PubMedQA JSON (Jin et al., 2019): one document per abstract, sections as labelled.

The file maps a PMID to ``QUESTION``, ``CONTEXTS`` and ``LABELS`` (the abstract's labelled
sections, without its conclusion), ``YEAR`` and ``MESHES``. The question, derived from the
article title, is kept in ``extra`` but not indexed, so evaluation cannot match it with itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from knowledge.documents import Document, Section
from knowledge.errors import SourceFormatError

PUBMEDQA_LICENCE = "MIT (PubMedQA); abstract text (c) its publisher"


def _document(pmid: str, entry: dict[str, Any], path: Path) -> Document | None:
    contexts = entry.get("CONTEXTS")
    labels = entry.get("LABELS") or []
    if not isinstance(contexts, list):
        raise SourceFormatError(path, f"PMID {pmid}: CONTEXTS must be a list")
    sections = tuple(
        Section(heading=str(labels[i]).title() if i < len(labels) else None, text=str(c).strip())
        for i, c in enumerate(contexts)
        if str(c).strip()
    )
    if not sections:
        return None
    year = entry.get("YEAR")
    meshes = entry.get("MESHES") or []
    return Document(
        source_id=f"pubmed:{pmid}",
        title=f"PubMed abstract PMID {pmid}",
        publisher="PubMed (US National Library of Medicine)",
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        date=str(year) if year else None,
        licence=PUBMEDQA_LICENCE,
        doc_type="pubmedqa",
        origin=str(path),
        extra={
            "pmid": pmid,
            "question": str(entry.get("QUESTION", "")),
            "mesh": "; ".join(map(str, meshes)),
        },
        sections=sections,
    )


def load_pubmedqa(path: Path) -> tuple[list[Document], int]:
    """Load a PubMedQA JSON file (e.g. ``pqal_dev.json``).

    Returns:
        The documents and the number of entries without any context text.

    Raises:
        SourceFormatError: Not JSON, or not a mapping of PMID to PubMedQA entries.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise SourceFormatError(path, f"malformed JSON ({e})") from e
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise SourceFormatError(path, "not a PubMedQA file (expected {PMID: {CONTEXTS: ...}})")
    docs: list[Document] = []
    empty = 0
    for pmid, entry in data.items():
        doc = _document(str(pmid), entry, path)
        if doc is None:
            empty += 1
        else:
            docs.append(doc)
    return docs, empty
