"""Delivery of the signed opinion in the chat: the message, its sources, follow-up answers.

The opinion itself, its PDF and who signed it come from
:mod:`assistant.opinion_document`, which only ever loads a signed version for the case's
patient or a clinician; this module only words it for the chat.
"""

from __future__ import annotations

import re

from assistant.opinion_document import SignedOpinion

FOLLOW_UP_REMINDER = (
    "This answer repeats what your signed opinion says. For anything about your own treatment, "
    "please talk to your doctor, or ask for a follow-up with a clinician."
)
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "should",
        "so",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    }
)


def opinion_markdown(op: SignedOpinion) -> str:
    """The chat message: every section, sources by number, and the signature line."""
    lines = ["## Your signed second opinion", ""]
    if op.amendment_reason:
        lines += [f"*This is an amended version. Reason: {op.amendment_reason}*", ""]
    for section in op.sections:
        lines += [f"### {section.title}", "", section.text, ""]
    if op.citations:
        lines += ["Sources: " + ", ".join(f"[{c.number}] {c.title}" for c in op.citations), ""]
    lines += [f"**{op.signed_line}.**", f"Version {op.version} · fingerprint {op.content_sha256[:12]}"]
    return "\n".join(lines)


def _terms(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


def answer_follow_up(op: SignedOpinion, question: str, max_sentences: int = 3) -> str | None:
    """Answer a follow-up question only with sentences of the signed text (None if nothing fits)."""
    wanted = _terms(question)
    if not wanted:
        return None
    scored: list[tuple[int, int, str, str]] = []
    order = 0
    for section in op.sections:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", section.text):
            overlap = len(wanted & _terms(sentence))
            if overlap:
                scored.append((overlap, -order, section.title, sentence.strip()))
            order += 1
    if not scored:
        return None
    best = sorted(scored, reverse=True)[:max_sentences]
    best.sort(key=lambda item: -item[1])
    quoted = "\n".join(f"> {sentence} *({title})*" for _, _, title, sentence in best)
    return f"Here is what your signed opinion says about that:\n\n{quoted}\n\n{FOLLOW_UP_REMINDER}"
