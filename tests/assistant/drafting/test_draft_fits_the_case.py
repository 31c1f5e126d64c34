"""Sentences that must fit the case in front of them: nothing about images when none were uploaded,
and an alternative said to be asked about only when a question names it.

Real tables and notes; only the language model is the mock.
"""

from __future__ import annotations

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.questions import UNASKED_NEXT
from assistant.drafting.schemas import DraftContent, ImagingFindings, SectionKey
from assistant.intake import IntakeRecord, Symptom


def _draft(intake: IntakeRecord) -> DraftContent:
    return compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))


def _texts(draft: DraftContent, key: SectionKey) -> list[str]:
    return [s.text for s in draft.section(key).sentences]


INTAKE = IntakeRecord(
    diagnosis_in_question="pulled muscle in the chest",
    reason_for_second_opinion=(
        "It started a week after a cold. My mum says it is probably asthma, "
        "and my friend had a collapsed lung."
    ),
    main_question="Could it be a collapsed lung? Do I need an ECG?",
    symptoms=[Symptom(description="sharp chest pain when breathing in", duration="5 days")],
    age=15,
    sex="male",
)


def test_no_image_sentences_without_images() -> None:
    draft = _draft(INTAKE)
    questions = " ".join(_texts(draft, SectionKey.QUESTIONS))
    limits = _texts(draft, SectionKey.LIMITATIONS)
    assert "radiologist's report on the images" not in questions
    assert "No images were uploaded, so none were assessed." in limits
    assert not any("computer models" in t for t in limits)


def test_asked_and_mentioned_are_told_apart() -> None:
    leads = [t for t in _texts(_draft(INTAKE), SectionKey.ALTERNATIVES) if " is discussed because " in t]
    asked = [t for t in leads if t.endswith("it was asked about.")]
    mentioned = [t for t in leads if t.endswith("the account of the illness mentions it.")]
    assert any("collapsed lung" in t for t in asked)
    assert any(t.startswith("Asthma") for t in mentioned)  # the mother's view, not the patient's question
    assert not any("collapsed lung" in t for t in mentioned)


def test_a_topic_citation_comes_from_a_note_on_a_condition_in_play() -> None:
    """A 3-year-old who choked on popcorn: the note on bronchiolitis obliterans ("popcorn lung")
    names inhalers and treatment, but it is about a condition nobody raised."""
    from assistant.drafting.conditions import condition
    from assistant.drafting.topic_answers import _about_case
    from tests.assistant.drafting.pack_notes import pack_note

    popcorn = pack_note(1, "bronchiolitis-obliterans")
    sentence = "Breathlessness on exertion and a dry cough that build over months."
    assert not _about_case([condition("pneumonia"), condition("foreign_body")], sentence, popcorn)
    assert _about_case([condition("bronchiolitis_obliterans")], sentence, popcorn)

    child = IntakeRecord(
        diagnosis_in_question="viral pneumonia",
        reason_for_second_opinion="She choked on popcorn 12 days ago and has coughed since.",
        main_question="Does she need an inhaler, or more antibiotics?",
        medications=["amoxicillin (finished)"],
        age=3,
        sex="female",
    )
    draft = compose_draft(child, ImagingFindings(), [popcorn], MockLLM(responses=[""]))
    assert not any(1 in s.citations for sec in draft.sections for s in sec.sentences)


def test_only_alternatives_that_bear_on_an_activity_hold_it_up() -> None:
    """A TB patient asking about work: a possible cancer or HIV says nothing about when he may go back."""
    tb = IntakeRecord(
        diagnosis_in_question="TB",
        main_question="Could it be cancer or HIV? When can I go back to work?",
        age=45,
        sex="male",
    )
    answers = " ".join(_texts(_draft(tb), SectionKey.ANSWERS))
    assert "still being considered" not in answers
    chest = IntakeRecord(
        diagnosis_in_question="pulled muscle",
        main_question="Could it be a clot in my lung? Can I still fly next week?",
        age=45,
        sex="female",
    )
    answers = " ".join(_texts(_draft(chest), SectionKey.ANSWERS))
    assert "blood clot in the lung" in answers and (
        "ruled out" in answers or "still being considered" in answers
    )


def test_a_mild_alternative_whose_advice_holds_nothing_up_does_not_hold_up_nursery() -> None:
    """A viral chest infection as the alternative to a child's pneumonia: nursery waits for nothing more."""
    child = IntakeRecord(
        diagnosis_in_question="pneumonia",
        main_question="Could it be just a virus? When can she go back to nursery?",
        age=3,
        sex="female",
    )
    answers = " ".join(_texts(_draft(child), SectionKey.ANSWERS))
    assert "viral" in answers
    assert "still being considered" not in answers


def test_a_childs_pneumonia_not_improving_on_antibiotics_raises_empyema_not_a_tumour() -> None:
    """A 3-year-old still feverish on day 5 of amoxicillin, with new pain on one side, had a draft that
    never named fluid or pus around the lung and said the course made a lung tumour more likely."""
    intake = IntakeRecord(
        diagnosis_in_question="chest infection (pneumonia)",
        reason_for_second_opinion=(
            "Day 5 of amoxicillin and he is not getting better, still fevers of 39.4 in the evening, "
            "and now he says it hurts on his right side when he coughs."
        ),
        main_question="Should we wait 48 hours like the GP said?",
        symptoms=[Symptom(description="fever up to 39.4", duration="8 days")],
        age=3,
        sex="male",
    )
    draft = _draft(intake)
    alternatives = " ".join(_texts(draft, SectionKey.ALTERNATIVES))
    assert "pus around the lung (empyema) is discussed because a pneumonia that is not clearly improving" in (
        alternatives.lower()
    )
    everything = " ".join(s.text for section in draft.sections for s in section.sentences)
    assert "what makes a lung cancer" not in everything


def test_a_denied_symptom_raises_no_cancer_check() -> None:
    """ "no leg swelling, no coughing blood" in a 69-year-old's list made the draft say "coughing blood
    was reported at 40 or over"."""
    intake = IntakeRecord(
        diagnosis_in_question="pericarditis",
        main_question="Could it be a heart attack?",
        symptoms=[
            Symptom(description="sharp central chest pain, better sitting forward", duration="6 days"),
            Symptom(description="no leg swelling, no coughing blood, no sweating or vomiting"),
        ],
        history="Ex-smoker, 30 pack-years.",
        age=69,
        sex="male",
    )
    assert "coughing blood was reported" not in " ".join(_texts(_draft(intake), SectionKey.ALTERNATIVES))


def test_tb_with_a_baby_at_home_says_the_baby_is_seen_promptly() -> None:
    """A man with a TB cavity living with a 3-week-old asked whether he could have given it to her; the
    draft said only that the public-health team decides."""
    intake = IntakeRecord(
        diagnosis_in_question="probable TB of the lungs, cavity on the X-ray",
        reason_for_second_opinion="We have a new baby, 3 weeks old, at home.",
        main_question="Could I have given TB to my baby, does the family need tests?",
        age=34,
        sex="male",
    )
    answers = " ".join(_texts(_draft(intake), SectionKey.ANSWERS))
    assert "Babies and children under 5 who share a home with someone with TB" in answers
    assert "the TB service should be told now who shares the home" in answers


def test_a_clot_in_pregnancy_is_tested_for_without_the_d_dimer() -> None:
    """A woman 24 weeks pregnant with COVID, a long flight and a sore calf was told a D-dimer settles
    whether she has a clot; in pregnancy it is normally raised and is not relied on."""
    intake = IntakeRecord(
        diagnosis_in_question="covid",
        reason_for_second_opinion="I am 24 weeks pregnant and came back from Lagos 12 days ago.",
        main_question="Is it only covid or could I have a blood clot in my lung?",
        symptoms=[Symptom(description="sharp right-sided chest pain on deep breath", duration="3 days")],
        age=31,
        sex="female",
    )
    answers = " ".join(_texts(_draft(intake), SectionKey.ANSWERS))
    assert "in pregnancy and the weeks after a birth the D-dimer blood test is normally raised" in answers
    assert "the test that usually settles the question is a D-dimer" not in answers
    not_pregnant = intake.model_copy(
        update={"reason_for_second_opinion": "I came back from Lagos 12 days ago."}
    )
    assert "is a D-dimer blood test" in " ".join(_texts(_draft(not_pregnant), SectionKey.ANSWERS))


def test_an_inhaler_asked_about_in_bronchiolitis_is_not_recommended() -> None:
    """A mother asked whether to use the neighbour's inhaler for her 4-month-old with bronchiolitis."""
    intake = IntakeRecord(
        diagnosis_in_question="bronchiolitis (RSV)",
        main_question="Our neighbour says to try her inhaler, should we?",
        age=0,
        sex="female",
    )
    answers = " ".join(_texts(_draft(intake), SectionKey.ANSWERS))
    assert (
        "reliever inhalers such as salbutamol, and steroid inhalers or medicines, are not recommended"
        in answers
    )


def test_pneumonia_raised_by_an_antibiotic_question_says_so() -> None:
    """ "Pneumonia is discussed because the account of the illness mentions it" when only "more
    antibiotics?" had been asked after a post-viral cough."""
    intake = IntakeRecord(
        diagnosis_in_question="post viral cough",
        main_question="Does he need more antibiotics?",
        age=9,
        sex="male",
    )
    leads = [t for t in _texts(_draft(intake), SectionKey.ALTERNATIVES) if " is discussed because " in t]
    assert any(t.startswith("Pneumonia") and "question about antibiotics" in t for t in leads)
    assert not any(t.startswith("Pneumonia") and t.endswith("mentions it.") for t in leads)


def test_an_alternatives_treatment_sentence_is_not_quoted_as_the_diagnosis() -> None:
    """ "Antibiotics given early reduce spread", from the whooping-cough note, was quoted in the answer
    on antibiotics for a baby's bronchiolitis as if it were about her illness. The pick here takes the
    first sentence the answer accepts, so the test is about what is accepted, not about ranking."""
    from assistant.drafting import questions, topic_answers
    from assistant.drafting.answers import AnswerContext
    from assistant.drafting.schemas import CitedSource, DraftSentence
    from knowledge.sentences import split_sentences

    note = CitedSource(
        number=7,
        title="Whooping cough (pertussis)",
        text="A nose swab tested by PCR in the first weeks, or a blood or oral fluid antibody test later. "
        "Antibiotics given early reduce spread; they shorten the illness only if started early.",
    )

    def first_accepted(query: str, limit: int, accept: object) -> list[DraftSentence]:
        for sentence in split_sentences(note.text):
            if accept is None or accept(sentence, note):  # type: ignore[operator]
                return [DraftSentence(text=f"{sentence[:-1]} [7].", origin="passage", citations=[7])]
        return []

    def treatment_quotes(diagnosis: str) -> list[str]:
        intake = IntakeRecord(
            diagnosis_in_question=diagnosis,
            main_question="Could it be whooping cough? Does she need antibiotics?",
            age=0,
            sex="female",
        )
        q = next(q for q in questions.parse_sub_questions(intake, has_images=False) if q.kind == "treatment")
        ctx = AnswerContext(intake, ImagingFindings(), [note], relevance=None, pick=first_accepted)  # type: ignore[arg-type]
        return [s.text for s in topic_answers.treatment_subject_sentences(ctx, q) if s.origin == "passage"]

    assert not any("reduce spread" in t for t in treatment_quotes("bronchiolitis"))
    # for whooping cough itself the same sentence answers
    assert any("reduce spread" in t for t in treatment_quotes("whooping cough"))


def test_a_list_with_verbs_in_brackets_is_not_quoted() -> None:
    from assistant.drafting.facts import quotable

    assert not quotable(
        "Bacterial pneumonia (shorter illness, responds to ordinary antibiotics), lung cancer (can also "
        "cause cavities and weight loss), non-tuberculous mycobacteria, fungal infection and sarcoidosis."
    )


def test_a_lasting_hoarse_voice_at_45_or_over_is_sent_for_a_voice_box_check() -> None:
    """A 60-year-old ex-smoker hoarse for six months, told it was reflux, was never told it needs a check."""
    intake = IntakeRecord(
        diagnosis_in_question="reflux cough",
        main_question="Is my cough really from the reflux?",
        symptoms=[Symptom(description="hoarse voice", duration="6 months")],
        age=60,
        sex="male",
    )
    answers = " ".join(_texts(_draft(intake), SectionKey.ANSWERS))
    assert "A hoarse voice lasting three weeks or more at 45 or over" in answers
    young = intake.model_copy(update={"age": 30})
    assert "voice box" not in " ".join(_texts(_draft(young), SectionKey.ANSWERS))
    brief = intake.model_copy(update={"symptoms": [Symptom(description="hoarse voice", duration="4 days")]})
    assert "voice box" not in " ".join(_texts(_draft(brief), SectionKey.ANSWERS))


def test_sudden_pain_on_breathing_with_breathlessness_raises_a_clot() -> None:
    """A 62-year-old lorry driver with sudden sharp pain on breathing in and breathlessness, told he
    had COPD, had a draft that never considered a clot."""
    intake = IntakeRecord(
        diagnosis_in_question="COPD",
        reason_for_second_opinion="It came on suddenly, a sharp pain on the right when I breathe in, and I "
        "could not get my breath for 10 minutes; I am still more breathless than before.",
        main_question="Is it really COPD?",
        symptoms=[Symptom(description="sharp pain on breathing in, breathless", duration="6 days")],
        age=62,
        sex="male",
    )
    leads = [t for t in _texts(_draft(intake), SectionKey.ALTERNATIVES) if " is discussed because " in t]
    assert any(t.startswith("A blood clot in the lung") and "sudden chest pain" in t for t in leads)
    pneumothorax = intake.model_copy(update={"diagnosis_in_question": "collapsed lung (pneumothorax)"})
    leads = [
        t for t in _texts(_draft(pneumothorax), SectionKey.ALTERNATIVES) if " is discussed because " in t
    ]
    assert not any(t.startswith("A blood clot in the lung") for t in leads)


def test_a_diagnosis_that_is_not_catching_is_said_so_to_a_contact_question() -> None:
    """ "Can my grandchildren catch it?" of lung scarring was answered with COVID-19's contact advice."""
    intake = IntakeRecord(
        diagnosis_in_question="pulmonary fibrosis, maybe IPF",
        main_question="Is it from the covid? Can my grandchildren catch it from me?",
        age=67,
        sex="female",
    )
    answers = " ".join(_texts(_draft(intake), SectionKey.ANSWERS))
    assert "is not an infection, so it cannot be caught from the patient" in answers
    assert "On the patient's grandchildren: people who share the home can catch COVID-19" not in answers


def test_every_draft_ends_its_answers_with_when_to_seek_help_sooner() -> None:
    """Read drafts for a man coughing blood from TB and a baby with bronchiolitis gave no warning signs
    unless a question asked for them."""
    baby = IntakeRecord(
        diagnosis_in_question="bronchiolitis", main_question="Is it really bronchiolitis?", age=0
    )
    answers = _texts(_draft(baby), SectionKey.ANSWERS)
    # the last answer is what happens next (every draft has one), and its last sentence the warning signs
    heads = [t for t in answers if t.startswith("On ")]
    assert heads[-1] in ("On when to seek help sooner:", f"On {UNASKED_NEXT}:")
    assert "pauses in breathing" in answers[-1] and "less than half the usual feeds" in answers[-1]
    adult = IntakeRecord(
        diagnosis_in_question="TB", main_question="Is it really TB? What happens next?", age=40
    )
    answers = _texts(_draft(adult), SectionKey.ANSWERS)
    # said once: the next-steps answer already gives the warning signs
    assert sum("coughing up more than a few streaks of blood" in t for t in answers) == 1


def test_a_heart_asked_about_through_my_heart_is_said_to_be_asked() -> None:
    """ "Could it be my heart like my mother?" was read as pericarditis, then said to be discussed
    because "the account of the illness mentions it"; "is ibuprofen ok with my heart?" named none."""
    intake = IntakeRecord(
        diagnosis_in_question="costochondritis",
        reason_for_second_opinion="Sharp pain on the left when I take a deep breath, since 3 days.",
        main_question="Could it be my heart like my mother?",
        age=34,
        sex="female",
    )
    leads = [t for t in _texts(_draft(intake), SectionKey.ALTERNATIVES) if " is discussed because " in t]
    assert leads and not any(t.endswith("mentions it.") for t in leads)
    safety = intake.model_copy(
        update={"main_question": "Is ibuprofen ok with my heart? I have a heart stent."}
    )
    from assistant.drafting.questions import named_alternatives

    assert not [c.key for c in named_alternatives(safety) if "heart" in c.key or c.key == "pericarditis"]


def test_a_young_vaper_is_not_told_vaping_is_far_less_harmful() -> None:
    """The adult smoker's harm-reduction message was given to a 16-year-old who vapes but never smoked."""
    intake = IntakeRecord(
        diagnosis_in_question="collapsed lung (pneumothorax)",
        main_question="Is my vaping making it worse?",
        history="Vapes daily, never smoked cigarettes.",
        age=16,
        sex="male",
    )
    answers = " ".join(_texts(_draft(intake), SectionKey.ANSWERS))
    assert "far less harmful than smoking" not in answers
    assert "For a young person, vaping is not a safer habit to keep" in answers


def test_the_images_caveat_is_said_once() -> None:
    """ "No images were analysed, so this opinion cannot check X against the images" opened four answers
    in a row in a read draft."""
    intake = IntakeRecord(
        diagnosis_in_question="anxiety",
        main_question="Could it be a blood clot? Could it be my heart? Could it be asthma?",
        age=34,
        sex="female",
    )
    answers = _texts(_draft(intake), SectionKey.ANSWERS)
    caveats = [t for t in answers if t.startswith("No images were analysed")]
    assert len(caveats) == 1
