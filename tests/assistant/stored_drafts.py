"""Stored drafts written by the drafting job's own writer, for tests that render them.

Tests describe a draft as the composer's typed output (sections of checked sentences,
citation metrics, guardrail flags), the retrieval hits its sources came from (numbered by
:func:`assistant.drafting.sources.group_hits`) and the imaging step's per-upload evidence
(:func:`assistant.jobs.imaging_step.upload_evidence`, which puts real pictures in storage),
then save it with :func:`assistant.jobs.draft_job.save_draft`, exactly as a drafting job
does. Pages are therefore tested on what the pipeline stores, never on hand-written JSON.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import Draft
from assistant.drafting.schemas import (
    SECTION_TITLES,
    CitationMetrics,
    DraftContent,
    DraftSection,
    DraftSentence,
    GuardrailFlag,
    ImagingFindings,
    SectionKey,
    SubQuestion,
)
from assistant.drafting.sources import group_hits
from assistant.drafting.stored import StoredDraft
from assistant.jobs.draft_job import draft_columns, save_draft
from assistant.jobs.imaging_step import ImagingOutcome, StoredUpload, upload_evidence
from knowledge.documents import Passage as RetrievedChunk
from knowledge.sentences import cited_numbers

SentenceSpec = tuple[str, bool | None]
SectionSpec = tuple[str, Sequence[SentenceSpec]]


def sentence(text: str, supported: bool | None = True) -> DraftSentence:
    """An LLM sentence as the composer checks it: its [n] citations resolved and scored."""
    return DraftSentence(
        text=text,
        origin="llm",
        citations=cited_numbers(text),
        support=None if supported is None else 0.9 if supported else 0.1,
        supported=supported,
        flags=["unsupported"] if supported is False else [],
    )


def composed(
    sections: Sequence[SectionSpec],
    *,
    metrics: CitationMetrics | None = None,
    flags: Sequence[GuardrailFlag] = (),
    sub_questions: Sequence[SubQuestion] = (),
    priority: str = "routine",
) -> DraftContent:
    """The composer's output for these sections (titles are the pipeline's own)."""
    return DraftContent.model_validate(
        {
            "sections": [
                DraftSection(
                    key=SectionKey(key),
                    title=SECTION_TITLES[SectionKey(key)],
                    sentences=[sentence(*s) for s in specs],
                )
                for key, specs in sections
            ],
            "citation_metrics": metrics or CitationMetrics(),
            "flags": list(flags),
            "sub_questions": list(sub_questions),
            "priority": priority,
            "template_name": "opinion",
            "template_version": "1",
            "prompt_sha256": "0" * 64,
            "model_id": "mock",
        }
    )


def imaging_record(
    ctx: AppContext, filename: str, study: Any, previews: Mapping[str, Path]
) -> dict[str, Any]:
    """One upload's evidence as the imaging step writes it (its pictures put in ``ctx.storage``).

    ``study`` is an ``imaging.analyze.StudyFindings``; ``previews`` maps an image's source to its PNG.
    """
    upload = StoredUpload(str(uuid.uuid4()), filename, "0" * 64, "application/dicom", "dicom")
    return upload_evidence(ctx, upload, study, dict(previews))


def _job_inputs(
    content: DraftContent,
    hits: Sequence[Mapping[str, Any]] = (),
    imaging: Sequence[dict[str, Any]] = (),
    findings: ImagingFindings | None = None,
) -> tuple[DraftContent, list[dict[str, Any]], ImagingOutcome]:
    """What the job hands its writer: the content with numbered passages, provenance, imaging outcome.

    Args:
        hits: Retrieval hits as mappings of :class:`knowledge.documents.Passage` fields, best
            first; numbered one per document as the job numbers them.
        imaging: Per-upload evidence records (:func:`imaging_record`).
        findings: The composer's findings summary.
    """
    chunks = [
        RetrievedChunk(chunk_id=f"{h['source_id']}#{i}", doc_type="web", **h) for i, h in enumerate(hits)
    ]
    passages, provenance = group_hits(chunks, limit=8)
    outcome = ImagingOutcome(findings or ImagingFindings(), {"uploads": list(imaging)})
    return content.model_copy(update={"passages": passages}), provenance, outcome


def columns(content: DraftContent, **parts: Any) -> dict[str, Any]:
    """The stored columns the drafting job writes for ``content`` (no database needed)."""
    return draft_columns(*_job_inputs(content, **parts))


def stored(content: DraftContent, **parts: Any) -> StoredDraft:
    """:func:`columns` read back through the read model, as every page reads them."""
    fields = columns(content, **parts)
    return StoredDraft.read(fields["content"], fields["checks"], fields["evidence"])


def write(session: Session, case_id: str, content: DraftContent, **parts: Any) -> Draft:
    """Store ``content`` as the AI original of a case in ``drafting``, in ``session``, as the job does."""
    return save_draft(session, case_id, *_job_inputs(content, **parts))


def save(db: Database, case_id: str, content: DraftContent, **parts: Any) -> str:
    """:func:`write` in a transaction of its own; the draft's id."""
    with db.session() as s:
        return write(s, case_id, content, **parts).id
