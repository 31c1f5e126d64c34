"""No sentence is said twice in one draft; a refused upload's reason is given once, in the images answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.sanitize import repeated_sentences
from assistant.drafting.schemas import (
    CitedSource,
    CTMeasurements,
    DraftContent,
    ImagingFinding,
    ImagingFindings,
    NoduleCandidate,
    SectionKey,
)
from assistant.intake import IntakeRecord, Symptom
from tests.assistant.drafting.conftest import CXR_CARD

VIGNETTES = sorted((Path(__file__).resolve().parents[2] / "data" / "vignettes").glob("*.json"))
REASON = "the picture does not look like an upright frontal chest radiograph (guard score 0.47)"


def _finding(status: str, positive: bool) -> ImagingFinding:
    return ImagingFinding(
        label="pneumonia",
        probability=0.81 if positive else 0.12,
        threshold=0.42,
        positive=positive,
        model_card=CXR_CARD,
        status=status,  # type: ignore[arg-type]
        reason=None if status == "reported" else "the model has not been validated for this population",
        sensitivity=0.9,
        specificity=0.85,
        rule_in_ok=status == "reported",
        rule_out_ok=status == "reported",
    )


#: The imaging situations a draft meets: refused, validated, not assessed, CT, one of two refused, none.
IMAGING: dict[str, ImagingFindings] = {
    "refused film": ImagingFindings(modality="chest X-ray", kinds=["photo"], refused=[REASON]),
    "validated finding": ImagingFindings(
        modality="chest X-ray", kinds=["photo"], findings=[_finding("reported", True)]
    ),
    "not-assessed finding": ImagingFindings(
        modality="chest X-ray", kinds=["cxr"], findings=[_finding("not_assessed", False)]
    ),
    "ct with a mass": ImagingFindings(
        modality="chest CT",
        kinds=["ct"],
        ct=CTMeasurements(
            lung_volume_l=4.2,
            nodule_candidates=[NoduleCandidate(diameter_mm=39.0, slice_number=16)],
            nodule_count=3,
        ),
    ),
    "one of two films refused": ImagingFindings(
        modality="chest X-ray", kinds=["photo"], findings=[_finding("reported", False)], refused=[REASON]
    ),
    "nothing uploaded": ImagingFindings(),
}


def _texts(draft: DraftContent) -> list[str]:
    return [s.text for sec in draft.sections for s in sec.sentences]


class TestRepeatedSentences:
    """The check itself."""

    def test_finds_a_sentence_said_twice_across_texts(self) -> None:
        """The same sentence in two places is found once, whatever its citation marker or case."""
        texts = ["The film was refused. Something else.", "More here. The FILM was refused [2]."]
        assert repeated_sentences(texts) == ["The FILM was refused [2]."]

    def test_different_sentences_pass(self) -> None:
        """Sentences that differ in one word are not repeats."""
        assert repeated_sentences(["It could be pneumonia.", "It could be asthma."]) == []


class TestRefusedUpload:
    """The input check's reason for refusing an upload is said once, where the images are answered."""

    @pytest.fixture
    def draft(self) -> DraftContent:
        """A chest infection draft whose only film was refused, naming an alternative and a treatment."""
        intake = IntakeRecord(
            diagnosis_in_question="chest infection",
            reason_for_second_opinion="third infection this year; the x-ray is attached",
            symptoms=[Symptom(description="cough and fever", duration="3 days")],
            medications=["co-amoxiclav"],
            main_question="Could this be aspiration pneumonia, and is the antibiotic right?",
            age=81,
        )
        return compose_draft(intake, IMAGING["refused film"], [], MockLLM())

    def test_reason_given_once_in_the_images_answer(self, draft: DraftContent) -> None:
        """The guard's reason appears in exactly one sentence, answering the images sub-question."""
        images_q = next(q.id for q in draft.sub_questions if q.kind == "images")
        saying = [
            (sec.key, s.question_ref)
            for sec in draft.sections
            for s in sec.sentences
            if "upright frontal chest radiograph" in s.text
        ]
        assert saying == [(SectionKey.ANSWERS, images_q)]

    def test_the_guards_score_is_not_in_the_patients_text(self, draft: DraftContent) -> None:
        """The score is for staff; the patient reads the reason in words."""
        assert not any("guard score" in sec.text for sec in draft.sections)

    def test_elsewhere_the_refusal_is_referred_to(self, draft: DraftContent) -> None:
        """The other answers and the images section say the images could not be read, not 'no images'."""
        answers = [s.text for s in draft.section(SectionKey.ANSWERS).sentences]
        assert sum("could not be read by the imaging models" in t for t in answers) == 2
        assert "could not be read" in draft.section(SectionKey.IMAGES).text
        assert "No imaging model results were available" not in draft.section(SectionKey.IMAGES).text

    def test_no_sentence_twice(self, draft: DraftContent) -> None:
        """No sentence of the draft is repeated."""
        assert repeated_sentences(_texts(draft)) == []


#: Each vignette with nothing uploaded, and with one of the other imaging situations in turn, so that every
#: situation meets about a fifth of the set. The full cross product (every vignette in all six situations)
#: had grown to 6,600 drafts and about half of the whole suite's time; the rubric script
#: (``benchmarks/vignette_rubric.py``) still counts repeated sentences in every vignette's real draft.
_OTHER_SITUATIONS = sorted(s for s in IMAGING if s != "nothing uploaded")
_PAIRS = [(p, "nothing uploaded") for p in VIGNETTES] + [
    (p, _OTHER_SITUATIONS[i % len(_OTHER_SITUATIONS)]) for i, p in enumerate(VIGNETTES)
]


class TestNoRepeatsOnVignettes:
    """Every vignette's intake, drafted with the mock LLM with nothing uploaded and in one other imaging
    situation, repeats no sentence."""

    def test_every_situation_is_met_by_many_vignettes(self) -> None:
        met = {situation for _, situation in _PAIRS}
        assert met == set(IMAGING)
        assert min(sum(s == situation for _, s in _PAIRS) for situation in IMAGING) >= len(VIGNETTES) // 6

    @pytest.mark.parametrize(
        ("path", "situation"), _PAIRS, ids=[f"{p.stem}-{s.replace(' ', '_')}" for p, s in _PAIRS]
    )
    def test_no_sentence_twice(self, path: Path, situation: str, passages: list[CitedSource]) -> None:
        """No identical sentence twice in one draft."""
        intake = IntakeRecord.model_validate(json.loads(path.read_text())["intake"])
        draft = compose_draft(intake, IMAGING[situation], passages, MockLLM())
        assert repeated_sentences(_texts(draft)) == []


def test_two_films_are_told_apart_and_a_shared_reason_is_said_once() -> None:
    """Two films give two findings per label: results are numbered by film, one reason said once."""
    from assistant.drafting.facts import image_fact_sentences

    films = ImagingFindings(
        modality="chest X-ray",
        kinds=["cxr"],
        findings=[
            _finding("reported", True),
            _finding("reported", False),
            _finding("not_assessed", False).model_copy(update={"label": "abnormal"}),
            _finding("not_assessed", False).model_copy(update={"label": "abnormal"}),
        ],
    )
    texts = [s.text for s in image_fact_sentences(films)]
    assert texts[0].startswith("On film 1 of 2, the ") and "0.81" in texts[0]
    assert texts[1].startswith("On film 2 of 2, the ") and "0.12" in texts[1]
    assert len(texts) == 3 and "on each of the 2 films" in texts[2] and "results are not used" in texts[2]
    assert not repeated_sentences(texts)


def test_a_sentence_two_answers_both_give_is_said_once() -> None:
    """The first saying stays where it is; the later one goes, unless its section would be empty."""
    from assistant.drafting.composer import _without_repeats
    from assistant.drafting.schemas import DraftSection, DraftSentence

    warn = "Go to A&E at once for blue lips."
    sections = [
        DraftSection(
            key=SectionKey.ANSWERS, title="a", sentences=[DraftSentence(text=warn, origin="template")]
        ),
        DraftSection(
            key=SectionKey.QUESTIONS,
            title="b",
            sentences=[
                DraftSentence(text="Ask about a sweat test.", origin="template"),
                DraftSentence(text=warn + " [2]", origin="template"),
            ],
        ),
        DraftSection(
            key=SectionKey.LIMITATIONS, title="c", sentences=[DraftSentence(text=warn, origin="template")]
        ),
    ]
    out = _without_repeats(sections)
    assert [s.text for s in out[0].sentences] == [warn]
    assert [s.text for s in out[1].sentences] == ["Ask about a sweat test."]
    assert [s.text for s in out[2].sentences] == [warn]
