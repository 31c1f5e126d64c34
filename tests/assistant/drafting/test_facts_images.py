"""What the draft says when images were uploaded but no model result can be used."""

from __future__ import annotations

from assistant.drafting import facts
from assistant.drafting.conditions import condition
from assistant.drafting.schemas import ImagingFindings
from assistant.drafting.validity import verdict_for

REFUSED = ImagingFindings(
    modality="chest X-ray",
    kinds=["photo"],
    refused=["the picture does not look like an upright frontal chest radiograph"],
)


class TestNoFindings:
    """Uploaded-but-refused images are never described as 'no images'."""

    def test_refused_image_is_not_missing(self) -> None:
        """The refusal sentence says the image was received and why the models did not read it."""
        text = facts.refusal_sentence(REFUSED)
        assert "No images" not in text and "received" in text and "upright frontal" in text

    def test_elsewhere_the_refusal_is_referred_to_not_repeated(self) -> None:
        """Other answers say the image could not be read and point to the reason, without repeating it."""
        text = facts.no_findings_sentence(REFUSED, "pneumonia")
        assert "could not be read" in text and "answer on the images" in text
        assert "upright frontal" not in text and "No images" not in text

    def test_nothing_uploaded(self) -> None:
        """Without uploads the sentence says no images were analysed."""
        assert facts.no_findings_sentence(ImagingFindings(), "pneumonia").startswith(
            "No images were analysed"
        )

    def test_verdict_reason_is_consistent(self) -> None:
        """The verdict gives the refusal, not 'no model looks for it', when the image was refused."""
        verdict = verdict_for(condition("pneumonia"), "", REFUSED)
        assert "not given to the imaging models" in verdict.reason
