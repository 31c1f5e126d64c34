"""Shared helpers of the staff pages: rendering, error mapping, notices and template filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from assistant.context import AppContext
from assistant.db.models import User
from assistant.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    ImmutableRecordError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from assistant.services.queue_view import format_age
from assistant.web.markdown import chat_markdown
from assistant.web.security import csrf_token, home_for, optional_user

#: The one Jinja2 environment of the server-rendered pages (login, cockpit, support, admin).
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.globals["csrf_token"] = csrf_token

ERROR_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (PermissionDeniedError, status.HTTP_403_FORBIDDEN),
    (ConflictError, status.HTTP_409_CONFLICT),
    (InvalidTransitionError, status.HTTP_409_CONFLICT),
    (ImmutableRecordError, status.HTTP_409_CONFLICT),
    (AuthenticationError, status.HTTP_400_BAD_REQUEST),
    (ValidationError, status.HTTP_400_BAD_REQUEST),
)

#: Messages shown after a successful action (the redirect carries only the code).
NOTICES: dict[str, str] = {
    "claimed": "You have claimed this case; other clinicians now see it as yours.",
    "released": "The case is back in the queue.",
    "saved": "Your edits were saved as a new version; the AI original is kept.",
    "signed": "Signed. The patient can now read the opinion.",
    "returned": "The case was returned to the patient with your question.",
    "declined": "The case was declined; the patient will see your reason.",
    "amended": "The amendment was signed; the earlier version is kept and the patient is told.",
    "flagged": "The conversation was flagged.",
    "alert_acknowledged": "The alert was acknowledged; your name is recorded on it.",
    "user_created": "The user was created.",
    "user_updated": "The user was updated.",
    "job_retried": "The job is back in the queue; its case will be drafted again.",
}


def add_routes(app: FastAPI, *routers: APIRouter) -> None:
    """Add each router's routes to the app itself, with their paths and dependencies.

    The routes are added one by one (not with ``include_router``) so that every route of
    the app is a plain :class:`APIRoute` whose role dependency the access check can read.
    """
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                raise TypeError(f"unexpected route type {type(route).__name__}")
            app.add_api_route(
                route.path,
                route.endpoint,
                methods=sorted(route.methods or ()),
                dependencies=list(route.dependencies),
                response_model=None,
                name=route.name,
            )


STAFF_PREFIXES = ("/cockpit", "/support", "/admin", "/metrics", "/exports")
_HEADINGS = {
    400: "That did not work",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    409: "Someone else got there first",
}


async def staff_error_page(request: Request, exc: Exception) -> Response:
    """Errors on the staff pages as a page for people; JSON elsewhere and for non-browser clients."""
    from fastapi.exception_handlers import http_exception_handler
    from starlette.exceptions import HTTPException as StarletteHTTPException

    assert isinstance(exc, StarletteHTTPException)
    wants_html = "text/html" in request.headers.get("accept", "")
    if not (wants_html and request.url.path.startswith(STAFF_PREFIXES)) or exc.status_code == 401:
        return await http_exception_handler(request, exc)
    user = optional_user(request)
    return templates.TemplateResponse(
        request,
        "cockpit/error.html",
        {
            "user": user,
            "status_code": exc.status_code,
            "detail": exc.detail,
            "heading": _HEADINGS.get(exc.status_code, "Something went wrong"),
            "home": home_for(user) if user else "/login",
        },
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def install_error_pages(app: FastAPI) -> None:
    """Show HTTP errors under the staff prefixes as pages (other paths keep FastAPI's JSON)."""
    from starlette.exceptions import HTTPException as StarletteHTTPException

    app.add_exception_handler(StarletteHTTPException, staff_error_page)


def status_for(error: DomainError) -> int:
    """The HTTP status a domain error turns into."""
    for cls, code in ERROR_STATUS:
        if isinstance(error, cls):
            return code
    return status.HTTP_400_BAD_REQUEST


def http_error(error: DomainError) -> HTTPException:
    """A domain error as an HTTPException with its message for people."""
    return HTTPException(status_for(error), error.message)


def context_of(request: Request) -> AppContext:
    """The process's application context."""
    ctx: AppContext = request.app.state.context
    return ctx


def render(
    request: Request, name: str, user: User, values: Mapping[str, Any], status_code: int = 200
) -> Response:
    """Render a staff page with the user, the notice (if any) and the given values."""
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return templates.TemplateResponse(
        request, name, {"user": user, "notice": notice, **values}, status_code=status_code
    )


def redirect(url: str, done: str = "") -> RedirectResponse:
    """A 303 redirect after a successful form post, with a notice code."""
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}done={done}" if done else url, status_code=303)


def form_str(form: FormData, name: str, default: str = "") -> str:
    """A text field of a posted form ('' when absent or a file)."""
    value = form.get(name, default)
    return value if isinstance(value, str) else default


def when(value: dt.datetime | None) -> str:
    """A timestamp as people read it, in UTC."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def percent(value: float | None) -> str:
    """A share as a percentage, or an en dash when undefined."""
    return "–" if value is None else f"{100 * value:.0f}%"


templates.env.filters["age"] = format_age
templates.env.filters["when"] = when
templates.env.filters["percent"] = percent
templates.env.filters["md"] = chat_markdown
