"""The capable-model path: schema-constrained chat answers, checked like any model text."""

from __future__ import annotations

import json

import pytest

from assistant.drafting.chat_answers import ANSWER_SCHEMA, ChatAnswerer, sentences_from_json
from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import CitedSource, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord

PASSAGES = [
    CitedSource(
        number=1,
        title="Pneumonia",
        text="Pneumonia is an infection of the lung. It is diagnosed from symptoms, the examination and "
        "a chest X-ray showing a new shadow. A blood clot in the lung is found with a D-dimer test "
        "and a CT scan.",
    )
]
INTAKE = IntakeRecord(
    diagnosis_in_question="pneumonia",
    main_question="Is it really pneumonia or could it be a blood clot?",
    age=48,
)


class TestSentencesFromJson:
    """The schema answer becomes running text with [n] markers."""

    def test_valid(self) -> None:
        """Sentences and citations are joined; empty texts are skipped."""
        raw = json.dumps(
            {"sentences": [{"text": "It is an infection", "citations": [1]}, {"text": "", "citations": []}]}
        )
        assert sentences_from_json(raw) == "It is an infection [1]."

    @pytest.mark.parametrize("raw", ["not json", "[]", '{"sentences": "x"}'])
    def test_invalid(self, raw: str) -> None:
        """Anything else gives no sentences."""
        assert sentences_from_json(raw) == ""

    def test_schema_shape(self) -> None:
        """The schema requires sentences with text and citations."""
        item = ANSWER_SCHEMA["properties"]["sentences"]["items"]
        assert item["required"] == ["text", "citations"]


@pytest.mark.slow
class TestChatAgainstLlamaServer:
    """A real llama_cpp.server on loopback answers each sub-question under the checks."""

    def test_compose_with_chat(self, llama_server: str) -> None:
        """One constrained request per sub-question; every kept model sentence is cited and supported."""
        chat = ChatAnswerer(base_url=llama_server, model="gemma-3-270m", timeout_s=300, max_tokens=80)
        draft = compose_draft(INTAKE, ImagingFindings(), PASSAGES, MockLLM(), chat=chat)
        records = [p for p in draft.prompts if p.template_name == "chat_answer_json"]
        # is it right, could it be a clot, and what happens next (every draft answers that)
        assert len(records) == len(draft.sub_questions) == 3
        assert chat.style in ("json_schema", "json_object")
        assert draft.model_id == f"openai_compatible-chat:gemma-3-270m@{llama_server}"
        answers = draft.section(SectionKey.ANSWERS).sentences
        for s in answers:
            if s.origin == "llm":
                assert s.question_ref in {"q1", "q2"}
                assert s.citations and s.supported is not False
        raw, _ = chat.answer(draft.sub_questions[0], ["The images could not settle it."], PASSAGES)
        assert raw == "" or raw.endswith(".")
