"""The case page's findings table: a not-assessed finding shows its reason, never a probability."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.services.draft_view import imaging_view
from assistant.web.app import templates
from tests.assistant.web.staff import evidence

KEY_A, KEY_B = "a" * 64, "b" * 64
REASON = "this model has not been validated on adults' films"


def _render(ev: dict[str, object]) -> str:
    page = SimpleNamespace(imaging=imaging_view(ev), case_id="c1")
    return templates.get_template("cockpit/_imaging.html").render(page=page)


class TestFindingsTable:
    def test_reported_finding_shows_probability(self) -> None:
        """A reported finding shows its probability and threshold."""
        html = _render(evidence(KEY_A, KEY_B))
        assert "0.82" in html and "above threshold" in html and "not assessed" not in html

    def test_not_assessed_finding_shows_reason_only(self) -> None:
        """A not-assessed finding shows 'not assessed' and the reason, not its probability."""
        ev = evidence(KEY_A, KEY_B)
        raw = ev["imaging"]["uploads"][0]["images"][0]["findings"][0]
        raw.update(status="not_assessed", reason=REASON)
        html = _render(ev)
        assert "not assessed by the model: " + REASON.replace("'", "&#39;") in html
        assert "0.82" not in html and "above threshold" not in html
