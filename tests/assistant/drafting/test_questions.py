"""Sub-questions, named alternatives and structured facts from the intake."""

from __future__ import annotations

import pytest

from assistant.drafting import facts, questions
from assistant.drafting.conditions import conditions_in
from assistant.intake import IntakeRecord, Symptom

ISSUE_INTAKE = IntakeRecord(
    diagnosis_in_question="My GP told me I have right lower lobe pneumonia",
    reason_for_second_opinion="I am not sure, the antibiotics are not working",
    symptoms=[Symptom(description="cough with yellow phlegm and a fever", duration="10 days")],
    medications=["amoxicillin"],
    age=48,
    sex="female",
    main_question="Is this really pneumonia, or could it be something else like a blood clot or a "
    "tumour? And should I be on a different antibiotic?",
)


class TestParseSubQuestions:
    """Typed sub-questions from the patient's question, reason and symptoms."""

    def test_issue_example(self) -> None:
        """The issue's patient gets: diagnosis, clot, tumour, images, treatment."""
        subs = questions.parse_sub_questions(ISSUE_INTAKE, has_images=True)
        assert [(q.kind, q.condition) for q in subs] == [
            ("diagnosis_right", ""),
            ("could_it_be", "pulmonary_embolism"),
            ("could_it_be", "lung_cancer"),
            ("images", ""),
            ("treatment", ""),
        ]
        assert [q.id for q in subs] == ["q1", "q2", "q3", "q4", "q5"]

    @pytest.mark.parametrize(
        ("question", "kind"),
        [
            ("Do I need another x-ray?", "next_steps"),
            ("Should I stay on the blood thinner?", "treatment"),
            ("What does the scan show?", "images"),
            ("What happens next?", "next_steps"),
        ],
    )
    def test_kinds(self, question: str, kind: str) -> None:
        """Each kind of question is recognised from plain wording."""
        intake = IntakeRecord(diagnosis_in_question="pneumonia", main_question=question)
        assert kind in {q.kind for q in questions.parse_sub_questions(intake, has_images=False)}

    def test_no_images_no_image_question(self) -> None:
        """Without uploads and without asking, there is no image sub-question."""
        intake = IntakeRecord(diagnosis_in_question="asthma", main_question="Is it right?")
        assert [q.kind for q in questions.parse_sub_questions(intake, has_images=False)] == [
            "diagnosis_right"
        ]


class TestConditions:
    """Lay words map to conditions; the longest mention wins."""

    @pytest.mark.parametrize(
        ("text", "keys"),
        [
            ("a blood clot or a tumour", ["pulmonary_embolism", "lung_cancer"]),
            ("lung cancer", ["lung_cancer"]),
            ("TB or covid", ["tuberculosis", "covid19"]),
            ("a collapsed lung", ["pneumothorax"]),
            ("could it be my heart or heart failure", ["heart_attack", "heart_failure"]),
            ("nothing relevant here", []),
        ],
    )
    def test_conditions_in(self, text: str, keys: list[str]) -> None:
        """Conditions are found once each, in order of mention."""
        assert [c.key for c in conditions_in(text)] == keys


class TestSummary:
    """The summary restates facts in the third person and never pastes the patient's sentences."""

    def test_no_pasting(self) -> None:
        """No run of six words from the question or reason appears in the summary."""
        subs = questions.parse_sub_questions(ISSUE_INTAKE, has_images=True)
        text = " ".join(s.text for s in facts.summary_sentences(ISSUE_INTAKE, subs)).lower()
        assert "my gp told me" not in text
        assert "i am not sure" not in text
        assert "could it be something else like" not in text
        assert "pneumonia (right lower lobe)" in text
        assert "48 years old, female" in text
        assert "a cough with coloured phlegm and fever, for about 10 days" in text
        assert "whether it could be a blood clot in the lung (pulmonary embolism) instead" in text

    def test_first_diagnosis_not_pasted(self) -> None:
        """The reason is summarised, not quoted as if a doctor had said it."""
        text = " ".join(s.text for s in facts.first_diagnosis_sentences(ISSUE_INTAKE))
        assert "antibiotics are not working" not in text
        assert "pneumonia" in text
