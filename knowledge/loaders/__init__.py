"""Loaders: turn source files into :class:`knowledge.documents.Document` objects with provenance.

One module per format. :func:`load_paths` walks files and folders, picks the loader by suffix
(and, for ``.xml`` and ``.json``, by content), and collects documents, per-file errors and
counts of skipped empty records, so that one malformed file never stops an ingest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.documents import Document
from knowledge.errors import KnowledgeError, SourceFormatError, UnsupportedSourceError
from knowledge.loaders.html import load_html
from knowledge.loaders.markdown import load_markdown
from knowledge.loaders.medquad import load_medquad
from knowledge.loaders.pdf import load_pdf
from knowledge.loaders.pubmedqa import load_pubmedqa

logger = logging.getLogger(__name__)

#: File stems never ingested when walking a folder (licence and read-me files of corpora).
SKIPPED_STEMS = frozenset({"license", "licence", "readme", "copying", "notice", "changelog"})


@dataclass
class FileLoad:
    """What one file gave: its documents, and how many empty records it skipped."""

    documents: list[Document]
    skipped_empty: int = 0


@dataclass
class LoadResult:
    """Documents from many files, plus the files that failed and why."""

    documents: list[Document] = field(default_factory=list)
    errors: list[KnowledgeError] = field(default_factory=list)
    files: int = 0
    skipped_empty: int = 0


Loader = Callable[[Path], FileLoad]

_BY_SUFFIX: dict[str, Loader] = {
    ".md": lambda p: FileLoad([load_markdown(p)]),
    ".markdown": lambda p: FileLoad([load_markdown(p)]),
    ".txt": lambda p: FileLoad([load_markdown(p)]),
    ".html": lambda p: FileLoad([load_html(p)]),
    ".htm": lambda p: FileLoad([load_html(p)]),
    ".pdf": lambda p: FileLoad([load_pdf(p)]),
}


def _load_xml(path: Path) -> FileLoad:
    docs, empty = load_medquad(path)
    return FileLoad(docs, empty)


def _load_json(path: Path) -> FileLoad:
    docs, empty = load_pubmedqa(path)
    return FileLoad(docs, empty)


_BY_SUFFIX[".xml"] = _load_xml
_BY_SUFFIX[".json"] = _load_json


def supported_suffixes() -> frozenset[str]:
    """File suffixes that have a loader."""
    return frozenset(_BY_SUFFIX)


def load_file(path: Path) -> FileLoad:
    """Load one file with the loader for its suffix.

    Args:
        path: The file.

    Returns:
        Its documents and the number of empty records skipped.

    Raises:
        UnsupportedSourceError: No loader handles the suffix.
        SourceFormatError: The file is malformed.
    """
    loader = _BY_SUFFIX.get(path.suffix.lower())
    if loader is None:
        raise UnsupportedSourceError(path)
    try:
        return loader(path)
    except KnowledgeError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise SourceFormatError(path, f"{type(e).__name__}: {e}") from e


def iter_source_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the loadable files under ``paths`` in a stable (sorted) order.

    Folders are walked recursively; hidden files, unsupported suffixes and licence/read-me
    files are skipped. Files named explicitly are always yielded (so an unsupported one
    produces a clear error).
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                    and child.suffix.lower() in _BY_SUFFIX
                    and child.stem.lower() not in SKIPPED_STEMS
                ):
                    yield child
        else:
            yield path


def load_paths(paths: Iterable[Path]) -> LoadResult:
    """Load every supported file under ``paths``; failures are collected, not raised.

    Args:
        paths: Files and folders.

    Returns:
        The documents, the per-file errors, and counts.
    """
    result = LoadResult()
    for file in iter_source_files(paths):
        result.files += 1
        try:
            if not file.exists():
                raise SourceFormatError(file, "file does not exist")
            loaded = load_file(file)
        except KnowledgeError as e:
            logger.warning("skipping source file: %s", e)
            result.errors.append(e)
            continue
        result.documents.extend(loaded.documents)
        result.skipped_empty += loaded.skipped_empty
    return result


__all__ = [
    "FileLoad",
    "LoadResult",
    "iter_source_files",
    "load_file",
    "load_paths",
    "supported_suffixes",
]
