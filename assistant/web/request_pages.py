"""Patients' requests as staff tasks: clinicians' follow-ups and questions, admins' deletions.

The lists themselves are shown on the cockpit queue and the admin home (through
:func:`open_request_views`); this module adds the "mark done" posts. Clinicians may
resolve only follow-ups and questions, admins only deletion requests
(:data:`assistant.services.patient_requests.KINDS_FOR_ROLE`); every resolution is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from assistant.db.models import PatientRequest, User
from assistant.errors import DomainError
from assistant.roles import Role
from assistant.services import patient_requests
from assistant.web.pages import NOTICES, add_routes, context_of, http_error, redirect
from assistant.web.security import require_roles, verify_csrf

Clinician = Annotated[User, Depends(require_roles(Role.CLINICIAN))]
Admin = Annotated[User, Depends(require_roles(Role.ADMIN))]
clinician_posts = APIRouter(prefix="/cockpit", dependencies=[Depends(verify_csrf)])
admin_posts = APIRouter(prefix="/admin", dependencies=[Depends(verify_csrf)])
NOTICES.setdefault("request_done", "The request was marked done.")


@dataclass(frozen=True)
class RequestView:
    """One open request as a staff list shows it."""

    id: int
    kind: str
    label: str
    text: str
    patient: str
    case_id: str
    created_at: dt.datetime
    assigned_to_me: bool


def _view(request: PatientRequest, actor: User) -> RequestView:
    return RequestView(
        id=request.id, kind=request.kind, label=patient_requests.LABELS.get(request.kind, request.kind),
        text=request.text, patient=request.patient.display_name, case_id=request.case_id or "",
        created_at=request.created_at, assigned_to_me=request.assigned_to_id == actor.id,
    )  # fmt: skip


def open_request_views(session: Session, actor: User) -> list[RequestView]:
    """The open requests this staff member should act on."""
    return [_view(r, actor) for r in patient_requests.open_requests(session, actor)]


def case_request_views(session: Session, actor: User, case_id: str) -> list[RequestView]:
    """Every request about one case (open or done)."""
    return [_view(r, actor) for r in patient_requests.case_requests(session, actor, case_id)]


def _resolve(request: Request, user: User, request_id: int, back: str) -> Response:
    try:
        with context_of(request).db.session() as s:
            patient_requests.resolve_request(s, user, request_id)
    except DomainError as e:
        raise http_error(e) from e
    return redirect(back, "request_done")


@clinician_posts.post("/requests/{request_id}/done")
def clinician_done(request: Request, user: Clinician, request_id: int) -> Response:
    """A clinician marks a follow-up or question done."""
    return _resolve(request, user, request_id, "/cockpit/")


@admin_posts.post("/requests/{request_id}/done")
def admin_done(request: Request, user: Admin, request_id: int) -> Response:
    """An admin marks a data-deletion request done."""
    return _resolve(request, user, request_id, "/admin/")


def register(app: FastAPI) -> None:
    """Add the request posts to the app."""
    add_routes(app, clinician_posts, admin_posts)
