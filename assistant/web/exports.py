"""Export a signed opinion as a PDF and as a FHIR R4 DiagnosticReport.

The FHIR resource is built as plain JSON and validated with ``fhir.resources``' R4B
models (FHIR 4.3.0, the maintained R4-series release whose DiagnosticReport is the R4
structure). Both exports are served to the patient who owns the case and to clinicians,
only for signed versions, loaded by :func:`assistant.opinion_document.load_signed_opinion`
(which checks the access policy and audits the read); the PDF is that module's.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response

from assistant.db.models import User
from assistant.errors import DomainError
from assistant.integrity import alert_on_mismatch
from assistant.opinion_document import SignedOpinion, load_signed_opinion, opinion_pdf, source_line
from assistant.roles import Role
from assistant.services import cases
from assistant.web.pages import add_routes, context_of, http_error
from assistant.web.security import require_roles


def opinion_fhir(opinion: SignedOpinion, pdf: bytes | None = None) -> dict[str, Any]:
    """The signed opinion as a validated FHIR R4 DiagnosticReport (JSON-ready dict)."""
    from fhir.resources.R4B.diagnosticreport import DiagnosticReport

    signed_at = opinion.signed_at
    text = "\n\n".join(f"{s.title}\n{s.text}" for s in opinion.sections)
    if opinion.citations:
        text += "\n\nSources\n" + "\n".join(source_line(p) for p in opinion.citations)
    forms: list[dict[str, Any]] = [_attachment("text/plain; charset=utf-8", text.encode(), signed_at)]
    if pdf is not None:
        forms.append(_attachment("application/pdf", pdf, signed_at))
    texts = {s.key: s.text for s in opinion.sections}
    status = "amended" if opinion.is_amendment else "final"
    resource = {
        "resourceType": "DiagnosticReport",
        "id": opinion.draft_id,
        "identifier": [{"system": "urn:second-opinion:opinion-version", "value": opinion.draft_id}],
        "status": status,
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v2-0074",
                        "code": "OTH",
                        "display": "Other",
                    }
                ],
                "text": "Second opinion",
            }
        ],
        "code": {
            "coding": [{"system": "http://loinc.org", "code": "11488-4", "display": "Consult note"}],
            "text": "Second opinion",
        },
        "subject": {
            "identifier": {"system": "urn:second-opinion:patient", "value": str(opinion.patient_id)},
            "display": opinion.patient_name,
        },
        "issued": signed_at.astimezone(dt.UTC).isoformat(),
        "performer": [{"display": opinion.signer_name}],
        "resultsInterpreter": [{"display": opinion.signer_name}],
        "conclusion": texts.get("agreement") or next(iter(texts.values()), ""),
        "presentedForm": forms,
    }
    report = DiagnosticReport.model_validate(resource)
    validated: dict[str, Any] = json.loads(report.model_dump_json(exclude_none=True))
    return validated


def _attachment(content_type: str, data: bytes, created: dt.datetime) -> dict[str, Any]:
    return {
        "contentType": content_type,
        "language": "en",
        "data": base64.b64encode(data).decode(),
        "size": len(data),
        "hash": base64.b64encode(hashlib.sha1(data).digest()).decode(),  # noqa: S324 - FHIR mandates SHA-1
        "title": "Second opinion",
        "creation": created.astimezone(dt.UTC).isoformat(),
    }


Reader = Annotated[User, Depends(require_roles(Role.PATIENT, Role.CLINICIAN))]
router = APIRouter(prefix="/exports")


def _load(request: Request, user: User, case_id: str, fmt: str) -> SignedOpinion:
    db = context_of(request).db
    try:
        with alert_on_mismatch(db, user.id, fmt), db.session() as s:
            opinion = load_signed_opinion(s, user, case_id)
            cases.record_opinion_export(s, user, case_id, opinion.draft_id, fmt)
            return opinion
    except DomainError as e:
        raise http_error(e) from e


@router.get("/cases/{case_id}/opinion.pdf")
def pdf_export(request: Request, user: Reader, case_id: str) -> Response:
    """The latest signed version as a PDF (the patient's own case, or any case for clinicians)."""
    opinion = _load(request, user, case_id, "pdf")
    name = f"second-opinion-v{opinion.version}.pdf"
    return Response(
        opinion_pdf(opinion),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/cases/{case_id}/opinion.fhir.json")
def fhir_export(request: Request, user: Reader, case_id: str) -> Response:
    """The latest signed version as a FHIR R4 DiagnosticReport with the PDF attached."""
    opinion = _load(request, user, case_id, "fhir")
    body = opinion_fhir(opinion, opinion_pdf(opinion))
    return Response(
        json.dumps(body, indent=2), media_type="application/fhir+json", headers={"Cache-Control": "no-store"}
    )


def register(app: FastAPI) -> None:
    """Add the export routes to the app."""
    add_routes(app, router)
