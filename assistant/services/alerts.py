"""Urgent alerts: an emergency in a patient's message reaches support and clinicians at once.

The chat raises an alert for every message triage calls an emergency, before the case is
submitted or even created; support and clinicians see the open alerts on their home
pages and acknowledge them. Raising, reading and acknowledging are audited (the audit
keeps the category, score and rule or exemplar, never the patient's words).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.base import utcnow
from assistant.db.models import Case, UrgentAlert, User
from assistant.errors import NotFoundError
from assistant.policy import Action, authorize
from assistant.triage import TriageDecision
from assistant.triage.rules import category_labels


@dataclass(frozen=True)
class AlertView:
    """One alert as staff see it."""

    id: str
    patient: str
    case_id: str | None
    conversation_id: str | None
    text: str
    category: str
    label: str
    score: float
    evidence: str
    created_at: dt.datetime
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None


def raise_alert(
    session: Session,
    actor: User,
    decision: TriageDecision,
    *,
    case_id: str | None = None,
    conversation_id: str | None = None,
) -> UrgentAlert:
    """Record an emergency the patient ``actor`` wrote (their own case, if there is one yet)."""
    authorize(actor, Action.ALERT_RAISE)
    case = session.get(Case, case_id) if case_id else None
    if case is not None:
        authorize(actor, Action.MESSAGE_POST, case)
    alert = UrgentAlert(
        patient_id=actor.id,
        case_id=case.id if case else None,
        conversation_id=conversation_id,
        text=decision.text[:4000],
        category=decision.category or "unknown",
        score=float(decision.score),
        evidence=decision.evidence[:2000],
    )
    session.add(alert)
    session.flush()
    audit.record(
        session,
        actor,
        "alert.raise",
        target_type="alert",
        target_id=alert.id,
        case_id=alert.case_id,
        details=decision.audit_detail(),
    )
    return alert


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids)))
    return {i: (d or u) for i, d, u in rows.tuples()}


def list_alerts(session: Session, actor: User, *, open_only: bool = True, limit: int = 50) -> list[AlertView]:
    """The newest alerts (open ones only by default); reading them is audited."""
    authorize(actor, Action.ALERT_READ)
    stmt = select(UrgentAlert).order_by(UrgentAlert.created_at.desc()).limit(limit)
    if open_only:
        stmt = stmt.where(UrgentAlert.acknowledged_at.is_(None))
    alerts = list(session.scalars(stmt))
    if alerts:
        audit.record(
            session, actor, "alert.read", target_type="alert", details={"alerts": [a.id for a in alerts]}
        )
    names = _names(
        session, {a.patient_id for a in alerts} | {a.acknowledged_by_id or 0 for a in alerts} - {0}
    )
    labels = category_labels()
    return [
        AlertView(
            a.id,
            names.get(a.patient_id, "?"),
            a.case_id,
            a.conversation_id,
            a.text,
            a.category,
            labels.get(a.category, a.category),
            a.score,
            a.evidence,
            a.created_at,
            names.get(a.acknowledged_by_id) if a.acknowledged_by_id else None,
            a.acknowledged_at,
        )
        for a in alerts
    ]


def count_open(session: Session, actor: User) -> int:
    """How many alerts nobody has acknowledged yet (no patient data, so not an audited read)."""
    authorize(actor, Action.ALERT_READ)
    stmt = select(func.count()).select_from(UrgentAlert).where(UrgentAlert.acknowledged_at.is_(None))
    return int(session.scalar(stmt) or 0)


def acknowledge(session: Session, actor: User, alert_id: str) -> UrgentAlert:
    """Record that ``actor`` has seen the alert and is acting on it (the first acknowledgement stays)."""
    authorize(actor, Action.ALERT_ACKNOWLEDGE)
    alert = session.get(UrgentAlert, alert_id, with_for_update=True)
    if alert is None:
        raise NotFoundError("Alert not found.")
    if alert.acknowledged_at is None:
        alert.acknowledged_by_id = actor.id
        alert.acknowledged_at = utcnow()
        audit.record(
            session,
            actor,
            "alert.acknowledge",
            target_type="alert",
            target_id=alert.id,
            case_id=alert.case_id,
            details={"category": alert.category},
        )
    return alert
