"""Model input preparation shared by training and inference.

The same functions turn a display image (float32 in [0, 1], 2-D, as produced by
``imaging.pixels.display_array`` or by :func:`load_image_file`) into the tensor a model
expects, so that the training cache and inference can never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F  # noqa: N812 - the PyTorch convention
from PIL import Image

FloatImage = npt.NDArray[np.float32]


def load_image_file(path: Path) -> FloatImage:
    """Decode a PNG/JPEG file to a grayscale float32 image in [0, 1].

    Args:
        path: Image file readable by Pillow.

    Returns:
        A 2-D float32 array with 0 = black and 1 = white.
    """
    with Image.open(path) as img:
        gray = img.convert("L")
        return np.asarray(gray, dtype=np.float32) / 255.0


def as_display_image(image: npt.ArrayLike) -> FloatImage:
    """Coerce an image to a 2-D float32 array in [0, 1].

    Accepts 2-D grayscale, or 3-D ``(H, W, C)`` colour (averaged), in [0, 1] or [0, 255].

    Raises:
        ValueError: If the array is not 2-D or 3-D, or is empty.
    """
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr.mean(axis=2)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"expected a 2-D image, got shape {arr.shape}")
    if float(arr.max(initial=0.0)) > 1.0 + 1e-6:
        arr = arr / 255.0
    return np.clip(arr, 0.0, 1.0).astype(np.float32)


def resize_square(image: FloatImage, size: int) -> FloatImage:
    """Resize a [0, 1] image to ``size x size`` with antialiased bilinear interpolation.

    The aspect ratio is not preserved, matching how the training images were produced.
    """
    t = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None]
    out = F.interpolate(t, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return np.asarray(out[0, 0].clamp(0.0, 1.0).numpy(), dtype=np.float32)


def center_crop_square(image: FloatImage) -> FloatImage:
    """Crop the largest centred square (TorchXRayVision's ``XRayCenterCrop``)."""
    h, w = image.shape
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return image[top : top + side, left : left + side]


def scale_intensity(image: FloatImage, intensity_range: tuple[float, float]) -> FloatImage:
    """Map [0, 1] linearly onto ``intensity_range`` (e.g. (-1024, 1024) for TorchXRayVision)."""
    low, high = intensity_range
    return (image * (high - low) + low).astype(np.float32)


def equalize(batch: torch.Tensor) -> torch.Tensor:
    """Per-image histogram equalisation of ``(N, 1, H, W)`` images onto [0, 1].

    Each pixel becomes its mid-rank among the image's pixels (ties share the average rank),
    so any monotone change of brightness, contrast or gamma leaves the result unchanged:
    the model cannot read exposure. Used identically in training and inference.
    """
    n = batch.shape[0]
    flat = batch.reshape(n, -1).float().contiguous()
    ordered, _ = torch.sort(flat, dim=1)
    low = torch.searchsorted(ordered, flat, right=False)
    high = torch.searchsorted(ordered, flat, right=True)
    ranks = (low + high - 1).float() / (2.0 * max(flat.shape[1] - 1, 1))
    return ranks.reshape(batch.shape)


def prepare_batch(
    images: Sequence[npt.ArrayLike],
    size: int,
    intensity_range: tuple[float, float],
    center_crop: bool = False,
    equalise: bool = False,
) -> torch.Tensor:
    """Build a model input batch ``(N, 1, size, size)`` float32 from display images.

    Args:
        images: 2-D (or colour) images in [0, 1] or [0, 255].
        size: Model input side in pixels.
        intensity_range: Target value range of the model input.
        center_crop: Crop the central square first instead of squashing.
        equalise: Histogram-equalise each resized image (:func:`equalize`) before scaling.

    Returns:
        A contiguous float32 CPU tensor.
    """
    prepared = []
    for image in images:
        arr = as_display_image(image)
        if center_crop:
            arr = center_crop_square(arr)
        prepared.append(resize_square(arr, size))
    batch = torch.from_numpy(np.stack(prepared)[:, None])
    if equalise:
        # the training cache holds 8-bit images: quantise the same way so ranks match
        batch = equalize(torch.round(batch * 255.0))
    low, high = intensity_range
    return (batch * (high - low) + low).float().contiguous()
