"""The hash-chained audit log: recording, verification, tamper detection."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select, text

from assistant import audit
from assistant.db.base import Database
from assistant.db.models import AuditEvent, User
from assistant.db.triggers import drop_audit_triggers
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import transcripts
from tests.assistant.factories import to_state


def _actions(db: Database, case_id: str) -> list[str]:
    with db.session() as s:
        return list(
            s.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))
        )


class TestAuditChain:
    def test_lifecycle_is_audited(self, db: Database, make_user: Callable[..., User]) -> None:
        """Every step of a case, from creation to amendment, leaves an event."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        case_id = to_state(db, patient, CaseStatus.AMENDED, clinician)
        actions = _actions(db, case_id)
        for expected in (
            "case.create",
            "intake.update",
            "case.submit",
            "job.enqueue",
            "job.start",
            "draft.create",
            "case.claim",
            "draft.sign",
            "opinion.deliver",
            "opinion.amend",
        ):
            assert expected in actions

    def test_views_are_audited(self, db: Database, make_user: Callable[..., User]) -> None:
        """Reading the audit trail is itself an audited PHI access."""
        patient, support = make_user(db, Role.PATIENT), make_user(db, Role.SUPPORT)
        case_id = to_state(db, patient, CaseStatus.SUBMITTED)
        with db.session() as s:
            transcripts.audit_trail(s, support, case_id)
        assert _actions(db, case_id)[-1] == "audit.view"

    def test_chain_verifies(self, db: Database, make_user: Callable[..., User]) -> None:
        """An untouched chain verifies end to end."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        to_state(db, patient, CaseStatus.SIGNED, clinician)
        with db.session() as s:
            report = audit.verify_chain(s)
        assert report.ok and report.events_checked >= 9

    @pytest.mark.parametrize(
        ("sql", "reason"),
        [
            ("UPDATE audit_events SET action = 'case.view' WHERE seq = 5", "content does not match"),
            ("DELETE FROM audit_events WHERE seq = 5", "event 5 is missing"),
            ("UPDATE audit_events SET prev_hash = hash WHERE seq = 5", "previous-hash link"),
        ],
    )
    def test_tampering_detected(
        self, db: Database, make_user: Callable[..., User], sql: str, reason: str
    ) -> None:
        """Editing, deleting or relinking a row (triggers removed first) is found at that row."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        to_state(db, patient, CaseStatus.SIGNED, clinician)
        with db.engine.begin() as conn:
            drop_audit_triggers(conn)
            conn.execute(text(sql))
        with db.session() as s:
            report = audit.verify_chain(s)
        assert not report.ok
        assert report.first_broken_seq == 5
        assert reason in report.reason

    def test_concurrent_appends_keep_one_chain(self, db: Database, make_user: Callable[..., User]) -> None:
        """Threads appending at once never fork the chain."""
        user = make_user(db, Role.ADMIN)

        def append() -> None:
            for _ in range(5):
                with db.session() as s:
                    audit.record(s, user, "test.event")

        threads = [threading.Thread(target=append) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        with db.session() as s:
            report = audit.verify_chain(s)
        assert report.ok and report.events_checked == 20
