"""The reviewer's views of a stored draft, from drafts the drafting job's writer stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.context import AppContext
from assistant.drafting.schemas import GuardrailFlag
from assistant.drafting.stored import StoredChecks, StoredDraft, StoredEvidence
from assistant.services.draft_view import (
    imaging_view,
    modality_of,
    passages_of,
    referenced_keys,
    section_views,
    stored_warnings,
    warnings_of,
)
from assistant.settings import Settings
from imaging.analyze import ImageFindings
from imaging.ood import OODCheck
from tests.assistant.stored_drafts import columns, composed, imaging_record, stored
from tests.assistant.web.staff import FLAGS, HITS, review_draft, study, summary_findings

KEY_A, KEY_B = "a" * 64, "b" * 64
REASON = "this model has not been validated on adults' films"


@pytest.fixture
def ctx(settings: Settings) -> AppContext:
    """A context whose storage receives the imaging step's pictures."""
    return AppContext(settings)


def _reviewed(ctx: AppContext, tmp_path: Path, **study_args: object) -> StoredDraft:
    analysed, previews = study(tmp_path, **study_args)  # type: ignore[arg-type]
    record = imaging_record(ctx, "chest.dcm", analysed, previews)
    return stored(review_draft(), hits=HITS, imaging=[record], findings=summary_findings())


class TestSections:
    def test_sentences_marked_as_checked(self) -> None:
        """Each sentence carries the composer's support check; questions join one per line."""
        views = {v.key: v for v in section_views(stored(review_draft()).content)}
        assert [s.supported for s in views["images"].sentences] == [True, False]
        assert views["questions"].text.count("\n") == 1 and "\n" not in views["images"].text
        assert views["images"].title == "What the images show"

    def test_each_answer_opens_a_paragraph(self) -> None:
        """The review page breaks answers and alternatives where the patient's text does."""
        answers = [
            ("On whether the diagnosis is right:", None),
            ("The film shows a shadow in the right lower lobe [1].", True),
            ("On what the uploaded images show:", None),
            ("The model's result was not used [2].", True),
        ]
        draft = composed(
            [
                ("answers", answers),
                ("alternatives", [("Asthma is discussed because it was asked about.", None)]),
            ]
        )
        views = {v.key: v for v in section_views(stored(draft).content)}
        assert [s.opens for s in views["answers"].sentences] == [True, False, True, False]
        assert views["answers"].text.count("\n\n") == 1  # the stored text breaks at the same place
        assert [s.opens for s in views["alternatives"].sentences] == [True]


class TestWarnings:
    def test_counts(self, ctx: AppContext, tmp_path: Path) -> None:
        """Unsupported, removed citations, refused images and non-citation guardrail flags are counted."""
        analysed, previews = study(tmp_path)
        refused = ImageFindings(
            source="slice.dcm", kind="ct_slice", ood=OODCheck(accepted=False, reasons=["CT slice"])
        )
        analysed.images.append(refused)
        record = imaging_record(ctx, "chest.dcm", analysed, previews)
        flags = [*FLAGS, GuardrailFlag(kind="injection", detail="ignored an instruction")]
        draft = review_draft().model_copy(update={"flags": flags})
        s = stored(draft, hits=HITS, imaging=[record])
        w = warnings_of(s.checks, s.evidence)
        assert (w.unsupported, w.failed_citations, w.ood_images) == (1, 1, 1)
        assert w.guardrail == ("injection: ignored an instruction",) and w.total == 4 and w.checked

    def test_unchecked(self) -> None:
        """A draft with no recorded checks has no warnings and says it was not checked."""
        w = stored_warnings({}, {})
        assert (w.total, w.checked) == (0, False)
        assert warnings_of(StoredChecks.read(None), StoredEvidence.read(None)).total == 0


class TestImaging:
    def test_images_ct_cards_notes(self, ctx: AppContext, tmp_path: Path) -> None:
        """Per-image findings, stored preview and heatmap keys, CT series, cards and notes come through."""
        view = imaging_view(_reviewed(ctx, tmp_path).evidence)
        assert view.modality == "chest X-ray"
        [image] = view.images
        assert image.preview_key and set(image.heatmaps) == {"pneumonia"}
        assert referenced_keys(image.preview_key) == {image.preview_key}
        assert image.findings[0].probability == 0.82 and image.findings[0].threshold == 0.5
        assert image.findings[0].positive and image.findings[0].status == "reported"
        assert view.findings == ()  # shown per image instead
        assert view.ct[0]["measurements"]["lung_volume_l"] == 5.12
        assert [c["id"] for c in view.model_cards] == ["so-cxr-compact@1"]
        assert any("Heatmaps" in n for n in view.notes)

    def test_summary_findings_without_images(self) -> None:
        """A draft with a findings summary and no per-image record lists the summary's findings and card."""
        view = imaging_view(stored(review_draft(), findings=summary_findings()).evidence)
        assert [f.label for f in view.findings] == ["pneumonia"] and view.model_cards

    def test_not_assessed_keeps_reason_and_is_never_positive(self, ctx: AppContext, tmp_path: Path) -> None:
        """A not-assessed finding shows its reason and is not read as positive."""
        view = imaging_view(_reviewed(ctx, tmp_path, status="not_assessed", reason=REASON).evidence)
        [finding] = view.images[0].findings
        assert (finding.status, finding.positive, finding.reason) == ("not_assessed", False, REASON)

    def test_finding_stored_before_gating_reads_not_assessed(self, ctx: AppContext, tmp_path: Path) -> None:
        """Rows written before findings had a status read back as not assessed."""
        analysed, previews = study(tmp_path)
        record = imaging_record(ctx, "chest.dcm", analysed, previews)
        evidence = columns(review_draft(), imaging=[record])["evidence"]
        del evidence["imaging"]["uploads"][0]["images"][0]["findings"][0]["status"]
        [finding] = imaging_view(StoredEvidence.read(evidence)).images[0].findings
        assert (finding.status, finding.positive) == ("not_assessed", False)


class TestSources:
    def test_passages_keep_only_web_links(self) -> None:
        """Passages are numbered per document; http(s) links stay and anything else is dropped."""
        passages = passages_of(stored(review_draft(), hits=HITS).evidence)
        assert [(p.number, p.publisher) for p in passages] == [
            (1, "MedlinePlus"),
            (2, "Second opinion"),
            (3, "NHLBI"),
        ]
        assert [p.url for p in passages] == ["https://medlineplus.gov/pneumonia.html", "", ""]

    def test_project_summary_lists_what_it_summarises(self) -> None:
        """A project note is labelled as such and names the guidelines it summarises."""
        note = {"source_id": "pack:copd", "title": "COPD note", "text": "Spirometry confirms COPD.",
                "is_project_summary": True,
                "references": [{"organisation": "GOLD", "year": 2024, "title": "GOLD report"}]}  # fmt: skip
        [p] = passages_of(stored(review_draft(), hits=[note]).evidence)
        assert (
            "Second Opinion project" in p.publisher and p.extra["summarises"] == "GOLD, “GOLD report”, 2024"
        )

    def test_modality_from_uploads(self) -> None:
        """Without a findings summary the uploads' modality is used."""
        assert modality_of({}, [{"modality": "CT"}, {"modalities": ["CT", "DX"]}]) == "CT, DX"

    def test_referenced_keys(self) -> None:
        """Only sha256-shaped strings anywhere in the JSON count as storage keys."""
        assert referenced_keys({"x": [KEY_A, {"y": KEY_B}], "z": "short"}, None) == {KEY_A, KEY_B}
