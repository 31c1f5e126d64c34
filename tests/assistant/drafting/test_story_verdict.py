"""The answer on the diagnosis weighs the first diagnosis on the story itself.

Real tables (conditions, risk factors) and the composer; only the language model is the mock.
"""

from __future__ import annotations

from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition
from assistant.drafting.llm import MockLLM
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.drafting.story import story_verdict
from assistant.intake import IntakeRecord, Symptom

_TB = IntakeRecord(
    diagnosis_in_question="probably TB again (smear negative)",
    main_question="If smear is negative, is it really TB or just the old scar?",
    reason_for_second_opinion=(
        "I write for my father, 69. He had TB as a teenager in China. The family doctor sent 3 sputum "
        "tests, all the smears were negative and one GeneXpert was negative too."
    ),
    symptoms=[
        Symptom(description="cough, worse than usual", duration="2 months"),
        Symptom(description="blood streaks in morning sputum", duration="3 weeks"),
        Symptom(description="night sweats", duration="1 month"),
        Symptom(description="weight loss 5 kg", duration="2 months"),
    ],
    history="Pulmonary TB as a teenager, treated. Type 2 diabetes.",
    age=69,
    sex="male",
)


def test_a_story_that_fits_says_which_symptoms_fit_and_that_tests_confirm_it() -> None:
    said = " ".join(story_verdict(_TB, condition("tuberculosis")))
    assert "On the story as told, coughing blood, night sweats and weight loss fit tuberculosis (TB)." in said
    assert "Taken together, the story fits tuberculosis (TB) well" in said
    assert "not the story, are what confirm it" in said


def test_negative_smears_are_weighed_with_their_caveat_not_as_an_exclusion() -> None:
    said = " ".join(story_verdict(_TB, condition("tuberculosis")))
    assert "negative sputum smears or a negative molecular test for TB" in said
    assert "miss about half of lung TB" in said


def test_the_family_doctor_is_not_a_relative_whose_results_are_someone_elses() -> None:
    assert "negative_tb_smear" in {f.factor.key for f in found_factors(_TB)}
    other = _TB.model_copy(
        update={
            "main_question": "Is it really TB?",
            "reason_for_second_opinion": "I live with my uncle and his TB smears were negative.",
        }
    )
    assert "negative_tb_smear" not in {f.factor.key for f in found_factors(other)}


def test_blood_streaks_in_sputum_are_coughing_blood() -> None:
    draft = compose_draft(_TB, ImagingFindings(), [], MockLLM(responses=[""]))
    summary = draft.section(SectionKey.SUMMARY).text
    assert "coughing blood and phlegm for about 3 weeks" in summary


def test_symptoms_none_of_which_fit_send_the_diagnosis_back_for_a_second_look() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="asthma",
        main_question="Is it really asthma?",
        symptoms=[
            Symptom(description="calf pain and swelling", duration="4 days"),
            Symptom(description="fainting", duration="once"),
        ],
        age=40,
        sex="female",
    )
    said = " ".join(story_verdict(intake, condition("asthma")))
    assert "None of the symptoms reported is among those typical of asthma" in said
    assert "Taken together" not in said


def test_no_lean_either_way_from_a_thin_story() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        main_question="Is it really pneumonia?",
        symptoms=[Symptom(description="cough", duration="5 days")],
        age=40,
        sex="female",
    )
    # "a cough fits pneumonia" endorses nothing: a thin story is not weighed aloud
    assert story_verdict(intake, condition("pneumonia")) == []
    telling = intake.model_copy(
        update={"symptoms": [Symptom(description="cough"), Symptom(description="crackles on one side")]}
    )
    said = " ".join(story_verdict(telling, condition("pneumonia")))
    assert "Taken together" not in said


def test_an_incidental_finding_without_symptoms_is_not_sent_back_for_the_symptoms_it_lacks() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="a small lung nodule found by chance",
        main_question="Is it cancer?",
        symptoms=[
            Symptom(description="back ache", duration="a month"),
            Symptom(description="heartburn", duration="years"),
        ],
        age=60,
        sex="male",
    )
    said = " ".join(story_verdict(intake, condition("nodule")))
    assert "None of the symptoms" not in said


def test_years_over_an_open_wood_fire_raise_copd_and_never_smoking_no_longer_argues_against_it() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="COPD",
        main_question="How can she have COPD if she never smoked?",
        history="Never smoker. Cooked on open wood fire indoors for about 40 years.",
        age=76,
        sex="female",
    )
    said = " ".join(story_verdict(intake, condition("copd")))
    assert (
        "what makes COPD or emphysema more likely: years of smoke from cooking or heating fires indoors"
        in said
    )
    assert "never having smoked" not in said
    # never smoking still argues against a lung cancer
    from assistant.drafting.risk_factors import history_sentence

    assert "never having smoked" in history_sentence(intake, condition("lung_cancer"))
    gas = intake.model_copy(update={"history": "Never smoker. Cooks on a gas stove."})
    assert "never having smoked" in " ".join(story_verdict(gas, condition("copd")))


def test_an_alternative_leans_only_on_what_tells_it_from_the_first_diagnosis() -> None:
    from assistant.drafting.story import alternative_lean

    intake = IntakeRecord(
        diagnosis_in_question="COPD",
        main_question="Could it be bronchiectasis?",
        symptoms=[
            Symptom(description="cough with yellow phlegm every day", duration="15 years"),
            Symptom(description="breathless on hills", duration="years"),
        ],
        age=70,
        sex="female",
    )
    # a cough, phlegm and breathlessness fit COPD too: no lean
    assert alternative_lean(intake, condition("bronchiectasis"), condition("copd")) == ""
    more = intake.model_copy(
        update={"history": "Chest infections needing antibiotics 4 times every winter. Measles as a child."}
    )
    assert "gives bronchiectasis real weight" in alternative_lean(
        more, condition("bronchiectasis"), condition("copd")
    )


def test_an_alternative_nothing_in_the_story_points_to_is_called_less_likely_not_excluded() -> None:
    from assistant.drafting.story import alternative_lean

    intake = IntakeRecord(
        diagnosis_in_question="a cold",
        main_question="Could it be a blood clot?",
        symptoms=[
            Symptom(description="runny nose", duration="2 weeks"),
            Symptom(description="wheeze", duration="2 weeks"),
        ],
        age=30,
        sex="male",
    )
    lean = alternative_lean(intake, condition("pulmonary_embolism"), None)
    assert lean.startswith("Nothing in the story as told points to a blood clot in the lung")
    assert "only the tests can exclude it" in lean


class TestUrgentSignsNamedByTheStory:
    """The urgent block names what the story says, not only the triage rule's label."""

    @staticmethod
    def _signs(symptom: str, age: int) -> list[str]:
        from assistant.drafting.guardrails import assess_priority
        from assistant.drafting.story import story_signs

        intake = IntakeRecord(
            diagnosis_in_question="a chest infection", symptoms=[Symptom(description=symptom)], age=age
        )
        return story_signs(assess_priority(intake))

    def test_a_babys_pauses_in_breathing_are_named_as_such(self) -> None:
        assert self._signs("pauses in breathing after a fit, goes floppy then gasps", 0) == [
            "pauses in breathing"
        ]

    def test_a_choking_fit_is_a_choking_episode_not_severe_difficulty_breathing(self) -> None:
        assert self._signs("sudden, right after choking episode with toy", 2) == ["a choking episode"]

    def test_sepsis_keeps_its_label_with_the_symptoms_that_raised_it(self) -> None:
        signs = self._signs("fever up to 39.4; fast breathing; eating less", 3)
        assert signs == ["possible sepsis (fast breathing, fever and eating or feeding less)"]

    def test_chest_pain_from_rib_fractures_is_no_possible_heart_attack(self) -> None:
        story = "fall with dizziness first, vomited; left chest pain from rib fractures, worse breathing"
        assert self._signs(story, 80) == ["chest pain with warning signs"]
        assert self._signs("fall with dizziness beforehand, vomited; left-sided chest pain", 80) != [
            "chest pain with warning signs"
        ]


def test_a_first_diagnosis_that_fits_is_said_beside_an_alternative_the_story_also_weighs() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="asthma",
        main_question="Could he have breathed in a piece of the toy?",
        reason_for_second_opinion="He choked on a small toy part and has wheezed since. My mum has asthma.",
        symptoms=[
            Symptom(description="sudden, right after a choking episode with a toy", duration="3 weeks"),
            Symptom(description="wheeze on the right side", duration="3 weeks"),
            Symptom(description="cough, worse with running and laughing", duration="3 weeks"),
        ],
        age=2,
        sex="male",
    )
    said = " ".join(story_verdict(intake, condition("asthma"), [condition("foreign_body")]))
    assert "Taken together, the story fits asthma well" not in said
    assert "it also gives an inhaled object stuck in an airway (inhaled foreign body) real weight" in said


_HEART = IntakeRecord(
    diagnosis_in_question="COPD exacerbation (third one in 2 months)",
    main_question="Is it really his COPD again, or could it be his heart?",
    reason_for_second_opinion="My father, 77, was sent home from the ER again with prednisone.",
    symptoms=[
        Symptom(description="can't lie flat, sleeps propped up on 3 pillows", duration="3 weeks"),
        Symptom(description="woke up gasping twice this week", duration="1 week"),
        Symptom(description="swollen ankles and legs", duration="3 weeks"),
        Symptom(description="weight gain of 10 lb", duration="3 weeks"),
    ],
    history="COPD, ex-smoker. Heart attack 2015. High blood pressure.",
    age=77,
    sex="male",
)


def test_a_story_pointing_clearly_elsewhere_says_so_and_why() -> None:
    """Read drafts said only that the story gave heart failure "real weight" of a man told COPD who could
    not lie flat, woke gasping, had swollen legs and had gained weight."""
    from assistant.drafting.story import alternative_lean, outweighs

    copd, hf = condition("copd"), condition("heart_failure")
    points = outweighs(_HEART, hf, copd)
    assert "weight gain" in points and "breathlessness lying flat or at night" in points
    said = alternative_lean(_HEART, hf, copd)
    assert said.startswith(
        "Taken together, the story points more to heart failure with fluid on the lungs than to"
    )
    # fluid building up is itself a sign for a same-day look, so "today" rather than "soon"
    assert "to look at the diagnosis again today, given the signs above" in " ".join(
        story_verdict(_HEART, copd, [hf])
    )


def test_risk_factors_alone_or_common_symptoms_never_outweigh_a_diagnosis() -> None:
    from assistant.drafting.story import outweighs

    assert outweighs(_HEART, condition("heart_attack"), condition("copd")) == []
    assert outweighs(_TB, condition("lung_cancer"), condition("tuberculosis")) == []


def test_gradual_pain_without_breathlessness_gives_a_collapsed_lung_no_weight() -> None:
    """A teenager's ten days of chest-wall pain that came on gradually, hurt when pressed and never made
    him breathless was said to give a collapsed lung "real weight"."""
    from assistant.drafting.story import alternative_lean

    intake = IntakeRecord(
        diagnosis_in_question="costochondritis",
        main_question="Could it be a collapsed lung?",
        reason_for_second_opinion="My son is 16, six foot two and very skinny. It hurts when pressed.",
        symptoms=[
            Symptom(description="sharp chest pain, worse on deep breaths, tender to press", onset="gradual"),
            Symptom(description="no shortness of breath, no fainting"),
        ],
        age=16,
        sex="male",
    )
    assert {"gradual_pain", "no_breathlessness"} <= {f.factor.key for f in found_factors(intake)}
    said = alternative_lean(intake, condition("pneumothorax"), condition("costochondritis"))
    assert "real weight" not in said


def test_a_same_day_condition_gets_no_weight_from_risk_factors_alone() -> None:
    """A man with no chest pain was sent for a same-day heart check on his blood pressure and diabetes."""
    from assistant.drafting.story import story_weighs

    assert not story_weighs(_HEART, condition("heart_attack"), condition("copd"))
    assert story_weighs(_HEART, condition("heart_failure"), condition("copd"))


def test_a_normal_oxygen_level_does_not_count_against_a_clot() -> None:
    from assistant.drafting.story import outweighs

    intake = IntakeRecord(
        diagnosis_in_question="Panic attack / anxiety (postnatal)",
        main_question="Could it be a blood clot in the lung?",
        reason_for_second_opinion="I had my baby 5 weeks ago. Oxygen was 97% in the ED.",
        symptoms=[
            Symptom(description="right-sided stabbing chest pain worse on breathing in", onset="sudden"),
            Symptom(description="breathlessness on stairs", onset="sudden"),
            Symptom(description="aching swollen right calf"),
        ],
        age=34,
        sex="female",
    )
    assert "normal_oxygen" in {f.factor.key for f in found_factors(intake)}
    assert outweighs(intake, condition("pulmonary_embolism"), condition("panic_attack"))


def test_pulmonary_emboli_in_the_plural_are_a_clot_in_the_lung() -> None:
    from assistant.drafting.conditions import main_condition

    assert main_condition("bilateral pulmonary emboli (segmental and subsegmental)") == condition(
        "pulmonary_embolism"
    )


def test_a_witnessed_choke_and_a_one_sided_wheeze_point_more_to_an_inhaled_object_than_asthma() -> None:
    """Read drafts leaned to asthma in a toddler whose wheeze, louder on the right, began with a choke on
    groundnuts."""
    from assistant.drafting.story import outweighs

    intake = IntakeRecord(
        diagnosis_in_question="Asthma / reactive airway disease with chest infection",
        main_question="Is this really asthma? Can a groundnut still be inside his chest?",
        symptoms=[
            Symptom(description="choking and coughing fit while eating groundnuts"),
            Symptom(description="persistent cough and wheeze, louder on the right per father"),
        ],
        age=2,
        sex="male",
    )
    keys = {f.factor.key for f in found_factors(intake)}
    assert {"choking_episode", "one_sided_wheeze"} <= keys
    points = outweighs(intake, condition("foreign_body"), condition("asthma"))
    assert "a wheeze or whistle on one side of the chest" in points
