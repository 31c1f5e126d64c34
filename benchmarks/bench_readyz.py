"""What a balancer's /readyz poll costs: one full round of checks, and a cached answer.

Builds the app on a migrated database (SQLite by default, PostgreSQL with ``--pg``) with
two starter-pack documents ingested, then requests ``/readyz`` in-process: first with
``health.cache_s = 0`` (every poll runs every check), then with the default cache, and
``/healthz`` as the baseline. Prints p50/p95 of each and the per-component times.

    .venv/bin/python benchmarks/bench_readyz.py --requests 200 [--pg]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402

from assistant.components import knowledge_config  # noqa: E402
from assistant.context import AppContext  # noqa: E402
from assistant.db.base import make_engine  # noqa: E402
from assistant.db.migrate import upgrade  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.web.app import create_app  # noqa: E402

PG_URL = os.environ.get("SECOND_OPINION_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _ingest(root: Path) -> Path:
    from knowledge import pack_path
    from knowledge.retrieval import Retriever

    sources = root / "sources"
    sources.mkdir()
    for name in ("asthma.md", "atelectasis.md"):
        shutil.copy(pack_path() / name, sources / name)
    chroma = root / "chroma"
    settings = Settings(environment="test", knowledge={"chroma_path": chroma})  # type: ignore[arg-type]
    retriever = Retriever(knowledge_config(settings))
    retriever.ingest_paths([sources])
    retriever.index.close()
    return chroma


def _time(client: TestClient, path: str, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(1e3 * (time.perf_counter() - started))
        assert response.status_code == 200, response.text
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    """Run the measurement and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pg", action="store_true", help="Use PostgreSQL (a private schema).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        chroma = _ingest(root)
        database: dict[str, str] = {}
        if args.pg:
            schema = f"bench_readyz_{os.getpid()}"
            admin = make_engine(PG_URL)
            with admin.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            database = {"url": f"{PG_URL}?options=-csearch_path%3D{schema}"}
        try:
            rounds = (("/readyz, every poll checks", 0.0), ("/readyz, cached (default 5 s)", 5.0))
            for label, cache_s in rounds:
                settings = Settings(
                    environment="test",
                    data_dir=root / "data",
                    llm={"mode": "mock"},  # type: ignore[arg-type]
                    knowledge={"chroma_path": chroma},  # type: ignore[arg-type]
                    health={"cache_s": cache_s},  # type: ignore[arg-type]
                    database=database,  # type: ignore[arg-type]
                )
                ctx = AppContext(settings)
                upgrade(ctx.db.engine)
                client = TestClient(create_app(settings, context=ctx, with_chat=False, run_jobs=False))
                client.get("/readyz")  # warm the pool and the migration-head lookup
                p50, p95 = _time(client, "/readyz", args.requests)
                print(f"{label:<32} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
                if cache_s == 0.0:
                    body = client.get("/readyz").json()["components"]
                    print("  per component (ms): " + ", ".join(f"{k} {v['ms']}" for k, v in body.items()))
                    hp50, hp95 = _time(client, "/healthz", args.requests)
                ctx.close()
            print(f"{'/healthz (baseline)':<32} p50 {hp50:6.2f} ms  p95 {hp95:6.2f} ms")
        finally:
            if args.pg:
                with admin.begin() as conn:
                    conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                admin.dispose()


if __name__ == "__main__":
    main()
