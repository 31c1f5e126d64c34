"""Tests for imaging.quantitation: lung mask, volume, %LAA-950, nodule candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from imaging.errors import QuantitationError
from imaging.evaluation import CTDetectionReport, evaluate_ct_candidates
from imaging.quantitation import CTMeasurements, quantify_ct

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
A0001 = SHARED / "dicom" / "lung_pet_ct_dx" / "Lung_Dx-A0001_series2_5mm"
SPACING = (5.0, 2.0, 2.0)


def _phantom(nodule_radius_mm: float = 10.0, emphysema: bool = False) -> np.ndarray:
    """A 40x160x160 torso (40 HU) in air with two box lungs (-850 HU), a trachea and a nodule."""
    hu = np.full((40, 160, 160), -1000.0, dtype=np.float32)
    hu[:, 20:140, 10:150] = 40.0
    hu[5:38, 40:120, 20:70] = -850.0
    hu[5:38, 40:120, 90:140] = -850.0
    hu[0:12, 75:81, 77:83] = -1000.0  # trachea, 12 x 12 mm, cranial slices
    hu[11:14, 75:81, 60:100] = -1000.0  # main bronchi joining both lungs
    if emphysema:
        hu[10:30, 50:110, 25:65] = -980.0
    z, y, x = np.ogrid[:40, :160, :160]
    r2 = ((z - 20) * SPACING[0]) ** 2 + ((y - 80) * SPACING[1]) ** 2 + ((x - 115) * SPACING[2]) ** 2
    hu[r2 <= nodule_radius_mm**2] = 30.0
    return hu


class TestPhantom:
    def test_lung_volume_matches_geometry(self) -> None:
        """Lung volume equals the two boxes' volume within 10%."""
        expected_l = 2 * 33 * 80 * 50 * np.prod(SPACING) / 1e6
        m = quantify_ct(_phantom(), SPACING)
        assert m.lung_volume_l == pytest.approx(expected_l, rel=0.1)

    def test_airway_removed_from_lungs(self) -> None:
        """The trachea is found and its air is not counted in %LAA-950."""
        m = quantify_ct(_phantom(), SPACING)
        assert m.airway_volume_ml > 1.0
        assert m.laa950_percent < 1.0

    def test_laa950_counts_low_attenuation(self) -> None:
        """A -980 HU region of known size gives the expected %LAA-950."""
        m = quantify_ct(_phantom(emphysema=True), SPACING)
        expected = 100.0 * (20 * 60 * 40) / (2 * 33 * 80 * 50)
        assert m.laa950_percent == pytest.approx(expected, rel=0.15)

    @pytest.mark.parametrize("radius", [6.0, 10.0, 15.0])
    def test_nodule_found_with_size_and_slice(self, radius: float) -> None:
        """A spherical nodule is found at its slice with about its diameter."""
        m = quantify_ct(_phantom(nodule_radius_mm=radius), SPACING)
        assert m.nodule_candidates, "no candidate found"
        best = m.nodule_candidates[0]
        assert best.slice_index == 20
        assert best.diameter_mm == pytest.approx(2 * radius, rel=0.35)
        assert best.mean_hu > 0.0

    def test_no_body_is_an_error(self) -> None:
        """A volume of pure air has no lungs to measure."""
        with pytest.raises(QuantitationError, match="No body found"):
            quantify_ct(np.full((5, 64, 64), -1000.0, np.float32), SPACING)

    def test_two_dimensional_input_is_an_error(self) -> None:
        """A single slice is not a volume."""
        with pytest.raises(QuantitationError, match="3-D CT volume"):
            quantify_ct(np.zeros((64, 64), np.float32), SPACING)


@pytest.mark.slow
class TestTCIAA0001:
    @pytest.fixture(scope="class")
    def report(self) -> CTDetectionReport:
        """Quantitation of the real 64-slice chest CT A0001, scored against its boxes."""
        if not A0001.is_dir():
            pytest.skip(f"TCIA series not found: {A0001}")
        return evaluate_ct_candidates(A0001, A0001.parent / "annotations" / "A0001")

    @pytest.fixture(scope="class")
    def measured(self, report: CTDetectionReport) -> CTMeasurements:
        """The measurements of that report."""
        return report.measurements

    def test_annotations_map_to_slices(self, report: CTDetectionReport) -> None:
        """The 11 annotated slices of the tumour map into the volume as one lesion."""
        assert report.annotated_lesions == 1
        assert len(report.annotated_slices) == 11
        assert 0.0 <= report.sensitivity <= 1.0
        assert report.false_positives == len(report.measurements.nodule_candidates) - len(
            report.matched_candidates
        )

    def test_adult_lung_volume(self, measured: CTMeasurements) -> None:
        """Lung volume is in the adult range (3-8 L) and %LAA-950 is plausible (<35%)."""
        assert 3.0 <= measured.lung_volume_l <= 8.0
        assert 0.0 <= measured.laa950_percent <= 35.0
        assert measured.airway_volume_ml > 5.0

    def test_candidates_inside_volume(self, measured: CTMeasurements) -> None:
        """Candidates exist and lie within the scan."""
        assert measured.nodule_candidates
        for c in measured.nodule_candidates:
            assert 0 <= c.slice_index < 64
            assert c.diameter_mm >= 5.0
