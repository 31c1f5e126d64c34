"""Untrusted text everywhere: uploads, every intake answer and the patient's chat messages.

Everything a patient types or uploads is data. :func:`injection_flags` runs
:func:`assistant.drafting.guardrails.detect_injection` over all of it and turns each
finding into a flag for the clinician; nothing found is ever followed.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.drafting.guardrails import detect_injection
from assistant.drafting.schemas import GuardrailFlag, SectionKey, UploadedText
from assistant.intake import IntakeRecord


def untrusted_intake_texts(intake: IntakeRecord) -> list[tuple[str, str]]:
    """Every free-text intake answer as (source, text), for injection checks."""
    fields = [
        ("intake: diagnosis", intake.diagnosis_in_question),
        ("intake: reason", intake.reason_for_second_opinion),
        ("intake: main question", intake.main_question),
        ("intake: symptoms", " ".join(f"{s.description} {s.onset} {s.duration}" for s in intake.symptoms)),
        ("intake: history", intake.history),
        ("intake: prior imaging", intake.prior_imaging),
        ("intake: medications", "; ".join(intake.medications)),
        ("intake: allergies", "; ".join(intake.allergies)),
    ]
    return [(src, text) for src, text in fields if text.strip()]


def injection_flags(
    intake: IntakeRecord, uploads: Sequence[UploadedText], chat_texts: Sequence[str]
) -> list[GuardrailFlag]:
    """One ``injection`` flag per instruction-like passage in any untrusted text."""
    sources = [(u.source, u.text) for u in uploads] + untrusted_intake_texts(intake)
    sources += [(f"chat message {i}", t) for i, t in enumerate(chat_texts, start=1) if t.strip()]
    return [
        GuardrailFlag(
            kind="injection",
            detail=f"instruction-like text in {found.source} ({found.pattern}), "
            f"treated as data and not followed: \u201c{found.excerpt}\u201d",
            section=SectionKey.SUMMARY,
        )
        for source, text in sources
        for found in detect_injection(text, source)
    ]
