"""Citation checks: every [n] resolves to a retrieved passage and supports its sentence.

- :func:`strip_unresolved` removes markers that name no retrieved passage (and says which).
- A :class:`SupportScorer` scores a sentence against a passage: embedding cosine similarity
  with the process's shared embedding model by default, or a local NLI cross-encoder by
  path (entailment probability).
- :func:`check_draft_citations` applies both to a :class:`DraftContent`, marking
  unsupported sentences for the clinician and returning the metrics stored on the draft.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.drafting.schemas import (
    CitationMetrics,
    CitedSource,
    DraftContent,
    DraftSentence,
    GuardrailFlag,
)
from knowledge.lexical import STOPWORDS
from knowledge.sentences import rewrite_citations, split_sentences, without_citations

if TYPE_CHECKING:
    from knowledge.embeddings import Embedder

logger = logging.getLogger(__name__)

DEFAULT_SUPPORT_THRESHOLD = 0.45
#: Share of a model sentence's key terms that one sentence of a cited passage must contain.
KEY_TERM_COVERAGE = 0.75

# The lexical index's stop words, and hedges that do not change what a sentence claims.
_NOT_KEY = STOPWORDS | frozenset({"also", "often", "usually", "may", "might", "must", "one"})


def _term(word: str) -> str:
    """A crude stem: lower case, possessive and common endings dropped, first six letters."""
    word = word.lower().removesuffix("'s").strip("'-")
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


def key_terms(text: str) -> list[str]:
    """The content words of ``text`` as crude stems, in order (citation markers ignored)."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", without_citations(text))
    return [_term(w) for w in words if len(w) > 2 and w.lower() not in _NOT_KEY]


def key_term_support(sentence: str, passage: str) -> tuple[float, list[str]]:
    """How much of ``sentence`` one sentence of ``passage`` states, by key terms.

    An entailment-style check without a model: the best single passage sentence must
    contain most of the claim's content words. Similarity alone lets a model sentence
    borrow a passage's words into a different claim ("a diagnosis of pneumonia is a
    picture that shows the air spaces" against "pneumonia is an infection of the lung's
    air spaces").

    Returns:
        The best share of the claim's key terms found in one passage sentence, and the
        terms that sentence lacks.
    """
    claim = key_terms(sentence)
    if not claim:
        return 1.0, []
    best: tuple[float, list[str]] = (0.0, sorted(set(claim)))
    for unit in split_sentences(passage) or [passage]:
        have = set(key_terms(unit))
        missing = [t for t in dict.fromkeys(claim) if t not in have]
        share = 1 - sum(t not in have for t in claim) / len(claim)
        if share > best[0]:
            best = (share, missing)
    return best


def strip_unresolved(text: str, valid: Collection[int]) -> tuple[str, list[int], list[int]]:
    """Remove citation numbers that are not in ``valid``.

    Args:
        text: A sentence with ``[n]`` or ``[n, m]`` markers.
        valid: Numbers of the retrieved passages.

    Returns:
        The cleaned text, the kept numbers and the removed numbers (in order).
    """
    kept: list[int] = []
    removed: list[int] = []

    def _choose(numbers: list[int]) -> list[int]:
        good = [n for n in numbers if n in valid]
        kept.extend(n for n in good if n not in kept)
        removed.extend(n for n in numbers if n not in valid)
        return good

    cleaned = rewrite_citations(text, _choose)
    cleaned = re.sub(r"\s+([.,;:!?])", r"\1", cleaned).strip()
    return cleaned, kept, removed


class SupportScorer(Protocol):
    """Scores how well a passage supports a sentence, in [0, 1]."""

    name: str

    def score(self, sentence: str, passage: str) -> float:
        """Support of ``sentence`` by ``passage``."""
        ...

    def score_many(self, sentence: str, passages: Sequence[str]) -> list[float]:
        """Support of ``sentence`` by each of ``passages`` (batched where possible)."""
        ...


class EmbeddingSupportScorer:
    """Cosine similarity between a sentence and the closest part of a passage.

    It reads with the process's one embedding model (:func:`assistant.components.embedder`),
    the same one retrieval and triage use, so checking citations loads no second copy.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.name = f"embedding:{embedder.name}"
        self.embedder = embedder
        self._vectors: dict[str, Any] = {}

    def _encode(self, texts: Sequence[str]) -> Any:
        """Unit vectors for ``texts``, encoding only those not seen before (one batch)."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if todo:
            vectors = self.embedder.embed(todo)
            self._vectors.update(zip(todo, vectors, strict=True))
        import numpy as np

        return np.stack([self._vectors[t] for t in texts])

    def _units(self, passage: str) -> list[str]:
        return [passage, *split_sentences(passage)[:40]]

    def score(self, sentence: str, passage: str) -> float:
        """Highest cosine similarity between the sentence and the passage or its sentences."""
        return self.score_many(sentence, [passage])[0]

    def score_many(self, sentence: str, passages: Sequence[str]) -> list[float]:
        """:meth:`score` for several passages, with one encoder call for new texts."""
        units = [self._units(p) for p in passages]
        claim = without_citations(sentence)
        matrix = self._encode([claim, *(u for group in units for u in group)])
        vec, rest = matrix[0], matrix[1:]
        out, start = [], 0
        for group in units:
            block = rest[start : start + len(group)]
            start += len(group)
            out.append(max(0.0, float((block @ vec).max())))
        return out


class CrossEncoderSupportScorer:
    """Entailment probability from a local NLI cross-encoder (best passage sentence)."""

    def __init__(self, model_path: Path) -> None:
        """Load the cross-encoder at ``model_path``; it must label an 'entailment' class."""
        if not model_path.is_dir():
            raise FileNotFoundError(f"NLI cross-encoder folder not found at {model_path}")
        from sentence_transformers import CrossEncoder

        self.name = f"nli:{model_path.name}"
        self._model = CrossEncoder(str(model_path))
        labels = {str(v).lower(): int(k) for k, v in self._model.config.id2label.items()}
        if "entailment" not in labels:
            raise ValueError(f"{model_path} has no 'entailment' label: {sorted(labels)}")
        self._entail = labels["entailment"]

    def score_many(self, sentence: str, passages: Sequence[str]) -> list[float]:
        """:meth:`score` for each passage."""
        return [self.score(sentence, p) for p in passages]

    def score(self, sentence: str, passage: str) -> float:
        """Highest entailment probability of the sentence by any passage sentence."""
        claim = without_citations(sentence)
        pairs = [(premise, claim) for premise in [passage, *split_sentences(passage)[:40]]]
        probs = self._model.predict(pairs, apply_softmax=True, convert_to_numpy=True)
        return float(probs[:, self._entail].max())


def _check_sentence(
    sentence: DraftSentence,
    passages: dict[int, CitedSource],
    scorer: SupportScorer | None,
    threshold: float,
) -> tuple[list[int], float | None]:
    text, kept, removed = strip_unresolved(sentence.text, passages.keys())
    sentence.text, sentence.citations = text, kept
    if removed:
        sentence.flags.append(f"removed unresolved citation(s) {removed}")
    if not kept:
        if sentence.origin in ("llm", "passage") and not text.endswith("?"):
            sentence.supported = False
            sentence.flags.append("no resolvable citation for a factual statement")
        return removed, None
    if scorer is None:
        return removed, None
    scores = scorer.score_many(text, [passages[n].text for n in kept])
    sentence.support = round(max(scores), 4)
    sentence.supported = sentence.support >= threshold
    if not sentence.supported:
        sentence.flags.append(f"unsupported: best support {sentence.support:.2f} < {threshold:.2f} by {kept}")
    elif sentence.origin == "llm" and not scorer.name.startswith("nli:"):
        # Similarity is not entailment: a model sentence must also state what a cited sentence states.
        share, missing = max(key_term_support(text, passages[n].text) for n in kept)
        if share < KEY_TERM_COVERAGE:
            sentence.supported = False
            sentence.flags.append(
                f"unsupported: no cited sentence states it ({share:.0%} of its key terms; "
                f"missing: {', '.join(missing[:6])})"
            )
    return removed, sentence.support


def check_draft_citations(
    draft: DraftContent,
    scorer: SupportScorer | None,
    *,
    threshold: float = DEFAULT_SUPPORT_THRESHOLD,
) -> CitationMetrics:
    """Resolve and score every citation in ``draft`` in place; return the metrics.

    Unresolvable markers are removed and flagged on their sentence; cited sentences get
    a support score and ``supported``; LLM or passage sentences left without a citation
    are marked unsupported. Nothing is silently kept.

    Args:
        draft: The draft to check (sentences are updated).
        scorer: Support scorer; ``None`` skips scoring (resolution only).
        threshold: Minimum support for a sentence to count as supported.

    Returns:
        Counts and mean support, also stored as ``draft.citation_metrics``.
    """
    passages = {p.number: p for p in draft.passages}
    n_citations = n_removed = 0
    scores: list[float] = []
    checked = 0
    for section in draft.sections:
        for sentence in section.sentences:
            removed, support = _check_sentence(sentence, passages, scorer, threshold)
            n_removed += len(removed)
            n_citations += len(sentence.citations)
            if support is not None:
                scores.append(support)
            if sentence.supported is not None:
                checked += 1
    unsupported = sum(s.supported is False for sec in draft.sections for s in sec.sentences)
    metrics = CitationMetrics(
        n_citations=n_citations,
        n_unresolved_removed=n_removed,
        n_unsupported=unsupported,
        n_checked_sentences=checked,
        mean_support=round(sum(scores) / len(scores), 4) if scores else None,
        scorer=scorer.name if scorer is not None else "none",
        threshold=threshold,
    )
    draft.citation_metrics = metrics
    return metrics


def best_supporting_passage(
    sentence: str, candidates: Sequence[CitedSource], scorer: SupportScorer, threshold: float
) -> tuple[int, float] | None:
    """The candidate passage that best supports ``sentence``, if any reaches ``threshold``."""
    best: tuple[int, float] | None = None
    values = scorer.score_many(sentence, [p.text for p in candidates])
    for passage, value in zip(candidates, values, strict=True):
        if value >= threshold and (best is None or value > best[1]):
            best = (passage.number, value)
    return best


HELD_NOTE = "held for review: no source supports it; not in the opinion text unless a clinician adds it"


def hold_unsupported_model_sentences(draft: DraftContent) -> int:
    """Mark, never silently keep or drop, a model sentence that no source supports.

    The sentence stays in the draft, ``held``: the clinician sees it highlighted with the
    reason in the review view, and it is left out of the section's text (the text that is
    edited, signed and delivered), so it reaches a patient only if a clinician writes it in.

    Returns:
        How many sentences were held.
    """
    held = 0
    for section in draft.sections:
        for sentence in section.sentences:
            if sentence.origin != "llm" or sentence.supported is not False or sentence.held:
                continue
            sentence.held = True
            sentence.flags.append(HELD_NOTE)
            draft.flags.append(
                GuardrailFlag(
                    kind="llm_output",
                    detail="model sentence held for review, no source supports it: "
                    f"\u201c{sentence.text[:120]}\u201d",
                    section=section.key,
                )
            )
            held += 1
    return held
