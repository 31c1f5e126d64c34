"""Claiming, editing, signing, returning, declining and amending through the review service."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from assistant.db.base import Database, make_engine
from assistant.db.models import Case, Draft, Signature, User
from assistant.errors import (
    AuthenticationError,
    ConflictError,
    ImmutableRecordError,
    InvalidTransitionError,
    ValidationError,
)
from assistant.intake import IntakeRecord
from assistant.lifecycle import CaseStatus
from assistant.opinion import section_texts
from assistant.roles import Role
from assistant.services import cases, drafts, review
from tests.assistant.factories import CONSENT_VERSION, TEST_PASSWORD, status_of, to_state

S = CaseStatus


class TestTransitionsThroughServices:
    @pytest.mark.parametrize("target", list(CaseStatus))
    def test_every_state_reachable(
        self, db: Database, make_user: Callable[..., User], target: CaseStatus
    ) -> None:
        """The services walk a case into each state of the lifecycle."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, target, clinician)
        assert status_of(db, case_id) is target

    def test_submit_twice_is_illegal(self, db: Database, make_user: Callable[..., User]) -> None:
        """A submitted case cannot be submitted again."""
        patient = make_user(db, Role.PATIENT)
        case_id = to_state(db, patient, S.SUBMITTED)
        with db.session() as s, pytest.raises(InvalidTransitionError, match="'submitted' to 'submitted'"):
            cases.submit_case(s, patient, case_id, CONSENT_VERSION)

    def test_submit_requires_consent_and_answers(self, db: Database, make_user: Callable[..., User]) -> None:
        """No consent or no main question: submission is refused with the reason."""
        patient = make_user(db, Role.PATIENT)
        with db.session() as s:
            case_id = cases.create_case(s, patient).id
        with db.session() as s, pytest.raises(ValidationError, match="consent"):
            cases.submit_case(s, patient, case_id, CONSENT_VERSION)
        with db.session() as s:
            cases.record_consent(s, patient, CONSENT_VERSION, "text")
        with db.session() as s, pytest.raises(ValidationError, match="main_question"):
            cases.submit_case(s, patient, case_id, CONSENT_VERSION)

    def test_claim_requires_pending_review(self, db: Database, make_user: Callable[..., User]) -> None:
        """A case still drafting cannot be claimed."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.DRAFTING, clinician)
        with db.session() as s, pytest.raises(ConflictError, match="'drafting'"):
            review.claim_case(s, clinician, case_id)

    def test_intake_frozen_after_submit(self, db: Database, make_user: Callable[..., User]) -> None:
        """The intake record cannot change once submitted."""
        patient = make_user(db, Role.PATIENT)
        case_id = to_state(db, patient, S.SUBMITTED)
        with db.session() as s, pytest.raises(ValidationError, match="submitted"):
            cases.update_intake(s, patient, case_id, IntakeRecord(main_question="changed"))

    def test_returned_case_can_be_resubmitted(self, db: Database, make_user: Callable[..., User]) -> None:
        """After a return the patient edits the intake and submits again; a new job is queued."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.RETURNED, clinician)
        with db.session() as s:
            case = cases.get_case(s, patient, case_id)
            assert case.status_reason == "Please upload the report."
            cases.update_intake(
                s,
                patient,
                case_id,
                IntakeRecord(
                    diagnosis_in_question="pneumonia",
                    main_question="Is it pneumonia?",
                    history="Report attached",
                ),
            )
            job = cases.submit_case(s, patient, case_id, CONSENT_VERSION)
            assert job.status == "queued"
        assert status_of(db, case_id) is S.SUBMITTED


def race(db: Database, calls: list[Callable[[Session], object]]) -> list[str]:
    """Run each call in its own thread, engine and transaction, all released at once; sorted outcomes.

    Each thread gets a separate :class:`Database` (its own engine and connection pool, as a
    second process would have), so only the database's own locking (row locks on
    PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) can keep the racers apart: the in-process
    writer lock of one ``Database`` object is not shared. Outcomes other than winning or a
    :class:`ConflictError` are reported by exception type, so a lost race fails the test.
    """
    url = db.engine.url.render_as_string(hide_password=False)
    engines = [Database(make_engine(url)) for _ in calls]
    barrier = threading.Barrier(len(calls))
    results: list[str] = []

    def attempt(racer: Database, call: Callable[[Session], object]) -> None:
        barrier.wait()
        try:
            with racer.session() as s:
                call(s)
            results.append("won")
        except ConflictError:
            results.append("conflict")
        except Exception as e:  # a lost update or a driver error must fail the test
            results.append(type(e).__name__)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(engines, calls, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for racer in engines:
        racer.dispose()
    return sorted(results)


class TestClaimRace:
    @pytest.mark.parametrize("n_clinicians", [2, 6])
    def test_exactly_one_claim_wins(
        self, db: Database, make_user: Callable[..., User], n_clinicians: int
    ) -> None:
        """Clinicians racing in threads: one claim succeeds, every other gets a ConflictError."""
        patient = make_user(db, Role.PATIENT)
        clinicians = [make_user(db, Role.CLINICIAN) for _ in range(n_clinicians)]
        case_id = to_state(db, patient, S.PENDING_REVIEW)
        calls = [partial(review.claim_case, actor=c, case_id=case_id) for c in clinicians]
        assert race(db, calls) == ["conflict"] * (n_clinicians - 1) + ["won"]
        assert status_of(db, case_id) is S.IN_REVIEW

    def test_exactly_one_signature_wins(self, db: Database, make_user: Callable[..., User]) -> None:
        """Two sign attempts on one draft (same base version) race: one signed version exists."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.IN_REVIEW, clinician)
        with db.session() as s:
            base = drafts.latest_draft(s, case_id)
            assert base is not None
            base_id = base.id

        def sign(s: Session) -> object:
            return review.sign_draft(s, clinician, case_id, base_id, TEST_PASSWORD)

        assert race(db, [sign, sign]) == ["conflict", "won"]
        with db.session() as s:
            n_signed = len(s.scalars(select(Signature)).all())
        assert n_signed == 1

    def test_second_clinician_cannot_sign_claimed_case(
        self, db: Database, make_user: Callable[..., User]
    ) -> None:
        """A clinician who does not hold the claim gets a clear conflict."""
        patient = make_user(db, Role.PATIENT)
        holder, other = make_user(db, Role.CLINICIAN), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.IN_REVIEW, holder)
        with db.session() as s:
            base = drafts.latest_draft(s, case_id)
            assert base is not None
            with pytest.raises(ConflictError, match="Another clinician"):
                review.sign_draft(s, other, case_id, base.id, TEST_PASSWORD)


class TestSigning:
    def test_sign_needs_password(self, db: Database, make_user: Callable[..., User]) -> None:
        """A wrong re-entered password signs nothing."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.IN_REVIEW, clinician)
        with db.session() as s:
            base = drafts.latest_draft(s, case_id)
            assert base is not None
            with pytest.raises(AuthenticationError, match="nothing was signed"):
                review.sign_draft(s, clinician, case_id, base.id, "wrong-password")
        assert status_of(db, case_id) is S.IN_REVIEW

    def test_stale_edit_conflicts(self, db: Database, make_user: Callable[..., User]) -> None:
        """Saving against an old base version is refused."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.IN_REVIEW, clinician)
        with db.session() as s:
            base = drafts.latest_draft(s, case_id)
            assert base is not None
            review.save_edit(s, clinician, case_id, base.id, {"summary": "First edit [1]."})
        with db.session() as s, pytest.raises(ConflictError, match="changed since"):
            review.save_edit(s, clinician, case_id, base.id, {"summary": "Second edit [1]."})

    def test_signed_version_is_immutable(self, db: Database, make_user: Callable[..., User]) -> None:
        """Changing a signed draft through the ORM raises, and its hash still verifies."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.SIGNED, clinician)
        with db.session() as s:
            signed = s.scalars(select(Draft).where(Draft.case_id == case_id, Draft.is_signed)).one()
            signed_id = signed.id
        with pytest.raises(ImmutableRecordError), db.session() as s:
            d = s.get(Draft, signed_id)
            assert d is not None
            d.content = {"sections": {"summary": "tampered"}}
        with pytest.raises(ImmutableRecordError), db.session() as s:
            d = s.get(Draft, signed_id)
            s.delete(d)
        with db.session() as s:
            assert drafts.verify_signed(s, signed_id)

    def test_signed_version_immutable_in_database(self, db: Database, make_user: Callable[..., User]) -> None:
        """Raw SQL updates of a signed draft are refused by a database trigger."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.SIGNED, clinician)
        with pytest.raises(Exception, match="signed"), db.engine.begin() as conn:
            conn.execute(text("UPDATE drafts SET content_sha256 = 'x' WHERE is_signed = :t"), {"t": True})
        with db.session() as s:
            signed = s.scalars(select(Draft).where(Draft.case_id == case_id, Draft.is_signed)).one()
            assert drafts.verify_signed(s, signed.id)

    def test_amendment_keeps_old_version(self, db: Database, make_user: Callable[..., User]) -> None:
        """An amendment is a new signed version; the first signed text is unchanged."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, S.AMENDED, clinician)
        with db.session() as s:
            versions = drafts.draft_versions(s, case_id)
            kinds = [v.kind for v in versions]
            assert kinds == ["ai_original", "signed", "amendment"]
            assert all(drafts.verify_signed(s, v.id) for v in versions if v.is_signed)
            before = {t.key: t.text for t in section_texts(versions[1].content)}
            after = {t.key: t.text for t in section_texts(versions[2].content)}
            assert before["limitations"] != after["limitations"] == "Amended limitations [2]."
            assert before["summary"] == after["summary"]
            opinion = cases.get_signed_opinion(s, patient, case_id)
            assert opinion.id == versions[2].id


class TestLostUpdate:
    def test_stale_row_version_is_a_conflict(self, db: Database, make_user: Callable[..., User]) -> None:
        """A write based on a stale row version (no row lock taken) is a ConflictError, not a 500."""
        if not db.is_postgresql:
            pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE), so a stale write cannot interleave")
        patient = make_user(db, Role.PATIENT)
        case_id = to_state(db, patient, S.INTAKE)
        other = Database(make_engine(db.engine.url.render_as_string(hide_password=False)))
        try:
            with pytest.raises(ConflictError, match="at the same time"), db.session() as s:
                case = s.get(Case, case_id)
                assert case is not None
                with other.session() as s2:  # a concurrent writer commits first
                    rival = s2.get(Case, case_id)
                    assert rival is not None
                    rival.title = "changed elsewhere"
                case.title = "changed here"
        finally:
            other.dispose()
        with db.session() as s:
            stored = s.get(Case, case_id)
            assert stored is not None and stored.title == "changed elsewhere"
