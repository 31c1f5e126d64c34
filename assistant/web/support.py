"""Support staff pages: search transcripts, read one read-only with its case's audit trail, flag it.

Support users never reach a clinician action: every cockpit route admits clinicians only,
and the services refuse support users again through the access policy. Each transcript
read, audit-trail read and search is itself an audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import AuditEvent, Conversation, SupportFlag, User
from assistant.errors import DomainError, NotFoundError, ValidationError
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import transcripts
from assistant.web.alerts import alert_panel
from assistant.web.pages import add_routes, context_of, form_str, http_error, redirect, render, status_for
from assistant.web.security import require_roles, verify_csrf

Support = Annotated[User, Depends(require_roles(Role.SUPPORT))]
router = APIRouter(prefix="/support")
posts = APIRouter(prefix="/support", dependencies=[Depends(verify_csrf)])


def _day(value: str, *, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as e:
        raise ValidationError("Dates are written YYYY-MM-DD.") from e
    return dt.datetime.combine(
        day, dt.time.max if end else dt.time.min, tzinfo=dt.UTC
    )  # no overflow on 9999-12-31


@router.get("/")
def search(
    request: Request,
    user: Support,
    q: Annotated[str, Query(max_length=200)] = "",
    status: str = "",
    flagged: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    """Search conversations by text, case status, flag and date."""
    values = {"q": q, "status": status, "flagged": flagged, "since": since, "until": until}
    error = ""
    hits: list[transcripts.TranscriptHit] = []
    patients: dict[int, str] = {}
    try:
        with context_of(request).db.session() as s:
            hits = transcripts.search_transcripts(
                s,
                user,
                text=q.strip(),
                status=status if status in {c.value for c in CaseStatus} else "",
                flagged={"yes": True, "no": False}.get(flagged),
                since=_day(since),
                until=_day(until, end=True),
                limit=100,
            )
            hits = [h for h in hits if h.n_messages]  # a visit that never said anything is not shown
            patients = _display_names(s, {h.conversation.patient_id for h in hits})
    except ValidationError as e:
        error = e.message
    return render(
        request,
        "support/search.html",
        user,
        {
            "hits": hits,
            "patients": patients,
            "values": values,
            "error": error,
            "statuses": [c.value for c in CaseStatus],
            **alert_panel(request, user),
        },
        status_code=400 if error else 200,
    )


def _display_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).tuples().all())


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).tuples().all())


def _transcript_page(
    request: Request, user: User, conversation_id: str, error: str = "", status_code: int = 200
) -> Response:
    try:
        with context_of(request).db.session() as s:
            messages = transcripts.read_transcript(s, user, conversation_id)
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFoundError("Conversation not found.")
            trail: list[AuditEvent] = (
                list(transcripts.audit_trail(s, user, conv.case_id)) if conv.case_id else []
            )
            flags: list[SupportFlag] = list(transcripts.flags_for(s, conversation_id))
            names = _names(s, {e.actor_id for e in trail if e.actor_id} | {f.flagged_by_id for f in flags})
            case_id = conv.case_id
            patient_name = _display_names(s, {conv.patient_id}).get(conv.patient_id, "patient")
    except DomainError as e:
        raise http_error(e) from e
    return render(
        request,
        "support/transcript.html",
        user,
        {
            "conversation_id": conversation_id,
            "case_id": case_id,
            "patient_name": patient_name,
            "messages": messages,
            "trail": trail,
            "flags": flags,
            "names": names,
            "categories": transcripts.FLAG_CATEGORIES,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/conversations/{conversation_id}")
def transcript(request: Request, user: Support, conversation_id: str) -> Response:
    """A read-only transcript with the case's audit trail and flags."""
    return _transcript_page(request, user, conversation_id)


@posts.post("/conversations/{conversation_id}/flag")
async def flag(request: Request, user: Support, conversation_id: str) -> Response:
    """Flag a conversation with a category and a note."""
    form = await request.form()
    try:
        with context_of(request).db.session() as s:
            transcripts.flag_conversation(
                s, user, conversation_id, form_str(form, "category"), form_str(form, "note")[:2000]
            )
    except DomainError as e:
        if isinstance(e, NotFoundError):
            raise http_error(e) from e
        return _transcript_page(request, user, conversation_id, e.message, status_for(e))
    return redirect(f"/support/conversations/{conversation_id}", "flagged")


def register(app: FastAPI) -> None:
    """Add the support pages to the app."""
    add_routes(app, router, posts)
