"""Eighth-round chest conditions: hypersensitivity pneumonitis, acute chest syndrome, EVALI,
eosinophilic pneumonia, ABPA, pulmonary hypertension and Pneumocystis pneumonia.

Real condition, topic and lexicon tables and the project's own pack notes as sources; only the
language model is the mock.
"""

from __future__ import annotations

import pytest

from assistant.drafting import questions
from assistant.drafting.conditions import CONDITIONS, condition, conditions_in, diagnosis_family
from assistant.drafting.schemas import SectionKey
from assistant.intake import IntakeRecord
from knowledge import pack_path
from knowledge.lexicon import normalise
from knowledge.loaders.markdown import load_markdown
from tests.assistant.drafting.test_history_and_exposures import _draft

#: The new entries, each with the pack note that backs it.
NEW = {
    "hypersensitivity_pneumonitis": "hypersensitivity-pneumonitis",
    "acute_chest_syndrome": "sickle-cell-acute-chest-syndrome",
    "evali": "evali-vaping-lung-injury",
    "eosinophilic_pneumonia": "eosinophilic-pneumonia",
    "abpa": "allergic-bronchopulmonary-aspergillosis",
    "pulmonary_hypertension": "pulmonary-hypertension",
    "pneumocystis_pneumonia": "pneumocystis-pneumonia",
    "bronchiolitis": "bronchiolitis",
    "whooping_cough": "whooping-cough",
}
HP = "hypersensitivity_pneumonitis"


def _subs(question: str, dx: str = "pneumonia", **fields: object) -> list[tuple[str, str]]:
    intake = IntakeRecord(diagnosis_in_question=dx, main_question=question, **fields)  # type: ignore[arg-type]
    return [(q.kind, q.condition) for q in questions.parse_sub_questions(intake, has_images=False)]


class TestEntries:
    """Each new entry is complete and backed by a note whose title names it."""

    @pytest.mark.parametrize("key", sorted(NEW))
    def test_complete(self, key: str) -> None:
        """What points to it, what argues against it, the settling test and a follow-up check."""
        cond = condition(key)
        assert cond.supports and cond.against and cond.test and cond.follow_up

    @pytest.mark.parametrize(("key", "note"), sorted(NEW.items()))
    def test_note_names_it(self, key: str, note: str) -> None:
        """The note's title is read as this condition, so its sentences can answer for it."""
        title = load_markdown(pack_path() / f"{note}.md").title
        assert condition(key) in conditions_in(title), title

    def test_sickle_cell_chest_crisis_for_children_too(self) -> None:
        """Acute chest syndrome is urgent at every age, with a child's own follow-up."""
        acs = condition("acute_chest_syndrome")
        assert acs.urgent and "children" in acs.supports
        assert acs.follow_up_for(child=True) != acs.follow_up_for(child=False)

    def test_keys_are_unique(self) -> None:
        """No key was added twice."""
        keys = [c.key for c in CONDITIONS]
        assert len(keys) == len(set(keys))


class TestLayWords:
    """Patients' words for the new conditions."""

    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("could it be bird fancier's lung from my budgies", "hypersensitivity_pneumonitis"),
            ("Could it be bird fancier\u2019s lung?", "hypersensitivity_pneumonitis"),
            ("is it pigeon lung", "hypersensitivity_pneumonitis"),
            ("my uncle had farmers lung from the hay", "hypersensitivity_pneumonitis"),
            ("extrinsic allergic alveolitis", "hypersensitivity_pneumonitis"),
            ("is it vaping lung?", "evali"),
            ("could this be EVALI", "evali"),
            ("lung damage from my vaping", "evali"),
            ("is it a sickle crisis in the chest", "acute_chest_syndrome"),
            ("acute chest syndrome", "acute_chest_syndrome"),
            ("could it be an aspergillus allergy", "abpa"),
            ("is he allergic to aspergillus", "abpa"),
            ("could it be ABPA", "abpa"),
            ("high blood pressure in the lungs", "pulmonary_hypertension"),
            ("raised lung pressures on the echo", "pulmonary_hypertension"),
            ("eosinophilic pneumonia", "eosinophilic_pneumonia"),
            ("could it be PCP?", "pneumocystis_pneumonia"),
            ("could it be PCP or TB?", "pneumocystis_pneumonia"),
            ("PCP pneumonia", "pneumocystis_pneumonia"),
            ("is it pneumocystis", "pneumocystis_pneumonia"),
        ],
    )
    def test_recognised(self, text: str, key: str) -> None:
        """Each phrasing names the condition."""
        assert key in [c.key for c in conditions_in(text, fuzzy=True)]

    @pytest.mark.parametrize(
        "text",
        [
            "My PCP said it was pneumonia",
            "I saw my pcp yesterday and she sent me for an x-ray",
            "The PCP ordered a chest x-ray",
            "our PCP thinks it is bronchitis",
            "the PCP's office called back",
            "I have a PCP appointment on Monday",
            "PCP said to wait",
        ],
    )
    def test_primary_care_physician_is_not_pneumocystis(self, text: str) -> None:
        """'My PCP' is the family doctor, never Pneumocystis pneumonia."""
        assert "pneumocystis_pneumonia" not in [c.key for c in conditions_in(text, fuzzy=True)]

    @pytest.mark.parametrize(
        "text",
        ["pneumonitis", "aspiration pneumonitis", "high blood pressure", "hypertension", "a painful crisis"],
    )
    def test_look_alikes(self, text: str) -> None:
        """Words close to the new names do not name them."""
        keys = {c.key for c in conditions_in(text, fuzzy=True)}
        assert not keys & set(NEW), keys

    def test_inflammations_are_not_pneumonia(self) -> None:
        """Hypersensitivity pneumonitis and eosinophilic pneumonia are told apart from a pneumonia."""
        for dx in ("hypersensitivity pneumonitis", "eosinophilic pneumonia"):
            assert [c.key for c in diagnosis_family(dx)] == [conditions_in(dx)[0].key]

    @pytest.mark.parametrize(
        ("text", "word"),
        [
            ("is it bird fancier's lung", "hypersensitivity pneumonitis"),
            ("could it be pigeon lung", "hypersensitivity pneumonitis"),
            ("farmer's lung", "hypersensitivity pneumonitis"),
            ("is this vaping lung", "evali"),
            ("a sickle crisis in the chest", "acute chest syndrome"),
            ("aspergillus allergy", "allergic bronchopulmonary aspergillosis"),
            ("PCP pneumonia", "pneumocystis pneumonia"),
        ],
    )
    def test_retrieval_lexicon(self, text: str, word: str) -> None:
        """Retrieval reads the same lay words as the clinical names the notes use."""
        assert word in normalise(text)

    def test_retrieval_reads_my_pcp_as_the_doctor(self) -> None:
        """'my PCP' is searched as a doctor, not as Pneumocystis."""
        assert "pneumocystis" not in normalise("my PCP says it is a chest infection")


class TestAlternativesAsked:
    """The patient's own questions make could-it-be sub-questions for the new conditions."""

    @pytest.mark.parametrize(
        ("question", "dx", "key"),
        [
            ("Could it be bird fancier's lung from my budgies?", "idiopathic pulmonary fibrosis", HP),
            ("Is it a sickle crisis in the chest, not pneumonia?", "pneumonia", "acute_chest_syndrome"),
            ("Could it be vaping lung?", "pneumonia", "evali"),
            ("Could it be ABPA?", "asthma", "abpa"),
            ("Could it be pulmonary hypertension?", "COPD", "pulmonary_hypertension"),
            ("Could it be PCP?", "pneumonia", "pneumocystis_pneumonia"),
            ("Could it be eosinophilic pneumonia?", "pneumonia", "eosinophilic_pneumonia"),
        ],
    )  # fmt: skip
    def test_named(self, question: str, dx: str, key: str) -> None:
        """A named new condition is a could-it-be question."""
        assert ("could_it_be", key) in _subs(question, dx)

    def test_my_pcp_asks_nothing_about_pneumocystis(self) -> None:
        """The family doctor in the question is not an alternative."""
        subs = _subs("My PCP says it is pneumonia; is she right and should I have a CT?")
        assert not [c for kind, c in subs if kind == "could_it_be"]


class TestExposureQuestions:
    """Birds and mould asked about as a cause lead to the alternative they can point to."""

    @pytest.mark.parametrize(
        ("question", "dx", "history", "key"),
        [
            ("Are the pigeons causing it and do I have to get rid of them?", "COPD", "", HP),
            ("Are the birds causing it?", "pulmonary fibrosis", "", "hypersensitivity_pneumonitis"),
            ("Could the mould in my flat cause it?", "pneumonia", "", "hypersensitivity_pneumonitis"),
            ("Could the mould in my flat cause it?", "pneumonia", "asthma since childhood", "abpa"),
            ("Is the damp making my asthma worse?", "asthma", "", "abpa"),
            ("Does keeping budgies matter?", "interstitial lung disease", "", "hypersensitivity_pneumonitis"),
        ],
    )  # fmt: skip
    def test_could_it_be(self, question: str, dx: str, history: str, key: str) -> None:
        """The exposure question is answered as an exposure and its alternative is weighed."""
        intake = IntakeRecord(diagnosis_in_question=dx, main_question=question, history=history)
        subs = questions.parse_sub_questions(intake, has_images=False)
        assert ("could_it_be", key) in [(q.kind, q.condition) for q in subs]
        assert "exposure" in [q.topic for q in subs]

    def test_mould_with_asthma_is_abpa_not_hp(self) -> None:
        """Mould in someone with asthma points to ABPA first."""
        subs = _subs("Could the mould be causing it?", "asthma")
        assert ("could_it_be", "abpa") in subs
        assert ("could_it_be", "hypersensitivity_pneumonitis") not in subs

    @pytest.mark.parametrize(
        ("question", "reason"),
        [
            ("Is it right?", "I keep budgies."),  # a statement asks nothing
            ("Could the cat be making it worse?", ""),  # pets are answered as an exposure only
            ("Could the dust at the quarry have done this?", ""),
        ],
    )
    def test_no_alternative(self, question: str, reason: str) -> None:
        """Statements, pets and dusts raise no hypersensitivity pneumonitis or ABPA alternative."""
        subs = _subs(question, "asthma", reason_for_second_opinion=reason)
        assert not {c for kind, c in subs if kind == "could_it_be"} & {"hypersensitivity_pneumonitis", "abpa"}

    def test_pigeons_drafted_with_for_against_and_test(self) -> None:
        """The draft names hypersensitivity pneumonitis, with what supports, argues against and settles it."""
        intake = IntakeRecord(
            diagnosis_in_question="COPD",
            age=65,
            main_question="Is it really COPD, and are the pigeons causing it?",
        )
        draft = _draft(intake, ["hypersensitivity-pneumonitis", "copd"])
        hp = next(q for q in draft.sub_questions if q.condition == "hypersensitivity_pneumonitis")
        answer = " ".join(
            s.text for s in draft.section(SectionKey.ANSWERS).sentences if s.question_ref == hp.id
        )
        assert "avian precipitins" in answer and "test that usually settles" in answer
        alt = " ".join(
            s.text
            for s in draft.section(SectionKey.ALTERNATIVES).sentences
            if s.condition_ref == "hypersensitivity_pneumonitis"
        )
        assert "point to it" in alt and "against it" in alt and "antigen avoidance" in alt
        exposure = " ".join(
            s.text
            for s in draft.section(SectionKey.ANSWERS).sentences
            if s.question_ref == next(q.id for q in draft.sub_questions if q.topic == "exposure")
        )
        assert "pigeons" in exposure and "hypersensitivity pneumonitis" in exposure

    def test_bird_fanciers_lung_asks_once_about_the_birds(self) -> None:
        """The illness's name is not an exposure word; one question about the birds, in the draft's voice."""
        intake = IntakeRecord(
            diagnosis_in_question="idiopathic pulmonary fibrosis",
            main_question="Is it really IPF or could it be bird fancier's lung from my budgies, what tests "
            "would tell the difference, do I need to get rid of the birds?",
        )
        exposures = [
            q for q in questions.parse_sub_questions(intake, has_images=False) if q.topic == "exposure"
        ]
        assert [q.summary for q in exposures] == [
            "whether the exposure to the budgies matters, and what to do about it"
        ]
