"""Drafts composed with the real tables and only the language model mocked, and the sub-questions a
question is read as: the helpers the reading-round tests share."""

from __future__ import annotations

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.questions import parse_sub_questions
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord


def draft(intake: IntakeRecord) -> DraftContent:
    """The draft for ``intake``, no images, no sources, the mock model."""
    return compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))


def section_text(content: DraftContent, key: SectionKey) -> str:
    """One section's sentences joined."""
    return " ".join(s.text for s in content.section(key).sentences)


def asked(diagnosis: str, question: str, age: int = 50) -> list[tuple[str, str, str]]:
    """(kind, condition, topic) of each sub-question ``question`` is read as."""
    intake = IntakeRecord(
        diagnosis_in_question=diagnosis, reason_for_second_opinion="", main_question=question, age=age
    )
    return [(q.kind, q.condition, q.topic) for q in parse_sub_questions(intake, has_images=False)]
