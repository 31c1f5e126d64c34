"""Admin pages: users and roles, imaging model and knowledge base status, stuck jobs.

Installing weights and ingesting knowledge stay CLI commands (``second-opinion imaging``,
``second-opinion knowledge``); these pages show what is installed and whether it is usable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response

from assistant.components import knowledge_config
from assistant.db.models import User
from assistant.errors import DomainError, ValidationError
from assistant.roles import Role
from assistant.services import jobs, users
from assistant.settings import Settings
from assistant.web.pages import add_routes, context_of, form_str, redirect, render, status_for
from assistant.web.request_pages import open_request_views
from assistant.web.security import require_roles, verify_csrf
from knowledge import catalogue_stats
from knowledge.errors import CatalogueUnreadableError

log = logging.getLogger(__name__)
Admin = Annotated[User, Depends(require_roles(Role.ADMIN))]
router = APIRouter(prefix="/admin")
posts = APIRouter(prefix="/admin", dependencies=[Depends(verify_csrf)])


@dataclass(frozen=True)
class ModelStatus:
    """One registered imaging model and whether its weights are in place."""

    name: str
    card_id: str
    labels: str
    weights_present: bool
    checksum_pinned: bool
    problem: str = ""


@dataclass(frozen=True)
class KnowledgeStatus:
    """The knowledge base's catalogue, as far as it can be read."""

    path: str
    present: bool
    documents: int = 0
    chunks: int = 0
    by_type: tuple[tuple[str, int], ...] = ()
    problem: str = ""


def model_status(weights_dir: Path | None = None) -> list[ModelStatus]:
    """Registered imaging models and whether their weights are present (checksums are verified at load).

    Args:
        weights_dir: Folder of registry entries; the imaging library's own by default.
    """
    try:
        from imaging.registry import WEIGHTS_DIR, available_models, get_model_entry
    except Exception as e:  # an admin page reports a broken install, it does not crash
        return [ModelStatus("imaging library", "", "", False, False, f"cannot load: {type(e).__name__}")]
    folder = weights_dir or WEIGHTS_DIR
    out = []
    for name in available_models(folder):
        try:
            entry = get_model_entry(name, folder)
        except Exception as e:
            out.append(ModelStatus(name, "", "", False, False, str(e)))
            continue
        out.append(
            ModelStatus(
                name,
                entry.card_id,
                ", ".join(entry.labels),
                entry.weights_path.is_file(),
                entry.sha256 is not None,
            )
        )
    return out


def knowledge_status(settings: Settings) -> KnowledgeStatus:
    """Document and chunk counts from the knowledge library's catalogue (read-only, no model loaded)."""
    config = knowledge_config(settings)
    path = str(config.lexical_path)
    try:
        stats = catalogue_stats(config)
    except CatalogueUnreadableError as e:
        return KnowledgeStatus(path, True, problem=f"unreadable: {e.reason}")
    if stats is None:
        return KnowledgeStatus(path, False, problem="Nothing ingested yet: run `second-opinion knowledge`.")
    return KnowledgeStatus(stats.location, True, stats.documents, stats.chunks, stats.by_type)


def _page(request: Request, user: User, error: str = "", status_code: int = 200) -> Response:
    ctx = context_of(request)
    with ctx.db.session() as s:
        people = list(users.list_users(s, user))
        job_counts = jobs.count_by_status(s, user)
        requests = open_request_views(s, user)
    return render(
        request,
        "admin/index.html",
        user,
        {
            "people": people,
            "roles": [r.value for r in Role],
            "jobs": job_counts,
            "error": error,
            "models": model_status(),
            "knowledge": knowledge_status(ctx.settings),
            "requests": requests,
        },
        status_code=status_code,
    )


@router.get("/")
def admin_home(request: Request, user: Admin) -> Response:
    """Users and roles, model and knowledge status, job counts."""
    return _page(request, user)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as e:
        raise ValidationError(f"Unknown role '{value}'.") from e


@posts.post("/users")
async def create_user(request: Request, user: Admin) -> Response:
    """Create a user with a role."""
    form = await request.form()
    try:
        with context_of(request).db.session() as s:
            users.create_user(
                s,
                user,
                form_str(form, "username").strip(),
                form_str(form, "password"),
                _role(form_str(form, "role")),
                form_str(form, "display_name").strip(),
            )
    except DomainError as e:
        return _page(request, user, e.message, status_for(e))
    return redirect("/admin/", "user_created")


@posts.post("/users/{username}/role")
async def change_role(request: Request, user: Admin, username: str) -> Response:
    """Change a user's role."""
    form = await request.form()
    try:
        with context_of(request).db.session() as s:
            users.set_role(s, user, username, _role(form_str(form, "role")))
    except DomainError as e:
        return _page(request, user, e.message, status_for(e))
    return redirect("/admin/", "user_updated")


@posts.post("/users/{username}/active")
async def set_active(request: Request, user: Admin, username: str) -> Response:
    """Deactivate or reactivate an account."""
    form = await request.form()
    try:
        with context_of(request).db.session() as s:
            users.set_active(s, user, username, form_str(form, "active") == "yes")
    except DomainError as e:
        return _page(request, user, e.message, status_for(e))
    return redirect("/admin/", "user_updated")


def register(app: FastAPI) -> None:
    """Add the admin pages to the app."""
    add_routes(app, router, posts)
