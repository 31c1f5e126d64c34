"""Triage: whether a patient's words describe an emergency now, for the chat, intake and drafting."""

from __future__ import annotations

from assistant.triage.engine import Triage, TriageDecision, rules_only_triage
from assistant.triage.shared import triage_for

__all__ = ["Triage", "TriageDecision", "rules_only_triage", "triage_for"]
