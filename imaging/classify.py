"""What each DICOM object is: chest radiograph, CT, MR, another image, or not an image.

Classification reads metadata only (SOP Class, Modality, Body Part Examined, View
Position, descriptions) and runs on the original dataset, before de-identification
removes the descriptions it may need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence as PydicomSequence

from imaging.errors import NotAnImageError

ObjectKind = Literal["cxr", "ct", "mr", "other_image", "non_image", "photo"]

_NON_IMAGE_SOP_PREFIXES: dict[str, str] = {
    "1.2.840.10008.5.1.4.1.1.66.4": "segmentation",
    "1.2.840.10008.5.1.4.1.1.66": "raw data or registration object",
    "1.2.840.10008.5.1.4.1.1.88": "structured report",
    "1.2.840.10008.5.1.4.1.1.481": "radiotherapy object",
    "1.2.840.10008.5.1.4.1.1.11": "presentation state",
    "1.2.840.10008.5.1.4.1.1.104": "encapsulated document",
    "1.2.840.10008.5.1.4.1.1.9": "waveform",
    "1.2.840.10008.5.1.4.1.1.67": "real-world value mapping",
    "1.2.840.10008.5.1.4.1.1.68": "surface object",
    "1.2.840.10008.5.1.4.1.1.91": "content assessment",
    "1.2.840.10008.5.1.4.1.1.200": "acquisition protocol",
    "1.2.840.10008.5.1.4.1.1.201": "radiotherapy object",
    "1.2.840.10008.5.1.4.34": "radiotherapy object",
    "1.2.840.10008.5.1.4.38": "hanging protocol or plan",
    "1.2.840.10008.5.1.4.39": "color palette",
    "1.2.840.10008.5.1.4.43": "implant template",
    "1.2.840.10008.5.1.4.45": "implant template",
    "1.2.840.10008.1.3.10": "DICOMDIR index",
}
_NON_IMAGE_MODALITIES: dict[str, str] = {
    "SEG": "segmentation",
    "SR": "structured report",
    "KO": "key object selection",
    "PR": "presentation state",
    "REG": "registration object",
    "RTSTRUCT": "radiotherapy object",
    "RTPLAN": "radiotherapy object",
    "RTDOSE": "radiotherapy object",
    "RTRECORD": "radiotherapy object",
    "DOC": "encapsulated document",
}
_CHEST_WORDS = ("CHEST", "THORAX", "LUNG", "TORAX", "THORAC", "PULM", "TORACE", "POUMON")
_RADIOGRAPHY = ("CR", "DX", "DR", "RG")
_VIEWS = {
    "PA": "PA",
    "POSTERO_ANTERIOR": "PA",
    "AP": "AP",
    "ANTERO_POSTERIOR": "AP",
    "LL": "LATERAL",
    "RL": "LATERAL",
    "LAT": "LATERAL",
    "LATERAL": "LATERAL",
    "LLD": "LATERAL",
    "RLD": "LATERAL",
}
_VIEW_CODES = {"R-10214": "PA", "399348003": "PA", "R-10206": "AP", "399182000": "AP"}
_VIEW_CODES |= {"R-10236": "LATERAL", "R-10232": "LATERAL", "399260004": "LATERAL"}


@dataclass(frozen=True)
class Classification:
    """The kind of one object and what is known about it.

    Attributes:
        kind: One of ``cxr``, ``ct``, ``mr``, ``other_image``, ``non_image``, ``photo``.
        modality: (0008,0060) Modality, upper case, or None.
        body_part: ``chest`` or the Body Part Examined in lower case, or None.
        view: ``PA``, ``AP`` or ``LATERAL`` for radiographs, else None.
        non_image_type: For non-images, what they are ("segmentation", ...).
    """

    kind: ObjectKind
    modality: str | None
    body_part: str | None
    view: str | None
    non_image_type: str | None = None


def _text(ds: Dataset, keyword: str) -> str:
    value = ds.get(keyword)
    return "" if value is None else str(value).strip().upper()


def _first_item(ds: Dataset, keyword: str) -> Dataset | None:
    """The first item of a sequence attribute, or None if absent, empty or not a sequence."""
    seq = ds.get(keyword)
    if isinstance(seq, PydicomSequence) and len(seq) and isinstance(seq[0], Dataset):
        return seq[0]
    return None


def _in_family(sop: str, root: str) -> bool:
    """``sop`` is ``root`` or one of its sub-classes (``root.N...``)."""
    return sop == root or sop.startswith(root + ".")


def non_image_type(ds: Dataset) -> str | None:
    """Name the non-image object type (SEG, SR, RT, PR, ...), or None for images."""
    sop = _text(ds, "SOPClassUID")
    for prefix, name in _NON_IMAGE_SOP_PREFIXES.items():
        if _in_family(sop, prefix):
            return name
    modality = _text(ds, "Modality")
    if modality in _NON_IMAGE_MODALITIES:
        return _NON_IMAGE_MODALITIES[modality]
    if "PixelData" not in ds and "Rows" not in ds:
        return "object without pixel data"
    return None


def body_part(ds: Dataset) -> str | None:
    """``chest`` when any of body part, descriptions or protocol says so."""
    fields = (
        "BodyPartExamined",
        "StudyDescription",
        "SeriesDescription",
        "ProtocolName",
        "RequestedProcedureDescription",
    )
    texts = [_text(ds, k) for k in fields]
    if any(word in text for text in texts for word in _CHEST_WORDS):
        return "chest"
    anatomic = _first_item(ds, "AnatomicRegionSequence")
    if anatomic is not None:
        meaning = str(anatomic.get("CodeMeaning", "")).upper()
        if any(word in meaning for word in _CHEST_WORDS):
            return "chest"
    return texts[0].lower() or None


def view_position(ds: Dataset) -> str | None:
    """PA, AP or LATERAL from (0018,5101) View Position or (0054,0220) View Code."""
    view = _VIEWS.get(_text(ds, "ViewPosition"))
    if view:
        return view
    code = _first_item(ds, "ViewCodeSequence")
    if code is not None:
        return _VIEW_CODES.get(str(code.get("CodeValue", "")).strip())
    return None


def classify(ds: Dataset) -> Classification:
    """Classify one DICOM dataset (metadata only).

    Radiographs (CR/DX) of the chest become ``cxr``; CT and MR by modality; any other
    object with pixel data is ``other_image``; SEG, SR, RT, presentation states,
    documents and objects without pixels are ``non_image``.
    """
    modality = _text(ds, "Modality") or None
    part = body_part(ds)
    other = non_image_type(ds)
    if other is not None:
        return Classification("non_image", modality, part, None, other)
    sop = _text(ds, "SOPClassUID")
    if modality == "CT" or _in_family(sop, "1.2.840.10008.5.1.4.1.1.2"):
        return Classification("ct", "CT", part, None)
    if modality == "MR" or _in_family(sop, "1.2.840.10008.5.1.4.1.1.4"):
        return Classification("mr", "MR", part, None)
    if modality in _RADIOGRAPHY or _in_family(sop, "1.2.840.10008.5.1.4.1.1.1"):
        view = view_position(ds)
        kind: ObjectKind = "cxr" if part == "chest" else "other_image"
        return Classification(kind, modality, part, view)
    return Classification("other_image", modality, part, None)


def require_image(ds: Dataset) -> Classification:
    """Classify ``ds`` and refuse non-image objects before any pixel work.

    Raises:
        NotAnImageError: For SEG, SR, RT, presentation states and other non-images.
    """
    found = classify(ds)
    if found.kind == "non_image":
        raise NotAnImageError(f"This file is not a medical image: it is a DICOM {found.non_image_type}.")
    return found
