"""Red-flag triage rules: what fires, what does not, and malformed rule files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chat.errors import RedFlagRulesError
from assistant.chat.red_flags import load_rules, parse_rules


class TestShippedRules:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("I have chest pain and I am short of breath", "chest_pain_breathlessness"),
            ("Crushing chest pain, I'm struggling breathing", "chest_pain_breathlessness"),
            ("chest pain spreading to my left arm", "chest_pain_spreading"),
            ("My face is drooping and my speech is slurred", "stroke_signs"),
            ("I coughed up blood this morning", "coughing_blood"),
            ("the cut won't stop bleeding", "heavy_bleeding"),
            ("I keep thinking about ending my life", "suicidal_thoughts"),
            ("My lips are turning blue", "severe_breathing_difficulty"),
            ("fever and she is confused", "sepsis_signs"),
            ("He collapsed in the kitchen", "collapse"),
        ],
    )
    def test_emergencies_fire(self, text: str, expected: str) -> None:
        """Each emergency pattern in the rules file is recognised."""
        assert expected in [f.id for f in load_rules().check(text)]

    @pytest.mark.parametrize(
        "text",
        [
            "My X-ray report says right lower lobe pneumonia",
            "No chest pain, just a bit breathless on stairs",
            "the chest pain came back last year",
            "I take metformin and salbutamol",
            "",
        ],
    )
    def test_ordinary_text_does_not_fire(self, text: str) -> None:
        """Ordinary answers and negated symptoms raise nothing."""
        assert load_rules().check(text) == []

    def test_advice_names_emergency_services(self) -> None:
        """The advice text leads with the emergency and tells the patient what to do now."""
        rules = load_rules()
        advice = rules.advice_text(rules.check("chest pain and short of breath"))
        assert advice.startswith("**This could be an emergency.**")
        assert "emergency number" in advice


class TestRulesFile:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"rules": []}, "defines no rules"),
            ({"rules": [{"label": "x", "advice": "y", "all_of": [["a"]]}]}, "needs an 'id'"),
            ({"rules": [{"id": "r", "label": "x", "advice": "y", "all_of": []}]}, "non-empty list"),
            ({"rules": [{"id": "r", "label": "x", "advice": "y", "all_of": [["(unclosed"]]}]}, "not a valid"),
            ({"rules": [{"id": "r", "all_of": [["a"]]}]}, "'label' and 'advice' are required"),
        ],
    )
    def test_malformed_rules_refused(self, data: dict[str, object], message: str) -> None:
        """A broken rule is named in the error instead of silently never firing."""
        with pytest.raises(RedFlagRulesError, match=message):
            parse_rules(data)

    def test_unreadable_file(self, tmp_path: Path) -> None:
        """A rules file that is not a mapping is refused with its path."""
        bad = tmp_path / "rules.yaml"
        bad.write_text("- just a list\n")
        with pytest.raises(RedFlagRulesError, match=r"rules\.yaml"):
            load_rules(bad)
