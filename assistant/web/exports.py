"""Export a signed opinion as a PDF (fpdf2) and as a FHIR R4 DiagnosticReport.

The FHIR resource is built as plain JSON and validated with ``fhir.resources``' R4B
models (FHIR 4.3.0, the maintained R4-series release whose DiagnosticReport is the R4
structure). Both exports are served to the patient who owns the case and to clinicians,
only for signed versions, through :func:`assistant.services.cases.get_signed_opinion`
(which checks the access policy and audits the read).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.models import Case, Draft, Signature, User
from assistant.errors import DomainError, NotFoundError
from assistant.opinion import title_of
from assistant.roles import Role
from assistant.services import cases
from assistant.services.draft_view import passages_of, section_texts
from assistant.web.pages import add_routes, context_of, http_error
from assistant.web.security import require_roles

FHIR_STATUSES = frozenset(
    {
        "registered",
        "partial",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "appended",
        "cancelled",
        "entered-in-error",
        "unknown",
    }
)
_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
_LATIN1 = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "≥": ">=",
        "≤": "<=",
        "−": "-",
        "•": "*",
        "→": "->",
        " ": " ",
    }
)


@dataclass(frozen=True)
class SignedOpinion:
    """A signed version with what the exports print about it."""

    case_id: str
    title: str
    patient_id: int
    patient_name: str
    draft: Draft
    signature: Signature
    signer_name: str
    previous_signed: int

    @property
    def sections(self) -> dict[str, str]:
        """The signed text per section."""
        return section_texts(self.draft.content)

    @property
    def is_amendment(self) -> bool:
        """Whether this version amends an earlier signed one."""
        return self.draft.kind == "amendment" or self.previous_signed > 0


def load_signed_opinion(session: Session, actor: User, case_id: str) -> SignedOpinion:
    """The latest signed version of a case for the actor (policy-checked and audited)."""
    draft = cases.get_signed_opinion(session, actor, case_id)
    sig = session.scalar(select(Signature).where(Signature.draft_id == draft.id))
    case = session.get(Case, case_id)
    if sig is None or case is None:
        raise NotFoundError("There is no signed opinion for this case yet.")
    signer, patient = session.get(User, sig.signer_id), session.get(User, case.patient_id)
    previous = session.scalar(
        select(Draft.id)
        .where(Draft.case_id == case_id, Draft.is_signed.is_(True), Draft.version < draft.version)
        .limit(1)
    )
    return SignedOpinion(
        case_id=case.id,
        title=case.title,
        patient_id=case.patient_id,
        patient_name=patient.display_name if patient else "",
        draft=draft,
        signature=sig,
        signer_name=signer.display_name if signer else "",
        previous_signed=1 if previous else 0,
    )


def _font(pdf: FPDF) -> tuple[str, bool]:
    for path in _FONT_CANDIDATES:
        if path.is_file():
            pdf.add_font("DejaVu", "", str(path))
            return "DejaVu", True
    return "Helvetica", False


def latin1(text: str) -> str:
    """Text the PDF core fonts can draw (used when no Unicode font is installed)."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _when(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def opinion_pdf(opinion: SignedOpinion) -> bytes:
    """The signed opinion as a PDF: sections, sources, signer, attestation and content hash."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    family, unicode_ok = _font(pdf)
    fix = (lambda s: s) if unicode_ok else latin1

    def para(text: str, size: float = 10.5, gap: float = 2.0) -> None:
        pdf.set_font(family, size=size)
        pdf.multi_cell(0, size * 0.5, fix(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    title = "Second opinion" + (" (amended)" if opinion.is_amendment else "")
    para(title, size=18, gap=1)
    para(f"{opinion.title}\nFor: {opinion.patient_name}", size=11)
    for key, text in opinion.sections.items():
        para(title_of(key), size=13, gap=0.5)
        para(text)
    reason = str(opinion.draft.content.get("amendment_reason", ""))
    if reason:
        para("Reason for the amendment", size=13, gap=0.5)
        para(reason)
    passages = passages_of(opinion.draft.evidence)
    if passages:
        para("Sources", size=13, gap=0.5)
        for p in passages:
            para(f"[{p.number}] {p.title}. {p.publisher} {p.url}".strip(), size=9, gap=0.5)
    pdf.ln(4)
    sig = opinion.signature
    para(
        f"Signed by {opinion.signer_name} on {_when(sig.signed_at)} (version {opinion.draft.version}).",
        size=10,
        gap=0.5,
    )
    para(f"Attestation: {sig.attestation}", size=9, gap=0.5)
    para(f"Content SHA-256: {sig.content_sha256}", size=8)
    para(
        "This opinion is advice for you and your doctors; it does not replace an examination. "
        "If you are unwell now, call your local emergency number.",
        size=8,
    )
    return bytes(pdf.output())


def opinion_fhir(opinion: SignedOpinion, pdf: bytes | None = None) -> dict[str, Any]:
    """The signed opinion as a validated FHIR R4 DiagnosticReport (JSON-ready dict)."""
    from fhir.resources.R4B.diagnosticreport import DiagnosticReport

    sig = opinion.signature
    text = "\n\n".join(f"{title_of(k)}\n{v}" for k, v in opinion.sections.items())
    forms: list[dict[str, Any]] = [_attachment("text/plain; charset=utf-8", text.encode(), sig.signed_at)]
    if pdf is not None:
        forms.append(_attachment("application/pdf", pdf, sig.signed_at))
    status = "amended" if opinion.is_amendment else "final"
    resource = {
        "resourceType": "DiagnosticReport",
        "id": opinion.draft.id,
        "identifier": [{"system": "urn:second-opinion:opinion-version", "value": opinion.draft.id}],
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
        "issued": sig.signed_at.astimezone(dt.UTC).isoformat(),
        "performer": [{"display": opinion.signer_name}],
        "resultsInterpreter": [{"display": opinion.signer_name}],
        "conclusion": opinion.sections.get("agreement") or next(iter(opinion.sections.values()), ""),
        "presentedForm": forms,
    }
    if status not in FHIR_STATUSES:  # pragma: no cover - guarded by construction
        raise ValueError(status)
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
    try:
        with context_of(request).db.session() as s:
            opinion = load_signed_opinion(s, user, case_id)
            audit.record(
                s,
                user,
                "opinion.export",
                target_type="draft",
                target_id=opinion.draft.id,
                case_id=case_id,
                details={"format": fmt},
            )
            return opinion
    except DomainError as e:
        raise http_error(e) from e


@router.get("/cases/{case_id}/opinion.pdf")
def pdf_export(request: Request, user: Reader, case_id: str) -> Response:
    """The latest signed version as a PDF (the patient's own case, or any case for clinicians)."""
    opinion = _load(request, user, case_id, "pdf")
    name = f"second-opinion-v{opinion.draft.version}.pdf"
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
