"""A worker whose lexical index is missing flags its draft instead of drafting silently without evidence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import Draft, User
from assistant.jobs.engine import execute_next
from assistant.knowledge_base import evidence_warning, knowledge_index_status
from assistant.lifecycle import CaseStatus
from assistant.services.draft_view import stored_warnings
from assistant.settings import Settings
from tests.assistant.factories import status_of
from tests.assistant.jobs.conftest import submit_case


@pytest.fixture
def lost_index_ctx(tmp_path: Path, seeded_chroma: Path, db: Database) -> AppContext:
    """A worker with the starter pack's vectors but no lexical catalogue (a new host)."""
    chroma = tmp_path / "chroma"
    shutil.copytree(seeded_chroma, chroma, ignore=shutil.ignore_patterns("*.lexical.sqlite3*"))
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",
        llm={"mode": "mock"},  # type: ignore[arg-type]
        knowledge={"chroma_path": chroma},  # type: ignore[arg-type]
        jobs={"lease_s": 30, "backoff_s": 0.0, "max_attempts": 2},  # type: ignore[arg-type]
    )
    return AppContext(settings, db=db)


@pytest.mark.slow
class TestDraftWithoutEvidence:
    def test_status_says_lexical_index_empty(self, lost_index_ctx: AppContext) -> None:
        """The readiness function reports the empty lexical index and the fix."""
        status = knowledge_index_status(lost_index_ctx.settings)
        assert not status.ok and status.vectors and status.lexical_chunks == 0
        assert "knowledge reindex" in status.message

    def test_draft_is_flagged(self, lost_index_ctx: AppContext, patient: User) -> None:
        """The draft reaches review carrying an 'evidence' warning the clinician sees."""
        case_id, job_id = submit_case(lost_index_ctx, patient, None)
        assert execute_next(lost_index_ctx, "test", job_id=job_id) == job_id
        assert status_of(lost_index_ctx.db, case_id) is CaseStatus.PENDING_REVIEW
        with lost_index_ctx.db.session() as s:
            draft = s.scalars(select(Draft).where(Draft.case_id == case_id)).one()
            shown = stored_warnings(draft.checks, draft.evidence).guardrail
        assert any(w.startswith("evidence: Drafted without complete evidence") for w in shown), shown
        assert any("lexical index (sqlite" in w for w in shown)


class TestEvidenceWarning:
    def test_healthy_index_with_passages_is_silent(self) -> None:
        """No warning when both stores agree and passages were found."""
        from knowledge.index_status import IndexStatus

        assert evidence_warning(IndexStatus("sqlite", "x", 10, 10), 4) is None

    def test_no_passages_is_flagged(self) -> None:
        """Even with a healthy index, a draft citing nothing says so."""
        from knowledge.index_status import IndexStatus

        assert "cites no sources" in str(evidence_warning(IndexStatus("sqlite", "x", 10, 10), 0))
