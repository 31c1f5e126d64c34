"""Sessions, the current user, role checks and CSRF protection for the server-rendered pages.

The session cookie (signed by Starlette's SessionMiddleware with the app secret) carries
an opaque random session token and a CSRF token; the session itself lives in the
database (:mod:`assistant.services.sessions`), so logout, a password change, deactivation
and a role change end it for good. Every state-changing form posts the CSRF token back.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from fastapi import Depends, HTTPException, Request, status

from assistant.context import AppContext
from assistant.db.models import User
from assistant.roles import Role
from assistant.services.sessions import find_active
from assistant.web.tls import PLAIN_HTTP_NOTICE, over_plain_http

SESSION_TOKEN = "sid"  # noqa: S105 - the session key under which the token is kept
SESSION_CSRF = "csrf"
PASSWORD_PAGE = "/account/password"  # noqa: S105 - a URL


class LoginRequired(Exception):
    """Raised for an anonymous request to a page; the app redirects to /login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def get_context(request: Request) -> AppContext:
    """The process's AppContext, set on the app at start-up."""
    ctx: AppContext = request.app.state.context
    return ctx


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


class PasswordChangeRequired(Exception):
    """Raised when a user whose password was reset asks for any page but the password page."""


def optional_user(request: Request) -> User | None:
    """The user of the request's open server-side session, or None (the cookie is then cleared)."""
    token = request.session.get(SESSION_TOKEN)
    if token is None:
        return None
    ctx = get_context(request)
    with ctx.db.session() as s:
        found = find_active(s, token)
    if found is None:
        request.session.clear()
        return None
    request.state.auth_session_id = found.session_id
    return found.user


def current_user(request: Request) -> User:
    """The logged-in user; anonymous page requests are sent to the login page."""
    user = optional_user(request)
    if user is None:
        wants_html = "text/html" in request.headers.get("accept", "")
        if wants_html and request.method == "GET":
            raise LoginRequired(str(request.url.path))
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Log in first.")
    if user.must_change_password and request.url.path != PASSWORD_PAGE:
        raise PasswordChangeRequired()
    return user


def require_roles(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency that admits only the given roles (403 for everyone else)."""

    async def _check(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Your role does not allow this page.")
        return user

    _check.roles = roles  # type: ignore[attr-defined]
    return _check


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get(SESSION_CSRF)
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        if over_plain_http(request):  # the browser dropped the Secure cookie: say so
            raise HTTPException(status.HTTP_403_FORBIDDEN, PLAIN_HTTP_NOTICE)
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "The form expired or came from elsewhere; reload the page."
        )


def home_for(user: User) -> str:
    """Where each role lands after login."""
    return {
        Role.PATIENT: "/chat/",
        Role.CLINICIAN: "/cockpit/",
        Role.SUPPORT: "/support/",
        Role.ADMIN: "/admin/",
    }[user.role]
