"""An emergency in any patient message alerts staff at once, submitted or not; advice comes first."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from assistant.chat.conversation import PatientChat
from assistant.context import AppContext
from assistant.db.models import AuditEvent, Case, UrgentAlert, User
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import alerts


def _alerts(ctx: AppContext) -> list[UrgentAlert]:
    with ctx.db.session() as s:
        return list(s.scalars(select(UrgentAlert)))


class TestAlertsFromTheChat:
    def test_unsubmitted_emergency_reaches_support(
        self, ctx: AppContext, patient: User, make_user: Callable[..., User]
    ) -> None:
        """During intake, before submission: advice first, an alert with the words, category and case."""
        chat = PatientChat(ctx, patient.id)
        chat.open()
        chat.consent(True)
        replies = chat.message("my husband has collapsed and he won't wake up")
        assert replies[0].kind == "emergency" and "Collapse" in replies[0].text
        (alert,) = _alerts(ctx)
        assert alert.category == "unconscious" and "won't wake up" in alert.text
        support = make_user(ctx.db, Role.SUPPORT)
        with ctx.db.session() as s:
            case = s.scalars(select(Case)).one()
            assert case.status is CaseStatus.INTAKE and alert.case_id == case.id and case.is_urgent
            seen = alerts.list_alerts(s, support)
            raised = s.scalars(select(AuditEvent).where(AuditEvent.action == "alert.raise")).one()
        assert [a.id for a in seen] == [alert.id] and seen[0].label.startswith("Collapse")
        assert raised.details["category"] == "unconscious" and "husband" not in str(raised.details)

    def test_before_consent_there_is_no_case_yet(self, ctx: AppContext, patient: User) -> None:
        """An emergency typed before consent still raises an alert, tied to the conversation."""
        chat = PatientChat(ctx, patient.id)
        chat.open()
        assert chat.message("I took a whole box of paracetamol")[0].kind == "emergency"
        (alert,) = _alerts(ctx)
        assert alert.case_id is None and alert.conversation_id == chat.conversation_id
        assert alert.category == "overdose"

    def test_ordinary_and_question_messages_raise_nothing(self, ctx: AppContext, patient: User) -> None:
        """A question about warning signs and an ordinary answer raise no alert."""
        chat = PatientChat(ctx, patient.id)
        chat.open()
        chat.consent(True)
        chat.message("What are the warning signs of a stroke?")
        chat.message("Pneumonia, on my chest X-ray")
        assert _alerts(ctx) == []
