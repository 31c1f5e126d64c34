"""Review-queue page latency with 10,000 cases in PostgreSQL (target: p95 <= 150 ms).

Fills a private PostgreSQL schema with N cases waiting for review (5% urgent), each with
an AI draft carrying realistic checks and evidence JSON and one upload, then requests the
queue page through the whole app (session, role check, queries, template) in-process and
prints p50/p95 for the first page, a deep page, the urgent filter and a title search,
next to ``/healthz`` measured the same way as the baseline.

    SECOND_OPINION_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/bench_queue.py --cases 10000 --requests 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.context import AppContext  # noqa: E402
from assistant.db.base import Database, make_engine  # noqa: E402
from assistant.db.migrate import upgrade  # noqa: E402
from assistant.db.models import Case, Draft, Upload, User  # noqa: E402
from assistant.lifecycle import CaseStatus  # noqa: E402
from assistant.passwords import hash_password  # noqa: E402
from assistant.roles import Role  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.web.app import create_app  # noqa: E402
from tests.assistant.web.staff import CHECKS, draft_content, evidence  # noqa: E402

PG_URL = os.environ.get("SECOND_OPINION_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "benchmark-password-1"
DIAGNOSES = ("Right lower lobe pneumonia", "Pulmonary nodule", "Emphysema", "Pleural effusion", "Lung cancer")


def _fill(db: Database, n: int) -> None:
    now = dt.datetime.now(dt.UTC)
    with db.session() as s:
        patient = User(
            username="bench-patient",
            display_name="Bench Patient",
            role=Role.PATIENT,
            password_hash=hash_password(PASSWORD),
        )
        s.add(patient)
        s.add(
            User(
                username="bench-clinician",
                display_name="Dr Bench",
                role=Role.CLINICIAN,
                password_hash=patient.password_hash,
            )
        )
        s.flush()
        pid = patient.id
    content, ev = draft_content(), evidence("a" * 64, "b" * 64)
    batch = 1000
    for start in range(0, n, batch):
        cases, drafts, uploads = [], [], []
        for i in range(start, min(start + batch, n)):
            cid = str(uuid.uuid4())
            submitted = now - dt.timedelta(minutes=n - i)
            diagnosis = DIAGNOSES[i % len(DIAGNOSES)]
            cases.append(
                {
                    "id": cid,
                    "patient_id": pid,
                    "status": CaseStatus.PENDING_REVIEW,
                    "priority": 0 if i % 20 == 0 else 1,
                    "title": diagnosis,
                    "intake": {"diagnosis_in_question": diagnosis, "main_question": "Is it right?"},
                    "red_flags": ["chest pain"] if i % 20 == 0 else [],
                    "status_reason": "",
                    "created_at": submitted,
                    "updated_at": submitted,
                    "submitted_at": submitted,
                    "first_submitted_at": submitted,
                    "row_version": 1,
                }
            )
            drafts.append(
                {
                    "id": str(uuid.uuid4()),
                    "case_id": cid,
                    "version": 1,
                    "kind": "ai_original",
                    "content": content,
                    "content_sha256": "0" * 64,
                    "is_signed": False,
                    "prompt_name": "opinion",
                    "prompt_version": "1",
                    "prompt_sha256": "0" * 64,
                    "model_id": "bench",
                    "checks": CHECKS,
                    "evidence": ev,
                    "created_at": submitted,
                }
            )
            uploads.append(
                {
                    "id": str(uuid.uuid4()),
                    "case_id": cid,
                    "uploaded_by_id": pid,
                    "filename": "chest.dcm",
                    "content_type": "application/dicom",
                    "size_bytes": 1000,
                    "sha256": "c" * 64,
                    "storage_key": "c" * 64,
                    "status": "received",
                    "summary": {"modality": "DX"},
                    "original_identifiers": {},
                    "created_at": submitted,
                }
            )
        with db.engine.begin() as conn:
            conn.execute(insert(Case), cases)
            conn.execute(insert(Draft), drafts)
            conn.execute(insert(Upload), uploads)
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _time(client: object, path: str, n: int) -> list[float]:
    get = client.get  # type: ignore[attr-defined]
    for _ in range(5):  # warm-up
        assert get(path).status_code == 200
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = get(path)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, path
    return out


def _time_service(db: Database, page: int, n: int) -> list[float]:
    """The queue query and row building alone (no HTTP, session or template)."""
    from sqlalchemy import select

    from assistant.services.queue_view import queue_page

    with db.session() as s:
        user = s.scalars(select(User).where(User.username == "bench-clinician")).one()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        with db.session() as s:
            queue_page(s, user, page=page)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    """Build the database, measure, print, drop the schema."""
    from fastapi.testclient import TestClient

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    schema = f"bench_queue_{os.getpid()}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        db = Database(make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}"))
        upgrade(db.engine)
        t0 = time.perf_counter()
        _fill(db, args.cases)
        print(f"filled {args.cases} cases (drafts + uploads) in {time.perf_counter() - t0:.1f} s")
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(environment="test", data_dir=Path(tmp), llm={"mode": "mock"})  # type: ignore[arg-type]
            client = TestClient(create_app(settings, context=AppContext(settings, db=db), with_chat=False))
            token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/login", data={"username": "bench-clinician", "password": PASSWORD, "csrf_token": token}
            )
            pages = max(1, args.cases // 25)
            rows = [
                ("/healthz (baseline)", "/healthz"),
                ("queue page 1", "/cockpit/"),
                (f"queue page {pages // 2}", f"/cockpit/?page={pages // 2}"),
                ("urgent only", "/cockpit/?urgent=true"),
                ("title search", "/cockpit/?q=nodule"),
            ]
            base = None
            print(f"{'request':<24} {'p50 ms':>8} {'p95 ms':>8} {'x baseline p95':>15}")
            for label, path in rows:
                times = _time(client, path, args.requests)
                p95 = _p(times, 95)
                base = base or p95
                print(f"{label:<24} {statistics.median(times):>8.1f} {p95:>8.1f} {p95 / base:>15.1f}")
            times = _time_service(db, pages // 2, args.requests)
            print(f"{'service only, deep page':<24} {statistics.median(times):>8.1f} {_p(times, 95):>8.1f}")
        db.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
