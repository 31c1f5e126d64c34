"""Reading a patient's message: lexicon, spelling, condition, question type (knowledge.query)."""

from __future__ import annotations

import pytest

from knowledge.lexicon import normalise
from knowledge.query import MAX_FOCUS_TERMS, correct_words, extract_focus, question_type

NAMES = {
    "pneumonia",
    "copd",
    "pulmonary embolism",
    "heart failure",
    "lung cancer",
    "bronchitis",
    "sleep apnea",
}


class TestNormalise:
    """lexicon.normalise()."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("GP is worried about a blood clot on my lung", "doctor is worried about a pulmonary embolism"),
            ("pnemonia and astma", "pneumonia and asthma"),
            ("high bp, A&E said PE", "high blood pressure, emergency said pulmonary embolism"),
            ("cant catch my breath", "shortness of breath"),
        ],
    )
    def test_table(self, text: str, expected: str) -> None:
        """Lay phrases, abbreviations and misspellings become the corpus's words, once."""
        assert normalise(text) == expected


class TestCorrectWords:
    """correct_words()."""

    def test_unknown_word_corrected_known_left(self) -> None:
        """Only words the vocabulary lacks are corrected, and only to a close word."""
        fixed, changes = correct_words(
            "bronchitiss after a football match", {"bronchitis", "football", "match"}
        )
        assert fixed == "bronchitis after a football match" and changes == {"bronchitiss": "bronchitis"}

    def test_cached_lookup_follows_the_vocabulary(self) -> None:
        """The per-word cache is per vocabulary: after an ingest changes it, the new words count."""
        assert correct_words("pleurissy", {"pleurisy"}) == ("pleurisy", {"pleurissy": "pleurisy"})
        assert correct_words("pleurissy", ["pleurisy"]) == ("pleurisy", {"pleurissy": "pleurisy"})
        assert correct_words("pleurissy", {"pleura"}) == ("pleurissy", {})
        assert correct_words("pleurissy", {"pleurissy", "pleurisy"}) == ("pleurissy", {})

    def test_no_vocabulary_no_change(self) -> None:
        """Without a vocabulary nothing changes."""
        assert correct_words("bronchitiss", set()) == ("bronchitiss", {})


class TestQuestionType:
    """question_type()."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("how do they actually treat this", "treatment"),
            ("what gives you pneumonia in the first place", "causes"),
            ("what test do they do to check for that", "exams and tests"),
            ("is there a jab so she doesnt get it again", None),
            ("is there a vaccine so she doesnt get it again", "prevention"),
            ("who is more likely to get pneumonia", "susceptibility"),
            ("what are the signs", "symptoms"),
            ("will it go away on its own", "outlook"),
        ],
    )
    def test_table(self, text: str, expected: str | None) -> None:
        """Each phrasing maps to its question type."""
        assert question_type(text) == expected


class TestExtractFocus:
    """extract_focus()."""

    def test_story_with_question(self) -> None:
        """The condition comes from the question sentence, not from the story around it."""
        focus = extract_focus("My dad is 80 and has copd. Who is more likely to get pneumonia?", NAMES)
        assert focus.condition == "pneumonia" and focus.question_type == "susceptibility"
        assert focus.dense_query.startswith("Who is at risk for pneumonia?")
        assert focus.terms[0] == "pneumonia"

    def test_lay_words_and_misspelling(self) -> None:
        """Lay words and misspellings reach the condition name."""
        focus = extract_focus("GP is worried about a blood clot on my lung, what test do they do?", NAMES)
        assert (focus.condition, focus.question_type) == ("pulmonary embolism", "exams and tests")
        assert extract_focus("pnemonia??", NAMES).dense_query.startswith("What is (are) pneumonia?")

    def test_long_message_is_capped(self) -> None:
        """A long story yields at most the capped number of focus terms, condition first."""
        story = " ".join(f"word{i} detail{i}" for i in range(80)) + ". How is pneumonia treated?"
        focus = extract_focus(story, NAMES)
        assert len(focus.terms) <= MAX_FOCUS_TERMS
        assert focus.terms[:2] == ("pneumonia", "treatment")

    def test_no_condition_keeps_the_message(self) -> None:
        """Without a known condition the dense query is the whole message, normalised."""
        focus = extract_focus("Should I be worried about this? It hurts when I breathe.", NAMES)
        assert focus.condition is None and focus.question == "should i be worried about this?"
        assert focus.dense_query == "should i be worried about this? it hurts when i breathe."

    def test_story_names_the_diagnosis_last(self) -> None:
        """With no condition in the question, the story's most mentioned (then latest) condition is used."""
        text = "Started with a cough and fever, then the GP said pneumonia. What is the normal treatment?"
        focus = extract_focus(text, NAMES | {"cough"})
        assert (focus.condition, focus.question_type) == ("pneumonia", "treatment")

    def test_empty_message(self) -> None:
        """An empty message has no terms and no condition."""
        focus = extract_focus("  ", NAMES)
        assert focus.terms == () and focus.condition is None
