"""General answers: passages ranked by the question's focus and type, from the app's retriever."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.chat.answers import MEDICINE_ANSWER, general_answer
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.knowledge_base import ingest_starter_pack
from assistant.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kb_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose knowledge base holds the starter pack (ingested once for the module)."""
    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("answers-kb"))
    ingest_starter_pack(settings)
    return settings


@pytest.fixture
def kb_ctx(kb_settings: Settings, sqlite_db: Database) -> AppContext:
    """An app context on the seeded knowledge base."""
    return AppContext(kb_settings, db=sqlite_db)


class TestGeneralAnswer:
    def test_definition_comes_from_the_defining_passage(self, kb_ctx: AppContext) -> None:
        """'What is pneumonia?' quotes the sentence that defines pneumonia, with its source."""
        answer = general_answer(kb_ctx, "What is pneumonia?")
        first = answer.text.split("\n- ")[1]
        assert re.match(r"(Community-acquired )?[Pp]neumonia is an infection of the lung", first), first
        number = int(re.findall(r"\[(\d+)\]", first)[0])
        assert "pneumonia" in {n: t for n, t, *_ in answer.sources}[number].lower()
        assert not answer.offer_clinician

    def test_a_definition_of_another_condition_is_not_quoted(self, kb_ctx: AppContext) -> None:
        """'What is pneumonia?' is not answered with 'Organising pneumonia is ...', another disease whose
        name holds the word."""
        answer = general_answer(kb_ctx, "what is pneumonia?")
        assert "Organising pneumonia is" not in answer.text
        assert all("organising" not in title.lower() for _, title, *_ in answer.sources)
        assert "Pneumonia is an infection of the lung's air spaces." in answer.text

    def test_nothing_relevant_says_so(self, kb_ctx: AppContext) -> None:
        """A condition the library does not cover: it says it found nothing, with no stray quotes."""
        answer = general_answer(kb_ctx, "What is gout?")
        assert "could not find general information about **gout**" in answer.text
        assert "effusion" not in answer.text.lower()
        assert answer.sources == []
        assert answer.offer_clinician

    def test_pulmonary_embolism_is_defined(self, kb_ctx: AppContext) -> None:
        """'What is a pulmonary embolism?' quotes the embolism note, not causes of pleural fluid."""
        answer = general_answer(kb_ctx, "What is a pulmonary embolism?")
        assert "A pulmonary embolism (PE) is a blood clot" in answer.text
        assert "effusion" not in answer.text.lower()

    def test_causes_question_gets_causes(self, kb_ctx: AppContext) -> None:
        """'What causes pleural effusion?' quotes the causes."""
        answer = general_answer(kb_ctx, "What causes pleural effusion?")
        assert "Heart failure is the most common cause overall." in answer.text
        assert "Pleural effusion" in answer.sources[0][1]

    def test_medicine_question_is_never_answered_from_passages(self, kb_ctx: AppContext) -> None:
        """'Should I stop the amoxicillin?' gets the prescriber advice, not a passage."""
        answer = general_answer(kb_ctx, "Should I stop the amoxicillin?")
        assert answer.text == MEDICINE_ANSWER
        assert answer.sources == []

    def test_lay_words_find_the_medical_term(self, kb_ctx: AppContext) -> None:
        """'lung nodule' finds the passage on pulmonary nodules."""
        answer = general_answer(kb_ctx, "What is a lung nodule?")
        assert "A nodule is a small round spot in the lung" in answer.text


def test_without_a_knowledge_base(ctx: AppContext, tmp_path: Path) -> None:
    """With nothing ingested the reply says so and offers the clinician; nothing is built."""
    answer = general_answer(ctx, "What is pneumonia?")
    assert answer.offer_clinician and not answer.sources
    assert "retriever" not in ctx._components
