"""The English gloss of Spanish and French messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.triage import Triage
from assistant.triage.errors import TriageConfigError
from assistant.triage.gloss import default_glossary, language, load_glossary
from assistant.triage.text import normalise


class TestLanguage:
    @pytest.mark.parametrize(
        ("text", "lang"),
        [
            ("me duele mucho el pecho", "es"),
            ("je veux mourir", "fr"),
            ("j'ai mal à la poitrine depuis ce matin", "fr"),
            ("no pain, me and my wife are fine", "en"),
            ("my son has a pain in his chest", "en"),
        ],
    )
    def test_language(self, text: str, lang: str) -> None:
        """Spanish and French are told apart; English with a stray "no" or "me" stays English."""
        assert language(normalise(text)) == lang


class TestGloss:
    @pytest.mark.parametrize(
        ("text", "english"),
        [
            ("no puedo respirar", "i cannot breathe"),
            ("tengo dolor en el pecho", "i have pain in the chest"),
            ("mi padre tuvo un infarto hace dos años", "my father had a heart attack years ago"),
            ("je n'arrive plus à respirer", "i cannot breathe"),
            ("elle ne répond plus", "she is not responding"),
            # the longest match at a word wins, whatever the length of the pattern that spells it
            ("j'ai du mal à trouver mes mots", "i have difficulty find my words"),
            ("mi hijo de tres años se ha bebido lejía", "my son three years old drank bleach"),
            ("mi hermana acaba de dar a luz", "my sister just gave birth"),
            ("elle vient d'accoucher et a failli s'évanouir", "she just gave birth and nearly fainted"),
            ("je suis sous pilule", "on the contraceptive pill"),
            (
                "tomo la pildora anticonceptiva y me falta el aire",
                "on the contraceptive pill and i am short of breath",
            ),
            (
                "d'un coup je ne vois plus rien de l'œil gauche",
                "suddenly cannot see anything out of the left eye",
            ),
        ],
    )
    def test_phrases(self, text: str, english: str) -> None:
        """Phrases win over their words, and time phrases become the English past cues."""
        n = normalise(text)
        assert default_glossary().gloss(n, language(n)) == english

    @pytest.mark.parametrize(
        "text",
        [
            "mi marido no respira bien y tiene los labios morados",
            "mon mari ne respire pas bien, il a les lèvres violettes",
            "mi abuela no está respirando bien, sus labios están grises",
        ],
    )
    def test_not_breathing_well_with_coloured_lips_is_an_emergency(
        self, shared_triage: Triage, text: str
    ) -> None:
        """ "No respira bien" and purple or grey lips read as difficulty breathing with blue lips."""
        decision = shared_triage.check(text)
        assert decision.emergency and decision.category == "respiratory", decision

    def test_coloured_lips_from_the_cold_yesterday_are_not(self, shared_triage: Triage) -> None:
        """The same words told as over and explained stay calm."""
        assert not shared_triage.check("mi madre tenía los labios morados de frío ayer, ahora bien").emergency

    @pytest.mark.parametrize(("text", "lang"), [("toso sangre, mucha", "es"), ("she sang to me", "en")])
    def test_short_messages_by_their_symptom_words(self, text: str, lang: str) -> None:
        """A short Spanish message is told by its symptom words ("toso sangre"), not English "sang"."""
        assert language(normalise(text)) == lang

    def test_english_words_are_not_translated_again(self, tmp_path: Path) -> None:
        """One pass: the English written for a phrase is never read as Spanish afterwards."""
        path = tmp_path / "gloss.yaml"
        path.write_text('es:\n  "un": a\n  a: to\n  con: with\n', encoding="utf-8")
        assert load_glossary(path).gloss("un perro con un gato", "es") == "a perro with a gato"

    def test_english_is_left_alone(self) -> None:
        """An English text is its own gloss."""
        assert default_glossary().gloss("no pain at all", "en") == "no pain at all"

    def test_bad_pattern_is_named(self, tmp_path: Path) -> None:
        """A key that is not a valid pattern names the language and the key."""
        path = tmp_path / "gloss.yaml"
        path.write_text('fr:\n  "(douleur": pain\n', encoding="utf-8")
        with pytest.raises(TriageConfigError, match=r"gloss 'fr'.*\(douleur"):
            load_glossary(path)
