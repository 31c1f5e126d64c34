"""The oversight metrics page for clinicians, support staff and admins.

The figures come from :mod:`assistant.services.metrics`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response

from assistant import integrity
from assistant.db.models import User
from assistant.roles import Role
from assistant.services.metrics import compute_metrics, format_hours
from assistant.web.pages import add_routes, context_of, render
from assistant.web.security import require_roles

Reader = Annotated[User, Depends(require_roles(Role.CLINICIAN, Role.SUPPORT, Role.ADMIN))]
router = APIRouter(prefix="/metrics")


@router.get("/")
def metrics_page(request: Request, user: Reader) -> Response:
    """The oversight metrics page (clinicians, support staff and admins)."""
    with context_of(request).db.session() as s:
        metrics = compute_metrics(s, user)
        alerts = integrity.recent_alerts(s) if user.role is Role.ADMIN else (0, [])
    nav = {Role.CLINICIAN: "cockpit/_nav.html", Role.SUPPORT: "support/_nav.html"}.get(
        user.role, "admin/_nav.html"
    )
    return render(
        request,
        "admin/metrics.html",
        user,
        {"m": metrics, "nav": nav, "hours": format_hours, "integrity_alerts": alerts},
    )


def register(app: FastAPI) -> None:
    """Add the metrics page to the app."""
    add_routes(app, router)
