"""Typed inputs and outputs of the draft composer.

Inputs: the patient's :class:`assistant.intake.IntakeRecord`, de-identified :class:`ImagingFindings` and
numbered :class:`CitedSource` objects (one per cited source document), plus any
:class:`UploadedText` (PDF report text, DICOM text fields) that must be treated as data.
Output: :class:`DraftContent`, seven ordered sections of sentences, each sentence with
its citations and checks.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ModelCardRef(BaseModel):
    """The imaging model that produced a finding, with its known limits."""

    id: str
    name: str
    limitations: list[str] = Field(default_factory=list)


NOT_VALIDATED_REASON = "the model has not been validated for this population"


class ImagingFinding(BaseModel):
    """One calibrated model output for one label, with whether it may be relied on."""

    label: str
    probability: float = Field(ge=0.0, le=1.0)
    threshold: float = Field(ge=0.0, le=1.0, description="The model's operating threshold.")
    positive: bool
    model_card: ModelCardRef
    status: Literal["reported", "not_assessed"] = Field(
        default="not_assessed",
        description="'reported' only when the model is validated for this image's population.",
    )
    reason: str | None = Field(default=NOT_VALIDATED_REASON, description="Why it is not assessed.")
    population: str | None = Field(default=None, description="The validated population, if any.")
    sensitivity: float | None = Field(default=None, ge=0.0, le=1.0)
    specificity: float | None = Field(default=None, ge=0.0, le=1.0)
    rule_out_ok: bool = Field(default=False, description="Sensitive enough to argue against.")
    rule_in_ok: bool = Field(default=False, description="Specific enough to argue for.")

    @property
    def assessed(self) -> bool:
        """True when the imaging step reported this finding for a validated population."""
        return self.status == "reported"


class NoduleCandidate(BaseModel):
    """A nodule candidate found by CT quantitation."""

    diameter_mm: float = Field(gt=0)
    location: str = Field(default="", description="Lobe or coarse position, if known.")
    slice_number: int | None = Field(
        default=None, ge=1, description="1-based slice, as the cockpit lists it."
    )


class CTMeasurements(BaseModel):
    """Whole-lung CT quantitation."""

    lung_volume_l: float | None = Field(default=None, ge=0, description="Lung volume, litres.")
    laa950_percent: float | None = Field(
        default=None, ge=0, le=100, description="% of lung voxels below -950 HU."
    )
    nodule_candidates: list[NoduleCandidate] = Field(default_factory=list)
    nodule_count: int | None = Field(
        default=None, ge=0, description="All candidates the analysis found (the list may be shortened)."
    )
    model_card: ModelCardRef | None = None

    @property
    def candidate_count(self) -> int:
        """How many candidates the stored analysis lists, whatever was kept here."""
        return self.nodule_count if self.nodule_count is not None else len(self.nodule_candidates)


class ImagingFindings(BaseModel):
    """Everything the imaging step returns for a case (already de-identified)."""

    modality: str = Field(default="", description="e.g. 'chest X-ray' or 'chest CT'.")
    kinds: list[str] = Field(
        default_factory=list, description="What was uploaded and analysed: 'cxr', 'ct', 'photo'."
    )
    findings: list[ImagingFinding] = Field(default_factory=list)
    ct: CTMeasurements | None = None
    refused: list[str] = Field(
        default_factory=list,
        description="Why an uploaded image was not given to the models (the input check's reasons).",
    )

    def model_cards(self) -> list[ModelCardRef]:
        """Distinct model cards in order of first use."""
        cards: dict[str, ModelCardRef] = {}
        for finding in self.findings:
            cards.setdefault(finding.model_card.id, finding.model_card)
        if self.ct is not None and self.ct.model_card is not None:
            cards.setdefault(self.ct.model_card.id, self.ct.model_card)
        return list(cards.values())


class CitedSource(BaseModel):
    """One numbered source document that draft sentences may cite as ``[number]``.

    This is the composer's and the stored draft's view of one cited source document
    (:class:`assistant.drafting.stored.StoredSource` adds its retrieval provenance). The
    application builds it only from a :class:`knowledge.citing.SourceDocument`, in
    :func:`assistant.drafting.sources.group_hits`, so numbering, labelling and grouping of
    chunks stay the knowledge library's (tests and benchmarks may write one by hand). It is
    not a retrieved chunk: that is :class:`knowledge.documents.Passage`, the one class of
    that name.
    """

    number: int = Field(ge=1)
    title: str
    publisher: str = ""
    url: str = ""
    text: str
    is_project_summary: bool = Field(
        default=False, description="A note the project wrote; its references are the originals."
    )
    references: list[str] = Field(default_factory=list, description="What a project note summarises.")
    population: str = Field(default="", description="'adult', 'child' or '' when not stated.")


class UploadedText(BaseModel):
    """Text extracted from an upload; always data, never instructions."""

    source: str = Field(description="e.g. 'PDF report' or 'DICOM StudyDescription'.")
    text: str


class SectionKey(StrEnum):
    """The seven sections of every draft, in order."""

    SUMMARY = "summary"
    ANSWERS = "answers"
    FIRST_DIAGNOSIS = "first_diagnosis"
    IMAGES = "images"
    AGREEMENT = "agreement"
    ALTERNATIVES = "alternatives"
    QUESTIONS = "questions"
    LIMITATIONS = "limitations"


SECTION_TITLES: dict[SectionKey, str] = {
    SectionKey.SUMMARY: "Summary of your question",
    SectionKey.ANSWERS: "Answers to your questions",
    SectionKey.FIRST_DIAGNOSIS: "What the first diagnosis said",
    SectionKey.IMAGES: "What the images show",
    SectionKey.AGREEMENT: "Agreement or disagreement, and why",
    SectionKey.ALTERNATIVES: "Alternatives to consider",
    SectionKey.QUESTIONS: "Questions to ask your doctor",
    SectionKey.LIMITATIONS: "Limitations and uncertainty",
}

SentenceOrigin = Literal["intake", "finding", "passage", "llm", "template", "clinician"]


class DraftSentence(BaseModel):
    """One sentence of a draft with where it came from and how it was checked."""

    text: str = Field(description="The sentence, including its [n] citation markers.")
    origin: SentenceOrigin = Field(
        description="'intake'/'finding': from the case's structured data; 'passage': quoted "
        "from a retrieved passage; 'llm': written by the model; 'template': fixed wording."
    )
    citations: list[int] = Field(default_factory=list, description="Resolved passage numbers.")
    finding_refs: list[str] = Field(
        default_factory=list, description="Labels of imaging findings the sentence reports."
    )
    support: float | None = Field(default=None, description="Best support score of [n].")
    supported: bool | None = Field(default=None, description="None when nothing was checked.")
    flags: list[str] = Field(default_factory=list, description="Checks that need a clinician.")
    held: bool = Field(
        default=False,
        description="A model sentence no source supports: kept, marked, for the clinician to judge in "
        "the review view, and left out of the section's text (what is edited, signed and delivered) "
        "unless a clinician writes it in.",
    )
    question_ref: str = Field(default="", description="The sub-question this sentence answers.")
    condition_ref: str = Field(default="", description="The alternative this sentence discusses.")


def opens_paragraph(key: str, text: str) -> bool:
    """Whether a sentence starts a new paragraph of its section: each answer and each
    alternative opens at its heading sentence (the review page breaks at the same places)."""
    if key not in (SectionKey.ANSWERS.value, SectionKey.ALTERNATIVES.value):
        return False
    return text.endswith(":") or " is discussed because " in text


def join_section_sentences(key: str, sentences: list[str]) -> str:
    """A section's sentences as running text: questions one per line; answers and
    alternatives as paragraphs, a new one at each heading sentence; the rest as one paragraph.
    """
    if key == SectionKey.QUESTIONS.value:
        return "\n".join(sentences)
    out = ""
    for text in sentences:
        out += ("\n\n" if out and opens_paragraph(key, text) else " " if out else "") + text
    return out


class DraftSection(BaseModel):
    """One titled section."""

    key: SectionKey
    title: str
    sentences: list[DraftSentence] = Field(default_factory=list)

    @property
    def text(self) -> str:
        """The section as running text (questions one per line), without held sentences."""
        return join_section_sentences(self.key.value, [s.text for s in self.sentences if not s.held])


class PromptRecord(BaseModel):
    """Provenance of one rendered prompt."""

    section: SectionKey
    template_name: str
    template_version: str
    sha256: str


class CitationMetrics(BaseModel):
    """Citation check results stored on the draft."""

    n_citations: int = 0
    n_unresolved_removed: int = 0
    n_unsupported: int = 0
    n_checked_sentences: int = 0
    mean_support: float | None = None
    scorer: str = ""
    threshold: float = 0.0


QuestionKind = Literal["diagnosis_right", "could_it_be", "images", "treatment", "next_steps"]


class SubQuestion(BaseModel):
    """One thing the patient wants answered, typed, in the third person (never their words)."""

    id: str = Field(description="Stable within a draft: 'q1', 'q2', ...")
    kind: QuestionKind
    condition: str = Field(default="", description="The alternative named, for 'could_it_be'.")
    summary: str = Field(description="The question restated, e.g. 'whether it could be a blood clot'.")
    topic: str = Field(
        default="", description="For 'next_steps': 'tests', 'urgent', 'activity', 'contacts' or '' (general)."
    )
    subjects: list[str] = Field(
        default_factory=list,
        description="What the question names: topic keys (assistant.drafting.topics) or the relative.",
    )


class GuardrailFlag(BaseModel):
    """Something a guardrail found and acted on."""

    kind: Literal[
        "injection", "clinical_voice", "citation", "llm_output", "red_flag", "relevance", "review", "evidence"
    ]
    detail: str
    section: SectionKey | None = None


class DraftContent(BaseModel):
    """A structured, cited draft second opinion, awaiting clinician review."""

    model_config = ConfigDict(use_enum_values=False)

    sections: list[DraftSection]
    #: Named "passages" because :meth:`storage_fields` stores it under that key in
    #: ``drafts.evidence``: signed drafts are immutable (triggers in :mod:`assistant.db.triggers`
    #: refuse any update), so rows already written keep the key and it cannot be renamed.
    passages: list[CitedSource] = Field(default_factory=list)
    prompts: list[PromptRecord] = Field(default_factory=list)
    template_name: str = ""
    template_version: str = ""
    prompt_sha256: str = Field(default="", description="sha256 over all rendered prompts.")
    model_id: str = ""
    citation_metrics: CitationMetrics = Field(default_factory=CitationMetrics)
    flags: list[GuardrailFlag] = Field(default_factory=list)
    priority: Literal["routine", "urgent"] = "routine"
    sub_questions: list[SubQuestion] = Field(default_factory=list)
    alternatives: list[str] = Field(default_factory=list, description="Conditions the differential covers.")

    def section(self, key: SectionKey) -> DraftSection:
        """Return the section with ``key``."""
        for section in self.sections:
            if section.key is key:
                return section
        raise KeyError(key)

    def to_markdown(self) -> str:
        """Render the draft for a clinician, with unsupported sentences marked."""
        lines: list[str] = []
        for section in self.sections:
            lines += [f"## {section.title}", ""]
            for sentence in section.sentences:
                mark = " **[unsupported: check]**" if sentence.supported is False else ""
                if sentence.held:
                    mark = " **[held: no source supports it; not in the opinion unless you add it]**"
                prefix = "- " if section.key is SectionKey.QUESTIONS else ""
                lines.append(f"{prefix}{sentence.text}{mark}")
            lines.append("")
        if self.passages:
            lines += ["## Sources", ""]
            for p in sorted(self.passages, key=lambda p: p.number):
                lines.append(f"[{p.number}] {p.title}. {p.publisher}. {p.url}".rstrip(". "))
        return "\n".join(lines).rstrip() + "\n"

    def storage_fields(self) -> dict[str, Any]:
        """Values for the ``drafts`` table columns of an AI-original draft.

        Returns:
            ``content`` (sections, priority), ``checks`` (citation metrics and flags),
            ``evidence`` (passages and prompt records), ``prompt_name``,
            ``prompt_version``, ``prompt_sha256`` and ``model_id``.
        """
        dumped = self.model_dump(mode="json")
        return {
            "content": {
                "sections": dumped["sections"],
                "priority": self.priority,
                "sub_questions": dumped["sub_questions"],
                "alternatives": dumped["alternatives"],
            },
            "checks": {"citations": dumped["citation_metrics"], "flags": dumped["flags"]},
            # "passages" (the cited sources) is the key every stored draft has; signed rows are
            # immutable and cannot be migrated, so keep it.
            "evidence": {"passages": dumped["passages"], "prompts": dumped["prompts"]},
            "prompt_name": self.template_name,
            "prompt_version": self.template_version,
            "prompt_sha256": self.prompt_sha256,
            "model_id": self.model_id,
        }
