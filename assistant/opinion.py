"""Editing opinion content: clinician edits replace a section's sentences with their own text.

Stored content is read through :class:`assistant.drafting.stored.StoredContent` (the
pipeline's :class:`assistant.drafting.schemas.DraftSection` list); an edit keeps that shape,
so every renderer (cockpit, chat delivery, PDF, FHIR) reads edited and AI versions alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.drafting.schemas import DraftSentence, SectionKey
from assistant.drafting.stored import StoredContent, section_texts
from assistant.errors import ValidationError

__all__ = ["apply_edits", "citations_in", "section_texts"]

_CITATION = re.compile(r"\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


def citations_in(text: str) -> list[int]:
    """The [n] numbers a text cites, in order of first appearance."""
    seen: list[int] = []
    for m in _CITATION.finditer(text):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def _clinician_sentences(key: SectionKey, text: str) -> list[DraftSentence]:
    parts = [
        p.strip() for p in (text.splitlines() if key is SectionKey.QUESTIONS else _SENTENCE_END.split(text))
    ]
    return [DraftSentence(text=p, origin="clinician", citations=citations_in(p)) for p in parts if p]


def apply_edits(content: Mapping[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """A copy of stored ``content`` with the named sections rewritten by the clinician.

    Raises:
        ValidationError: An edit names a section the draft does not have.
        StoredDraftError: ``content`` is not stored draft content.
    """
    stored = StoredContent.read(content)
    unknown = set(edits) - {s.key.value for s in stored.sections}
    if unknown:
        raise ValidationError("Unknown sections: " + ", ".join(sorted(unknown)))
    sections = [
        s.model_copy(update={"sentences": _clinician_sentences(s.key, edits[s.key.value].strip())})
        if s.key.value in edits
        else s
        for s in stored.sections
    ]
    return {**content, "sections": [s.model_dump(mode="json") for s in sections]}
