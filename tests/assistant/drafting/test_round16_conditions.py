"""Conditions and treatments a read draft got wrong for the patient in front of it.

Chickenpox pneumonia was answered as an ordinary pneumonia ("not usually caught from another
person") for a man whose wife was 20 weeks pregnant; a 9-week-old's reflux was given adult advice
(raise the head of the bed); a 4-year-old with a round pneumonia was told about the adult
suspected-cancer pathway; aciclovir was "not covered". Real tables; only the language model is the
mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import condition, conditions_in, main_condition
from assistant.drafting.facts import ct_sentences
from assistant.drafting.llm import MockLLM
from assistant.drafting.medicines import listed_medicine
from assistant.drafting.risk_factors import history_sentence
from assistant.drafting.schemas import CTMeasurements, ImagingFindings, NoduleCandidate
from assistant.intake import IntakeRecord, Symptom


def _text(intake: IntakeRecord) -> str:
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM())
    return " ".join(s.text for sec in draft.sections for s in sec.sentences)


def test_chickenpox_pneumonia_is_infectious_and_a_pregnant_contact_is_told_what_to_do() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="Chickenpox pneumonia (varicella pneumonia)",
        main_question=(
            "Was the aciclovir the right treatment? My wife is 20 weeks pregnant, is she or the baby at risk "
            "from me?"
        ),
        medications=["aciclovir tablets 800 mg five times a day"],
        age=34,
        sex="male",
    )
    assert main_condition(intake.diagnosis_in_question).key == "varicella_pneumonia"
    text = _text(intake)
    assert "until every spot has crusted over" in text and "midwife or GP the same day" in text
    assert "not usually caught from another person" not in text
    assert "does not cover aciclovir" not in text and "antiviral medicine" in text


def test_a_babys_reflux_gets_safe_sleep_advice_not_an_adults() -> None:
    baby = IntakeRecord(
        diagnosis_in_question="reflux",
        main_question="What treatment does she need for the reflux?",
        symptoms=[Symptom(description="bringing up milk after feeds", duration="3 weeks")],
        age=0,
        sex="female",
    )
    text = _text(baby)
    assert "raising the cot head is not advised" in text and "raising the head of the bed" not in text
    adult = baby.model_copy(update={"age": 50})
    assert "raising the head of the bed" in _text(adult)


def test_no_adult_cancer_pathway_for_a_child() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="round pneumonia",
        main_question="Could it be a tumour? How soon should the tests be done?",
        symptoms=[Symptom(description="fever and cough", duration="3 days")],
        age=4,
        sex="female",
    )
    assert "urgent suspected-cancer" not in _text(intake)


def test_an_oily_laxative_is_named_as_a_laxative() -> None:
    med = listed_medicine("liquid paraffin 1 tablespoon at night")
    assert med.group is not None and med.group.key == "laxative"


def _asked(question: str, *, diagnosis: str, age: int, story: str = "") -> set[str]:
    intake = IntakeRecord(
        diagnosis_in_question=diagnosis, main_question=question, reason_for_second_opinion=story, age=age
    )
    return {
        q.condition
        for q in questions.parse_sub_questions(intake, has_images=False)
        if q.kind == "could_it_be"
    }


def test_alternatives_read_drafts_dropped_are_asked() -> None:
    assert _asked(
        "Could this actually be catamenial pneumothorax from my endometriosis rather than ordinary "
        "spontaneous pneumothorax?",
        diagnosis="Primary spontaneous pneumothorax, second episode",
        age=36,
    ) == {"catamenial_pneumothorax"}
    assert _asked(
        "Could there be something wrong with the lung itself, like a bit that didn't form right, or "
        "something stuck?",
        diagnosis="recurrent pneumonia",
        age=6,
    ) == {"congenital_lung_malformation", "foreign_body"}
    assert _asked("Could it be PBB?", diagnosis="asthma", age=4) == {"protracted_bacterial_bronchitis"}


def test_the_heart_from_the_virus_is_myocarditis_and_names_no_viral_infection() -> None:
    asked = _asked(
        "Is it costochondritis? Or something with my heart from the virus?",
        diagnosis="costochondritis",
        age=15,
        story="I had a bad cold 2 weeks ago.",
    )
    assert asked == {"myocarditis"}
    assert "viral_infection" in _asked("Could it just be a virus?", diagnosis="pneumonia", age=40)


def test_something_stuck_in_the_throat_is_not_an_inhaled_object() -> None:
    assert "foreign_body" not in _asked(
        "Why do I feel something stuck in my throat?", diagnosis="reflux", age=50
    )


def test_a_drug_put_into_a_chest_drain_is_named_for_what_it_does() -> None:
    """ "This opinion does not cover urokinase through chest drain" left a parent's question open."""
    med = listed_medicine("urokinase through chest drain")
    assert med.group is not None and med.group.key == "fibrinolytic" and "empyema" in med.group.treats


@pytest.mark.parametrize(
    ("question", "story", "asked"),
    [
        # A journey named as the cause is a past event, not a plan asked about.
        ("Could this be a blood clot because of the long bus trip and my pill?", "", set()),
        ("Could it be a clot from the pill and the flight? Can I still do netball?", "", {"gym"}),
        ("Can I still do netball?", "My friend said the pill and flying can cause clots.", {"gym"}),
        ("Could it be from the flight? Can I still fly home next week?", "", {"travel"}),
        ("Is it safe to fly after the clot?", "", {"travel"}),
    ],
)
def test_a_journey_named_as_the_cause_is_not_a_journey_asked_about(
    question: str, story: str, asked: set[str]
) -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pulmonary embolism", main_question=question, reason_for_second_opinion=story
    )
    subs = questions.parse_sub_questions(intake, has_images=False)
    assert {s for q in subs if q.topic == "activity" for s in q.subjects} == asked


@pytest.mark.parametrize(
    ("said", "group"),
    [
        ("amiodarone 200 mg", "antiarrhythmic"),
        ("flecainide", "antiarrhythmic"),
        ("methotrexate 20 mg once weekly", "immune_suppressant"),
        ("adalimumab injections", "anti_tnf"),
    ],
)
def test_heart_rhythm_and_immune_medicines_are_named(said: str, group: str) -> None:
    """Read drafts said "this opinion does not cover amiodarone" to a woman asking whether stopping
    it was right, and gave methotrexate no words at all."""
    med = listed_medicine(said)
    assert med.group is not None and med.group.key == group


def test_blood_in_the_chest_and_a_known_weak_heart_asked_about_are_answered() -> None:
    assert "haemothorax" in _asked(
        "Could he have a collapsed lung or blood in the chest?", diagnosis="bruised ribs", age=85
    )
    assert "haemothorax" not in _asked("Why is there blood in the phlegm?", diagnosis="bronchitis", age=60)
    intake = IntakeRecord(
        diagnosis_in_question="left pleural effusion, probably malignant",
        main_question="Is it definitely cancer if the fluid test was clear? Could it be her heart instead?",
        history="Mild heart failure. Breast cancer 2011.",
        age=97,
        sex="female",
    )
    asked = {q.condition for q in questions.parse_sub_questions(intake, has_images=False)}
    assert "heart_failure" in asked


def test_a_clear_fluid_sample_does_not_rule_out_spread_cancer() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="pleural effusion",
        main_question="Is it cancer if the fluid test was clear?",
        history="Breast cancer 2011.",
        prior_imaging="1 litre drained; cytology: no cancer cells.",
        age=80,
        sex="female",
    )
    text = history_sentence(intake, condition("metastasis"))
    assert "misses about four in ten" in text and "a history of cancer" in text


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("lost half a stone on purpose", []),
        ("I lost weight dieting, and a cough", ["a cough"]),
        ("losing weight without trying", ["weight loss"]),
    ],
)
def test_weight_lost_on_purpose_is_no_symptom(text: str, names: list[str]) -> None:
    assert questions.asserted_symptom_names(text) == names


def test_his_heart_as_background_to_a_treatment_choice_is_no_alternative() -> None:
    """ "Is the radiotherapy just as good for someone his age with his heart?" asks about treatment."""
    assert not _asked(
        "Are they sure it is cancer? Is the radiotherapy just as good for someone his age with his heart?",
        diagnosis="lung cancer",
        age=78,
    ) - {"lung_cancer"}


def test_a_teenagers_age_does_not_argue_against_a_lung_tumour() -> None:
    teen = IntakeRecord(
        diagnosis_in_question="lung mass", main_question="Is it cancer?", age=17, sex="female"
    )
    assert "being a child" not in history_sentence(teen, condition("lung_cancer"))
    child = teen.model_copy(update={"age": 7})
    assert "being a young child" in history_sentence(child, condition("lung_cancer"))


def test_the_heart_pushed_aside_by_a_tension_pneumothorax_is_anatomy() -> None:
    """A passage sentence naming the heart as anatomy is about the collapsed lung only, so its citation
    to the pneumothorax note is relevant; "could it be the heart?" still asks about the heart."""
    named = conditions_in("A tension pneumothorax pushes the heart and windpipe to the other side.")
    assert [c.key for c in named] == ["pneumothorax"]
    assert conditions_in("Could it be the heart?")


def test_ct_candidates_are_not_tumours_and_the_reported_size_decides() -> None:
    """Read drafts showed "24 nodule candidates; the largest about 41 mm" beside a reported 3 cm mass
    without saying which counts or that candidates are not tumours."""
    ct = CTMeasurements(
        nodule_candidates=[NoduleCandidate(diameter_mm=41, slice_number=17), NoduleCandidate(diameter_mm=6)],
        nodule_count=24,
    )
    said = " ".join(ct_sentences(ct, reported="CT: 3 cm spiculated mass right upper lobe."))
    assert "24 nodule candidates" in said and "not a count of tumours" in said
    assert "the radiologist's report and the reviewing clinician decide" in said
    # No size in the account: nothing to reconcile; one candidate: no count to explain.
    alone = " ".join(
        ct_sentences(CTMeasurements(nodule_candidates=[NoduleCandidate(diameter_mm=9)]), "CT done")
    )
    assert "radiologist's report" not in alone and "not a count of tumours" not in alone
