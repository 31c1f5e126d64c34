"""Drafts composed with the real tables and only the language model mocked, and the sub-questions a
question is read as: the helpers the reading-round tests share."""

from __future__ import annotations

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.questions import UNASKED_NEXT, parse_sub_questions
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord


def draft(intake: IntakeRecord) -> DraftContent:
    """The draft for ``intake``, no images, no sources, the mock model."""
    return compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))


def section_text(content: DraftContent, key: SectionKey) -> str:
    """One section's sentences joined."""
    return " ".join(s.text for s in content.section(key).sentences)


def asked(diagnosis: str, question: str, age: int = 50) -> list[tuple[str, str, str]]:
    """(kind, condition, topic) of each sub-question ``question`` is read as (not the next-step question
    every draft answers when none is asked)."""
    intake = IntakeRecord(
        diagnosis_in_question=diagnosis, reason_for_second_opinion="", main_question=question, age=age
    )
    return [
        (q.kind, q.condition, q.topic)
        for q in parse_sub_questions(intake, has_images=False)
        if q.summary != UNASKED_NEXT
    ]


def adult_pneumonia(**fields: object) -> IntakeRecord:
    """An intake for a 55-year-old told of pneumonia, with ``fields`` replacing or adding to it."""
    base: dict[str, object] = {
        "diagnosis_in_question": "pneumonia",
        "reason_for_second_opinion": "",
        "age": 55,
    }
    return IntakeRecord.model_validate({**base, **fields})


def factor_keys(**fields: object) -> set[str]:
    """The keys of the risk factors found in :func:`adult_pneumonia` with ``fields``."""
    return {f.factor.key for f in found_factors(adult_pneumonia(**fields))}
