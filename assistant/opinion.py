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
from knowledge.sentences import cited_numbers, split_sentences

__all__ = ["apply_edits", "section_texts"]


# "On what the images show: The film ...": the heading of one answer, kept apart from its first sentence.
_LEAD = re.compile(r"^(On [^:.?!]{3,200}:)\s+(\S.*)$", re.S)


def _clinician_sentences(key: SectionKey, text: str) -> list[DraftSentence]:
    """The clinician's text as sentences, keeping the answers' paragraph headings as their own.

    Each answer paragraph opens with a heading sentence ("On whether ...:") that the section's
    text starts a new paragraph at; split off again, an edited draft keeps its paragraphs.
    """
    if key is SectionKey.QUESTIONS:
        parts = [p.strip() for p in text.splitlines()]
    else:
        parts = []
        for sentence in (p.strip() for p in split_sentences(text)):
            lead = _LEAD.match(sentence) if key in (SectionKey.ANSWERS, SectionKey.ALTERNATIVES) else None
            parts += [lead.group(1), lead.group(2)] if lead else [sentence]
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
