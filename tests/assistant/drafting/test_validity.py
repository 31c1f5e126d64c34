"""Findings argue for or against a diagnosis only when validated in that direction."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.drafting.answers import verdict_sentence
from assistant.drafting.conditions import condition
from assistant.drafting.schemas import ImagingFinding, ImagingFindings, ModelCardRef
from assistant.drafting.validity import verdict_for

CARD = ModelCardRef(id="cxr@1", name="chest X-ray pneumonia")


def finding(**kw: Any) -> ImagingFindings:
    base: dict[str, Any] = {"label": "pneumonia", "probability": 0.21, "threshold": 0.5, "positive": False}
    return ImagingFindings(findings=[ImagingFinding(model_card=CARD, **(base | kw))])


class TestVerdict:
    """The direction the images may support, with the reason when they cannot."""

    @pytest.mark.parametrize(
        ("fields", "direction", "phrase"),
        [
            ({}, "cannot_settle", "has not been validated for this population"),
            (
                {"status": "reported", "reason": None, "sensitivity": 0.62, "rule_out_ok": False},
                "cannot_settle",
                "sensitivity (0.62) is not high enough to exclude it",
            ),
            ({"status": "reported", "reason": None, "rule_out_ok": True}, "argues_against", "argues against"),
            (
                {
                    "status": "reported",
                    "reason": None,
                    "positive": True,
                    "probability": 0.9,
                    "rule_in_ok": True,
                },
                "supports",
                "which supports",
            ),
            (
                {
                    "status": "reported",
                    "reason": None,
                    "positive": True,
                    "probability": 0.9,
                    "specificity": 0.7,
                },
                "cannot_settle",
                "specificity (0.70) is not high enough to confirm it",
            ),
        ],
    )
    def test_table(self, fields: dict[str, Any], direction: str, phrase: str) -> None:
        """Agreement or disagreement needs status 'reported' and the matching rule_in/rule_out flag."""
        pneumonia = condition("pneumonia")
        verdict = verdict_for(pneumonia, "", finding(**fields))
        assert verdict.direction == direction
        assert phrase in verdict_sentence("pneumonia", verdict)

    def test_issue_case_never_disagrees(self) -> None:
        """A 0.21 score from an unvalidated model does not say the images do not support pneumonia."""
        text = verdict_sentence("pneumonia", verdict_for(condition("pneumonia"), "", finding()))
        assert "do not support" not in text
        assert text.startswith("The images could not confirm or exclude pneumonia")
