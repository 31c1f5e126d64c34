"""Views of a stored draft for people who review it: sections, warnings, imaging, sources.

Every function reads through the typed read model (:mod:`assistant.drafting.stored`), so
the cockpit, the queue and the metrics show exactly the fields the drafting job writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.drafting.schemas import ImagingFinding, SectionKey, opens_paragraph
from assistant.drafting.stored import (
    StoredChecks,
    StoredContent,
    StoredEvidence,
    StoredImage,
    StoredImageFinding,
)

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class SentenceView:
    """One sentence of the AI draft and whether its citations were supported."""

    text: str
    supported: bool | None = None
    flags: tuple[str, ...] = ()
    held: bool = False  # a model sentence no source supports: shown here, not in the editable text
    opens: bool = False  # starts a paragraph (an answer or an alternative) or, for questions, a line


@dataclass(frozen=True)
class SectionView:
    """One titled section of a draft."""

    key: str
    title: str
    text: str
    sentences: tuple[SentenceView, ...] = ()


@dataclass(frozen=True)
class Warnings:
    """Check results a clinician should see before signing."""

    unsupported: int = 0
    failed_citations: int = 0
    ood_images: int = 0
    guardrail: tuple[str, ...] = ()
    checked: bool = True

    @property
    def total(self) -> int:
        """All warnings together."""
        return self.unsupported + self.failed_citations + self.ood_images + len(self.guardrail)


@dataclass(frozen=True)
class FindingView:
    """One imaging finding with its calibrated probability and the model's threshold."""

    label: str
    probability: float | None
    threshold: float | None
    positive: bool
    model: str
    status: str = "not_assessed"
    reason: str | None = None


@dataclass(frozen=True)
class ImageView:
    """One analysed image: its findings, refusals and derived picture keys."""

    source: str
    view: str
    accepted: bool
    reasons: tuple[str, ...]
    findings: tuple[FindingView, ...]
    heatmaps: dict[str, str]
    preview_key: str | None


@dataclass(frozen=True)
class ImagingView:
    """Everything the imaging step reported, as far as the draft recorded it."""

    modality: str = ""
    images: tuple[ImageView, ...] = ()
    findings: tuple[FindingView, ...] = ()
    ct: tuple[dict[str, Any], ...] = ()
    model_cards: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PassageView:
    """A numbered retrieved passage and where it came from."""

    number: int
    title: str
    publisher: str
    url: str
    text: str
    extra: dict[str, str] = field(default_factory=dict)


def section_views(content: StoredContent) -> list[SectionView]:
    """Titled sections with each sentence marked supported or not, for the review page."""
    return [
        SectionView(
            text.key,
            text.title,
            text.text,
            tuple(
                SentenceView(
                    s.text,
                    s.supported,
                    tuple(s.flags),
                    s.held,
                    section.key is SectionKey.QUESTIONS or opens_paragraph(section.key.value, s.text),
                )
                for s in section.sentences
            ),
        )
        for section, text in zip(content.sections, content.section_texts(), strict=True)
    ]


def warnings_of(checks: StoredChecks, evidence: StoredEvidence) -> Warnings:
    """Count unsupported sentences, failed citations, refused images and guardrail flags."""
    citations = checks.citations
    guardrail = tuple(f"{f.kind}: {f.detail}".strip() for f in checks.flags if f.kind != "citation")
    return Warnings(
        unsupported=citations.n_unsupported if citations else 0,
        failed_citations=citations.n_unresolved_removed if citations else 0,
        ood_images=sum(1 for image in evidence.images() if not image.ood.accepted),
        guardrail=guardrail,
        checked=checks.checked,
    )


def stored_warnings(checks: Mapping[str, Any] | None, evidence: Mapping[str, Any] | None) -> Warnings:
    """:func:`warnings_of` for raw stored columns (queue rows and metrics read many drafts)."""
    return warnings_of(StoredChecks.read(checks), StoredEvidence.read(evidence))


def _image_finding(f: StoredImageFinding) -> FindingView:
    reported = f.status == "reported"
    return FindingView(
        f.label, f.probability, f.threshold, f.positive and reported, f.model, f.status, f.reason
    )


def _summary_finding(f: ImagingFinding) -> FindingView:
    reported = f.status == "reported"
    reason = f.reason or None
    return FindingView(
        f.label, f.probability, f.threshold, f.positive and reported, f.model_card.id, f.status, reason
    )


def _key_or_none(value: str | None) -> str | None:
    return value if value is not None and _SHA256.fullmatch(value) else None


def _image(image: StoredImage) -> ImageView:
    return ImageView(
        source=image.source,
        view=image.view or "",
        accepted=image.ood.accepted,
        reasons=tuple(image.ood.reasons + image.ood.flags),
        findings=tuple(_image_finding(f) for f in image.findings),
        heatmaps={k: v for k, v in image.heatmap_keys.items() if _key_or_none(v)},
        preview_key=_key_or_none(image.preview_key),
    )


def _cards(evidence: StoredEvidence) -> tuple[dict[str, Any], ...]:
    cards: dict[str, dict[str, Any]] = {}
    for upload in evidence.imaging.uploads:
        for card in upload.model_cards:
            cards.setdefault(str(card.get("id", "")), dict(card))
    for ref in evidence.findings.model_cards():
        cards.setdefault(ref.id, ref.model_dump(mode="json"))
    return tuple(cards.values())


def _notes(evidence: StoredEvidence) -> tuple[str, ...]:
    notes: list[str] = []
    for upload in evidence.imaging.uploads:
        if upload.error:
            notes.append(f"{upload.filename}: not analysed: {upload.error}")
        notes += [f"{upload.filename}: skipped {item}" for item in upload.skipped]
        if upload.heatmap_note and upload.heatmap_note not in notes:
            notes.append(upload.heatmap_note)
    return tuple(notes)


def imaging_view(evidence: StoredEvidence) -> ImagingView:
    """Findings, images, CT measurements and model cards recorded on a draft.

    Per-image findings are shown with their images; the summary's flat findings only when
    no image carries any (the summary repeats them).
    """
    images = tuple(_image(i) for i in evidence.images())
    summary = evidence.findings
    flat = () if any(i.findings for i in images) else tuple(_summary_finding(f) for f in summary.findings)
    ct = [s.model_dump(mode="json") for u in evidence.imaging.uploads for s in u.ct_series]
    if not ct and summary.ct is not None:
        ct = [summary.ct.model_dump(mode="json")]
    return ImagingView(summary.modality, images, flat, tuple(ct), _cards(evidence), _notes(evidence))


def passages_of(evidence: StoredEvidence) -> list[PassageView]:
    """The numbered passages the draft records, in number order."""
    out: list[PassageView] = []
    for p in sorted(evidence.passages, key=lambda p: p.number):
        extra = {"date": p.date} if p.date else {}
        if p.is_project_summary and p.references:
            extra["summarises"] = "; ".join(p.references)
        url = p.url if p.url.startswith(("https://", "http://")) else ""
        out.append(PassageView(p.number, p.title, p.publisher, url, p.text, extra))
    return out


def modality_of(
    evidence: Mapping[str, Any] | None, upload_summaries: Iterable[Mapping[str, Any]] = ()
) -> str:
    """A short modality label ("chest X-ray", "CT", ...) from the draft or the uploads."""
    found = StoredEvidence.read(evidence).findings.modality
    if found:
        return found
    modalities: list[str] = []
    for summary in upload_summaries:
        for name in ("modality", "modalities"):
            value = summary.get(name)
            values = value if isinstance(value, list) else [value]
            modalities += [str(v) for v in values if v and str(v) not in modalities]
    return ", ".join(modalities)


def referenced_keys(*blobs: Any) -> set[str]:
    """Every storage key (sha256 hex) that appears anywhere in the given JSON values."""
    keys: set[str] = set()
    stack = list(blobs)
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SHA256.fullmatch(item):
                keys.add(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return keys
