"""Alternatives however the patient names them: the new catalogue entries, the hidden-cancer reading
after a clot, an open-vocabulary fallback for what the table does not know, and next-step phrasings."""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import CONDITIONS, condition, conditions_in
from assistant.drafting.llm import MockLLM
from assistant.drafting.questions import unknown_alternatives
from assistant.drafting.schemas import CitedSource, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom
from knowledge import pack_path
from knowledge.loaders.markdown import load_markdown

NEW_KEYS = (
    "cystic_fibrosis", "thrombophilia", "hidden_cancer", "marfan_syndrome", "osteoporosis", "lymphoma",
    "hiv", "drug_resistant_tb", "connective_tissue_ild", "stroke",
)  # fmt: skip


def _subs(question: str, dx: str = "pneumonia", reason: str = "") -> list[tuple[str, str]]:
    intake = IntakeRecord(diagnosis_in_question=dx, main_question=question, reason_for_second_opinion=reason)
    return [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]


class TestNewConditions:
    """The conditions added for the seventh round are recognised in plain and non-native wording."""

    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("could this be cystic fibrosis like my cousin's child", "cystic_fibrosis"),
            ("should I be tested for a clotting disorder like my aunt", "thrombophilia"),
            ("clots run in my family", "thrombophilia"),
            ("a teacher said he might have Marfans because he is tall", "marfan_syndrome"),
            ("maybe I have thin bones because the ribs broke so easily", "osteoporosis"),
            ("I read swollen lymph nodes can be lymphoma", "lymphoma"),
            ("why they want HIV test", "hiv"),
            ("I don't understand if it is the normal TB or the resistent one", "drug_resistant_tb"),
            ("could it be lung disease from rheumatoid arthritis like my sister", "connective_tissue_ild"),
            ("I wondered if he'd had a mini stroke", "stroke"),
        ],
    )
    def test_recognised(self, text: str, key: str) -> None:
        """Each new entry is found from the patient's words (misspellings corrected)."""
        assert key in [c.key for c in conditions_in(text, fuzzy=True)]

    def test_new_entries_are_complete(self) -> None:
        """Every new entry says what points to it, what argues against it and which test settles it."""
        for key in NEW_KEYS:
            cond = condition(key)
            assert cond.supports and cond.against and cond.test, key

    def test_every_new_entry_has_a_note_that_names_it(self) -> None:
        """A starter-pack note whose title names the condition backs each entry, so answers are cited."""
        titles = [load_markdown(p).title for p in pack_path().glob("*.md")]
        for key in NEW_KEYS:
            assert any(condition(key) in conditions_in(t) for t in titles), key

    def test_catalogue_order_kept(self) -> None:
        """New entries are appended: the first entries are unchanged (an easy merge)."""
        assert [c.key for c in CONDITIONS[:3]] == ["pneumonia", "pulmonary_embolism", "deep_vein_thrombosis"]
        keys = [c.key for c in CONDITIONS]
        # the eighth round's entries follow the seventh's, which ended with stroke
        assert keys.index("stroke") < keys.index("hypersensitivity_pneumonitis")
        assert keys.index("pneumocystis_pneumonia") < keys.index("croup")


class TestCancerAfterAClot:
    """After a clot, 'a sign of cancer' asks about a hidden cause, not a lung tumour."""

    def test_hidden_cancer_after_clot(self) -> None:
        """The PE patient's cancer question is the hidden-cancer one, beside the clotting disorder."""
        subs = _subs(
            "could it be a sign of cancer, should I be tested for a clotting disorder like my aunt?",
            dx="pulmonary embolism (provoked)",
        )
        assert ("could_it_be", "hidden_cancer") in subs
        assert ("could_it_be", "thrombophilia") in subs
        assert ("could_it_be", "lung_cancer") not in subs

    def test_lung_named_stays_lung_cancer(self) -> None:
        """A named lung cancer or shadow stays a lung-cancer question, even after a clot."""
        assert ("could_it_be", "lung_cancer") in _subs("could the shadow be cancer?", dx="pulmonary embolism")

    def test_without_a_clot_cancer_is_lung_cancer(self) -> None:
        """Without a clot diagnosis the usual reading holds."""
        assert ("could_it_be", "lung_cancer") in _subs("could a cancer be hiding under it?", dx="empyema")


class TestOpenVocabulary:
    """A possibility the table does not know is still answered, honestly."""

    @pytest.mark.parametrize(
        ("question", "name"),
        [
            ("Could it be Lyme disease?", "lyme disease"),
            ("What if it's Ehlers-Danlos syndrome?", "ehlers-danlos syndrome"),
            ("Did they check for amyloidosis?", "amyloidosis"),
            ("Should they rule out leptospirosis?", "leptospirosis"),
            ("I'm scared it's endometriosis.", "endometriosis"),
            ("Haemochromatosis runs in my family, does it matter?", "haemochromatosis"),
        ],
    )
    def test_unknown_named(self, question: str, name: str) -> None:
        """Phrasings of 'could it be X' with a disease-shaped X the table does not know."""
        assert ("could_it_be", name) in _subs(question)

    @pytest.mark.parametrize(
        "question",
        [
            "Is it really necessary to take them?",
            "Could it be something else?",
            "Could it be my Parkinson's tablets?",
            "Could it be an infection?",
            "Could it be a blood clot?",
        ],
    )
    def test_not_a_disease_name(self, question: str) -> None:
        """Vague words, medicines and known conditions never become an unknown alternative."""
        intake = IntakeRecord(diagnosis_in_question="pneumonia", main_question=question)
        assert questions.unknown_alternatives(intake) == []

    def test_draft_answers_it_without_inventing(self) -> None:
        """The answer says the draft cannot weigh it and who will; it quotes only a passage naming it."""
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia", main_question="Could it be Lyme disease?", age=40
        )
        passage = CitedSource(
            number=1,
            source_id="pack:test",
            title="Pneumonia",
            text="Pneumonia is an infection of the lungs. A chest X-ray is the usual test.",
            population="adult",
        )
        draft = compose_draft(
            intake, ImagingFindings(), [passage], MockLLM(responses=["Pneumonia is common."])
        )
        qid = next(q.id for q in draft.sub_questions if q.condition == "lyme disease")
        answer = [s for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == qid]
        body = " ".join(s.text for s in answer)
        assert "cannot weigh lyme disease" in body
        assert "reviewing clinician will address it" in body
        assert all(s.origin == "template" or "lyme" in s.text.lower() for s in answer)


class TestNextStepPhrasings:
    """'What happens next' in its everyday forms."""

    @pytest.mark.parametrize(
        "question",
        [
            "What should we do now?",
            "How do we stop it happening again?",
            "When should I go back to the GP?",
            "Do I need more tests?",
            "What are the next steps?",
        ],
    )
    def test_next_steps(self, question: str) -> None:
        """Each is a next-step question."""
        assert "next_steps" in [k for k, _ in _subs(question)]


class TestAlongside:
    """A cause or companion of the diagnosis is not asked about as its replacement."""

    def _summaries(self, question: str, dx: str) -> dict[str, str]:
        intake = IntakeRecord(diagnosis_in_question=dx, main_question=question)
        return {q.condition: q.summary for q in questions.parse_sub_questions(intake, has_images=False)}

    def test_clotting_disorder_behind_a_clot(self) -> None:
        """'Should I be tested for a clotting disorder' after a PE: behind it or as well, not 'instead'."""
        found = self._summaries(
            "should I be tested for a clotting disorder like my aunt?", "pulmonary embolism"
        )
        assert "behind it or present as well" in found["thrombophilia"]
        assert "instead" not in found["thrombophilia"]

    def test_a_replacement_is_still_instead(self) -> None:
        """'Could it be a clot' about a pneumonia asks about a replacement diagnosis."""
        found = self._summaries("could it be a blood clot instead?", "pneumonia")
        assert found["pulmonary_embolism"].endswith(" instead")


class TestRelativesIllness:
    """A relative's illness told in the story is family history, not an alternative."""

    def test_story_about_a_relative(self) -> None:
        """'My aunt had a DVT in her 40s' in the reason: no DVT alternative for a pneumonia."""
        subs = _subs("Is it really pneumonia?", reason="My aunt had a DVT in her 40s and I worry.")
        assert ("could_it_be", "deep_vein_thrombosis") not in subs

    def test_asked_about_for_the_patient(self) -> None:
        """The same relative named in the patient's own question keeps the alternative."""
        subs = _subs("Could it be a DVT like my aunt had?", reason="My aunt had a DVT in her 40s.")
        assert ("could_it_be", "deep_vein_thrombosis") in subs

    def test_own_illness_before_the_relative(self) -> None:
        """'I thought it was a pulled muscle but my partner made me go' keeps the patient's own idea."""
        reason = "I thought it was a pulled muscle but my partner made me go to A&E."
        assert ("could_it_be", "costochondritis") in _subs("Is it really pneumonia?", reason=reason)


def test_what_the_patient_says_it_is_not_is_no_unknown_alternative() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        main_question="Could this be Lyme disease and not an infection?",
    )
    assert unknown_alternatives(intake) == ["lyme disease"]


def test_a_scans_report_on_the_heart_names_no_heart_condition() -> None:
    """ "The heart was 'a bit strained but OK'" is a CT report after a clot, not a question about
    pericarditis (a read draft asked it, reading "sharp pain on breathing in" as its sign)."""
    intake = IntakeRecord(
        diagnosis_in_question="pulmonary embolism",
        reason_for_second_opinion=(
            "CT scan showed clots in both lungs; they said the heart was 'a bit strained but OK'."
        ),
        symptoms=[Symptom(description="sharp right-sided chest pain on breathing in", duration="10 days")],
        main_question="How long do I need apixaban?",
        age=29,
        sex="female",
    )
    assert not [q for q in questions.parse_sub_questions(intake, has_images=False) if q.kind == "could_it_be"]


def test_a_vague_heart_tied_between_a_heart_attack_and_heart_failure_goes_to_the_one_with_cues() -> None:
    """ "Could it be asthma instead, or my heart?" from a COPD patient out of breath digging, who asks
    whether exercise helps: the breathlessness is heart failure's cue, exercise alone no heart attack's."""
    intake = IntakeRecord(
        diagnosis_in_question="COPD",
        main_question="Could it be asthma instead, or my heart? Will exercise help or make it worse?",
        symptoms=[Symptom(description="wheezy and out of breath digging")],
        age=75,
        sex="male",
    )
    asked = {q.condition for q in questions.parse_sub_questions(intake, has_images=False)}
    assert "heart_failure" in asked and "heart_attack" not in asked


class TestDeniedConditions:
    """A condition the story names only to deny it is no alternative asked about."""

    @pytest.mark.parametrize(
        "reason",
        [
            "He has never had a chest infection before and no asthma.",
            "Healthy, no asthma, no previous chest infections.",
            "She has no history of asthma and nobody with TB we know.",
        ],
    )
    def test_denied_is_not_asked(self, reason: str) -> None:
        subs = _subs("Could it be a nut stuck in his lung?", reason=reason)
        assert ("could_it_be", "asthma") not in subs
        assert ("could_it_be", "foreign_body") in subs

    def test_named_again_as_a_worry_stays(self) -> None:
        """Denied once and then asked about ("no asthma before, but could it be asthma now?")."""
        subs = _subs("Could it be asthma now?", reason="He has no asthma diagnosed so far.")
        assert ("could_it_be", "asthma") in subs


def test_pauses_in_a_babys_breathing_are_not_sleep_apnoea() -> None:
    """An apnoea in a 7-month-old with bronchiolitis is a danger sign, not obstructive sleep apnoea."""

    def alternatives(age: int, reason: str) -> list[str]:
        intake = IntakeRecord(
            diagnosis_in_question="bronchiolitis", age=age, reason_for_second_opinion=reason
        )
        return [c.key for c in questions.named_alternatives(intake)]

    assert "sleep_apnoea" not in alternatives(0, "Twice he had pauses in his breathing at night.")
    assert "sleep_apnoea" in alternatives(6, "He snores and has pauses in his breathing at night.")


def test_a_known_event_the_question_dates_from_is_not_asked_about() -> None:
    """ "Could it be aspiration from her swallowing after the stroke?" asks about aspiration; the stroke
    five weeks ago is history, not a new stroke to assess the same day."""
    intake = IntakeRecord(
        diagnosis_in_question="chest infection",
        main_question="Could this be aspiration pneumonia from her swallowing after the stroke?",
        reason_for_second_opinion="My mother is 81 and had a stroke 5 weeks ago that affected her left side.",
        age=81,
    )
    keys = [c.key for c in questions.named_alternatives(intake)]
    assert "aspiration" in keys and "stroke" not in keys
    asked = IntakeRecord(diagnosis_in_question="vertigo", main_question="Could it be a stroke?", age=70)
    assert "stroke" in [c.key for c in questions.named_alternatives(asked)]


def test_a_condition_the_history_denies_is_not_named_by_a_symptom() -> None:
    """ "No asthma or eczema" in the history: a one-sided wheeze after choking names no asthma."""
    intake = IntakeRecord(
        diagnosis_in_question="viral pneumonia",
        main_question="Could she have inhaled a bit of popcorn?",
        reason_for_second_opinion="Now she has a wheeze, maybe louder on one side.",
        history="No asthma or eczema. Never wheezed before.",
        age=3,
    )
    assert "asthma" not in [c.key for c in questions.named_alternatives(intake)]
    asked = intake.model_copy(update={"main_question": "Could it be asthma after all?"})
    assert "asthma" in [c.key for c in questions.named_alternatives(asked)]


def _named(**fields: object) -> list[str]:
    intake = IntakeRecord.model_validate({"diagnosis_in_question": "asthma", "age": 14, **fields})
    return [c.key for c in questions.named_alternatives(intake)]


def test_her_heart_after_a_relatives_death_in_sport_is_the_heart_muscle() -> None:
    """A 14-year-old's mother feared "her heart" after a cousin's cardiac arrest at football; the
    draft answered pericarditis, because the noise "breathing IN" read as pain on breathing in."""
    reason = (
        "She makes a high pitched noise breathing IN during races. My husband's cousin's lad collapsed at "
        "football at 16 with a heart thing, and I keep thinking what if this is her heart. No chest pain."
    )
    named = _named(reason_for_second_opinion=reason, main_question="Could this be her heart?")
    assert "cardiomyopathy" in named and "pericarditis" not in named
    dizzy = _named(
        reason_for_second_opinion="She got dizzy and had to sit down in PE. My brother died sudden at 40.",
        main_question="is it her heart?",
    )
    # "in PE" is the school lesson, not a clot
    assert dizzy == ["cardiomyopathy"]


def test_a_place_behind_the_heart_names_no_heart_problem() -> None:
    """ "a hiatus hernia behind the heart" on a report was read as a heart problem asked about."""
    named = _named(
        age=60,
        diagnosis_in_question="hiatus hernia",
        reason_for_second_opinion="The X-ray shows a 'hiatus hernia behind the heart'.",
    )
    assert "heart_attack" not in named


def test_a_choking_fit_on_nuts_names_an_inhaled_object() -> None:
    """A 9-year-old's 10-week cough began with "a big choking fit on some nuts"; the draft never
    named an inhaled object although the mother asked whether the choking mattered."""
    named = _named(
        age=9,
        diagnosis_in_question="post viral cough",
        reason_for_second_opinion="At the party he did have a big choking fit on some nuts from the bowl.",
        main_question="Does the choking on the nuts matter?",
    )
    assert "foreign_body" in named


def test_a_babys_heart_is_a_heart_problem_from_birth_not_a_heart_attack() -> None:
    """A mother asked whether her 4-month-old's newborn murmur explained the fast breathing; the draft
    answered angina or a heart attack, with troponin and crushing chest pain."""
    named = _named(
        age=0,
        diagnosis_in_question="bronchiolitis",
        main_question="Could her fast breathing be her heart, because of the murmur heard when she was born?",
    )
    assert "congenital_heart_disease" in named and "heart_attack" not in named
    plain = _named(age=3, diagnosis_in_question="pneumonia", main_question="Could it be his heart?")
    assert "heart_attack" not in plain


def test_strain_on_the_heart_in_the_diagnosis_is_no_heart_attack() -> None:
    """ "blood clots in both lungs with strain on the heart" read as a clot and a heart attack."""
    from assistant.drafting.conditions import diagnosis_family

    family = diagnosis_family("blood clots in both lungs (pulmonary embolisms) with strain on the heart")
    assert [c.key for c in family] == ["pulmonary_embolism"]


def test_scar_the_lungs_is_scarring_not_an_old_scar() -> None:
    """ "My friend said COVID can scar the lungs" was answered as an old healed granuloma."""
    named = _named(
        age=34,
        diagnosis_in_question="anxiety after covid",
        reason_for_second_opinion="My friend said COVID can scar the lungs. Has COVID scarred my lungs?",
    )
    assert "old_scar" not in named and "pulmonary_fibrosis" in named


def test_a_past_illness_asked_about_as_a_cause_is_no_alternative() -> None:
    """ "Could COVID have scarred my lungs?" five months after COVID asked about scarring, not whether the
    illness is COVID-19 instead; "could it be COVID?" still asks."""
    base = {
        "age": 34,
        "diagnosis_in_question": "anxiety and hyperventilation",
        "history": "COVID-19 (PCR confirmed) 5 months ago, managed at home.",
    }
    cause = _named(**base, main_question="Could COVID have scarred my lungs? Is this long COVID?")
    assert "covid19" not in cause and "pulmonary_fibrosis" in cause
    again = _named(**base, main_question="Could it be COVID again?")
    assert "covid19" in again


def _asked(question: str, diagnosis: str, age: int = 40, **fields: str) -> list[str]:
    from assistant.drafting.questions import parse_sub_questions

    intake = IntakeRecord(diagnosis_in_question=diagnosis, main_question=question, age=age, **fields)
    return [q.condition for q in parse_sub_questions(intake, has_images=False) if q.kind == "could_it_be"]


def test_a_bead_that_could_still_be_in_his_chest_is_an_inhaled_object() -> None:
    assert "foreign_body" in _asked(
        "Can a plastic bead show on an xray, could it still be in his chest?", "croup", 2
    )


def test_bronchitis_from_smoking_is_copd_not_a_chest_cold() -> None:
    asked = _asked(
        "Could this be his old TB scar or bronchitis from smoking rather than cancer?", "lung cancer", 67
    )
    assert "copd" in asked and "bronchitis" not in asked


def test_the_fast_heart_thing_asked_of_my_heart_is_its_rhythm_not_the_chest_pains_lining() -> None:
    asked = _asked(
        "Is the fast heart thing something with my heart?",
        "costochondritis",
        16,
        reason_for_second_opinion="Sharp pain, worse when I breathe in. I got lightheaded during sprints.",
    )
    assert "arrhythmia" in asked and "pericarditis" not in asked
