"""Drafts read end to end: each answer quotes what is about its question, in plain words.

The sources are the project's own knowledge-pack notes (``knowledge/pack``), shaped as the
retrieval step shapes them (headings dropped, paragraphs kept), so the tests exercise the
sentences real drafts quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from assistant.drafting.answers import about_imaging_models
from assistant.drafting.composer import compose_draft
from assistant.drafting.conditions import addresses, condition
from assistant.drafting.facts import pick_passage_facts, quotable
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import (
    CitedSource,
    DraftContent,
    DraftSentence,
    ImagingFindings,
    SectionKey,
    SubQuestion,
)
from assistant.drafting.stored import StoredContent
from assistant.intake import IntakeRecord, Symptom
from assistant.services.draft_view import section_views
from tests.assistant.drafting.pack_notes import pack_note

_note = pack_note


def _answers(draft: DraftContent, qid: str) -> list[DraftSentence]:
    return [s for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == qid]


class TestAddresses:
    """A quoted sentence must be about the condition it answers for."""

    @pytest.mark.parametrize(
        ("key", "sentence", "title", "expected"),
        [
            (
                "pulmonary_embolism",
                "A pulmonary embolism (PE) is a blood clot from a leg vein that travels to the lung.",
                "Pulmonary embolism (blood clot in the lung)",
                True,
            ),
            (
                "pulmonary_embolism",
                "If an antibiotic does not help, the cause may be a virus, a different diagnosis "
                "(pulmonary embolism, heart failure, tumour), a complication such as empyema.",
                "Antibiotics for chest infections: common questions",
                False,
            ),
            (
                "pneumonia",
                "Guidelines advise against routine chest X-rays: the X-ray often shows patchy collapse "
                "that can be mistaken for pneumonia.",
                "Bronchiolitis in babies and young children",
                False,
            ),
            (
                "pneumonia",
                "A tumour blocking an airway can cause a pneumonia that does not clear.",
                "Community-acquired pneumonia in adults",
                False,
            ),
            (
                "pneumonia",
                "For pneumonia treated at home, guidelines usually start with a penicillin.",
                "Antibiotics for chest infections: common questions",
                True,
            ),
            (
                "pulmonary_embolism",
                "If probability is low, a normal D-dimer blood test makes PE very unlikely.",
                "D-dimer and CT pulmonary angiography: testing for a blood clot",
                True,
            ),
        ],
    )
    def test_table(self, key: str, sentence: str, title: str, expected: bool) -> None:
        """Lists of alternatives and notes on another topic are passing mentions, not answers."""
        assert addresses(condition(key), sentence, title) is expected


class TestQuotable:
    """Notes-style lines under a heading are not quoted as if they were sentences."""

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("A lung infection caught outside hospital.", False),
            ("Contrast CT of the chest and upper abdomen: size, lymph nodes, spread.", False),
            (
                "CT-guided needle biopsy for masses near the edge of the lung; a small risk of pneumothorax.",
                False,
            ),
            (
                "A cold that turns into cough, fast or noisy breathing, wheeze and poor feeding.",
                False,
            ),
            ("Pneumonia is an infection of the lung's air spaces.", True),
            ("Guidelines choose first-line drugs that cover the likely bacteria.", True),
            ("Call emergency services for sudden severe breathlessness or coughing blood.", True),
            ("Fluid often collects beside the lung during pneumonia (a parapneumonic effusion).", True),
        ],
    )
    def test_table(self, sentence: str, expected: bool) -> None:
        """A paragraph's first sentence needs a main verb and no 'Label:' head."""
        assert quotable(sentence) is expected

    def test_fragments_never_picked(self) -> None:
        """From the lung-mass note, no bullet fragment is quoted, whatever the query."""
        note = _note(1, "how-a-lung-mass-is-diagnosed")
        picked = pick_passage_facts("contrast CT biopsy spread lymph nodes", [note], limit=1)
        assert picked and all(quotable(s.text.rsplit(" [", 1)[0] + ".") for s in picked)
        assert "size, lymph nodes, spread" not in picked[0].text


@pytest.fixture
def pe_case() -> IntakeRecord:
    """An adult told PE, on a blood thinner, asking about muscle pain and what next."""
    return IntakeRecord(
        diagnosis_in_question="pulmonary embolism",
        reason_for_second_opinion="the pain gets worse when I press on my ribs",
        symptoms=[Symptom(description="sharp pain on the right side", duration="3 days")],
        medications=["apixaban"],
        age=52,
        main_question="Could it be a pulled muscle? Is apixaban the right treatment? What happens next?",
    )


@pytest.fixture
def pe_sources() -> list[CitedSource]:
    """What retrieval returns for that case: PE, chest pain, antibiotics and costochondritis notes."""
    names = [
        "pulmonary-embolism",
        "costochondritis-musculoskeletal-chest-pain",
        "heart-attack-and-angina",
        "antibiotics-common-questions",
        "pleurisy",
    ]
    return [_note(i, n) for i, n in enumerate(names, start=1)]


class TestReadAsAClinician:
    """Fixes found by reading whole drafts."""

    def test_treatment_answer_is_about_this_diagnosis(
        self, pe_case: IntakeRecord, pe_sources: list[CitedSource]
    ) -> None:
        """A blood-thinner question is never answered with a pneumonia antibiotic sentence."""
        draft = compose_draft(pe_case, ImagingFindings(), pe_sources, MockLLM(responses=[""]))
        treatment = next(q for q in draft.sub_questions if q.kind == "treatment")
        text = " ".join(s.text for s in _answers(draft, treatment.id))
        assert "apixaban" in text
        assert not re.search(r"amoxicillin|penicillin|antibiotic", text, re.I)

    def test_alternative_answer_quotes_no_list_of_causes(
        self, pe_case: IntakeRecord, pe_sources: list[CitedSource]
    ) -> None:
        """The chest-wall answer quotes nothing that names three or more conditions."""
        draft = compose_draft(pe_case, ImagingFindings(), pe_sources, MockLLM(responses=[""]))
        from assistant.drafting.conditions import conditions_in

        for sentence in (
            draft.section(SectionKey.ANSWERS).sentences + draft.section(SectionKey.FIRST_DIAGNOSIS).sentences
        ):
            if sentence.origin == "passage":
                assert len(conditions_in(sentence.text)) <= 2, sentence.text

    def test_next_steps_for_a_clot_are_not_a_pneumonia_film(
        self, pe_case: IntakeRecord, pe_sources: list[CitedSource]
    ) -> None:
        """Follow-up of a clot is not 'a repeat image ... smoking history', nor a D-dimer as follow-up."""
        draft = compose_draft(pe_case, ImagingFindings(), pe_sources, MockLLM(responses=[""]))
        nxt = next(q for q in draft.sub_questions if q.kind == "next_steps")
        text = " ".join(s.text for s in _answers(draft, nxt.id))
        assert "smoking history" not in text and "D-dimer" not in text
        assert "review of the blood-thinning treatment" in text

    def test_next_steps_for_pneumonia_name_the_repeat_film(self) -> None:
        """For a pneumonia the follow-up question is the repeat chest X-ray, said once."""
        intake = IntakeRecord(diagnosis_in_question="pneumonia", main_question="What happens next?", age=60)
        draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        text = " ".join(s.text for s in _answers(draft, "q2"))
        assert "a repeat chest X-ray is not needed after a full recovery" in text
        assert "smokers over 50" in text and text.count("repeat chest X-ray") == 1

    def test_a_childs_follow_up_has_no_adult_smoking_advice(self) -> None:
        """A 16-year-old's pneumonia follow-up speaks of young people, not of smokers over 50."""
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia with fluid on the lung",
            main_question="What happens next, and which test tells you if the fluid is infected?",
            age=16,
        )
        draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        text = " ".join(s.text for s in draft.sections[1].sentences)
        assert "in children and young people a repeat chest X-ray is not needed" in text
        assert "smokers over 50" not in text and "smoking history" not in text

    def test_urgent_signs_in_plain_words(self) -> None:
        """The emergency answer names the sign ('possible sepsis'), never a rule id."""
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia",
            symptoms=[Symptom(description="fever and fast breathing, coughing at night", duration="4 days")],
            age=4,
            main_question="Could this be asthma?",
        )
        draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        urgent = " ".join(s.text for s in _answers(draft, "urgent"))
        assert "possible sepsis" in urgent
        assert "rule" not in urgent and "_" not in urgent and "emergency in intake" not in urgent
        assert draft.priority == "urgent"
        assert "fast breathing" in draft.section(SectionKey.SUMMARY).text

    def test_quote_never_repeats_the_patients_phrase(self) -> None:
        """A source sentence sharing seven words in a row with the patient's text is not quoted."""
        intake = IntakeRecord(
            diagnosis_in_question="costochondritis",
            symptoms=[
                Symptom(description="pain at the front of the chest when pressing", duration="2 weeks")
            ],
            age=41,
            main_question="Could it be my heart?",
        )
        sources = [
            _note(1, "costochondritis-musculoskeletal-chest-pain"),
            _note(2, "heart-attack-and-angina"),
        ]
        assert "pain at the front of the chest" in sources[0].text.lower()
        draft = compose_draft(intake, ImagingFindings(), sources, MockLLM(responses=[""]))
        quoted = [s.text.lower() for sec in draft.sections for s in sec.sentences if s.origin == "passage"]
        assert quoted and not any("pain at the front of the chest" in q for q in quoted)


class TestModelSentences:
    """What the model adds must be specific, and what no source supports is held, not hidden."""

    def test_vague_model_sentence_dropped_specific_kept(self) -> None:
        """'This is common.' names nothing of the section's focus; a pneumonia sentence does."""
        intake = IntakeRecord(diagnosis_in_question="pneumonia", age=60)
        sources = [_note(1, "community-acquired-pneumonia-adults")]
        llm = MockLLM(
            responses=[
                "It can take a while to feel better after it. Pneumonia is an infection of the lung [1]."
            ]
        )
        draft = compose_draft(intake, ImagingFindings(), sources, llm)
        section = draft.section(SectionKey.FIRST_DIAGNOSIS).sentences
        model = [re.sub(r" \[\d+\]", "", s.text) for s in section if s.origin == "llm"]
        assert model == ["Pneumonia is an infection of the lung."]
        assert any("too vague" in f.detail and "take a while" in f.detail for f in draft.flags)

    def test_held_sentence_is_shown_to_the_clinician_not_signed(self) -> None:
        """Stored and read back: the cockpit view marks the held sentence; the section text omits it."""
        intake = IntakeRecord(diagnosis_in_question="pneumonia", age=60)
        llm = MockLLM(responses=["Pneumonia always clears within two days without any treatment at all."])
        draft = compose_draft(intake, ImagingFindings(), [], llm)
        stored = StoredContent.read(draft.storage_fields()["content"])
        views = {v.key: v for v in section_views(stored)}
        held = [s for s in views["first_diagnosis"].sentences if s.held]
        assert held and held[0].supported is False and "clears within" in held[0].text
        assert all("clears within" not in t.text for t in stored.section_texts())


class _OverlapScorer:
    """A real, simple support scorer: share of the sentence's words found in the passage."""

    name = "overlap"

    def score(self, sentence: str, passage: str) -> float:
        words = set(re.findall(r"[a-z]+", sentence.lower()))
        return len(words & set(re.findall(r"[a-z]+", passage.lower()))) / max(len(words), 1)

    def score_many(self, sentence: str, passages: list[str]) -> list[float]:
        return [self.score(sentence, p) for p in passages]


def test_model_sentence_for_a_child_never_gets_an_adult_citation() -> None:
    """An uncited model sentence is attached only to a source for the patient's age group."""
    intake = IntakeRecord(diagnosis_in_question="pneumonia", age=4)
    sources = [_note(1, "community-acquired-pneumonia-adults"), _note(2, "pneumonia-chest-xray")]
    assert {s.population for s in sources} == {"adult"}
    llm = MockLLM(responses=["Pneumonia is an infection of the lung air spaces."])
    draft = compose_draft(intake, ImagingFindings(), sources, llm, scorer=_OverlapScorer())
    model = [s for sec in draft.sections for s in sec.sentences if s.origin == "llm"]
    assert model and not any(s.citations for s in model)


class TestTreatmentAnswer:
    """The treatment answer speaks of the medicines the patient asked about and lists."""

    def test_the_other_medicine_is_not_the_treatment(self) -> None:
        """Asked about the antibiotic, the answer gives it as the pneumonia's treatment and the
        Parkinson's medicine as for Parkinson's disease, never as a treatment of the pneumonia."""
        intake = IntakeRecord(
            diagnosis_in_question="pneumonia",
            symptoms=[Symptom(description="fever and a wet cough", duration="3 days")],
            medications=["co-amoxiclav", "co-careldopa"],
            main_question="Does he need a different antibiotic?",
            age=81,
        )
        draft = compose_draft(
            intake, ImagingFindings(), [_note(1, "community-acquired-pneumonia-adults")], MockLLM()
        )
        treat = next(q for q in draft.sub_questions if q.kind == "treatment")
        text = " ".join(s.text for s in _answers(draft, treat.id))
        sentences = [s.text for s in _answers(draft, treat.id)]
        assert "co-amoxiclav is the kind of medicine used for pneumonia" in text
        assert "co-careldopa is for Parkinson's disease" in text
        assert not [s for s in sentences if "co-careldopa" in s and "used for pneumonia" in s]
        assert "current treatment (" not in text


def _answer(diagnosis: str, question: str, age: int, match: str, **extra: object) -> tuple[SubQuestion, str]:
    """The first sub-question whose kind or topic is ``match``, and its answer (mock LLM, no sources)."""
    intake = IntakeRecord(diagnosis_in_question=diagnosis, main_question=question, age=age, **extra)  # type: ignore[arg-type]
    draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
    q = next(q for q in draft.sub_questions if match in (q.kind, q.topic))
    return q, " ".join(s.text for s in _answers(draft, q.id))


class TestAnswersInContext:
    """Advice meant for one condition is not given as if the patient had it."""

    def test_work_advice_for_an_alternative_is_conditional(self) -> None:
        """A sarcoidosis patient who asks about TB and work is not told to stay off work as if infectious."""
        _, text = _answer("sarcoidosis", "Could it be TB? Can I keep working?", 38, "activity")
        assert "if tuberculosis (TB) were confirmed, people with infectious TB" in text

    def test_sarcoidosis_treatment_is_not_a_copd_course(self) -> None:
        """Asked why no steroids, the answer says when sarcoidosis is treated, not only COPD flare-ups."""
        _, text = _answer("sarcoidosis", "Why aren't they giving me steroids?", 38, "treatment")
        assert "many people with sarcoidosis need no treatment" in text

    def test_a_suspected_clot_is_assessed_the_same_day(self) -> None:
        """A pregnant patient asking whether it could be a clot is told such a clot is assessed today."""
        intake = IntakeRecord(
            diagnosis_in_question="normal breathlessness of pregnancy",
            symptoms=[Symptom(description="breathless on the stairs, aching calf", duration="3 weeks")],
            main_question="Could this be a clot in my leg or my lung?",
            age=31,
            sex="female",
        )
        draft = compose_draft(intake, ImagingFindings(), [], MockLLM(responses=[""]))
        clots = [q for q in draft.sub_questions if q.kind == "could_it_be"]
        assert {q.condition for q in clots} == {"deep_vein_thrombosis", "pulmonary_embolism"}
        for q in clots:
            assert "assessed the same day" in " ".join(s.text for s in _answers(draft, q.id))

    def test_an_inhaled_object_is_settled_by_bronchoscopy(self) -> None:
        """A child who may have inhaled a toy: read as an inhaled object (not aspiration of food or
        stomach contents), and the settling test named is a bronchoscopy."""
        q, text = _answer(
            "pneumonia", "Could the cough be from a bit of lego stuck in his lung?", 5, "could_it_be"
        )
        assert q.condition == "foreign_body"
        assert "bronchoscopy" in text

    def test_a_question_about_a_clash_names_the_medicines_taken(self) -> None:
        """'Will the tablets clash with my thyroid tablets?' is answered naming what the patient takes."""
        q, text = _answer(
            "latent tuberculosis",
            "Will the tablets damage my liver or clash with my thyroid tablets?",
            42,
            "treatment",
            medications=["levothyroxine"],
        )
        assert q.summary.endswith("whether it can be taken with the other medicines")
        assert "levothyroxine is a thyroid hormone replacement" in text and "interacts" in text
        assert "latent TB is usually treated with a shorter course" in text


class _EveryPassage:
    """A support scorer that finds every sentence similar (as an embedding can find a loose one)."""

    name = "every-passage"

    def score(self, sentence: str, passage: str) -> float:
        return 0.6

    def score_many(self, sentence: str, passages: Sequence[str]) -> list[float]:
        return [0.6] * len(passages)


def _draft(intake: IntakeRecord, *notes: str) -> DraftContent:
    sources = [_note(i, name) for i, name in enumerate(notes, start=1)]
    return compose_draft(intake, ImagingFindings(), sources, MockLLM(responses=[""]))


def _block(draft: DraftContent, match: str) -> str:
    q = next(q for q in draft.sub_questions if match in (q.kind, q.topic))
    return " ".join(s.text for s in _answers(draft, q.id))


class TestWordingForThePatient:
    """Wording that fits the patient's age and question."""

    def test_a_childs_nursery_question_is_about_nursery(self) -> None:
        """'when can he go back to nursery?' for a 3-year-old is answered about nursery, never work."""
        draft = _draft(
            IntakeRecord(
                diagnosis_in_question="viral chest infection",
                main_question="when can he go back to nursery?",
                age=3,
            )
        )
        text = _block(draft, "activity")
        assert "On nursery: people can usually go back to work, school, nursery" in text
        assert "carry on with nursery" in text and "carry on with work" not in text

    def test_a_young_childs_warning_signs(self) -> None:
        """A 3-year-old's next steps list a child's warning signs, not an adult's chest pain."""
        draft = _draft(
            IntakeRecord(
                diagnosis_in_question="viral chest infection",
                main_question="what signs mean I take him back?",
                age=3,
            )
        )
        text = _block(draft, "next_steps")
        assert "the skin sucking in between or under the ribs" in text and "wet nappies" in text
        assert "chest pain that does not go away" not in text

    def test_the_follow_up_reads_as_one_clause(self) -> None:
        """The doctor who plans the follow-up comes first: never '..., which the treating doctor plans'."""
        _, text = _answer("viral chest infection", "what happens next?", 30, "next_steps")
        assert "The treating doctor plans any follow-up; for a viral chest infection it usually" in text
        assert "which the treating doctor plans" not in text

    def test_a_coach_journey_gets_no_exercise_advice(self) -> None:
        """A question about a journey is not answered with advice about effort and hard exercise."""
        _, text = _answer("heart failure", "am I ok to go on the coach to my sisters 80th?", 79, "activity")
        assert "travel is usually possible once the symptoms are stable on treatment" in text
        assert "effort" not in text and "hard exercise" not in text

    def test_flying_after_a_collapsed_lung(self) -> None:
        """The condition's advice on flying and sport is given for the diagnosis, as fact."""
        _, text = _answer(
            "collapsed lung (pneumothorax)", "is he safe to fly, and when can he play rugby?", 16, "activity"
        )
        assert (
            "flying is usually avoided until a chest X-ray shows that the lung has fully re-expanded" in text
        )
        assert "contact sports and heavy exertion usually wait" in text

    def test_driving_on_codeine(self) -> None:
        """Asked about driving on a codeine medicine, the answer says what codeine means for driving."""
        _, text = _answer(
            "acute bronchitis", "can I drive the lorry on the codeine cough stuff?", 52, "activity"
        )
        assert "Codeine-type medicines can cause drowsiness" in text

    def test_smoking_answer(self) -> None:
        """A question about stopping smoking with COPD: the condition's note, support, a cited sentence."""
        draft = _draft(
            IntakeRecord(
                diagnosis_in_question="COPD",
                main_question="is there any point stopping smoking at my age?",
                age=85,
            ),
            "copd",
            "smoking-and-lung-health",
        )
        block = _answers(draft, next(q.id for q in draft.sub_questions if q.topic == "smoking"))
        text = " ".join(s.text for s in block)
        assert "stopping smoking is the most useful single step in COPD at any age" in text
        assert "stop-smoking service" in text
        assert any(s.citations for s in block)

    def test_no_covid_swab_for_long_covid(self) -> None:
        """The tests that settle long COVID's questions do not include a test for COVID-19 itself."""
        _, text = _answer("long covid", "what tests would actually show it?", 39, "tests")
        assert "PCR" not in text and "no single test for long COVID" in text


class TestQuotedSentencesFitTheQuestion:
    """A quoted source sentence answers the question it stands under."""

    def test_no_imaging_model_sentence_answers_a_clinical_question(self) -> None:
        """How a pneumonia model performs at other hospitals answers no 'is it pneumonia?'."""
        draft = _draft(
            IntakeRecord(
                diagnosis_in_question="viral chest infection", main_question="Is this pneumonia?", age=40
            ),
            "ai-chest-xray-models",
        )
        quoted = [
            s.text
            for key in (SectionKey.ANSWERS, SectionKey.FIRST_DIAGNOSIS, SectionKey.ALTERNATIVES)
            for s in draft.section(key).sentences
            if s.origin == "passage"
        ]
        assert not [t for t in quoted if about_imaging_models(t)]
        assert about_imaging_models("Zech and colleagues showed that a pneumonia model performed worse.")
        assert not about_imaging_models("Pneumonia is an infection of the lung's air spaces.")

    def test_an_answer_on_work_quotes_a_sentence_about_work(self) -> None:
        """'Seek urgent help ... chest pain at rest' is not an answer to 'can I carry on working?',
        however similar a scorer finds it."""
        intake = IntakeRecord(
            diagnosis_in_question="lung nodule",
            main_question="can I carry on working on the scaffolding?",
            age=58,
        )
        sources = [_note(1, "community-acquired-pneumonia-adults")]
        draft = compose_draft(
            intake, ImagingFindings(), sources, MockLLM(responses=[""]), scorer=_EveryPassage()
        )
        assert "at rest" not in _block(draft, "activity")

    def test_the_differential_quotes_how_a_condition_shows_itself(self) -> None:
        """A differential on a collapsed lung quotes no advice on flying or on treatment."""
        draft = _draft(
            IntakeRecord(
                diagnosis_in_question="costochondritis", main_question="could it be a collapsed lung?", age=15
            ),
            "pneumothorax",
        )
        quoted = [s.text for s in draft.section(SectionKey.ALTERNATIVES).sentences if s.origin == "passage"]
        assert not [t for t in quoted if re.search(r"\b(fly|treated|drain)\b", t, re.I)]

    def test_the_images_section_quotes_a_condition_in_play(self) -> None:
        """For long COVID, what pneumonia looks like on an X-ray is not quoted under the images."""
        from assistant.drafting.schemas import ImagingFinding, ModelCardRef

        intake = IntakeRecord(diagnosis_in_question="long covid", main_question="Is this right?", age=39)
        finding = ImagingFinding(
            label="pneumonia",
            probability=0.3,
            threshold=0.5,
            positive=False,
            model_card=ModelCardRef(id="cxr", name="chest X-ray", limitations=[]),
            status="not_assessed",
            reason="the model has not been validated for this population",
        )
        imaging = ImagingFindings(modality="chest X-ray", kinds=["cxr"], findings=[finding])
        draft = compose_draft(intake, imaging, [_note(1, "pneumonia-chest-xray")], MockLLM(responses=[""]))
        assert not [s for s in draft.section(SectionKey.IMAGES).sentences if s.origin == "passage"]
