"""The medicines a patient lists, acknowledged in the answer on treatment in general terms."""

from __future__ import annotations

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.medicines import listed_medicine, medicine_sentences
from assistant.drafting.schemas import ImagingFindings, SectionKey
from assistant.intake import IntakeRecord


class TestListedMedicine:
    """A listed medicine is named as the patient wrote its name; a bracketed note is kept apart."""

    @pytest.mark.parametrize(
        ("listed", "name", "note", "group"),
        [
            ("paracetamol (Calpol)", "paracetamol (Calpol)", "", "paracetamol"),
            ("codeine linctus (bought)", "codeine linctus", "bought", "opioid"),
            ("amoxicillin (finished)", "amoxicillin", "finished", "antibiotic"),
            ("beclometasone inhaler (Clenil)", "beclometasone inhaler (Clenil)", "", "preventer"),
            ("Microgynon (combined pill)", "Microgynon (combined pill)", "", "combined_pill"),
            ("co-codamol 30/500", "co-codamol 30/500", "", "opioid"),
            ("ibuprofen when needed", "ibuprofen", "when needed", "nsaid"),
            ("Lemsip", "Lemsip", "", "cold_remedy"),
            ("cetirizine", "cetirizine", "", "antihistamine"),
            # whether it is still taken, written after the name, is a note too
            ("clopidogrel stopped 2016", "clopidogrel", "stopped 2016", "antiplatelet"),
            ("amoxicillin finished last week", "amoxicillin", "finished last week", "antibiotic"),
            ("colchicine 500mcg twice daily (new)", "colchicine 500mcg", "new; twice daily", "colchicine"),
        ],
    )
    def test_name_note_and_group(self, listed: str, name: str, note: str, group: str) -> None:
        """A brand in brackets is part of the name the patient knows; "(bought)" is a note."""
        med = listed_medicine(listed)
        assert (med.name, med.note, med.group.key if med.group else "") == (name, note, group)

    def test_a_note_is_said_in_plain_words(self) -> None:
        """A finished course or a medicine taken when needed is said so, after the name."""
        text = " ".join(
            medicine_sentences(["amoxicillin (finished)", "calpol when needed"], ["pneumonia"], "pneumonia")
        )
        assert "amoxicillin (course finished) is an antibiotic" in text
        assert "calpol (taken when needed) is a painkiller" in text

    def test_a_stopped_or_new_medicine_is_said_so(self) -> None:
        """ "clopidogrel stopped 2016" was described as if taken now; "(new)" stayed in the name."""
        text = " ".join(
            medicine_sentences(
                ["clopidogrel stopped 2016", "lansoprazole 30mg (new)"], ["pericarditis"], "pericarditis"
            )
        )
        assert "clopidogrel (stopped)" in text
        assert "lansoprazole 30mg (newly started)" in text

    def test_an_unknown_medicine_is_named_and_left_to_the_prescriber(self) -> None:
        """A medicine the table does not know is still named, not guessed at."""
        text = " ".join(medicine_sentences(["zolbetuximab"], ["pneumonia"], "pneumonia"))
        assert "does not cover zolbetuximab" in text and "prescriber or a pharmacist" in text


class TestMedicineSentences:
    """What each listed medicine is for, whether it treats the diagnosis, and who decides."""

    def test_symptom_relief_does_not_treat_the_infection(self) -> None:
        """Calpol and ibuprofen for a viral chest infection ease symptoms, not the infection."""
        text = " ".join(
            medicine_sentences(
                ["paracetamol (Calpol)", "ibuprofen"], ["viral_infection"], "a viral chest infection"
            )
        )
        assert "paracetamol (Calpol) is a painkiller that also brings down a temperature" in text
        assert "ibuprofen is an anti-inflammatory painkiller" in text
        assert "do not treat a viral chest infection itself" in text
        assert "for the prescriber to advise" in text

    def test_a_bought_medicine_names_the_pharmacist(self) -> None:
        """Medicines bought without a prescription are for a pharmacist to advise on, too."""
        text = " ".join(
            medicine_sentences(["codeine linctus (bought)", "Lemsip"], ["bronchitis"], "acute bronchitis")
        )
        assert (
            "codeine linctus (bought without a prescription) is an opioid (morphine- or codeine-type)" in text
        )
        assert "(bought)" not in text
        assert "Lemsip is a cold and flu remedy, which usually contains paracetamol" in text
        assert "a pharmacist for medicines bought without a prescription" in text

    def test_the_treatment_is_told_from_the_other_medicines(self) -> None:
        """Inhalers and a steroid are named as COPD treatment; the diabetes tablet is not."""
        text = " ".join(
            medicine_sentences(["Trelegy Ellipta", "prednisolone 30mg", "gliclazide"], ["copd"], "COPD")
        )
        assert "Trelegy Ellipta and prednisolone 30mg are the kind of medicine used for COPD" in text
        assert "gliclazide is for diabetes" in text

    def test_every_listed_medicine_is_in_the_treatment_answer(self) -> None:
        """Asked about the steroid, the answer still acknowledges the naproxen and cetirizine listed."""
        intake = IntakeRecord(
            diagnosis_in_question="sarcoidosis",
            medications=["naproxen", "cetirizine"],
            main_question="Do I really need prednisolone and for how long?",
            age=46,
        )
        draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        treat = next(q for q in draft.sub_questions if q.kind == "treatment")
        text = " ".join(
            s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == treat.id
        )
        assert "naproxen is an anti-inflammatory painkiller" in text
        assert "cetirizine is an antihistamine" in text
        assert "Naproxen eases symptoms but does not treat sarcoidosis itself" in text


def test_an_anti_inflammatory_is_the_treatment_for_pericarditis_not_only_a_painkiller() -> None:
    intake = IntakeRecord(
        diagnosis_in_question="acute pericarditis",
        main_question="Is the ibuprofen the right treatment, and for how long?",
        medications=["ibuprofen 600 mg three times a day", "omeprazole 20 mg"],
        age=34,
        sex="male",
    )
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    said = " ".join(s.text for s in draft.section(SectionKey.ANSWERS).sentences)
    assert "does not treat pericarditis" not in said
    assert "ibuprofen 600 mg is the kind of medicine used for pericarditis" in said
    assert "paracetamol is usually the first choice" not in said


@pytest.mark.parametrize(
    ("meds", "keys", "background", "reason"),
    [
        (["ibuprofen now and then", "furosemide 40 mg"], ["heart_failure"], [], "With heart failure,"),
        (
            ["warfarin", "ibuprofen"],
            ["rib_fracture"],
            ["kidney_disease"],
            "With kidney disease and a blood thinner,",
        ),
        (["naproxen", "apixaban"], ["pulmonary_embolism"], [], "With a blood thinner,"),
    ],
)
def test_an_anti_inflammatory_beside_a_weak_heart_kidneys_or_a_blood_thinner_is_cautioned(
    meds: list[str], keys: list[str], background: list[str], reason: str
) -> None:
    text = " ".join(medicine_sentences(meds, keys, "the diagnosis", background))
    assert reason in text and "paracetamol is usually the safer choice" in text


def test_no_caution_without_a_reason() -> None:
    text = " ".join(
        medicine_sentences(["ibuprofen", "salbutamol inhaler"], ["costochondritis"], "chest-wall pain")
    )
    assert "usually avoided" not in text


@pytest.mark.parametrize(
    ("listed", "verb"),
    [
        ("amoxicillin then clarithromycin", "are each an antibiotic"),
        # two kinds in one entry are said part by part: "paracetamol is a painkiller ...; ibuprofen is an
        # anti-inflammatory painkiller"
        ("calpol and nurofen", "calpol is a painkiller"),
        ("paracetamol + ibuprofen", "ibuprofen is an anti-inflammatory painkiller"),
        ("paracetamol 1g up to 4 times a day", "is a painkiller"),
    ],
)
def test_an_entry_naming_two_medicines_takes_a_plural(listed: str, verb: str) -> None:
    """'calpol and nurofen is a painkiller' read badly in a parent's draft."""
    first = medicine_sentences([listed], ["pneumonia"], "pneumonia")[0]
    assert verb in first


def test_a_medicine_asked_about_but_not_listed_is_whether_one_is_needed() -> None:
    """ "Does she need antibiotics?" for a baby on none: not "the antibiotic", and no advice on a course."""
    from assistant.drafting.questions import parse_sub_questions

    asked = IntakeRecord(
        diagnosis_in_question="bronchiolitis",
        age=0,
        main_question="Does she need antibiotics?",
        medications=["calpol"],
    )
    summaries = [q.summary for q in parse_sub_questions(asked, has_images=False)]
    assert "whether the patient needs an antibiotic" in summaries
    answers = [
        s.text
        for s in compose_draft(asked, ImagingFindings(), [], MockLLM(responses=[""]))
        .section(SectionKey.ANSWERS)
        .sentences
    ]
    note = next(t for t in answers if t.startswith("On an antibiotic:"))
    assert "stopped early" not in note and "whether one is needed" in note
    # no current treatment to judge or to stay on
    assert any(t.startswith("This opinion cannot prescribe") for t in answers)
    assert not any("while on treatment" in t for t in answers)

    on_one = asked.model_copy(update={"medications": ["amoxicillin (day 2)"]})
    summaries = [q.summary for q in parse_sub_questions(on_one, has_images=False)]
    assert "whether the patient needs the antibiotic, and whether it is the right treatment" in summaries


@pytest.mark.parametrize(
    ("listed", "what"),
    [
        ("vape (nicotine, about a pod a day)", "a nicotine product"),
        ("pyridoxine (vitamin B6)", "given with the TB medicine isoniazid"),
        ("Adcal-D3 calcium and vitamin D", "a vitamin or supplement"),
        ("rivastigmine patch", "a dementia medicine"),
        ("colchicine 500mcg twice daily (new)", "used for pericarditis"),
    ],
)
def test_more_listed_things_are_named_for_what_they_are(listed: str, what: str) -> None:
    """A vape was 'not covered' as if a medicine, pyridoxine 'a supplement or drink'."""
    first = medicine_sentences([listed], ["pneumonia"], "pneumonia")[0]
    assert what in first and "does not cover" not in first


def test_a_steroid_inhaler_is_an_inhaler_and_a_childs_growth_is_answered() -> None:
    """An 8-year-old's mother asked whether the steroid inhaler (Clenil) is safe for growth: read drafts
    answered about prednisolone tablets and diabetes, and not about growth."""
    from assistant.drafting.questions import treatment_subjects

    child = IntakeRecord(
        diagnosis_in_question="asthma",
        main_question="Is the steroid inhaler safe for her growth? I don't want her on steroids every day.",
        medications=["brown inhaler clenil 100 two puffs twice a day", "hydrocortisone cream for eczema"],
        age=8,
    )
    assert treatment_subjects(child) == ["steroid_inhaler"]
    answers = " ".join(
        s.text
        for s in compose_draft(child, ImagingFindings(), [], MockLLM(responses=[""]))
        .section(SectionKey.ANSWERS)
        .sentences
    )
    assert "about a centimetre" in answers and "prednisolone" not in answers
    adult = child.model_copy(update={"medications": ["prednisolone 30mg for 5 days", "clenil"], "age": 50})
    assert "steroid" in treatment_subjects(adult)


def test_a_blood_thinner_question_on_clopidogrel_is_about_an_antiplatelet() -> None:
    """A man with two stents on clopidogrel asked whether to stop his blood thinner before a biopsy; the
    draft answered about apixaban and 'a day or two'."""
    from assistant.drafting.questions import treatment_subjects

    stented = IntakeRecord(
        diagnosis_in_question="lung mass",
        main_question="Do I have to stop my blood thinner before the biopsy?",
        medications=["clopidogrel 75mg", "atorvastatin 80mg"],
        age=70,
    )
    assert treatment_subjects(stented) == ["antiplatelet"]
    answers = " ".join(
        s.text
        for s in compose_draft(stented, ImagingFindings(), [], MockLLM(responses=[""]))
        .section(SectionKey.ANSWERS)
        .sentences
    )
    assert (
        "five to seven days" in answers
        and "with the cardiologist" in answers
        and "apixaban prevent" not in answers
    )
    on_both = stented.model_copy(update={"medications": ["clopidogrel 75mg", "apixaban 5mg"]})
    assert treatment_subjects(on_both) == ["anticoagulant"]


def test_an_antibiotic_is_not_the_medicine_for_a_viral_illness() -> None:
    """Doxycycline was called 'the kind of medicine used for COVID-19' for a COVID pneumonia."""
    intake = IntakeRecord(
        diagnosis_in_question="covid pneumonia",
        main_question="Is the antibiotic right?",
        medications=["doxycycline 100mg"],
        age=29,
    )
    answers = " ".join(
        s.text
        for s in compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        .section(SectionKey.ANSWERS)
        .sentences
    )
    assert "is the kind of medicine used for" not in answers
    assert "doxycycline 100mg is an antibiotic" in answers


def test_each_medicine_is_said_for_the_part_of_the_diagnosis_it_treats() -> None:
    """ "recent course of amoxicillin is the kind of medicine used for a hiatus hernia, acid reflux
    and aspiration": the antibiotic is for the aspiration, the acid medicine for the reflux."""
    text = medicine_sentences(
        ["omeprazole 20mg", "recent course of amoxicillin", "ramipril 5mg"],
        ["hiatus_hernia", "reflux", "aspiration"],
        "a hiatus hernia, acid reflux and aspiration",
    )[1]
    assert "omeprazole 20mg is the kind of medicine used for acid reflux" in text
    assert "amoxicillin is the kind of medicine used for aspiration" in text
    assert "amoxicillin is the kind of medicine used for a hiatus hernia" not in text


def test_an_ace_inhibitor_is_named_with_its_cough() -> None:
    """A 60-year-old on ramipril asked whether his cough was really from reflux; the draft never
    said that ramipril's kind of medicine can cause a dry cough."""
    dry = " ".join(medicine_sentences(["ramipril 5mg"], ["reflux"], "acid reflux", symptoms=["a dry cough"]))
    assert "ramipril 5mg is an ACE inhibitor" in dry and "Ramipril can cause a dry, tickly cough" in dry
    amlodipine = " ".join(
        medicine_sentences(["amlodipine 5mg"], ["reflux"], "acid reflux", symptoms=["a cough"])
    )
    assert "dry, tickly cough" not in amlodipine


def test_the_ace_inhibitor_cough_is_not_offered_for_a_wet_cough_and_ramipril_treats_heart_failure() -> None:
    """Read drafts gave the ACE-inhibitor cough to men coughing green phlegm with pneumonia, and filed
    ramipril among medicines "for other conditions" beside heart failure, where it is a main treatment."""
    wet = " ".join(
        medicine_sentences(["ramipril 5mg"], ["pneumonia"], "pneumonia", symptoms=["a cough with phlegm"])
    )
    assert "tickly" not in wet
    heart = " ".join(
        medicine_sentences(["ramipril 2.5mg", "furosemide 40mg"], ["heart_failure"], "heart failure")
    )
    assert "ramipril 2.5mg and furosemide 40mg are the kind of medicine used for heart failure" in heart
    # asked about outright, it is said with no cough reported
    asked = " ".join(
        medicine_sentences(["lisinopril 10mg"], ["asthma"], "asthma", possible=["ace_inhibitor_cough"])
    )
    assert "Lisinopril can cause a dry, tickly cough" in asked


def test_propranolol_is_named_as_a_beta_blocker_that_can_bring_on_wheeze() -> None:
    """A woman told COPD, whose wheeze had worsened since propranolol was started for migraine, was told
    only that it "slows the heart, for blood pressure, angina or an irregular heartbeat"."""
    text = medicine_sentences(["propranolol 40mg twice a day (for migraines)"], ["copd"], "COPD")[0]
    assert "non-selective beta-blocker" in text and "worsen wheeze" in text
    assert (
        "worsen wheeze" not in medicine_sentences(["bisoprolol 2.5mg"], ["heart_failure"], "heart failure")[0]
    )


def test_the_triple_whammy_and_aspirin_are_named_with_an_anti_inflammatory() -> None:
    """Naproxen beside lisinopril and furosemide at 78, and ibuprofen beside aspirin after a stent,
    were passed over with a general caution."""
    text = " ".join(
        medicine_sentences(
            ["naproxen 500mg", "lisinopril 10mg", "furosemide 40mg"], ["pneumonia"], "pneumonia"
        )
    )
    assert "well-known cause of sudden kidney injury" in text
    text = " ".join(medicine_sentences(["ibuprofen 400mg", "aspirin 75mg"], ["rib_fracture"], "a broken rib"))
    assert "weaken the protective effect of low-dose aspirin" in text
    stopped = " ".join(
        medicine_sentences(["ibuprofen 400mg", "clopidogrel stopped 2016"], ["rib_fracture"], "a rib")
    )
    assert "are usually avoided" not in stopped  # a stopped antiplatelet is no reason for a caution


def test_steroid_tablets_with_diabetes_mention_the_blood_sugar() -> None:
    """Sugars of 18 to 20 on prednisolone with metformin went unmentioned."""
    text = " ".join(medicine_sentences(["prednisolone 30mg", "metformin 500mg"], ["copd"], "a COPD flare-up"))
    assert "raise the blood sugar" in text
    assert "raise the blood sugar" not in " ".join(
        medicine_sentences(["prednisolone 30mg"], ["copd"], "COPD")
    )


def test_rifampicin_lowers_the_level_of_a_sulfonylurea_and_the_pill_for_tb() -> None:
    said = " ".join(
        medicine_sentences(["metformin 1000 mg", "gliclazide MR 60 mg", "Microgynon"], ["tuberculosis"], "TB")
    )
    assert "Rifampicin, one of the usual TB medicines, lowers the level of many other medicines" in said
    assert "gliclazide MR 60 mg and Microgynon among them" in said
    assert "the pill is no longer reliable contraception" in said
    assert "metformin 1000 mg and gliclazide" not in said.split("Rifampicin")[1]


def test_no_rifampicin_caution_without_tb_or_without_an_affected_medicine() -> None:
    assert "Rifampicin" not in " ".join(medicine_sentences(["gliclazide 80 mg"], ["pneumonia"], "pneumonia"))
    assert "Rifampicin" not in " ".join(medicine_sentences(["metformin 500 mg"], ["tuberculosis"], "TB"))


@pytest.mark.parametrize(
    ("listed", "group"),
    [
        ("Lasix 40 mg morning", "diuretic"),
        ("Telma 40 (telmisartan)", "blood_pressure"),
        ("Ecosprin 75", "antiplatelet"),
        ("Atorva 10", "statin"),
        ("Glycomet 500 twice daily (metformin)", "diabetes"),
        ("beer 3-4 cans on weekend", "alcohol"),
        ("ferrous fumarate 210mg twice a day", "iron"),
        ("quetiapine 25 mg at night", "antipsychotic"),
        ("lorazepam 1 mg at night", "sedative"),
    ],
)
def test_brands_and_everyday_entries_read_drafts_left_uncovered_are_named(listed: str, group: str) -> None:
    medicine = listed_medicine(listed)
    assert medicine.group is not None and medicine.group.key == group
    said = " ".join(medicine_sentences([listed], ["pneumonia"], "pneumonia"))
    assert "does not cover" not in said


def test_iron_is_the_kind_of_medicine_used_for_anaemia() -> None:
    said = " ".join(medicine_sentences(["ferrous fumarate 210mg"], ["anaemia"], "anaemia"))
    assert "ferrous fumarate 210mg is the kind of medicine used for anaemia" in said


def test_aspirin_beside_coughing_blood_is_for_the_doctor_to_hear_of_now() -> None:
    meds = ["aspirin 75mg (bought without a prescription)", "amlodipine 5 mg"]
    said = " ".join(medicine_sentences(meds, ["lung_cancer"], "lung cancer", [], ["coughing blood"]))
    assert "With blood in the phlegm, aspirin 75mg should be mentioned to the treating doctor" in said
    assert "one started without a prescription is usually stopped" in said
    assert "With blood in the phlegm" not in " ".join(
        medicine_sentences(meds, ["lung_cancer"], "lung cancer")
    )


def test_rifampicin_and_warfarin_mean_the_inr_is_checked_often() -> None:
    said = " ".join(medicine_sentences(["warfarin 3 mg"], ["tuberculosis"], "TB"))
    assert "the INR is checked often, since the warfarin dose usually needs raising" in said


def test_pioglitazone_is_raised_while_heart_failure_is_a_possibility_not_otherwise() -> None:
    meds = ["pioglitazone 30 mg (since May)", "metformin 500 mg"]
    said = " ".join(medicine_sentences(meds, ["pneumonia"], "pneumonia", possible=["heart_failure"]))
    assert (
        "Pioglitazone 30 mg (since May) can make the body hold fluid and is usually not used with heart"
        in said
    )
    assert "hold fluid" not in " ".join(medicine_sentences(meds, ["pneumonia"], "pneumonia"))


def test_an_anti_inflammatory_is_cautioned_when_heart_failure_is_only_possible() -> None:
    """Naproxen in a 78-year-old whose "pneumonias" were probably heart failure was named as a painkiller."""
    from assistant.drafting.medicines import listed_medicine, nsaid_caution

    meds = [listed_medicine("naproxen 220 mg twice daily (over the counter)")]
    said = nsaid_caution(meds, ["pneumonia"], ["heart_failure"])
    assert said.startswith("With heart failure among the possibilities, anti-inflammatory painkillers")
    assert nsaid_caution(meds, ["pneumonia"]) == ""
