"""Domain errors of the application core.

Raised by services; the chat, the cockpit and the CLI turn them into words for people.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a request the domain refuses, with a message fit for the person who asked."""

    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        """The human-readable reason."""
        return str(self.args[0])


class NotFoundError(DomainError):
    """The record does not exist, or the actor may not know it exists."""

    default_message = "Not found."


class PermissionDeniedError(DomainError):
    """The access policy refuses this action to this actor."""

    default_message = "You do not have permission to do this."


class AuthenticationError(DomainError):
    """Wrong credentials, or an inactive account."""

    default_message = "Unknown user name or wrong password."


class ConflictError(DomainError):
    """Someone else changed the record first (a claim or signature race, a stale edit)."""

    default_message = "Someone else changed this case first; reload and try again."


class InvalidTransitionError(DomainError):
    """A case lifecycle transition that the state machine does not allow."""

    default_message = "This step is not allowed in the case's current state."


class ImmutableRecordError(DomainError):
    """An attempt to change a signed opinion; amend it instead."""

    default_message = "A signed opinion cannot be changed; create an amendment instead."


class ValidationError(DomainError):
    """Input that does not fit the domain's rules."""

    default_message = "The input is not valid."


class SignedContentMismatchError(ConflictError):
    """A signed version no longer matches the hash recorded with its signature."""

    default_message = (
        "This signed opinion failed its integrity check: the stored text no longer matches what "
        "the clinician signed. It will not be shown or sent until the team has checked it; they "
        "have been alerted."
    )

    def __init__(self, case_id: str, draft_id: str, reason: str, message: str | None = None) -> None:
        super().__init__(message)
        self.case_id, self.draft_id, self.reason = case_id, draft_id, reason


class UploadRefusedError(DomainError):
    """An upload was refused before it was stored (too big, or not a file we can use)."""

    default_message = (
        "This file was not accepted. Please upload DICOM files (or a .zip of the study as the "
        "hospital gave it), PDF reports, or PNG/JPEG pictures."
    )
