"""The audit log: append-only events chained by sha256.

Each event stores the hash of the previous one, so removing, reordering or editing a
row breaks the chain; :func:`verify_chain` finds the first broken link. Appends are
serialised (``pg_advisory_xact_lock`` on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite) so
two transactions never chain onto the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from assistant.db.base import utcnow
from assistant.db.models import AuditEvent, User

GENESIS_HASH = "0" * 64
_ADVISORY_KEY = 0x5EC0_0A0D17


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
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    session: Session,
    actor: User | None,
    action: str,
    *,
    target_type: str = "",
    target_id: str | int = "",
    case_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction. Never put PHI in ``details``."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    event = AuditEvent(
        seq=seq,
        ts=utcnow(),
        actor_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        case_id=case_id,
        details=details or {},
        prev_hash=prev,
    )
    event.hash = _event_hash(event)
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


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the whole chain in order and report the first broken link."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    last_seq = 0
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
            prev_hash, expected_seq, last_seq = ev.hash, ev.seq + 1, ev.seq
            checked += 1
        session.expunge_all()
