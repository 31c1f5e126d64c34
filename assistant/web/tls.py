"""Plain HTTP in front of Secure cookies: detect it and say that TLS is needed.

With secure cookies (production), browsers keep the session and CSRF cookies for HTTPS
only, so over plain HTTP every form fails as "expired". The app notices the scheme of
the request (``X-Forwarded-Proto`` is believed only from ``tls.trusted_proxies``) and
says what is wrong instead: to the person on the page in one sentence, to the operator
in the log with the settings that fix it.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request

from assistant.settings import Settings

log = logging.getLogger(__name__)

PLAIN_HTTP_NOTICE = (
    "This site must be opened over HTTPS: sign-in cannot work over plain HTTP. "
    "Use the https:// address, or ask the operator to enable TLS."
)
OPERATOR_ADVICE = (
    "a request reached the app over plain HTTP while cookies are Secure "
    "(SECOND_OPINION_ENVIRONMENT=production or SECOND_OPINION_TLS__COOKIE_SECURE=true): browsers "
    "drop Secure cookies on HTTP, so logins fail with 'The form expired'. Serve the app over HTTPS: "
    "put a TLS-terminating proxy in front and list its address in SECOND_OPINION_TLS__TRUSTED_PROXIES "
    "(currently %s) so its X-Forwarded-Proto: https is believed."
)


def add_proxy_headers(app: FastAPI, settings: Settings) -> None:
    """Believe ``X-Forwarded-Proto``/``-For`` from the configured proxies only (any ASGI server)."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.tls.trusted_proxies))


def over_plain_http(request: Request) -> bool:
    """True when secure cookies cannot work for this request (HTTP, not HTTPS)."""
    settings: Settings = request.app.state.context.settings
    if settings.cookies_secure and request.url.scheme == "http":
        log.warning(OPERATOR_ADVICE, ", ".join(settings.tls.trusted_proxies) or "none")
        return True
    return False


def serve_warning(settings: Settings) -> str | None:
    """What ``serve`` prints when it will speak plain HTTP but cookies are Secure."""
    if not settings.cookies_secure:
        return None
    return (
        "note: cookies are Secure (production), so browsers must reach this server over HTTPS. "
        "This process speaks plain HTTP: put a TLS-terminating proxy in front of it and list the "
        "proxy's address in SECOND_OPINION_TLS__TRUSTED_PROXIES (now: "
        f"{', '.join(settings.tls.trusted_proxies) or 'none'}). See docs/operations.md."
    )
