"""The relational schema: users, cases, uploads, drafts, signatures, jobs, transcripts, audit.

Signed drafts are immutable: an ORM guard refuses updates and deletes of a signed row,
and the migration installs a database trigger that does the same for raw SQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from assistant.db.base import Base, utcnow
from assistant.errors import ImmutableRecordError
from assistant.lifecycle import CaseStatus
from assistant.roles import Role


def new_id() -> str:
    """A random, unguessable identifier for records that appear in URLs."""
    return str(uuid.uuid4())


def _enum(cls: type[Any], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class User(Base):
    """A person who logs in; exactly one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Consent(Base):
    """A patient's explicit consent to a given version of the service terms."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text_version: Mapped[str] = mapped_column(String(40))
    text_sha256: Mapped[str] = mapped_column(String(64))
    consented_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Case(Base):
    """A patient's request for a second opinion, moving through the review lifecycle."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_queue", "status", "priority", "submitted_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus, "case_status"), default=CaseStatus.INTAKE)
    # 0 = urgent (red flags raised), 1 = routine; sorts urgent first.
    priority: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300), default="")
    intake: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    red_flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[dt.datetime | None]
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    first_submitted_at: Mapped[dt.datetime | None]
    signed_at: Mapped[dt.datetime | None]
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}

    patient: Mapped[User] = relationship(foreign_keys=[patient_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])

    @property
    def is_urgent(self) -> bool:
        """Whether red flags put this case first in the queue."""
        return self.priority == 0


class Upload(Base):
    """A file the patient uploaded: metadata and where the bytes are stored."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    # dicom|zip|pdf|png|jpeg, from the file's content (never the browser's MIME type).
    kind: Mapped[str | None] = mapped_column(String(16))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), default="received")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Identifiers removed by de-identification, kept only here to match studies to the case.
    original_identifiers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Draft(Base):
    """One version of a case's opinion text; AI original, clinician edit, signed or amendment."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_drafts_case_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # ai_original|clinician_edit|signed|amendment
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("drafts.id"))
    is_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    prompt_name: Mapped[str] = mapped_column(String(120), default="")
    prompt_version: Mapped[str] = mapped_column(String(40), default="")
    prompt_sha256: Mapped[str] = mapped_column(String(64), default="")
    model_id: Mapped[str] = mapped_column(String(200), default="")
    checks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    signature: Mapped[Signature | None] = relationship(back_populates="draft", uselist=False)


class Signature(Base):
    """A clinician's signature over one draft version's exact content."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), unique=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attestation: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))

    draft: Mapped[Draft] = relationship(back_populates="signature")
    signer: Mapped[User] = relationship()


class Job(Base):
    """A durable unit of background work (drafting a case), retried until done or failed."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_pick", "status", "run_after"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="draft")
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|running|done|failed
    # The pipeline stage the job is at (imaging|retrieval|drafting|checks); each stage is
    # leased, retried and counted on its own, so ``attempts`` counts this stage's attempts.
    stage: Mapped[str] = mapped_column(String(20), default="imaging", server_default="imaging")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    run_after: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_expires_at: Mapped[dt.datetime | None]
    worker_id: Mapped[str | None] = mapped_column(String(120))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[dt.datetime | None]


class JobEvent(Base):
    """A progress step of a job (imaging, retrieval, drafting, checking) for the chat to show."""

    __tablename__ = "job_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class JobStageOutput(Base):
    """What one pipeline stage produced, kept so the next stage runs on another worker.

    Written in the same transaction that moves the job to its next stage, so a stage's
    output exists exactly when the job has moved past it; removed when the job is done.
    """

    __tablename__ = "job_stage_outputs"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    output: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    worker_id: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    """A chat thread between a patient and the assistant, usually tied to one case."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Message(Base):
    """One turn of a conversation, as shown to the patient."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    author: Mapped[str] = mapped_column(String(20))  # patient|assistant|clinician|system
    content: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SupportFlag(Base):
    """A support reviewer's flag on a conversation (quality or safety)."""

    __tablename__ = "support_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    flagged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """An append-only, hash-chained record of who did what to which record."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ts: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    hmac: Mapped[str] = mapped_column(String(64), default="", server_default="")


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_signed(session: Session, _ctx: Any, _instances: Any) -> None:
    """ORM guard: a signed draft or a signature is never updated or deleted."""
    for obj in list(session.dirty) + list(session.deleted):
        protected = isinstance(obj, Signature) or (isinstance(obj, Draft) and _was_signed(obj))
        changed = obj in session.deleted or session.is_modified(obj, include_collections=False)
        if protected and changed:
            raise ImmutableRecordError()


def _was_signed(draft: Draft) -> bool:
    from sqlalchemy import inspect

    hist = inspect(draft).attrs.is_signed.history
    return bool(hist.deleted and hist.deleted[0]) or (draft.is_signed and not hist.added)


class PatientRequest(Base):
    """Something a patient asked for in the chat: data deletion, a clinician's follow-up, a question.

    A deletion request is an admin task; a follow-up or a question goes to the clinician who
    signed the case's opinion (``assigned_to_id``), or to every clinician when nobody has.
    """

    __tablename__ = "patient_requests"
    __table_args__ = (Index("ix_patient_requests_open", "status", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # delete_data|follow_up|question|stop
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|done
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    patient: Mapped[User] = relationship(foreign_keys=[patient_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])


class ReturnAnswer(Base):
    """The patient's answer to a clinician's question on a returned case."""

    __tablename__ = "return_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuthSession(Base):
    """A login session: the cookie carries a random token, only its sha256 is stored.

    Logout, a password change or reset, deactivation and a role change revoke the user's
    sessions; the chat's Chainlit token names the session it was issued for, so it dies too.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str] = mapped_column(String(40), default="")


class LoginThrottle(Base):
    """Failed logins counted per account (hashed name) or per client address."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)


class UrgentAlert(Base):
    """An emergency recognised in a patient's message, for support and clinicians to act on at once."""

    __tablename__ = "urgent_alerts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id"))
    text: Mapped[str] = mapped_column(Text)  # the patient's words
    category: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(default=0.0)
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column()


class StoredObject(Base):
    """One stored file in database storage (``storage.mode = "database"``): its key and size.

    The row appears in the same transaction as its chunks, so a reader that finds the key
    always finds every byte.
    """

    __tablename__ = "storage_objects"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    chunk_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StoredChunk(Base):
    """A fixed-size slice of a stored file (bytea on PostgreSQL), read one at a time."""

    __tablename__ = "storage_chunks"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
