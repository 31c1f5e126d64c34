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
