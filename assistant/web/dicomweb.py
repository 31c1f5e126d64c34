"""DICOMweb routes for the image viewer, behind the case's access check.

``/cockpit/cases/<id>/dicomweb`` is a QIDO-RS / WADO-RS root (PS3.18) holding only the
case's de-identified studies: study, series and instance searches, study, series and
instance metadata, whole instances and frames. Every route is for clinicians only
(``require_roles``), checks the case policy (``upload.read``) and refuses UIDs that are
not the case's as not found. Opening a study's metadata (what the viewer does once per
study view) and retrieving a whole instance write a ``study.view`` audit event; searches
and frames, which a view fetches by the hundred, are checked but not audited one by one.

``dicomweb.mode`` picks the store: ``local`` answers from our storage, ``orthanc``
forwards the same path to Orthanc's DICOMweb root after the same checks.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import Response

from assistant.context import AppContext
from assistant.db.models import User
from assistant.dicomweb.index import CaseInstances, InstanceRef
from assistant.dicomweb.local import LocalDicomWeb
from assistant.dicomweb.orthanc import OrthancDicomWeb, OrthancError
from assistant.errors import DomainError, ValidationError
from assistant.roles import Role
from assistant.services.case_images import case_instances
from assistant.web.pages import add_routes, context_of, http_error, templates
from assistant.web.security import require_roles
from assistant.web.viewer_config import link_image_statements

log = logging.getLogger(__name__)
Clinician = Annotated[User, Depends(require_roles(Role.CLINICIAN))]
PREFIX = "/cockpit/cases/{case_id}/dicomweb"
router = APIRouter(prefix=PREFIX)
_JSON = "application/dicom+json"
_NO_STORE = {"Cache-Control": "private, max-age=300"}


def _instances(
    request: Request, user: User, case_id: str, study_uid: str = "", audit_view: bool = False
) -> CaseInstances:
    """The case's instances after the policy check; audits a study view when asked."""
    with context_of(request).db.session() as s:
        return case_instances(s, user, case_id, study_uid, audit_view=audit_view)


def _orthanc(request: Request) -> OrthancDicomWeb | None:
    settings = context_of(request).settings.dicomweb
    match settings.mode:
        case "orthanc":
            return OrthancDicomWeb(settings.orthanc_url, settings.timeout_s)
        case _:
            return None


def _local(request: Request) -> LocalDicomWeb:
    return LocalDicomWeb(context_of(request).storage)


def _json(items: list[dict[str, Any]]) -> Response:
    return Response(json.dumps(items), media_type=_JSON, headers=_NO_STORE)


def _multipart(parts: list[bytes], part_type: str) -> Response:
    boundary = uuid.uuid4().hex
    body = (
        b"".join(f"--{boundary}\r\nContent-Type: {part_type}\r\n\r\n".encode() + p + b"\r\n" for p in parts)
        + f"--{boundary}--\r\n".encode()
    )
    media = f'multipart/related; type="{part_type.split(";")[0]}"; boundary={boundary}'
    return Response(body, media_type=media, headers=_NO_STORE)


def _answer(request: Request, case_id: str, accept: str, local: Any) -> Response:
    """Forward to Orthanc in orthanc mode, else compute the local answer."""
    try:
        orthanc = _orthanc(request)
        if orthanc is not None:
            root = PREFIX.format(case_id=case_id)
            path = request.url.path.removeprefix(root)
            body, ctype = orthanc.get(path, accept, root)
            return Response(body, media_type=ctype, headers=_NO_STORE)
        result: Response = local()
        return result
    except OrthancError as e:
        raise HTTPException(502, e.message) from e
    except DomainError as e:
        raise http_error(e) from e


def _checked(
    request: Request, user: User, case_id: str, study: str = "", audit_view: bool = False
) -> CaseInstances:
    try:
        return _instances(request, user, case_id, study, audit_view)
    except DomainError as e:
        raise http_error(e) from e


@router.get("/studies")
def search_studies(request: Request, user: Clinician, case_id: str) -> Response:
    """QIDO-RS: the case's studies."""
    found = _checked(request, user, case_id)
    orthanc = _orthanc(request)
    if orthanc is not None:
        results: list[dict[str, Any]] = []
        for uid in found.study_uids:
            try:
                body, _ = orthanc.get(
                    f"/studies?StudyInstanceUID={uid}", _JSON, PREFIX.format(case_id=case_id)
                )
            except OrthancError as e:
                raise HTTPException(502, e.message) from e
            except DomainError:
                continue
            results.extend(json.loads(body))
        return _json(results)
    return _json(_local(request).search_studies([found.study(u) for u in found.study_uids]))


@router.get("/studies/{study}/series")
def search_series(request: Request, user: Clinician, case_id: str, study: str) -> Response:
    """QIDO-RS: the series of one of the case's studies."""
    found = _checked(request, user, case_id, study)
    return _answer(request, case_id, _JSON, lambda: _json(_local(request).search_series(found.study(study))))


@router.get("/studies/{study}/series/{series}/instances")
def search_instances(request: Request, user: Clinician, case_id: str, study: str, series: str) -> Response:
    """QIDO-RS: the instances of one series."""
    found = _checked(request, user, case_id, study)
    return _answer(
        request, case_id, _JSON, lambda: _json(_local(request).search_instances(found.series(study, series)))
    )


@router.get("/studies/{study}/metadata")
def study_metadata(request: Request, user: Clinician, case_id: str, study: str) -> Response:
    """WADO-RS: metadata of every instance of the study (one audited study view)."""
    found = _checked(request, user, case_id, study, audit_view=True)
    return _answer(request, case_id, _JSON, lambda: _json(_local(request).metadata(found.study(study))))


@router.get("/studies/{study}/series/{series}/metadata")
def series_metadata(request: Request, user: Clinician, case_id: str, study: str, series: str) -> Response:
    """WADO-RS: metadata of every instance of one series (an audited study view)."""
    found = _checked(request, user, case_id, study, audit_view=True)
    return _answer(
        request, case_id, _JSON, lambda: _json(_local(request).metadata(found.series(study, series)))
    )


def _one(found: CaseInstances, study: str, series: str, sop: str) -> InstanceRef:
    try:
        return found.instance(study, series, sop)
    except DomainError as e:
        raise http_error(e) from e


@router.get("/studies/{study}/series/{series}/instances/{sop}/metadata")
def instance_metadata(
    request: Request, user: Clinician, case_id: str, study: str, series: str, sop: str
) -> Response:
    """WADO-RS: metadata of one instance."""
    found = _checked(request, user, case_id, study)
    ref = _one(found, study, series, sop)
    return _answer(request, case_id, _JSON, lambda: _json(_local(request).metadata([ref])))


@router.get("/studies/{study}/series/{series}/instances/{sop}")
def instance(request: Request, user: Clinician, case_id: str, study: str, series: str, sop: str) -> Response:
    """WADO-RS: the whole de-identified instance as multipart/related application/dicom (audited)."""
    found = _checked(request, user, case_id, study, audit_view=True)
    ref = _one(found, study, series, sop)
    accept = 'multipart/related; type="application/dicom"'
    return _answer(
        request,
        case_id,
        accept,
        lambda: _multipart([_local(request).instance_bytes(ref)], "application/dicom"),
    )


def _frame_numbers(frames: str) -> list[int]:
    try:
        numbers = [int(f) for f in frames.split(",")]
    except ValueError as e:
        raise http_error(ValidationError("Frames are numbers separated by commas.")) from e
    if not numbers or len(numbers) > 512:
        raise http_error(ValidationError("Ask for between 1 and 512 frames."))
    return numbers


@router.get("/studies/{study}/series/{series}/instances/{sop}/frames/{frames}")
def frames(
    request: Request, user: Clinician, case_id: str, study: str, series: str, sop: str, frames: str
) -> Response:
    """WADO-RS: frames, uncompressed (Explicit VR Little Endian), as multipart/related."""
    numbers = _frame_numbers(frames)
    found = _checked(request, user, case_id, study)
    ref = _one(found, study, series, sop)
    part = "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"
    accept = 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1'
    return _answer(request, case_id, accept, lambda: _multipart(_local(request).frames(ref, numbers), part))


def warm_metadata(ctx: AppContext, case_id: str) -> None:
    """Read the case's DICOM headers into the metadata cache in the background (local mode).

    Called when the case page is served, so that the viewer's metadata request, made once
    its scripts have started, finds the headers parsed. Nothing leaves the server here,
    so nothing is audited; the request that returns the metadata is.
    """
    if ctx.settings.dicomweb.mode != "local":
        return

    def work() -> None:
        try:
            with ctx.db.session() as s:
                refs = CaseInstances.load(s, case_id).refs
            LocalDicomWeb(ctx.storage).metadata(refs)
        except Exception:  # a cache warm-up must never fail the page
            log.warning("warming the DICOM metadata of a case failed", exc_info=True)

    threading.Thread(target=work, name="dicom-metadata-warm", daemon=True).start()


def register(app: FastAPI) -> None:
    """Add the DICOMweb routes to the app, and the draft's links to the viewer."""
    templates.env.filters["image_links"] = link_image_statements
    add_routes(app, router)
