"""Slice sorting by position along the orientation normal, spacing and gap detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from imaging.errors import SeriesError
from imaging.series import SliceInfo, check_consistency, slice_normal, sort_slices

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
SAGITTAL = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)


def _slice(name: str, z: float, orientation: tuple[float, ...] = AXIAL, size: int = 4) -> SliceInfo:
    position = (0.0, 0.0, z) if orientation == AXIAL else (z, 0.0, 0.0)
    return SliceInfo(Path(name), size, size, position, orientation, (0.5, 0.5))


class TestSliceNormal:
    """The normal is the row direction crossed with the column direction."""

    @pytest.mark.parametrize(
        ("orientation", "normal"),
        [(AXIAL, (0, 0, 1)), (SAGITTAL, (-1, 0, 0)), ((1, 0, 0, 0, 0, -1), (0, 1, 0))],
    )
    def test_normal(self, orientation: tuple[float, ...], normal: tuple[int, ...]) -> None:
        """Axial, sagittal and coronal orientations give the expected normals."""
        assert tuple(slice_normal(orientation)) == pytest.approx(normal)

    def test_degenerate_orientation(self) -> None:
        """Parallel row and column directions name (0020,0037)."""
        with pytest.raises(SeriesError, match=r"\(0020,0037\)"):
            slice_normal((1, 0, 0, 1, 0, 0))


class TestSortSlices:
    """Ordering ignores file names and instance numbers."""

    def test_axial_sorted_head_first_not_by_name(self) -> None:
        """Names say a, b, c but positions put c (highest z) first."""
        geo = sort_slices([_slice("a", -10.0), _slice("b", 0.0), _slice("c", 10.0)])
        assert [s.path.name for s in geo.slices] == ["c", "b", "a"]
        assert geo.slice_spacing == pytest.approx(10.0)
        assert geo.normal == pytest.approx((0, 0, -1))
        assert geo.problems == ()

    def test_sagittal_sorted_along_normal(self) -> None:
        """Non-axial series are ordered by increasing position along the normal."""
        geo = sort_slices([_slice("p", 2.0, SAGITTAL), _slice("q", 1.0, SAGITTAL)])
        assert [s.path.name for s in geo.slices] == ["p", "q"]

    def test_gap_reported(self) -> None:
        """A 3-slice gap in a 1 mm series is reported as 2 missing slices."""
        geo = sort_slices([_slice(str(i), z) for i, z in enumerate([0.0, 1.0, 2.0, 5.0, 6.0])])
        assert any("About 2 slice(s) appear to be missing" in p for p in geo.problems)

    def test_duplicate_reported(self) -> None:
        """Two slices at one position are reported."""
        geo = sort_slices([_slice("a", 0.0), _slice("b", 0.0), _slice("c", 1.0)])
        assert any("share a position" in p for p in geo.problems)


class TestCheckConsistency:
    """What cannot be stacked is refused with the reason."""

    @pytest.mark.parametrize(
        ("slices", "match"),
        [
            ([], "no images"),
            ([_slice("a", 0), _slice("b", 1, size=8)], r"different sizes \(4x4, 8x8\)"),
            ([_slice("a", 0), _slice("b", 1, SAGITTAL)], "mixed orientations"),
            (
                [_slice("a", 0), SliceInfo(Path("b"), 4, 4, None, AXIAL, None)],
                r"\(0020,0032\) Image Position",
            ),
        ],
    )
    def test_refused(self, slices: list[SliceInfo], match: str) -> None:
        """Each inconsistency raises SeriesError naming it."""
        with pytest.raises(SeriesError, match=match):
            check_consistency(slices)
