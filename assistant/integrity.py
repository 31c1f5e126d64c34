"""Signed text is checked before every delivery; a mismatch is refused, alerted and audited.

:func:`check_signed` is called by :func:`assistant.opinion_document.load_signed_opinion`,
the one loader behind the chat delivery, follow-up answers, the PDF and the FHIR export.
It recomputes the content hash of the signed version and compares it with the hash in
the draft row and in the signature record (:func:`assistant.services.drafts.verify_signed`),
checks the signature names an existing signer, and cross-checks signer and hash against the
audit event written when it was signed (so rewriting the text and both hashes is found
too; rewriting that event as well breaks the audit seal, which ``audit verify`` reports).
The database triggers make such a mismatch impossible through the application; it means
someone changed rows underneath.

The refusal raises :class:`~assistant.errors.SignedContentMismatchError` inside the
caller's transaction, which rolls back; :func:`alert_on_mismatch` then writes the alert
(an ``integrity.signed_mismatch`` audit event, in its own transaction, and an error log
line without PHI). Admins see the alerts on the metrics page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.base import Database
from assistant.db.models import AuditEvent, Draft, Signature, User
from assistant.errors import SignedContentMismatchError
from assistant.services import drafts

logger = logging.getLogger(__name__)

ALERT_ACTION = "integrity.signed_mismatch"
SIGN_ACTIONS = ("draft.sign", "opinion.amend")


def check_signed(session: Session, draft: Draft) -> Signature:
    """The signature of ``draft`` once its content, hash and signature record agree.

    Raises:
        SignedContentMismatchError: The stored text, its hash or the signature record disagree.
    """
    sig = session.scalar(select(Signature).where(Signature.draft_id == draft.id))
    if sig is None:
        raise SignedContentMismatchError(draft.case_id, draft.id, "the signature record is missing")
    if not drafts.verify_signed(session, draft.id):
        reason = "the signed text does not match the hash recorded with its signature"
        raise SignedContentMismatchError(draft.case_id, draft.id, reason)
    if session.get(User, sig.signer_id) is None:
        raise SignedContentMismatchError(
            draft.case_id, draft.id, "the signer named by the signature is unknown"
        )
    problem = _signing_event_problem(session, draft, sig)
    if problem:
        raise SignedContentMismatchError(draft.case_id, draft.id, problem)
    return sig


def signed_problem(session: Session, draft: Draft) -> str:
    """Why a signed version fails :func:`check_signed`, or '' when it passes."""
    try:
        check_signed(session, draft)
    except SignedContentMismatchError as e:
        return e.reason
    return ""


def _signing_event_problem(session: Session, draft: Draft, sig: Signature) -> str:
    """Cross-check the signature against the (sealed) audit event written when it was made.

    Rewriting the text and both stored hashes passes :func:`drafts.verify_signed`; the
    audit event of the signing names the signer and the hash. Its HMAC seal is left to
    ``audit verify``: a wrong or lost key must not stop every delivery.
    """
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == draft.case_id, AuditEvent.action.in_(SIGN_ACTIONS))
    ).all()
    event = next((e for e in events if (e.details or {}).get("draft_id") == draft.id), None)
    if event is None:
        return "no audit event records this signature"
    if event.actor_id != sig.signer_id or (event.details or {}).get("sha256") != sig.content_sha256:
        return "the signature record differs from the audited signing (signer or hash changed)"
    if audit.event_hash(event) != event.hash:
        return "the audit event of the signing was altered"
    return ""


def audit_alert(
    session: Session, actor: User | None, error: SignedContentMismatchError, channel: str
) -> None:
    """Log and audit a refused delivery in ``session`` (one that will commit)."""
    logger.error(
        "INTEGRITY ALERT: signed draft %s of case %s refused for %s: %s",
        error.draft_id,
        error.case_id,
        channel,
        error.reason,
    )
    audit.record(
        session,
        actor,
        ALERT_ACTION,
        target_type="draft",
        target_id=error.draft_id,
        case_id=error.case_id,
        details={"channel": channel, "reason": error.reason},
    )


def record_alert(db: Database, actor_id: int | None, error: SignedContentMismatchError, channel: str) -> None:
    """:func:`audit_alert` in its own transaction (the caller's was rolled back)."""
    with db.session() as s:
        audit_alert(s, s.get(User, actor_id) if actor_id is not None else None, error, channel)


@contextmanager
def alert_on_mismatch(db: Database, actor_id: int | None, channel: str) -> Iterator[None]:
    """Around a transaction that loads a signed opinion: alert, then re-raise, on a mismatch.

    Put it outside ``db.session()`` so the alert is written after the rollback.
    """
    try:
        yield
    except SignedContentMismatchError as e:
        record_alert(db, actor_id, e, channel)
        raise


def recent_alerts(session: Session, limit: int = 20) -> tuple[int, list[AuditEvent]]:
    """How many integrity alerts were raised, and the newest ones (for admins)."""
    count = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == ALERT_ACTION)
    )
    newest = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == ALERT_ACTION)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    ).all()
    return int(count or 0), list(newest)
