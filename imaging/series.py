"""Series geometry: slice sorting, spacing and consistency checks.

Slices are ordered by (0020,0032) Image Position (Patient) projected on the normal of
(0020,0037) Image Orientation (Patient) (PS3.3 C.7.6.2.1.1), never by Instance Number
or file name. In the patient coordinate system +z points to the head, so axial series
are returned head first (head-to-foot); other orientations in increasing position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset

from imaging.errors import SeriesError

ORIENTATION_TOLERANCE = 1e-3
GAP_FACTOR = 1.5
"""A step larger than this times the typical spacing is reported as a missing slice."""

Vector = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SliceInfo:
    """What sorting needs to know about one slice.

    Attributes:
        path: The file the slice was read from.
        rows: (0028,0010) Rows.
        cols: (0028,0011) Columns.
        position: (0020,0032) Image Position (Patient), mm.
        orientation: (0020,0037) Image Orientation (Patient), six direction cosines.
        pixel_spacing: (0028,0030) Pixel Spacing (row, column), mm, if present.
    """

    path: Path
    rows: int
    cols: int
    position: tuple[float, float, float] | None
    orientation: tuple[float, ...] | None
    pixel_spacing: tuple[float, float] | None


@dataclass(frozen=True)
class SeriesGeometry:
    """Slices in order with the spacing measured from their positions.

    Attributes:
        slices: Slices ordered head-to-foot (axial) or along the normal.
        normal: Unit vector from the first slice towards the next ones.
        slice_spacing: Median distance between neighbouring slices, mm.
        positions: Each slice's position along ``normal``, mm, from the first slice.
        problems: Gaps, duplicates and other findings in plain words.
    """

    slices: tuple[SliceInfo, ...]
    normal: tuple[float, float, float]
    slice_spacing: float
    positions: tuple[float, ...]
    problems: tuple[str, ...]


def _floats(value: object, n: int) -> tuple[float, ...] | None:
    try:
        numbers = tuple(float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    if len(numbers) != n or not all(np.isfinite(numbers)):
        return None
    return numbers


def _int_or_zero(value: object) -> int:
    """An integer attribute, or 0 when it is missing or malformed (e.g. multi-valued)."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value)) if value not in (None, "") else 0
    except ValueError:
        return 0


def slice_info(ds: Dataset, path: Path) -> SliceInfo:
    """Collect the geometry attributes of one dataset (missing ones become None)."""
    position = _floats(ds.get("ImagePositionPatient"), 3)
    spacing = _floats(ds.get("PixelSpacing"), 2)
    return SliceInfo(
        path=path,
        rows=_int_or_zero(ds.get("Rows")),
        cols=_int_or_zero(ds.get("Columns")),
        position=position,  # type: ignore[arg-type]
        orientation=_floats(ds.get("ImageOrientationPatient"), 6),
        pixel_spacing=spacing,  # type: ignore[arg-type]
    )


def slice_normal(orientation: Sequence[float]) -> Vector:
    """Unit normal of a slice: row direction x column direction (PS3.3 C.7.6.2.1.1).

    Raises:
        SeriesError: If the direction cosines are degenerate.
    """
    row = np.asarray(orientation[:3], dtype=np.float64)
    col = np.asarray(orientation[3:6], dtype=np.float64)
    normal = np.cross(row, col)
    norm = float(np.linalg.norm(normal))
    if norm < 1e-6:
        raise SeriesError("(0020,0037) Image Orientation (Patient) does not describe a plane.")
    return normal / norm


def check_consistency(slices: Sequence[SliceInfo]) -> None:
    """Refuse slices that cannot be stacked: no position, mixed sizes or orientations.

    Raises:
        SeriesError: Naming the first problem found.
    """
    if not slices:
        raise SeriesError("The series has no images.")
    sizes = {(s.rows, s.cols) for s in slices}
    if len(sizes) > 1:
        shown = ", ".join(f"{r}x{c}" for r, c in sorted(sizes))
        raise SeriesError(f"The images of this series have different sizes ({shown}).")
    if any(s.position is None or s.orientation is None for s in slices):
        raise SeriesError(
            "Some images lack (0020,0032) Image Position (Patient) or (0020,0037) "
            "Image Orientation (Patient), so they cannot be put in order."
        )
    first = np.asarray(slices[0].orientation)
    for s in slices[1:]:
        if np.max(np.abs(np.asarray(s.orientation) - first)) > ORIENTATION_TOLERANCE:
            raise SeriesError(
                "The images of this series have mixed orientations (0020,0037); "
                "they are not one stack of parallel slices."
            )


def sort_slices(slices: Sequence[SliceInfo]) -> SeriesGeometry:
    """Order slices by position along the orientation normal and measure spacing.

    Args:
        slices: Slices of one series.

    Returns:
        The ordered geometry, with gaps and duplicate positions listed as problems.

    Raises:
        SeriesError: If the slices are inconsistent (see :func:`check_consistency`).
    """
    check_consistency(slices)
    normal = slice_normal(slices[0].orientation or ())
    if normal[2] < -1e-6:
        normal = -normal  # point to the head, so that head-first is decreasing position
    along = np.asarray([np.dot(normal, s.position or (0, 0, 0)) for s in slices])
    if abs(normal[2]) > 1e-6:
        order = np.argsort(-along, kind="stable")  # head first
        direction = -normal
    else:
        order = np.argsort(along, kind="stable")
        direction = normal
    ordered = tuple(slices[i] for i in order)
    dist = np.abs(along[order] - along[order][0])
    steps = np.diff(dist)
    spacing = float(np.median(steps)) if len(steps) else 0.0
    problems = _gap_problems(steps, spacing)
    return SeriesGeometry(
        slices=ordered,
        normal=(float(direction[0]), float(direction[1]), float(direction[2])),
        slice_spacing=spacing,
        positions=tuple(float(d) for d in dist),
        problems=tuple(problems),
    )


def _gap_problems(steps: npt.NDArray[np.float64], spacing: float) -> list[str]:
    problems: list[str] = []
    duplicates = int(np.sum(steps < 1e-3))
    if duplicates:
        problems.append(
            f"{duplicates} image(s) share a position with another image of the series "
            "(duplicates or a mixed series)."
        )
    if spacing > 0:
        gaps = [(i, s) for i, s in enumerate(steps) if s > GAP_FACTOR * spacing]
        if gaps:
            missing = sum(round(s / spacing) - 1 for _, s in gaps)
            problems.append(
                f"About {missing} slice(s) appear to be missing: the gap after image "
                f"{gaps[0][0] + 1} is {gaps[0][1]:.1f} mm where the spacing is "
                f"{spacing:.1f} mm."
            )
    return problems


def require_complete(geometry: SeriesGeometry) -> None:
    """Raise when the sorted series has gaps or duplicates.

    Raises:
        SeriesError: With the first problem in plain words.
    """
    if geometry.problems:
        raise SeriesError(geometry.problems[0])
