"""The audit log: append-only events chained by sha256 and sealed by a keyed HMAC chain.

Each event stores the hash of the previous one, so removing, reordering or editing a
row breaks the chain; :func:`verify_chain` finds the first broken link. Anyone who can
write the table could recompute those public hashes, so when a
:class:`~assistant.audit_seal.Sealer` is bound to the engine each event also carries an
HMAC chained on the previous one (key outside the database) and every commit advances a
checkpoint file, which finds deleted newest events; :func:`verify_sealed` checks all
three. Database triggers refuse UPDATE and DELETE (:mod:`assistant.db.triggers`).
Appends are serialised (``pg_advisory_xact_lock`` on PostgreSQL; ``BEGIN IMMEDIATE`` on
SQLite) so two transactions never chain onto the same predecessor.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from assistant.actors import Actor
from assistant.audit_seal import TAIL_KEY, Sealer, sealer_for
from assistant.db.base import utcnow
from assistant.db.models import AuditEvent
from imaging.checksums import canonical_json_sha256

GENESIS_HASH = "0" * 64
_ADVISORY_KEY = 0x5EC0_0A0D17


def event_hash(event: AuditEvent) -> str:
    """The sha256 an event's stored ``hash`` must equal (the published algorithm)."""
    return _event_hash(event)


def _event_hash(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "ts": event.ts.isoformat(),
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "case_id": event.case_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return canonical_json_sha256(payload, ascii_only=True)


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    target_type: str = "",
    target_id: str | int = "",
    case_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction. Never put PHI in ``details``.

    ``actor`` is who acted: a user, or :data:`~assistant.actors.SYSTEM` (recorded as role
    ``system``, no user id). None is for the rare event nobody identifiable caused (a
    session whose user no longer exists), recorded as ``anonymous``.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.hmac).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    prev_hmac = (last[2] or "") if last else ""
    event = AuditEvent(
        seq=seq,
        ts=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role.value if actor is not None else "anonymous",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        case_id=case_id,
        details=details or {},
        prev_hash=prev,
    )
    event.hash = _event_hash(event)
    sealer = sealer_for(session)
    event.hmac = sealer.seal(prev_hmac, event.hash) if sealer else ""
    if sealer is not None:
        session.info[TAIL_KEY] = (sealer, seq, event.hash, event.hmac)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    """Result of verifying the audit chain."""

    ok: bool
    events_checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(session: Session, *, batch: int = 5000, sealer: Sealer | None = None) -> ChainReport:
    """Walk the whole chain in order and report the first broken link.

    With a ``sealer`` the HMAC chain is checked too: events before the first sealed one
    (written before the key existed) are accepted, an unsealed event after it is not.
    """
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    last_seq, prev_hmac, sealed_seen = 0, "", False
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return ChainReport(ok=True, events_checked=checked)
        for ev in rows:
            if ev.seq != expected_seq:
                return ChainReport(False, checked, expected_seq, f"event {expected_seq} is missing")
            if ev.prev_hash != prev_hash:
                return ChainReport(False, checked, ev.seq, "previous-hash link does not match")
            if _event_hash(ev) != ev.hash:
                return ChainReport(False, checked, ev.seq, "content does not match its hash")
            if sealer is not None:
                problem = _seal_problem(sealer, ev, prev_hmac, sealed_seen)
                if problem:
                    return ChainReport(False, checked, ev.seq, problem)
                sealed_seen, prev_hmac = sealed_seen or bool(ev.hmac), ev.hmac or ""
            prev_hash, expected_seq, last_seq = ev.hash, ev.seq + 1, ev.seq
            checked += 1
        session.expunge_all()


def _seal_problem(sealer: Sealer, ev: AuditEvent, prev_hmac: str, sealed_seen: bool) -> str:
    if not ev.hmac:
        return "event has no HMAC seal after sealed events (rewritten without the key)" if sealed_seen else ""
    if not hmac.compare_digest(ev.hmac, sealer.seal(prev_hmac, ev.hash)):
        return (
            "HMAC seal does not match: the event or one before it was rewritten by someone "
            "without the audit key (or the key is not the one the log was written with)"
        )
    return ""


def verify_sealed(session: Session, sealer: Sealer) -> ChainReport:
    """Check the hash chain, the HMAC chain and the checkpoint kept outside the database."""
    report = verify_chain(session, sealer=sealer)
    if not report.ok:
        return report
    try:
        checkpoint = sealer.read_checkpoint()
    except ValueError as e:
        return ChainReport(False, report.events_checked, None, str(e))
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.hmac).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    if checkpoint is None:
        if last is not None and last[2]:
            where = sealer.checkpoint_path
            return ChainReport(False, report.events_checked, None, f"the checkpoint file {where} is missing")
        return report
    if last is None or last[0] < checkpoint.seq:
        ends = f"ends at event {last[0]}" if last else "is empty"
        missing = checkpoint.seq - (last[0] if last else 0)
        return ChainReport(
            False,
            report.events_checked,
            (last[0] + 1) if last else 1,
            f"the newest {missing} event(s) were deleted: the checkpoint records event "
            f"{checkpoint.seq} but the log {ends}",
        )
    row = session.execute(
        select(AuditEvent.hash, AuditEvent.hmac).where(AuditEvent.seq == checkpoint.seq)
    ).one()
    if row[0] != checkpoint.hash or row[1] != checkpoint.hmac:
        reason = f"event {checkpoint.seq} differs from the checkpoint (the log was rewritten)"
        return ChainReport(False, report.events_checked, checkpoint.seq, reason)
    return report
