"""Who acts on the system: a logged-in :class:`~assistant.db.models.User`, or the system itself.

Every service takes an ``actor`` and asks :func:`assistant.policy.authorize`. Work that no
person starts (the job runner) and the operator's commands at the server's shell act as
:data:`SYSTEM`, a principal with its own, narrow grants in :mod:`assistant.policy`, so
that "no actor" can never mean "skip the check". The audit log records it as the role
``system`` with no user id.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TypeAlias

from assistant.db.models import User


class SystemRole(enum.StrEnum):
    """The system's role: never stored on a user, so no person can hold it."""

    SYSTEM = "system"


@dataclass(frozen=True)
class SystemActor:
    """The project itself acting (jobs, the operator's CLI): no user id, always active."""

    role: SystemRole = SystemRole.SYSTEM
    id: None = None
    is_active: bool = True
    username: str = "system"


SYSTEM = SystemActor()

Actor: TypeAlias = User | SystemActor
