"""Delivery of the signed opinion: chat text, citations, key images, a PDF, follow-up answers.

Only a signed version ever reaches this module: :func:`load_signed_opinion` reads it
through :func:`assistant.services.cases.get_signed_opinion`, which refuses anything
unsigned and anyone but the case's patient (or a clinician). Two content shapes are
understood, both read through :mod:`assistant.opinion`: the drafting pipeline's
``{"sections": [{"key", "title", "sentences"}]}`` and the simple ``{"sections": {key: text}}``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import Signature, Upload, User
from assistant.opinion import filled_sections
from assistant.services import cases
from assistant.storage import Storage

FOLLOW_UP_REMINDER = (
    "This answer repeats what your signed opinion says. For anything about your own treatment, "
    "please talk to your doctor, or ask for a follow-up with a clinician."
)
_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "should",
        "so",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    }
)


@dataclass(frozen=True)
class Citation:
    """A numbered source the opinion cites."""

    number: int
    title: str
    publisher: str = ""
    url: str = ""
    text: str = ""

    def line(self) -> str:
        """One line: [n] title. publisher. url"""
        parts = [p for p in (self.title, self.publisher, self.url) if p]
        return f"[{self.number}] " + ". ".join(parts)


@dataclass(frozen=True)
class SignedOpinion:
    """The signed opinion as the patient receives it."""

    case_id: str
    draft_id: str
    version: int
    sections: list[tuple[str, str]]
    citations: list[Citation]
    signer_name: str
    signed_at: dt.datetime
    content_sha256: str
    amendment_reason: str = ""
    images: list[Path] = field(default_factory=list)

    @property
    def signed_line(self) -> str:
        """'Signed by Dr X on 3 March 2026 at 14:05 UTC'."""
        when = self.signed_at.astimezone(dt.UTC)
        return f"Signed by {self.signer_name} on {when:%d %B %Y at %H:%M} UTC"


def sections_of(content: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, text) pairs of a signed draft's content, in order, empty sections dropped."""
    return [(s.title, s.text) for s in filled_sections(content)]


def citations_of(evidence: dict[str, Any]) -> list[Citation]:
    """The numbered passages recorded with the draft."""
    out = []
    for p in evidence.get("passages") or []:
        if isinstance(p, dict) and p.get("number"):
            out.append(Citation(int(p["number"]), str(p.get("title", "")), str(p.get("publisher") or ""),
                                str(p.get("url") or ""), str(p.get("text", ""))))  # fmt: skip
    return sorted(out, key=lambda c: c.number)


def evidence_image_keys(evidence: dict[str, Any]) -> list[str]:
    """Storage keys of the heatmaps and CT key images the drafting job recorded."""
    keys: list[str] = []
    for block in (evidence.get("imaging") or {}).get("uploads") or []:
        for image in block.get("images") or []:
            keys += [str(k) for k in (image.get("heatmap_keys") or {}).values()]
        for series in block.get("ct_series") or []:
            keys += [str(k) for k in series.get("key_image_keys") or []]
    return keys


def _key_images(
    session: Session, case_id: str, evidence: dict[str, Any], storage: Storage | None
) -> list[Path]:
    """Heatmaps and key images recorded by the drafting job, else the previews shown at upload."""
    paths = [storage.path(k) for k in evidence_image_keys(evidence) if storage.exists(k)] if storage else []
    if not paths:
        uploads = session.scalars(select(Upload).where(Upload.case_id == case_id).order_by(Upload.created_at))
        for upload in uploads:
            paths += [Path(p) for p in (upload.summary or {}).get("previews_shown", [])]
    return [p for p in paths if p.is_file()][:6]


def load_signed_opinion(
    session: Session, actor: User, case_id: str, storage: Storage | None = None
) -> SignedOpinion:
    """The latest signed version for the patient (raises NotFoundError before signing)."""
    draft = cases.get_signed_opinion(session, actor, case_id)
    sig = session.scalar(select(Signature).where(Signature.draft_id == draft.id))
    signer = sig.signer.display_name if sig is not None else "the reviewing clinician"
    return SignedOpinion(
        case_id=case_id,
        draft_id=draft.id,
        version=draft.version,
        sections=sections_of(draft.content),
        citations=citations_of(draft.evidence or {}),
        signer_name=signer,
        signed_at=sig.signed_at if sig is not None else draft.created_at,
        content_sha256=draft.content_sha256,
        amendment_reason=str(draft.content.get("amendment_reason", "")),
        images=_key_images(session, case_id, draft.evidence or {}, storage),
    )


def opinion_markdown(op: SignedOpinion) -> str:
    """The chat message: every section, sources by number, and the signature line."""
    lines = ["## Your signed second opinion", ""]
    if op.amendment_reason:
        lines += [f"*This is an amended version. Reason: {op.amendment_reason}*", ""]
    for title, text in op.sections:
        lines += [f"### {title}", "", text, ""]
    if op.citations:
        lines += ["Sources: " + ", ".join(f"[{c.number}] {c.title}" for c in op.citations), ""]
    lines += [f"**{op.signed_line}.**", f"Version {op.version} · fingerprint {op.content_sha256[:12]}"]
    return "\n".join(lines)


def _font(pdf: FPDF) -> str:
    for path in _FONT_CANDIDATES:
        if path.is_file():
            pdf.add_font("Body", "", str(path))
            bold = path.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("Body", "B", str(bold if bold.is_file() else path))
            return "Body"
    return "Helvetica"


def _safe(text: str, font: str) -> str:
    if font != "Helvetica":
        return text
    swaps = {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "·": "-"}
    text = "".join(swaps.get(ch, ch) for ch in text)
    return text.encode("latin-1", "replace").decode("latin-1")


def write_pdf(op: SignedOpinion, path: Path) -> Path:
    """The opinion as a PDF document (fpdf2) with sources and the signature block."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title("Second opinion")
    pdf.add_page()
    font = _font(pdf)

    def para(text: str, size: float = 10.5, style: str = "", gap: float = 2) -> None:
        pdf.set_font(font, style, size)
        pdf.multi_cell(0, size * 0.5, _safe(text, font), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para("Second opinion", 18, "B", 4)
    if op.amendment_reason:
        para(f"Amended version. Reason: {op.amendment_reason}")
    for title, text in op.sections:
        para(title, 13, "B", 1)
        para(text)
    if op.citations:
        para("Sources", 13, "B", 1)
        for c in op.citations:
            para(c.line(), 9, "", 1)
    pdf.ln(4)
    para(op.signed_line + ".", 11, "B", 1)
    para(f"Version {op.version}. Content fingerprint (SHA-256): {op.content_sha256}", 8)
    para("This opinion was prepared with computer assistance and reviewed and signed by the clinician "
         "named above. It does not replace your own doctor.", 8)  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _terms(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


def answer_follow_up(op: SignedOpinion, question: str, max_sentences: int = 3) -> str | None:
    """Answer a follow-up question only with sentences of the signed text (None if nothing fits)."""
    wanted = _terms(question)
    if not wanted:
        return None
    scored: list[tuple[int, int, str, str]] = []
    order = 0
    for title, text in op.sections:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            overlap = len(wanted & _terms(sentence))
            if overlap:
                scored.append((overlap, -order, title, sentence.strip()))
            order += 1
    if not scored:
        return None
    best = sorted(scored, reverse=True)[:max_sentences]
    best.sort(key=lambda item: -item[1])
    quoted = "\n".join(f"> {sentence} *({title})*" for _, _, title, sentence in best)
    return f"Here is what your signed opinion says about that:\n\n{quoted}\n\n{FOLLOW_UP_REMINDER}"
