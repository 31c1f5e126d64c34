"""Fixtures for the drafting jobs: a knowledge base with the starter pack, a patient's case."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.intake import IntakeRecord, Symptom
from assistant.knowledge_base import ingest_starter_pack
from assistant.roles import Role
from assistant.services import cases
from assistant.settings import Settings
from assistant.upload_kinds import file_kind
from tests.assistant.factories import CONSENT_TEXT, CONSENT_VERSION

#: The worker crash, poison and resume tests start real worker processes (14-25 s each). Per
#: commit they run on the two pairings a deployment uses: the embedded default (SQLite with the
#: in-process engine) and production (PostgreSQL with Celery + Redis). The other two pairings run
#: when this variable is 1 (a nightly job): ``SECOND_OPINION_TEST_FULL_MATRIX=1 pytest tests/assistant/jobs``.
FULL_MATRIX = os.environ.get("SECOND_OPINION_TEST_FULL_MATRIX") == "1"
DEPLOYED_PAIRS = {("sqlite", "in_process"), ("postgresql", "celery")}
WORKER_TESTS = Path(__file__).with_name("test_workers.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the worker-process tests on pairings no deployment uses (unless the full matrix)."""
    if FULL_MATRIX:
        return
    keep, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        pair = (params.get("db"), params.get("mode"))
        if item.path == WORKER_TESTS and None not in pair and pair not in DEPLOYED_PAIRS:
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def seeded_chroma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Chroma store holding the starter pack, built once per test session."""
    data_dir = tmp_path_factory.mktemp("kb")
    settings = Settings(environment="test", data_dir=data_dir)
    ingest_starter_pack(settings)
    return settings.chroma_path


@pytest.fixture
def radiograph(shared_data: Path) -> Path:
    """A real Kermany paediatric pneumonia test radiograph."""
    folder = shared_data / "cxr" / "kermany" / "images"
    found = sorted(folder.glob("test_PNEUMONIA_*"))
    if not found:
        pytest.skip("no Kermany pneumonia test image")
    return found[0]


def submit_case(ctx: AppContext, patient: User, upload: Path | None) -> tuple[str, str]:
    """A patient's submitted case with one upload; returns (case_id, job_id).

    The file is stored before the transaction, as the upload service does (database storage
    on SQLite could not write while the session holds the database's write lock).
    """
    stored = ctx.storage.put_file(upload) if upload is not None else None
    with ctx.db.session() as s:
        case = cases.create_case(s, patient, "Pneumonia on chest X-ray")
        cases.update_intake(
            s,
            patient,
            case.id,
            IntakeRecord(
                diagnosis_in_question="Right lower lobe pneumonia on chest X-ray",
                main_question="Is it really pneumonia, and does it need another X-ray?",
                symptoms=[Symptom(description="cough and fever", onset="last week", duration="6 days")],
            ),
        )
        cases.record_consent(s, patient, CONSENT_VERSION, CONSENT_TEXT)
        if upload is not None:
            kind = file_kind(upload)
            cases.add_upload(
                s, patient, case.id, ctx.storage, None, upload.name, "image/jpeg", stored=stored, kind=kind
            )
        job = cases.submit_case(s, patient, case.id, CONSENT_VERSION)
        return case.id, job.id


@pytest.fixture
def job_ctx(tmp_path: Path, seeded_chroma: Path, db: Database) -> AppContext:
    """An AppContext on the test database, the seeded knowledge base and the mock LLM."""
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",
        llm={"mode": "mock"},
        knowledge={"chroma_path": seeded_chroma},  # type: ignore[arg-type]
        jobs={"lease_s": 30, "backoff_s": 0.0, "max_attempts": 2},  # type: ignore[arg-type]
    )
    return AppContext(settings, db=db)


@pytest.fixture
def patient(db: Database, make_user: Callable[..., User]) -> User:
    return make_user(db, Role.PATIENT)
