"""Clean what a small model writes before it can enter a draft.

A 270M base model often produces junk: half sentences, invented citations and numbers,
echoes of the prompt, or a confident diagnosis. :func:`sanitize_generation` keeps only
complete, plain sentences that cite nothing outside the facts they were given, contain
no number absent from those facts, and pass the clinical-voice check; every removal is
reported so it can be flagged.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from assistant.drafting.citations import strip_unresolved
from assistant.drafting.guardrails import check_clinical_voice
from assistant.drafting.schemas import DraftSentence
from assistant.drafting.sources import CT_WORDING
from knowledge.sentences import split_sentences, without_citations

_NUMBER = re.compile(r"(?<![\w\[])\d+(?:\.\d+)?(?![\w\]])")
_PROMPT_ECHO = re.compile(
    r"<<<|>>>|\b(?:topic|facts|explanation|situation|questions)\s*:|https?://|www\.|\[\.\.\.\]",
    re.IGNORECASE,
)
_REPEAT = re.compile(r"\b(\w+)(?:\W+\1\b){2,}", re.IGNORECASE)


@dataclass
class SanitizeResult:
    """Kept sentences and the reasons others were removed or changed."""

    sentences: list[DraftSentence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def numbers_in(texts: Sequence[str]) -> set[str]:
    """Every number written in ``texts`` (as strings, e.g. '0.87', '100')."""
    return {m.group(0) for text in texts for m in _NUMBER.finditer(text)}


def _shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z]+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


#: Words in a row that make a sentence read as the patient's own words repeated back.
ECHO_RUN = 7


def word_runs(texts: Sequence[str], size: int = ECHO_RUN) -> set[tuple[str, ...]]:
    """Every run of ``size`` words in ``texts`` (lower case), to test a sentence against."""
    return set().union(*(_shingles(t, size) for t in texts)) if texts else set()


def echoes(sentence: str, runs: set[tuple[str, ...]], size: int = ECHO_RUN) -> bool:
    """Whether ``sentence`` repeats a run of ``size`` words from the texts behind ``runs``."""
    return bool(runs) and bool(_shingles(sentence, size) & runs)


_NEGATION = re.compile(r"\b(?:not|no|never|none|cannot|without)\b|n't\b", re.IGNORECASE)
_STOP_TEXT = "a an the is are was were be of to in on for and or with by it its this that as at"
_STOP = frozenset(_STOP_TEXT.split())


def sentence_key(sentence: str) -> str:
    """A sentence as a reader meets it: without citation markers, case, spacing or end stop."""
    return " ".join(without_citations(sentence).lower().split()).rstrip(".!?:; ")


#: The lead-ins the answers and the differential put before the same long text: "What usually tells X from Y:"
#: and "What tells it from Y:", "In children," and "What differs in children:". The settling test and the
#: history's lean stay in each differential entry, which the clinician reads as one for, against and test.
_LEAD_IN = re.compile(
    r"^(?:what (?:usually )?tells .{1,120}? from .{1,120}?:|what differs in children:|in children,)\s*"
)
#: A body shorter than this is too common to call a repeat ("none", "a chest X-ray").
_BODY_MIN = 60


def body_key(sentence: str) -> str:
    """A sentence's :func:`sentence_key` without the lead-in the answers and the differential put before the
    same text, or '' when it has none or the rest is short: an asked alternative's answer and its entry in
    the differential said the same comparison, test and child's note under two lead-ins (reviewers read
    them as paragraphs repeated word for word)."""
    key = sentence_key(sentence)
    body = _LEAD_IN.sub("", key, count=1)
    return body if body != key and len(body) >= _BODY_MIN else ""


def repeated_sentences(texts: Sequence[str]) -> list[str]:
    """Sentences said more than once across ``texts`` (one draft's sentences), each listed once.

    Sentences are compared without citation markers, case or spacing, so "X [1]." and
    "X." are the same sentence: a reader meets the same words twice either way.
    """
    seen: set[str] = set()
    repeated: dict[str, str] = {}
    for text in texts:
        for sentence in split_sentences(text):
            key = sentence_key(sentence)
            if not key:
                continue
            if key in seen:
                repeated.setdefault(key, sentence)
            seen.add(key)
    return list(repeated.values())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP}


def _similar(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _against_facts(sentence: str, facts: Sequence[str], kept: Sequence[str]) -> str | None:
    """Reject restatements of the facts, near-duplicates, and negation flips of a fact."""
    words = _words(sentence)
    negated = bool(_NEGATION.search(sentence))
    for fact in facts:
        sim = _similar(words, _words(fact))
        if sim >= 0.35 and negated != bool(_NEGATION.search(fact)):
            return "may contradict a fact"
        if sim >= 0.6:
            return "restates a fact"
    if any(_similar(words, _words(k)) >= 0.6 for k in kept):
        return "near duplicate"
    return None


def _copied(sentence: str, prompt_text: str) -> bool:
    if not prompt_text:
        return False
    core = " ".join(strip_unresolved(sentence, ())[0].rstrip(".!?").lower().split())
    return len(core) > 12 and core in " ".join(prompt_text.lower().split())


def _junk_reason(sentence: str, known_numbers: Collection[str], max_words: int) -> str | None:
    words = sentence.split()
    letters = sum(c.isalpha() for c in sentence)
    if len(words) < 4:
        return "too short"
    if len(words) > max_words:
        return "too long"
    if letters < 0.6 * len(sentence):
        return "not prose"
    if sentence[-1] not in ".!?":
        return "incomplete"
    if _PROMPT_ECHO.search(sentence):
        return "echoes the prompt"
    if _REPEAT.search(sentence):
        return "repetition"
    invented = [n for n in _NUMBER.findall(strip_unresolved(sentence, ())[0]) if n not in known_numbers]
    if invented:
        return f"numbers not in the facts {invented}"
    return None


def sanitize_generation(
    raw: str,
    *,
    allowed_citations: Collection[int],
    known_numbers: Collection[str],
    untrusted_texts: Sequence[str] = (),
    prompt_text: str = "",
    fact_texts: Sequence[str] = (),
    max_sentences: int = 3,
    max_chars: int = 600,
    max_words: int = 40,
    without_ct: bool = False,
) -> SanitizeResult:
    """Turn raw model output into safe ``llm`` sentences.

    Args:
        raw: The model's continuation (already cut at stop sequences).
        allowed_citations: Source numbers the prompt gave; other ``[n]`` are removed.
        known_numbers: Numbers present in the facts; a sentence with any other is dropped.
        untrusted_texts: Upload text; sentences that copy four words in a row from it are
            dropped, so instructions planted in a document cannot reach the draft.
        prompt_text: The rendered prompt; sentences copied from it verbatim (the few-shot
            examples, or the facts) are dropped as adding nothing.
        fact_texts: The facts the model was given; restatements, near duplicates and
            sentences that flip a fact's negation are dropped.
        max_sentences: Most sentences kept.
        max_chars: Most characters kept in total.
        max_words: Longest sentence kept.
        without_ct: No CT series was analysed: a sentence about a CT (or its slices) states
            what nothing here measured, and is dropped.

    Returns:
        Kept sentences (with resolved ``citations``) and notes on everything removed.
    """
    result = SanitizeResult()
    planted = set().union(*(_shingles(t) for t in untrusted_texts)) if untrusted_texts else set()
    total = 0
    for piece in split_sentences(raw.replace("\n", " ")):
        text, kept, removed = strip_unresolved(piece, allowed_citations)
        if removed:
            result.notes.append(f"removed invented citation(s) {removed}")
        reason = _junk_reason(text, known_numbers, max_words) if text else "empty"
        if reason is None and planted and _shingles(text) & planted:
            reason = "copies text from an uploaded document"
        if reason is None and _copied(text, prompt_text):
            reason = "copies the prompt"
        if reason is None and text.rstrip().endswith("?"):
            reason = "a question, not an answer"
        if reason is None and without_ct and CT_WORDING.search(text):
            reason = "about a CT, and no CT was analysed"
        if reason is None:
            reason = _against_facts(text, fact_texts, [k.text for k in result.sentences])
        if reason is not None:
            result.notes.append(f"dropped model sentence ({reason})")
            continue
        voice = check_clinical_voice(text)
        if voice.issues:
            action = "dropped" if voice.dropped else "rewrote"
            result.notes.append(f"{action} model sentence ({', '.join(voice.issues)})")
        if voice.text is None:
            continue
        if len(result.sentences) >= max_sentences or total + len(voice.text) > max_chars:
            result.notes.append("dropped model sentence (length cap)")
            break
        total += len(voice.text)
        cites = kept if voice.text == text else []
        result.sentences.append(DraftSentence(text=voice.text, origin="llm", citations=cites))
    return result


def parse_questions(
    raw: str, *, prompt_text: str = "", max_questions: int = 2, max_words: int = 25, without_ct: bool = False
) -> SanitizeResult:
    """Keep list lines from the questions prompt that are plain, safe questions.

    Args:
        raw: The model's continuation of the question list.
        prompt_text: The rendered prompt; questions copied from its examples are dropped.
        max_questions: Most questions kept.
        max_words: Longest question kept.
        without_ct: No CT series was analysed: a suggested question about a CT is the model's
            idea of a test nobody here weighed (and, for a child, a radiation dose), so it is dropped.

    Returns:
        Kept questions as ``llm`` sentences, and notes on dropped lines.
    """
    result = SanitizeResult()
    lines = ("-" + raw).split("\n") if not raw.lstrip().startswith("-") else raw.split("\n")
    for line in lines:
        text = " ".join(line.strip().lstrip("-*\u2022 ").split())
        if not text:
            continue
        words = text.split()
        if (
            not text.endswith("?")
            or not 4 <= len(words) <= max_words
            or _PROMPT_ECHO.search(text)
            or _REPEAT.search(text)
            or check_clinical_voice(text).issues
            or re.search(r"\[\d", text)
            or _copied(text, prompt_text)
            or (without_ct and CT_WORDING.search(text))
        ):
            result.notes.append("dropped suggested question")
            continue
        if len(result.sentences) < max_questions:
            result.sentences.append(DraftSentence(text=text, origin="llm"))
    return result
