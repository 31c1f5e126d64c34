"""Reading and editing opinion content, whatever version wrote it.

Draft content is ``{"sections": [{"key", "title", "sentences": [{"text", ...}]}], ...}``
as the drafting pipeline writes it (see :class:`assistant.drafting.schemas.DraftContent`).
The older ``{"sections": {key: text}}`` shape is read too. Clinician edits replace a
section's sentences with their own text (origin ``clinician``). Every renderer (cockpit,
chat delivery, PDF, FHIR) reads sections through :func:`section_texts` so they all show
the same words under the same titles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.drafting.schemas import SECTION_TITLES, SectionKey, join_section_sentences
from assistant.errors import ValidationError
from knowledge.sentences import cited_numbers, split_sentences

_TITLES: dict[str, str] = {"question": "Your question", **{k.value: v for k, v in SECTION_TITLES.items()}}
_ORDER: tuple[str, ...] = tuple(k.value for k in SectionKey)


@dataclass(frozen=True)
class SectionText:
    """One section as people read it."""

    key: str
    title: str
    text: str


def title_of(key: str) -> str:
    """The human title of a section key ("images" -> "What the images show")."""
    return _TITLES.get(key, key.replace("_", " ").capitalize())


def _ordered(keys: Iterable[str]) -> list[str]:
    """Known section keys in the pipeline's reading order, then any others as given."""
    given = list(keys)
    return [k for k in _ORDER if k in given] + [k for k in given if k not in _ORDER]


def _section_list(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Section records from either stored shape; entries without a key are skipped."""
    sections = content.get("sections")
    if isinstance(sections, Mapping):  # {key: text}, the simplest form
        return [{"key": k, "title": title_of(k), "text": sections[k]} for k in _ordered(sections)]
    if isinstance(sections, list):
        return [dict(s) for s in sections if isinstance(s, Mapping) and "key" in s]
    return []


def _text_of(section: Mapping[str, Any]) -> str:
    if "text" in section:
        return "" if section["text"] is None else str(section["text"])
    sentences = [str(s.get("text", "")) for s in section.get("sentences") or [] if isinstance(s, Mapping)]
    return join_section_sentences(str(section.get("key", "")), sentences)


def section_texts(content: Mapping[str, Any]) -> list[SectionText]:
    """The sections of a draft, in reading order, as plain text with their [n] markers.

    Args:
        content: Stored draft content, ``{"sections": [...]}`` or ``{"sections": {key: text}}``.

    Returns:
        One entry per section; known keys carry their canonical title. Unrecognised
        shapes give an empty list rather than failing.
    """
    out: list[SectionText] = []
    for s in _section_list(content):
        key = str(s["key"])
        title = _TITLES.get(key) or str(s.get("title") or "") or title_of(key)
        out.append(SectionText(key, title, _text_of(s)))
    return out


def filled_sections(content: Mapping[str, Any]) -> list[SectionText]:
    """The sections that say something, with surrounding whitespace removed (what a patient receives)."""
    return [SectionText(s.key, s.title, s.text.strip()) for s in section_texts(content) if s.text.strip()]


def full_text(content: dict[str, Any]) -> str:
    """The whole opinion as titled plain text (for diffs, PDFs and search)."""
    return "\n\n".join(f"{s.title}\n{s.text}" for s in section_texts(content))


def _clinician_sentences(key: str, text: str) -> list[dict[str, Any]]:
    parts = [p.strip() for p in (text.splitlines() if key == "questions" else split_sentences(text))]
    return [
        {
            "text": p,
            "origin": "clinician",
            "citations": cited_numbers(p),
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
