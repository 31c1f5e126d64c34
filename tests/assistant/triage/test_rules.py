"""The clinical rules: what fires, what does not (negation, past, questions), malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.triage.engine import rules_only_triage
from assistant.triage.errors import TriageConfigError
from assistant.triage.rules import load_rules, parse_rules


def categories(text: str) -> list[str]:
    """The categories the shipped rules find in a text (after normalisation and correction)."""
    triage = rules_only_triage()
    return [h.category for h in triage.rules.check(triage.prepare(text))]


class TestShippedRules:
    @pytest.mark.parametrize(
        ("text", "category"),
        [
            ("I have chest pain and I am short of breath", "cardiac"),
            ("chest pain spreading to my left arm", "cardiac"),
            ("My face is drooping and my speech is slurred", "stroke"),
            ("my husband is not breathing", "respiratory"),
            ("My lips are turning blue", "respiratory"),
            ("throat closing up after the contrast injection", "anaphylaxis"),
            ("coughing up a lot of blood with clots", "haemoptysis"),
            ("fever and she is confused", "sepsis"),
            ("he swallowed a whole packet of paracetamol", "overdose"),
            ("sudden tearing pain through to my back", "aortic_dissection"),
            ("suddenly short of breath after my operation, my calf is swollen", "pe"),
            ("He collapsed in the kitchen", "unconscious"),
            ("the cut won't stop bleeding", "bleeding"),
            ("I keep thinking about ending my life", "suicidal"),
            ("crushng chesst pain down my arm", "cardiac"),
            ("no puedo respirar", "respiratory"),
            ("je veux mourir", "suicidal"),
        ],
    )
    def test_emergencies_fire(self, text: str, category: str) -> None:
        """Each category's emergencies are recognised, misspelt, third person or in Spanish/French."""
        assert category in categories(text)

    @pytest.mark.parametrize(
        "text",
        [
            "My X-ray report says right lower lobe pneumonia",
            "No chest pain, just a bit breathless on stairs",
            "cough, no chest pain, not confused",
            "I had chest pain last year",
            "my father had a stroke in 2015",
            "What are the signs of a stroke?",
            "what should I do if I cough up blood?",
            "the bleeding has stopped",
            "I'm not suicidal, just tired of waiting",
            "I take metformin and salbutamol",
            "",
        ],
    )
    def test_ordinary_text_does_not_fire(self, text: str) -> None:
        """Ordinary answers, negations, past events and questions about warning signs raise nothing."""
        assert categories(text) == []

    def test_every_category_has_a_rule(self) -> None:
        """No category is left to the semantic layer alone."""
        rules = load_rules()
        assert {r.category for r in rules.rules} == set(rules.categories)


class TestMalformedRules:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"rules": [{"id": "x", "category": "c", "all_of": [["a"]]}]}, "no categories"),
            ({"categories": {"c": {"label": "C"}}, "rules": []}, "no rules"),
            (
                {"categories": {"c": {}}, "rules": [{"id": "x", "category": "d", "all_of": [["a"]]}]},
                "unknown category",
            ),
            (
                {"categories": {"c": {}}, "rules": [{"id": "x", "category": "c", "all_of": []}]},
                "non-empty list",
            ),
            (
                {"categories": {"c": {}}, "rules": [{"id": "x", "category": "c", "all_of": [["(a"]]}]},
                "not a valid pattern",
            ),
            ({"categories": {"c": {}}, "rules": [{"category": "c", "all_of": [["a"]]}]}, "needs an 'id'"),
        ],
    )
    def test_refused_with_reason(self, data: dict, message: str) -> None:  # type: ignore[type-arg]
        """A malformed rules document is refused with the problem named."""
        with pytest.raises(TriageConfigError, match=message):
            parse_rules(data)

    def test_unreadable_file(self, tmp_path: Path) -> None:
        """A file that is not YAML names the file."""
        bad = tmp_path / "rules.yaml"
        bad.write_text("rules: [unclosed", encoding="utf-8")
        with pytest.raises(TriageConfigError, match=r"rules\.yaml"):
            load_rules(bad)
