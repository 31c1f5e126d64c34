"""The vignette rubric cannot be met by echoing the question, and catches contradicted facts."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import MockLLM
from assistant.drafting.schemas import (
    CitedSource,
    CTMeasurements,
    ImagingFindings,
    NoduleCandidate,
)
from assistant.intake import IntakeRecord, Symptom

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def rubric() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vignette_rubric", ROOT / "benchmarks/vignette_rubric.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _vignette() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "tests/data/vignettes/v01.json").read_text())
    return data


def _evidence(count: int) -> dict[str, Any]:
    nods = [
        {"diameter_mm": 39.2 if i == 0 else 5.0, "slice_index": 15 if i == 0 else i} for i in range(count)
    ]
    return {
        "imaging": {"uploads": [{"ct_series": [{"measurements": {"nodule_candidates": nods}}]}]},
        "findings": {"findings": []},
        "passages": [{"number": 1, "title": "Pneumonia", "text": "Pneumonia is an infection of the lung."}],
    }


def _draft_content() -> dict[str, Any]:
    v = _vignette()["intake"]
    intake = IntakeRecord(
        diagnosis_in_question=v["diagnosis_in_question"],
        reason_for_second_opinion=v["reason_for_second_opinion"],
        symptoms=[
            Symptom(description=v["symptoms"][0]["description"], duration=v["symptoms"][0]["duration"])
        ],
        medications=v["medications"],
        age=v["age"],
        main_question=v["main_question"],
    )
    ct = CTMeasurements(
        nodule_count=8, nodule_candidates=[NoduleCandidate(diameter_mm=39.2, slice_number=16)]
    )
    passages = [CitedSource(number=1, title="Pneumonia", text="Pneumonia is an infection of the lung.")]
    draft = compose_draft(intake, ImagingFindings(kinds=["ct"], ct=ct), passages, MockLLM())
    return dict(draft.storage_fields()["content"])


class TestRubric:
    """Scoring a real composed draft, an echoing draft and a miscounted draft."""

    def test_composed_draft_meets_the_facts_items(self, rubric: ModuleType) -> None:
        """A composed draft has no contradiction against matching stored analysis."""
        items = {name: ok for name, ok, _ in rubric.score_case(_vignette(), _draft_content(), _evidence(8))}
        assert items["no contradicted fact"]
        assert items["no pasted patient text"]
        assert items["discussed pulmonary_embolism"]

    def test_miscount_is_a_contradiction(self, rubric: ModuleType) -> None:
        """'8 nodule candidates' against 5 stored is caught."""
        items = {
            name: (ok, d) for name, ok, d in rubric.score_case(_vignette(), _draft_content(), _evidence(5))
        }
        ok, detail = items["no contradicted fact"]
        assert not ok and "count 8 vs stored 5" in detail

    def test_echo_fails(self, rubric: ModuleType) -> None:
        """An answer that repeats the patient's question does not count as answered."""
        content = _draft_content()
        question = _vignette()["intake"]["main_question"]
        for section in content["sections"]:
            if section["key"] == "answers":
                for s in section["sentences"]:
                    if s["question_ref"] == "q3" and not s["text"].endswith(":"):
                        s["text"] = question
        items = {name: ok for name, ok, _ in rubric.score_case(_vignette(), content, _evidence(8))}
        assert not items["no pasted patient text"]
        assert not all(ok for name, ok in items.items() if name.startswith("answered could_it_be"))


class TestStrictRubric:
    """Treatment and next-step answers must address what the question names."""

    def _content(self, kind: str, texts: list[tuple[str, list[int]]]) -> dict[str, Any]:
        sentences = [{"text": "On it:", "origin": "template", "question_ref": "q1"}]
        sentences += [
            {"text": t, "origin": "template", "question_ref": "q1", "citations": c} for t, c in texts
        ]
        return {
            "sub_questions": [{"id": "q1", "kind": kind, "condition": ""}],
            "sections": [{"key": "answers", "sentences": sentences}],
        }

    def _vignette(self, question: str) -> dict[str, Any]:
        return {
            "intake": {"main_question": question, "medications": []},
            "uploads": [],
            "rubric": {"must_discuss": {}},
        }

    def test_keyword_alone_is_not_an_answer(self, rubric: ModuleType) -> None:
        """A generic treatment answer fails when the question named steroids."""
        content = self._content(
            "treatment", [("This opinion cannot change a treatment; the doctor judges.", [])]
        )
        _, ok, detail = rubric._answered(
            "treatment", content, self._vignette("do I need the steroids?"), False
        )
        assert not ok and "steroid" in detail
        _, lenient, _ = rubric._answered(
            "treatment", content, self._vignette("do I need the steroids?"), False, False
        )
        assert lenient

    def test_named_and_decided_is_an_answer(self, rubric: ModuleType) -> None:
        """Naming the medicine and who decides meets the item."""
        content = self._content(
            "treatment",
            [("Whether to stop the steroid treatment is the prescribing clinician's decision.", [])],
        )
        assert rubric._answered("treatment", content, self._vignette("do I need the steroids?"), False)[1]

    def test_named_test_needs_a_citation_or_decision(self, rubric: ModuleType) -> None:
        """'should he have a swallow assessment' needs an answer naming the swallow test."""
        vignette = self._vignette("should he have a swallow assessment?")
        bare = self._content("next_steps", [("A review by the doctor is the next step.", [])])
        cited = self._content(
            "next_steps", [("A swallowing assessment is a test done by a therapist [1].", [1])]
        )
        assert not rubric._answered("next_steps", bare, vignette, False)[1]
        assert rubric._answered("next_steps", cited, vignette, False)[1]

    def test_medicine_list_is_not_an_answer(self, rubric: ModuleType) -> None:
        """Listing the patient's medicines in brackets does not address the steroid question."""
        vignette = self._vignette("do I really need the steroids?")
        vignette["intake"]["medications"] = ["prednisolone", "amoxicillin"]
        content = self._content(
            "treatment",
            [("Whether the current treatment (prednisolone, amoxicillin) is right the doctor judges.", [])],
        )
        assert not rubric._answered("treatment", content, vignette, False)[1]


class TestNotAssessed:
    """A statement drawn from a model result that was not assessed is caught; general text is not."""

    EVIDENCE = {"findings": {"findings": [{"label": "Pneumonia", "status": "not_assessed"}]}}

    @staticmethod
    def _content(origin: str, text: str) -> dict[str, Any]:
        return {"sections": [{"key": "alternatives", "sentences": [{"text": text, "origin": origin}]}]}

    def test_a_finding_sentence_leaning_on_it_is_caught(self, rubric: ModuleType) -> None:
        """'The film supports pneumonia' from an unassessed result is a defect."""
        content = self._content("finding", "The X-ray model's result supports pneumonia.")
        assert rubric._from_not_assessed(content, self.EVIDENCE) != []
        content = self._content("llm", "The probability of pneumonia was 0.71.")
        assert rubric._from_not_assessed(content, self.EVIDENCE) != []

    def test_general_differential_text_is_not(self, rubric: ModuleType) -> None:
        """A fixed sentence on what usually argues against a condition states no result."""
        text = "What argues against it: a dense shadow in one lobe with fever, which fits pneumonia."
        assert rubric._from_not_assessed(self._content("template", text), self.EVIDENCE) == []


class TestConditionNames:
    """A rubric names conditions in plain words; the draft by catalogue key: both must meet."""

    @pytest.mark.parametrize(
        ("name", "key"),
        [
            ("heart failure", "heart_failure"),
            ("pulmonary embolism", "pulmonary_embolism"),
            ("Pulmonary-Embolism", "pulmonary_embolism"),
            ("a blood clot in the lung", "pulmonary_embolism"),
            ("anxiety", "panic_attack"),  # a name the catalogue reads only as asked
        ],
    )
    def test_same_condition(self, rubric: ModuleType, name: str, key: str) -> None:
        """Case, underscores and hyphens aside, or a name the catalogue reads as that condition."""
        assert rubric.same_condition(name, key)

    @pytest.mark.parametrize(
        ("name", "key"), [("heart failure", "lung_cancer"), ("", "asthma"), ("anxiety", "asthma")]
    )
    def test_different_condition(self, rubric: ModuleType, name: str, key: str) -> None:
        """Another condition, or no name, does not count."""
        assert not rubric.same_condition(name, key)

    def test_discussed_under_a_plain_name(self, rubric: ModuleType) -> None:
        """The alternatives block of 'heart_failure' is found for the rubric's 'heart failure'."""
        sentences = [
            {"text": "What would point to it: swollen ankles.", "condition_ref": "heart_failure"},
            {"text": "What argues against it: a normal heart size.", "condition_ref": "heart_failure"},
            {
                "text": "The test that usually settles it: an echocardiogram.",
                "condition_ref": "heart_failure",
            },
        ]
        content = {"sections": [{"key": "alternatives", "sentences": sentences}]}
        assert rubric._discussed("heart failure", ["echocardiogram"], content)[1]


class TestKeyPointsByWords:
    """The diagnostic reading credits a key point by its content words; the headline needs its exact words."""

    TEXT = "the test that usually settles it: sputum tests for tb (smear, culture and a molecular test)."

    def test_exact_words_are_needed_for_the_headline(self, rubric: ModuleType) -> None:
        assert not rubric.key_point_met("sputum culture", self.TEXT)
        assert rubric.key_point_met("sputum tests for tb", self.TEXT)

    def test_a_key_point_in_capitals_is_met_by_the_same_words(self, rubric: ModuleType) -> None:
        """Writers spell key points as in a letter ("CT pulmonary angiogram"); the draft's text is lower-cased
        before the check, so a case-sensitive test missed every capitalised key point."""
        text = "the test that usually settles it: a ct pulmonary angiogram."
        assert rubric.key_point_met("CT pulmonary angiogram", text)
        assert rubric.key_point_met("CT pulmonary angiogram", "A CT Pulmonary Angiogram")
        assert not rubric.key_point_met("CT pulmonary angiography", text)

    def test_content_words_in_any_order_meet_the_diagnostic(self, rubric: ModuleType) -> None:
        assert rubric.key_point_met("sputum culture", self.TEXT, words=True)
        assert rubric.key_point_met("cultures of the sputum", self.TEXT, words=True)

    def test_a_missing_word_or_negation_is_not_met(self, rubric: ModuleType) -> None:
        assert not rubric.key_point_met("igra blood test", self.TEXT, words=True)
        assert not rubric.key_point_met("no fever", "fever and a cough", words=True)
        assert not rubric.key_point_met("the of", self.TEXT, words=True)  # nothing to look for


class TestPopulations:
    """The rubric is reported per age band, sex and upload kind, not only overall."""

    def test_a_vignettes_populations_come_from_its_intake_and_uploads(
        self, rubric: ModuleType, tmp_path: Path
    ) -> None:
        series = tmp_path / "series"  # a folder of slices is a CT series
        series.mkdir()
        vignette = _vignette()
        vignette["intake"]["age"] = 4
        vignette["uploads"] = [str(series), "x.png"]
        pops = rubric.populations(vignette)
        assert pops["age"] == "child (<18)"
        assert pops["upload"] == "CT series + film image"
        assert rubric.age_group(70) == "older (65+)" and rubric.age_group(None) == "age unknown"

    def test_a_dicom_radiograph_is_a_film_not_a_ct_series(self, rubric: ModuleType, tmp_path: Path) -> None:
        """A single .dcm radiograph under a 'dicom' folder is held to the film's rules; a folder or
        zip of slices is a CT series (the path once decided, so DICOM films had to name nodules)."""
        series = tmp_path / "dicom" / "series"
        series.mkdir(parents=True)
        film = tmp_path / "dicom" / "film.dcm"
        film.write_bytes(b"")
        assert not rubric.has_ct_series([str(film)])
        assert rubric.has_ct_series([str(series)]) and rubric.has_ct_series(["upload.zip"])

    def test_a_weak_population_shows_in_its_own_cell(self, rubric: ModuleType) -> None:
        results = [
            {"met": 9, "items": 10, "population": {"age": "adult (18-64)", "sex": "female"}},
            {"met": 2, "items": 10, "population": {"age": "child (<18)", "sex": "female"}},
            {"met": 10, "items": 10, "population": {"age": "adult (18-64)", "sex": "male"}},
        ]
        table = rubric.by_population(results)
        assert table["age"]["child (<18)"] == [2, 10, 1]
        assert table["age"]["adult (18-64)"] == [19, 20, 2]
        assert table["sex"]["female"] == [11, 20, 2]
