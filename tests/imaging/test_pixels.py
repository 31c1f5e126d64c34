"""Pixel handling: LUTs, windows, photometric interpretations, and every real test file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydicom.data import get_testdata_files
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import BaseTag

from imaging.classify import classify
from imaging.dicom_io import read_dataset, sniff
from imaging.errors import DicomDecodeError, ImagingError, PixelDataError
from imaging.pixels import (
    apply_rescale,
    apply_voi_lut,
    check_pixel_attributes,
    dataset_window,
    decode_frame,
    display_array,
    min_max,
    to_monochrome2,
    window,
    ybr_to_rgb,
)
from tests.imaging.conftest import DICOM_DIR, XRV_SAMPLES, require, shared_files

PYDICOM_FILES = sorted(Path(p) for p in get_testdata_files() if Path(p).is_file())


def pydicom_file(name: str) -> Path:
    """A test file shipped in pydicom's wheel (never one that needs a download)."""
    for path in PYDICOM_FILES:
        if path.name == name:
            return path
    pytest.skip(f"pydicom test file {name} is not shipped in this pydicom wheel")


def _ds(**attrs: object) -> Dataset:
    ds = Dataset()
    for key, value in attrs.items():
        setattr(ds, key, value)
    return ds


def _decode(path: Path) -> tuple[Dataset, np.ndarray] | ImagingError | None:
    """Decode a file for display; None for non-DICOM files and non-image objects."""
    if sniff(path) not in ("dicom", "dicomdir"):
        return None
    try:
        ds = read_dataset(path)
        if classify(ds).kind == "non_image":
            return None
        return ds, display_array(ds)
    except ImagingError as e:
        return e


def _assert_decodes_or_domain_error(path: Path) -> None:
    outcome = _decode(path)
    if isinstance(outcome, ImagingError):
        assert outcome.message
        assert "Traceback" not in str(outcome)
        return
    if outcome is None:
        return
    ds, arr = outcome
    assert arr.ndim == 2
    assert arr.shape == (int(ds.Rows), int(ds.Columns))
    assert arr.dtype == np.float32
    assert np.isfinite(arr).all()
    assert 0.0 <= float(arr.min()) <= float(arr.max()) <= 1.0


class TestWindow:
    """Linear VOI windowing (PS3.3 C.11.2.1.2.1)."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(-2000.0, 0.0), (-1350.0, 0.0), (-600.0, 0.5), (150.0, 1.0), (3000.0, 1.0)],
    )
    def test_lung_window_maps_hu(self, value: float, expected: float) -> None:
        """W1500/L-600 maps air to black, the centre to mid-grey, bone to white."""
        out = window(np.asarray([value], dtype=np.float32), -600.0, 1500.0)
        assert out[0] == pytest.approx(expected, abs=1e-3)

    def test_width_below_one_is_clamped(self) -> None:
        """A zero width does not divide by zero."""
        out = window(np.asarray([0.0, 10.0]), 5.0, 0.0)
        assert np.isfinite(out).all()

    @pytest.mark.parametrize(
        ("center", "width", "expected"),
        [([40, -600], [350, 1200], (40.0, 350.0)), ("50", "400", (50.0, 400.0)), (None, 1, None)],
    )
    def test_dataset_window_takes_first_value(
        self, center: object, width: object, expected: tuple[float, float] | None
    ) -> None:
        """(0028,1050)/(0028,1051) use their first value; missing gives None."""
        ds = _ds()
        if center is not None:
            ds.WindowCenter, ds.WindowWidth = center, width
        assert dataset_window(ds) == expected


class TestRescale:
    """Modality LUT: Rescale Slope and Intercept (PS3.3 C.11.1)."""

    def test_ct_stored_values_become_hu(self) -> None:
        """Stored 0 with intercept -1024 is -1024 HU."""
        ds = _ds(RescaleSlope=1, RescaleIntercept=-1024)
        out = apply_rescale(np.asarray([0, 1024, 1064], dtype=np.uint16), ds)
        assert out.tolist() == [-1024.0, 0.0, 40.0]
        assert out.dtype == np.float32

    def test_non_numeric_slope_names_tag(self) -> None:
        """A broken slope names (0028,1053)."""
        ds = _ds()
        tag = BaseTag(0x00281053)
        ds[tag] = RawDataElement(tag, "DS", 3, b"abc", 0, False, True)  # type: ignore[assignment]
        with pytest.raises(PixelDataError, match=r"\(0028,1053\) Rescale Slope"):
            apply_rescale(np.zeros(2), ds)


class TestPhotometric:
    """MONOCHROME1 inversion, YBR to RGB, unsupported interpretations."""

    def test_unsupported_interpretation_names_tag(self) -> None:
        """An unknown Photometric Interpretation names (0028,0004)."""
        ds = _ds(
            PhotometricInterpretation="HSV",
            Rows=2,
            Columns=2,
            BitsAllocated=8,
            BitsStored=8,
            SamplesPerPixel=3,
            PixelData=b"\0" * 12,
        )
        with pytest.raises(PixelDataError, match=r"\(0028,0004\) Photometric Interpretation 'HSV' is not"):
            check_pixel_attributes(ds)

    @pytest.mark.parametrize(
        ("attrs", "tag"),
        [
            ({"Rows": 0}, r"\(0028,0010\)"),
            ({"BitsAllocated": 12}, r"\(0028,0100\)"),
            ({"BitsStored": 17}, r"\(0028,0101\)"),
            ({"SamplesPerPixel": 2}, r"\(0028,0002\)"),
            ({"Rows": 9000, "Columns": 9000}, r"larger than we can decode"),
        ],
    )
    def test_inconsistent_pixel_module_names_tag(self, attrs: dict[str, int], tag: str) -> None:
        """Each inconsistent Image Pixel attribute is named in the error."""
        base = {
            "PhotometricInterpretation": "MONOCHROME2",
            "Rows": 4,
            "Columns": 4,
            "BitsAllocated": 16,
            "BitsStored": 12,
            "SamplesPerPixel": 1,
            "PixelData": b"\0" * 32,
        }
        with pytest.raises(PixelDataError, match=tag):
            check_pixel_attributes(_ds(**(base | attrs)))

    def test_monochrome1_is_inverted(self) -> None:
        """MONOCHROME1 flips [0, 1]; MONOCHROME2 is unchanged."""
        arr = np.asarray([0.0, 0.25, 1.0], dtype=np.float32)
        assert to_monochrome2(arr, _ds(PhotometricInterpretation="MONOCHROME1")).tolist() == [1.0, 0.75, 0.0]
        assert to_monochrome2(arr, _ds(PhotometricInterpretation="MONOCHROME2")) is arr

    def test_siim_monochrome1_copy_is_inverted(self, siim_pair: tuple[Path, Path]) -> None:
        """The MONOCHROME1 copy, inverted back, matches its MONOCHROME2 original (r > 0.99).

        The shared copy keeps the original stored values and only changes (0028,0004),
        so a correct viewer shows it as the negative of the original: its display,
        inverted once more, must correlate with the original's display.
        """
        ds2, ds1 = (read_dataset(p) for p in siim_pair)
        assert np.array_equal(decode_frame(ds1), decode_frame(ds2))
        m2, m1 = display_array(ds2), display_array(ds1)
        assert m2.shape == m1.shape == (1024, 1024)
        r = float(np.corrcoef(m2.ravel(), (1.0 - m1).ravel())[0, 1])
        assert r > 0.99
        np.testing.assert_allclose(m1, 1.0 - m2, atol=1e-6)

    def test_ybr_full_422_converts_to_rgb(self) -> None:
        """pydicom's YBR_FULL_422 sample becomes RGB with a red first band."""
        ds = read_dataset(pydicom_file("SC_ybr_full_422_uncompressed.dcm"))
        rgb = ybr_to_rgb(decode_frame(ds), ds)
        assert rgb.shape == (100, 100, 3)
        assert tuple(rgb[5, 50]) == pytest.approx((255, 0, 0), abs=3)

    def test_jpeg_ybr_full_displays_as_gray(self) -> None:
        """A JPEG-compressed YBR_FULL image decodes to 2-D grey in [0, 1]."""
        arr = display_array(read_dataset(pydicom_file("SC_rgb_jpeg_dcmtk.dcm")))
        assert arr.shape == (100, 100)
        assert 0.0 <= arr.min() <= arr.max() <= 1.0


class TestVoiLut:
    """VOI LUT Sequence, window, or min-max."""

    def test_min_max_of_constant_is_zero(self) -> None:
        """A flat image stretches to all zeros, not NaN."""
        assert min_max(np.full((3, 3), 7.0)).max() == 0.0

    def test_without_window_uses_min_max(self) -> None:
        """No VOI attributes: the full range maps to [0, 1]."""
        out = apply_voi_lut(np.asarray([10.0, 20.0, 30.0]), _ds())
        assert out.tolist() == [0.0, 0.5, 1.0]


class TestDecodeFrame:
    """Decoding compressed and multi-frame data."""

    @pytest.mark.parametrize(
        ("name", "shape"),
        [
            ("MR_small_RLE.dcm", (64, 64)),
            ("JPEG2000.dcm", (1024, 256)),
            ("CT_small.dcm", (128, 128)),
        ],
    )
    def test_compressed_files_decode(self, name: str, shape: tuple[int, int]) -> None:
        """RLE and JPEG 2000 decode through the installed pylibjpeg plugins."""
        assert decode_frame(read_dataset(pydicom_file(name))).shape == shape

    def test_multi_frame_ybr_jpeg(self) -> None:
        """Each of the 30 frames of a YBR_FULL_422 JPEG ultrasound displays as 2-D grey."""
        ds = read_dataset(pydicom_file("examples_ybr_color.dcm"))
        first, last = display_array(ds, 0), display_array(ds, 29)
        assert first.shape == last.shape == (int(ds.Rows), int(ds.Columns))
        assert not np.array_equal(first, last)

    @pytest.mark.parametrize(
        "name", ["SC_rgb_rle_2frame.dcm", "SC_rgb_rle_16bit_2frame.dcm", "SC_rgb_rle_32bit_2frame.dcm"]
    )
    def test_rgb_bit_depths(self, name: str) -> None:
        """8, 16 and 32-bit RGB frames scale into [0, 1] by their bit depth."""
        arr = display_array(read_dataset(pydicom_file(name)), 1)
        assert arr.shape == (100, 100)
        assert 0.0 <= arr.min() < arr.max() <= 1.0

    def test_missing_frame_names_tag(self) -> None:
        """Asking for frame 5 of a single frame names (0028,0008)."""
        with pytest.raises(PixelDataError, match=r"\(0028,0008\) Frame 5"):
            decode_frame(read_dataset(pydicom_file("CT_small.dcm")), 5)

    def test_truncated_pixel_data_is_a_domain_error(self) -> None:
        """pydicom's truncated MR raises DicomDecodeError naming Pixel Data."""
        with pytest.raises(DicomDecodeError, match=r"\(7FE0,0010\)"):
            decode_frame(read_dataset(pydicom_file("MR_truncated.dcm")))


class TestRealFiles:
    """Every real file decodes to the right shape and range or fails with a domain error."""

    @pytest.mark.parametrize(
        "path", shared_files(DICOM_DIR) + shared_files(XRV_SAMPLES), ids=lambda p: p.name[:40]
    )
    def test_shared_data_file(self, path: Path) -> None:
        """A file of ../shared/data decodes correctly or raises a domain error."""
        _assert_decodes_or_domain_error(path)

    @pytest.mark.parametrize("path", PYDICOM_FILES, ids=lambda p: p.name)
    def test_pydicom_test_file(self, path: Path) -> None:
        """A file shipped with pydicom decodes correctly or raises a domain error."""
        _assert_decodes_or_domain_error(path)

    def test_ct_slice_hu_range(self, ct_a0001_paths: list[Path]) -> None:
        """A mid-chest A0001 slice holds air near -1000 HU and soft tissue 0-100 HU."""
        hu = apply_rescale(
            decode_frame(read_dataset(ct_a0001_paths[32])),
            read_dataset(ct_a0001_paths[32], stop_before_pixels=True),
        )
        assert float(np.percentile(hu, 5)) == pytest.approx(-1000, abs=60)
        assert hu.max() > 100

    def test_shared_data_present(self) -> None:
        """The shared DICOM folder is there (otherwise the tables above are empty)."""
        require(DICOM_DIR)
        assert len(shared_files(DICOM_DIR)) > 100
