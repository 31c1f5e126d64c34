"""The web side of logging in and out: bounded hashing, refusals, ending sessions.

The login route runs :mod:`assistant.services.login`'s three steps with the database
steps in the thread pool and the Argon2 step on a small limiter of its own, so a flood
of logins queues on the event loop (using no worker thread while it waits) and the
rest of the app keeps its threads and its database.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

import anyio
import anyio.to_thread
from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from assistant import audit
from assistant.context import AppContext
from assistant.cookies import chat_cookie_name
from assistant.db.models import User
from assistant.errors import AuthenticationError
from assistant.services import login, sessions

log = logging.getLogger(__name__)
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _limiter(ctx: AppContext) -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    if loop not in _LIMITERS:
        _LIMITERS[loop] = anyio.CapacityLimiter(max(1, ctx.settings.login.max_parallel_verifications))
    return _LIMITERS[loop]


async def log_in(ctx: AppContext, username: str, password: str, address: str) -> login.LoginOutcome:
    """Check credentials without holding the database while hashing; throttled and audited."""
    pre = await run_in_threadpool(login.precheck, ctx.db, username, address)
    if pre.throttled:
        log.warning("login refused: throttled for %d s", pre.retry_after_s)
        return login.LoginOutcome(retry_after_s=pre.retry_after_s, throttled=True)
    ok = await anyio.to_thread.run_sync(login.verify, pre, password, limiter=_limiter(ctx))
    sec = ctx.settings.security
    return await run_in_threadpool(login.conclude, ctx.db, pre, ok, ctx.settings.login, sec.session_max_age_s)


def refusal(
    request: Request, templates: Jinja2Templates, next_url: str, outcome: login.LoginOutcome
) -> Response:
    """The login page again: 401 for wrong credentials, 429 with Retry-After while throttled."""
    error = AuthenticationError().message
    if outcome.retry_after_s:
        error += f" Too many failed attempts: wait {outcome.retry_after_s} seconds before trying again."
    status = 429 if outcome.throttled else 401
    headers = {"retry-after": str(outcome.retry_after_s)} if outcome.retry_after_s else None
    return templates.TemplateResponse(
        request, "login.html", {"next": next_url, "error": error}, status_code=status, headers=headers
    )


def end_session(ctx: AppContext, token: object, reason: str) -> None:
    """Revoke the server-side session named by ``token`` and audit it (nothing if there is none)."""
    if not isinstance(token, str):
        return
    with ctx.db.session() as s:
        user_id = sessions.revoke_token(s, token, reason)
        if user_id is not None:
            audit.record(s, s.get(User, user_id), reason, target_type="user", target_id=user_id)


def delete_chat_cookies(request: Request, response: Response) -> None:
    """Clear Chainlit's token cookie and any chunked parts of it."""
    chat_cookie = chat_cookie_name()
    for name in request.cookies:
        if name == chat_cookie or name.startswith(f"{chat_cookie}_"):
            response.delete_cookie(name, path="/")
    response.delete_cookie(chat_cookie, path="/")


async def to_password_page(request: Request, _exc: Exception) -> Response:
    """A user whose password was reset may use nothing but the password page until they change it."""
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/account/password", status_code=303)
    return JSONResponse({"detail": "Change your password first."}, status_code=403)
