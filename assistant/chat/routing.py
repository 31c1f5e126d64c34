"""Record a patient's request from the chat and say, in plain words, where it went.

The request itself is stored and routed by :mod:`assistant.services.patient_requests`
(policy-checked, audited); this module only words the confirmation for the patient.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.db.models import User
from assistant.services.patient_requests import RequestKind, create_request, signer_of

STALE = "That button is no longer active: {why}. Please use the newest message below."


def _who(session: Session, case_id: str | None) -> str:
    signer_id = signer_of(session, case_id) if case_id else None
    signer = session.get(User, signer_id) if signer_id else None
    if signer is not None:
        return f"{signer.display_name}, who signed your opinion,"
    return "a clinician from the team"


def route_request(session: Session, actor: User, case_id: str | None, kind: RequestKind, text: str) -> str:
    """Record the request and return the confirmation the patient reads."""
    create_request(session, actor, case_id, kind, text)
    match kind:
        case RequestKind.DELETE_DATA:
            return (
                "I have recorded your request to **delete your data**. An administrator will delete "
                "your account, your answers and your files and confirm it to you; nothing you shared "
                "is used for anything else meanwhile. You do not need to do anything more."
            )
        case RequestKind.FOLLOW_UP:
            return (
                f"Your request has been recorded: {_who(session, case_id)} will see it in their list "
                "and contact you. If your symptoms get worse, contact your own doctor or emergency services."
            )
        case RequestKind.QUESTION:
            return (
                f"I have passed your question to {_who(session, case_id)}. Their answer will reach you "
                "here or through your own doctor. If your symptoms get worse, contact your own doctor."
            )
        case RequestKind.STOP:
            return (
                "All right, we will stop here. Your answers so far are saved and nothing is sent to a "
                "clinician until you confirm. You can come back at any time to continue. If you would "
                "rather we delete what you shared, write *delete my data*."
            )
