"""The case page's findings table: a not-assessed finding shows its reason, never a probability."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from assistant.context import AppContext
from assistant.services.draft_view import imaging_view
from assistant.settings import Settings
from assistant.web.app import templates
from tests.assistant.stored_drafts import imaging_record, stored
from tests.assistant.web.staff import review_draft, study

REASON = "this model has not been validated on adults' films"


def _render(settings: Settings, folder: Path, **study_args: object) -> str:
    analysed, previews = study(folder, **study_args)  # type: ignore[arg-type]
    record = imaging_record(AppContext(settings), "chest.dcm", analysed, previews)
    page = SimpleNamespace(
        imaging=imaging_view(stored(review_draft(), imaging=[record]).evidence), case_id="c1"
    )
    return templates.get_template("cockpit/_imaging.html").render(page=page)


class TestFindingsTable:
    def test_reported_finding_shows_probability(self, settings: Settings, tmp_path: Path) -> None:
        """A reported finding shows its probability and threshold."""
        html = _render(settings, tmp_path)
        assert "0.82" in html and "above threshold" in html and "not assessed" not in html

    def test_not_assessed_finding_shows_reason_only(self, settings: Settings, tmp_path: Path) -> None:
        """A not-assessed finding shows 'not assessed' and the reason, not its probability."""
        html = _render(settings, tmp_path, status="not_assessed", reason=REASON)
        assert "not assessed by the model: " + REASON.replace("'", "&#39;") in html
        assert "0.82" not in html and "above threshold" not in html
