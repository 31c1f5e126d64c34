"""Read a stored draft's content, checks and evidence defensively, for people to review.

Drafts are stored as JSON whose shape grows with the drafting pipeline: sections may be a
mapping ``{key: text}`` or a list of sections with checked sentences
(:class:`assistant.drafting.schemas.DraftSection`); evidence may carry passages, imaging
findings with model cards, heatmap and preview storage keys and CT measurements. These
pure functions turn whatever is present into plain, typed views and ignore what they do
not recognise, so an older or partial draft still renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant import opinion
from knowledge.sentences import split_sentences

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class SentenceView:
    """One sentence of the AI draft and whether its citations were supported."""

    text: str
    supported: bool | None = None
    flags: tuple[str, ...] = ()


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


def texts_by_key(content: Mapping[str, Any]) -> dict[str, str]:
    """Each section's text by key, in reading order: :func:`assistant.opinion.section_texts` as a mapping."""
    return {s.key: s.text for s in opinion.section_texts(content)}


def _unsupported_texts(checks: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for name in ("unsupported", "unsupported_sentences"):
        for item in checks.get(name) or []:
            text = item.get("text") if isinstance(item, Mapping) else item
            if isinstance(text, str):
                found.add(text.strip())
    return found


def _sentence(raw: Any, unsupported: set[str]) -> SentenceView:
    if isinstance(raw, Mapping):
        text = str(raw.get("text", ""))
        supported = raw.get("supported")
        flags = tuple(str(f) for f in raw.get("flags") or [])
        if text.strip() in unsupported:
            supported = False
        return SentenceView(text, supported if isinstance(supported, bool) else None, flags)
    text = str(raw)
    return SentenceView(text, False if text.strip() in unsupported else None)


def section_views(content: Mapping[str, Any], checks: Mapping[str, Any] | None = None) -> list[SectionView]:
    """Titled sections with sentences marked supported or not, for the review page."""
    unsupported = _unsupported_texts(checks or {})
    raw = content.get("sections", {})
    by_key: dict[str, list[Any]] = {}
    if isinstance(raw, list):
        for section in raw:
            if isinstance(section, Mapping) and "key" in section:
                by_key[str(section["key"])] = list(section.get("sentences") or [])
    views: list[SectionView] = []
    for section in opinion.section_texts(content):
        sentences = by_key.get(section.key) or split_sentences(section.text)
        marked = tuple(_sentence(s, unsupported) for s in sentences)
        views.append(SectionView(section.key, section.title, section.text, marked))
    return views


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _as_int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _upload_blocks(evidence: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Per-upload imaging records, or the single study-level record of older drafts."""
    blocks: list[Mapping[str, Any]] = []
    for name in ("imaging", "study"):
        block = evidence.get(name)
        if isinstance(block, Mapping):
            uploads = block.get("uploads")
            if isinstance(uploads, list):
                blocks += [u for u in uploads if isinstance(u, Mapping)]
            else:
                blocks.append(block)
    return blocks


def _image_entries(evidence: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for block in _upload_blocks(evidence):
        for image in block.get("images") or []:
            if isinstance(image, Mapping):
                yield image
    for image in evidence.get("images") or []:
        if isinstance(image, Mapping):
            yield image


def warnings_of(checks: Mapping[str, Any] | None, evidence: Mapping[str, Any] | None) -> Warnings:
    """Count unsupported sentences, failed citations, refused images and guardrail flags."""
    checks, evidence = checks or {}, evidence or {}
    citations = _mapping(checks.get("citations"))
    unsupported = _as_int(citations.get("n_unsupported")) or _as_int(checks.get("n_unsupported"))
    unsupported = unsupported or len(_unsupported_texts(checks))
    failed = _as_int(citations.get("n_unresolved_removed")) + _as_int(checks.get("failed_citations"))
    ood = sum(
        1
        for image in _image_entries(evidence)
        if isinstance(image.get("ood"), Mapping) and image["ood"].get("accepted") is False
    )
    guardrail = tuple(
        f"{f.get('kind', 'flag')}: {f.get('detail', '')}".strip()
        for f in checks.get("flags") or []
        if isinstance(f, Mapping) and f.get("kind") != "citation"
    )
    return Warnings(unsupported, failed, ood, guardrail, checked=bool(checks))


def _finding(raw: Mapping[str, Any]) -> FindingView:
    prob, thr = raw.get("probability"), raw.get("threshold")
    card = raw.get("model_card")
    model = str(card.get("id", "")) if isinstance(card, Mapping) else str(raw.get("model", ""))
    return FindingView(
        label=str(raw.get("label", "")),
        probability=float(prob) if isinstance(prob, int | float) else None,
        threshold=float(thr) if isinstance(thr, int | float) else None,
        positive=bool(raw.get("positive", False)) and raw.get("status") == "reported",
        model=model,
        status="reported" if raw.get("status") == "reported" else "not_assessed",
        reason=str(raw["reason"]) if raw.get("reason") else None,
    )


def _key_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and _SHA256.fullmatch(value) else None


def _image(raw: Mapping[str, Any]) -> ImageView:
    ood = _mapping(raw.get("ood"))
    heatmaps = raw.get("heatmap_keys") or raw.get("heatmaps") or {}
    return ImageView(
        source=str(raw.get("source", "")),
        view=str(raw.get("view") or ""),
        accepted=ood.get("accepted", True) is not False,
        reasons=tuple(str(r) for r in (ood.get("reasons") or []) + (ood.get("flags") or [])),
        findings=tuple(_finding(f) for f in raw.get("findings") or [] if isinstance(f, Mapping)),
        heatmaps={str(k): v for k, v in heatmaps.items() if _key_or_none(v)}
        if isinstance(heatmaps, Mapping)
        else {},
        preview_key=_key_or_none(raw.get("preview_key")) or _key_or_none(raw.get("preview")),
    )


def _summary_block(evidence: Mapping[str, Any]) -> Mapping[str, Any]:
    """The composer's findings summary (modality, flat findings, CT) if recorded."""
    for name in ("findings", "imaging", "study"):
        block = evidence.get(name)
        if isinstance(block, Mapping) and ("modality" in block or "findings" in block or "ct" in block):
            return block
    return {}


def _cards(blocks: Iterable[Mapping[str, Any]], summary: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    cards: dict[str, dict[str, Any]] = {}
    for block in blocks:
        for card in block.get("model_cards") or []:
            if isinstance(card, Mapping):
                cards.setdefault(str(card.get("id", "")), dict(card))
    for finding in summary.get("findings") or []:
        card = finding.get("model_card") if isinstance(finding, Mapping) else None
        if isinstance(card, Mapping):
            cards.setdefault(str(card.get("id", "")), dict(card))
    ct = summary.get("ct")
    if isinstance(ct, Mapping) and isinstance(ct.get("model_card"), Mapping):
        cards.setdefault(str(ct["model_card"].get("id", "")), dict(ct["model_card"]))
    return tuple(cards.values())


def _notes(blocks: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    notes: list[str] = []
    for block in blocks:
        name = str(block.get("filename") or "")
        if block.get("error"):
            notes.append(f"{name}: not analysed: {block['error']}".strip(": "))
        notes += [f"{name}: skipped {item}".strip(": ") for item in block.get("skipped") or []]
        note = block.get("heatmap_note")
        if note and str(note) not in notes:
            notes.append(str(note))
    return tuple(notes)


def imaging_view(evidence: Mapping[str, Any] | None) -> ImagingView:
    """Findings, images, CT measurements and model cards recorded on a draft."""
    evidence = evidence or {}
    blocks = _upload_blocks(evidence)
    summary = _summary_block(evidence)
    images = tuple(_image(i) for i in _image_entries(evidence))
    per_image = any(i.findings for i in images)
    flat = (
        ()
        if per_image
        else tuple(_finding(f) for f in summary.get("findings") or [] if isinstance(f, Mapping))
    )
    ct = [dict(c) for b in blocks for c in b.get("ct_series") or [] if isinstance(c, Mapping)]
    if not ct and isinstance(summary.get("ct"), Mapping):
        ct = [dict(summary["ct"])]
    return ImagingView(
        modality=str(summary.get("modality") or evidence.get("modality") or ""),
        images=images,
        findings=flat,
        ct=tuple(ct),
        model_cards=_cards(blocks, summary),
        notes=_notes(blocks),
    )


def passages_of(evidence: Mapping[str, Any] | None) -> list[PassageView]:
    """The numbered passages the draft cites, in number order."""
    out: list[PassageView] = []
    for raw in (evidence or {}).get("passages") or []:
        if not isinstance(raw, Mapping):
            continue
        number = raw.get("number")
        extra = {k: str(raw[k]) for k in ("doi", "date", "source", "section") if raw.get(k)}
        refs = raw.get("references")
        if raw.get("is_project_summary") is True and isinstance(refs, list) and refs:
            extra["summarises"] = "; ".join(str(r) for r in refs)
        url = str(raw.get("url") or "")
        if not url.startswith(("https://", "http://")):
            url = f"https://doi.org/{extra['doi']}" if "doi" in extra else ""
        out.append(
            PassageView(
                number=number if isinstance(number, int) else len(out) + 1,
                title=str(raw.get("title", "")),
                publisher=str(raw.get("publisher", "")),
                url=url,
                text=str(raw.get("text", "")),
                extra=extra,
            )
        )
    return sorted(out, key=lambda p: p.number)


def modality_of(
    evidence: Mapping[str, Any] | None, upload_summaries: Iterable[Mapping[str, Any]] = ()
) -> str:
    """A short modality label ("chest X-ray", "CT", ...) from the draft or the uploads."""
    found = imaging_view(evidence).modality
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
