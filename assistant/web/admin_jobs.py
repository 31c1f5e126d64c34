"""Admin page for drafting jobs: failed and retrying jobs with their errors, and a retry button.

A job that exhausts its attempts parks its case in ``draft_failed``; this page (and
``second-opinion jobs list/retry``) is where an administrator sees why and restarts it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response

from assistant.db.models import User
from assistant.errors import DomainError
from assistant.jobs.dispatch import dispatch_after_commit
from assistant.roles import Role
from assistant.services import jobs
from assistant.web.pages import add_routes, context_of, redirect, render, status_for
from assistant.web.security import require_roles, verify_csrf

Admin = Annotated[User, Depends(require_roles(Role.ADMIN))]
router = APIRouter(prefix="/admin/jobs")
posts = APIRouter(prefix="/admin/jobs", dependencies=[Depends(verify_csrf)])
SHOWN = ("failed", "retrying", "running", "queued")


def _page(request: Request, user: Admin, show: str, error: str = "", status_code: int = 200) -> Response:
    wanted = [show] if show in SHOWN else ["failed", "retrying"]
    with context_of(request).db.session() as s:
        rows = jobs.list_jobs(s, user, wanted)
    return render(
        request,
        "admin/jobs.html",
        user,
        {"rows": rows, "show": show if show in SHOWN else "", "choices": SHOWN, "error": error},
        status_code=status_code,
    )


@router.get("/")
def jobs_page(request: Request, user: Admin, show: str = "") -> Response:
    """Failed and retrying jobs (or one status), newest first, with the last error."""
    return _page(request, user, show)


@posts.post("/{job_id}/retry")
def retry_job(request: Request, user: Admin, job_id: str) -> Response:
    """Put a failed job back in the queue; its case returns to 'submitted'."""
    try:
        ctx = context_of(request)
        with ctx.db.session() as s:
            dispatch_after_commit(ctx, s, jobs.retry_failed(s, user, job_id))
    except DomainError as e:
        return _page(request, user, "", e.message, status_for(e))
    return redirect("/admin/jobs/", "job_retried")


def register(app: FastAPI) -> None:
    """Add the jobs pages to the app."""
    add_routes(app, router, posts)
