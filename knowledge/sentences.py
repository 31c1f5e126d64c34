"""Sentences and ``[n]`` citation markers: the one splitter and the one marker parser.

The drafting checks, the clinician's edits, the cockpit, the chat delivery, the general
answers and the source selection all read sentences and markers through this module, so
"Fact [1, 2]. More [3]." cites {1, 2, 3} everywhere, and "e.g. Dr. Smith saw a 3.5 mm
nodule." is one sentence everywhere. It lives in ``knowledge`` (not the application) because
the library's own source selection (:mod:`knowledge.citing`) needs it too.

A marker is ``[n]``, a list ``[1, 2]`` or ``[1; 2]``, or a range ``[2-4]`` / ``[2–4]``;
numbers have one to three digits (``[2024]`` is a year, not a citation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

CITATION = re.compile(r"\[(\d{1,3}(?:\s*[,;\u2013-]\s*\d{1,3})*)\]")
_MARKER_WITH_LEAD = re.compile(r"(\s*)" + CITATION.pattern)
_LEADING_MARKERS = re.compile(r"^(?:" + CITATION.pattern + r"\s*)+")
#: A sentence may end at . ! or ? (closing quotes or brackets may follow) before white space
#: and a capital, digit, opening quote or bracket; a line break always ends one.
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\s*\n\s*")
_LAST_WORD = re.compile(r"(\S+)$")
#: Words that end with a full stop without ending the sentence (compared in lower case).
ABBREVIATIONS = frozenset(
    """
    e.g. i.e. vs. cf. approx. ca. dr. mr. mrs. ms. prof. st. fig. figs. ref. refs. vol. al.
    jr. sr. dept.
    """.split()  # noqa: SIM905
)
#: Bullet and heading marks a quoted line starts with in Markdown.
_MARKDOWN_LEAD = "#-*• "
MAX_RANGE = 50


def numbers_in_marker(inner: str) -> list[int]:
    """The numbers one marker's inside names: ``"1, 3"`` -> [1, 3], ``"2-4"`` -> [2, 3, 4].

    A reversed or implausibly long range (``[9-2]``, ``[1-200]``) gives its two ends only.
    """
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", inner):
        bounds = re.split(r"\s*[\u2013-]\s*", part)
        lo, hi = int(bounds[0]), int(bounds[-1])
        out.extend(range(lo, hi + 1) if 0 <= hi - lo < MAX_RANGE else [lo, hi])
    return out


def cited_numbers(text: str) -> list[int]:
    """Citation numbers used in ``text``, in order of first use, without repeats."""
    seen: list[int] = []
    for match in CITATION.finditer(text):
        for number in numbers_in_marker(match.group(1)):
            if number not in seen:
                seen.append(number)
    return seen


def rewrite_citations(text: str, choose: Callable[[list[int]], Iterable[int]]) -> str:
    """Rewrite every marker as ``[a, b]`` of the numbers ``choose`` returns for it.

    A marker for which ``choose`` returns nothing is removed with the white space before
    it, so "Fact [9]." becomes "Fact."; a kept marker keeps the space it had.
    """

    def repl(match: re.Match[str]) -> str:
        numbers = list(dict.fromkeys(choose(numbers_in_marker(match.group(2)))))
        if not numbers:
            return ""
        lead = " " if match.group(1) else ""
        return lead + "[" + ", ".join(map(str, numbers)) + "]"

    return _MARKER_WITH_LEAD.sub(repl, text)


def without_citations(text: str) -> str:
    """``text`` with every marker removed (the claim a support scorer compares)."""
    return rewrite_citations(text, lambda _: ()).strip()


def _ends_sentence(before: str) -> bool:
    """Whether the full stop (or ! ?) at the end of ``before`` ends the sentence."""
    if before.endswith(("!", "?")):
        return True
    word = _LAST_WORD.search(before)
    if word is None:
        return True
    token = word.group(1).lstrip("(\"'\u201c\u2018").lower()
    if token in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.){2,}", token):
        return False
    return not (re.fullmatch(r"\d{1,2}\.", token) and before.strip() == word.group(1))  # "1. First"


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences.

    A line break ends a sentence; so does ``.``, ``!`` or ``?`` before a capital or digit,
    except after an abbreviation ("e.g.", "Dr.") or a list number ("1. First"). Decimals
    ("3.5 mm") never split. A marker written after the full stop ("Fact. [1] Next.") stays
    with the sentence it follows. White space inside a sentence is folded to one space.
    """
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if "\n" in match.group(0) or _ends_sentence(text[start : match.start() + 1]):
            pieces.append(text[start : match.start() + len(match.group(0).rstrip())])
            start = match.end()
    pieces.append(text[start:])
    merged: list[str] = []
    for raw in pieces:
        piece = " ".join(raw.split())
        lead = _LEADING_MARKERS.match(piece)
        if lead and merged:
            merged[-1] = f"{merged[-1]} {lead.group(0).strip()}"
            piece = piece[lead.end() :].strip()
        if piece:
            merged.append(piece)
    return merged


def quotable_sentences(text: str, min_words: int = 4) -> list[str]:
    """The sentences of a Markdown passage worth quoting: bullets and headings unmarked,
    fragments shorter than ``min_words`` words dropped."""
    out: list[str] = []
    for sentence in split_sentences(re.sub(r"\s+[-•*]\s+", "\n", text)):
        plain = sentence.lstrip(_MARKDOWN_LEAD).strip()
        if len(plain.split()) >= min_words:
            out.append(plain)
    return out
