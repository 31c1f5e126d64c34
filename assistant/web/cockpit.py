"""The clinician cockpit: the review queue and the case page with claim, edit, sign, return,
decline and amend.

Every route depends on :func:`require_roles` (clinicians only) and every post on
:func:`verify_csrf`; the work itself is done by :mod:`assistant.services.review`, which
checks the access policy, the claim and the case state and writes the audit events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from assistant.db.models import User
from assistant.errors import DomainError, ValidationError
from assistant.roles import Role
from assistant.services import review, transcripts
from assistant.services.case_images import open_case_image
from assistant.services.queue_view import QueueFilters, QueueState, queue_page
from assistant.storage import read_bytes
from assistant.web.alerts import alert_panel
from assistant.web.case_page import load_case_page
from assistant.web.dicomweb import warm_metadata
from assistant.web.pages import (
    add_routes,
    context_of,
    form_str,
    http_error,
    install_error_pages,
    redirect,
    render,
    status_for,
)
from assistant.web.request_pages import open_request_views
from assistant.web.security import require_roles, verify_csrf

Clinician = Annotated[User, Depends(require_roles(Role.CLINICIAN))]
router = APIRouter(prefix="/cockpit")
posts = APIRouter(prefix="/cockpit", dependencies=[Depends(verify_csrf)])
_STATES: tuple[QueueState, ...] = ("open", "waiting", "in_review", "mine")
_PNG, _JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"


@router.get("/")
def queue(
    request: Request,
    user: Clinician,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    state: str = "open",
    urgent: bool = False,
    q: Annotated[str, Query(max_length=200)] = "",
    modality: Annotated[str, Query(max_length=40)] = "",
    warnings: bool = False,
) -> Response:
    """The review queue: urgent first, then oldest, with filters and pages."""
    filters = QueueFilters(
        state=state if state in _STATES else "open",  # type: ignore[arg-type]
        urgent_only=urgent,
        text=q,
        modality=modality,
        warnings_only=warnings,
    )
    with context_of(request).db.session() as s:
        result = queue_page(s, user, filters, page=page)
        requests = open_request_views(s, user)
    panel = alert_panel(request, user)
    return render(
        request,
        "cockpit/queue.html",
        user,
        {"result": result, "filters": filters, "requests": requests, **panel},
    )


def _case_response(request: Request, user: User, case_id: str, error: DomainError | None = None) -> Response:
    try:
        with context_of(request).db.session() as s:
            page = load_case_page(s, user, case_id)
    except DomainError as e:
        raise http_error(e) from e
    if page.viewer.get("series"):
        warm_metadata(context_of(request), case_id)  # the viewer asks for it once its scripts start
    return render(
        request,
        "cockpit/case.html",
        user,
        {"page": page, "error": error.message if error else "", "attestation": review.DEFAULT_ATTESTATION},
        status_code=status_for(error) if error else 200,
    )


@router.get("/cases/{case_id}")
def case_page(request: Request, user: Clinician, case_id: str) -> Response:
    """The case: intake, transcript, images, findings, evidence, the draft and its actions."""
    return _case_response(request, user, case_id)


def _act(request: Request, user: User, case_id: str, done: str, work: Callable[[Session], Any]) -> Response:
    """Run one action in a transaction; on a domain error show the case page with the reason."""
    try:
        with context_of(request).db.session() as s:
            work(s)
    except DomainError as e:
        return _case_response(request, user, case_id, e)
    return redirect(f"/cockpit/cases/{case_id}", done)


def _sections(form: Any) -> dict[str, str]:
    return {k.removeprefix("section__"): form_str(form, k) for k in form if k.startswith("section__")}


@posts.post("/cases/{case_id}/claim")
def claim(request: Request, user: Clinician, case_id: str) -> Response:
    """Claim the case (exclusive; a second clinician gets a conflict)."""
    return _act(request, user, case_id, "claimed", lambda s: review.claim_case(s, user, case_id))


@posts.post("/cases/{case_id}/release")
def release(request: Request, user: Clinician, case_id: str) -> Response:
    """Give the case back to the queue."""
    return _act(request, user, case_id, "released", lambda s: review.release_case(s, user, case_id))


@posts.post("/cases/{case_id}/edit")
async def edit(request: Request, user: Clinician, case_id: str) -> Response:
    """Save the sectioned editor as a new version."""
    form = await request.form()
    base, sections = form_str(form, "base_draft_id"), _sections(form)
    return _act(
        request,
        user,
        case_id,
        "saved",
        lambda s: review.save_changed_sections(s, user, case_id, base, sections),
    )


@posts.post("/cases/{case_id}/sign")
async def sign(request: Request, user: Clinician, case_id: str) -> Response:
    """Save any edits, then sign with the attestation and the re-entered password."""
    form = await request.form()
    base, sections = form_str(form, "base_draft_id"), _sections(form)
    password, attest = form_str(form, "password"), form_str(form, "attest")

    def work(s: Session) -> None:
        if attest != "yes":
            raise ValidationError("Tick the attestation to sign; nothing was signed.")
        draft_id = review.save_changed_sections(s, user, case_id, base, sections)
        review.sign_draft(s, user, case_id, draft_id, password, review.DEFAULT_ATTESTATION)

    return _act(request, user, case_id, "signed", work)


@posts.post("/cases/{case_id}/return")
async def return_to_patient(request: Request, user: Clinician, case_id: str) -> Response:
    """Return the case to the patient with a question."""
    question = form_str(await request.form(), "question")
    # The chat shows the question (the case's status reason) and reopens the intake.
    return _act(request, user, case_id, "returned", lambda s: review.return_case(s, user, case_id, question))


@posts.post("/cases/{case_id}/decline")
async def decline(request: Request, user: Clinician, case_id: str) -> Response:
    """Decline to give an opinion, with the reason the patient will see."""
    reason = form_str(await request.form(), "reason")
    # The chat tells the patient the reason (the case's status reason).
    return _act(request, user, case_id, "declined", lambda s: review.decline_case(s, user, case_id, reason))


@posts.post("/cases/{case_id}/amend")
async def amend(request: Request, user: Clinician, case_id: str) -> Response:
    """Sign an amendment: a new version; the earlier signed version is kept."""
    form = await request.form()
    sections, reason = _sections(form), form_str(form, "reason")
    password, attest = form_str(form, "password"), form_str(form, "attest")

    def work(s: Session) -> None:
        if attest != "yes":
            raise ValidationError("Tick the attestation to sign the amendment; nothing was signed.")
        review.amend_opinion(s, user, case_id, sections, reason, password, review.DEFAULT_ATTESTATION)
        notice = f"Your opinion was amended: {reason.strip()}"
        transcripts.post_notice(s, user, case_id, notice, "opinion.amended")

    return _act(request, user, case_id, "amended", work)


@router.get("/cases/{case_id}/images/{key}")
def image(request: Request, user: Clinician, case_id: str, key: str) -> Response:
    """A de-identified preview or heatmap of this case, after the case access check."""
    ctx = context_of(request)
    try:
        with ctx.db.session() as s:
            key = open_case_image(s, user, case_id, key)
        data = read_bytes(ctx.storage, key)  # previews and heatmaps are small PNGs
    except DomainError as e:
        raise http_error(e) from e
    head = data[:8]
    media = "image/png" if head.startswith(_PNG) else "image/jpeg" if head.startswith(_JPEG) else ""
    if not media:
        raise HTTPException(404, "Image not found.")
    return Response(data, media_type=media, headers={"Cache-Control": "private, max-age=300"})


def register(app: FastAPI) -> None:
    """Add the cockpit's routes to the app, and error pages for the staff areas."""
    add_routes(app, router, posts)
    install_error_pages(app)
