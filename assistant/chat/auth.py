"""One login for every role: the chat trusts the app's own session cookie, and only for patients.

The app's login page sets ``so_session``, signed by Starlette's SessionMiddleware with
``settings.security.secret_key`` (itsdangerous ``TimestampSigner`` over base64 JSON).
:func:`session_user_id` decodes it the same way. Two things use it:

- Chainlit's ``@cl.header_auth_callback`` (in the chat's entry module) returns a
  ``cl.User`` only for an active patient; Chainlit then issues its own JWT cookie.
- :class:`PatientGate`, an ASGI wrapper around the mounted chat, refuses every HTTP
  request and websocket under ``/chat`` without a patient session (other roles are
  sent to their own pages), and drops a Chainlit token that belongs to someone other
  than the session's user, so a shared browser never shows one patient's chat to another.
"""

from __future__ import annotations

import json
import logging
from base64 import b64decode
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any

import anyio.to_thread
from itsdangerous import BadSignature, TimestampSigner

from assistant.context import AppContext
from assistant.db.models import User
from assistant.roles import Role
from assistant.web.security import SESSION_USER, home_for

logger = logging.getLogger(__name__)

SESSION_COOKIE = "so_session"
CHAINLIT_COOKIE = "access_token"
UID_KEY = "uid"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def parse_cookies(cookie_header: str | None) -> dict[str, str]:
    """Cookie name -> value from a Cookie header (bad headers give {})."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except CookieError:
        return {}
    return {k: m.value for k, m in jar.items()}


def session_user_id(cookie_header: str | None, secret_key: str, max_age_s: int) -> int | None:
    """The user id in a valid, unexpired ``so_session`` cookie, else None."""
    raw = parse_cookies(cookie_header).get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = TimestampSigner(str(secret_key)).unsign(raw.encode(), max_age=max_age_s)
        uid = json.loads(b64decode(data)).get(SESSION_USER)
        return int(uid) if uid is not None else None
    except (BadSignature, ValueError, TypeError, AttributeError):
        return None


def load_active_user(ctx: AppContext, uid: int | None) -> User | None:
    """The active user with this id (detached), or None."""
    if uid is None:
        return None
    with ctx.db.session() as s:
        user = s.get(User, uid)
        return user if user is not None and user.is_active else None


def patient_from_headers(ctx: AppContext, cookie_header: str | None) -> User | None:
    """The logged-in active patient named by the request's session cookie, else None."""
    sec = ctx.settings.security
    user = load_active_user(ctx, session_user_id(cookie_header, sec.secret_key, sec.session_max_age_s))
    return user if user is not None and user.role is Role.PATIENT else None


def _chainlit_token_uid(token: str) -> int | None:
    from chainlit.auth.jwt import decode_jwt

    try:
        uid = (decode_jwt(token).metadata or {}).get(UID_KEY)
        return int(uid) if uid is not None else None
    except Exception:  # an expired or forged token is simply not this user's
        return None


def _without_cookie(headers: list[tuple[bytes, bytes]], names: tuple[str, ...]) -> list[tuple[bytes, bytes]]:
    out = []
    for key, value in headers:
        if key.lower() == b"cookie":
            parts = value.decode("latin-1").split(";")
            kept = [p for p in parts if p.strip().split("=", 1)[0] not in names]
            kept = [p for p in kept if not p.strip().startswith(f"{CHAINLIT_COOKIE}_")]
            value = ";".join(kept).encode("latin-1")
        out.append((key, value))
    return out


class PatientGate:
    """ASGI wrapper: only logged-in patients reach the mounted chat (HTTP and websocket)."""

    def __init__(self, app: ASGIApp, ctx: AppContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = list(scope.get("headers") or [])
        cookie = b"; ".join(v for k, v in headers if k.lower() == b"cookie").decode("latin-1")
        sec = self.ctx.settings.security
        uid = session_user_id(cookie, sec.secret_key, sec.session_max_age_s)
        user = await anyio.to_thread.run_sync(load_active_user, self.ctx, uid)
        if user is None or user.role is not Role.PATIENT:
            await self._refuse(scope, send, user)
            return
        token = parse_cookies(cookie).get(CHAINLIT_COOKIE)
        if token and _chainlit_token_uid(token) != user.id:
            scope = dict(scope, headers=_without_cookie(headers, (CHAINLIT_COOKIE,)))
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, user: User | None) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        wants_html = any(k.lower() == b"accept" and b"text/html" in v for k, v in scope.get("headers") or [])
        if wants_html and scope.get("method") == "GET":
            target = home_for(user) if user is not None else "/login?next=/chat/"
            await _respond(send, 303, b"", [(b"location", target.encode())])
            return
        status, body = (403, b'{"detail":"The chat is for patients."}') if user else (
            401, b'{"detail":"Log in first."}')  # fmt: skip
        await _respond(send, status, body, [(b"content-type", b"application/json")])


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
