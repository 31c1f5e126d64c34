"""Failed drafting jobs: the admin page and the `second-opinion jobs` commands show and retry them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.cli.main import app as cli_app
from assistant.db.base import Database
from assistant.db.models import User
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import jobs
from assistant.settings import Settings
from tests.assistant.factories import status_of, to_state
from tests.assistant.web.staff import login, make_client, post


@pytest.fixture
def failed_case(sqlite_db: Database, make_user: Callable[..., User]) -> str:
    """A case whose drafting job exhausted its attempts."""
    make_user(sqlite_db, Role.ADMIN, "alex")
    make_user(sqlite_db, Role.SUPPORT, "sam")
    patient = make_user(sqlite_db, Role.PATIENT)
    return to_state(sqlite_db, patient, CaseStatus.DRAFT_FAILED)


def _job_id(db: Database, case_id: str) -> str:
    with db.session() as s:
        return jobs.jobs_for_case(s, case_id)[0].id


class TestAdminJobsPage:
    def test_failed_job_shown_with_error_and_retried(
        self, settings: Settings, sqlite_db: Database, failed_case: str
    ) -> None:
        """The page lists the failed job with its last error; Retry sends the case back to submitted."""
        client = make_client(settings, sqlite_db)
        token = login(client, "alex")
        page = client.get("/admin/jobs/")
        job_id = _job_id(sqlite_db, failed_case)
        assert page.status_code == 200
        assert job_id[:8] in page.text and "RuntimeError: drafting failed" in page.text
        response = post(client, f"/admin/jobs/{job_id}/retry", token)
        assert response.status_code == 303 and "job_retried" in response.headers["location"]
        assert status_of(sqlite_db, failed_case) is CaseStatus.SUBMITTED
        again = post(client, f"/admin/jobs/{job_id}/retry", token)
        assert again.status_code == 400 and "Only a failed job" in again.text

    def test_support_cannot_retry(self, settings: Settings, sqlite_db: Database, failed_case: str) -> None:
        """Support staff get 403 and the case stays parked."""
        client: TestClient = make_client(settings, sqlite_db)
        token = login(client, "sam")
        job_id = _job_id(sqlite_db, failed_case)
        assert client.get("/admin/jobs/").status_code == 403
        assert post(client, f"/admin/jobs/{job_id}/retry", token).status_code == 403
        assert status_of(sqlite_db, failed_case) is CaseStatus.DRAFT_FAILED


class TestJobsCommand:
    def test_list_and_retry(self, tmp_path: Path, sqlite_db: Database, failed_case: str) -> None:
        """`jobs list` shows the failed job and its error; `jobs retry` requeues it as the named admin."""
        settings = Settings(
            environment="test",
            data_dir=tmp_path / "cli",
            database={"url": sqlite_db.engine.url.render_as_string(hide_password=False)},  # type: ignore[arg-type]
        )
        runner = CliRunner()
        job_id = _job_id(sqlite_db, failed_case)
        listed = runner.invoke(cli_app, ["jobs", "list", "--as", "alex"], obj=settings)
        assert listed.exit_code == 0, listed.output
        assert job_id in listed.output and "failed" in listed.output and "drafting failed" in listed.output
        refused = runner.invoke(cli_app, ["jobs", "retry", job_id, "--as", "sam"], obj=settings)
        assert refused.exit_code == 1
        retried = runner.invoke(cli_app, ["jobs", "retry", job_id, "--as", "alex"], obj=settings)
        assert retried.exit_code == 0, retried.output
        assert status_of(sqlite_db, failed_case) is CaseStatus.SUBMITTED
