"""Classification of DICOM objects from their metadata."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset

from imaging.classify import classify, require_image
from imaging.errors import NotAnImageError
from tests.imaging.conftest import CT_A0001, HIGHDICOM, SIIM_M1, SIIM_M2, require
from tests.imaging.test_pixels import pydicom_file


def _ds(**attrs: object) -> Dataset:
    ds = Dataset()
    for key, value in attrs.items():
        setattr(ds, key, value)
    return ds


class TestClassifyRealFiles:
    """Real files get the right kind, body part and view."""

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            (SIIM_M2, ("cxr", "CR", "chest", "PA")),
            (SIIM_M1, ("cxr", "CR", "chest", "PA")),
            (HIGHDICOM / "dx_image.dcm", ("cxr", "DX", "chest", None)),
            (HIGHDICOM / "ct_image.dcm", ("ct", "CT", None, None)),
            (HIGHDICOM / "seg_image_ct_binary.dcm", ("non_image", "SEG", None, None)),
            (HIGHDICOM / "sr_document.dcm", ("non_image", "SR", None, None)),
            (CT_A0001 / "1-01.dcm", ("ct", "CT", "chest", None)),
        ],
        ids=lambda v: v.name if isinstance(v, Path) else None,
    )
    def test_shared_file(self, path: Path, expected: tuple[str, ...]) -> None:
        """Kind, modality, body part and view match the file's metadata."""
        c = classify(pydicom.dcmread(require(path), stop_before_pixels=True))
        assert (c.kind, c.modality, c.body_part, c.view) == expected

    @pytest.mark.parametrize(
        ("name", "kind", "what"),
        [
            ("MR_small.dcm", "mr", None),
            ("rtplan.dcm", "non_image", "radiotherapy object"),
            ("SC_rgb_jpeg_dcmtk.dcm", "other_image", None),
        ],
    )
    def test_pydicom_file(self, name: str, kind: str, what: str | None) -> None:
        """MR, RT plan and secondary capture files are told apart."""
        c = classify(pydicom.dcmread(pydicom_file(name), stop_before_pixels=True))
        assert (c.kind, c.non_image_type) == (kind, what)


class TestClassifyRules:
    """Rules on synthetic metadata."""

    @pytest.mark.parametrize(
        ("attrs", "kind", "view"),
        [
            ({"Modality": "DX", "BodyPartExamined": "KNEE"}, "other_image", None),
            ({"Modality": "CR", "StudyDescription": "RX TORAX PA"}, "cxr", None),
            ({"Modality": "DX", "BodyPartExamined": "CHEST", "ViewPosition": "LL"}, "cxr", "LATERAL"),
            ({"Modality": "DX", "BodyPartExamined": "CHEST", "ViewPosition": "AP"}, "cxr", "AP"),
            ({"Modality": "PR"}, "non_image", None),
            ({"Modality": "US"}, "other_image", None),
        ],
    )
    def test_rule(self, attrs: dict[str, str], kind: str, view: str | None) -> None:
        """Body part words and view positions decide cxr vs other_image."""
        c = classify(_ds(PixelData=b"\0\0", **attrs))
        assert (c.kind, c.view) == (kind, view)

    def test_no_pixels_is_non_image(self) -> None:
        """An object without pixel data is never an image."""
        assert classify(_ds(Modality="CT")).kind == "non_image"


class TestRequireImage:
    """require_image refuses non-images by name."""

    def test_structured_report_refused(self) -> None:
        """An SR document raises NotAnImageError saying what it is."""
        ds = pydicom.dcmread(require(HIGHDICOM / "sr_document.dcm"))
        with pytest.raises(NotAnImageError, match="it is a DICOM structured report"):
            require_image(ds)

    def test_image_passes(self) -> None:
        """A CT slice passes and is classified."""
        assert require_image(pydicom.dcmread(require(HIGHDICOM / "ct_image.dcm"))).kind == "ct"
