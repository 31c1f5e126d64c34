"""Tests for imaging.analyze: one study end to end, JSON out, refusals recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imaging.analyze import StudyFindings, analyze_study
from imaging.inference import InferenceEngine
from imaging.populations import UNRECORDED_VIEW, ValidatedPopulation
from imaging.registry import ModelEntry, get_model_entry

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SIIM = SHARED / "dicom" / "xrv_siim" / "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm"
SR = SHARED / "dicom" / "highdicom" / "sr_document.dcm"
CT_SLICE = SHARED / "dicom" / "highdicom" / "ct_image.dcm"
PNG = SHARED / "cxr" / "xrv_samples" / "00000001_000.png"


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> tuple[StudyFindings, Path]:
    """A mixed upload: a CXR DICOM, a CXR PNG, an SR document and a lone CT slice."""
    for path in (SIIM, SR, CT_SLICE, PNG):
        if not path.is_file():
            pytest.skip(f"shared data not found: {path}")
    out = tmp_path_factory.mktemp("analysis")
    engine = InferenceEngine(_validated_entry(), device="cpu")
    return analyze_study(
        [SIIM, PNG, SR, CT_SLICE],
        engine,
        out,
        heatmap_labels=["pneumonia"],
        quantify=False,
        patient_age_years=45,
    ), out


def _validated_entry() -> ModelEntry:
    """The default entry with one adult population covering every view (for the wiring only)."""
    pop = ValidatedPopulation(
        label="pneumonia",
        age_group="adult",
        views=["PA", "AP", UNRECORDED_VIEW],
        threshold=0.0,
        n_positive=50,
        n_negative=50,
        auc=0.8,
        auc_ci95=(0.7, 0.9),
        sensitivity=0.9,
        sensitivity_ci95=(0.8, 0.95),
        specificity=0.5,
        specificity_ci95=(0.4, 0.6),
        evidence="test population",
    )
    return get_model_entry().model_copy(update={"populations": [pop]})


class TestAnalyzeStudy:
    def test_radiographs_get_findings_and_heatmaps(self, study: tuple[StudyFindings, Path]) -> None:
        """Both radiographs are accepted and scored; the reported finding gets a heatmap PNG."""
        result, out = study
        accepted = [i for i in result.images if i.ood.accepted]
        assert len(accepted) == 2, [i.ood.reasons for i in result.images]
        for image in accepted:
            assert {f.label for f in image.findings} == {"pneumonia", "abnormal"}
            assert Path(image.heatmaps["pneumonia"]).is_file()
            assert Path(image.heatmaps["pneumonia"]).parent == out

    def test_finding_outside_populations_is_not_assessed(self, study: tuple[StudyFindings, Path]) -> None:
        """'abnormal' has no validated population: not assessed, with a reason, and no heatmap."""
        result, _ = study
        for image in (i for i in result.images if i.ood.accepted):
            by_label = {f.label: f for f in image.findings}
            assert by_label["pneumonia"].status == "reported"
            assert by_label["pneumonia"].population == "adult, PA/AP/view not recorded"
            abnormal = by_label["abnormal"]
            assert (abnormal.status, abnormal.positive) == ("not_assessed", False)
            assert abnormal.reason and "not been validated" in abnormal.reason
            assert "abnormal" not in image.heatmaps

    def test_unknown_age_reports_nothing(self, tmp_path: Path) -> None:
        """Without the patient's age no chest X-ray finding is reported."""
        engine = InferenceEngine(_validated_entry(), device="cpu")
        result = analyze_study([SIIM], engine, tmp_path, quantify=False)
        [image] = result.images
        assert all(f.status == "not_assessed" and not f.positive for f in image.findings)
        pneumonia = next(f for f in image.findings if f.label == "pneumonia")
        assert pneumonia.reason and "age is not known" in pneumonia.reason
        assert image.heatmaps == {}

    def test_json_keeps_its_shape_and_adds_status(self, study: tuple[StudyFindings, Path]) -> None:
        """images[].findings[] keeps label/probability/threshold/positive and adds status/reason."""
        result, _ = study
        data = json.loads(result.model_dump_json())
        finding = next(i for i in data["images"] if i["ood"]["accepted"])["findings"][0]
        assert {"label", "probability", "threshold", "positive", "status", "reason"} <= set(finding)

    def test_non_image_is_skipped_with_reason(self, study: tuple[StudyFindings, Path]) -> None:
        """The SR document is listed as skipped, with the guard's reason."""
        result, _ = study
        assert any("sr_document.dcm" in s and "not an image" in s for s in result.skipped)

    def test_json_round_trip_and_model_card(self, study: tuple[StudyFindings, Path]) -> None:
        """The findings serialise to JSON and back, naming the model card used."""
        result, _ = study
        again = StudyFindings.model_validate(json.loads(result.model_dump_json()))
        assert again == result
        assert result.model_cards[0].id == get_model_entry().card_id
        assert result.heatmap_note
