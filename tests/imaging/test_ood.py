"""Tests for imaging.ood: the chest X-ray model refuses what it was not trained on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from imaging.classify import classify
from imaging.dicom_io import read_dataset
from imaging.ood import check_cxr_dataset, check_cxr_input
from imaging.pixels import display_array

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
DICOM = SHARED / "dicom"


def _check_file(path: Path) -> tuple[bool, list[str], list[str]]:
    if not path.is_file():
        pytest.skip(f"shared DICOM file not found: {path}")
    ds = read_dataset(path)
    cls = classify(ds)
    image = display_array(ds) if cls.kind not in ("non_image",) else None
    body = cls.body_part if cls.body_part not in (None, "chest") else None
    check = check_cxr_input(image, modality=cls.modality, view=cls.view, body_part=body, kind=cls.kind)
    return check.accepted, check.reasons, check.flags


class TestCorpusRefusals:
    @pytest.mark.parametrize(
        ("relative", "reason"),
        [
            ("highdicom/ct_image.dcm", "CT slice is not a chest radiograph"),
            ("highdicom/seg_image_ct_binary.dcm", "not an image"),
            ("highdicom/sr_document.dcm", "not an image"),
            ("lung_pet_ct_dx/Lung_Dx-A0001_series2_5mm/1-30.dcm", "CT slice is not a chest radiograph"),
            ("lung_pet_ct_dx/Lung_Dx-A0002_series3_B40f/1-10.dcm", "CT slice is not a chest radiograph"),
        ],
    )
    def test_non_cxr_objects_are_refused(self, relative: str, reason: str) -> None:
        """CT slices, segmentations and SR documents never reach the CXR model."""
        accepted, reasons, _ = _check_file(DICOM / relative)
        assert not accepted
        assert any(reason in r for r in reasons)

    @pytest.mark.parametrize(
        "relative",
        ["xrv_siim/1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm", "xrv_siim/Fake_MONOHR1.dcm"],
    )
    def test_real_chest_radiographs_are_accepted(self, relative: str) -> None:
        """The SIIM chest radiograph (both photometric forms) passes the guard."""
        accepted, reasons, _ = _check_file(DICOM / relative)
        assert accepted, reasons

    def test_sr_without_pixels_via_dataset(self) -> None:
        """A dataset without Pixel Data is refused as not an image."""
        path = DICOM / "highdicom" / "sr_document.dcm"
        if not path.is_file():
            pytest.skip(f"shared DICOM file not found: {path}")
        check = check_cxr_dataset(read_dataset(path, stop_before_pixels=True))
        assert not check.accepted
        assert any("not an image" in r for r in check.reasons)


class TestSyntheticInputs:
    rng = np.random.default_rng(0)
    noise = rng.random((512, 512)).astype(np.float32)

    @pytest.mark.parametrize(
        ("kwargs", "image", "reason"),
        [
            ({"modality": "DX", "view": "LL"}, noise, "lateral"),
            ({"modality": "CR", "view": "LATERAL"}, noise, "lateral"),
            ({"modality": "MR"}, noise, "not a projection radiograph"),
            ({"modality": "DX", "view": "PA"}, np.full((512, 512), 0.5, np.float32), "blank"),
            ({"modality": "DX", "view": "PA"}, noise[:64, :64], "too small"),
            ({"modality": "DX", "view": "PA"}, noise[:100, :], "too small"),
            ({"modality": "DX", "view": "PA"}, np.tile(noise[:200], (1, 3)), "aspect ratio"),
            ({"modality": "DX", "view": "PA", "body_part": "HAND"}, noise, "not the chest"),
        ],
    )
    def test_refusals_with_reason(self, kwargs: dict[str, str], image: np.ndarray, reason: str) -> None:
        """Each unsuitable input is refused and the reason says why."""
        check = check_cxr_input(image, **kwargs)
        assert not check.accepted
        assert any(reason in r for r in check.reasons), check.reasons

    def test_frontal_dx_accepted_without_flags(self) -> None:
        """A frontal DX of adequate size and contrast is accepted cleanly."""
        check = check_cxr_input(self.noise, modality="DX", view="PA")
        assert check.accepted
        assert check.flags == []

    def test_picture_without_metadata_is_flagged(self) -> None:
        """A clean PNG export is flagged as a picture, never called a photograph."""
        check = check_cxr_input(self.noise, kind="photo")
        assert check.accepted
        assert any("not the original DICOM" in f for f in check.flags)
        assert not any("photograph" in f for f in check.flags)
