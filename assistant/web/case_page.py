"""Everything the clinician's case page shows, gathered through the audited services.

:func:`load_case_page` reads the case (``case.view``), its uploads (``upload.list``), the
latest draft (``draft.view``) and each conversation's transcript (``transcript.view``);
each of those reads writes its audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import Draft, Message, Signature, Upload, User
from assistant.diffing import diff_html, edit_ratio
from assistant.drafting.guardrails import red_flag_names
from assistant.drafting.stored import StoredContent, StoredDraft
from assistant.errors import NotFoundError, SignedContentMismatchError
from assistant.integrity import audit_alert, signed_problem
from assistant.lifecycle import OPINION_AVAILABLE, CaseStatus
from assistant.services import cases, drafts, patient_requests, review, transcripts
from assistant.services.draft_view import (
    ImagingView,
    PassageView,
    SectionView,
    Warnings,
    imaging_view,
    passages_of,
    referenced_keys,
    section_views,
    warnings_of,
)
from assistant.web.request_pages import RequestView, case_request_views
from assistant.web.viewer_config import viewer_config

_UNCHANGED = Markup('<span class="note">Unchanged from the AI original.</span>')


@dataclass(frozen=True)
class UploadView:
    """One uploaded file with the keys of its de-identified previews."""

    filename: str
    content_type: str
    size_bytes: int
    status: str
    facts: dict[str, str]
    preview_keys: tuple[str, ...]


@dataclass(frozen=True)
class VersionView:
    """One version of the opinion in the history list."""

    version: int
    kind: str
    author: str
    created_at: dt.datetime
    is_signed: bool
    signer: str = ""
    signed_at: dt.datetime | None = None
    sha256: str = ""
    attestation: str = ""
    reason: str = ""
    problem: str = ""  # why a signed version fails its integrity check ('' when intact)

    @property
    def intact(self) -> bool:
        """Whether the version is unsigned or its signed text still matches its signature."""
        return not self.problem


@dataclass(frozen=True)
class ConversationView:
    """A conversation of the case with its messages."""

    id: str
    messages: Sequence[Message]


@dataclass(frozen=True)
class ReturnAnswerView:
    """A clinician's question on a returned case and the patient's answer."""

    question: str
    answer: str
    created_at: dt.datetime


@dataclass
class CasePage:
    """The case page's data, detached from the session."""

    case_id: str
    title: str
    status: CaseStatus
    urgent: bool
    red_flags: list[str]
    intake: dict[str, Any]
    status_reason: str
    submitted_at: dt.datetime | None
    claimed_by: str
    claimed_by_id: int | None
    claimed_at: dt.datetime | None
    uploads: list[UploadView]
    conversations: list[ConversationView]
    draft_id: str = ""
    draft_version: int = 0
    draft_signed: bool = False
    sections: dict[str, str] = field(default_factory=dict)
    ai_sections: list[SectionView] = field(default_factory=list)
    diffs: dict[str, Markup] = field(default_factory=dict)
    edit_share: float = 0.0
    warnings: Warnings = field(default_factory=Warnings)
    imaging: ImagingView = field(default_factory=ImagingView)
    passages: list[PassageView] = field(default_factory=list)
    versions: list[VersionView] = field(default_factory=list)
    viewer: dict[str, Any] = field(default_factory=dict)
    return_answers: list[ReturnAnswerView] = field(default_factory=list)
    requests: list[RequestView] = field(default_factory=list)

    @property
    def opinion_available(self) -> bool:
        """Whether a signed opinion exists (so it can be amended and exported)."""
        return self.status in OPINION_AVAILABLE

    @property
    def ai_texts(self) -> dict[str, str]:
        """The AI original's text per section (for the live diff)."""
        return {s.key: s.text for s in self.ai_sections}


_FACT_KEYS = ("kind", "modality", "modalities", "body_part", "view", "n_objects", "n_series", "pages")


def _upload_view(upload: Upload) -> UploadView:
    summary = upload.summary or {}
    facts = {k: str(summary[k]) for k in _FACT_KEYS if summary.get(k) not in (None, "", [])}
    keys = referenced_keys(summary) - {upload.storage_key, upload.sha256}
    return UploadView(
        upload.filename, upload.content_type, upload.size_bytes, upload.status, facts, tuple(sorted(keys))
    )


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).tuples().all())


def _versions(session: Session, case_id: str) -> list[VersionView]:
    versions = drafts.draft_versions(session, case_id)
    sigs = {
        s.draft_id: s
        for s in session.scalars(select(Signature).where(Signature.draft_id.in_([d.id for d in versions])))
    }
    names = _names(
        session, {d.author_id for d in versions if d.author_id} | {s.signer_id for s in sigs.values()}
    )
    out = []
    for d in versions:
        sig = sigs.get(d.id)
        out.append(
            VersionView(
                version=d.version,
                kind=d.kind,
                author=names.get(d.author_id or 0, "drafting pipeline"),
                created_at=d.created_at,
                is_signed=d.is_signed,
                signer=names.get(sig.signer_id, "") if sig else "",
                signed_at=sig.signed_at if sig else None,
                sha256=sig.content_sha256 if sig else "",
                attestation=sig.attestation if sig else "",
                reason=StoredContent.read(d.content).amendment_reason,
                problem=signed_problem(session, d) if d.is_signed else "",
            )
        )
    return out


def _fill_draft(session: Session, actor: User, page: CasePage) -> None:
    try:
        latest: Draft = review.get_draft_for_review(session, actor, page.case_id)
    except NotFoundError:
        return
    original = drafts.ai_original(session, page.case_id) or latest
    page.draft_id, page.draft_version, page.draft_signed = latest.id, latest.version, latest.is_signed
    page.sections = StoredContent.read(latest.content).texts_by_key()
    stored = StoredDraft.of(original)
    page.ai_sections = section_views(stored.content)
    ai = page.ai_texts
    page.diffs = {k: diff_html(ai.get(k, ""), v) or _UNCHANGED for k, v in page.sections.items()}
    page.edit_share = edit_ratio(ai, page.sections)
    page.warnings = warnings_of(stored.checks, stored.evidence)
    page.imaging = imaging_view(stored.evidence)
    page.passages = passages_of(stored.evidence)
    page.versions = _versions(session, page.case_id)
    page.viewer = viewer_config(page.case_id, original.evidence)
    for broken in (v for v in page.versions if not v.intact):  # the signed-opinion view: alert and audit
        signed = next(d for d in drafts.draft_versions(session, page.case_id) if d.version == broken.version)
        error = SignedContentMismatchError(page.case_id, signed.id, broken.problem)
        audit_alert(session, actor, error, "case page")


def load_case_page(session: Session, actor: User, case_id: str) -> CasePage:
    """Gather the case page for a clinician (every PHI read is audited)."""
    case = cases.get_case(session, actor, case_id)
    uploads = cases.list_uploads(session, actor, case_id)
    conversations = [
        ConversationView(c.id, transcripts.read_transcript(session, actor, c.id))
        for c in transcripts.conversations_for_case(session, case_id)
    ]
    claimant = session.get(User, case.claimed_by_id) if case.claimed_by_id else None
    page = CasePage(
        case_id=case.id,
        title=case.title,
        status=case.status,
        urgent=case.priority == 0,
        red_flags=red_flag_names([str(f) for f in case.red_flags or []]),
        intake=dict(case.intake or {}),
        status_reason=case.status_reason,
        submitted_at=case.submitted_at,
        claimed_by=claimant.display_name if claimant else "",
        claimed_by_id=case.claimed_by_id,
        claimed_at=case.claimed_at,
        uploads=[_upload_view(u) for u in uploads],
        conversations=conversations,
    )
    _fill_draft(session, actor, page)
    page.return_answers = [ReturnAnswerView(a.question, a.answer, a.created_at)
                           for a in patient_requests.return_answers(session, case.id)]  # fmt: skip
    page.requests = case_request_views(session, actor, case.id)
    return page
