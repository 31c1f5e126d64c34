"""One login for every role: the chat trusts the app's own server-side session, and only for patients.

The app's login page sets ``so_session``, signed by Starlette's SessionMiddleware with
``settings.security.secret_key`` (itsdangerous ``TimestampSigner`` over base64 JSON); it
carries an opaque session token whose server-side record says who is logged in
(:mod:`assistant.services.sessions`). :func:`session_token` decodes the cookie the same way.

- Chainlit's ``@cl.header_auth_callback`` (in the chat's entry module) returns a
  ``cl.User`` only for an active patient, with the user id and the session id in its
  metadata; Chainlit then issues its own JWT, which is therefore bound to the session.
- :class:`PatientGate`, an ASGI wrapper around the mounted chat, checks every HTTP request
  and websocket under ``/chat``: the ``Origin`` must be one of the app's public URLs, the
  session must be open and a patient's, and every Chainlit token carrier (the
  ``access_token`` cookie, its chunks ``access_token_0..N``, ``Authorization: Bearer``)
  must hold a token issued for this user *and this session*; any other token is removed
  before Chainlit sees it. A revoked session (logout, password change, deactivation, role
  change) therefore takes the chat's token with it. The chat's own Logout
  (``POST /chat/logout``) ends the server-side session and clears ``so_session``.
- The chat page itself (a ``GET`` for HTML) arrives with Chainlit's token already set
  when the request holds none, issued exactly as ``POST /chat/auth/header`` would. Without
  it Chainlit's page answers its first ``/chat/user`` with 401 and bounces through
  ``/chat/login`` (header auth, then a full reload); a page on its way out could open a
  chat session and show the consent, and a click on it was lost with the page.
"""

from __future__ import annotations

import json
import logging
from base64 import b64decode
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy.orm import Session

from assistant.context import AppContext
from assistant.cookies import SESSION_COOKIE, chat_cookie_name
from assistant.db.models import User
from assistant.roles import Role
from assistant.services.sessions import OpenSession, find_active
from assistant.web.login_flow import end_session
from assistant.web.security import PASSWORD_PAGE, SESSION_TOKEN, home_for

logger = logging.getLogger(__name__)

UID_KEY = "uid"
SESSION_KEY = "sess"

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


def session_token(cookie_header: str | None, secret_key: str, max_age_s: int) -> str | None:
    """The session token in a valid, unexpired ``so_session`` cookie, else None."""
    raw = parse_cookies(cookie_header).get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = TimestampSigner(str(secret_key)).unsign(raw.encode(), max_age=max_age_s)
        token = json.loads(b64decode(data)).get(SESSION_TOKEN)
        return token if isinstance(token, str) else None
    except (BadSignature, ValueError, TypeError, AttributeError):
        return None


def patient_session(ctx: AppContext, cookie_header: str | None) -> OpenSession | None:
    """The open session of an active patient named by the request's cookie, else None."""
    found = _session_user(ctx, cookie_header)
    return found if found is not None and _chat_allowed(found.user) else None


def patient_session_in(s: Session, ctx: AppContext, cookie_header: str | None) -> OpenSession | None:
    """:func:`patient_session` inside the caller's transaction (a chat turn checks it in its own)."""
    sec = ctx.settings.security
    found = find_active(s, session_token(cookie_header, sec.secret_key, sec.session_max_age_s))
    return found if found is not None and _chat_allowed(found.user) else None


def _chat_allowed(user: User) -> bool:
    return user.role is Role.PATIENT and not user.must_change_password


def patient_from_headers(ctx: AppContext, cookie_header: str | None) -> User | None:
    """The logged-in active patient named by the request's session cookie, else None."""
    found = patient_session(ctx, cookie_header)
    return found.user if found is not None else None


def _session_user(ctx: AppContext, cookie_header: str | None) -> OpenSession | None:
    sec = ctx.settings.security
    token = session_token(cookie_header, sec.secret_key, sec.session_max_age_s)
    if token is None:
        return None
    with ctx.db.session() as s:
        return find_active(s, token)


def chat_user(found: OpenSession) -> Any:
    """Chainlit's user for an open patient session, bound to that session (``cl.User``)."""
    import chainlit as cl

    user = found.user
    return cl.User(identifier=f"patient-{user.id}", display_name=user.display_name,
                   metadata={UID_KEY: user.id, SESSION_KEY: found.session_id, "role": "patient"})  # fmt: skip


def token_cookies(scope: Scope, found: OpenSession) -> list[tuple[bytes, bytes]]:
    """``Set-Cookie`` headers with a new Chainlit token for this session (Chainlit's own cookie rules)."""
    from chainlit.auth import create_jwt
    from chainlit.auth.cookie import set_auth_cookie
    from starlette.requests import Request
    from starlette.responses import Response

    response = Response()
    set_auth_cookie(Request(scope), response, create_jwt(chat_user(found)))
    return [(k, v) for k, v in response.raw_headers if k == b"set-cookie"]


def _holds_token(headers: list[tuple[bytes, bytes]]) -> bool:
    name = chat_cookie_name()
    cookies = parse_cookies(b"; ".join(v for k, v in headers if k.lower() == b"cookie").decode("latin-1"))
    return bool(cookies.get(name) or cookies.get(f"{name}_0") or _bearer(headers))


def _wants_page(scope: Scope) -> bool:
    wants_html = any(k.lower() == b"accept" and b"text/html" in v for k, v in scope.get("headers") or [])
    return scope["type"] == "http" and scope.get("method") == "GET" and wants_html


def token_matches(token: str, found: OpenSession) -> bool:
    """Whether a Chainlit JWT was issued for this user in this very session."""
    from chainlit.auth.jwt import decode_jwt

    try:
        meta = decode_jwt(token).metadata or {}
        return bool(meta.get(UID_KEY) == found.user.id and meta.get(SESSION_KEY) == found.session_id)
    except Exception:  # an expired, forged or older token is simply not this session's
        return False


def _chunked(cookies: dict[str, str], name: str) -> str | None:
    """The token Chainlit joins from ``name_0``, ``name_1``, ... (same rule as Chainlit 2.12)."""
    parts, i = [], 0
    while f"{name}_{i}" in cookies:
        parts.append(cookies[f"{name}_{i}"])
        i += 1
    return "".join(parts) or None


def _bearer(headers: list[tuple[bytes, bytes]]) -> str | None:
    for key, value in headers:
        if key.lower() == b"authorization":
            scheme, _, param = value.decode("latin-1").partition(" ")
            return param.strip() if scheme.lower() == "bearer" else None
    return None


def _without(headers: list[tuple[bytes, bytes]], drop_cookie: Callable[[str], bool],
             drop_authorization: bool) -> list[tuple[bytes, bytes]]:  # fmt: skip
    out = []
    for key, value in headers:
        if key.lower() == b"authorization" and drop_authorization:
            continue
        if key.lower() == b"cookie":
            parts = value.decode("latin-1").split(";")
            value = ";".join(p for p in parts if not drop_cookie(p.strip().split("=", 1)[0])).encode(
                "latin-1"
            )
        out.append((key, value))
    return out


def foreign_tokens_removed(
    headers: list[tuple[bytes, bytes]], found: OpenSession
) -> list[tuple[bytes, bytes]]:
    """The headers without any Chainlit token carrier that holds someone else's (or a stale) token."""
    name = chat_cookie_name()
    cookies = parse_cookies(b"; ".join(v for k, v in headers if k.lower() == b"cookie").decode("latin-1"))
    bad_plain = bool(cookies.get(name)) and not token_matches(cookies[name], found)
    chunked = _chunked(cookies, name)
    bad_chunks = chunked is not None and not token_matches(chunked, found)
    bearer = _bearer(headers)
    bad_bearer = bearer is not None and not token_matches(bearer, found)
    if not (bad_plain or bad_chunks or bad_bearer):
        return headers

    def drop(cookie: str) -> bool:
        return (bad_plain and cookie == name) or (bad_chunks and cookie.startswith(f"{name}_"))

    return _without(headers, drop, bad_bearer)


def allowed_origins(ctx: AppContext) -> tuple[frozenset[str], bool]:
    """The accepted origins, and whether the request's own host is accepted too.

    With ``web.public_urls`` set, exactly those. Unset, the local serve URL
    ``http://<host>:<port>`` and the origin of the request's own ``Host`` (same-origin),
    which a page on any other site cannot produce.
    """
    settings = ctx.settings
    if settings.web.public_urls:
        return frozenset(u.rstrip("/").lower() for u in settings.web.public_urls), False
    return frozenset({f"http://{settings.host}:{settings.port}"}), True


def origin_ok(scope: Scope, allowed: frozenset[str], same_host: bool) -> bool:
    """No Origin (not a browser's cross-site request), an accepted one, or (by default) the same host."""
    headers = {k.lower(): v for k, v in scope.get("headers") or []}
    origin = headers.get(b"origin")
    if origin is None:
        return True
    value = origin.decode("latin-1").rstrip("/").lower()
    if value in allowed:
        return True
    if not same_host:
        return False
    host = headers.get(b"host", b"").decode("latin-1").lower()
    parts = urlsplit(value)
    return bool(host) and parts.netloc == host and parts.scheme in ("http", "https")


def _relative_path(scope: Scope) -> str:
    path, root = str(scope.get("path", "")), str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


class PatientGate:
    """ASGI wrapper: only patients with an open session reach the mounted chat, from our own origin."""

    def __init__(self, app: ASGIApp, ctx: AppContext) -> None:
        self.app = app
        self.ctx = ctx
        self.origins, self.same_host = allowed_origins(ctx)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not origin_ok(scope, self.origins, self.same_host):
            logger.warning("chat request refused: foreign Origin")
            await _respond_or_close(scope, send, 403, b'{"detail":"Cross-site request refused."}')
            return
        headers: list[tuple[bytes, bytes]] = list(scope.get("headers") or [])
        cookie = b"; ".join(v for k, v in headers if k.lower() == b"cookie").decode("latin-1")
        found = await anyio.to_thread.run_sync(_session_user, self.ctx, cookie)
        user = found.user if found is not None else None
        if found is None or not _chat_allowed(found.user):
            await self._refuse(scope, send, user)
            return
        scope = dict(scope, headers=foreign_tokens_removed(headers, found))
        if scope["type"] == "http" and scope.get("method") == "POST" and _relative_path(scope) == "/logout":
            await self._logout(scope, receive, send, cookie)
            return
        if _wants_page(scope) and not _holds_token(scope["headers"]):  # removed above if not this session's
            send = _adding_headers(send, token_cookies(scope, found))
        await self.app(scope, receive, send)

    async def _logout(self, scope: Scope, receive: Receive, send: Send, cookie: str) -> None:
        """The chat's Logout: end the server-side session and clear ``so_session`` too."""
        sec = self.ctx.settings.security
        token = session_token(cookie, sec.secret_key, sec.session_max_age_s)
        await anyio.to_thread.run_sync(end_session, self.ctx, token, "logout")
        secure = "; secure" if self.ctx.settings.cookies_secure else ""
        expired = (f"{SESSION_COOKIE}=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0; "
                   f"httponly; samesite=lax{secure}").encode()  # fmt: skip

        async def send_clearing(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), (b"set-cookie", expired)])
            await send(message)

        await self.app(scope, receive, send_clearing)

    async def _refuse(self, scope: Scope, send: Send, user: User | None) -> None:
        if _wants_page(scope):
            if user is not None and user.must_change_password:
                target = PASSWORD_PAGE
            else:
                target = home_for(user) if user is not None else "/login?next=/chat/"
            await _respond(send, 303, b"", [(b"location", target.encode())])
            return
        status, body = (403, b'{"detail":"The chat is for patients."}') if user else (
            401, b'{"detail":"Log in first."}')  # fmt: skip
        await _respond_or_close(scope, send, status, body)


def _adding_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def adding(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start" and 200 <= int(message.get("status", 0)) < 300:
            message = dict(message, headers=[*message.get("headers", []), *extra])
        await send(message)

    return adding


async def _respond_or_close(scope: Scope, send: Send, status: int, body: bytes) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await _respond(send, status, body, [(b"content-type", b"application/json")])


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
