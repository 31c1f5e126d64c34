"""Tests for imaging.analyze: one study end to end, JSON out, refusals recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imaging.analyze import StudyFindings, analyze_study
from imaging.inference import InferenceEngine
from imaging.registry import get_model_entry

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
    engine = InferenceEngine(get_model_entry(), device="cpu")
    return analyze_study(
        [SIIM, PNG, SR, CT_SLICE], engine, out, heatmap_labels=["pneumonia"], quantify=False
    ), out


class TestAnalyzeStudy:
    def test_radiographs_get_findings_and_heatmaps(self, study: tuple[StudyFindings, Path]) -> None:
        """Both radiographs are accepted, scored, and get a pneumonia heatmap PNG."""
        result, out = study
        accepted = [i for i in result.images if i.ood.accepted]
        assert len(accepted) == 2
        for image in accepted:
            assert {f.label for f in image.findings} == {"pneumonia", "abnormal"}
            assert Path(image.heatmaps["pneumonia"]).is_file()
            assert Path(image.heatmaps["pneumonia"]).parent == out

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
