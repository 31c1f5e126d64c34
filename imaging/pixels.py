"""Pixel handling: pure, typed functions over ``(array, dataset)``.

The order follows the DICOM grayscale pipeline (PS3.4 Annex N.2.1): stored values ->
Modality LUT (rescale to HU for CT, PS3.3 C.11.1) -> VOI LUT or window (PS3.3 C.11.2)
-> presentation (MONOCHROME1 inverted, PS3.3 C.7.6.3.1.2). Colour images are converted
from YCbCr to RGB (PS3.3 C.7.6.3.1.2). Errors name the offending tag.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset
from pydicom.pixels.processing import apply_color_lut, apply_voi, convert_color_space
from pydicom.pixels.processing import apply_modality_lut as _pydicom_modality_lut
from pydicom.pixels.utils import pixel_array as _pydicom_pixel_array

from imaging.errors import DicomDecodeError, PixelDataError

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
AnyArray = npt.NDArray[Any]

MONOCHROME = ("MONOCHROME1", "MONOCHROME2")
SUPPORTED_PHOTOMETRIC = (
    *MONOCHROME,
    "RGB",
    "YBR_FULL",
    "YBR_FULL_422",
    "YBR_ICT",
    "YBR_RCT",
    "PALETTE COLOR",
)
MAX_SAMPLES_PER_FRAME = 1 << 26
"""Largest frame decoded (rows x columns x samples): 67 M samples, e.g. 8k x 8k."""


def _get(ds: Dataset, keyword: str, tag: str) -> Any:
    """``ds.get`` that names the tag when pydicom cannot convert the stored value."""
    try:
        return ds.get(keyword)
    except Exception as e:  # value conversion raises many types
        raise PixelDataError(f"{tag} {_spaced(keyword)} has an invalid value.") from e


def _int_attr(ds: Dataset, keyword: str, tag: str, default: int | None = None) -> int:
    value = _get(ds, keyword, tag)
    if value is None or value == "":
        if default is not None:
            return default
        raise PixelDataError(f"{tag} {_spaced(keyword)} is missing.")
    try:
        return int(value)
    except (TypeError, ValueError) as e:
        raise PixelDataError(f"{tag} {_spaced(keyword)} '{value}' is not a number.") from e


def _spaced(keyword: str) -> str:
    """'PhotometricInterpretation' -> 'Photometric Interpretation'."""
    return "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(keyword))


def photometric_interpretation(ds: Dataset) -> str:
    """Return the (0028,0004) Photometric Interpretation, validated.

    Raises:
        PixelDataError: If it is missing or not one the library can display.
    """
    value = str(_get(ds, "PhotometricInterpretation", "(0028,0004)") or "").strip().upper()
    if value not in SUPPORTED_PHOTOMETRIC:
        shown = value or "(missing)"
        raise PixelDataError(
            f"(0028,0004) Photometric Interpretation '{shown}' is not supported; expected "
            "one of " + ", ".join(SUPPORTED_PHOTOMETRIC) + "."
        )
    return value


def check_pixel_attributes(ds: Dataset) -> None:
    """Validate the Image Pixel module (PS3.3 C.7.6.3) before any decoding.

    Raises:
        PixelDataError: Naming the first inconsistent or missing attribute.
    """
    if "PixelData" not in ds:
        raise PixelDataError("(7FE0,0010) Pixel Data is missing.")
    rows = _int_attr(ds, "Rows", "(0028,0010)")
    cols = _int_attr(ds, "Columns", "(0028,0011)")
    samples = _int_attr(ds, "SamplesPerPixel", "(0028,0002)", 1)
    allocated = _int_attr(ds, "BitsAllocated", "(0028,0100)")
    stored = _int_attr(ds, "BitsStored", "(0028,0101)", allocated)
    frames = _int_attr(ds, "NumberOfFrames", "(0028,0008)", 1)
    if rows <= 0 or cols <= 0:
        raise PixelDataError(f"(0028,0010)/(0028,0011) Rows x Columns {rows}x{cols} is empty.")
    if samples not in (1, 3):
        raise PixelDataError(f"(0028,0002) Samples per Pixel {samples} must be 1 or 3.")
    if allocated not in (1, 8, 16, 32):
        raise PixelDataError(f"(0028,0100) Bits Allocated {allocated} is not supported.")
    if not 1 <= stored <= allocated:
        raise PixelDataError(
            f"(0028,0101) Bits Stored {stored} must be between 1 and Bits Allocated {allocated}."
        )
    if frames < 1:
        raise PixelDataError(f"(0028,0008) Number of Frames {frames} must be at least 1.")
    if rows * cols * samples > MAX_SAMPLES_PER_FRAME:
        raise PixelDataError(
            f"(0028,0010)/(0028,0011) The image size {rows}x{cols} is larger than we can decode safely."
        )
    photometric_interpretation(ds)


def decode_frame(ds: Dataset, index: int = 0) -> AnyArray:
    """Decode one frame of stored values (no LUTs applied, YCbCr left as stored).

    Args:
        ds: A dataset with file meta (Transfer Syntax) and pixel data.
        index: Frame number, from 0.

    Returns:
        ``(rows, cols)`` or ``(rows, cols, samples)`` stored values.

    Raises:
        PixelDataError: If the pixel attributes are inconsistent.
        DicomDecodeError: If the codec fails or is not installed.
    """
    check_pixel_attributes(ds)
    frames = _int_attr(ds, "NumberOfFrames", "(0028,0008)", 1)
    if not 0 <= index < frames:
        raise PixelDataError(f"(0028,0008) Frame {index} does not exist ({frames} frames).")
    try:
        arr: AnyArray = _pydicom_pixel_array(ds, index=index, raw=True)
    except Exception as e:  # codecs raise many types on damaged data
        raise DicomDecodeError("(7FE0,0010) The pixel data could not be decoded: " + _codec_reason(e)) from e
    except BaseException as e:
        if type(e).__name__ != "PanicException":  # Rust codecs (pyo3) panic on bad data
            raise
        raise DicomDecodeError("(7FE0,0010) The pixel data could not be decoded.") from e
    return arr


def _codec_reason(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text[:200]


def apply_rescale(arr: AnyArray, ds: Dataset) -> FloatArray:
    """Apply the Modality LUT or Rescale Slope/Intercept (PS3.3 C.11.1).

    For CT this gives Hounsfield units. Without either, values are returned as stored.

    Raises:
        PixelDataError: If (0028,1053) Rescale Slope or (0028,1052) Rescale Intercept
            is not a number, or the (0028,3000) Modality LUT Sequence is malformed.
    """
    if ds.get("ModalityLUTSequence"):
        try:
            return np.asarray(_pydicom_modality_lut(arr, ds), dtype=np.float32)
        except Exception as e:  # malformed LUT descriptors vary
            raise PixelDataError("(0028,3000) Modality LUT Sequence is malformed.") from e
    slope = _float_attr(ds, "RescaleSlope", "(0028,1053)", 1.0)
    intercept = _float_attr(ds, "RescaleIntercept", "(0028,1052)", 0.0)
    out = arr.astype(np.float32)
    if slope != 1.0:
        out *= np.float32(slope)
    if intercept != 0.0:
        out += np.float32(intercept)
    return out


def _float_attr(ds: Dataset, keyword: str, tag: str, default: float) -> float:
    value = _get(ds, keyword, tag)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError) as e:
        raise PixelDataError(f"{tag} {_spaced(keyword)} '{value}' is not a number.") from e
    if not np.isfinite(number):
        raise PixelDataError(f"{tag} {_spaced(keyword)} '{value}' is not a finite number.")
    return number


def window(arr: AnyArray, center: float, width: float) -> FloatArray:
    """Map values through a linear window to [0, 1] (PS3.3 C.11.2.1.2.1).

    Args:
        arr: Modality values (e.g. HU).
        center: Window centre (level).
        width: Window width, at least 1.

    Returns:
        float32 array in [0, 1].
    """
    width = max(float(width), 1.0)
    low = center - 0.5 - (width - 1.0) / 2.0
    out = (arr.astype(np.float32) - np.float32(low)) / np.float32(width - 1.0 or 1.0)
    return np.clip(out, 0.0, 1.0, out=out)


def dataset_window(ds: Dataset) -> tuple[float, float] | None:
    """Return the first (0028,1050) Window Center / (0028,1051) Window Width, if usable."""
    try:
        center, width = ds.get("WindowCenter"), ds.get("WindowWidth")
        if center is None or width is None:
            return None
        c = float(center[0] if _is_multi(center) else center)
        w = float(width[0] if _is_multi(width) else width)
    except (TypeError, ValueError, IndexError):
        return None
    if not (np.isfinite(c) and np.isfinite(w)) or w < 1.0:
        return None
    return c, w


def _is_multi(value: object) -> bool:
    return isinstance(value, list | tuple) or type(value).__name__ == "MultiValue"


def apply_voi_lut(arr: AnyArray, ds: Dataset) -> FloatArray:
    """Apply the VOI LUT, else the first window, else a min-max stretch, to [0, 1].

    Args:
        arr: Modality values (after :func:`apply_rescale`).
        ds: The dataset holding the VOI LUT module (PS3.3 C.11.2).

    Raises:
        PixelDataError: If the (0028,3010) VOI LUT Sequence is malformed.
    """
    if ds.get("VOILUTSequence"):
        try:
            lut_out = apply_voi(np.rint(arr).astype(np.int64), ds)
            depth = int(ds.VOILUTSequence[0].LUTDescriptor[2])
        except Exception as e:  # malformed LUT descriptors vary
            raise PixelDataError("(0028,3010) VOI LUT Sequence is malformed.") from e
        top = float((1 << depth) - 1) if 1 <= depth <= 16 else float(np.max(lut_out) or 1)
        return np.asarray(np.clip(lut_out / np.float32(top), 0.0, 1.0), dtype=np.float32)
    win = dataset_window(ds)
    if win is not None:
        return window(arr, *win)
    return min_max(arr)


def min_max(arr: AnyArray) -> FloatArray:
    """Stretch values linearly to [0, 1]; a constant image becomes all zeros."""
    out = arr.astype(np.float32)
    low, high = float(np.min(out)), float(np.max(out))
    if not np.isfinite(low) or not np.isfinite(high) or high <= low:
        return np.zeros_like(out)
    out -= np.float32(low)
    out /= np.float32(high - low)
    return out


def to_monochrome2(arr01: FloatArray, ds: Dataset) -> FloatArray:
    """Invert a [0, 1] MONOCHROME1 image so that higher always means brighter."""
    if photometric_interpretation(ds) == "MONOCHROME1":
        return np.asarray(np.float32(1.0) - arr01, dtype=np.float32)
    return arr01


def ybr_to_rgb(arr: AnyArray, ds: Dataset) -> AnyArray:
    """Convert YBR_FULL / YBR_FULL_422 samples to RGB (PS3.3 C.7.6.3.1.2).

    RGB, YBR_ICT and YBR_RCT (already RGB after JPEG 2000 decoding) pass unchanged.

    Raises:
        PixelDataError: If the array is not 8-bit three-sample data.
    """
    pi = photometric_interpretation(ds)
    if pi not in ("YBR_FULL", "YBR_FULL_422"):
        return arr
    if arr.ndim < 3 or arr.shape[-1] != 3 or arr.dtype != np.uint8:
        raise PixelDataError(
            f"(0028,0004) Photometric Interpretation '{pi}' needs 8-bit data with three samples per pixel."
        )
    return np.asarray(convert_color_space(arr, pi, "RGB"))


def palette_to_rgb(arr: AnyArray, ds: Dataset) -> AnyArray:
    """Apply the Palette Color LUT (PS3.3 C.7.6.3.1.5) to PALETTE COLOR images.

    Raises:
        PixelDataError: If the palette descriptors or data are missing.
    """
    try:
        return np.asarray(apply_color_lut(arr, ds))
    except Exception as e:  # malformed palettes vary
        raise PixelDataError(
            "(0028,1101) Red Palette Color Lookup Table Descriptor or its data is missing or malformed."
        ) from e


def rgb_to_gray(rgb: AnyArray) -> FloatArray:
    """Luma (ITU-R BT.601) of an RGB array, in the input's units."""
    weights = np.asarray([0.299, 0.587, 0.114], dtype=np.float32)
    return np.asarray(rgb.astype(np.float32) @ weights, dtype=np.float32)


def hu_frame(ds: Dataset, index: int = 0) -> FloatArray:
    """Decode one frame and apply the modality LUT (HU for CT)."""
    return apply_rescale(decode_frame(ds, index), ds)


def display_array(ds: Dataset, index: int = 0) -> FloatArray:
    """One frame as a 2-D float32 image in [0, 1], brighter meaning denser or whiter.

    Monochrome: modality LUT, VOI LUT / window / min-max, MONOCHROME1 inverted.
    Colour: converted to RGB, then to luma and scaled by its bit depth.

    Args:
        ds: A dataset with pixel data.
        index: Frame number for multi-frame objects (default: the first).

    Raises:
        PixelDataError, DicomDecodeError: If the frame cannot be decoded.
    """
    raw = decode_frame(ds, index)
    pi = photometric_interpretation(ds)
    if pi in MONOCHROME:
        if raw.ndim != 2:
            raise PixelDataError(
                f"(0028,0002) Samples per Pixel does not match Photometric Interpretation "
                f"'{pi}' (decoded shape {raw.shape})."
            )
        return to_monochrome2(apply_voi_lut(apply_rescale(raw, ds), ds), ds)
    rgb = palette_to_rgb(raw, ds) if pi == "PALETTE COLOR" else ybr_to_rgb(raw, ds)
    if rgb.ndim != 3 or rgb.shape[-1] != 3:
        raise PixelDataError(
            f"(0028,0004) Photometric Interpretation '{pi}' expects three samples per "
            f"pixel, decoded shape is {rgb.shape}."
        )
    top = float(np.iinfo(rgb.dtype).max) if rgb.dtype.kind in "ui" else float(rgb.max() or 1)
    return np.asarray(np.clip(rgb_to_gray(rgb) / np.float32(top), 0.0, 1.0), dtype=np.float32)
