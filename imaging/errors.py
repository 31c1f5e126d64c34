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
        "Upload DICOM files (a folder or a .zip of the study as the hospital gave it), or PNG/JPEG pictures."
    )


class UnsafeArchiveError(ImagingError):
    """An archive breaks an upload-safety rule (size, member count, names, nesting)."""

    default_message = "This archive was refused because it is not safe to unpack."
    default_remedy = "Upload the study as the hospital gave it, or split it into smaller archives."


class DicomDecodeError(ImagingError):
    """A DICOM file is damaged or its pixel data cannot be decoded."""

    default_message = "This DICOM file is damaged or uses an encoding we cannot decode."
    default_remedy = "Ask the hospital for an uncompressed or JPEG-compressed export of the study."


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


class ModelNotFoundError(ImagingError):
    """No model entry of that name is registered."""

    default_message = "The requested imaging model is not registered."
    default_remedy = "Use one of the registered models (see docs/imaging-models.md)."

    def __init__(self, name: str, available: list[str] | None = None) -> None:
        known = ", ".join(available or []) or "none"
        super().__init__(f"Imaging model {name!r} is not registered (known: {known}).")


class WeightsMissingError(ImagingError):
    """A model's weights file is not installed at the path its registry entry names."""

    default_message = "The imaging model's weights file is not installed."

    def __init__(self, name: str, path: object) -> None:
        super().__init__(
            f"Weights for imaging model {name!r} are missing: expected a file at {path}.",
            remedy=f"Install the weights file for {name!r} at {path} "
            "(see docs/imaging-models.md, 'Installing weights').",
        )


class WeightsChecksumError(ImagingError):
    """A weights file exists but its SHA-256 differs from the registry entry's."""

    default_message = "The imaging model's weights file does not match its checksum."

    def __init__(self, name: str, path: object, expected: str, actual: str) -> None:
        super().__init__(
            f"Weights for imaging model {name!r} at {path} fail verification: "
            f"expected sha256 {expected[:16]}..., got {actual[:16]}...",
            remedy=f"Reinstall the original weights file for {name!r} at {path}.",
        )


class WeightsFormatError(ImagingError):
    """A weights file has the wrong layout for the architecture it claims."""

    default_message = "The imaging model's weights file is not in the expected format."
    default_remedy = "Install the original, unmodified weights file."


class QuantitationError(ImagingError):
    """A CT volume could not be quantified (not a chest CT, no lungs found, bad spacing)."""

    default_message = "The CT measurements could not be computed for this series."
    default_remedy = "Upload a complete axial chest CT series."
