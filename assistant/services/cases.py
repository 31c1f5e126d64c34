"""The patient's side of a case: consent, intake, uploads, submission, the signed opinion."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.base import utcnow
from assistant.db.models import Case, Consent, Draft, Job, Upload, User
from assistant.errors import NotFoundError, ValidationError
from assistant.intake import IntakeRecord
from assistant.lifecycle import OPINION_AVAILABLE, CaseStatus
from assistant.policy import Action, authorize
from assistant.services.common import load_case, move
from assistant.storage import Storage
from assistant.upload_kinds import file_kind

EDITABLE_INTAKE = frozenset({CaseStatus.INTAKE, CaseStatus.RETURNED})


def record_consent(session: Session, actor: User, text_version: str, text: str) -> Consent:
    """Record that the patient consented to this exact text."""
    authorize(actor, Action.CONSENT_GIVE)
    consent = Consent(
        user_id=actor.id,
        text_version=text_version,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    session.add(consent)
    session.flush()
    audit.record(
        session,
        actor,
        "consent.give",
        target_type="consent",
        target_id=consent.id,
        details={"text_version": text_version},
    )
    return consent


def has_consented(session: Session, user: User, text_version: str) -> bool:
    """Whether the user consented to this version of the terms."""
    stmt = select(Consent.id).where(Consent.user_id == user.id, Consent.text_version == text_version)
    return session.scalar(stmt.limit(1)) is not None


def create_case(session: Session, actor: User, title: str = "") -> Case:
    """A patient opens a new case in the intake state."""
    authorize(actor, Action.CASE_CREATE)
    case = Case(patient_id=actor.id, title=title[:300], intake=IntakeRecord().model_dump())
    session.add(case)
    session.flush()
    audit.record(session, actor, "case.create", target_type="case", target_id=case.id, case_id=case.id)
    return case


def get_case(session: Session, actor: User, case_id: str) -> Case:
    """Read a case (a PHI view, audited)."""
    case = load_case(session, case_id)
    authorize(actor, Action.CASE_READ, case)
    audit.record(session, actor, "case.view", target_type="case", target_id=case.id, case_id=case.id)
    return case


def list_own_cases(session: Session, actor: User) -> Sequence[Case]:
    """The patient's own cases, newest first."""
    authorize(actor, Action.CASE_LIST_OWN)
    stmt = select(Case).where(Case.patient_id == actor.id).order_by(Case.created_at.desc())
    return session.scalars(stmt).all()


def update_intake(session: Session, actor: User, case_id: str, record: IntakeRecord) -> Case:
    """Save the intake record while the case is still with the patient."""
    case = load_case(session, case_id, lock=True)
    authorize(actor, Action.INTAKE_UPDATE, case)
    if case.status not in EDITABLE_INTAKE:
        raise ValidationError("This case has been submitted; its intake can no longer be changed.")
    case.intake = record.model_dump()
    if record.diagnosis_in_question and not case.title:
        case.title = record.diagnosis_in_question[:300]
    audit.record(session, actor, "intake.update", target_type="case", target_id=case.id, case_id=case.id)
    return case


def mark_red_flags(session: Session, actor: User, case_id: str, flags: Sequence[str]) -> Case:
    """Record red flags on a case and put it first in the queue."""
    case = load_case(session, case_id, lock=True)
    authorize(actor, Action.MESSAGE_POST, case)
    known = list(case.red_flags)
    case.red_flags = known + [f for f in flags if f not in known]
    case.priority = 0
    audit.record(
        session,
        actor,
        "case.red_flag",
        target_type="case",
        target_id=case.id,
        case_id=case.id,
        details={"flags": list(flags)},
    )
    return case


def check_upload_allowed(session: Session, actor: User, case_id: str) -> None:
    """Raise unless ``actor`` may add files to the case now (checked before a long copy)."""
    case = load_case(session, case_id)
    authorize(actor, Action.UPLOAD_ADD, case)
    if case.status not in EDITABLE_INTAKE:
        raise ValidationError("Files can only be added before the case is submitted.")


def add_upload(
    session: Session,
    actor: User,
    case_id: str,
    storage: Storage,
    stream: BinaryIO | None,
    filename: str,
    content_type: str = "application/octet-stream",
    *,
    stored: tuple[str, int] | None = None,
    kind: str | None = None,
) -> Upload:
    """Record an uploaded file, copying it into durable storage unless it is already there.

    Large uploads are copied with :meth:`Storage.put_file` *before* this transaction (after
    :func:`check_upload_allowed`) and passed as ``stored=(key, size)``, so no database lock
    is held during the copy. ``kind`` is what the file is by content
    (:func:`assistant.upload_kinds.file_kind`); it is detected from the stored bytes when
    not given.
    """
    check_upload_allowed(session, actor, case_id)
    if stored is None:
        if stream is None:
            raise ValueError("add_upload needs either a stream or stored=(key, size)")
        stored = storage.put_stream(stream)
    key, size = stored
    if kind is None:
        with storage.local_copy(key) as local:
            kind = file_kind(local)
    upload = Upload(
        case_id=case_id,
        uploaded_by_id=actor.id,
        filename=Path(filename).name[:300],
        content_type=content_type[:120],
        kind=kind,
        size_bytes=size,
        sha256=key,
        storage_key=key,
    )
    session.add(upload)
    session.flush()
    audit.record(
        session,
        actor,
        "upload.add",
        target_type="upload",
        target_id=upload.id,
        case_id=case_id,
        details={"size_bytes": size, "kind": kind or "unknown"},
    )
    return upload


def record_upload_outcome(
    session: Session,
    actor: User,
    upload_id: str,
    status: str,
    summary: dict[str, Any],
    identifiers: dict[str, Any],
) -> Upload:
    """Store what reading an upload found (status, summary, the identifiers removed), audited.

    The patient's upload is read outside any transaction (:mod:`assistant.services.uploads`);
    this writes the result under the same policy as adding the file.
    """
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise NotFoundError("Upload not found.")
    case = load_case(session, upload.case_id)
    authorize(actor, Action.UPLOAD_ADD, case)
    upload.status = status
    upload.summary = summary
    upload.original_identifiers = identifiers
    audit.record(
        session,
        actor,
        "upload.describe",
        target_type="upload",
        target_id=upload.id,
        case_id=case.id,
        details={"status": status, "kind": upload.kind or "unknown"},
    )
    return upload


def list_uploads(session: Session, actor: User, case_id: str) -> Sequence[Upload]:
    """A case's uploads (PHI access, audited)."""
    case = load_case(session, case_id)
    authorize(actor, Action.UPLOAD_READ, case)
    audit.record(session, actor, "upload.list", target_type="case", target_id=case.id, case_id=case.id)
    stmt = select(Upload).where(Upload.case_id == case.id).order_by(Upload.created_at)
    return session.scalars(stmt).all()


def submit_case(session: Session, actor: User, case_id: str, consent_version: str) -> Job:
    """The patient submits: the case goes to the drafting queue as a durable job."""
    case = load_case(session, case_id, lock=True)
    authorize(actor, Action.CASE_SUBMIT, case)
    if not has_consented(session, actor, consent_version):
        raise ValidationError("Please read and accept the consent before submitting.")
    missing = IntakeRecord.model_validate(case.intake).missing_for_submission()
    if missing:
        raise ValidationError("Some required answers are missing: " + ", ".join(missing))
    move(session, actor, case, CaseStatus.SUBMITTED, "case.submit")
    now = utcnow()
    case.submitted_at = now
    case.first_submitted_at = case.first_submitted_at or now
    case.claimed_by_id = None
    job = Job(case_id=case.id, kind="draft")
    session.add(job)
    session.flush()
    audit.record(session, actor, "job.enqueue", target_type="job", target_id=job.id, case_id=case.id)
    return job


def get_signed_opinion(session: Session, actor: User, case_id: str) -> Draft:
    """The latest signed version of the opinion; patients see nothing before signing."""
    case = load_case(session, case_id)
    authorize(actor, Action.OPINION_READ, case)
    if case.status not in OPINION_AVAILABLE:
        raise NotFoundError("There is no signed opinion for this case yet.")
    stmt = (
        select(Draft)
        .where(Draft.case_id == case.id, Draft.is_signed.is_(True))
        .order_by(Draft.version.desc())
        .limit(1)
    )
    draft = session.scalar(stmt)
    if draft is None:
        raise NotFoundError("There is no signed opinion for this case yet.")
    audit.record(session, actor, "opinion.view", target_type="draft", target_id=draft.id, case_id=case.id)
    return draft


def record_opinion_export(session: Session, actor: User, case_id: str, draft_id: str, fmt: str) -> None:
    """Audit that ``actor`` took a signed version out of the system (PDF, FHIR)."""
    case = load_case(session, case_id)
    authorize(actor, Action.OPINION_READ, case)
    audit.record(session, actor, "opinion.export", target_type="draft", target_id=draft_id, case_id=case.id,
                 details={"format": fmt})  # fmt: skip


def acknowledge_opinion(session: Session, actor: User, case_id: str) -> Case:
    """Mark the signed opinion as delivered once the patient has been shown it."""
    case = load_case(session, case_id, lock=True)
    authorize(actor, Action.OPINION_ACKNOWLEDGE, case)
    if case.status in (CaseStatus.SIGNED, CaseStatus.AMENDED):
        move(session, actor, case, CaseStatus.DELIVERED, "opinion.deliver")
    return case
