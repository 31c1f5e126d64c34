"""Security headers on every response, ``no-store`` on everything that may show PHI.

:class:`SecurityHeaders` is a pure ASGI middleware (it sees the mounted chat too):

- ``Content-Security-Policy``: scripts only from the app itself (plus the two inline
  scripts Chainlit writes into its page, allowed by hash, and ``'wasm-unsafe-eval'`` for
  the image viewer's WebAssembly codecs), workers from the app or ``blob:``, images from
  the app, ``data:`` and ``blob:``; no plugins; no framing (``frame-ancestors 'none'``,
  and ``X-Frame-Options: DENY`` for older browsers);
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``Cross-Origin-Opener-Policy: same-origin`` and a ``Permissions-Policy`` that turns off
  camera, microphone and location;
- in production, ``Strict-Transport-Security``; the ``Secure`` flag on every cookie
  whenever cookies are secure (``tls.cookie_secure``, on in production)
  (Chainlit's ``access_token`` and its chunks included: Chainlit sets it only with
  ``SameSite=None``);
- ``Cache-Control: no-store`` on every response except versioned static assets.

Chainlit's page links Google Fonts and a KaTeX stylesheet from a CDN; a medical app
does not tell third parties who opens it, so those links are removed from the chat page
(the UI falls back to system fonts) instead of being allowed by the policy.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from functools import lru_cache
from typing import Any

from assistant.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CHAT_PREFIX = "/chat"
CACHEABLE_PREFIXES = ("/static/", "/chat/assets/")
HSTS = "max-age=31536000; includeSubDomains"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_THIRD_PARTY_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*/?>\s*", re.S)


def script_hashes(html: str) -> list[str]:
    """CSP source expressions for the inline ``<script>`` blocks of a trusted page."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


@lru_cache(maxsize=1)
def chainlit_inline_hashes() -> tuple[str, ...]:
    """Hashes of the inline scripts in Chainlit's page (its template and our config only)."""
    try:
        from chainlit.server import get_html_template
    except ImportError:  # the chat is not installed: nothing inline to allow
        return ()
    return tuple(script_hashes(get_html_template("")))  # type: ignore[no-untyped-call]


def content_security_policy(inline_script_hashes: tuple[str, ...] = ()) -> str:
    """The one policy for the app and the chat."""
    scripts = " ".join(("'self'", "'wasm-unsafe-eval'", *inline_script_hashes))
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "worker-src 'self' blob:",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def strip_third_party_links(html: str) -> str:
    """Chainlit's page without links to fonts and stylesheets on other sites."""
    return _THIRD_PARTY_LINK.sub("", html)


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.production = settings.environment == "production"
        self.secure_cookies = settings.cookies_secure

    def _headers(self, path: str, raw: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        csp = content_security_policy(chainlit_inline_hashes() if path.startswith(CHAT_PREFIX) else ())
        fixed: dict[bytes, bytes] = {
            b"content-security-policy": csp.encode(),
            b"x-frame-options": b"DENY",
            b"x-content-type-options": b"nosniff",
            b"referrer-policy": b"same-origin",
            b"cross-origin-opener-policy": b"same-origin",
            b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
        }
        if self.production:
            fixed[b"strict-transport-security"] = HSTS.encode()
        if not path.startswith(CACHEABLE_PREFIXES):
            fixed[b"cache-control"] = b"no-store"
        out = [(k, v) for k, v in raw if k.lower() not in fixed]
        if self.secure_cookies:
            out = [(k, _secure_cookie(v) if k.lower() == b"set-cookie" else v) for k, v in out]
        return out + list(fixed.items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        rewrite = path.startswith(CHAT_PREFIX) and not path.startswith(CACHEABLE_PREFIXES)
        if rewrite:  # the chat page is rewritten below, so ask Chainlit for it uncompressed
            headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"accept-encoding"]
            scope = dict(scope, headers=headers)
        start: Message | None = None  # the chat page's start, held until its body is complete
        chunks: list[bytes] = []

        async def send_wrapper(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                message["headers"] = self._headers(path, list(message.get("headers") or []))
                if rewrite and _is_html(message["headers"]):
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body"):
                    await _send_rewritten(send, start, b"".join(chunks))
                return
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    plain = not any(k.lower() == b"content-encoding" for k, _ in headers)
    return plain and any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


async def _send_rewritten(send: Send, start: Message, body: bytes) -> None:
    """Send the chat page without third-party links."""
    body = strip_third_party_links(body.decode("utf-8")).encode("utf-8")
    start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
    start["headers"].append((b"content-length", str(len(body)).encode()))
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _secure_cookie(value: bytes) -> bytes:
    return value if b"secure" in value.lower().replace(b" ", b"").split(b";") else value + b"; Secure"
