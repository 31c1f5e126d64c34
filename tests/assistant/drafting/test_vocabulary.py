"""The condition and topic vocabulary: lay phrasing, misspellings, the diagnosis's family."""

from __future__ import annotations

import pytest

from assistant.drafting.conditions import (
    CONDITIONS,
    condition,
    conditions_in,
    correct_spelling,
    diagnosis_family,
    main_condition,
)
from assistant.drafting.questions import named_alternatives
from assistant.drafting.topics import relative_at_risk, topics_in
from assistant.intake import IntakeRecord


class TestLaySynonyms:
    """Patients' own words name the condition the table knows."""

    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("could it be that mesothelioma from the asbestos", "mesothelioma"),
            ("or a tear in the aorta that my mate warned me about", "aortic_dissection"),
            ("could I have a clot in my leg", "deep_vein_thrombosis"),
            ("has the pneumonia left permanent scarring", "pulmonary_fibrosis"),
            ("they said there was fluid on the lung", "pleural_effusion"),
            ("an old scar on the lung, nothing to worry about", "old_scar"),
            ("is this aspiration pneumonia from his swallowing", "aspiration"),
            ("now long COVID", "long_covid"),
            ("could the cough be from a bit of lego stuck in his lung", "foreign_body"),
            ("she might have breathed something in at nursery", "foreign_body"),
            ("do the plaques mean I've got asbestosis as well", "asbestosis"),
            ("they say I have latent TB", "latent_tb"),
        ],
    )
    def test_lay_phrase_is_recognised(self, text: str, key: str) -> None:
        """Each lay phrase maps to its condition."""
        assert key in [c.key for c in conditions_in(text)]

    def test_a_clot_in_the_leg_or_the_lung(self) -> None:
        """'a clot in my leg or my lung' names both clots."""
        assert [c.key for c in conditions_in("Could this be a clot in my leg or my lung?")] == [
            "deep_vein_thrombosis",
            "pulmonary_embolism",
        ]

    def test_pronoun_for_a_clot_in_the_leg(self) -> None:
        """'a clot, or one in my leg' names both a lung clot and a leg clot."""
        found = [c.key for c in conditions_in("could it still be a clot, or one in my leg")]
        assert found == ["pulmonary_embolism", "deep_vein_thrombosis"]

    def test_fluid_in_the_lungs_is_not_an_effusion(self) -> None:
        """'Fluid in the lungs' is pulmonary oedema; 'fluid on the lung' is an effusion."""
        assert [c.key for c in conditions_in("fluid in the lungs")] == ["heart_failure"]

    def test_a_bare_scarring_is_not_fibrosis(self) -> None:
        """'an old granuloma or scarring' on a report is not lasting lung scarring."""
        assert "pulmonary_fibrosis" not in [
            c.key for c in conditions_in("likely an old granuloma or scarring")
        ]

    def test_every_condition_finds_its_own_terms(self) -> None:
        """Every term and lay pattern of the table finds its own condition (discovered from the table)."""
        for cond in CONDITIONS:
            for term in cond.terms:
                assert cond in conditions_in(f"could it be {term}?", nested=True), term


class TestVagueOrganWords:
    """'My heart' names no condition by itself: the symptoms and words around it decide which."""

    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("Is my heart not pumping properly? My ankles are swollen.", "heart_failure"),
            ("Could it be my heart? I am breathless lying flat; swollen ankles", "heart_failure"),
            ("could this be my heart, I sleep propped up on three pillows", "heart_failure"),
            ("Could it be my heart? Crushing chest pain going down my left arm", "heart_attack"),
            ("Could it be my heart? pain at the front of the chest when I exercise", "heart_attack"),
            ("is it a heart problem?", "heart_attack"),
            ("Could it be my heart?", "heart_attack"),
        ],
    )
    def test_context_decides(self, text: str, key: str) -> None:
        """Heart-failure cues read 'my heart' as heart failure; chest-pain cues (or none), a heart attack."""
        assert [c.key for c in conditions_in(text)] == [key]

    def test_patient_asking_about_swelling_and_lying_flat(self) -> None:
        """The named alternative follows the patient's symptoms, not a fixed mapping."""
        from assistant.drafting.questions import named_alternatives
        from assistant.intake import IntakeRecord, Symptom

        intake = IntakeRecord(
            diagnosis_in_question="chest infection",
            symptoms=[
                Symptom(description="swollen ankles"),
                Symptom(description="breathless when lying flat"),
            ],
            main_question="Could it be my heart rather than an infection?",
        )
        assert [c.key for c in named_alternatives(intake)] == ["heart_failure"]

    def test_named_conditions_are_not_vague(self) -> None:
        """'my heart attack' is a heart attack and 'my heart racing' names no condition."""
        assert [c.key for c in conditions_in("since my heart attack I get swollen ankles")] == [
            "heart_attack"
        ]
        assert conditions_in("my heart racing when I stand up") == []


class TestMisspelling:
    """A misspelt condition word is recognised and named correctly."""

    def test_pnemonia(self) -> None:
        """'pnemonia' is pneumonia when fuzzy matching is asked for, and not otherwise."""
        assert main_condition("pnemonia (3rd time this year)") == condition("pneumonia")
        assert conditions_in("pnemonia") == []

    def test_a_misspelt_word_of_a_many_word_term(self) -> None:
        """A read draft compared "pulmonary hypertention" with pulmonary hypertension as an
        alternative and carried "lung absess" through every answer."""
        assert main_condition("pulmonary hypertention") == condition("pulmonary_hypertension")
        assert main_condition("lung absess in the left lung") == condition("lung_abscess")

    def test_hypo_is_not_a_misspelt_hyper(self) -> None:
        """A read draft called treated hypothyroidism "an overactive thyroid"."""
        assert correct_spelling("Hypothyroidism. Low blood pressure (hypotension).") == (
            "Hypothyroidism. Low blood pressure (hypotension)."
        )

    def test_another_form_of_a_word_is_not_a_misspelling(self) -> None:
        """An ending added or dropped stays as written: "chest infections" keeps its plural."""
        assert (
            correct_spelling("his chest infections keep coming back")
            == "his chest infections keep coming back"
        )
        assert correct_spelling("the diseases of the lung") == "the diseases of the lung"

    def test_unrelated_word_is_left_alone(self) -> None:
        """A word far from every term does not become a condition."""
        assert conditions_in("the emphasis was on rest", fuzzy=True) == []


class TestDiagnosisFamily:
    """Which conditions belong to the diagnosis (and so are not alternatives)."""

    def test_refined_diagnosis_wins(self) -> None:
        """Long COVID after COVID-19 pneumonia: long COVID, COVID-19 and the pneumonia inside its term."""
        family = diagnosis_family("COVID-19 pneumonia that has healed, now long COVID")
        assert [c.key for c in family] == ["long_covid", "covid19", "pneumonia"]

    def test_negated_clot_stays_an_alternative(self) -> None:
        """'no clot' in the diagnosis is not part of it."""
        assert [c.key for c in diagnosis_family("chest wall strain, x-ray normal so no clot")] == [
            "costochondritis"
        ]

    def test_latent_tb_is_not_active_tb(self) -> None:
        """Latent TB contains the word TB but active TB stays an alternative the patient can ask about."""
        assert [c.key for c in diagnosis_family("latent tuberculosis")] == ["latent_tb"]
        intake = IntakeRecord(
            diagnosis_in_question="latent tuberculosis",
            main_question="How do they know I haven't actually got active TB with this cough?",
        )
        assert [c.key for c in named_alternatives(intake)] == ["tuberculosis"]

    def test_a_denied_condition_is_not_the_diagnosis(self) -> None:
        """'bruised ribs, the X-ray showed no broken ribs' is a chest-wall injury, not a broken rib."""
        text = "A&E said bruised ribs after I slipped, the xray showed no broken ribs"
        assert main_condition(text) == condition("chest_wall_injury")
        assert main_condition("pneumonia, a clot was ruled out") == condition("pneumonia")

    def test_named_effusion_not_recast_as_pneumonia(self) -> None:
        """'fluid on the lung from a chest infection' is a pleural effusion."""
        assert main_condition("fluid on the lung from a chest infection") == condition("pleural_effusion")

    def test_covid_follow_up_is_not_a_swab(self) -> None:
        """A follow-up after COVID-19 is a clinical review, lung function and imaging, not a PCR test."""
        for key in ("covid19", "long_covid"):
            check = condition(key).check_after
            assert "PCR" not in check and "12 weeks" in check and "lung function" in check


class TestTopics:
    """Treatments, tests and actions a question names."""

    @pytest.mark.parametrize(
        ("text", "keys"),
        [
            ("do I need a water tablet instead", ["diuretic"]),
            ("do I really need the steroids", ["steroid"]),
            ("is the antibiotic any use", ["antibiotic"]),
            ("should he have a swallow assessment", ["swallow"]),
            ("should I go to A&E tonight", ["urgent"]),
            ("is it safe to go back to the gym", ["gym"]),
        ],
    )
    def test_topic_is_named(self, text: str, keys: list[str]) -> None:
        """Each phrase names its topic."""
        assert [t.key for t in topics_in(text)] == keys

    def test_relative_at_risk(self) -> None:
        """A question about a relative's risk names the relative; one about the patient's care does not."""
        assert relative_at_risk("Is my son at risk and does he need a test?") == "son"
        # both relatives asked about (a read draft answered for the wife and left out the 2-year-old)
        assert relative_at_risk("Do my wife and my 2 year old son need test?") == "wife and son"
        assert relative_at_risk("Are my children in danger?") == "children"
        assert relative_at_risk("I am writing for my dad, who lives in a care home.") == ""


class TestWordsThatNameNoAlternative:
    """Words in a patient's story that refer back to the diagnosis, to the past, or to something else."""

    @pytest.mark.parametrize(
        "text",
        [
            "Could this be a blood clot on the lung, or scarring from covid?",
            "I also worry the virus has scarred my lungs.",
            "has covid left scarring in my lungs",
        ],
    )
    def test_scarring_after_an_infection_is_fibrosis(self, text: str) -> None:
        """Scarring left by COVID-19 or a virus is lasting lung scarring."""
        assert "pulmonary_fibrosis" in [c.key for c in conditions_in(text)]

    @pytest.mark.parametrize(
        "text",
        [
            "Since then Im breathless going up stairs, my heart races, and Im exhausted.",
            "heart racing when I stand",
            "Im on apixaban for my heart rhythm and have a big bruise.",
        ],
    )
    def test_a_racing_heart_or_its_rhythm_is_not_a_heart_attack(self, text: str) -> None:
        """Palpitations and a rhythm medicine are not a vague mention of a heart problem."""
        assert "heart_attack" not in [c.key for c in conditions_in(text)]

    def test_the_virus_of_a_viral_diagnosis_is_no_alternative(self) -> None:
        """With long COVID or acute bronchitis, 'the virus' / 'its viral' is the diagnosis itself."""
        covid = IntakeRecord(
            diagnosis_in_question="long covid",
            reason_for_second_opinion="I also worry the virus has scarred my lungs.",
            main_question="Could this be a blood clot on the lung?",
        )
        bronchitis = IntakeRecord(
            diagnosis_in_question="acute bronchitis",
            reason_for_second_opinion="GP said its bronchitis, its viral and will go on its own.",
            main_question="Should I be on antibiotics after 4 weeks?",
        )
        assert [c.key for c in named_alternatives(covid)] == ["pulmonary_embolism", "pulmonary_fibrosis"]
        # "its viral" names no viral infection; the antibiotics question after a viral diagnosis asks
        # whether a bacterial pneumonia is there as well.
        assert [c.key for c in named_alternatives(bronchitis)] == ["pneumonia"]
        asked = IntakeRecord(diagnosis_in_question="pneumonia", main_question="Is this a virus instead?")
        assert [c.key for c in named_alternatives(asked)] == ["viral_infection"]

    def test_my_heart_when_the_diagnosis_is_the_heart(self) -> None:
        """'probably my heart' repeats a diagnosis already about the heart: no heart attack question."""
        intake = IntakeRecord(
            diagnosis_in_question="fluid on the lung, maybe from the heart",
            reason_for_second_opinion="The doctor said its probably my heart as I have AF.",
            symptoms=[],
            main_question="Could this be lung cancer or mesothelioma from the asbestos?",
        )
        assert [c.key for c in named_alternatives(intake)] == ["lung_cancer", "mesothelioma"]

    def test_asbestos_is_not_asbestosis(self) -> None:
        """A real word a term extends is not corrected into it ('asbestos' stays asbestos)."""
        assert [c.key for c in conditions_in("mesothelioma from the asbestos", fuzzy=True)] == [
            "mesothelioma"
        ]
        assert [c.key for c in conditions_in("do I have asbestosis", fuzzy=True)] == ["asbestosis"]
        assert "asthma" not in [c.key for c in conditions_in("up all night weeing", fuzzy=True)]

    def test_pe_at_school_is_physical_education(self) -> None:
        """'swimming club and PE' is a school lesson; 'could it be a PE' is a clot."""
        assert conditions_in("should he still do swimming club and PE?") == []
        assert [c.key for c in conditions_in("could it be a PE?")] == ["pulmonary_embolism"]

    def test_granulomas_on_a_biopsy_are_not_an_old_scar(self) -> None:
        """Granulomas a biopsy found (sarcoidosis, TB) are not a healed scar; an old granuloma is."""
        assert "old_scar" not in [c.key for c in conditions_in("the biopsy showed granulomas")]
        assert "old_scar" in [c.key for c in conditions_in("likely an old granuloma")]

    @pytest.mark.parametrize(
        ("text", "kept"),
        [
            (
                "Is this lung cancer or could it be an old scar from my pneumonia?",
                ["lung_cancer", "old_scar"],
            ),
            ("I had a bad pneumonia 5 years back and wonder if its just left a mark.", []),
            ("I had whooping cough and a bad pneumonia as a child.", []),
            ("wet rattly cough, chest infections needing antibiotics", []),
            ("Is this pneumonia or a virus like they said?", ["pneumonia", "viral_infection"]),
        ],
    )
    def test_a_past_episode_is_history(self, text: str, kept: list[str]) -> None:
        """A condition named as a past episode is not an alternative now; one asked about is."""
        assert [c.key for c in conditions_in(text, history=False)] == kept


class TestSymptomWords:
    """Symptoms named in the patient's own words."""

    def test_a_collapsed_lung_is_not_fainting(self) -> None:
        """'a collapsed lung like his mate' names no collapse of the patient; 'he collapsed' does."""
        from assistant.drafting.questions import symptom_names

        assert "fainting" not in symptom_names("could it be a collapsed lung like his mate")
        assert "fainting" in symptom_names("he collapsed at school")

    @pytest.mark.parametrize(
        "text",
        [
            "sore spot left side of chest, worse pressing on it",
            "pain left side of ribs",
            "dull ache right side of chest",
        ],
    )
    def test_one_sided_chest_pain_in_lay_words(self, text: str) -> None:
        """Pain, soreness or an ache on one side of the chest or ribs is chest pain."""
        from assistant.drafting.questions import symptom_names

        assert "chest pain" in symptom_names(text)
