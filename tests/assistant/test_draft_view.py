"""Reading stored drafts defensively: sections, warnings, imaging evidence, passages, storage keys."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.services.draft_view import (
    imaging_view,
    modality_of,
    passages_of,
    referenced_keys,
    section_views,
    texts_by_key,
    warnings_of,
)
from tests.assistant.web.staff import CHECKS, draft_content, evidence

KEY_A, KEY_B = "a" * 64, "b" * 64


class TestSections:
    @pytest.mark.parametrize(
        "content",
        [
            {"sections": {"limitations": "L.", "summary": "S."}},
            {
                "sections": [
                    {"key": "summary", "text": "S."},
                    {"key": "limitations", "sentences": [{"text": "L."}]},
                ]
            },
        ],
    )
    def test_both_shapes_in_reading_order(self, content: dict[str, Any]) -> None:
        """A mapping and the pipeline's list give the same texts, summary first."""
        assert list(texts_by_key(content).items()) == [("summary", "S."), ("limitations", "L.")]

    def test_questions_one_per_line(self) -> None:
        """Questions join with newlines, other sections with spaces."""
        texts = texts_by_key(draft_content())
        assert texts["questions"].count("\n") == 1 and "\n" not in texts["images"]

    def test_unsupported_sentences_marked(self) -> None:
        """Sentences checked unsupported are marked; those named in checks too."""
        views = {v.key: v for v in section_views(draft_content())}
        assert [s.supported for s in views["images"].sentences] == [True, False]
        plain = section_views(
            {"sections": {"summary": "Fine. Not fine [2]."}}, {"unsupported": [{"text": "Not fine [2]."}]}
        )
        assert [s.supported for s in plain[0].sentences] == [None, False]

    def test_garbage_is_ignored(self) -> None:
        """Unknown shapes render as nothing rather than failing."""
        assert texts_by_key({"sections": 5}) == {}
        assert texts_by_key({"sections": [1, {"no": "key"}]}) == {}


class TestEvidence:
    def test_warnings(self) -> None:
        """Unsupported, failed citations, refused images and non-citation guardrail flags are counted."""
        ev = evidence(KEY_A, KEY_B)
        ev["imaging"]["uploads"][0]["images"].append({"ood": {"accepted": False, "reasons": ["CT slice"]}})
        checks = {
            **CHECKS,
            "flags": [*CHECKS["flags"], {"kind": "injection", "detail": "ignored an instruction"}],
        }
        w = warnings_of(checks, ev)
        assert (w.unsupported, w.failed_citations, w.ood_images) == (1, 1, 1)
        assert w.guardrail == ("injection: ignored an instruction",) and w.total == 4
        assert warnings_of(None, None).total == 0

    def test_imaging(self) -> None:
        """Per-image findings, heatmap keys, CT series, cards and notes come through."""
        view = imaging_view(evidence(KEY_A, KEY_B))
        assert view.modality == "chest X-ray"
        [image] = view.images
        assert (image.preview_key, image.heatmaps) == (KEY_A, {"pneumonia": KEY_B})
        assert image.findings[0].probability == 0.82 and image.findings[0].threshold == 0.5
        assert view.findings == ()  # shown per image instead
        assert view.ct[0]["measurements"]["lung_volume_l"] == 5.12
        assert [c["id"] for c in view.model_cards] == ["so-cxr-compact@1"]
        assert any("Heatmaps" in n for n in view.notes)

    def test_flat_findings_without_images(self) -> None:
        """A summary-only record (no per-image evidence) still lists its findings and card."""
        ev = {"findings": evidence(KEY_A, KEY_B)["findings"]}
        view = imaging_view(ev)
        assert [f.label for f in view.findings] == ["pneumonia"] and view.model_cards

    def test_passages_keep_only_web_links(self) -> None:
        """http(s) links stay, DOIs become links, anything else is dropped."""
        ev = {
            "passages": [
                {"number": 2, "title": "B", "url": "javascript:alert(1)"},
                {"number": 1, "title": "A", "doi": "10.1/x"},
            ]
        }
        assert [(p.number, p.url) for p in passages_of(ev)] == [(1, "https://doi.org/10.1/x"), (2, "")]

    def test_modality_from_uploads(self) -> None:
        """Without imaging evidence the uploads' modality is used."""
        assert modality_of({}, [{"modality": "CT"}, {"modalities": ["CT", "DX"]}]) == "CT, DX"

    def test_referenced_keys(self) -> None:
        """Only sha256-shaped strings anywhere in the JSON count as storage keys."""
        assert referenced_keys({"x": [KEY_A, {"y": KEY_B}], "z": "short"}, None) == {KEY_A, KEY_B}


class TestFindingStatus:
    def test_not_assessed_keeps_reason_and_is_never_positive(self) -> None:
        """A not-assessed finding shows its reason and is not read as positive."""
        ev = evidence(KEY_A, KEY_B)
        raw = ev["imaging"]["uploads"][0]["images"][0]["findings"][0]
        raw.update(status="not_assessed", reason="this model has not been validated on adults' films")
        [finding] = imaging_view(ev).images[0].findings
        assert (finding.status, finding.positive) == ("not_assessed", False)
        assert finding.reason == "this model has not been validated on adults' films"

    def test_stored_finding_without_status_reads_not_assessed(self) -> None:
        """Findings stored before gating existed are read back as not assessed."""
        ev = evidence(KEY_A, KEY_B)
        del ev["imaging"]["uploads"][0]["images"][0]["findings"][0]["status"]
        [finding] = imaging_view(ev).images[0].findings
        assert (finding.status, finding.positive) == ("not_assessed", False)
