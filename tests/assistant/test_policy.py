"""The access policy as a table: (role, action, own/other case) -> allowed/denied, for every service."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from assistant.db.base import Database
from assistant.db.models import Job, User
from assistant.errors import NotFoundError, PermissionDeniedError
from assistant.intake import IntakeRecord
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import alerts, cases, drafts, jobs, patient_requests, review, transcripts, users
from assistant.services.patient_requests import RequestKind
from assistant.storage import LocalStorage
from assistant.triage import TriageDecision
from tests.assistant.factories import CONSENT_TEXT, CONSENT_VERSION, TEST_PASSWORD, to_state

S = CaseStatus


@dataclass
class World:
    """Everyone involved, and the case under test."""

    db: Database
    case_id: str
    owner: User
    clinician: User
    storage: LocalStorage
    conversation_id: str
    job_id: str


Op = Callable[[Session, World, User], object]


def _latest(w: World) -> str:
    with w.db.session() as s:
        d = drafts.latest_draft(s, w.case_id)
        assert d is not None
        return d.id


def _fail_job(w: World) -> None:
    with w.db.session() as s:
        job = s.get(Job, w.job_id)
        assert job is not None
        job.status, job.attempts = "failed", job.max_attempts


EMERGENCY = TriageDecision("my husband is not breathing", True, "respiratory", 1.0, "rule cannot_breathe")


def _alert(w: World) -> str:
    with w.db.session() as s:
        return alerts.raise_alert(s, w.owner, EMERGENCY, case_id=w.case_id).id


OPS: dict[str, tuple[CaseStatus, Op]] = {
    "record_consent": (S.INTAKE, lambda s, w, a: cases.record_consent(s, a, "v", "t")),
    "create_case": (S.INTAKE, lambda s, w, a: cases.create_case(s, a)),
    "list_own_cases": (S.INTAKE, lambda s, w, a: cases.list_own_cases(s, a)),
    "get_case": (S.INTAKE, lambda s, w, a: cases.get_case(s, a, w.case_id)),
    "update_intake": (
        S.INTAKE,
        lambda s, w, a: cases.update_intake(
            s, a, w.case_id, IntakeRecord(diagnosis_in_question="x", main_question="y")
        ),
    ),
    "mark_red_flags": (S.INTAKE, lambda s, w, a: cases.mark_red_flags(s, a, w.case_id, ["chest_pain"])),
    "add_upload": (
        S.INTAKE,
        lambda s, w, a: cases.add_upload(s, a, w.case_id, w.storage, io.BytesIO(b"bytes"), "scan.dcm"),
    ),
    "list_uploads": (S.INTAKE, lambda s, w, a: cases.list_uploads(s, a, w.case_id)),
    "submit_case": (S.INTAKE, lambda s, w, a: cases.submit_case(s, a, w.case_id, CONSENT_VERSION)),
    "get_signed_opinion": (S.SIGNED, lambda s, w, a: cases.get_signed_opinion(s, a, w.case_id)),
    "acknowledge_opinion": (S.SIGNED, lambda s, w, a: cases.acknowledge_opinion(s, a, w.case_id)),
    "review_queue": (S.PENDING_REVIEW, lambda s, w, a: review.review_queue(s, a)),
    "get_draft_for_review": (S.PENDING_REVIEW, lambda s, w, a: review.get_draft_for_review(s, a, w.case_id)),
    "claim_case": (S.PENDING_REVIEW, lambda s, w, a: review.claim_case(s, a, w.case_id)),
    "release_case": (S.IN_REVIEW, lambda s, w, a: review.release_case(s, a, w.case_id)),
    "save_edit": (
        S.IN_REVIEW,
        lambda s, w, a: review.save_edit(s, a, w.case_id, _latest(w), {"summary": "Edited [1]."}),
    ),
    "sign_draft": (
        S.IN_REVIEW,
        lambda s, w, a: review.sign_draft(s, a, w.case_id, _latest(w), TEST_PASSWORD),
    ),
    "return_case": (S.IN_REVIEW, lambda s, w, a: review.return_case(s, a, w.case_id, "Which hospital?")),
    "decline_case": (S.IN_REVIEW, lambda s, w, a: review.decline_case(s, a, w.case_id, "Out of scope.")),
    "amend_opinion": (
        S.SIGNED,
        lambda s, w, a: review.amend_opinion(
            s, a, w.case_id, {"limitations": "More caveats [2]."}, "clarify", TEST_PASSWORD
        ),
    ),
    "start_conversation": (S.INTAKE, lambda s, w, a: transcripts.start_conversation(s, a, w.case_id)),
    "add_message": (
        S.INTAKE,
        lambda s, w, a: transcripts.add_message(s, a, w.conversation_id, "patient", "hi"),
    ),
    "read_transcript": (S.INTAKE, lambda s, w, a: transcripts.read_transcript(s, a, w.conversation_id)),
    "search_transcripts": (S.INTAKE, lambda s, w, a: transcripts.search_transcripts(s, a, text="hello")),
    "flag_conversation": (
        S.INTAKE,
        lambda s, w, a: transcripts.flag_conversation(s, a, w.conversation_id, "quality", "check tone"),
    ),
    "audit_trail": (S.INTAKE, lambda s, w, a: transcripts.audit_trail(s, a, w.case_id)),
    "create_user": (
        S.INTAKE,
        lambda s, w, a: users.create_user(s, a, "newuser", "long-enough-pw", Role.SUPPORT),
    ),
    "list_users": (S.INTAKE, lambda s, w, a: users.list_users(s, a)),
    "set_role": (S.INTAKE, lambda s, w, a: users.set_role(s, a, w.owner.username, Role.PATIENT)),
    "set_active": (S.INTAKE, lambda s, w, a: users.set_active(s, a, w.owner.username, True)),
    "retry_failed_job": (S.SUBMITTED, lambda s, w, a: (_fail_job(w), jobs.retry_failed(s, a, w.job_id))),
    "list_jobs": (S.SUBMITTED, lambda s, w, a: jobs.list_jobs(s, a, ["failed", "retrying"])),
    "create_request": (
        S.SIGNED,
        lambda s, w, a: patient_requests.create_request(s, a, w.case_id, RequestKind.FOLLOW_UP, "call me"),
    ),
    "open_requests": (S.INTAKE, lambda s, w, a: patient_requests.open_requests(s, a)),
    "record_return_answer": (
        S.RETURNED,
        lambda s, w, a: patient_requests.record_return_answer(s, a, w.case_id, "At St Mary's."),
    ),
    "raise_alert": (S.INTAKE, lambda s, w, a: alerts.raise_alert(s, a, EMERGENCY, case_id=w.case_id)),
    "list_alerts": (S.INTAKE, lambda s, w, a: alerts.list_alerts(s, a)),
    "count_open_alerts": (S.INTAKE, lambda s, w, a: alerts.count_open(s, a)),
    "acknowledge_alert": (S.INTAKE, lambda s, w, a: alerts.acknowledge(s, a, _alert(w))),
}

# Who may do what. "own" = the case's patient; "other" = a different patient.
ALLOWED: dict[str, set[str]] = {
    "record_consent": {"own", "other"},
    "create_case": {"own", "other"},
    "list_own_cases": {"own", "other"},
    "get_case": {"own", "clinician"},
    "update_intake": {"own"},
    "mark_red_flags": {"own"},
    "add_upload": {"own"},
    "list_uploads": {"own", "clinician"},
    "submit_case": {"own"},
    "get_signed_opinion": {"own", "clinician"},
    "acknowledge_opinion": {"own"},
    "review_queue": {"clinician"},
    "get_draft_for_review": {"clinician"},
    "claim_case": {"clinician"},
    "release_case": {"clinician"},
    "save_edit": {"clinician"},
    "sign_draft": {"clinician"},
    "return_case": {"clinician"},
    "decline_case": {"clinician"},
    "amend_opinion": {"clinician"},
    "start_conversation": {"own"},
    "add_message": {"own"},
    "read_transcript": {"own", "clinician", "support"},
    "search_transcripts": {"support"},
    "flag_conversation": {"support"},
    "audit_trail": {"clinician", "support", "admin"},
    "create_user": {"admin"},
    "list_users": {"admin"},
    "set_role": {"admin"},
    "set_active": {"admin"},
    "retry_failed_job": {"admin"},
    "list_jobs": {"admin"},
    "create_request": {"own"},
    "open_requests": {"clinician", "admin"},
    "record_return_answer": {"own"},
    "raise_alert": {"own"},
    "list_alerts": {"clinician", "support"},
    "count_open_alerts": {"clinician", "support"},
    "acknowledge_alert": {"clinician", "support"},
}
ACTORS = ("own", "other", "clinician", "support", "admin")
# Operations a patient performs on a specific case; another patient must get "not found".
CASE_SCOPED = {
    op
    for op in ALLOWED
    if op
    not in {
        "record_consent",
        "create_case",
        "list_own_cases",
        "review_queue",
        "search_transcripts",
        "create_user",
        "list_users",
        "set_role",
        "set_active",
        "retry_failed_job",
        "list_jobs",
        "open_requests",
        "flag_conversation",
        "audit_trail",
        "list_alerts",
        "count_open_alerts",
        "acknowledge_alert",
    }
}


def _build(
    db: Database, make_user: Callable[..., User], state: CaseStatus, tmp_path
) -> tuple[World, dict[str, User]]:  # type: ignore[no-untyped-def]
    owner = make_user(db, Role.PATIENT)
    actors = {
        "own": owner,
        "other": make_user(db, Role.PATIENT),
        "clinician": make_user(db, Role.CLINICIAN),
        "support": make_user(db, Role.SUPPORT),
        "admin": make_user(db, Role.ADMIN),
    }
    case_id = to_state(db, owner, state, actors["clinician"])
    with db.session() as s:
        conv = transcripts.start_conversation(s, owner, None)
        conv.case_id = case_id
        conv_id = conv.id
        job_ids = [j.id for j in jobs.jobs_for_case(s, case_id)]
        cases.record_consent(s, actors["other"], CONSENT_VERSION, CONSENT_TEXT)
    world = World(
        db,
        case_id,
        owner,
        actors["clinician"],
        LocalStorage(tmp_path / "store"),
        conv_id,
        job_ids[0] if job_ids else "",
    )
    return world, actors


class TestAccessPolicy:
    def test_table_covers_every_operation(self) -> None:
        """The expectation table and the operation list name the same service calls."""
        assert set(OPS) == set(ALLOWED)

    @pytest.mark.parametrize("op_name", sorted(OPS))
    def test_policy(self, db: Database, make_user, tmp_path, op_name: str) -> None:  # type: ignore[no-untyped-def]
        """Each role gets exactly the operations the table allows, on own and others' cases."""
        state, op = OPS[op_name]
        world, actors = _build(db, make_user, state, tmp_path)
        allowed = ALLOWED[op_name]
        # Refusals first (they change nothing), then the permitted calls.
        for actor_kind in sorted(ACTORS, key=lambda k: k in allowed):
            actor = actors[actor_kind]
            with db.session() as s:
                if actor_kind in allowed:
                    op(s, world, actor)
                elif actor_kind == "other" and op_name in CASE_SCOPED:
                    with pytest.raises(NotFoundError):
                        op(s, world, actor)
                else:
                    with pytest.raises(PermissionDeniedError):
                        op(s, world, actor)

    def test_patient_never_reads_unsigned_draft(self, db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
        """In every pre-signature state the patient's opinion request is 'not found'."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        for state in (
            S.INTAKE,
            S.SUBMITTED,
            S.DRAFTING,
            S.PENDING_REVIEW,
            S.IN_REVIEW,
            S.RETURNED,
            S.DECLINED,
        ):
            case_id = to_state(db, patient, state, clinician)
            with db.session() as s, pytest.raises(NotFoundError, match="no signed opinion"):
                cases.get_signed_opinion(s, patient, case_id)
            with db.session() as s, pytest.raises(PermissionDeniedError):
                review.get_draft_for_review(s, patient, case_id)

    def test_inactive_user_denied(self, db: Database, make_user) -> None:  # type: ignore[no-untyped-def]
        """A deactivated clinician can no longer read the queue."""
        clinician = make_user(db, Role.CLINICIAN)
        clinician.is_active = False
        with db.session() as s, pytest.raises(PermissionDeniedError):
            review.review_queue(s, clinician)
