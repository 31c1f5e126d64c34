"""The ASGI application factory: login, role home pages, and every sub-application."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from assistant.context import AppContext
from assistant.cookies import SESSION_COOKIE
from assistant.health.checks import WEB_CHECKS
from assistant.health.readiness import Readiness
from assistant.settings import Settings
from assistant.web import areas, login_flow, tls
from assistant.web.access import route_policies
from assistant.web.headers import SecurityHeaders
from assistant.web.pages import templates
from assistant.web.security import (
    PASSWORD_PAGE,
    SESSION_TOKEN,
    LoginRequired,
    PasswordChangeRequired,
    home_for,
    optional_user,
    verify_csrf,
)

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


def _safe_next(next_url: str) -> str:
    """Only same-site relative redirects after login."""
    return next_url if next_url.startswith("/") and not next_url.startswith("//") else ""


def _add_core_routes(app: FastAPI) -> None:
    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers (a balancer's routing decision uses /readyz)."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz(request: Request) -> JSONResponse:
        """Readiness: 200 when every dependency answers, 503 naming the ones that do not."""
        report = request.app.state.readiness.report()
        return JSONResponse(report.public(), status_code=200 if report.ok else 503)

    @app.get("/", response_model=None)
    def index(request: Request) -> Response:
        user = optional_user(request)
        return RedirectResponse(home_for(user) if user else "/login", status_code=303)

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "") -> Response:
        error = tls.PLAIN_HTTP_NOTICE if tls.over_plain_http(request) else ""
        return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "error": error})

    @app.post("/login", response_model=None, dependencies=[Depends(verify_csrf)])
    async def login(
        request: Request,
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        next: Annotated[str, Form()] = "",
    ) -> Response:
        ctx: AppContext = request.app.state.context
        address = request.client.host if request.client else "unknown"
        outcome = await login_flow.log_in(ctx, username.strip(), password, address)
        if outcome.user is None or outcome.token is None:
            return login_flow.refusal(request, templates, _safe_next(next), outcome)
        request.session.clear()
        request.session[SESSION_TOKEN] = outcome.token
        if outcome.user.must_change_password:
            return RedirectResponse(PASSWORD_PAGE, status_code=303)
        target = _safe_next(next) or home_for(outcome.user)
        return RedirectResponse(target, status_code=303)

    @app.post("/logout", response_model=None, dependencies=[Depends(verify_csrf)])
    def logout(request: Request) -> Response:
        login_flow.end_session(request.app.state.context, request.session.get(SESSION_TOKEN), "logout")
        request.session.clear()
        response = RedirectResponse("/login", status_code=303)
        login_flow.delete_chat_cookies(request, response)
        return response


def _warm_triage(ctx: AppContext) -> None:
    """Load triage (and the embedding model) before the first patient message needs it."""
    from assistant.triage import triage_for

    triage_for(ctx)


def _lifespan(ctx: AppContext, run_jobs: bool) -> Any:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runner = None
        if run_jobs and ctx.settings.jobs.mode == "in_process":
            from assistant.jobs.engine import JobRunner

            runner = JobRunner(ctx)
            runner.start()
            log.info("in-process job runner started")
        threading.Thread(target=_warm_triage, args=(ctx,), name="triage-warmup", daemon=True).start()
        yield
        if runner is not None:
            runner.stop()

    return lifespan


def create_app(
    settings: Settings,
    *,
    context: AppContext | None = None,
    with_chat: bool = True,
    run_jobs: bool = True,
) -> FastAPI:
    """Build the whole web application from settings (jobs run in-process unless disabled)."""
    ctx = context or AppContext(settings)
    app = FastAPI(
        title="Second opinion",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_lifespan(ctx, run_jobs),
    )
    app.state.context = ctx
    app.state.readiness = Readiness(ctx, WEB_CHECKS)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.security.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.security.session_max_age_s,
        same_site="lax",
        https_only=settings.cookies_secure,
    )

    app.add_middleware(SecurityHeaders, settings=settings)  # every response, the chat's too
    tls.add_proxy_headers(app, settings)  # outermost: the scheme is known before anything runs

    @app.exception_handler(LoginRequired)
    async def _to_login(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)

    app.add_exception_handler(PasswordChangeRequired, login_flow.to_password_page)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _add_core_routes(app)
    for register in _sub_apps(with_chat):
        register(app)
    route_policies(app)  # refuse to start with a route nobody decided the access of
    return app


def _sub_apps(with_chat: bool) -> list:  # type: ignore[type-arg]
    """Each area adds its routes (cockpit, support, admin, uploads, chat)."""
    registers = list(areas.REGISTERS)
    if with_chat:
        from assistant.chat.mount import register as register_chat

        registers.append(register_chat)
    return registers
