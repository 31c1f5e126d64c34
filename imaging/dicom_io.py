"""Reading DICOM files and telling file kinds apart, defensively.

Uploads are untrusted: any exception pydicom raises on a damaged file is turned into a
:class:`~imaging.errors.DicomDecodeError`. Every element is parsed on read, so that a
damaged element fails here rather than later, when some attribute is first accessed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

import pydicom
from pydicom.dataset import Dataset, FileDataset
from pydicom.errors import InvalidDicomError
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence as PydicomSequence
from pydicom.uid import UID

from imaging.errors import DicomDecodeError, UnsupportedFileError

logger = logging.getLogger(__name__)

FileKind = Literal["dicom", "dicomdir", "zip", "png", "jpeg", "unknown"]

MEDIA_DIRECTORY_STORAGE = "1.2.840.10008.1.3.10"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_MAX_SEQUENCE_DEPTH = 32


def sniff(path: Path) -> FileKind:
    """Tell what a file is from its first bytes, never from its name.

    DICOM Part 10 files have ``DICM`` at offset 128 (PS3.10 7.1). Files without the
    preamble (older exports) are recognised by a plausible first group-0008 element.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(132)
    except OSError:
        return "unknown"
    if head[128:132] == b"DICM":
        return "dicomdir" if _is_dicomdir(path) else "dicom"
    if head.startswith(_PNG_MAGIC):
        return "png"
    if head.startswith(_JPEG_MAGIC):
        return "jpeg"
    if head[:4] in _ZIP_MAGIC:
        return "zip"
    if len(head) >= 8 and head[0:2] in (b"\x08\x00", b"\x02\x00") and head[3] == 0:
        return "dicom"  # little endian, no preamble
    if len(head) >= 8 and head[0:2] in (b"\x00\x08", b"\x00\x02") and head[2] == 0:
        return "dicom"  # big endian, no preamble
    return "unknown"


def _is_dicomdir(path: Path) -> bool:
    try:
        meta = pydicom.filereader.read_file_meta_info(path)
        return str(meta.get("MediaStorageSOPClassUID", "")) == MEDIA_DIRECTORY_STORAGE
    except Exception:  # a damaged header is judged later, as DICOM
        return False


def read_dataset(
    path: Path,
    *,
    stop_before_pixels: bool = False,
    specific_tags: Sequence[str] | None = None,
) -> FileDataset:
    """Read a DICOM file, parsing every element so damage shows here.

    Args:
        path: The file.
        stop_before_pixels: Skip (7FE0,0010) Pixel Data (faster for metadata).
        specific_tags: Read only these keywords (and the file meta); much faster when
            only geometry and pixels are needed.

    Returns:
        The dataset, with ``file_meta`` holding a Transfer Syntax UID.

    Raises:
        DicomDecodeError: If the file is not DICOM or is damaged.
    """
    try:
        ds = pydicom.dcmread(
            path,
            stop_before_pixels=stop_before_pixels,
            force=True,
            specific_tags=list(specific_tags) if specific_tags else None,
        )
        _parse_all(ds, depth=0)
    except DicomDecodeError:
        raise
    except InvalidDicomError as e:
        raise DicomDecodeError("This file is not a valid DICOM file.") from e
    except Exception as e:  # pydicom raises many types on damaged files
        logger.info("DICOM read failed: %s", type(e).__name__)
        raise DicomDecodeError("This DICOM file is damaged: part of its header could not be read.") from e
    if not isinstance(ds, FileDataset) or len(ds) == 0:
        raise DicomDecodeError("This file is not a valid DICOM file.")
    _ensure_transfer_syntax(ds)
    return ds


def _parse_all(ds: Dataset, depth: int) -> None:
    """Convert every raw element (pydicom defers it) and bound sequence depth."""
    if depth > _MAX_SEQUENCE_DEPTH:
        raise DicomDecodeError("This DICOM file nests sequences implausibly deep.")
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value:
                _parse_all(item, depth + 1)


def _ensure_transfer_syntax(ds: FileDataset) -> None:
    """Fill in a missing (0002,0010) Transfer Syntax UID from how the file was read."""
    if "TransferSyntaxUID" in ds.file_meta:
        uid = ds.file_meta.TransferSyntaxUID
        if not isinstance(uid, UID) or not uid.is_transfer_syntax:
            raise DicomDecodeError(
                f"(0002,0010) Transfer Syntax UID '{str(uid)[:64]}' is not a known transfer syntax."
            )
        return
    implicit, little = ds.is_implicit_VR, ds.is_little_endian
    if implicit is None or little is None:
        raise DicomDecodeError("(0002,0010) Transfer Syntax UID is missing.")
    if implicit:
        ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
    elif little:
        ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRLittleEndian
    else:
        ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRBigEndian


def transfer_syntax_name(ds: Dataset) -> str:
    """The transfer syntax's name, e.g. 'JPEG Baseline (Process 1)'."""
    uid = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    if uid is None:
        return "unknown"
    return str(UID(str(uid)).name)


def dicomdir_references(path: Path) -> list[Path]:
    """List the files a DICOMDIR refers to, resolved safely under its folder.

    Referenced File IDs (0004,1500) that climb out of the folder are ignored.

    Raises:
        DicomDecodeError: If the DICOMDIR is damaged.
    """
    root = path.parent.resolve()
    ds = read_dataset(path, stop_before_pixels=True)
    found: list[Path] = []
    for record in _records(ds):
        file_id = record.get("ReferencedFileID")
        if not file_id:
            continue
        if isinstance(file_id, str):
            parts = [file_id]
        elif isinstance(file_id, list | MultiValue):
            parts = [str(p) for p in file_id]
        else:
            continue
        if any(p in ("", ".", "..") or any(c in p for c in "/\\\x00") for p in parts):
            continue
        candidate = root.joinpath(*parts).resolve()
        if candidate.is_relative_to(root):
            found.append(candidate)
    return found


def _records(ds: Dataset) -> Iterator[Dataset]:
    seq = ds.get("DirectoryRecordSequence")
    if not isinstance(seq, PydicomSequence):
        raise UnsupportedFileError("This DICOMDIR has no readable directory records.")
    yield from (item for item in seq if isinstance(item, Dataset))
