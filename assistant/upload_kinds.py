"""What an uploaded file is, decided once from its first bytes and stored on the upload.

The browser's MIME type and the file's name are recorded but never trusted: a PDF named
``report`` sent as ``application/octet-stream`` is still a PDF for the drafting job and
the injection check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from imaging.dicom_io import sniff

FileKind = Literal["dicom", "zip", "pdf", "png", "jpeg"]


def file_kind(path: Path) -> FileKind | None:
    """What a file is, from its first bytes (None: not a kind we accept)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
    except OSError:
        return None
    if head == b"%PDF-":
        return "pdf"
    kind = sniff(path)
    if kind in ("dicom", "dicomdir"):
        return "dicom"
    if kind in ("zip", "png", "jpeg"):
        return kind
    return None
