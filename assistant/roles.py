"""The four kinds of user and what the system calls them."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """A user's single role; permissions follow from it in :mod:`assistant.policy`."""

    PATIENT = "patient"
    CLINICIAN = "clinician"
    SUPPORT = "support"
    ADMIN = "admin"
