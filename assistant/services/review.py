"""The clinician's side: claim, edit, sign, return, decline, amend.

The queue itself is :mod:`assistant.services.queue_view`.

A claim is exclusive: the case row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite) and its state checked inside the same transaction, so of
two clinicians racing for a case exactly one wins and the other gets a ConflictError.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.base import utcnow
from assistant.db.models import Case, Draft, Signature, User
from assistant.drafting.stored import StoredContent
from assistant.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from assistant.lifecycle import OPINION_AVAILABLE, CaseStatus
from assistant.opinion import apply_edits
from assistant.passwords import verify_password
from assistant.policy import Action, authorize
from assistant.services import drafts
from assistant.services.common import load_case, move

DEFAULT_ATTESTATION = (
    "I have personally reviewed this patient's information, images and the cited evidence, "
    "edited the draft as needed, and I take clinical responsibility for this opinion."
)


def get_draft_for_review(session: Session, actor: User, case_id: str) -> Draft:
    """The newest draft version of a case, for a clinician (audited)."""
    case = load_case(session, case_id)
    authorize(actor, Action.DRAFT_READ, case)
    draft = drafts.latest_draft(session, case.id)
    if draft is None:
        raise NotFoundError("This case has no draft yet.")
    audit.record(session, actor, "draft.view", target_type="draft", target_id=draft.id, case_id=case.id)
    return draft


def claim_case(session: Session, actor: User, case_id: str) -> Case:
    """Take exclusive responsibility for reviewing a case."""
    case = load_case(session, case_id, lock=True)
    authorize(actor, Action.CASE_CLAIM, case)
    if case.status is CaseStatus.IN_REVIEW:
        if case.claimed_by_id == actor.id:
            return case
        raise ConflictError("Another clinician has already claimed this case.")
    if case.status is not CaseStatus.PENDING_REVIEW:
        raise ConflictError(f"This case cannot be claimed while it is '{case.status.value}'.")
    move(session, actor, case, CaseStatus.IN_REVIEW, "case.claim")
    case.claimed_by_id = actor.id
    case.claimed_at = utcnow()
    return case


def _require_claim(session: Session, actor: User, case_id: str, action: Action) -> Case:
    case = load_case(session, case_id, lock=True)
    authorize(actor, action, case)
    if case.status is not CaseStatus.IN_REVIEW or case.claimed_by_id != actor.id:
        if case.status is CaseStatus.IN_REVIEW:
            raise ConflictError("Another clinician holds this case.")
        raise ConflictError(f"Claim the case first (it is '{case.status.value}').")
    return case


def release_case(session: Session, actor: User, case_id: str) -> Case:
    """Give a claimed case back to the queue."""
    case = _require_claim(session, actor, case_id, Action.CASE_RELEASE)
    move(session, actor, case, CaseStatus.PENDING_REVIEW, "case.release")
    case.claimed_by_id = None
    case.claimed_at = None
    return case


def _check_base(session: Session, case: Case, base_draft_id: str) -> Draft:
    latest = drafts.latest_draft(session, case.id)
    if latest is None:
        raise NotFoundError("This case has no draft yet.")
    if latest.id != base_draft_id:
        raise ConflictError("The draft changed since you opened it; reload to see the new version.")
    return latest


def _merge_sections(base: Draft, sections: dict[str, str]) -> dict[str, Any]:
    return apply_edits(dict(base.content), sections)


def save_edit(
    session: Session, actor: User, case_id: str, base_draft_id: str, sections: dict[str, str]
) -> Draft:
    """Save the clinician's edits as a new version (the AI original is kept)."""
    case = _require_claim(session, actor, case_id, Action.DRAFT_EDIT)
    base = _check_base(session, case, base_draft_id)
    content = _merge_sections(base, sections)
    draft = drafts.new_version(
        session, case, kind="clinician_edit", content=content, author_id=actor.id, parent=base
    )
    audit.record(
        session,
        actor,
        "draft.edit",
        target_type="draft",
        target_id=draft.id,
        case_id=case.id,
        details={"version": draft.version, "sections": sorted(sections)},
    )
    return draft


def save_changed_sections(
    session: Session, actor: User, case_id: str, base_draft_id: str, sections: dict[str, str]
) -> str:
    """Save the editor's sections as a new version only where they differ; return the draft to act on.

    Sections whose words are unchanged (whitespace aside) are left out, and nothing is saved
    when none changed, so opening and signing a draft does not make an empty edit version.
    """
    latest = get_draft_for_review(session, actor, case_id)
    case = load_case(session, case_id)
    if case.status is CaseStatus.IN_REVIEW and case.claimed_by_id != actor.id:
        raise ConflictError("Another clinician holds this case.")
    if latest.id != base_draft_id:
        raise ConflictError("The draft changed since you opened it; reload to see the new version.")
    current = StoredContent.read(latest.content).texts_by_key()
    changed = {k: v for k, v in sections.items() if v.split() != current.get(k, "").split()}
    if not changed:
        return latest.id
    return save_edit(session, actor, case_id, base_draft_id, changed).id


def _reauthenticate(actor: User, password: str) -> None:
    if not verify_password(actor.password_hash, password):
        raise AuthenticationError("The password you re-entered is not correct; nothing was signed.")


def _sign(
    session: Session,
    actor: User,
    case: Case,
    content: dict[str, Any],
    parent: Draft,
    attestation: str,
    kind: str,
) -> Signature:
    if not attestation.strip():
        raise ValidationError("The attestation statement is required to sign.")
    signed = drafts.new_version(
        session, case, kind=kind, content=content, author_id=actor.id, parent=parent, is_signed=True
    )
    sig = Signature(
        draft_id=signed.id,
        signer_id=actor.id,
        attestation=attestation.strip(),
        content_sha256=signed.content_sha256,
    )
    session.add(sig)
    session.flush()
    case.signed_at = sig.signed_at
    case.claimed_by_id = None
    return sig


def sign_draft(
    session: Session,
    actor: User,
    case_id: str,
    base_draft_id: str,
    password: str,
    attestation: str = DEFAULT_ATTESTATION,
) -> Signature:
    """Sign the current draft: a new immutable version with its content hash and attestation."""
    case = _require_claim(session, actor, case_id, Action.DRAFT_SIGN)
    base = _check_base(session, case, base_draft_id)
    _reauthenticate(actor, password)
    sig = _sign(session, actor, case, dict(base.content), base, attestation, "signed")
    move(
        session,
        actor,
        case,
        CaseStatus.SIGNED,
        "draft.sign",
        details={"draft_id": sig.draft_id, "sha256": sig.content_sha256},
    )
    return sig


def return_case(session: Session, actor: User, case_id: str, question: str) -> Case:
    """Ask the patient for more information; the case goes back to them."""
    if not question.strip():
        raise ValidationError("Write the question the patient should answer.")
    case = _require_claim(session, actor, case_id, Action.CASE_RETURN)
    move(session, actor, case, CaseStatus.RETURNED, "case.return")
    case.status_reason = question.strip()
    case.claimed_by_id = None
    return case


def decline_case(session: Session, actor: User, case_id: str, reason: str) -> Case:
    """Decline to give an opinion; the patient is told why."""
    if not reason.strip():
        raise ValidationError("Give the reason the patient will be shown.")
    case = _require_claim(session, actor, case_id, Action.CASE_DECLINE)
    move(session, actor, case, CaseStatus.DECLINED, "case.decline")
    case.status_reason = reason.strip()
    case.claimed_by_id = None
    return case


def amend_opinion(
    session: Session,
    actor: User,
    case_id: str,
    sections: dict[str, str],
    reason: str,
    password: str,
    attestation: str = DEFAULT_ATTESTATION,
) -> Signature:
    """Issue a signed amendment: a new version; the earlier signed version stays as it was."""
    case = load_case(session, case_id, lock=True)
    authorize(actor, Action.OPINION_AMEND, case)
    if case.status not in OPINION_AVAILABLE:
        raise ConflictError("Only a signed opinion can be amended.")
    if not reason.strip():
        raise ValidationError("Give the reason for the amendment.")
    base = drafts.latest_draft(session, case.id)
    if base is None or not base.is_signed:
        raise ConflictError("The latest version is not signed.")
    _reauthenticate(actor, password)
    content = _merge_sections(base, sections)
    content["amendment_reason"] = reason.strip()
    sig = _sign(session, actor, case, content, base, attestation, "amendment")
    move(
        session,
        actor,
        case,
        CaseStatus.AMENDED,
        "opinion.amend",
        details={"draft_id": sig.draft_id, "sha256": sig.content_sha256},
    )
    return sig
