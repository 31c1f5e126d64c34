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
        (r"\balot\b", "a lot"),
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
_TIME = re.compile(r"(?<=[0-9]):(?=[0-9])")
# "and suddenly" ends a clause too ("... a week ago and suddenly ...", "y de repente", "et
# soudain"), so a time cue of the first part (the operation "a week ago") does not set aside
# what began since; so does "and" before something going on now ("... a week ago and I am
# spitting out clots"). ("and now" does not: "last year and now again" needs "now" in its clause.)
_CLAUSE_BREAK = re.compile(
    r"[.!?;,:\n]+|\b(?:but|however|although|though|whereas|pero|mais)\b"
    r"|\b(?:and|y|et)\b(?= (?:suddenly|all of a sudden|de repente|de golpe|soudain|tout a coup)\b)"
    r"|\band\b(?= (?:i am|he is|she is|they are|we are|it is|(?:my|his|her|their) [a-z]+ (?:is|are))"
    r" [a-z]+ing\b)"
)
# A point between two digits is a decimal ("37.9", "2.5 mg"), not the end of a sentence: the
# semantic layer compares "temp 37.9 this morning" whole. (Clauses still break there, as the
# rules have always read them: "5.2 cm and this started ..." keeps its own clause.)
_SENTENCE_BREAK = re.compile(r"(?:[!?;\n]|\.(?![0-9])|(?<![0-9])\.)+|\bbut\b")
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, no accents ("cœur" -> "coeur"), contractions expanded, only words and punctuation."""
    lowered = text.lower().replace("’", "'").replace("‘", "'").replace("œ", "oe").replace("æ", "ae")
    folded = unicodedata.normalize("NFKD", lowered)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    for pattern, repl in _CONTRACTIONS:
        folded = pattern.sub(repl, folded)
    folded = _TIME.sub(" ", folded.replace("'", " ").replace("-", " "))  # "14:10" is a time, not two clauses
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


def clause_spans(normalised: str) -> list[tuple[int, int]]:
    """Where each clause of :func:`clauses` lies in the text (start, end), in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in [*_CLAUSE_BREAK.finditer(normalised), None]:
        end = m.start() if m is not None else len(normalised)
        if normalised[start:end].strip():
            spans.append((start, end))
        start = m.end() if m is not None else end
    return spans


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
        *("comme", "entre", "depuis", "quelque", "chose", "douleur", "soudaine", "quand", "tout"),
        *("cuando", "dolor", "pecho", "hijo", "hija", "desde", "siento", "todo"),
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


_SUFFIXES = ("ing", "ed", "es", "s", "d", "er", "ers", "ly", "ness")
_SOUNDS: tuple[tuple[str, str], ...] = (
    ("ough", "of"),
    ("augh", "af"),
    ("ph", "f"),
    ("gh", ""),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
)


def sound_key(word: str) -> str:
    """A rough English sound key: "coffing" and "coughing" both give "kfng" (first letter kept)."""
    w = word.lower()
    for a, b in _SOUNDS:
        w = w.replace(a, b)
    w = re.sub(r"c(?=[eiy])", "s", w).replace("c", "k")
    if not w:
        return ""
    tail = re.sub(r"[aeiouyhw]", "", w[1:])
    return w[0] + re.sub(r"(.)\1+", r"\1", tail)


class TypoCorrector:
    """Replace unknown words by the nearest triage word (same first letter, few edits, unique).

    ``targets`` are the words triage rules and exemplars use; ``known`` are ordinary words
    that are never changed (the embedding model's word list), so "sweet" stays "sweet".
    Two equally near targets are told apart by sound ("coffing" is "coughing", not
    "coping"), then by the words around them: ``contexts`` are phrases (the exemplars) in
    which a candidate that shares a neighbouring word wins ("coughing up blod" -> "blood",
    not "bled"). A word with no target within the edit limit may still take the one
    target that sounds the same within one more edit.
    """

    def __init__(
        self, targets: Iterable[str], known: Iterable[str] = (), contexts: Iterable[str] = ()
    ) -> None:
        self.targets = frozenset(w for w in targets if len(w) >= 4 and w.isalpha())
        self.known = frozenset(known) | self.targets
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self.targets):
            self._by_initial.setdefault(word[0], []).append(word)
        self._near: dict[str, set[str]] = {}
        for phrase in contexts:
            tokens = _WORD.findall(phrase.lower())
            for i, t in enumerate(tokens):
                self._near.setdefault(t, set()).update(tokens[max(0, i - 3) : i] + tokens[i + 1 : i + 4])
        self.candidates = lru_cache(maxsize=8192)(self._candidates)

    def _known_stem(self, word: str) -> str:
        """The known word that ``word`` is an ordinary ending on ("shovelling" -> "shovel",
        "bleeds" -> "bleed", "rehomed" -> "rehome"), or "".

        The model's word list holds stems more often than their inflections, and an inflection
        is not a misspelling: "shovelling" had become "swelling", "bleeds" "blades".
        """
        for suffix in _SUFFIXES:
            stem = word[: -len(suffix)]
            if not word.endswith(suffix) or len(stem) < 3:
                continue
            for known in (stem, stem + "e", stem[:-1] if len(stem) >= 4 and stem[-1] == stem[-2] else ""):
                if known in self.known:
                    return known
        return ""

    def _candidates(self, word: str) -> tuple[str, ...]:
        """The equally best corrections of a word (itself alone when it is known or has none)."""
        if len(word) < 4 or word in self.known or not word.isalpha():
            return (word,)
        stem = self._known_stem(word)
        if len(stem) >= 5:  # a long known stem: kept whatever is near ("whats" is still "what")
            return (word,)
        limit = _allowed_edits(word)
        key = sound_key(word)
        scored: list[tuple[int, str]] = []
        for target in self._by_initial.get(word[0], ()):
            d = osa_distance(word, target, limit + 1)
            if d <= limit or (d == limit + 1 and sound_key(target) == key):
                scored.append((d if d <= limit else limit + 1, target))
        if not scored:
            return (word,)
        if stem and min(d for d, _ in scored) > 1:
            return (word,)  # a known word's inflection, not one slip from a triage word
        same_sound = [t for _, t in scored if sound_key(t) == key]
        if len(same_sound) == 1:  # one target sounds like the word: it wins ("coffing" -> "coughing")
            return (same_sound[0],)
        within = [x for x in scored if x[0] <= limit]
        if not within:
            return (word,)
        best = min(d for d, _ in within)
        return tuple(t for d, t in within if d == best)

    def correct_word(self, word: str) -> str:
        """One word's correction, without context (ties are left alone)."""
        found = self.candidates(word)
        return found[0] if len(found) == 1 else word

    def correct(self, normalised: str) -> str:
        """The text with each unknown word replaced by its correction (punctuation kept)."""
        tokens = _WORD.findall(normalised)
        fixed: list[str] = []
        for i, token in enumerate(tokens):
            found = self.candidates(token)
            if len(found) > 1:
                around = set(fixed[max(0, i - 3) : i]) | set(tokens[i + 1 : i + 4])
                shared = [(len(self._near.get(c, set()) & around), c) for c in found]
                shared.sort(reverse=True)
                found = (shared[0][1],) if shared[0][0] > shared[1][0] else (token,)
            fixed.append(found[0])
        it = iter(fixed)
        return _WORD.sub(lambda _m: next(it), normalised)
