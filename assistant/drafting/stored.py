"""The typed read model of a stored draft: ``drafts.content``, ``drafts.checks``, ``drafts.evidence``.

The drafting job writes these three JSON columns from typed models
(:meth:`assistant.drafting.schemas.DraftContent.storage_fields` for content, checks and
prompts; :func:`assistant.drafting.sources.group_hits` for passage provenance;
:func:`assistant.jobs.imaging_step.analyse_uploads` for per-upload imaging evidence;
:class:`assistant.drafting.schemas.ImagingFindings` for the findings summary). Clinician
edits and amendments copy them and rewrite sections (:func:`assistant.opinion.apply_edits`)
or add ``amendment_reason``. Every reader (cockpit, chat delivery, PDF, FHIR, metrics)
validates what it reads through these models, so a field nobody writes cannot be read
and a malformed row fails loudly instead of rendering as an empty opinion.

What older rows really have: every version the pipeline ever wrote stores sections as a
list of sentence records (the ``{key: text}`` mapping existed only in hand-written test
data); rows from before November's drafting changes lack the ``answers`` section,
``sub_questions``, ``alternatives``, the sentence ``question_ref``/``condition_ref``, the
image ``preview_key`` and the finding ``status`` (read as ``not_assessed``). The defaults
below are those absences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from assistant.drafting.schemas import (
    SECTION_TITLES,
    CitationMetrics,
    CitedSource,
    DraftSection,
    GuardrailFlag,
    ImagingFindings,
    PromptRecord,
    SubQuestion,
)
from assistant.errors import DomainError


class StoredDraftError(DomainError):
    """A stored draft column does not have the shape its writers produce."""

    default_message = "This draft's stored record is damaged and cannot be shown; ask an administrator."


@dataclass(frozen=True)
class SectionText:
    """One section as people read it: key, human title and running text with [n] markers."""

    key: str
    title: str
    text: str


class _Stored(BaseModel):
    """Validation entry point shared by the three column models."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @classmethod
    def read(cls, raw: Mapping[str, Any] | None) -> Self:
        """Validate one stored JSON column (``None`` and ``{}`` read as empty).

        Raises:
            StoredDraftError: The value is not what any writer of this column produces.
        """
        try:
            return cls.model_validate(dict(raw or {}))
        except PydanticValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise StoredDraftError(f"{cls.__name__}: {where}: {first['msg']}") from e


class StoredContent(_Stored):
    """``drafts.content``: the sections people read, as the pipeline or a clinician wrote them."""

    sections: list[DraftSection]
    priority: Literal["routine", "urgent"] = "routine"
    sub_questions: list[SubQuestion] = Field(default_factory=list)
    alternatives: list[str] = Field(default_factory=list)
    amendment_reason: str = Field(default="", description="Set on amendments only.")

    def section_texts(self) -> list[SectionText]:
        """Each section in stored (reading) order with its canonical title and running text."""
        return [SectionText(s.key.value, SECTION_TITLES.get(s.key, s.title), s.text) for s in self.sections]

    def texts_by_key(self) -> dict[str, str]:
        """Section text by key (what diffs and the editor compare)."""
        return {s.key: s.text for s in self.section_texts()}

    def filled_sections(self) -> list[SectionText]:
        """The sections that say something, trimmed (what a patient receives)."""
        return [SectionText(s.key, s.title, s.text.strip()) for s in self.section_texts() if s.text.strip()]


class StoredChecks(_Stored):
    """``drafts.checks``: citation metrics and guardrail flags (``{}`` when nothing was checked)."""

    citations: CitationMetrics | None = None
    flags: list[GuardrailFlag] = Field(default_factory=list)

    @property
    def checked(self) -> bool:
        """Whether the pipeline recorded any check for this draft."""
        return self.citations is not None or bool(self.flags)


class StoredSource(CitedSource):
    """One cited source document with its retrieval provenance (``group_hits``' evidence record)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    source_id: str = ""
    chunk_ids: list[str] = Field(default_factory=list)
    date: str = ""
    doc_type: str = ""


class StoredImageFinding(BaseModel):
    """One per-image model output as ``imaging.inference.Finding`` dumped it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    label: str
    probability: float
    threshold: float
    positive: bool
    model: str
    status: Literal["reported", "not_assessed"] = "not_assessed"
    reason: str | None = None
    population: str | None = None


class StoredOOD(BaseModel):
    """The out-of-distribution check of one image (``imaging.ood.OODCheck``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    accepted: bool
    reasons: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


class StoredImage(BaseModel):
    """One analysed image with the storage keys of its preview and heatmaps."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    source: str
    kind: str = ""
    view: str | None = None
    ood: StoredOOD
    findings: list[StoredImageFinding] = Field(default_factory=list)
    heatmap_keys: dict[str, str] = Field(default_factory=dict)
    preview_key: str | None = None


class StoredCTSeries(BaseModel):
    """One CT series: its measurements (``imaging.quantitation.CTMeasurements``) and key images."""

    model_config = ConfigDict(extra="allow", frozen=True)

    n_slices: int
    error: str | None = None
    measurements: dict[str, Any] | None = None
    key_image_keys: list[str] = Field(default_factory=list)


class StoredUpload(BaseModel):
    """What the imaging step recorded for one upload (extra viewer fields are kept as they are)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    upload_id: str
    filename: str
    error: str | None = Field(default=None, description="Why the upload could not be analysed.")
    images: list[StoredImage] = Field(default_factory=list)
    ct_series: list[StoredCTSeries] = Field(default_factory=list)
    model_cards: list[dict[str, Any]] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    heatmap_note: str = ""


class StoredImaging(BaseModel):
    """Per-upload imaging evidence."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    uploads: list[StoredUpload] = Field(default_factory=list)


class StoredEvidence(_Stored):
    """``drafts.evidence``: numbered passages, prompt records, imaging evidence and findings summary."""

    #: The cited sources. Stored under "passages" in every draft ever written; signed drafts
    #: are immutable (their rows cannot be migrated), so the key cannot be renamed.
    passages: list[StoredSource] = Field(default_factory=list)
    prompts: list[PromptRecord] = Field(default_factory=list)
    imaging: StoredImaging = Field(default_factory=StoredImaging)
    findings: ImagingFindings = Field(default_factory=ImagingFindings)

    def images(self) -> list[StoredImage]:
        """Every analysed image of every upload, in upload order."""
        return [image for upload in self.imaging.uploads for image in upload.images]

    def derived_image_keys(self) -> list[str]:
        """Storage keys of heatmaps and CT key images, in upload order (what the PDF shows)."""
        keys: list[str] = []
        for upload in self.imaging.uploads:
            keys += [k for image in upload.images for k in image.heatmap_keys.values()]
            keys += [k for series in upload.ct_series for k in series.key_image_keys]
        return keys


def stored_evidence(
    base: Mapping[str, Any],
    provenance: list[dict[str, Any]],
    imaging: Mapping[str, Any],
    findings: ImagingFindings,
) -> dict[str, Any]:
    """The ``drafts.evidence`` value the drafting job writes, validated by the model that reads it.

    Args:
        base: ``storage_fields()["evidence"]`` (passages and prompt records).
        provenance: One record per numbered passage (from ``group_hits``); replaces the bare passages.
        imaging: The imaging step's per-upload evidence (``{"uploads": [...]}``).
        findings: The composer's findings summary.

    Returns:
        JSON-ready evidence; raises :class:`StoredDraftError` if a part has the wrong shape.
    """
    value = {
        **base,
        "passages": provenance,  # the cited sources; the stored key of every signed draft
        "imaging": dict(imaging),
        "findings": findings.model_dump(mode="json"),
    }
    StoredEvidence.read(value)
    return value


@dataclass(frozen=True)
class StoredDraft:
    """The three stored columns of one draft version, validated."""

    content: StoredContent
    checks: StoredChecks
    evidence: StoredEvidence

    @classmethod
    def read(
        cls,
        content: Mapping[str, Any] | None,
        checks: Mapping[str, Any] | None = None,
        evidence: Mapping[str, Any] | None = None,
    ) -> StoredDraft:
        """Validate the stored columns of a draft row (anything with those three attributes)."""
        return cls(StoredContent.read(content), StoredChecks.read(checks), StoredEvidence.read(evidence))

    @classmethod
    def of(cls, draft: Any) -> StoredDraft:
        """Validate a ``Draft`` row's columns."""
        return cls.read(draft.content, draft.checks, draft.evidence)


def section_texts(content: Mapping[str, Any]) -> list[SectionText]:
    """The sections of stored draft content, in reading order (the one place they are read)."""
    return StoredContent.read(content).section_texts()
