"""PNG and JPEG pictures: safe decoding and metadata stripping.

Photos of films and exported pictures can carry EXIF (camera, GPS position, dates,
owner), XMP, ICC profiles and PNG text chunks. They are decoded, turned upright by their
EXIF orientation, and written again as PNG from the pixels alone, so no metadata from
the upload survives.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from imaging.errors import UnsupportedFileError
from imaging.pixels import FloatArray

logger = logging.getLogger(__name__)

MAX_PIXELS = 100_000_000
"""Largest picture decoded (width x height); larger ones are refused as unsafe."""
_MODES = ("L", "LA", "I", "I;16", "F", "RGB", "RGBA", "P", "1", "CMYK", "YCbCr")


@dataclass(frozen=True)
class PhotoInfo:
    """A decoded, cleaned picture.

    Attributes:
        width: Columns after turning upright.
        height: Rows after turning upright.
        mode: Pillow mode of the stored picture ("L", "RGB", ...).
        format: "PNG" or "JPEG", as uploaded.
        removed: Metadata found and removed ("EXIF:GPSInfo", "PNG text", ...).
    """

    width: int
    height: int
    mode: str
    format: str
    removed: tuple[str, ...]


def _open(path: Path) -> Image.Image:
    """Open and fully decode a picture, refusing decompression bombs."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
            if img.format not in ("PNG", "JPEG", "MPO"):
                raise UnsupportedFileError(
                    f"This picture is a {img.format} file; only PNG and JPEG are read."
                )
            if img.width * img.height > MAX_PIXELS:
                raise UnsupportedFileError(
                    f"This picture is {img.width}x{img.height} pixels, larger than we read safely.",
                    remedy="Export it at a smaller size.",
                )
            img.load()
    except UnsupportedFileError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise UnsupportedFileError(
            "This picture is too large to read safely.", remedy="Export it smaller."
        ) from e
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as e:
        raise UnsupportedFileError(
            "This picture is damaged and could not be read.",
            remedy="Export or photograph it again.",
        ) from e
    return img


def _metadata_names(img: Image.Image) -> list[str]:
    """Names (never values) of the metadata a picture carries."""
    names: list[str] = []
    try:
        exif = img.getexif()
    except Exception:  # a damaged EXIF block is dropped anyway
        exif = Image.Exif()
        names.append("EXIF (damaged)")
    for tag in exif:
        names.append("EXIF:" + ExifTags.TAGS.get(tag, f"0x{tag:04X}"))
    for key in img.info:
        if key in ("exif", "dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density"):
            continue
        names.append(f"{img.format} metadata:{key}")
    return sorted(set(names))


def clean_picture(path: Path, out_path: Path) -> PhotoInfo:
    """Decode a PNG/JPEG, turn it upright and write it as a metadata-free PNG.

    Args:
        path: The uploaded picture.
        out_path: Where to write the cleaned PNG.

    Returns:
        What was decoded and which metadata was removed.

    Raises:
        UnsupportedFileError: Not a PNG/JPEG, damaged, or too large.
    """
    img = _open(path)
    fmt = "JPEG" if img.format == "MPO" else str(img.format)
    removed = tuple(_metadata_names(img))
    try:
        upright = ImageOps.exif_transpose(img)
    except Exception:  # a damaged orientation tag is ignored
        upright = img
    if upright.mode not in _MODES:
        raise UnsupportedFileError(f"This picture uses the unusual colour mode {img.mode}.")
    if upright.mode in ("P", "1", "CMYK", "YCbCr", "LA", "RGBA"):
        upright = upright.convert("RGB" if upright.mode != "LA" else "L")
    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    out_path.parent.mkdir(parents=True, exist_ok=True)
    clean.save(out_path, format="PNG")
    return PhotoInfo(clean.width, clean.height, clean.mode, fmt, removed)


def picture_array(path: Path) -> FloatArray:
    """A picture as a 2-D float32 grayscale array in [0, 1] (for models and previews).

    Raises:
        UnsupportedFileError: Not a PNG/JPEG, damaged, or too large.
    """
    img = _open(path)
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # a damaged orientation tag is ignored
        logger.info("ignoring a damaged EXIF orientation")
    if img.mode in ("I", "I;16", "F"):
        arr = np.asarray(img, dtype=np.float32)
        low, high = float(arr.min()), float(arr.max())
        return (arr - low) / (high - low) if high > low else np.zeros_like(arr)
    gray = img.convert("L")
    return np.asarray(gray, dtype=np.float32) / np.float32(255.0)


_CAMERA_TAGS = ("EXIF:Make", "EXIF:Model", "EXIF:LensModel", "EXIF:ExifOffset")


def picture_colour(path: Path) -> tuple[FloatArray, bool]:
    """The picture as RGB ``(H, W, 3)`` in [0, 1] before any grey conversion, and whether
    it carries camera metadata (EXIF make or model), for the input guard.

    Raises:
        UnsupportedFileError: Not a PNG/JPEG, damaged, or too large.
    """
    img = _open(path)
    camera = any(name in _CAMERA_TAGS for name in _metadata_names(img))
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # a damaged orientation tag is ignored
        logger.info("ignoring a damaged EXIF orientation")
    if img.mode in ("I", "I;16", "F"):
        gray = picture_array(path)
        return np.repeat(gray[..., None], 3, axis=2), camera
    rgb = np.asarray(img.convert("RGB"), dtype=np.float32) / np.float32(255.0)
    return rgb, camera
