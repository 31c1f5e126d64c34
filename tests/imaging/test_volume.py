"""CT series to HU volume: the real TCIA series, and the ways a series can be broken."""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest

from imaging.errors import SeriesError
from imaging.volume import CTVolume, load_ct_volume
from tests.imaging.conftest import CT_A0002, HIGHDICOM, require


@pytest.fixture(scope="module")
def a0001(ct_a0001_paths: list[Path]) -> CTVolume:
    """The A0001 volume, loaded once from shuffled paths."""
    shuffled = list(ct_a0001_paths)
    random.Random(7).shuffle(shuffled)
    return load_ct_volume(shuffled)


def _copy(paths: list[Path], dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(p, dest / p.name)) for p in paths]


class TestLoadCtVolume:
    """load_ct_volume on real and deliberately broken series."""

    def test_a0001_shape_and_spacing(self, a0001: CTVolume) -> None:
        """A0001 is 64 slices of 512x512 at 5 mm."""
        assert a0001.shape == (64, 512, 512)
        assert a0001.hu.dtype == np.float32
        assert a0001.spacing[0] == pytest.approx(5.0)
        assert a0001.spacing[1] == a0001.spacing[2] == pytest.approx(0.8418, abs=1e-3)

    def test_a0001_hounsfield_units(self, a0001: CTVolume) -> None:
        """Air outside the body is near -1000 HU; soft tissue sits in 0-100 HU."""
        corner = a0001.hu[:, :24, :24]
        assert float(np.median(corner)) == pytest.approx(-1000, abs=50)
        mid = a0001.hu[32]
        soft = mid[(mid > -100) & (mid < 200)]
        assert soft.size > 10_000
        assert 0 <= float(np.median(soft)) <= 100

    def test_a0001_is_head_to_foot(self, a0001: CTVolume) -> None:
        """Slices run from head to foot: z of Image Position decreases, 5 mm apart."""
        z = [float(pydicom.dcmread(p, stop_before_pixels=True).ImagePositionPatient[2]) for p in a0001.paths]
        assert all(a > b for a, b in itertools.pairwise(z))
        assert a0001.slice_direction == pytest.approx((0.0, 0.0, -1.0))
        assert np.diff(a0001.slice_positions) == pytest.approx(np.full(63, 5.0))
        assert a0001.origin[2] == pytest.approx(max(z))

    def test_a0002_loads(self) -> None:
        """The Siemens series A0002 loads as 30 slices of 512x512."""
        paths = sorted(require(CT_A0002).glob("*.dcm"))
        vol = load_ct_volume(paths, workers=1)
        assert vol.shape == (30, 512, 512)
        assert vol.hu.min() >= -1100

    def test_missing_slice_is_named(self, ct_a0001_paths: list[Path]) -> None:
        """Removing slice 20 reports a missing slice with the gap in mm."""
        paths = ct_a0001_paths[:20] + ct_a0001_paths[21:30]
        with pytest.raises(SeriesError, match=r"1 slice\(s\) appear to be missing.*10\.0 mm"):
            load_ct_volume(paths)

    def test_missing_slice_allowed_on_request(self, ct_a0001_paths: list[Path]) -> None:
        """allow_gaps stacks the slices that are there."""
        vol = load_ct_volume(ct_a0001_paths[:5] + ct_a0001_paths[6:10], allow_gaps=True)
        assert vol.shape[0] == 9

    def test_duplicate_slice_is_named(self, ct_a0001_paths: list[Path], tmp_path: Path) -> None:
        """The same slice twice (under two names) is reported, not stacked."""
        paths = _copy(ct_a0001_paths[:4], tmp_path)
        dup = Path(shutil.copy(paths[1], tmp_path / "copy.dcm"))
        with pytest.raises(SeriesError, match="share a position"):
            load_ct_volume([*paths, dup])

    def test_mixed_orientation_is_named(self, ct_a0001_paths: list[Path], tmp_path: Path) -> None:
        """One tilted slice makes the series refuse to stack."""
        paths = _copy(ct_a0001_paths[:4], tmp_path)
        ds = pydicom.dcmread(paths[2])
        ds.ImageOrientationPatient = [1, 0, 0, 0, 0.8, -0.6]
        ds.save_as(paths[2])
        with pytest.raises(SeriesError, match=r"mixed orientations \(0020,0037\)"):
            load_ct_volume(paths)

    def test_inconsistent_size_is_named(self, ct_a0001_paths: list[Path], tmp_path: Path) -> None:
        """A slice cropped to 256x512 is reported as a different size."""
        paths = _copy(ct_a0001_paths[:3], tmp_path)
        ds = pydicom.dcmread(paths[1])
        ds.PixelData = ds.pixel_array[:256].tobytes()
        ds.Rows = 256
        ds.save_as(paths[1])
        with pytest.raises(SeriesError, match=r"different sizes \(256x512, 512x512\)"):
            load_ct_volume(paths)

    def test_two_series_are_refused(self, ct_a0001_paths: list[Path]) -> None:
        """Files of A0001 and A0002 together are two series."""
        other = sorted(require(CT_A0002).glob("*.dcm"))[:2]
        with pytest.raises(SeriesError, match="2 different series"):
            load_ct_volume(ct_a0001_paths[:2] + other)

    def test_non_ct_is_refused(self) -> None:
        """A radiograph is not part of a HU volume."""
        with pytest.raises(SeriesError, match="modality DX"):
            load_ct_volume([require(HIGHDICOM / "dx_image.dcm")])

    def test_empty_input_is_refused(self) -> None:
        """No files, no volume."""
        with pytest.raises(SeriesError, match="No files"):
            load_ct_volume([])

    def test_sequential_and_parallel_agree(self, ct_a0001_paths: list[Path]) -> None:
        """One reader thread and several give the same volume."""
        a = load_ct_volume(ct_a0001_paths[:8], workers=1)
        b = load_ct_volume(ct_a0001_paths[:8], workers=4)
        np.testing.assert_array_equal(a.hu, b.hu)
