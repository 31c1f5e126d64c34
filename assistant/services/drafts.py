"""Draft versions: the AI original, clinician edits, signed versions and amendments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.actors import Actor
from assistant.db.models import Case, Draft, Signature
from assistant.errors import NotFoundError
from assistant.lifecycle import CaseStatus
from assistant.policy import Action, authorize
from assistant.services.common import load_case, move
from imaging.checksums import canonical_json_sha256


def content_sha256(content: dict[str, Any]) -> str:
    """A stable hash of a draft's content (canonical JSON)."""
    return canonical_json_sha256(content, ascii_only=False)


def latest_draft(session: Session, case_id: str) -> Draft | None:
    """The newest version of a case's draft, signed or not."""
    stmt = select(Draft).where(Draft.case_id == case_id).order_by(Draft.version.desc()).limit(1)
    return session.scalar(stmt)


def draft_versions(session: Session, case_id: str) -> Sequence[Draft]:
    """Every version, oldest first."""
    return session.scalars(select(Draft).where(Draft.case_id == case_id).order_by(Draft.version)).all()


def ai_original(session: Session, case_id: str) -> Draft | None:
    """The latest AI-written draft (re-drafting after a return writes a new one)."""
    stmt = (
        select(Draft)
        .where(Draft.case_id == case_id, Draft.kind == "ai_original")
        .order_by(Draft.version.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def next_version(session: Session, case_id: str) -> int:
    """The version number the next draft of this case gets."""
    latest = latest_draft(session, case_id)
    return 1 if latest is None else latest.version + 1


def new_version(
    session: Session,
    case: Case,
    *,
    kind: str,
    content: dict[str, Any],
    author_id: int | None,
    parent: Draft | None,
    is_signed: bool = False,
) -> Draft:
    """Append a draft version (never modifies an existing one)."""
    draft = Draft(
        case_id=case.id,
        version=next_version(session, case.id),
        kind=kind,
        content=content,
        content_sha256=content_sha256(content),
        author_id=author_id,
        parent_id=parent.id if parent else None,
        is_signed=is_signed,
        prompt_name=parent.prompt_name if parent else "",
        prompt_version=parent.prompt_version if parent else "",
        prompt_sha256=parent.prompt_sha256 if parent else "",
        model_id=parent.model_id if parent else "",
        checks=parent.checks if parent else {},
        evidence=parent.evidence if parent else {},
    )
    session.add(draft)
    session.flush()
    return draft


def create_ai_draft(
    session: Session,
    actor: Actor,
    case_id: str,
    content: dict[str, Any],
    *,
    prompt_name: str,
    prompt_version: str,
    prompt_sha256: str,
    model_id: str,
    checks: dict[str, Any],
    evidence: dict[str, Any],
) -> Draft:
    """The drafting pipeline (as :data:`~assistant.actors.SYSTEM`) stores its draft and queues the case."""
    case = load_case(session, case_id, lock=True)
    authorize(actor, Action.DRAFT_CREATE, case)
    draft = Draft(
        case_id=case.id,
        version=next_version(session, case.id),
        kind="ai_original",
        content=content,
        content_sha256=content_sha256(content),
        prompt_name=prompt_name,
        prompt_version=prompt_version,
        prompt_sha256=prompt_sha256,
        model_id=model_id,
        checks=checks,
        evidence=evidence,
    )
    session.add(draft)
    session.flush()
    move(
        session,
        actor,
        case,
        CaseStatus.PENDING_REVIEW,
        "draft.create",
        details={"draft_id": draft.id, "version": draft.version},
    )
    return draft


def verify_signed(session: Session, draft_id: str) -> bool:
    """Whether a signed version still matches the hash recorded with its signature."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFoundError("Draft not found.")
    sig = session.scalar(select(Signature).where(Signature.draft_id == draft.id))
    if sig is None or not draft.is_signed:
        return False
    actual = content_sha256(draft.content)
    return actual == sig.content_sha256 == draft.content_sha256
