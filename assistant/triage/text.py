"""The words of a patient message as triage reads them: normalised, split into clauses, typos fixed.

Normalisation lowers case, removes accents (so "à" matches "a" and French and Spanish
phrases in the rules are written without them), expands English contractions ("can't"
-> "cannot", "i'm" -> "i am") and keeps only letters, digits and clause punctuation.
:class:`TypoCorrector` then replaces a word it does not know by the one word of the
triage vocabulary within a small edit distance ("brething" -> "breathing").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"\bcan'?t\b|\bcan not\b", "cannot"),
        (r"\bwon'?t\b", "will not"),
        (r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should|must|need)n'?t\b", r"\1 not"),
        (r"\bain'?t\b", "is not"),
        (r"\bwanna\b", "want to"),
        (r"\bgonna\b", "going to"),
        (r"\bi'?m\b", "i am"),
        (r"\b(he|she|it|that|there|what|who)'s\b", r"\1 is"),
        (r"\b(i|you|we|they)'ve\b", r"\1 have"),
        (r"\bive\b", "i have"),
        (r"\b(i|you|we|they|he|she)'d\b", r"\1 would"),
        (r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will"),
        (r"\b(you|we|they)'re\b", r"\1 are"),
    )
)
_KEEP = re.compile(r"[^a-z0-9.!?;,:\n ]+")
_SPACES = re.compile(r"[ ]+")
_CLAUSE_BREAK = re.compile(r"[.!?;,:\n]+|\b(?:but|however|although|though|whereas|pero|mais)\b")
_SENTENCE_BREAK = re.compile(r"[.!?;\n]+|\bbut\b")
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, no accents, contractions expanded, only words and clause punctuation."""
    folded = unicodedata.normalize("NFKD", text.lower().replace("’", "'").replace("‘", "'"))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    for pattern, repl in _CONTRACTIONS:
        folded = pattern.sub(repl, folded)
    folded = folded.replace("'", " ").replace("-", " ")
    return _SPACES.sub(" ", _KEEP.sub(" ", folded)).strip()


@dataclass(frozen=True)
class Clause:
    """A stretch of a message between clause breaks (commas, full stops, "but")."""

    index: int
    text: str


def clauses(normalised: str) -> list[Clause]:
    """The message's clauses, in order, without the break punctuation."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(normalised)]
    return [Clause(i, p) for i, p in enumerate(q for q in parts if q)]


def sentences(normalised: str) -> list[str]:
    """The message's sentences (for the semantic layer), in order."""
    return [p.strip(" ,:") for p in _SENTENCE_BREAK.split(normalised) if p.strip(" ,:")]


def words(text: str) -> list[str]:
    """The alphanumeric words of a normalised text."""
    return _WORD.findall(text)


_ROMANCE_WORDS = frozenset(
    [
        "el",
        "los",
        "las",
        "del",
        "una",
        "mi",
        "tengo",
        "estoy",
        "esta",
        "muy",
        "pero",
        "que",
        "y",
        "se",
        "con",
        "por",
        "para",
        "sin",
        "mucha",
        "mucho",
        "su",
        "le",
        "les",
        "des",
        "et",
        "je",
        "j",
        "ma",
        "mon",
        "est",
        "pas",
        "du",
        "au",
        "il",
        "elle",
        "ne",
        "dans",
        "avec",
        "ai",
        "qui",
        "ca",
        "sa",
        "ses",
        "mes",
        "de",
        "la",
        "un",
        "une",
        "al",
        "lo",
        "sus",
        "nos",
    ]
)


def looks_romance(normalised: str) -> bool:
    """Whether a text reads as Spanish or French (spelling correction is for English only)."""
    tokens = words(normalised)
    hits = sum(t in _ROMANCE_WORDS for t in tokens)
    return hits >= 2 and hits >= 0.15 * len(tokens)


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (edits and adjacent swaps), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _allowed_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3


class TypoCorrector:
    """Replace unknown words by the nearest triage word (same first letter, few edits, unique).

    ``targets`` are the words triage rules and exemplars use; ``known`` are ordinary words
    that are never changed (the embedding model's word list), so "sweet" stays "sweet".
    """

    def __init__(self, targets: Iterable[str], known: Iterable[str] = ()) -> None:
        self.targets = frozenset(w for w in targets if len(w) >= 4 and w.isalpha())
        self.known = frozenset(known) | self.targets
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self.targets):
            self._by_initial.setdefault(word[0], []).append(word)
        self.correct_word = lru_cache(maxsize=8192)(self._correct_word)

    def _correct_word(self, word: str) -> str:
        if len(word) < 4 or word in self.known or not word.isalpha():
            return word
        limit = _allowed_edits(word)
        best: list[tuple[int, str]] = []
        for target in self._by_initial.get(word[0], ()):
            d = osa_distance(word, target, limit)
            if d <= limit:
                best.append((d, target))
        if not best:
            return word
        best.sort()
        if len(best) > 1 and best[0][0] == best[1][0]:
            return word  # two equally close words: do not guess
        return best[0][1]

    def correct(self, normalised: str) -> str:
        """The text with each unknown word replaced by its correction (punctuation kept)."""
        return _WORD.sub(lambda m: self.correct_word(m.group(0)), normalised)
