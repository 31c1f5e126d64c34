"""Urgent alerts on the staff home pages: the red banner, the list and the Acknowledge button.

The cockpit queue and the support search page show the newest alerts (see
:func:`alert_panel`); clinicians and support staff acknowledge them with a CSRF-protected
post. The work is done by :mod:`assistant.services.alerts`, which checks the access
policy and writes the audit events.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from assistant.db.models import User
from assistant.errors import DomainError
from assistant.roles import Role
from assistant.services import alerts
from assistant.web.pages import add_routes, context_of, http_error, redirect
from assistant.web.security import require_roles, verify_csrf

Clinician = Annotated[User, Depends(require_roles(Role.CLINICIAN))]
Support = Annotated[User, Depends(require_roles(Role.SUPPORT))]
router = APIRouter()
posts = APIRouter(dependencies=[Depends(verify_csrf)])
RECENT = 20


def alert_panel(request: Request, user: User) -> dict[str, Any]:
    """Template values for the alert banner and list: the newest alerts and how many are open."""
    with context_of(request).db.session() as s:
        recent = alerts.list_alerts(s, user, open_only=False, limit=RECENT)
    home = "/cockpit" if user.role is Role.CLINICIAN else "/support"
    return {
        "alerts": recent,
        "open_alerts": sum(a.acknowledged_at is None for a in recent),
        "alert_home": home,
    }


def _acknowledge(request: Request, user: User, alert_id: str, home: str) -> Response:
    try:
        with context_of(request).db.session() as s:
            alerts.acknowledge(s, user, alert_id)
    except DomainError as e:
        raise http_error(e) from e
    return redirect(f"{home}/", "alert_acknowledged")


def _open_count(request: Request, user: User) -> JSONResponse:
    with context_of(request).db.session() as s:
        return JSONResponse({"open": alerts.count_open(s, user)}, headers={"cache-control": "no-store"})


@router.get("/cockpit/alerts/open-count")
def open_count_in_cockpit(request: Request, user: Clinician) -> Response:
    """How many alerts are open (the home page polls it and reloads when it grows)."""
    return _open_count(request, user)


@router.get("/support/alerts/open-count")
def open_count_in_support(request: Request, user: Support) -> Response:
    """How many alerts are open (the home page polls it and reloads when it grows)."""
    return _open_count(request, user)


@posts.post("/cockpit/alerts/{alert_id}/acknowledge")
def acknowledge_in_cockpit(request: Request, user: Clinician, alert_id: str) -> Response:
    """A clinician acknowledges an urgent alert."""
    return _acknowledge(request, user, alert_id, "/cockpit")


@posts.post("/support/alerts/{alert_id}/acknowledge")
def acknowledge_in_support(request: Request, user: Support, alert_id: str) -> Response:
    """A support reviewer acknowledges an urgent alert."""
    return _acknowledge(request, user, alert_id, "/support")


def register(app: FastAPI) -> None:
    """Add the alert routes to the app."""
    add_routes(app, router, posts)
