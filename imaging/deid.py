"""De-identification of DICOM datasets (PS3.15 Annex E, Basic Profile).

Applied before anything is stored or shown to a model. What is done, in order:

1. The identifiers needed to match the study to the case are copied out (they go to
   the database only, never into stored files).
2. The attributes of PS3.15 Table E.1-1 are removed, emptied, replaced with dummies or,
   for UIDs, replaced consistently (see :mod:`imaging.deid_profile`).
3. Rules by value representation catch what the table misses anywhere in the dataset,
   sequences included: every person name (PN), date (DA), date-time (DT) and time (TM)
   is blanked, and every UID that is not a standard one is replaced.
4. Private attributes, curves (50xx) and overlay data/comments (60xx) are removed.
5. Patient Identity Removed is set to YES and the method is recorded (PS3.15 E.1.1).

A (0028,0301) Burned In Annotation of YES is reported: the pixels may show identifiers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from pydicom.datadict import keyword_for_tag
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileDataset
from pydicom.sequence import Sequence
from pydicom.tag import BaseTag
from pydicom.uid import UID

from imaging.deid_profile import BASIC_PROFILE, DUMMY_BY_VR
from imaging.errors import DeidentificationError

DEID_METHOD = (
    "DICOM PS3.15 E.1 Basic Application Level Confidentiality Profile; "
    "all person names, dates and times blanked; private attributes removed"
)
_BASIC_PROFILE_CODE = ("113100", "DCM", "Basic Application Confidentiality Profile")
_BLANK_VRS = ("PN", "DA", "DT", "TM")
_IDENTIFIER_KEYWORDS = (
    "PatientName",
    "PatientID",
    "IssuerOfPatientID",
    "PatientBirthDate",
    "PatientSex",
    "PatientAge",
    "AccessionNumber",
    "StudyID",
    "StudyDate",
    "StudyTime",
    "StudyDescription",
    "InstitutionName",
    "ReferringPhysicianName",
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "SOPInstanceUID",
)


class UIDMapper:
    """Replace UIDs consistently within one ingest, irreversibly without its key.

    The same original UID always maps to the same new ``2.25.<decimal>`` UID
    (PS3.5 B.2), so series and study grouping survive de-identification.
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def __call__(self, uid: str) -> str:
        """Return the replacement for ``uid``."""
        digest = hmac.new(self._key, uid.strip().encode(), hashlib.sha256).digest()
        return "2.25." + str(int.from_bytes(digest[:16], "big"))


@dataclass
class DeidReport:
    """What de-identification did to one dataset.

    Attributes:
        removed: Keywords (or tags) of attributes removed or replaced, sorted.
        burned_in_annotation: The dataset says identifiers are burned into the pixels.
        original: Identifier values from before de-identification (for the database).
    """

    removed: list[str] = field(default_factory=list)
    burned_in_annotation: bool = False
    original: dict[str, str] = field(default_factory=dict)


def original_identifiers(ds: Dataset) -> dict[str, str]:
    """Copy the identifiers a case needs (patient, accession, study) as strings."""
    found: dict[str, str] = {}
    for keyword in _IDENTIFIER_KEYWORDS:
        value = ds.get(keyword)
        if value not in (None, ""):
            found[keyword] = str(value)
    return found


def deidentify(ds: Dataset, uid_map: UIDMapper, pseudonym: str = "") -> DeidReport:
    """De-identify ``ds`` in place following the Basic Profile.

    Args:
        ds: The dataset (a FileDataset's file meta is handled too).
        uid_map: The ingest's UID mapper, shared by all files of one upload.
        pseudonym: Written to Patient's Name and Patient ID instead of empty values.

    Returns:
        A report of what was removed, the burned-in flag and the original identifiers.

    Raises:
        DeidentificationError: If the dataset could not be processed safely.
    """
    report = DeidReport(original=original_identifiers(ds))
    report.burned_in_annotation = str(ds.get("BurnedInAnnotation", "")).upper() == "YES"
    removed: set[str] = set()
    try:
        _clean(ds, uid_map, removed)
        if isinstance(ds, FileDataset) and ds.file_meta is not None:
            _clean_file_meta(ds, uid_map, removed)
    except DeidentificationError:
        raise
    except Exception as e:  # malformed values surface as many types
        raise DeidentificationError() from e
    ds.PatientName = pseudonym
    ds.PatientID = pseudonym
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = DEID_METHOD
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = _BASIC_PROFILE_CODE
    ds.DeidentificationMethodCodeSequence = Sequence([code])
    report.removed = sorted(removed)
    return report


def _clean(ds: Dataset, uid_map: UIDMapper, removed: set[str]) -> None:
    """Apply the profile to one dataset level and recurse into sequences."""
    for tag in list(ds.keys()):
        elem = ds[tag]
        name = keyword_for_tag(tag) or str(BaseTag(tag))
        if _must_drop(BaseTag(tag)):
            del ds[tag]
            removed.add("private attributes" if BaseTag(tag).is_private else name)
            continue
        action = BASIC_PROFILE.get(name)
        if action == "X":
            del ds[tag]
            removed.add(name)
        elif action in ("Z", "D"):
            _blank(elem, dummy=action == "D")
            removed.add(name)
        elif elem.VR == "UI":
            if _replace_uids(elem, uid_map):
                removed.add(name)
        elif elem.VR in _BLANK_VRS:
            if elem.value not in (None, "", b""):
                _blank(elem, dummy=False)
                removed.add(name)
        elif elem.VR == "SQ":
            for item in elem.value:
                _clean(item, uid_map, removed)


def _must_drop(tag: BaseTag) -> bool:
    """Private attributes, curves (50xx) and overlay data/comments (60xx)."""
    if tag.is_private:
        return True
    if 0x5000 <= tag.group <= 0x50FF:
        return True
    return 0x6000 <= tag.group <= 0x60FF and tag.element in (0x3000, 0x4000)


def _blank(elem: DataElement, *, dummy: bool) -> None:
    if elem.VR == "SQ":
        elem.value = Sequence([])
        return
    elem.value = DUMMY_BY_VR.get(str(elem.VR), "") if dummy else ""


def _replace_uids(elem: DataElement, uid_map: UIDMapper) -> bool:
    """Replace every non-standard UID value; return whether anything changed."""
    values = elem.value if isinstance(elem.value, list | tuple) else [elem.value]
    if type(elem.value).__name__ == "MultiValue":
        values = list(elem.value)
    changed = False
    new: list[str] = []
    for value in values:
        text = str(value or "").strip()
        if text and not _is_standard_uid(text):
            new.append(uid_map(text))
            changed = True
        else:
            new.append(text)
    if changed:
        elem.value = new if len(new) != 1 else new[0]
    return changed


def _is_standard_uid(text: str) -> bool:
    """A UID registered in PS3.6 (SOP classes, transfer syntaxes, coding schemes)."""
    return str(UID(text).name) != text


def _clean_file_meta(ds: FileDataset, uid_map: UIDMapper, removed: set[str]) -> None:
    meta = ds.file_meta
    for keyword in (
        "SourceApplicationEntityTitle",
        "SendingApplicationEntityTitle",
        "ReceivingApplicationEntityTitle",
        "SourcePresentationAddress",
        "SendingPresentationAddress",
        "ReceivingPresentationAddress",
        "PrivateInformationCreatorUID",
        "PrivateInformation",
    ):
        if keyword in meta:
            delattr(meta, keyword)
            removed.add(keyword)
    sop_uid = ds.get("SOPInstanceUID")
    if sop_uid:
        meta.MediaStorageSOPInstanceUID = UID(str(sop_uid))
    elif "MediaStorageSOPInstanceUID" in meta:
        meta.MediaStorageSOPInstanceUID = UID(uid_map(str(meta.MediaStorageSOPInstanceUID)))
