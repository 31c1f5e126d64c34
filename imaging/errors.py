"""Domain errors of the imaging library.

Every error carries a plain-words ``message`` and, where there is one, a ``remedy``
the person who uploaded the file can act on. The core raises these; the chat handler,
routes and CLI turn them into words for people. Messages never contain patient data.
"""

from __future__ import annotations


class ImagingError(Exception):
    """Base class of every error the imaging library raises on purpose."""

    default_message = "The image could not be processed."
    default_remedy = ""

    def __init__(self, message: str | None = None, *, remedy: str | None = None) -> None:
        self.message = message or self.default_message
        self.remedy = self.default_remedy if remedy is None else remedy
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.remedy:
            return f"{self.message} {self.remedy}"
        return self.message


class UnsupportedFileError(ImagingError):
    """The file is of a kind the library does not read."""

    default_message = "This file is not a kind of file we can read."
    default_remedy = (
        "Upload DICOM files (a folder or a .zip of the study as the hospital gave it), "
        "or PNG/JPEG pictures."
    )


class UnsafeArchiveError(ImagingError):
    """An archive breaks an upload-safety rule (size, member count, names, nesting)."""

    default_message = "This archive was refused because it is not safe to unpack."
    default_remedy = (
        "Upload the study as the hospital gave it, or split it into smaller archives."
    )


class DicomDecodeError(ImagingError):
    """A DICOM file is damaged or its pixel data cannot be decoded."""

    default_message = "This DICOM file is damaged or uses an encoding we cannot decode."
    default_remedy = (
        "Ask the hospital for an uncompressed or JPEG-compressed export of the study."
    )


class PixelDataError(DicomDecodeError):
    """The pixel attributes of a DICOM image are missing, inconsistent or unsupported."""

    default_message = "The pixel data of this DICOM image is missing or inconsistent."


class SeriesError(ImagingError):
    """A series cannot be stacked into a volume (gaps, mixed orientation, sizes)."""

    default_message = "The images of this series do not form one consistent volume."
    default_remedy = "Upload the complete series exactly as exported by the hospital."


class NotAnImageError(ImagingError):
    """The object is readable but is not an image (SR, SEG, RT, presentation state)."""

    default_message = "This file is not a medical image."
    default_remedy = ""


class DeidentificationError(ImagingError):
    """A file could not be de-identified, so it was not stored."""

    default_message = "This file could not be de-identified safely, so it was not kept."
    default_remedy = "Ask the hospital for a fresh export of the study."
