"""General, cited educational answers to patients' questions; never advice about their own case.

The question is analysed first (:func:`assistant.chat.intent.analyse_question`): a
question about stopping or changing a medicine gets a fixed safety answer and the offer to
ask the clinician, never a passage. Otherwise passages are retrieved for the question from
the app's one retriever (:func:`assistant.components.retriever`) and ranked by relevance
to the question, not only word similarity: a passage must be about the question's focus
(the condition or thing asked about) and hold a sentence that answers the question's type
(a definition for "what is", causes for "what causes", ...). The sentences that do are
quoted with their [n] and source. When nothing qualifies, the reply says so plainly and
offers to pass the question to the clinician.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.chat.intent import QuestionFocus, QuestionType, analyse_question, covers, mentions
from assistant.context import AppContext
from knowledge.sentences import quotable_sentences

if TYPE_CHECKING:
    from knowledge.documents import Passage

logger = logging.getLogger(__name__)

REMINDER = (
    "This is general information, not advice about your own case. "
    "A clinician will review your case and your signed opinion will answer your question."
)
MEDICINE_ANSWER = (
    "Please do not stop, start or change any medicine without first talking to the doctor who "
    "prescribed it, or to a pharmacist. Stopping some medicines early (antibiotics, for example) or "
    "suddenly can be harmful, and I cannot give advice about your own medicines here.\n\n"
    "I can pass your question to the clinician who reviews your case. If you feel worse, contact your "
    "own doctor now."
)
CANDIDATES = 8
MAX_PASSAGES = 2
MAX_SENTENCES = 2
SCORE_MARGIN = 0.25  # a second passage is quoted only when it is about as relevant as the best

_CUES: dict[QuestionType, re.Pattern[str]] = {
    QuestionType.CAUSES: re.compile(r"\b(caus\w*|due to|results? (from|of)|risk\w*|because|leads? to|"
                                    r"triggered|include|includes)\b", re.I),
    QuestionType.TREATMENT: re.compile(r"\b(treat\w*|antibiotic\w*|therap\w*|manag\w*|medicines?|drain\w*|"
                                       r"surgery|cure\w*|follow-up)\b", re.I),
    QuestionType.SYMPTOMS: re.compile(r"\b(symptom\w*|cough\w*|fever|breathless\w*|pain|signs?)\b", re.I),
    QuestionType.DIAGNOSIS: re.compile(r"\b(diagnos\w*|x-rays?|ct|scans?|tests?|imaging|confirm\w*)\b", re.I),
    QuestionType.SAFETY: re.compile(r"\b(risk\w*|doses?|harm\w*|safe\w*|side effects?|radiation|mSv)\b",
                                    re.I),
    QuestionType.OUTLOOK: re.compile(r"\b(weeks?|months?|days?|recover\w*|resolv\w*|clear\w*|serious|"
                                     r"outlook|surviv\w*|heal\w*)\b", re.I),
}  # fmt: skip
_DEFINING_VERB = re.compile(r"\b(is|are|means|refers to|describes)\b|:", re.I)


@dataclass(frozen=True)
class GeneralAnswer:
    """The reply text, the sources it cites (number, title, url, passage text), and whether it found any.

    ``offer_clinician`` is True when the patient should be offered to pass the question on.
    """

    text: str
    sources: list[tuple[int, str, str, str]] = field(default_factory=list)
    offer_clinician: bool = False


@dataclass(frozen=True)
class RankedPassage:
    """A passage that answers the question, with the sentences to quote and its score."""

    passage: Passage
    sentences: tuple[str, ...]
    score: float


def _another_condition(subject: str, focus: QuestionFocus) -> bool:
    """Whether a defining sentence's subject names a different condition from the one asked about:
    "Organising pneumonia is ..." does not define pneumonia ("Community-acquired pneumonia is ..." does)."""
    from assistant.drafting.conditions import conditions_in

    asked = {c.key for c in conditions_in(" ".join(focus.terms))}
    named = {c.key for c in conditions_in(subject)}
    return bool(asked and named and not asked & named)


def _answers_type(sentence: str, focus: QuestionFocus) -> bool:
    """Whether a sentence is the kind of statement the question asks for."""
    if focus.type is QuestionType.DEFINITION:  # "<focus> is ...", the head word within the first words
        verb = _DEFINING_VERB.search(sentence)
        if verb is None or not focus.terms:
            return False
        before = re.findall(r"[a-z0-9]+", sentence[: verb.start()].lower())
        return (
            len(before) <= len(focus.terms) + 3
            and mentions(focus.terms[-1], before)
            and not _another_condition(sentence[: verb.start()], focus)
        )
    cue = _CUES.get(focus.type)
    return cue is None or bool(cue.search(sentence))


def rank_passages(passages: Sequence[Passage], focus: QuestionFocus) -> list[RankedPassage]:
    """Keep the passages about the question's focus that hold a sentence of the asked type, best first.

    A passage qualifies when its title, section or text mentions the focus and at least one
    of its sentences answers the question's type; sentences that also name the focus rank
    first. The retriever's order breaks ties.
    """
    ranked: list[RankedPassage] = []
    for order, passage in enumerate(passages):
        whole = f"{passage.title} {passage.section or ''} {passage.text}"
        if not covers(focus.terms, whole):
            continue
        scored = []
        for i, sentence in enumerate(quotable_sentences(passage.text)):
            if _answers_type(sentence, focus):
                scored.append((2.0 if covers(focus.terms, sentence) else 1.0, -i, sentence))
        if not scored:
            continue
        best = sorted(scored, reverse=True)[:MAX_SENTENCES]
        in_order = tuple(s for _, _, s in sorted(best, key=lambda item: -item[1]))
        title_bonus = 0.5 if covers(focus.terms, f"{passage.title} {passage.section or ''}") else 0.0
        ranked.append(RankedPassage(passage, in_order, best[0][0] + title_bonus - 0.05 * order))
    ranked.sort(key=lambda r: -r.score)
    return [r for r in ranked if r.score >= ranked[0].score - SCORE_MARGIN]


def _search(ctx: AppContext, question: str) -> list[Passage]:
    """Candidates from the app's retriever; none when no knowledge base has been built."""
    from assistant.components import knowledge_config, retriever

    config = knowledge_config(ctx.settings)
    if config.lexical_backend == "sqlite" and not config.lexical_path.is_file():
        return []
    try:
        return retriever(ctx).search(question, k=CANDIDATES)
    except Exception as e:  # a broken knowledge base must not break the chat
        logger.warning("knowledge base unavailable for chat answers: %s", type(e).__name__)
        return []


def not_found_text(focus: QuestionFocus) -> str:
    """The plain 'nothing relevant' reply."""
    about = f" about **{focus.phrase}**" if focus.terms else ""
    return (
        f"I could not find general information{about} that answers this in our reference library, "
        "so I would rather not guess. I can pass your question to the clinician who reviews your case."
    )


def general_answer(ctx: AppContext, question: str) -> GeneralAnswer:
    """A cited general answer to ``question``, the medicine safety answer, or a plain 'not found'."""
    focus = analyse_question(question)
    if focus.type is QuestionType.MEDICATION_CHANGE:
        return GeneralAnswer(MEDICINE_ANSWER, offer_clinician=True)
    ranked = rank_passages(_search(ctx, question), focus)[:MAX_PASSAGES] if focus.terms else []
    if not ranked:
        return GeneralAnswer(f"{not_found_text(focus)}\n\n*{REMINDER}*", offer_clinician=True)
    lines = ["Here is some general information from our reference library:", ""]
    sources = []
    for number, item in enumerate(ranked, start=1):
        p = item.passage
        lines.append(f"- {' '.join(item.sentences)} [{number}]")
        sources.append((number, p.title + (f" – {p.section}" if p.section else ""), p.url or "", p.text))
    lines += ["", f"*{REMINDER}*"]
    return GeneralAnswer("\n".join(lines), sources)
