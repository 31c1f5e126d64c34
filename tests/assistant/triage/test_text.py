"""Normalisation, clauses and spelling correction of patient words."""

from __future__ import annotations

import pytest

from assistant.triage.text import (
    TypoCorrector,
    clause_spans,
    clauses,
    looks_romance,
    normalise,
    osa_distance,
    sentences,
    sound_key,
)


class TestNormalise:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("I can't breathe!", "i cannot breathe!"),
            ("He WON'T wake up", "he will not wake up"),
            ("she doesn’t respond", "she does not respond"),
            ("im scared, dont know", "i am scared, do not know"),
            ("je n'arrive pas à respirer", "je n arrive pas a respirer"),
            ("¿Cuáles son?", "cuales son?"),
            ("bleeding alot", "bleeding a lot"),
            ("son cœur bat vite", "son coeur bat vite"),
            ("found at 14:10, seen at 13:30", "found at 14 10, seen at 13 30"),
        ],
    )
    def test_normalise(self, raw: str, expected: str) -> None:
        """Case, accents, contractions and stray symbols are made uniform."""
        assert normalise(raw) == expected


class TestClauses:
    def test_and_before_something_going_on_now_ends_a_clause(self) -> None:
        """ "... a week ago and I am spitting out clots": what goes on now is its own clause."""
        assert [c.text for c in clauses("tonsils out a week ago and i am spitting out clots")] == [
            "tonsils out a week ago",
            "i am spitting out clots",
        ]
        assert len(clauses("my chest is tight and i am sweating and sick")) == 2

    def test_split_on_punctuation_and_but(self) -> None:
        """Commas, full stops and "but" end a clause."""
        assert [c.text for c in clauses("no fever, but my lips are blue. help")] == [
            "no fever",
            "my lips are blue",
            "help",
        ]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "hip replaced a week ago and suddenly i am gasping",
                ["hip replaced a week ago", "suddenly i am gasping"],
            ),
            ("operado hace dias y de repente me ahogo", ["operado hace dias", "de repente me ahogo"]),
            ("pain last year and now again", ["pain last year and now again"]),
        ],
    )
    def test_and_suddenly_ends_a_clause(self, text: str, expected: list[str]) -> None:
        """ "and suddenly" starts a new clause; "and now" does not (it keeps "now" with what it qualifies)."""
        assert [c.text for c in clauses(text)] == expected

    def test_a_decimal_point_does_not_end_a_sentence(self) -> None:
        """ "38.5" and "2.5 mg" stay whole in a sentence: a point between digits is a decimal."""
        assert sentences("temp 38.5 since lunch. took 2.5 mg. ok") == [
            "temp 38.5 since lunch",
            "took 2.5 mg",
            "ok",
        ]

    def test_spans_match_the_clauses(self) -> None:
        """Each clause's span in the text holds exactly that clause."""
        text = "no fever, but my lips are blue. help"
        assert [text[a:b].strip() for a, b in clause_spans(text)] == [c.text for c in clauses(text)]


class TestTypoCorrector:
    @pytest.mark.parametrize(
        ("a", "b", "d"), [("chest", "chset", 1), ("breathing", "brething", 1), ("abc", "xyz", 3)]
    )
    def test_osa_distance(self, a: str, b: str, d: int) -> None:
        """Edits and adjacent swaps each cost one."""
        assert osa_distance(a, b, 5) == d

    def test_corrects_unknown_words_only(self) -> None:
        """A misspelt word becomes the triage word; known ordinary words are left alone."""
        corrector = TypoCorrector({"breathing", "sweating", "unconscious"}, known={"sweet"})
        assert corrector.correct("brething, sweet tea, unconcious") == "breathing, sweet tea, unconscious"

    def test_ambiguous_words_are_not_guessed(self) -> None:
        """Two equally close targets leave the word unchanged."""
        assert TypoCorrector({"bleed", "bleep"}).correct("bleex") == "bleex"

    @pytest.mark.parametrize(
        ("a", "b"), [("coffing", "coughing"), ("blod", "blood"), ("fone", "phone"), ("sezure", "seizure")]
    )
    def test_sound_key(self, a: str, b: str) -> None:
        """Spellings that sound alike share a key."""
        assert sound_key(a) == sound_key(b)

    def test_a_sound_alike_beats_nearer_words(self) -> None:
        """A word three edits from the target that sounds like it, and two from others, takes it."""
        corrector = TypoCorrector({"coughing", "coming", "coping"})
        assert corrector.correct("coffing") == "coughing"
        assert TypoCorrector({"coming", "coping"}).correct("coffing") == "coffing"

    def test_context_breaks_a_tie(self) -> None:
        """Of two equally near targets, the one the exemplars use beside the neighbouring words wins."""
        targets = {"blood", "bled", "coughing"}
        plain = TypoCorrector(targets)
        assert plain.correct("coughing up blod") == "coughing up blod"
        with_context = TypoCorrector(targets, contexts=["coughing up fresh blood", "the cut bled"])
        assert with_context.correct("coughing up blod") == "coughing up blood"
        assert with_context.correct("my knee blod") == "my knee blod"

    def test_inflections_of_known_words_are_not_corrected(self) -> None:
        """A known word with an ordinary ending stays ("shovelling"), unless a triage word is 1 edit away."""
        corrector = TypoCorrector({"swelling", "bleeding"}, known={"shovel", "bled"})
        assert corrector.correct("shovelling") == "shovelling"
        assert TypoCorrector({"swelling"}).correct("shovelling") == "swelling"
        assert corrector.correct("bleding") == "bleeding"

    @pytest.mark.parametrize(("word", "known"), [("bleeds", "bleed"), ("chokes", "choke")])
    def test_a_known_word_with_an_ending_is_kept(self, word: str, known: str) -> None:
        """ "bleeds" is "bleed" with an ending, not a misspelling of "blades"."""
        corrector = TypoCorrector({"blades", "comes", known})
        assert corrector.correct(f"she {word} it out") == f"she {word} it out"

    def test_romance_detection(self) -> None:
        """Spanish and French are recognised (spelling correction is for English only)."""
        assert looks_romance(normalise("tengo un dolor en el pecho"))
        assert looks_romance(normalise("j'ai mal à la poitrine"))
        assert not looks_romance(normalise("my son has a pain in his chest"))
