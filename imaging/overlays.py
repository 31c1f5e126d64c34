"""Overlays for the image viewer: a CT mask as one small PNG atlas of its slices.

A viewer draws a slice's tile over the image at that slice; one file per series keeps
the request count (and the audit trail) to one. Tiles are in volume order (the order of
:attr:`imaging.volume.CTVolume.paths`), left to right, then top to bottom.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image
from pydantic import BaseModel, Field

#: Colour of the lung mask (RGBA): a light cyan, half opaque, readable on the lung window.
MASK_RGBA = (0, 200, 255, 70)


class MaskAtlas(BaseModel):
    """Where the atlas PNG is and how its tiles are laid out."""

    path: str
    columns: int = Field(description="Tiles per row.")
    slices: int = Field(description="Number of tiles (slices).")
    tile_rows: int = Field(description="Height of one tile in pixels.")
    tile_cols: int = Field(description="Width of one tile in pixels.")
    factor: int = Field(description="Downsampling factor from the image matrix.")


def save_mask_atlas(mask: npt.NDArray[np.bool_], path: Path, factor: int = 2) -> MaskAtlas:
    """Write a boolean ``[z, y, x]`` mask as an RGBA PNG atlas of downsampled slices.

    Args:
        mask: One boolean slice per z index.
        path: Where to write the PNG (its folder is created).
        factor: Keep every ``factor``-th row and column (2: 512 px slices become 256 px tiles).
    """
    if mask.ndim != 3 or mask.shape[0] == 0:
        raise ValueError(f"Expected a 3-D mask with at least one slice, got shape {mask.shape}.")
    small = mask[:, ::factor, ::factor]
    z, rows, cols = small.shape
    columns = math.ceil(math.sqrt(z))
    grid = np.zeros((math.ceil(z / columns) * rows, columns * cols), dtype=bool)
    for i in range(z):
        r, c = divmod(i, columns)
        grid[r * rows : (r + 1) * rows, c * cols : (c + 1) * cols] = small[i]
    rgba = np.zeros((*grid.shape, 4), dtype=np.uint8)
    rgba[grid] = MASK_RGBA
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgba, mode="RGBA").save(path, format="PNG", optimize=True)
    return MaskAtlas(path=str(path), columns=columns, slices=z, tile_rows=rows, tile_cols=cols, factor=factor)
