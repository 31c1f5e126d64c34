"""The access policy as a table: (service function, actor) -> allowed/denied, for every service.

The service functions are discovered from the code (every public function in
``assistant.services.*`` with an ``actor`` parameter), so a new service missing from the
table fails :meth:`TestTableCoversTheCode.test_every_service_function_is_in_the_table`;
and every grant in :mod:`assistant.policy` must be checked by a service that the table
shows its role using, so a grant nothing enforces fails too.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import assistant.services
from assistant import policy
from assistant.actors import SYSTEM, Actor, SystemRole
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import Job, Upload, User
from assistant.errors import NotFoundError, PermissionDeniedError
from assistant.intake import IntakeRecord
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import (
    alerts,
    case_images,
    cases,
    drafts,
    jobs,
    metrics,
    patient_requests,
    progress,
    queue_view,
    review,
    transcripts,
    uploads,
    users,
)
from assistant.services.patient_requests import RequestKind
from assistant.settings import Settings
from assistant.storage import LocalStorage
from assistant.triage import TriageDecision
from tests.assistant.factories import CONSENT_TEXT, CONSENT_VERSION, HITS, TEST_PASSWORD, ai_draft, to_state
from tests.assistant.stored_drafts import columns

S = CaseStatus
#: Public functions of assistant.services that take an ``actor`` but are helpers of the
#: services, not services: they run after the calling service has authorised.
HELPERS = {"common.move": "applies a lifecycle transition for a service that has already authorised"}
DERIVED_KEY = "b" * 64  # a preview key recorded in the world's upload summary


@dataclass
class World:
    """Everyone involved, and the case under test."""

    db: Database
    ctx: AppContext
    case_id: str
    owner: User
    clinician: User
    storage: LocalStorage
    conversation_id: str
    job_id: str
    upload_id: str
    tmp: Path


Call = Callable[[Session, World, Actor], object]


@dataclass(frozen=True)
class Op:
    """One service call: the case state it needs, the call, and who may make it."""

    state: CaseStatus
    call: Call
    allowed: frozenset[str]
    case_scoped: bool = True  # another patient gets "not found" rather than "denied"


def op(state: CaseStatus, call: Call, *allowed: str, case_scoped: bool = True) -> Op:
    return Op(state, call, frozenset(allowed), case_scoped)


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


def _request(w: World, resolver: Actor) -> int:
    """A request of a kind this resolver handles (admins: deletions; clinicians: follow-ups)."""
    kind = RequestKind.DELETE_DATA if resolver.role is Role.ADMIN else RequestKind.FOLLOW_UP
    with w.db.session() as s:
        return patient_requests.create_request(s, w.owner, w.case_id, kind, "call me").id


def _pdf(w: World) -> Path:
    path = w.tmp / f"report-{uuid.uuid4().hex[:6]}.pdf"
    path.write_bytes(b"%PDF-1.4\n% not a real document\n%%EOF\n")
    return path


def _draft(s: Session, w: World, a: Actor) -> object:
    fields = columns(ai_draft(), hits=HITS)  # what the drafting job writes
    return drafts.create_ai_draft(s, a, w.case_id, fields.pop("content"), **fields)


NO_CASE = {"case_scoped": False}
OPS: dict[str, Op] = {
    # cases
    "cases.record_consent": op(
        S.INTAKE, lambda s, w, a: cases.record_consent(s, a, "v", "t"), "own", "other", **NO_CASE
    ),
    "cases.create_case": op(S.INTAKE, lambda s, w, a: cases.create_case(s, a), "own", "other", **NO_CASE),
    "cases.list_own_cases": op(
        S.INTAKE, lambda s, w, a: cases.list_own_cases(s, a), "own", "other", **NO_CASE
    ),
    "cases.get_case": op(S.INTAKE, lambda s, w, a: cases.get_case(s, a, w.case_id), "own", "clinician"),
    "cases.update_intake": op(
        S.INTAKE,
        lambda s, w, a: cases.update_intake(
            s, a, w.case_id, IntakeRecord(diagnosis_in_question="x", main_question="y")
        ),
        "own",
    ),
    "cases.mark_red_flags": op(
        S.INTAKE, lambda s, w, a: cases.mark_red_flags(s, a, w.case_id, ["chest_pain"]), "own"
    ),
    "cases.check_upload_allowed": op(
        S.INTAKE, lambda s, w, a: cases.check_upload_allowed(s, a, w.case_id), "own"
    ),
    "cases.add_upload": op(
        S.INTAKE,
        lambda s, w, a: cases.add_upload(s, a, w.case_id, w.storage, io.BytesIO(b"bytes"), "scan.dcm"),
        "own",
    ),
    "cases.record_upload_outcome": op(
        S.INTAKE,
        lambda s, w, a: cases.record_upload_outcome(
            s, a, w.upload_id, "stored", {"previews": [DERIVED_KEY]}, {}
        ),
        "own",
    ),
    "cases.list_uploads": op(
        S.INTAKE, lambda s, w, a: cases.list_uploads(s, a, w.case_id), "own", "clinician"
    ),
    "cases.submit_case": op(
        S.INTAKE, lambda s, w, a: cases.submit_case(s, a, w.case_id, CONSENT_VERSION), "own"
    ),
    "cases.get_signed_opinion": op(
        S.SIGNED, lambda s, w, a: cases.get_signed_opinion(s, a, w.case_id), "own", "clinician"
    ),
    "cases.record_opinion_export": op(
        S.SIGNED,
        lambda s, w, a: cases.record_opinion_export(s, a, w.case_id, _latest(w), "pdf"),
        "own",
        "clinician",
    ),
    "cases.acknowledge_opinion": op(
        S.SIGNED, lambda s, w, a: cases.acknowledge_opinion(s, a, w.case_id), "own"
    ),
    # uploads (the chat's upload service)
    "uploads.process_upload": op(
        S.INTAKE,
        lambda s, w, a: uploads.process_upload(w.ctx, a, w.case_id, _pdf(w), "report.pdf", "application/pdf"),
        "own",
    ),
    # images of a case
    "case_images.open_case_image": op(
        S.PENDING_REVIEW,
        lambda s, w, a: case_images.open_case_image(s, a, w.case_id, DERIVED_KEY),
        "own",
        "clinician",
    ),
    "case_images.case_instances": op(
        S.PENDING_REVIEW, lambda s, w, a: case_images.case_instances(s, a, w.case_id), "own", "clinician"
    ),
    # drafting (the job runner acts as the system)
    "drafts.create_ai_draft": op(S.DRAFTING, _draft, "system"),
    # the clinician's side
    "queue_view.queue_page": op(
        S.PENDING_REVIEW, lambda s, w, a: queue_view.queue_page(s, a), "clinician", **NO_CASE
    ),
    "review.get_draft_for_review": op(
        S.PENDING_REVIEW, lambda s, w, a: review.get_draft_for_review(s, a, w.case_id), "clinician"
    ),
    "review.claim_case": op(
        S.PENDING_REVIEW, lambda s, w, a: review.claim_case(s, a, w.case_id), "clinician"
    ),
    "review.release_case": op(S.IN_REVIEW, lambda s, w, a: review.release_case(s, a, w.case_id), "clinician"),
    "review.save_edit": op(
        S.IN_REVIEW,
        lambda s, w, a: review.save_edit(s, a, w.case_id, _latest(w), {"summary": "Edited [1]."}),
        "clinician",
    ),
    "review.save_changed_sections": op(
        S.IN_REVIEW,
        lambda s, w, a: review.save_changed_sections(s, a, w.case_id, _latest(w), {"summary": "Edited [1]."}),
        "clinician",
    ),
    "review.sign_draft": op(
        S.IN_REVIEW,
        lambda s, w, a: review.sign_draft(s, a, w.case_id, _latest(w), TEST_PASSWORD),
        "clinician",
    ),
    "review.return_case": op(
        S.IN_REVIEW, lambda s, w, a: review.return_case(s, a, w.case_id, "Which hospital?"), "clinician"
    ),
    "review.decline_case": op(
        S.IN_REVIEW, lambda s, w, a: review.decline_case(s, a, w.case_id, "Out of scope."), "clinician"
    ),
    "review.amend_opinion": op(
        S.SIGNED,
        lambda s, w, a: review.amend_opinion(
            s, a, w.case_id, {"limitations": "More caveats [2]."}, "clarify", TEST_PASSWORD
        ),
        "clinician",
    ),
    # progress the patient sees
    "progress.read_progress": op(
        S.DRAFTING, lambda s, w, a: progress.read_progress(s, a, w.case_id), "own", "clinician"
    ),
    # conversations
    "transcripts.start_conversation": op(
        S.INTAKE, lambda s, w, a: transcripts.start_conversation(s, a, w.case_id), "own"
    ),
    "transcripts.attach_case": op(
        S.INTAKE, lambda s, w, a: transcripts.attach_case(s, a, w.conversation_id, w.case_id), "own"
    ),
    "transcripts.add_message": op(
        S.INTAKE, lambda s, w, a: transcripts.add_message(s, a, w.conversation_id, "patient", "hi"), "own"
    ),
    "transcripts.post_notice": op(
        S.SIGNED,
        lambda s, w, a: transcripts.post_notice(s, a, w.case_id, "Amended.", "opinion.amended"),
        "clinician",
    ),
    "transcripts.read_transcript": op(
        S.INTAKE,
        lambda s, w, a: transcripts.read_transcript(s, a, w.conversation_id),
        "own",
        "clinician",
        "support",
    ),
    "transcripts.search_transcripts": op(
        S.INTAKE, lambda s, w, a: transcripts.search_transcripts(s, a, text="hi"), "support", **NO_CASE
    ),
    "transcripts.flag_conversation": op(
        S.INTAKE,
        lambda s, w, a: transcripts.flag_conversation(s, a, w.conversation_id, "quality", "check tone"),
        "support",
        **NO_CASE,
    ),
    "transcripts.audit_trail": op(
        S.INTAKE,
        lambda s, w, a: transcripts.audit_trail(s, a, w.case_id),
        "clinician",
        "support",
        "admin",
        **NO_CASE,
    ),
    # users (admins, and the operator's CLI as the system)
    "users.create_user": op(
        S.INTAKE,
        lambda s, w, a: users.create_user(s, a, f"new{uuid.uuid4().hex[:8]}", "long-enough-pw", Role.SUPPORT),
        "admin",
        "system",
        **NO_CASE,
    ),
    "users.list_users": op(S.INTAKE, lambda s, w, a: users.list_users(s, a), "admin", "system", **NO_CASE),
    "users.set_role": op(
        S.INTAKE,
        lambda s, w, a: users.set_role(s, a, w.owner.username, Role.PATIENT),
        "admin",
        "system",
        **NO_CASE,
    ),
    "users.set_active": op(
        S.INTAKE, lambda s, w, a: users.set_active(s, a, w.owner.username, True), "admin", "system", **NO_CASE
    ),
    "users.reset_password": op(
        S.INTAKE,
        lambda s, w, a: users.reset_password(s, a, w.owner.username, "x" * 20),
        "admin",
        "system",
        **NO_CASE,
    ),
    # jobs and metrics
    "jobs.retry_failed": op(
        S.SUBMITTED, lambda s, w, a: (_fail_job(w), jobs.retry_failed(s, a, w.job_id)), "admin", **NO_CASE
    ),
    "jobs.list_jobs": op(
        S.SUBMITTED, lambda s, w, a: jobs.list_jobs(s, a, ["failed", "retrying"]), "admin", **NO_CASE
    ),
    "jobs.count_by_status": op(S.SUBMITTED, lambda s, w, a: jobs.count_by_status(s, a), "admin", **NO_CASE),
    "metrics.compute_metrics": op(
        S.INTAKE,
        lambda s, w, a: metrics.compute_metrics(s, a),
        "clinician",
        "support",
        "admin",
        "system",
        **NO_CASE,
    ),
    # patient requests
    "patient_requests.create_request": op(
        S.SIGNED,
        lambda s, w, a: patient_requests.create_request(s, a, w.case_id, RequestKind.FOLLOW_UP, "call me"),
        "own",
    ),
    "patient_requests.open_requests": op(
        S.INTAKE, lambda s, w, a: patient_requests.open_requests(s, a), "clinician", "admin", **NO_CASE
    ),
    "patient_requests.case_requests": op(
        S.INTAKE,
        lambda s, w, a: patient_requests.case_requests(s, a, w.case_id),
        "clinician",
        "admin",
        **NO_CASE,
    ),
    "patient_requests.resolve_request": op(
        S.SIGNED,
        lambda s, w, a: patient_requests.resolve_request(s, a, _request(w, a)),
        "clinician",
        "admin",
        **NO_CASE,
    ),
    "patient_requests.record_return_answer": op(
        S.RETURNED,
        lambda s, w, a: patient_requests.record_return_answer(s, a, w.case_id, "At St Mary's."),
        "own",
    ),
    # urgent alerts
    "alerts.raise_alert": op(
        S.INTAKE, lambda s, w, a: alerts.raise_alert(s, a, EMERGENCY, case_id=w.case_id), "own"
    ),
    "alerts.list_alerts": op(
        S.INTAKE, lambda s, w, a: alerts.list_alerts(s, a), "clinician", "support", **NO_CASE
    ),
    "alerts.count_open": op(
        S.INTAKE, lambda s, w, a: alerts.count_open(s, a), "clinician", "support", **NO_CASE
    ),
    "alerts.acknowledge": op(
        S.INTAKE, lambda s, w, a: alerts.acknowledge(s, a, _alert(w)), "clinician", "support", **NO_CASE
    ),
}
ACTORS = ("own", "other", "clinician", "support", "admin", "system")
KINDS_OF_ROLE: dict[Role | SystemRole, set[str]] = {
    Role.PATIENT: {"own", "other"},
    Role.CLINICIAN: {"clinician"},
    Role.SUPPORT: {"support"},
    Role.ADMIN: {"admin"},
    SystemRole.SYSTEM: {"system"},
}


def service_functions() -> Iterator[tuple[str, Callable[..., object]]]:
    """('module.function', function) for every public service function that takes an ``actor``."""
    for info in pkgutil.iter_modules(assistant.services.__path__):
        module = importlib.import_module(f"assistant.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            public = fn.__module__ == module.__name__ and not name.startswith("_")
            if public and "actor" in inspect.signature(fn).parameters:
                yield f"{info.name}.{name}", fn


def _build(
    db: Database, settings: Settings, make_user: Callable[..., User], state: CaseStatus, tmp_path: Path
) -> tuple[World, dict[str, Actor]]:
    owner = make_user(db, Role.PATIENT)
    actors: dict[str, Actor] = {
        "own": owner,
        "other": make_user(db, Role.PATIENT),
        "clinician": make_user(db, Role.CLINICIAN),
        "support": make_user(db, Role.SUPPORT),
        "admin": make_user(db, Role.ADMIN),
        "system": SYSTEM,
    }
    clinician = actors["clinician"]
    assert isinstance(clinician, User)
    case_id = to_state(db, owner, state, clinician)
    with db.session() as s:
        conv = transcripts.start_conversation(s, owner, None)
        conv.case_id = case_id
        conv_id = conv.id
        job_ids = [j.id for j in jobs.jobs_for_case(s, case_id)]
        other = actors["other"]
        assert isinstance(other, User)
        cases.record_consent(s, other, CONSENT_VERSION, CONSENT_TEXT)
        upload = Upload(
            case_id=case_id,
            uploaded_by_id=owner.id,
            filename="xray.png",
            kind="png",
            size_bytes=1,
            sha256="a" * 64,
            storage_key="a" * 64,
            summary={"previews_shown": [DERIVED_KEY]},
        )
        s.add(upload)
        s.flush()
        upload_id = upload.id
    world = World(
        db, AppContext(settings, db=db), case_id, owner, clinician, LocalStorage(tmp_path / "store"), conv_id,
        job_ids[0] if job_ids else "", upload_id, tmp_path,
    )  # fmt: skip
    return world, actors


class TestTableCoversTheCode:
    def test_every_service_function_is_in_the_table(self) -> None:
        """Every public service function taking an ``actor`` has a row, and every row is one."""
        found = {name for name, _fn in service_functions()} - set(HELPERS)
        assert sorted(found - set(OPS)) == [], "service functions missing from the policy table"
        assert sorted(set(OPS) - found) == [], "rows naming no service function"

    def test_every_actor_parameter_is_required(self) -> None:
        """No service lets ``actor`` default or be None: the system acts as assistant.actors.SYSTEM."""
        for name, fn in service_functions():
            param = inspect.signature(fn).parameters["actor"]
            assert param.default is inspect.Parameter.empty, name
            assert "None" not in str(param.annotation), name

    @pytest.mark.parametrize("grant", policy.GRANTS, ids=lambda g: f"{g.role.value}:{g.action.value}")
    def test_every_grant_is_checked_by_a_service(self, grant: policy.Grant) -> None:
        """Some service the table lets this role call checks this action (no grant that nothing enforces)."""
        functions = dict(service_functions())
        kinds = KINDS_OF_ROLE[grant.role]
        checking = [
            name
            for name, row in OPS.items()
            if row.allowed & kinds and f"Action.{grant.action.name}" in inspect.getsource(functions[name])
        ]
        assert checking, f"no service that {grant.role.value} may call checks {grant.action.value}"

    def test_grant_check_can_fail(self) -> None:
        """The check above finds nothing for an action that no service names."""
        functions = dict(service_functions())
        assert not [n for n in OPS if "Action.NO_SUCH_ACTION" in inspect.getsource(functions[n])]


class TestAccessPolicy:
    @pytest.mark.parametrize("op_name", sorted(OPS))
    def test_policy(
        self,
        db: Database,
        settings: Settings,
        make_user: Callable[..., User],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        op_name: str,
    ) -> None:
        """Each actor gets exactly the calls the table allows, and every answer comes from the policy."""
        row = OPS[op_name]
        world, actors = _build(db, settings, make_user, row.state, tmp_path)
        decisions: list[bool] = []
        real = policy.is_allowed

        def recording(actor: Actor, action: policy.Action, case: object = None) -> bool:
            decisions.append(real(actor, action, case))  # type: ignore[arg-type]
            return decisions[-1]

        monkeypatch.setattr(policy, "is_allowed", recording)
        # Refusals first (they change nothing), then the permitted calls.
        for actor_kind in sorted(ACTORS, key=lambda k: k in row.allowed):
            decisions.clear()
            actor = actors[actor_kind]
            with db.session() as s:
                if actor_kind in row.allowed:
                    row.call(s, world, actor)
                    assert decisions and all(decisions), (
                        f"{actor_kind} was let through without a policy check"
                    )
                elif actor_kind == "other" and row.case_scoped:
                    with pytest.raises(NotFoundError):
                        row.call(s, world, actor)
                else:
                    with pytest.raises(PermissionDeniedError):
                        row.call(s, world, actor)
                    assert decisions and not decisions[-1], f"{actor_kind} was refused, but not by the policy"

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
            queue_view.queue_page(s, clinician)

    def test_system_acts_only_within_its_grants(self) -> None:
        """The system principal holds only the grants given to it by name, and no person can hold its role."""
        granted = {g.action for g in policy.GRANTS if g.role is SystemRole.SYSTEM}
        for action in policy.Action:
            assert policy.is_allowed(SYSTEM, action) is (action in granted), action
        assert SystemRole.SYSTEM.value not in {r.value for r in Role}
