"""Pictures that are, and are not, upright frontal chest radiographs (for the input guard).

Negatives are real where the shared data has them (CT slices rendered in several windows,
a non-chest DX radiograph, real films rotated, mirrored, turned upside down or inverted)
and generated where it does not (documents with text, synthetic patterns, natural-image-
like textures in colour and in grey). Every generator takes a seed, so the guard's training
pictures and the challenge set are drawn from different films, CT series and seeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from imaging.pixels import display_array, hu_frame

Picture = npt.NDArray[np.float32]
FILM_TRANSFORMS = ("rotated_90", "rotated_270", "upside_down", "mirrored", "inverted", "inverted_mirrored")
CT_WINDOWS = ((-600.0, 1500.0), (50.0, 350.0), (300.0, 1500.0))
_WORDS = (
    "patient",
    "report",
    "result",
    "normal",
    "value",
    "date",
    "clinic",
    "referral",
    "laboratory",
    "blood",
    "pressure",
    "dose",
    "tablet",
    "daily",
    "morning",
    "evening",
    "discharge",
    "summary",
    "history",
    "examination",
    "signed",
    "page",
    "total",
)


def transform_film(film: Picture, kind: str) -> Picture:
    """A real film made wrong: rotated, upside down, mirrored or inverted (a negative)."""
    match kind:
        case "rotated_90":
            out = np.rot90(film, 1)
        case "rotated_270":
            out = np.rot90(film, 3)
        case "upside_down":
            out = film[::-1, :]
        case "mirrored":
            out = film[:, ::-1]
        case "inverted":
            out = 1.0 - film
        case "inverted_mirrored":
            out = 1.0 - film[:, ::-1]
        case _:
            raise ValueError(f"unknown film transform {kind!r}")
    return np.ascontiguousarray(out, dtype=np.float32)


def ct_pictures(series_dir: Path) -> Iterator[Picture]:
    """Every slice of a CT series rendered as a picture, in each of three windows."""
    import pydicom

    for path in sorted(series_dir.glob("*.dcm")):
        hu = hu_frame(pydicom.dcmread(path))
        for center, width in CT_WINDOWS:
            yield np.clip((hu - (center - width / 2)) / width, 0.0, 1.0).astype(np.float32)


def dicom_picture(path: Path) -> Picture:
    """The display image of one DICOM file."""
    import pydicom

    return np.asarray(display_array(pydicom.dcmread(path)), dtype=np.float32)


def document(rng: np.random.Generator, size: int = 256) -> Picture:
    """A page of text lines, sometimes with boxes, as a scanned or exported document."""
    img = Image.new("L", (size, size), int(rng.integers(200, 256)))
    draw = ImageDraw.Draw(img)
    y = int(rng.integers(4, 20))
    while y < size - 10:
        words = " ".join(rng.choice(_WORDS, size=int(rng.integers(2, 7))))
        draw.text((int(rng.integers(2, 30)), y), words, fill=int(rng.integers(0, 80)))
        if rng.random() < 0.15:
            draw.rectangle([8, y - 2, size - 8, y + 12], outline=int(rng.integers(0, 120)))
        y += int(rng.integers(10, 22))
    return np.asarray(np.asarray(img, dtype=np.float32) / 255.0, dtype=np.float32)


def synthetic(rng: np.random.Generator, size: int = 256) -> Picture:
    """Noise, gradients, stripes, checkerboards or blobs."""
    yy, xx = np.mgrid[0:size, 0:size] / size
    kind = int(rng.integers(0, 5))
    if kind == 0:
        out = rng.random((size, size))
    elif kind == 1:
        angle = rng.random() * np.pi
        out = np.cos(angle) * xx + np.sin(angle) * yy
    elif kind == 2:
        out = 0.5 + 0.5 * np.sin(2 * np.pi * rng.integers(2, 20) * (xx if rng.random() < 0.5 else yy))
    elif kind == 3:
        n = int(rng.integers(2, 16))
        out = ((np.floor(xx * n) + np.floor(yy * n)) % 2).astype(np.float64)
    else:
        out = np.zeros((size, size))
        for _ in range(int(rng.integers(2, 9))):
            cx, cy, r = rng.random(), rng.random(), 0.05 + 0.3 * rng.random()
            out += rng.random() * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    out = out - out.min()
    scaled: Picture = np.asarray(out / max(float(out.max()), 1e-6), dtype=np.float32)
    return scaled


def natural_like(rng: np.random.Generator, size: int = 256, colour: bool = False) -> Picture:
    """A 1/f-textured scene with a few shapes (grey, or RGB ``(H, W, 3)`` when ``colour``)."""
    channels = []
    spectrum_f = np.hypot(*np.meshgrid(np.fft.fftfreq(size), np.fft.fftfreq(size)))
    spectrum_f[0, 0] = 1.0
    for _ in range(3 if colour else 1):
        phase = rng.random((size, size)) * 2 * np.pi
        field = np.real(np.fft.ifft2(np.exp(1j * phase) / spectrum_f ** (1.0 + rng.random())))
        channels.append((field - field.min()) / max(float(np.ptp(field)), 1e-6))
    arr = np.stack(channels, -1) if colour else channels[0]
    img = Image.fromarray((arr * 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(1, 6))):
        x0, y0 = (int(v) for v in rng.integers(0, size - 40, 2))
        x1, y1 = x0 + int(rng.integers(20, 120)), y0 + int(rng.integers(20, 120))
        fill = tuple(int(v) for v in rng.integers(0, 256, 3)) if colour else int(rng.integers(0, 256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=fill)  # type: ignore[arg-type]
    img = img.filter(ImageFilter.GaussianBlur(float(rng.random() * 1.5)))
    out: Picture = np.asarray(img, dtype=np.float32) / np.float32(255.0)
    return out
