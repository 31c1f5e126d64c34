"""Markdown and plain-text files, with optional YAML front matter for provenance."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from knowledge.documents import Document, NoteFacts, Reference, Section
from knowledge.errors import SourceFormatError

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_PROVENANCE_KEYS = ("publisher", "url", "doi", "licence", "doc_type")
_FACT_LISTS = ("typical_symptoms", "imaging_signs", "distinguishing_tests", "red_flags")
_POPULATIONS = ("adult", "child", "all")
#: A publisher ending with this marks a note the project wrote (see ``is_project_summary``).
SUMMARY_MARK = "(summary)"


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


def _str_list(meta: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    raw = meta.get(key) or []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise SourceFormatError(path, f"'{key}' in front matter must be a list")
    return tuple(str(x).strip() for x in raw if str(x).strip())


def _facts(meta: dict[str, Any], path: Path) -> NoteFacts | None:
    lists = {key: _str_list(meta, key, path) for key in _FACT_LISTS}
    condition = str(meta["condition"]).strip() if meta.get("condition") else None
    reviewed = str(meta["reviewed_by"]).strip() if meta.get("reviewed_by") else None
    if condition is None and reviewed is None and not any(lists.values()):
        return None
    return NoteFacts(condition=condition, reviewed_by=reviewed, **lists)


def _population(meta: dict[str, Any], path: Path) -> str | None:
    value = meta.get("population")
    if value is None:
        return None
    if str(value) not in _POPULATIONS:
        raise SourceFormatError(path, f"'population' must be one of {', '.join(_POPULATIONS)}, got {value!r}")
    return str(value)


def is_project_summary(meta: dict[str, Any]) -> bool:
    """A note the project wrote: ``project_summary: true`` or a publisher ending in ``(summary)``."""
    publisher = str(meta.get("publisher") or "").strip()
    return bool(meta.get("project_summary")) or publisher.endswith(SUMMARY_MARK)


def document_from_markdown(text: str, path: Path, default_doc_type: str = "markdown") -> Document:
    """Build a document from Markdown text (front matter optional).

    Front matter keys: ``title``, ``source_id``, ``publisher``, ``url``, ``doi``, ``date``,
    ``licence``, ``doc_type``, ``sources`` (a list of references), ``population``
    (adult, child, all), ``condition``, ``typical_symptoms``, ``imaging_signs``,
    ``distinguishing_tests``, ``red_flags`` and ``reviewed_by``. A project summary (see
    :func:`is_project_summary`) keeps no address of its own: its references carry theirs.
    Any other note without a ``url``/``doi`` borrows its first reference's for citation.

    Raises:
        SourceFormatError: Bad front matter (references, lists or population).
    """
    meta, body = split_front_matter(text, path)
    h1, sections = split_sections(body)
    if not sections:
        raise SourceFormatError(path, "no text")
    refs = _references(meta, path)
    fields: dict[str, Any] = {k: str(meta[k]) for k in _PROVENANCE_KEYS if meta.get(k)}
    summary = is_project_summary(meta)
    if refs and not summary and "url" not in fields and "doi" not in fields:
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
        is_project_summary=summary,
        population=_population(meta, path),
        facts=_facts(meta, path),
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
