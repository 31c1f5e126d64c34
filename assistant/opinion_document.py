"""The signed opinion as a document: what was signed, by whom and when, and its PDF.

Only a signed version ever becomes a :class:`SignedOpinion`: :func:`load_signed_opinion`
reads it through :func:`assistant.services.cases.get_signed_opinion`, which refuses
anything unsigned and anyone but the case's patient or a clinician, and audits the read.
The chat delivery and the web exports (PDF, FHIR) both render from this one object, so
the patient's message, the downloaded PDF and the FHIR report carry the same words.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import Case, Draft, Upload, User
from assistant.drafting.stored import SectionText, StoredDraft, StoredEvidence
from assistant.errors import NotFoundError
from assistant.integrity import check_signed
from assistant.services import cases
from assistant.services.draft_view import PassageView, passages_of
from assistant.storage import Storage
from knowledge.sentences import cited_numbers

MAX_IMAGES = 6
_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
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
_DISCLAIMER = (
    "This opinion was prepared with computer assistance and reviewed and signed by the clinician named "
    "above. It is advice for you and your doctors; it does not replace an examination. If you are unwell "
    "now, call your local emergency number."
)


@dataclass(frozen=True)
class SignedOpinion:
    """A signed version of a case's opinion, as the patient receives it."""

    case_id: str
    case_title: str
    patient_id: int
    patient_name: str
    draft_id: str
    version: int
    sections: list[SectionText]
    citations: list[PassageView]
    signer_name: str
    signed_at: dt.datetime
    attestation: str
    content_sha256: str
    amendment_reason: str = ""
    is_amendment: bool = False
    #: Storage keys of the key images (heatmaps, CT key slices, else upload previews).
    image_keys: list[str] = field(default_factory=list)

    @property
    def signed_line(self) -> str:
        """'Signed by Dr X on 03 March 2026 at 14:05 UTC'."""
        when = self.signed_at.astimezone(dt.UTC)
        return f"Signed by {self.signer_name} on {when:%d %B %Y at %H:%M} UTC"


def _key_images(
    session: Session, case_id: str, evidence: StoredEvidence, storage: Storage | None
) -> list[str]:
    """Heatmaps and key images recorded by the drafting job, else the previews shown at upload."""
    if storage is None:
        return []
    keys = evidence.derived_image_keys()
    if not keys:
        uploads = session.scalars(select(Upload).where(Upload.case_id == case_id).order_by(Upload.created_at))
        for upload in uploads:
            keys += [str(k) for k in (upload.summary or {}).get("preview_keys_shown", [])]
    return [k for k in dict.fromkeys(keys) if storage.exists(k)][:MAX_IMAGES]


def cited_passages(sections: list[SectionText], passages: list[PassageView]) -> list[PassageView]:
    """Only the sources the signed text cites: a retrieved passage nobody cites is not listed."""
    cited = {n for s in sections for n in cited_numbers(s.text)}
    return [p for p in passages if p.number in cited]


def source_origin(p: PassageView) -> str:
    """'Publisher. URL', plus what a project summary summarises: where a source comes from."""
    line = ". ".join(filter(None, [p.publisher, p.url]))
    summarised = p.extra.get("summarises")
    return ". ".join(filter(None, [line, f"Summarises: {summarised}" if summarised else ""]))


def source_line(p: PassageView) -> str:
    """'[n] Title. Publisher. URL', plus what a project summary summarises."""
    return ". ".join(filter(None, [f"[{p.number}] {p.title}", source_origin(p)]))


def load_signed_opinion(
    session: Session, actor: User, case_id: str, storage: Storage | None = None
) -> SignedOpinion:
    """The latest signed version of a case for the actor (policy-checked and audited).

    Args:
        session: Open database session.
        actor: The patient who owns the case, or a clinician.
        case_id: The case.
        storage: Where derived images live; without it, key images fall back to upload previews.

    Raises:
        NotFoundError: Nothing is signed yet, or the actor may not see the case.
        PermissionDeniedError: The actor's role may not read opinions.
        SignedContentMismatchError: The signed text or its signature record was changed.
    """
    draft = cases.get_signed_opinion(session, actor, case_id)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError("There is no signed opinion for this case yet.")
    sig = check_signed(session, draft)  # refuses text changed under the database
    signer, patient = session.get(User, sig.signer_id), session.get(User, case.patient_id)
    earlier = session.scalar(
        select(Draft.id)
        .where(Draft.case_id == case_id, Draft.is_signed.is_(True), Draft.version < draft.version)
        .limit(1)
    )
    stored = StoredDraft.of(draft)
    sections = stored.content.filled_sections()
    return SignedOpinion(
        case_id=case.id,
        case_title=case.title,
        patient_id=case.patient_id,
        patient_name=patient.display_name if patient else "",
        draft_id=draft.id,
        version=draft.version,
        sections=sections,
        citations=cited_passages(sections, passages_of(stored.evidence)),
        signer_name=signer.display_name if signer else "the reviewing clinician",
        signed_at=sig.signed_at,
        attestation=sig.attestation,
        content_sha256=sig.content_sha256,
        amendment_reason=stored.content.amendment_reason,
        is_amendment=draft.kind == "amendment" or earlier is not None,
        image_keys=_key_images(session, case_id, stored.evidence, storage),
    )


def latin1(text: str) -> str:
    """Text the PDF core fonts can draw (used when no Unicode font is installed)."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _font(pdf: FPDF) -> tuple[str, bool]:
    """A Unicode font (regular and bold) if one is installed, else the Helvetica core font."""
    for path in _FONT_CANDIDATES:
        if path.is_file():
            bold = path.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("Body", "", str(path))
            pdf.add_font("Body", "B", str(bold if bold.is_file() else path))
            return "Body", True
    return "Helvetica", False


def opinion_pdf(opinion: SignedOpinion) -> bytes:
    """The signed opinion as a PDF: sections, sources, signer, attestation and content hash."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title("Second opinion")
    pdf.add_page()
    family, unicode_ok = _font(pdf)

    def para(text: str, size: float = 10.5, style: str = "", gap: float = 2.0) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, size * 0.5, text if unicode_ok else latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para("Second opinion" + (" (amended)" if opinion.is_amendment else ""), 18, "B", 1)
    para("\n".join(filter(None, [opinion.case_title, f"For: {opinion.patient_name}"])), 11)
    if opinion.amendment_reason:
        para("Reason for the amendment", 13, "B", 0.5)
        para(opinion.amendment_reason)
    for section in opinion.sections:
        para(section.title, 13, "B", 0.5)
        para(section.text)
    if opinion.citations:
        para("Sources", 13, "B", 0.5)
        for p in opinion.citations:
            para(source_line(p), 9, gap=0.5)
    pdf.ln(4)
    para(f"{opinion.signed_line} (version {opinion.version}).", 11, "B", 0.5)
    para(f"Attestation: {opinion.attestation}", 9, gap=0.5)
    para(f"Content fingerprint (SHA-256): {opinion.content_sha256}", 8)
    para(_DISCLAIMER, 8)
    return bytes(pdf.output())


PdfRenderer = Callable[[SignedOpinion], bytes]


def write_pdf(opinion: SignedOpinion, path: Path, render: PdfRenderer = opinion_pdf) -> Path:
    """Render ``opinion`` and write it to ``path`` (parents created), replacing it atomically.

    Rendering takes a noticeable time: call this outside any database session.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = render(opinion)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    Path(tmp).replace(path)
    return path
