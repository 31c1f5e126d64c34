"""Sixth round: symptoms told as history are not emergencies now, exposure and timing questions
are answered, and conditions the patient already has are background, not alternatives.

Real triage rules, real condition and topic tables, the project's own knowledge-pack notes as
sources; only the language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.guardrails import assess_priority, lasting_days, long_standing
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.test_answer_focus import _note


def _answer_text(draft: DraftContent, topic: str) -> str:
    q = next(q for q in draft.sub_questions if q.topic == topic)
    return " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == q.id)


def _draft(intake: IntakeRecord, notes: list[str] = ()) -> DraftContent:  # type: ignore[assignment]
    sources = [_note(i, n) for i, n in enumerate(notes, start=1)]
    return compose_draft(intake, ImagingFindings(), sources, MockLLM(responses=[""]))


class TestSymptomsToldAsHistory:
    """A symptom that has lasted weeks is the story, not an emergency now (v67, v68, v48)."""

    @pytest.mark.parametrize(
        ("duration", "days"),
        [
            ("3 weeks", 21),
            ("4 months", 120),
            ("over a year", 365),
            ("4 weeks ago", 28),
            ("lasted 4 days", 4),
            ("a few weeks", 21),
            ("6 days", 6),
            ("", None),
            ("since the summer", None),
        ],
    )
    def test_lasting_days(self, duration: str, days: float | None) -> None:
        assert lasting_days(duration) == days

    @pytest.mark.parametrize(
        ("description", "duration", "priority"),
        [
            # the words alone would fire "severe difficulty breathing"; weeks of it are a history
            ("coughing and choking when eating and drinking", "4 months", "routine"),
            ("cant breathe lying flat, need 3 pillows", "3 weeks", "routine"),
            ("choking and coughing fit at nursery, one time", "4 weeks ago", "routine"),
            # happening now, or changed now: still an emergency
            ("choking and cannot breathe", "10 minutes", "urgent"),
            ("cannot breathe, lips going blue", "", "urgent"),
            ("breathless for months, suddenly cannot breathe today", "3 months", "urgent"),
        ],
    )
    def test_priority_respects_time(self, description: str, duration: str, priority: str) -> None:
        intake = IntakeRecord(
            diagnosis_in_question="chest infection",
            symptoms=[Symptom(description=description, duration=duration)],
        )
        result = assess_priority(intake)
        assert result.priority == priority, result.reasons
        assert bool(result.signs) == (priority == "urgent")

    def test_long_standing_needs_a_duration(self) -> None:
        assert long_standing("choking when eating", "4 months")
        assert not long_standing("choking when eating", "")
        assert not long_standing("choking, much worse today", "4 months")

    def test_draft_raises_no_emergency_for_a_history(self) -> None:
        """v67's shape: months of choking on food and a recent fever; no 'severe difficulty breathing'."""
        intake = IntakeRecord(
            diagnosis_in_question="chest infection",
            symptoms=[
                Symptom(description="cough with phlegm, temperature", duration="6 days", onset="sudden"),
                Symptom(
                    description="coughing and choking when eating and drinking",
                    duration="4 months",
                    onset="gradual",
                ),
            ],
            age=83,
            main_question="Is this aspiration from his swallowing, and should he have a swallow test?",
        )
        draft = _draft(intake)
        answers = draft.section(SectionKey.ANSWERS).sentences
        assert not [s for s in answers if s.question_ref == "urgent"]
        assert "difficulty breathing" not in " ".join(s.text for s in answers)
        assert draft.priority == "routine"
