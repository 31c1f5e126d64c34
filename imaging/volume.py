"""CT series to a Hounsfield-unit volume with its geometry.

Files are read and decoded in parallel threads (file reading and the compressed-pixel
codecs release the GIL), then sorted by position along the orientation normal and
checked for gaps, mixed orientations and inconsistent sizes before stacking.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from imaging.dicom_io import read_dataset
from imaging.errors import DicomDecodeError, ImagingError, SeriesError
from imaging.pixels import FloatArray, hu_frame
from imaging.series import SliceInfo, require_complete, slice_info, sort_slices

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CTVolume:
    """A CT series as a volume in Hounsfield units.

    Attributes:
        hu: float32 array ``[z, y, x]``; z follows ``slice_direction`` (head to foot
            for axial series), y the column direction, x the row direction.
        spacing: ``(z, y, x)`` voxel size in mm; z measured from positions.
        origin: (0020,0032) position of the first slice (voxel ``[0, 0, 0]``), mm.
        orientation: (0020,0037) row and column direction cosines.
        slice_direction: Unit vector from one slice to the next, patient coordinates.
        slice_positions: Each slice's distance from the first along the direction, mm.
        paths: The files, in volume order.
    """

    hu: FloatArray
    spacing: tuple[float, float, float]
    origin: tuple[float, float, float]
    orientation: tuple[float, ...]
    slice_direction: tuple[float, float, float]
    slice_positions: tuple[float, ...]
    paths: tuple[Path, ...]

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(z, y, x)`` voxel counts."""
        z, y, x = self.hu.shape
        return int(z), int(y), int(x)


@dataclass(frozen=True)
class _Slice:
    info: SliceInfo
    hu: FloatArray
    modality: str
    series_uid: str


VOLUME_TAGS = (
    "Modality",
    "SeriesInstanceUID",
    "NumberOfFrames",
    "ImagePositionPatient",
    "ImageOrientationPatient",
    "PixelSpacing",
    "SamplesPerPixel",
    "PhotometricInterpretation",
    "Rows",
    "Columns",
    "BitsAllocated",
    "BitsStored",
    "HighBit",
    "PixelRepresentation",
    "RescaleSlope",
    "RescaleIntercept",
    "ModalityLUTSequence",
    "PixelData",
)
"""The only attributes a volume needs; reading just these is much faster."""


def _read_slice(path: Path) -> _Slice:
    try:
        return _read_slice_unguarded(path)
    except ImagingError:
        raise
    except Exception as e:  # damaged values surface as many types
        raise DicomDecodeError("A file of the CT series has damaged attributes.") from e


def _read_slice_unguarded(path: Path) -> _Slice:
    ds = read_dataset(path, specific_tags=VOLUME_TAGS)
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        raise SeriesError(
            "Multi-frame (enhanced) CT files are not supported as volumes yet.",
            remedy="Ask the hospital for a classic single-frame CT export.",
        )
    return _Slice(
        info=slice_info(ds, path),
        hu=hu_frame(ds),
        modality=str(ds.get("Modality", "") or "").upper(),
        series_uid=str(ds.get("SeriesInstanceUID", "") or ""),
    )


def default_workers() -> int:
    """Threads used for reading: the CPU count, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def read_slices(paths: Sequence[Path], workers: int | None = None) -> list[_Slice]:
    """Read and decode every file, in parallel when ``workers`` > 1."""
    n = workers or default_workers()
    if n <= 1 or len(paths) < 2:
        return [_read_slice(p) for p in paths]
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(_read_slice, paths))


def load_ct_volume(
    paths: Sequence[Path], *, workers: int | None = None, allow_gaps: bool = False
) -> CTVolume:
    """Load a CT series into a HU volume ordered along the orientation normal.

    Args:
        paths: The files of one CT series, in any order.
        workers: Reader threads; default :func:`default_workers`, 1 reads sequentially.
        allow_gaps: Stack even when slices are missing or duplicated (the spacing is
            then only the typical one); by default that raises.

    Returns:
        The volume with spacing, origin, orientation and slice positions.

    Raises:
        SeriesError: Not CT, several series, mixed sizes or orientations, missing
            position, missing or duplicate slices.
        DicomDecodeError: A file is damaged.
    """
    if not paths:
        raise SeriesError("No files were given for the CT series.")
    slices = read_slices(list(paths), workers)
    _check_same_series(slices)
    geometry = sort_slices([s.info for s in slices])
    if not allow_gaps:
        require_complete(geometry)
    by_path = {s.info.path: s for s in slices}
    ordered = [by_path[info.path] for info in geometry.slices]
    hu = np.stack([s.hu for s in ordered]).astype(np.float32, copy=False)
    first = geometry.slices[0]
    row_mm, col_mm = first.pixel_spacing or (1.0, 1.0)
    if first.pixel_spacing is None:
        logger.info("CT series without pixel spacing; assuming 1 mm")
    z_mm = geometry.slice_spacing or 1.0
    return CTVolume(
        hu=hu,
        spacing=(z_mm, float(row_mm), float(col_mm)),
        origin=first.position or (0.0, 0.0, 0.0),
        orientation=tuple(first.orientation or ()),
        slice_direction=tuple(v + 0.0 for v in geometry.normal),  # type: ignore[arg-type]
        slice_positions=geometry.positions,
        paths=tuple(info.path for info in geometry.slices),
    )


def _check_same_series(slices: Sequence[_Slice]) -> None:
    modalities = {s.modality for s in slices}
    if modalities != {"CT"}:
        shown = ", ".join(sorted(m or "unknown" for m in modalities))
        raise SeriesError(f"Only CT images can form a HU volume; found modality {shown}.")
    series = {s.series_uid for s in slices}
    if len(series) > 1:
        raise SeriesError(
            f"The files belong to {len(series)} different series (0020,000E); load one series at a time."
        )
