"""Previews of everything an ingest stored, for the chat and the review cockpit."""

from __future__ import annotations

import logging
from pathlib import Path

from imaging.dicom_io import read_dataset
from imaging.errors import ImagingError
from imaging.objects import ImagingObject, IngestResult
from imaging.photo import picture_array
from imaging.pixels import FloatArray, display_array
from imaging.render import render_ct, render_radiograph
from imaging.volume import load_ct_volume

logger = logging.getLogger(__name__)


def write_previews(result: IngestResult, out_dir: Path) -> list[Path]:
    """Render PNG previews of an ingest's stored (de-identified) files.

    CT series of at least two slices get key slices in the lung and mediastinal
    windows and a montage, in ``series_<n>/``; every other image gets one PNG.
    Objects that cannot be rendered are skipped (their problems are already in
    ``result``).

    Args:
        result: What :func:`imaging.ingest.ingest_path` returned.
        out_dir: Folder for the previews.

    Returns:
        Paths of the PNGs written.
    """
    written: list[Path] = []
    in_volumes: set[str] = set()
    for n, series in enumerate(result.series):
        if series.kind != "ct" or len(series.stored_paths) < 2:
            continue
        try:
            volume = load_ct_volume([Path(p) for p in series.stored_paths], allow_gaps=True)
        except ImagingError as e:
            logger.info("no CT preview for series %d: %s", n, type(e).__name__)
            continue
        written += render_ct(volume, out_dir / f"series_{n:02d}")
        in_volumes.update(series.stored_paths)
    for n, obj in enumerate(result.objects):
        if obj.stored_path is None or obj.stored_path in in_volumes:
            continue
        if obj.kind == "non_image":
            continue
        try:
            written.append(render_object(obj, out_dir / f"image_{n:03d}.png"))
        except ImagingError as e:
            logger.info("no preview for object %d: %s", n, type(e).__name__)
    return written


def render_object(obj: ImagingObject, path: Path) -> Path:
    """One windowed PNG of a stored (de-identified) 2-D object; raises ImagingError if unreadable."""
    return render_radiograph(_array(obj), path)


def _array(obj: ImagingObject) -> FloatArray:
    path = Path(obj.stored_path or "")
    if obj.kind == "photo":
        return picture_array(path)
    return display_array(read_dataset(path))
