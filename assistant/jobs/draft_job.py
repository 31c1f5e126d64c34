"""The drafting job: images, evidence, the LLM's draft, checks, into the review queue."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assistant.actors import SYSTEM
from assistant.components import llm, retriever, support_scorer
from assistant.db.models import Conversation, Message, Upload
from assistant.drafting import questions
from assistant.drafting.chat_answers import ChatAnswerer
from assistant.drafting.composer import ComposerOptions, compose_draft
from assistant.drafting.schemas import ImagingFindings, IntakeRecord, Passage, UploadedText, intake_from_case
from assistant.drafting.sources import PassageGrouper, group_hits
from assistant.intake import IntakeRecord as CaseIntake
from assistant.jobs.execution import JobExecution
from assistant.jobs.imaging_step import StoredUpload, analyse_uploads, pdf_texts
from assistant.lifecycle import CaseStatus
from assistant.services import drafts
from assistant.services.common import load_case
from assistant.settings import LLMSettings

log = logging.getLogger(__name__)
MAX_PASSAGES = 8


def _load(ex: JobExecution) -> tuple[CaseStatus, IntakeRecord, list[StoredUpload], list[str]]:
    with ex.ctx.db.session() as s:
        case = load_case(s, ex.case_id)
        intake = intake_from_case(CaseIntake.model_validate(case.intake), case.red_flags)
        rows = s.scalars(select(Upload).where(Upload.case_id == case.id).order_by(Upload.created_at))
        uploads = [StoredUpload(u.id, u.filename, u.storage_key, u.content_type, u.kind) for u in rows]
        chat = s.scalars(
            select(Message.content)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.case_id == case.id, Message.author == "patient")
            .order_by(Message.id)
        )
        return case.status, intake, uploads, list(chat)


def build_queries(intake: IntakeRecord, findings: ImagingFindings) -> list[str]:
    """Retrieval queries from the question, the diagnosis and what the images showed."""
    who = "in children" if intake.is_child else "in adults" if intake.age is not None else ""
    dx = questions.diagnosis_label(intake)
    queries = [f"{dx} {who}".strip(), intake.main_question]
    queries += [f"{c.name} symptoms and tests" for c in questions.named_alternatives(intake)]
    queries = [q for q in queries if q.strip()]
    for f in findings.findings:
        if f.positive and f.assessed:
            queries.append(f"{f.label.replace('_', ' ')} on chest X-ray")
    if findings.ct is not None:
        queries.append("emphysema low attenuation area percentage CT")
        if findings.ct.nodule_candidates:
            queries.append("pulmonary nodule follow-up Fleischner")
    queries.append("limitations of AI models for chest imaging")
    return list(dict.fromkeys(queries))


def retrieve(
    ex: JobExecution, queries: list[str], grouper: PassageGrouper = group_hits
) -> tuple[list[Passage], list[dict[str, Any]]]:
    """Fused retrieval for each query; chunks grouped into one numbered passage per document."""
    kb = retriever(ex.ctx)
    seen: dict[str, Any] = {}
    per_query = max(2, MAX_PASSAGES // max(len(queries), 1) + 1)
    for query in queries:
        for p in kb.search(query, k=per_query):
            seen.setdefault(p.chunk_id, p)
        if len({grouper_key(p) for p in seen.values()}) >= MAX_PASSAGES:
            break
    return grouper(list(seen.values()), MAX_PASSAGES)


def grouper_key(hit: Any) -> str:
    """The document a hit belongs to (for counting documents, not chunks)."""
    from assistant.drafting.sources import document_key

    return document_key(hit)


def chat_answerer(settings: LLMSettings) -> ChatAnswerer | None:
    """The capable-model path when an OpenAI-compatible chat model is configured."""
    if settings.mode != "openai_compatible" or settings.api_style != "chat":
        return None
    return ChatAnswerer(settings.base_url, settings.model, settings.api_key, settings.timeout_s)


def run_draft_job(ex: JobExecution) -> None:
    """Draft one case; the final write and the job's completion share one transaction."""
    status, intake, uploads, chat_texts = _load(ex)
    if status is not CaseStatus.DRAFTING:
        log.info("case %s is '%s'; nothing to draft", ex.case_id, status.value)
        return
    work = Path(tempfile.mkdtemp(prefix=f"job-{ex.job_id[:8]}-"))
    try:
        ex.progress("imaging", "Checking your images")
        outcome = analyse_uploads(ex.ctx, uploads, work, patient_age_years=intake.age)
        texts = [UploadedText(source=src, text=t) for src, t in pdf_texts(ex.ctx, uploads)]
        ex.progress("retrieval", "Reading the medical evidence")
        passages, provenance = retrieve(ex, build_queries(intake, outcome.findings))
        ex.progress("drafting", "Writing a draft for your clinician")
        content = compose_draft(
            intake,
            outcome.findings,
            passages,
            llm(ex.ctx),
            uploads=texts,
            scorer=support_scorer(ex.ctx),
            options=ComposerOptions(support_threshold=ex.ctx.settings.llm.support_threshold),
            chat_texts=chat_texts,
            chat=chat_answerer(ex.ctx.settings.llm),
        )
        ex.progress("checking", "Checking every citation against its source")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    fields = content.storage_fields()
    evidence = {
        **fields["evidence"],
        "passages": provenance,
        "imaging": outcome.evidence,
        "findings": outcome.findings.model_dump(mode="json"),
    }
    with ex.ctx.db.session() as s:
        case = load_case(s, ex.case_id, lock=True)
        if case.status is not CaseStatus.DRAFTING:
            return
        drafts.create_ai_draft(
            s,
            SYSTEM,
            ex.case_id,
            fields["content"],
            prompt_name=fields["prompt_name"],
            prompt_version=fields["prompt_version"],
            prompt_sha256=fields["prompt_sha256"],
            model_id=fields["model_id"],
            checks=fields["checks"],
            evidence=evidence,
        )
        if content.priority == "urgent":
            case.priority = 0
        ex.finish(s)
