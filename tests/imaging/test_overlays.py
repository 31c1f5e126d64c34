"""The lung-mask atlas the viewer draws over each CT slice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imaging.overlays import MASK_RGBA, save_mask_atlas


class TestMaskAtlas:
    def test_tiles_follow_slices(self, tmp_path: Path) -> None:
        """Slice i sits at tile (i // columns, i % columns), downsampled, in the mask colour."""
        mask = np.zeros((5, 8, 8), dtype=bool)
        for i in range(5):
            mask[i, i, :] = True  # row i of slice i
        atlas = save_mask_atlas(mask, tmp_path / "a.png", factor=2)
        assert (atlas.columns, atlas.slices, atlas.tile_rows, atlas.tile_cols) == (3, 5, 4, 4)
        pixels = np.asarray(Image.open(atlas.path))
        assert pixels.shape == (2 * 4, 3 * 4, 4)
        for i in range(5):
            r, c = divmod(i, 3)
            tile = pixels[r * 4 : (r + 1) * 4, c * 4 : (c + 1) * 4]
            painted = {int(y) for y in np.nonzero(tile[..., 3])[0]}
            assert painted == ({i // 2} if i % 2 == 0 else set())
            assert tuple(tile[i // 2, 0]) == (MASK_RGBA if i % 2 == 0 else (0, 0, 0, 0))

    def test_not_a_volume_is_refused(self, tmp_path: Path) -> None:
        """A 2-D mask is refused with its shape named."""
        with pytest.raises(ValueError, match=r"\(4, 4\)"):
            save_mask_atlas(np.zeros((4, 4), dtype=bool), tmp_path / "a.png")
