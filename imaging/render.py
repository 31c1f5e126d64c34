"""Previews for people: windowed 8-bit PNGs of CT slices, montages and radiographs.

CT is shown in the lung window (W1500/L-600) and the mediastinal window (W350/L50);
a few key slices plus a montage of the whole series. Radiographs and pictures become
one PNG. Previews are made from de-identified data only and carry no metadata.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from imaging.pixels import AnyArray, FloatArray, window
from imaging.volume import CTVolume


@dataclass(frozen=True)
class Window:
    """A display window in modality units (HU for CT)."""

    name: str
    center: float
    width: float


LUNG = Window("lung", -600.0, 1500.0)
MEDIASTINUM = Window("mediastinum", 50.0, 350.0)
CT_WINDOWS = (LUNG, MEDIASTINUM)
MAX_PREVIEW_SIDE = 1024


def to_uint8(arr01: FloatArray) -> npt.NDArray[np.uint8]:
    """Scale a [0, 1] image to 8 bits (values outside are clipped)."""
    return np.asarray(np.clip(np.rint(arr01 * 255.0), 0, 255), dtype=np.uint8)


def save_png(arr01: FloatArray, path: Path, max_side: int = MAX_PREVIEW_SIDE) -> Path:
    """Write a 2-D [0, 1] image as an 8-bit grayscale PNG, downscaled to ``max_side``.

    Returns:
        ``path``.
    """
    img = Image.fromarray(to_uint8(arr01), mode="L")
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG")
    return path


def key_slice_indices(n_slices: int, count: int = 3) -> list[int]:
    """Evenly spread slice indices (quartiles for 3), without repeats."""
    if n_slices <= 0:
        return []
    picks = {round((i + 1) * (n_slices - 1) / (count + 1)) for i in range(count)}
    return sorted(picks)


def montage(slices: AnyArray, columns: int | None = None) -> FloatArray:
    """Tile ``[n, y, x]`` images into one grid image (empty tiles are black)."""
    n, h, w = slices.shape
    cols = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    grid = np.zeros((rows * h, cols * w), dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, cols)
        grid[r * h : (r + 1) * h, c * w : (c + 1) * w] = slices[i]
    return grid


def render_ct(volume: CTVolume, out_dir: Path, *, key_slices: int = 3, montage_tiles: int = 16) -> list[Path]:
    """Key slices in the lung and mediastinal windows, plus a lung-window montage.

    Args:
        volume: The CT volume (HU).
        out_dir: Folder for the PNGs.
        key_slices: How many key slices per window.
        montage_tiles: Slices in the montage, spread evenly head to foot.

    Returns:
        Paths of the written PNGs: key slices per window, then the montage.
    """
    paths: list[Path] = []
    n = volume.shape[0]
    for win in CT_WINDOWS:
        for idx in key_slice_indices(n, key_slices):
            img = window(volume.hu[idx], win.center, win.width)
            paths.append(save_png(img, out_dir / f"ct_{win.name}_slice{idx:03d}.png"))
    picks = np.unique(np.linspace(0, n - 1, num=min(montage_tiles, n)).round().astype(int))
    tiles = window(volume.hu[picks], LUNG.center, LUNG.width)
    tile_side = 256
    small = np.stack([_resize(t, tile_side) for t in tiles])
    paths.append(save_png(montage(small), out_dir / "ct_lung_montage.png", max_side=2048))
    return paths


def _resize(arr01: FloatArray, side: int) -> FloatArray:
    img = Image.fromarray(arr01.astype(np.float32), mode="F")
    img = img.resize((side, side), Image.Resampling.BILINEAR)
    return np.asarray(img, dtype=np.float32)


def render_radiograph(arr01: FloatArray, out_path: Path) -> Path:
    """A radiograph or picture already in [0, 1] (see ``display_array``) as one PNG."""
    return save_png(arr01, out_path)
