"""Reading and editing opinion content, whatever version wrote it.

Draft content is ``{"sections": [{"key", "title", "sentences": [{"text", ...}]}], ...}``
as the drafting pipeline writes it (see :class:`assistant.drafting.schemas.DraftContent`).
Clinician edits replace a section's sentences with their own text (origin
``clinician``). Every renderer (cockpit, chat delivery, PDF, FHIR) reads sections
through :func:`section_texts` so they all show the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.errors import ValidationError

_CITATION = re.compile(r"\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


@dataclass(frozen=True)
class SectionText:
    """One section as people read it."""

    key: str
    title: str
    text: str


def _section_list(content: dict[str, Any]) -> list[dict[str, Any]]:
    sections = content.get("sections", [])
    if isinstance(sections, dict):  # {key: text}, the simplest form
        return [{"key": k, "title": k.replace("_", " ").capitalize(), "text": v} for k, v in sections.items()]
    return list(sections)


def _text_of(section: dict[str, Any]) -> str:
    if "text" in section and isinstance(section["text"], str):
        return section["text"]
    joiner = "\n" if section.get("key") == "questions" else " "
    return joiner.join(s.get("text", "") for s in section.get("sentences", []))


def section_texts(content: dict[str, Any]) -> list[SectionText]:
    """The sections of a draft, in order, as plain text with their [n] markers."""
    return [
        SectionText(str(s.get("key", "")), str(s.get("title", "")), _text_of(s))
        for s in _section_list(content)
    ]


def full_text(content: dict[str, Any]) -> str:
    """The whole opinion as titled plain text (for diffs, PDFs and search)."""
    return "\n\n".join(f"{s.title}\n{s.text}" for s in section_texts(content))


def citations_in(text: str) -> list[int]:
    """The [n] numbers a text cites, in order of first appearance."""
    seen: list[int] = []
    for m in _CITATION.finditer(text):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen


def _clinician_sentences(key: str, text: str) -> list[dict[str, Any]]:
    parts = [p.strip() for p in (text.splitlines() if key == "questions" else _SENTENCE_END.split(text))]
    return [
        {
            "text": p,
            "origin": "clinician",
            "citations": citations_in(p),
            "finding_refs": [],
            "support": None,
            "supported": None,
            "flags": [],
        }
        for p in parts
        if p
    ]


def apply_edits(content: dict[str, Any], edits: dict[str, str]) -> dict[str, Any]:
    """A copy of ``content`` with the named sections rewritten by the clinician."""
    sections = [dict(s) for s in _section_list(content)]
    known = {s.get("key") for s in sections}
    unknown = set(edits) - known
    if unknown:
        raise ValidationError("Unknown sections: " + ", ".join(sorted(unknown)))
    for section in sections:
        key = str(section.get("key"))
        if key in edits:
            new_text = edits[key].strip()
            if "text" in section and "sentences" not in section:
                section["text"] = new_text
            else:
                section["sentences"] = _clinician_sentences(key, new_text)
    out = dict(content)
    out["sections"] = sections
    return out
