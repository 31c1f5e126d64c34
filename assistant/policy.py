"""The access policy, in one place.

Every service function names an :class:`Action` and calls :func:`authorize` with the
acting user (or :data:`assistant.actors.SYSTEM`) and, where there is one, the case. The
rules are a table, so a test can enumerate them: who may do what, and whether it must be
their own case. The system principal has grants of its own, limited to what the job
runner and the operator's commands need; there is no "no actor" that skips the check.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from assistant.actors import Actor, SystemRole
from assistant.db.models import Case
from assistant.errors import NotFoundError, PermissionDeniedError
from assistant.roles import Role


class Action(enum.StrEnum):
    """Everything a user can ask the system to do."""

    CASE_CREATE = "case.create"
    CASE_READ = "case.read"
    CASE_LIST_OWN = "case.list_own"
    INTAKE_UPDATE = "intake.update"
    CASE_SUBMIT = "case.submit"
    UPLOAD_ADD = "upload.add"
    UPLOAD_READ = "upload.read"
    MESSAGE_POST = "message.post"
    NOTICE_POST = "notice.post"
    CONSENT_GIVE = "consent.give"
    OPINION_READ = "opinion.read"
    OPINION_ACKNOWLEDGE = "opinion.acknowledge"
    DRAFT_READ = "draft.read"
    DRAFT_CREATE = "draft.create"
    QUEUE_READ = "queue.read"
    CASE_CLAIM = "case.claim"
    CASE_RELEASE = "case.release"
    DRAFT_EDIT = "draft.edit"
    DRAFT_SIGN = "draft.sign"
    CASE_RETURN = "case.return"
    CASE_DECLINE = "case.decline"
    OPINION_AMEND = "opinion.amend"
    TRANSCRIPT_READ = "transcript.read"
    TRANSCRIPT_SEARCH = "transcript.search"
    AUDIT_READ = "audit.read"
    FLAG_CREATE = "flag.create"
    USER_MANAGE = "user.manage"
    METRICS_READ = "metrics.read"
    JOB_RETRY = "job.retry"
    JOB_LIST = "job.list"
    REQUEST_CREATE = "request.create"
    REQUEST_LIST = "request.list"
    REQUEST_RESOLVE = "request.resolve"
    ALERT_RAISE = "alert.raise"
    ALERT_READ = "alert.read"
    ALERT_ACKNOWLEDGE = "alert.acknowledge"


class Scope(enum.Enum):
    """Which cases a grant covers."""

    ANY = "any"  # every case (or no case involved)
    OWN = "own"  # only cases where the actor is the patient


@dataclass(frozen=True)
class Grant:
    """One row of the policy: a role may perform an action within a scope."""

    role: Role | SystemRole
    action: Action
    scope: Scope


A, P, C, S, AD = Action, Role.PATIENT, Role.CLINICIAN, Role.SUPPORT, Role.ADMIN
SYS = SystemRole.SYSTEM
OWN, ANY = Scope.OWN, Scope.ANY

GRANTS: tuple[Grant, ...] = (
    # Patients: only their own cases, and only signed opinions.
    Grant(P, A.CASE_CREATE, ANY),
    Grant(P, A.CASE_LIST_OWN, ANY),
    Grant(P, A.CASE_READ, OWN),
    Grant(P, A.INTAKE_UPDATE, OWN),
    Grant(P, A.CASE_SUBMIT, OWN),
    Grant(P, A.UPLOAD_ADD, OWN),
    Grant(P, A.UPLOAD_READ, OWN),
    Grant(P, A.MESSAGE_POST, OWN),
    Grant(P, A.CONSENT_GIVE, ANY),
    Grant(P, A.OPINION_READ, OWN),
    Grant(P, A.OPINION_ACKNOWLEDGE, OWN),
    Grant(P, A.TRANSCRIPT_READ, OWN),
    # Clinicians: review work on any case.
    Grant(C, A.CASE_READ, ANY),
    Grant(C, A.UPLOAD_READ, ANY),
    Grant(C, A.OPINION_READ, ANY),
    Grant(C, A.DRAFT_READ, ANY),
    Grant(C, A.QUEUE_READ, ANY),
    Grant(C, A.CASE_CLAIM, ANY),
    Grant(C, A.CASE_RELEASE, ANY),
    Grant(C, A.DRAFT_EDIT, ANY),
    Grant(C, A.DRAFT_SIGN, ANY),
    Grant(C, A.CASE_RETURN, ANY),
    Grant(C, A.CASE_DECLINE, ANY),
    Grant(C, A.OPINION_AMEND, ANY),
    Grant(C, A.TRANSCRIPT_READ, ANY),
    Grant(C, A.AUDIT_READ, ANY),
    Grant(C, A.METRICS_READ, ANY),
    Grant(C, A.NOTICE_POST, ANY),
    # Support staff: read-only transcripts and audit trails, and flags.
    Grant(S, A.TRANSCRIPT_READ, ANY),
    Grant(S, A.TRANSCRIPT_SEARCH, ANY),
    Grant(S, A.AUDIT_READ, ANY),
    Grant(S, A.FLAG_CREATE, ANY),
    Grant(S, A.METRICS_READ, ANY),
    # Admins: users, metrics, the audit trail, stuck jobs (models and knowledge are installed
    # with the `imaging` and `knowledge` commands at the server; the admin page only shows them).
    Grant(AD, A.USER_MANAGE, ANY),
    Grant(AD, A.METRICS_READ, ANY),
    Grant(AD, A.AUDIT_READ, ANY),
    Grant(AD, A.JOB_RETRY, ANY),
    Grant(AD, A.JOB_LIST, ANY),
    # Patient requests from the chat: patients make them (on their own cases); clinicians
    # see follow-ups and questions, admins see data-deletion tasks; either marks one done.
    Grant(P, A.REQUEST_CREATE, OWN),
    Grant(C, A.REQUEST_LIST, ANY),
    Grant(C, A.REQUEST_RESOLVE, ANY),
    Grant(AD, A.REQUEST_LIST, ANY),
    Grant(AD, A.REQUEST_RESOLVE, ANY),
    # Urgent alerts: a patient's emergency reaches support and clinicians at once.
    Grant(P, A.ALERT_RAISE, ANY),  # always about the patient themselves (see services.alerts)
    Grant(C, A.ALERT_READ, ANY),
    Grant(C, A.ALERT_ACKNOWLEDGE, ANY),
    Grant(S, A.ALERT_READ, ANY),
    Grant(S, A.ALERT_ACKNOWLEDGE, ANY),
    # The system itself: the job runner stores AI drafts; the operator's commands at the
    # server (bootstrap, `users`, `metrics`) manage users and read the oversight figures.
    Grant(SYS, A.DRAFT_CREATE, ANY),
    Grant(SYS, A.USER_MANAGE, ANY),
    Grant(SYS, A.METRICS_READ, ANY),
)

_INDEX: dict[tuple[Role | SystemRole, Action], Scope] = {(g.role, g.action): g.scope for g in GRANTS}


def is_allowed(actor: Actor, action: Action, case: Case | None = None) -> bool:
    """Whether the policy allows ``actor`` to perform ``action`` (on ``case``)."""
    if not actor.is_active:
        return False
    scope = _INDEX.get((actor.role, action))
    if scope is None:
        return False
    if scope is Scope.OWN:
        return case is not None and case.patient_id == actor.id
    return True


def authorize(actor: Actor, action: Action, case: Case | None = None) -> None:
    """Raise unless allowed. A patient asking about someone else's case gets "not found"."""
    if is_allowed(actor, action, case):
        return
    if actor.role is Role.PATIENT and case is not None and case.patient_id != actor.id:
        raise NotFoundError("Case not found.")
    raise PermissionDeniedError()
