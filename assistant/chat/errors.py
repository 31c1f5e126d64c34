"""Domain errors of the patient chat, each with words a patient can act on."""

from __future__ import annotations

from assistant.errors import DomainError


class UploadRefusedError(DomainError):
    """An upload was refused before it was stored (too big, or not a file we can use)."""

    default_message = (
        "This file was not accepted. Please upload DICOM files (or a .zip of the study as the "
        "hospital gave it), PDF reports, or PNG/JPEG pictures."
    )


class ChatAccessError(DomainError):
    """The chat is for patients; other roles use their own pages."""

    default_message = "The chat is for patients. Please use the pages for your role."
