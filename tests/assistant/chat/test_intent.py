"""The intent classifier and the question analysis used before intake and for answers."""

from __future__ import annotations

import pytest

from assistant.chat.intake import Step
from assistant.chat.intent import (
    IntentKind,
    QuestionType,
    analyse_question,
    classify,
    covers,
    wants_case_list,
)
from assistant.services.patient_requests import RequestKind


class TestClassify:
    @pytest.mark.parametrize(
        ("text", "step", "kind", "wanted"),
        [
            ("what is pneumonia?", Step.HISTORY, IntentKind.QUESTION, None),
            ("What is a pulmonary embolism?", Step.SYMPTOMS, IntentKind.QUESTION, None),
            ("Should I stop the amoxicillin?", Step.MEDICATIONS, IntentKind.QUESTION, None),
            ("Please delete all my data", Step.HISTORY, IntentKind.REQUEST, RequestKind.DELETE_DATA),
            ("I want you to erase my information", None, IntentKind.REQUEST, RequestKind.DELETE_DATA),
            ("Can I talk to a real person?", Step.REASON, IntentKind.REQUEST, RequestKind.FOLLOW_UP),
            ("please ask the doctor to call me", None, IntentKind.REQUEST, RequestKind.FOLLOW_UP),
            ("stop", Step.ALLERGIES, IntentKind.REQUEST, RequestKind.STOP),
            ("I'd like to cancel this", Step.HISTORY, IntentKind.REQUEST, RequestKind.STOP),
            ("I want to stop taking amoxicillin, should I?", Step.MEDICATIONS, IntentKind.QUESTION, None),
            ("Is it really pneumonia, or something else?", Step.MAIN_QUESTION, IntentKind.ANSWER, None),
            ("Is it really pneumonia?", Step.REASON, IntentKind.ANSWER, None),
            ("asthma as a child", Step.HISTORY, IntentKind.ANSWER, None),
            ("none", Step.MEDICATIONS, IntentKind.ANSWER, None),
            ("I stopped smoking ten years ago", Step.HISTORY, IntentKind.ANSWER, None),
            ("the doctor removed fluid from my lung", Step.HISTORY, IntentKind.ANSWER, None),
            ("done", Step.UPLOADS, IntentKind.ANSWER, None),
        ],
    )
    def test_table(self, text: str, step: Step | None, kind: IntentKind, wanted: RequestKind | None) -> None:
        """Each message gets the intent a person reading it would give."""
        intent = classify(text, step)
        assert (intent.kind, intent.request) == (kind, wanted), intent.evidence

    def test_evidence_names_the_rule(self) -> None:
        """A decision carries the rule that made it."""
        assert classify("Please delete all my data").evidence == "rule:delete-data"


class TestAnalyseQuestion:
    @pytest.mark.parametrize(
        ("text", "qtype", "terms"),
        [
            ("What is a pulmonary embolism?", QuestionType.DEFINITION, ("pulmonary", "embolism")),
            ("Should I stop the amoxicillin?", QuestionType.MEDICATION_CHANGE, ("stop", "amoxicillin")),
            ("What causes pleural effusion?", QuestionType.CAUSES, ("pleural", "effusion")),
            ("How is pneumonia treated?", QuestionType.TREATMENT, ("pneumonia",)),
            ("Is a CT scan dangerous?", QuestionType.SAFETY, ("ct", "scan")),
            ("What are the warning signs of a stroke?", QuestionType.SYMPTOMS, ("stroke",)),
        ],
    )
    def test_type_and_focus(self, text: str, qtype: QuestionType, terms: tuple[str, ...]) -> None:
        """The question's type and the words it is about."""
        focus = analyse_question(text)
        assert focus.type is qtype
        assert focus.terms == terms

    def test_covers_needs_every_focus_word(self) -> None:
        """'pulmonary embolism' is not covered by a text that only says 'pulmonary'."""
        assert not covers(("pulmonary", "embolism"), "Pulmonary fibrosis scars the lung.")
        assert covers(("pulmonary", "embolism"), "A pulmonary embolism is a clot in the lung's arteries.")

    def test_covers_knows_lay_synonyms(self) -> None:
        """'lung nodule' matches 'pulmonary nodules'."""
        assert covers(("lung", "nodule"), "Pulmonary nodules are common.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My requests", True),
        ("show my cases", True),
        ("my opinions?", True),
        ("my requests are urgent", False),
    ],
)
def test_wants_case_list(text: str, expected: bool) -> None:
    """Only a short request for the list opens it."""
    assert wants_case_list(text) is expected
