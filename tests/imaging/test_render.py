"""Previews: windowing to 8 bits, key slices, montages and CT preview sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imaging.render import key_slice_indices, montage, render_ct, render_radiograph, to_uint8
from imaging.volume import load_ct_volume


class TestHelpers:
    """Small pure helpers."""

    @pytest.mark.parametrize(("n", "count", "expected"), [(64, 3, [16, 32, 47]), (2, 3, [0, 1]), (0, 3, [])])
    def test_key_slices(self, n: int, count: int, expected: list[int]) -> None:
        """Key slices are spread evenly without repeats."""
        assert key_slice_indices(n, count) == expected

    def test_to_uint8(self) -> None:
        """[0, 1] maps to 0..255 with clipping."""
        assert to_uint8(np.asarray([-1.0, 0.0, 0.5, 1.0, 2.0])).tolist() == [0, 0, 128, 255, 255]

    def test_montage_grid(self) -> None:
        """Five 2x3 tiles make a grid of 2 rows and 3 columns (4x9 pixels)."""
        grid = montage(np.ones((5, 2, 3), dtype=np.float32))
        assert grid.shape == (4, 9)
        assert grid.sum() == 5 * 6


class TestRender:
    """Rendering real data."""

    def test_ct_previews(self, tmp_path: Path, ct_a0001_paths: list[Path]) -> None:
        """Three lung + three mediastinal key slices and a montage, all 8-bit PNGs."""
        vol = load_ct_volume(ct_a0001_paths[::4], allow_gaps=True)
        paths = render_ct(vol, tmp_path)
        names = [p.name for p in paths]
        assert len(paths) == 7
        assert sum("lung_slice" in n for n in names) == 3
        assert sum("mediastinum_slice" in n for n in names) == 3
        assert names[-1] == "ct_lung_montage.png"
        with Image.open(paths[0]) as img:
            assert img.mode == "L"
            assert img.size == (512, 512)
            lung = np.asarray(img)
        assert lung.min() < 80
        assert lung.max() > 200

    def test_radiograph_downscaled(self, tmp_path: Path) -> None:
        """A large radiograph preview is limited to 1024 pixels on its long side."""
        out = render_radiograph(np.random.default_rng(0).random((2048, 1500)), tmp_path / "r.png")
        with Image.open(out) as img:
            assert max(img.size) == 1024
