"""Markdown and plain-text files, with optional YAML front matter for provenance."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from knowledge.documents import Document, Reference, Section
from knowledge.errors import SourceFormatError

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_PROVENANCE_KEYS = ("publisher", "url", "doi", "licence", "doc_type")


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """Separate a leading ``---`` YAML block from the body.

    Raises:
        SourceFormatError: The block is not valid YAML or not a mapping.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as e:
        raise SourceFormatError(path, f"invalid YAML front matter ({e})") from e
    if not isinstance(meta, dict):
        raise SourceFormatError(path, "front matter must be a YAML mapping")
    return meta, text[match.end() :]


def split_sections(body: str) -> tuple[str | None, list[Section]]:
    """Split Markdown into sections at headings; return the first H1 and the sections.

    Text before the first heading becomes a section without a heading. The H1 itself is used
    as the document title, and its own text (if any) belongs to a section headed by it.
    """
    title: str | None = None
    sections: list[Section] = []
    heading: str | None = None
    lines: list[str] = []

    def flush() -> None:
        text = "\n".join(lines).strip()
        if text:
            sections.append(Section(heading=heading, text=text))

    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            flush()
            lines = []
            heading = match.group(2).strip()
            if len(match.group(1)) == 1 and title is None:
                title = heading
            continue
        lines.append(line)
    flush()
    return title, sections


def _references(meta: dict[str, Any], path: Path) -> tuple[Reference, ...]:
    raw = meta.get("sources") or meta.get("references") or []
    if not isinstance(raw, list):
        raise SourceFormatError(path, "'sources' in front matter must be a list")
    try:
        return tuple(Reference(**{k: v for k, v in item.items() if v is not None}) for item in raw)
    except (TypeError, ValueError, AttributeError) as e:
        raise SourceFormatError(path, f"invalid entry in 'sources' ({e})") from e


def document_from_markdown(text: str, path: Path, default_doc_type: str = "markdown") -> Document:
    """Build a document from Markdown text (front matter optional).

    Front matter keys: ``title``, ``source_id``, ``publisher``, ``url``, ``doi``, ``date``,
    ``licence``, ``doc_type`` and ``sources`` (a list of references). When a note gives no
    ``url``/``doi`` of its own, those of its first reference are used for citation.
    """
    meta, body = split_front_matter(text, path)
    h1, sections = split_sections(body)
    if not sections:
        raise SourceFormatError(path, "no text")
    refs = _references(meta, path)
    fields: dict[str, Any] = {k: str(meta[k]) for k in _PROVENANCE_KEYS if meta.get(k)}
    if refs and "url" not in fields and "doi" not in fields:
        fields["url"], fields["doi"] = refs[0].url, refs[0].doi
    date = meta.get("date")
    topics = meta.get("topics") or []
    return Document(
        source_id=str(meta.get("source_id") or f"file:{path.resolve()}"),
        title=str(meta.get("title") or h1 or path.stem.replace("-", " ").replace("_", " ")),
        date=str(date) if date else None,
        doc_type=fields.pop("doc_type", default_doc_type),
        origin=str(path),
        references=refs,
        extra={"topics": ", ".join(map(str, topics))} if topics else {},
        sections=tuple(sections),
        **fields,
    )


def load_markdown(path: Path) -> Document:
    """Load a ``.md``/``.markdown``/``.txt`` file as one document.

    Raises:
        SourceFormatError: Unreadable, empty, or bad front matter.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise SourceFormatError(path, "not UTF-8 text") from e
    return document_from_markdown(text, path)
