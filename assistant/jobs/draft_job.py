"""The drafting job's stages: imaging, retrieval, drafting (the LLM), checks.

Each stage reads the case and the stored outputs of the stages before it, and returns
its own output as JSON; nothing passes in memory from one stage to the next, so each
can run on a different worker: a drafting worker never loads the imaging models and an
imaging worker never loads the LLM. Only the checks stage writes the draft, in the same
transaction that completes the job (exactly one draft per job).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.actors import SYSTEM
from assistant.components import llm, retriever, support_scorer
from assistant.db.models import Conversation, Draft, Message, Upload
from assistant.drafting import questions
from assistant.drafting.answers import raised_by_the_story
from assistant.drafting.chat_answers import ChatAnswerer
from assistant.drafting.composer import ComposerOptions, check_composed_draft, compose_draft
from assistant.drafting.schemas import CitedSource, DraftContent, GuardrailFlag, ImagingFindings, UploadedText
from assistant.drafting.sources import SourceGrouper, group_hits
from assistant.drafting.stored import stored_evidence
from assistant.intake import IntakeRecord
from assistant.jobs.execution import JobExecution
from assistant.jobs.imaging_step import ImagingOutcome, StoredUpload, analyse_uploads, pdf_texts
from assistant.knowledge_base import evidence_warning
from assistant.lifecycle import CaseStatus
from assistant.services import drafts
from assistant.services.common import load_case
from assistant.settings import LLMSettings

log = logging.getLogger(__name__)
MAX_PASSAGES = 8

#: A stage's work: returns its output to store (the last stage writes the draft instead).
StageHandler = Callable[[JobExecution], dict[str, Any] | None]


class ImagingOutput(BaseModel):
    """What the imaging stage found, and the text of uploaded reports (read with the files)."""

    findings: ImagingFindings
    evidence: dict[str, Any] = Field(default_factory=dict)
    texts: list[UploadedText] = Field(default_factory=list)


class RetrievalOutput(BaseModel):
    """The numbered passages the draft may cite, and where each came from."""

    passages: list[CitedSource] = Field(default_factory=list)
    provenance: list[dict[str, Any]] = Field(default_factory=list)
    #: Set when the index this host searched is empty or stale: the draft says so.
    warning: str | None = None


class DraftingOutput(BaseModel):
    """The composed draft before its citations are checked."""

    draft: DraftContent


def _intake(ex: JobExecution) -> IntakeRecord:
    with ex.ctx.db.session() as s:
        return IntakeRecord.model_validate(load_case(s, ex.case_id).intake)


def _red_flags(ex: JobExecution) -> list[str]:
    """Emergency symptoms the chat's triage raised (they make the draft urgent)."""
    with ex.ctx.db.session() as s:
        return [str(f) for f in load_case(s, ex.case_id).red_flags or []]


def _uploads(ex: JobExecution) -> list[StoredUpload]:
    with ex.ctx.db.session() as s:
        rows = s.scalars(select(Upload).where(Upload.case_id == ex.case_id).order_by(Upload.created_at))
        return [StoredUpload(u.id, u.filename, u.storage_key, u.content_type, u.kind) for u in rows]


def _chat_texts(ex: JobExecution) -> list[str]:
    with ex.ctx.db.session() as s:
        return list(
            s.scalars(
                select(Message.content)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(Conversation.case_id == ex.case_id, Message.author == "patient")
                .order_by(Message.id)
            )
        )


def build_queries(intake: IntakeRecord, findings: ImagingFindings) -> list[str]:
    """Retrieval queries from the question, the diagnosis and what the images showed."""
    who = "in children" if intake.is_child else "in adults" if intake.age is not None else ""
    dx = questions.diagnosis_label(intake)
    queries = [f"{dx} {who}".strip(), intake.main_question]
    queries += [f"{c.name} symptoms and tests" for c in questions.named_alternatives(intake)]
    queries += [f"{name} symptoms and tests" for name in questions.unknown_alternatives(intake)]
    queries = [q for q in queries if q.strip()]
    for f in findings.findings:
        if f.positive and f.assessed:
            queries.append(f"{f.label.replace('_', ' ')} on chest X-ray")
    if findings.ct is not None:
        queries.append("emphysema low attenuation area percentage CT")
        if findings.ct.nodule_candidates:
            queries.append("pulmonary nodule follow-up Fleischner")
    # what the story raises unnamed (acute chest syndrome with sickle cell disease, a clot behind a swollen
    # calf): a read opinion weighed acute chest syndrome without its own note among the sources
    queries += [f"{c.name} symptoms and tests" for c in raised_by_the_story(intake)[:2]]
    queries.append("limitations of AI models for chest imaging")
    return list(dict.fromkeys(queries))


def retrieve(
    ex: JobExecution, queries: list[str], grouper: SourceGrouper = group_hits
) -> tuple[list[CitedSource], list[dict[str, Any]]]:
    """Fused retrieval for each query; chunks grouped into one numbered passage per document."""
    kb = retriever(ex.ctx)
    seen: dict[str, Any] = {}
    per_query = max(2, MAX_PASSAGES // max(len(queries), 1) + 1)
    for query in queries:
        for p in kb.search(query, k=per_query):
            seen.setdefault(p.chunk_id, p)
        if len({p.source_id for p in seen.values()}) >= MAX_PASSAGES:
            break
    return grouper(list(seen.values()), MAX_PASSAGES)


def chat_answerer(settings: LLMSettings) -> ChatAnswerer | None:
    """The capable-model path when an OpenAI-compatible chat model is configured."""
    if settings.mode != "openai_compatible" or settings.api_style != "chat":
        return None
    return ChatAnswerer(settings.base_url, settings.model, settings.api_key, settings.timeout_s)


def imaging_stage(ex: JobExecution) -> dict[str, Any]:
    """De-identify and analyse the images; read uploaded PDF reports (GPU workers)."""
    ex.progress("imaging", "Checking your images")
    intake, uploads = _intake(ex), _uploads(ex)
    work = Path(tempfile.mkdtemp(prefix=f"job-{ex.job_id[:8]}-"))
    try:
        outcome = analyse_uploads(ex.ctx, uploads, work, patient_age_years=intake.age)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    texts = [UploadedText(source=src, text=t) for src, t in pdf_texts(ex.ctx, uploads)]
    return ImagingOutput(findings=outcome.findings, evidence=outcome.evidence, texts=texts).model_dump(
        mode="json"
    )


def retrieval_stage(ex: JobExecution) -> dict[str, Any]:
    """Evidence for the case's question and findings (lexical + dense retrieval)."""
    ex.progress("retrieval", "Reading the medical evidence")
    imaging = ex.output("imaging", ImagingOutput)
    passages, provenance = retrieve(ex, build_queries(_intake(ex), imaging.findings))
    warning = evidence_warning(retriever(ex.ctx).status(), len(passages))
    if warning:
        log.warning("case %s: %s", ex.case_id, warning)
    return RetrievalOutput(passages=passages, provenance=provenance, warning=warning).model_dump(mode="json")


def drafting_stage(ex: JobExecution) -> dict[str, Any]:
    """The LLM writes the draft from the stored findings and passages (LLM workers)."""
    ex.progress("drafting", "Writing a draft for your clinician")
    imaging = ex.output("imaging", ImagingOutput)
    retrieved = ex.output("retrieval", RetrievalOutput)
    content = compose_draft(
        _intake(ex),
        imaging.findings,
        retrieved.passages,
        llm(ex.ctx),
        uploads=imaging.texts,
        scorer=support_scorer(ex.ctx),  # also picks which passage a model sentence cites
        options=ComposerOptions(support_threshold=ex.ctx.settings.llm.support_threshold),
        chat_texts=_chat_texts(ex),
        chat=chat_answerer(ex.ctx.settings.llm),
        red_flags=_red_flags(ex),
        check=False,
    )
    if retrieved.warning:  # the clinician sees this among the draft's warnings
        content.flags.append(GuardrailFlag(kind="evidence", detail=retrieved.warning))
    return DraftingOutput(draft=content).model_dump(mode="json")


def checks_stage(ex: JobExecution) -> None:
    """Check every citation against its passage, then put the draft in the review queue."""
    ex.progress("checking", "Checking every citation against its source")
    imaging = ex.output("imaging", ImagingOutput)
    retrieved = ex.output("retrieval", RetrievalOutput)
    content = ex.output("drafting", DraftingOutput).draft
    check_composed_draft(content, support_scorer(ex.ctx), threshold=ex.ctx.settings.llm.support_threshold)
    outcome = ImagingOutcome(imaging.findings, imaging.evidence)
    with ex.ctx.db.session() as s:
        case = load_case(s, ex.case_id, lock=True)
        if case.status is not CaseStatus.DRAFTING:
            ex.finish(s)
            return
        save_draft(s, ex.case_id, content, retrieved.provenance, outcome)
        ex.finish(s)


def draft_columns(
    content: DraftContent, provenance: list[dict[str, Any]], outcome: ImagingOutcome
) -> dict[str, Any]:
    """The stored columns of an AI draft (content, checks, evidence, prompt and model fields).

    The one writer of these JSON columns, read back by :class:`assistant.drafting.stored.StoredDraft`;
    test factories call it too, so pages are tested on what the pipeline stores.
    """
    fields = content.storage_fields()
    fields["evidence"] = stored_evidence(fields["evidence"], provenance, outcome.evidence, outcome.findings)
    return fields


def save_draft(
    session: Session,
    case_id: str,
    content: DraftContent,
    provenance: list[dict[str, Any]],
    outcome: ImagingOutcome,
) -> Draft:
    """Store the composed draft as the case's AI original and queue it for review."""
    fields = draft_columns(content, provenance, outcome)
    draft = drafts.create_ai_draft(session, SYSTEM, case_id, fields.pop("content"), **fields)
    if content.priority == "urgent":
        load_case(session, case_id).priority = 0
    return draft


def draft_stages() -> dict[str, StageHandler]:
    """The drafting job's stage handlers, by stage name (the order is ``jobs.PIPELINE``)."""
    return {
        "imaging": imaging_stage,
        "retrieval": retrieval_stage,
        "drafting": drafting_stage,
        "checks": checks_stage,
    }
