"""Word-level differences between a clinician's text and the AI original.

Pure functions over strings: the cockpit renders the diff as ``<ins>``/``<del>`` markup and
the oversight metrics use :func:`edit_ratio` to bucket how heavily a signed opinion was
edited. Tokens are words and the whitespace between them, so a diff never splits a word
and re-joining the tokens gives back the text exactly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|[^\s]+")

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class DiffChunk:
    """A run of text that is unchanged, added by the clinician, or removed."""

    op: Op
    text: str


def tokens(text: str) -> list[str]:
    """Split text into words and whitespace runs (their concatenation is the text)."""
    return _TOKEN.findall(text)


def _words(text: str) -> list[str]:
    return text.split()


def word_diff(original: str, edited: str) -> list[DiffChunk]:
    """The word-level difference from ``original`` to ``edited``.

    Args:
        original: The AI original text of one section.
        edited: The clinician's current text of the same section.

    Returns:
        Chunks in reading order; joining the ``equal`` and ``insert`` chunks gives
        ``edited``, joining ``equal`` and ``delete`` gives ``original``.
    """
    a, b = tokens(original), tokens(edited)
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    chunks: list[DiffChunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append(DiffChunk("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            chunks.append(DiffChunk("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            chunks.append(DiffChunk("insert", "".join(b[j1:j2])))
    return [c for c in chunks if c.text]


def diff_html(original: str, edited: str) -> Markup:
    """The diff as escaped HTML with ``<ins>`` and ``<del>`` around changed words.

    Returns empty markup when nothing changed, so callers can say so instead.
    """
    chunks = word_diff(original, edited)
    if all(c.op == "equal" for c in chunks):
        return Markup("")
    parts: list[str] = []
    for chunk in chunks:
        text = str(escape(chunk.text))
        if chunk.op == "equal":
            parts.append(text)
        elif chunk.op == "insert":
            parts.append(f"<ins>{text}</ins>")
        else:
            parts.append(f"<del>{text}</del>")
    return Markup("".join(parts))  # noqa: S704 - every piece above was escaped


def word_edit_distance(original: str, edited: str) -> int:
    """Words inserted plus words deleted to turn ``original`` into ``edited``."""
    a, b = _words(original), _words(edited)
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return (len(a) - same) + (len(b) - same)


def edit_ratio(original: Mapping[str, str], edited: Mapping[str, str]) -> float:
    """Share of words changed across all sections: 0.0 unchanged, 1.0 rewritten.

    The distance (words inserted plus deleted) is divided by the words of both texts,
    so replacing every word gives 1.0 and appending one word to a long text stays small.
    """
    keys = sorted(set(original) | set(edited))
    distance = sum(word_edit_distance(original.get(k, ""), edited.get(k, "")) for k in keys)
    size = sum(len(_words(original.get(k, ""))) + len(_words(edited.get(k, ""))) for k in keys)
    return 0.0 if size == 0 else distance / size


EditBucket = Literal["unchanged", "light", "heavy"]
LIGHT_EDIT_MAX = 0.2
"""Edits changing at most this share of words count as light; more is heavy."""


def edit_bucket(ratio: float) -> EditBucket:
    """Classify an :func:`edit_ratio` as unchanged, lightly edited or heavily edited."""
    if ratio <= 0.0:
        return "unchanged"
    return "light" if ratio <= LIGHT_EDIT_MAX else "heavy"
