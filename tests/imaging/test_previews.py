"""Previews of a whole ingest, made from the de-identified copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from imaging.archive import ArchiveLimits
from imaging.dicom_io import read_dataset
from imaging.ingest import ingest_path
from imaging.pixels import display_array
from imaging.previews import write_previews
from tests.imaging.conftest import SIIM_M2, require


class TestWritePreviews:
    """write_previews renders CT series as sets and other images one by one."""

    def test_ct_series_and_radiograph(
        self, tmp_path: Path, ct_a0001_paths: list[Path], limits: ArchiveLimits
    ) -> None:
        """Eight CT slices give 7 PNGs in one series folder; a film gives one PNG."""
        upload = tmp_path / "upload"
        upload.mkdir()
        for path in ct_a0001_paths[20:28]:
            shutil.copy(path, upload / path.name)
        shutil.copy(require(SIIM_M2), upload / "film.dcm")
        result = ingest_path(upload, tmp_path / "store", limits)
        written = write_previews(result, tmp_path / "previews")
        ct = [p for p in written if p.parent.name.startswith("series_")]
        singles = [p for p in written if p.parent == tmp_path / "previews"]
        assert len(ct) == 7
        assert len(singles) == 1
        assert all(p.is_file() and p.suffix == ".png" for p in written)

    def test_stored_copy_displays_like_the_original(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """De-identification leaves the pixels alone: the stored film displays identically."""
        result = ingest_path(require(SIIM_M2), tmp_path / "store", limits)
        stored = read_dataset(Path(result.objects[0].stored_path or ""))
        original = read_dataset(SIIM_M2)
        np.testing.assert_array_equal(display_array(stored), display_array(original))
