"""What the chat says and offers: replies with their buttons, and where the patient is.

:class:`Reply` objects are what :class:`assistant.chat.conversation.PatientChat` returns and
what the Chainlit adapter renders; they never depend on Chainlit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Phase(enum.StrEnum):
    """Where the patient is in the service."""

    CONSENT = "consent"
    INTAKE = "intake"
    WAITING = "waiting"
    DELIVERED = "delivered"
    DECLINED = "declined"


@dataclass(frozen=True)
class ActionSpec:
    """A button under a reply; the payload is a hint only and is always re-checked."""

    name: str
    label: str
    payload: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    """Something to show the patient."""

    text: str
    kind: str = "info"  # emergency|consent|intake|summary|upload|answer|progress|opinion|info
    actions: list[ActionSpec] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    sources: list[tuple[int, str, str, str]] = field(default_factory=list)
    author: str = "assistant"  # who said it: "patient" only for replayed earlier turns
