"""Errors of the triage module."""

from __future__ import annotations


class TriageConfigError(ValueError):
    """A triage rules or exemplar file is malformed; the message names the entry and the problem."""
