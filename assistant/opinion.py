"""Editing opinion content: clinician edits replace a section's sentences with their own text.

Stored content is read through :class:`assistant.drafting.stored.StoredContent` (the
pipeline's :class:`assistant.drafting.schemas.DraftSection` list); an edit keeps that shape,
so every renderer (cockpit, chat delivery, PDF, FHIR) reads edited and AI versions alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.drafting.schemas import DraftSentence, SectionKey
from assistant.drafting.stored import StoredContent, section_texts
from assistant.errors import ValidationError
from knowledge.sentences import cited_numbers, split_sentences

__all__ = ["apply_edits", "section_texts"]


def _clinician_sentences(key: SectionKey, text: str) -> list[DraftSentence]:
    parts = [p.strip() for p in (text.splitlines() if key is SectionKey.QUESTIONS else split_sentences(text))]
    return [DraftSentence(text=p, origin="clinician", citations=cited_numbers(p)) for p in parts if p]


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
