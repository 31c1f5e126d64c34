"""Domain errors of the patient chat, each with words a patient can act on."""

from __future__ import annotations

from assistant.errors import DomainError


class ChatAccessError(DomainError):
    """The chat is for patients; other roles use their own pages."""

    default_message = "The chat is for patients. Please use the pages for your role."


class ChatSessionEndedError(DomainError):
    """The login session this chat was opened with has ended (logout, password or role change)."""

    default_message = "Your session has ended (you logged out, or your account changed). Please log in again."
