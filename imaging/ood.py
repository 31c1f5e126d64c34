"""Out-of-distribution guard for the chest X-ray models.

Before a chest radiograph model reads an image, :func:`check_cxr_input` decides whether the
image is the kind of input the model was trained on: a frontal (PA/AP) projection
radiograph of the chest, large enough and not blank. Anything else is refused with the
reason (so no finding is produced), or accepted with flags the clinician should see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field
from pydicom.dataset import Dataset

CXR_MODALITIES = frozenset({"CR", "DX", "DR"})
FRONTAL_VIEWS = frozenset({"PA", "AP", "POSTERO_ANTERIOR", "ANTERO_POSTERIOR", "FRONTAL"})
LATERAL_VIEWS = frozenset({"LL", "RL", "LAT", "LATERAL", "LLD", "RLD", "LEFT_LATERAL", "RIGHT_LATERAL"})
CHEST_PARTS = frozenset({"CHEST", "THORAX", "LUNG", "PORT CHEST", "TORSO"})
IMAGE_KINDS_REFUSED = {
    "ct": "a CT image, not a chest radiograph",
    "mr": "an MR image, not a chest radiograph",
    "non_image": "not an image",
    "other_image": "not a chest radiograph",
}
MIN_SIDE_PX = 128
MIN_STD = 0.02
MAX_ASPECT = 2.0
MAX_COLOURFULNESS = 0.08
"""Above this a picture is refused as colour (a grey film photographed is ~0.01-0.04)."""
COLOUR_CAST = 0.02
MOIRE_PEAK = 220.0


class OODCheck(BaseModel):
    """The guard's decision for one input."""

    accepted: bool = Field(description="False: do not run the chest X-ray model on it.")
    reasons: list[str] = Field(default_factory=list, description="Why it was refused.")
    flags: list[str] = Field(default_factory=list, description="Accepted, but worth a look.")
    frontal_probability: float | None = Field(
        default=None, description="Guard's probability of an upright frontal chest radiograph."
    )
    feature_distance: float | None = Field(
        default=None, description="Distance of the classifier's embedding from its training films."
    )


def _metadata_reasons(
    modality: str | None, view: str | None, body_part: str | None, kind: str | None
) -> tuple[list[str], list[str]]:
    reasons: list[str] = []
    flags: list[str] = []
    if kind is not None and kind in IMAGE_KINDS_REFUSED:
        reasons.append(f"the object is {IMAGE_KINDS_REFUSED[kind]} (kind '{kind}')")
    if modality:
        mod = modality.upper()
        if mod == "CT":
            reasons.append("modality CT: a CT slice is not a chest radiograph")
        elif mod not in CXR_MODALITIES:
            reasons.append(f"modality {mod} is not a projection radiograph (CR/DX)")
    elif kind == "photo":
        flags.append("a picture (PNG/JPEG), not the original DICOM: no acquisition details")
    else:
        flags.append("modality unknown (not a DICOM file): assumed to be a radiograph")
    if view:
        v = view.upper().replace(" ", "_")
        if v in LATERAL_VIEWS or "LAT" in v:
            reasons.append(f"view '{view}' is lateral; the model reads frontal (PA/AP) views only")
        elif v not in FRONTAL_VIEWS:
            flags.append(f"view '{view}' is not recognised as frontal")
    else:
        flags.append("view position not recorded: assumed frontal")
    if body_part and body_part.upper() not in CHEST_PARTS:
        reasons.append(f"body part '{body_part}' is not the chest")
    return reasons, flags


def colourfulness(rgb: npt.NDArray[np.float32]) -> float:
    """Hasler-Suesstrunk colourfulness of an RGB image in [0, 1] (0 for grey)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def _moire_peak(gray: npt.NDArray[np.float32]) -> float:
    """Strongest high-frequency spectral peak over the median there (JPEG's 8-px grid excluded)."""
    spectrum = np.abs(np.fft.rfft2(gray - gray.mean()))
    fy = np.abs(np.fft.fftfreq(gray.shape[0]))[:, None]
    fx = np.fft.rfftfreq(gray.shape[1])[None, :]
    grid = (np.abs(fy * 8 - np.round(fy * 8)) < 0.02) | (np.abs(fx * 8 - np.round(fx * 8)) < 0.02)
    high = spectrum[((fy >= 0.125) | (fx >= 0.125)) & ~grid]
    return float(high.max() / (np.median(high) + 1e-9)) if high.size else 0.0


def photograph_signs(rgb: npt.NDArray[np.float32] | None, camera: bool = False) -> list[str]:
    """Why a picture looks like a photograph of a film or screen (empty for a digital export).

    Signs: camera metadata (EXIF make/model), a colour cast (a grey film shot under
    coloured light), moire (a strong periodic peak at high spatial frequency).
    """
    signs = ["camera metadata"] if camera else []
    if rgb is not None:
        cast = float(np.abs(rgb.mean(axis=(0, 1)) - rgb.mean()).max())
        if cast > COLOUR_CAST:
            signs.append("a colour cast")
        if _moire_peak(rgb.mean(axis=2)) > MOIRE_PEAK:
            signs.append("moire")
    return signs


def _pixel_reasons(image: npt.ArrayLike) -> tuple[list[str], list[str]]:
    arr = np.asarray(image, dtype=np.float32)
    reasons: list[str] = []
    flags: list[str] = []
    if arr.ndim == 3 and arr.shape[2] in (3, 4):
        rgb = arr[..., :3] / (255.0 if float(arr.max(initial=0.0)) > 1.0 else 1.0)
        score = colourfulness(rgb)
        if score > MAX_COLOURFULNESS:
            reasons.append(f"the picture is in colour (colourfulness {score:.2f}); radiographs are grey")
        arr = rgb.mean(axis=2)
    if arr.ndim != 2 or arr.size == 0:
        return [f"not a 2-D image (shape {arr.shape})"], flags
    h, w = arr.shape
    if min(h, w) < MIN_SIDE_PX:
        reasons.append(f"image is too small ({w}x{h} px; at least {MIN_SIDE_PX} px per side needed)")
    if max(h, w) / max(min(h, w), 1) > MAX_ASPECT:
        reasons.append(f"aspect ratio {max(h, w) / max(min(h, w), 1):.1f} is not that of a chest film")
    scale = 255.0 if float(arr.max(initial=0.0)) > 1.0 else 1.0
    if float((arr / scale).std()) < MIN_STD:
        reasons.append("image is blank or nearly uniform")
    return reasons, flags


def check_cxr_input(
    image: npt.ArrayLike | None = None,
    *,
    modality: str | None = None,
    view: str | None = None,
    body_part: str | None = None,
    kind: str | None = None,
    frontal_probability: float | None = None,
    frontal_threshold: float = 0.5,
    photo_signs: Sequence[str] = (),
) -> OODCheck:
    """Decide whether an input suits a frontal chest radiograph model.

    Args:
        image: Display image (2-D, or RGB for photos), if decoded.
        modality: DICOM (0008,0060) Modality, e.g. 'CR', 'DX', 'CT'.
        view: DICOM (0018,5101) View Position, e.g. 'PA', 'AP', 'LL'.
        body_part: DICOM (0018,0015) Body Part Examined.
        kind: Imaging I object kind ('cxr', 'ct', 'mr', 'other_image', 'non_image', 'photo').
        frontal_probability: The learned guard's probability that the image is an upright
            frontal chest radiograph (:class:`imaging.guard.FrontalGuard`); below
            ``frontal_threshold`` the image is refused.
        frontal_threshold: The guard's operating threshold.
        photo_signs: Why a picture looks photographed (:func:`photograph_signs`); only then
            is it flagged as a photograph.

    Returns:
        The decision with every reason for refusal and every flag.
    """
    reasons, flags = _metadata_reasons(modality, view, body_part, kind)
    if image is not None:
        more_reasons, more_flags = _pixel_reasons(image)
        reasons += more_reasons
        flags += more_flags
    if frontal_probability is not None and frontal_probability < frontal_threshold:
        reasons.append(
            "the picture does not look like an upright frontal chest radiograph "
            f"(guard score {frontal_probability:.2f}; it may be another image, rotated, mirrored or inverted)"
        )
    if photo_signs:
        flags.append(
            f"looks like a photograph of a film or screen ({', '.join(photo_signs)}): quality is lower"
        )
    return OODCheck(
        accepted=not reasons, reasons=reasons, flags=flags, frontal_probability=frontal_probability
    )


def _text(ds: Dataset, keyword: str) -> str | None:
    value = ds.get(keyword)
    return str(value).strip() or None if value is not None else None


def check_cxr_dataset(ds: Dataset, image: npt.ArrayLike | None = None) -> OODCheck:
    """:func:`check_cxr_input` with the metadata read from a DICOM dataset.

    A dataset without Pixel Data (SR, SEG is allowed pixels but has Modality SEG) is
    refused as not an image.
    """
    kind = None if "PixelData" in ds else "non_image"
    return check_cxr_input(
        image,
        modality=_text(ds, "Modality"),
        view=_text(ds, "ViewPosition"),
        body_part=_text(ds, "BodyPartExamined"),
        kind=kind,
    )
