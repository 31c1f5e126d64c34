"""Every part of the patient's question gets an answer or a line for the doctor: a treatment's length,
contraception, pregnancy and breastfeeding are answered in general terms, and a part no sub-question
covers is listed (rephrased, never pasted) in "Questions to ask your doctor" and flagged for review."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.questions import UNANSWERED_GENERAL, parse_sub_questions, unanswered_questions
from assistant.drafting.sanitize import echoes, word_runs
from assistant.drafting.schemas import CitedSource, DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord

VIGNETTES = Path(__file__).resolve().parents[2] / "data" / "vignettes"


def _vignette(name: str) -> IntakeRecord:
    return IntakeRecord(**json.loads((VIGNETTES / f"{name}.json").read_text())["intake"])


def _texts(draft: DraftContent, key: SectionKey) -> list[str]:
    return [s.text for sec in draft.sections if sec.key == key for s in sec.sentences]


def test_v82_duration_contraception_and_pregnancy_are_sub_questions() -> None:
    asked = parse_sub_questions(_vignette("v82"), has_images=True)
    topics = {q.topic: q for q in asked if q.kind == "next_steps"}
    assert topics["duration"].subjects == ["anticoagulant"]
    assert "blood thinners" in topics["duration"].summary
    assert "contraception" in topics and "pregnancy" in topics
    # "how long do I need apixaban and is 3 months enough" is one question, not two.
    assert sum(q.topic == "duration" for q in asked) == 1


def test_v82_draft_answers_them_in_general_terms_and_leaves_the_decision(
    passages: list[CitedSource],
) -> None:
    intake = _vignette("v82")
    draft = compose_draft(intake, ImagingFindings(), passages, MockLLM())
    answers = " ".join(_texts(draft, SectionKey.ANSWERS))
    assert "at least three months" in answers
    assert "oestrogen" in answers
    assert "heparin injections during pregnancy" in answers
    assert "prescribing clinician's decision" in answers
    assert "sexual-health clinic" in answers
    runs = word_runs([intake.main_question])
    assert not [t for sec in draft.sections for t in (s.text for s in sec.sentences) if echoes(t, runs)]
    # Nothing in v82's question is left without a sub-question.
    assert unanswered_questions(intake) == []
    assert UNANSWERED_GENERAL not in _texts(draft, SectionKey.QUESTIONS)


def test_breastfeeding_and_stopping_questions_are_recognised() -> None:
    intake = _vignette("v82").model_copy(
        update={"main_question": "Can I keep breastfeeding on apixaban, and when can I stop it?"}
    )
    topics = [q.topic for q in parse_sub_questions(intake, has_images=False)]
    assert "breastfeeding" in topics and "duration" in topics


def test_a_part_without_focus_gets_the_general_line_and_a_review_flag(passages: list[CitedSource]) -> None:
    intake = _vignette("v49")
    assert unanswered_questions(intake) == [UNANSWERED_GENERAL]  # "can I claim compensation"
    draft = compose_draft(intake, ImagingFindings(), passages, MockLLM())
    assert UNANSWERED_GENERAL in _texts(draft, SectionKey.QUESTIONS)
    assert any(f.kind == "review" and "not answered" in f.detail for f in draft.flags)


def test_a_part_with_a_focus_is_rephrased_by_it_not_pasted() -> None:
    intake = _vignette("v51").model_copy(
        update={
            "medications": ["lisinopril 10 mg daily"],
            "main_question": "Is it sarcoid, are the red eyes part of it, and what about my lisinopril?",
        }
    )
    lines = unanswered_questions(intake)
    assert "Could red or sore eyes be part of this illness, and what should I do about it?" in lines
    assert "Does this illness or its treatment change anything about my lisinopril?" in lines
    runs = word_runs([intake.main_question])
    assert not [line for line in lines if echoes(line, runs)]


def test_a_follow_up_of_an_answered_part_is_not_listed() -> None:
    # "should it be done" follows "what is ADA test" in v87: the tests answer covers both.
    intake = _vignette("v87").model_copy(
        update={
            "main_question": "Could it be TB, do I need a biopsy of the pleura, and should it be done soon?"
        }
    )
    assert unanswered_questions(intake) == []
