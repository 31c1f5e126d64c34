"""The ASGI application factory: login, role home pages, and every sub-application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from assistant.context import AppContext
from assistant.errors import AuthenticationError
from assistant.services import users
from assistant.settings import Settings
from assistant.web.access import route_policies
from assistant.web.headers import SecurityHeaders
from assistant.web.security import (
    SESSION_USER,
    LoginRequired,
    csrf_token,
    home_for,
    optional_user,
    verify_csrf,
)

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["csrf_token"] = csrf_token


def _safe_next(next_url: str) -> str:
    """Only same-site relative redirects after login."""
    return next_url if next_url.startswith("/") and not next_url.startswith("//") else ""


def _add_core_routes(app: FastAPI) -> None:
    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", response_model=None)
    def index(request: Request) -> Response:
        user = optional_user(request)
        return RedirectResponse(home_for(user) if user else "/login", status_code=303)

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "") -> Response:
        return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "error": ""})

    @app.post("/login", response_model=None, dependencies=[Depends(verify_csrf)])
    def login(
        request: Request,
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        next: Annotated[str, Form()] = "",
    ) -> Response:
        ctx: AppContext = request.app.state.context
        try:
            with ctx.db.session() as s:
                user = users.authenticate(s, username.strip(), password)
        except AuthenticationError as e:
            return templates.TemplateResponse(
                request, "login.html", {"next": _safe_next(next), "error": e.message}, status_code=401
            )
        request.session.clear()
        request.session[SESSION_USER] = user.id
        target = _safe_next(next) or home_for(user)
        return RedirectResponse(target, status_code=303)

    @app.post("/logout", response_model=None, dependencies=[Depends(verify_csrf)])
    def logout(request: Request) -> Response:
        request.session.clear()
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie("access_token", path="/")
        return response


def _lifespan(ctx: AppContext, run_jobs: bool) -> Any:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runner = None
        if run_jobs and ctx.settings.jobs.mode == "in_process":
            from assistant.jobs.engine import JobRunner

            runner = JobRunner(ctx)
            runner.start()
            log.info("in-process job runner started")
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
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.security.secret_key,
        session_cookie="so_session",
        max_age=settings.security.session_max_age_s,
        same_site="lax",
        https_only=settings.environment == "production",
    )

    app.add_middleware(SecurityHeaders, settings=settings)  # outermost: every response, the chat's too

    @app.exception_handler(LoginRequired)
    async def _to_login(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _add_core_routes(app)
    for register in _sub_apps(with_chat):
        register(app)
    route_policies(app)  # refuse to start with a route nobody decided the access of
    return app


def _sub_apps(with_chat: bool) -> list:  # type: ignore[type-arg]
    """Each area adds its routes (cockpit, support, admin, uploads, chat)."""
    from assistant.web import areas

    registers = list(areas.REGISTERS)
    if with_chat:
        from assistant.chat.mount import register as register_chat

        registers.append(register_chat)
    return registers
