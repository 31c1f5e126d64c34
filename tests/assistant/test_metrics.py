"""Oversight metrics: states, submit-to-sign times, edit buckets, citation failures, exits, red flags."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.actors import SYSTEM
from assistant.cli.main import app as cli
from assistant.db.base import Database
from assistant.db.models import Case, User
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import drafts, review
from assistant.services.metrics import compute_metrics, format_hours, percentile
from assistant.settings import Settings
from tests.assistant.factories import SECTIONS, to_state
from tests.assistant.web.staff import login, make_client, seed_review_case
from tests.conftest import TEST_PASSWORD


def _sign(db: Database, clinician: User, case_id: str, edits: dict[str, str], hours: float) -> None:
    """Claim, edit, sign; the case is back-dated to have been submitted ``hours`` earlier."""
    with db.session() as s:
        review.claim_case(s, clinician, case_id)
        base = drafts.latest_draft(s, case_id)
        assert base is not None
        if edits:
            base = review.save_edit(s, clinician, case_id, base.id, edits)
        review.sign_draft(s, clinician, case_id, base.id, TEST_PASSWORD)
        case = s.get(Case, case_id)
        assert case is not None
        case.first_submitted_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)


@pytest.fixture
def seeded(db: Database, settings: Settings, make_user: Callable[..., User]) -> User:
    """Three signed cases (unchanged, lightly, heavily edited), a return, a decline, an urgent case."""
    patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
    cases = [to_state(db, patient, CaseStatus.PENDING_REVIEW) for _ in range(3)]
    _sign(db, clinician, cases[0], {}, hours=2)
    light = {"limitations": SECTIONS["limitations"] + " Ask again if worse."}
    _sign(db, clinician, cases[1], light, hours=4)
    heavy = dict.fromkeys(SECTIONS, "Completely rewritten by the reviewing clinician.")
    _sign(db, clinician, cases[2], heavy, hours=10)
    to_state(db, patient, CaseStatus.RETURNED, clinician)
    to_state(db, patient, CaseStatus.DECLINED, clinician)
    seed_review_case(db, settings, patient, urgent=True)
    return clinician


class TestComputeMetrics:
    def test_figures(self, db: Database, seeded: User) -> None:
        """Each figure matches what was seeded, on SQLite and PostgreSQL."""
        with db.session() as s:
            m = compute_metrics(s, seeded)
        assert m.cases_by_state["signed"] == 3
        assert m.cases_by_state["pending_review"] == 1
        assert (m.cases_by_state["returned"], m.cases_by_state["declined"]) == (1, 1)
        assert m.signed_cases == 3
        assert m.submit_to_sign_median_h == pytest.approx(4, abs=0.05)
        assert m.submit_to_sign_p90_h == pytest.approx(8.8, abs=0.05)
        assert m.edits == {"unchanged": 1, "light": 1, "heavy": 1}
        assert (m.returns, m.declines, m.red_flag_cases) == (1, 1, 1)
        assert (m.citations.checked_sentences, m.citations.unsupported_sentences) == (8, 1)
        assert m.citations.failed_citations == 1
        assert m.citations.drafts == 6 and m.citations.drafts_with_failures == 1
        assert m.citations.sentence_failure_rate == pytest.approx(1 / 8)

    def test_empty_database(self, sqlite_db: Database) -> None:
        """With no cases every rate is undefined rather than zero."""
        with sqlite_db.session() as s:
            m = compute_metrics(s, SYSTEM)
        assert m.submit_to_sign_median_h is None and m.citations.sentence_failure_rate is None
        assert set(m.edit_shares.values()) == {None}

    def test_patients_may_not_read_metrics(self, sqlite_db: Database, make_user: Callable[..., User]) -> None:
        """The access policy refuses metrics to patients."""
        from assistant.errors import PermissionDeniedError

        with sqlite_db.session() as s, pytest.raises(PermissionDeniedError):
            compute_metrics(s, make_user(sqlite_db, Role.PATIENT))


class TestHelpers:
    @pytest.mark.parametrize(
        ("values", "q", "expected"),
        [
            ([], 50, None),
            ([3.0], 90, 3.0),
            ([1.0, 2.0, 3.0], 50, 2.0),
            ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
            ([2.0, 4.0, 10.0], 90, 8.8),
            ([5.0, 1.0], 0, 1.0),
            ([5.0, 1.0], 100, 5.0),
        ],
    )
    def test_percentile(self, values: list[float], q: float, expected: float | None) -> None:
        """Linear interpolation between order statistics."""
        assert percentile(values, q) == (pytest.approx(expected) if expected is not None else None)

    @pytest.mark.parametrize(
        ("hours", "text"), [(None, "–"), (0.5, "30 min"), (3.25, "3.2 h"), (72, "3.0 d")]
    )
    def test_format_hours(self, hours: float | None, text: str) -> None:
        """Durations read in minutes, hours or days."""
        assert format_hours(hours) == text


class TestPageAndCommand:
    def test_page(self, sqlite_db: Database, settings: Settings, make_user: Callable[..., User]) -> None:
        """Support staff see the metrics page with each block."""
        make_user(sqlite_db, Role.SUPPORT, "sam")
        client: TestClient = make_client(settings, sqlite_db)
        login(client, "sam")
        html = client.get("/metrics/").text
        assert all(
            f'id="m-{k}"' in html for k in ("sign-time", "citations", "exits", "red", "states", "edits")
        )

    def test_cli_json_and_text(self, db: Database, seeded: User, tmp_path: object) -> None:
        """`second-opinion metrics` prints the same figures as text or JSON."""
        settings = Settings(
            environment="test",
            data_dir=tmp_path,  # type: ignore[arg-type]
            database={"url": db.engine.url.render_as_string(hide_password=False)},
        )
        runner = CliRunner()
        as_json = runner.invoke(cli, ["metrics", "--json"], obj=settings)
        assert as_json.exit_code == 0, as_json.output
        data = json.loads(as_json.output)
        assert data["edits"] == {"unchanged": 1, "light": 1, "heavy": 1}
        assert data["citations"]["sentence_failure_rate"] == pytest.approx(0.125)
        text = runner.invoke(cli, ["metrics"], obj=settings)
        assert "Returns 1, declines 1" in text.output and "signed" in text.output
