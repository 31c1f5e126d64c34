"""Does a passage answer the question a draft sentence makes? Per-sentence relevance.

Similarity is not support: "Pulmonary embolism is excluded by a normal D-dimer" is very
similar to a passage about pneumonia X-rays and is not supported by it. This module checks
that the passage is *about what the sentence claims*:

* with a cross-encoder (when the deployment has one as a local model; none is shipped, and
  no packaged cross-encoder with weights is installable from the package registry the
  project uses), the pair is scored jointly and squashed to 0..1;
* otherwise, an entailment-style check on key terms: the sentence's condition terms
  (pneumonia, pulmonary embolism, ...) must appear in the passage *as its topic* (in its
  title when one is given, else mentioned at least twice; a passing mention, as in a
  list of alternatives, counts half), and most of its claim terms (the other content
  words and numbers) must appear too. The score is the condition factor times the claim
  coverage. Lay words, misspellings and abbreviations are normalised on both sides first
  (:mod:`knowledge.lexicon`).

The cross-encoder path keeps the condition-term guard: a passage that never names the
condition does not support a sentence about it, however fluent the match.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from knowledge.lexicon import normalise
from knowledge.query import CORE_CONDITIONS
from knowledge.rerank import Reranker

#: Default decision threshold on the 0..1 score.
RELEVANCE_THRESHOLD = 0.5
#: Condition factor for a condition the passage mentions only in passing.
PASSING_MENTION = 0.5

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")
_GENERIC = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just may me might more most must my no nor not now of off often on once only or
    other our out over own same she should so some such than that the their them then there
    these they this those through to too under until up usually very was we were what when
    where which while who whom why will with would you your yours one two three per cent
    percent patient patients person people doctor doctors clinician clinicians image images
    imaging scan scans report reports finding findings result results source sources said
    says show shows shown showed mean means include includes including cause caused usual
    common commonly likely less more well rather whether thing things way ways need needs
    needed help helps first diagnosis diagnoses question questions asked ask asks opinion
    second showing make makes made take takes taken give gives given get gets got
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class RelevanceVerdict:
    """The outcome of one (sentence, passage) check, with what it rests on."""

    score: float
    relevant: bool
    method: Literal["key_terms", "cross_encoder"]
    conditions: tuple[str, ...]
    matched: tuple[str, ...]
    missing: tuple[str, ...]

    def reason(self) -> str:
        """A short plain-words reason, for the clinician's view of a removed citation."""
        if self.relevant:
            return "the passage covers the sentence's key terms"
        absent = [c for c in self.conditions if c in self.missing]
        if absent:
            return "the passage does not mention " + ", ".join(absent)
        return "the passage does not cover: " + ", ".join(self.missing[:6])


def _stem(word: str) -> str:
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith(("ss", "us", "is")):
            return word[: len(word) - len(suffix)] + keep
    return word


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    need = max(6, min(len(a), len(b)) - 2)
    return len(a) >= need and len(b) >= need and a[:need] == b[:need]


def _tokens(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(normalise(text))]


def sentence_terms(sentence: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sentence's condition names and its other key (claim) terms, normalised."""
    norm = " ".join(_WORD.findall(normalise(sentence)))
    conditions: list[str] = []
    for name in sorted(CORE_CONDITIONS, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", norm) and not any(
            name in c for c in conditions
        ):
            conditions.append(name)
    condition_words = {w for c in conditions for w in c.split()}
    claims: list[str] = []
    for word in _WORD.findall(norm):
        if word in _GENERIC or word in condition_words or (len(word) < 3 and not word.isdigit()):
            continue
        stem = _stem(word)
        if stem not in claims:
            claims.append(stem)
    return tuple(conditions), tuple(claims)


def _has(term: str, tokens: set[str]) -> bool:
    return any(_same(term, t) for t in tokens)


def _condition_factor(condition: str, tokens: list[str], title_tokens: set[str] | None) -> float:
    words = [_stem(w) for w in condition.split()]
    if title_tokens is not None and all(_has(w, title_tokens) for w in words):
        return 1.0
    counts = [sum(1 for t in tokens if _same(w, t)) for w in words]
    if min(counts) == 0:
        return 0.0
    return 1.0 if title_tokens is None and min(counts) >= 2 else PASSING_MENTION


def judge_terms(sentence: str, passage_text: str, title: str | None = None,
                threshold: float = RELEVANCE_THRESHOLD) -> RelevanceVerdict:  # fmt: skip
    """The key-term check (no model): the conditions must be the passage's topic, claims should appear.

    Args:
        sentence: One sentence of a draft.
        passage_text: The cited passage.
        title: The passage's document title, when known (a condition in the title is the topic).
        threshold: Decision threshold on the 0..1 score.
    """
    conditions, claims = sentence_terms(sentence)
    token_list = _tokens(passage_text)
    tokens = set(token_list)
    title_tokens = set(_tokens(title)) if title else None
    factors = {c: _condition_factor(c, token_list, title_tokens) for c in conditions}
    claim_ok = [t for t in claims if _has(t, tokens) or (title_tokens is not None and _has(t, title_tokens))]
    claim_cover = len(claim_ok) / len(claims) if claims else 1.0
    cond_factor = max(factors.values()) if factors else 1.0
    value = cond_factor * claim_cover if (claims or conditions) else 0.0
    cond_ok = tuple(c for c, f in factors.items() if f > 0)
    missing = [c for c in conditions if c not in cond_ok] + [t for t in claims if t not in claim_ok]
    return RelevanceVerdict(round(value, 4), value >= threshold, "key_terms", conditions,
                            cond_ok + tuple(claim_ok), tuple(missing))  # fmt: skip


class RelevanceScorer:
    """Per-sentence relevance, with a cross-encoder when one is loaded, else key terms.

    Args:
        cross_encoder: A loaded :class:`~knowledge.rerank.Reranker` (``None``: key terms only).
        threshold: Decision threshold on the 0..1 score.
    """

    def __init__(self, cross_encoder: Reranker | None = None, threshold: float = RELEVANCE_THRESHOLD) -> None:
        self.cross_encoder = cross_encoder
        self.threshold = threshold

    def judge(self, sentence: str, passage_text: str, title: str | None = None) -> RelevanceVerdict:
        """Score one pair and decide; the verdict says which method decided and why."""
        terms = judge_terms(sentence, passage_text, title, self.threshold)
        if self.cross_encoder is None:
            return terms
        text = f"{title}\n{passage_text}" if title else passage_text
        logit = self.cross_encoder.score(sentence, [text])[0]
        value = 1.0 / (1.0 + math.exp(-logit))
        cond_guard = not terms.conditions or any(c not in terms.missing for c in terms.conditions)
        return RelevanceVerdict(round(value, 4), value >= self.threshold and cond_guard, "cross_encoder",
                                terms.conditions, terms.matched, terms.missing)  # fmt: skip

    def score(self, sentence: str, passage_text: str, title: str | None = None) -> float:
        """Relevance of ``passage_text`` to ``sentence``, 0..1."""
        return self.judge(sentence, passage_text, title).score

    def is_relevant(self, sentence: str, passage_text: str, title: str | None = None) -> bool:
        """Whether the passage answers what the sentence claims."""
        return self.judge(sentence, passage_text, title).relevant


def score(sentence: str, passage_text: str, title: str | None = None) -> float:
    """Relevance of ``passage_text`` (from a document titled ``title``) to ``sentence``, 0..1,
    by the key-term check."""
    return judge_terms(sentence, passage_text, title).score


def is_relevant(sentence: str, passage_text: str, title: str | None = None,
                threshold: float = RELEVANCE_THRESHOLD) -> bool:  # fmt: skip
    """Whether the passage answers what the sentence claims (key-term check)."""
    return judge_terms(sentence, passage_text, title, threshold).relevant


def judge(sentence: str, passage_text: str, title: str | None = None,
          threshold: float = RELEVANCE_THRESHOLD) -> RelevanceVerdict:  # fmt: skip
    """The key-term verdict with its matched and missing terms (see :class:`RelevanceVerdict`)."""
    return judge_terms(sentence, passage_text, title, threshold)
