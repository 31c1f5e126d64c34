"""Recovery after kill -9: time from killing the worker that holds a stage to pending_review.

Starts two real worker processes (``second-opinion worker --name a|b``) on the chosen
engine, drafts one case undisturbed (the draft time), then submits a second case, waits
until its ``--kill-stage`` stage is running, kills the worker holding the lease with
SIGKILL, and prints the time until the other worker takes the stage and until the case
reaches ``pending_review``. Leases and sweeps are the production defaults unless given.

    python benchmarks/recovery.py [--engine in_process|celery|both] [--database-url URL]
        [--broker-url redis://127.0.0.1:6379/14] [--lease-s 30] [--sweep-s 10] [--llm mock]

Target (issue 16): kill -9 to pending_review <= 90 s plus the draft time.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, text

from assistant.context import AppContext
from assistant.db.base import Database, make_engine
from assistant.db.migrate import upgrade
from assistant.db.models import Case, Job, JobEvent
from assistant.jobs.dispatch import dispatch
from assistant.knowledge_base import ingest_starter_pack
from assistant.lifecycle import CaseStatus
from assistant.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_submit_to_review import DEFAULT_IMAGE, submit


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> float:
    """Poll until ``predicate`` holds; returns the monotonic time it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(step)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


class Bench:
    """One engine's setup: settings shared by this process and its two workers."""

    def __init__(self, args: argparse.Namespace, engine: str, data_dir: Path, db_url: str) -> None:
        self.args, self.engine, self.data_dir, self.db_url = args, engine, data_dir, db_url
        self.env = {
            **os.environ,
            "SECOND_OPINION_DATA_DIR": str(data_dir),
            "SECOND_OPINION_DATABASE__URL": db_url,
            "SECOND_OPINION_LLM__MODE": args.llm,
            "SECOND_OPINION_JOBS__MODE": engine,
            "SECOND_OPINION_JOBS__BROKER_URL": args.broker_url,
            "SECOND_OPINION_JOBS__LEASE_S": str(args.lease_s),
            "SECOND_OPINION_JOBS__SWEEP_S": str(args.sweep_s),
            "HF_HUB_OFFLINE": "1",
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        }
        settings = Settings(
            data_dir=data_dir,
            database={"url": db_url},  # type: ignore[arg-type]
            llm={"mode": args.llm},  # type: ignore[arg-type]
            jobs={"mode": engine, "broker_url": args.broker_url, "lease_s": args.lease_s},  # type: ignore[arg-type]
        )
        self.ctx = AppContext(settings, db=Database(make_engine(db_url)))
        self.workers: dict[str, subprocess.Popen[bytes]] = {}

    def start_workers(self) -> None:
        for name in ("a", "b"):
            log = (self.data_dir / f"worker-{name}.log").open("wb")
            cmd = [sys.executable, "-m", "assistant.cli", "-v", "worker", "--name", name]
            self.workers[name] = subprocess.Popen(
                cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        for name in self.workers:
            path = self.data_dir / f"worker-{name}.log"

            def ready(p: Path = path) -> bool:
                return "ready" in p.read_text(errors="replace")

            wait_for(ready, 180, f"worker {name} ready", 0.5)

    def stop_workers(self) -> None:
        for proc in self.workers.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def status(self, case_id: str) -> CaseStatus:
        with self.ctx.db.session() as s:
            case = s.get(Case, case_id)
            assert case is not None
            return case.status

    def events(self, job_id: str) -> list[JobEvent]:
        with self.ctx.db.session() as s:
            return list(s.scalars(select(JobEvent).where(JobEvent.job_id == job_id).order_by(JobEvent.id)))

    def holder_pid(self, job_id: str) -> int | None:
        with self.ctx.db.session() as s:
            job = s.get(Job, job_id)
            worker = job.worker_id if job is not None and job.status == "running" else None
        found = re.search(r":(\d+)", (worker or "").split("#")[0])
        return int(found.group(1)) if found else None

    def draft_once(self, image: Path, user: str) -> float:
        case_id, job_id = submit(self.ctx, image, user)
        start = time.monotonic()
        dispatch(self.ctx, job_id)
        done = wait_for(
            lambda: self.status(case_id) is CaseStatus.PENDING_REVIEW, 600, "the first draft", 0.2
        )
        return done - start

    def kill_and_recover(self, image: Path, user: str) -> dict[str, float]:
        case_id, job_id = submit(self.ctx, image, user)
        stage = self.args.kill_stage
        dispatch(self.ctx, job_id)
        wait_for(lambda: any(e.stage == _progress_name(stage) for e in self.events(job_id)), 600, f"{stage}")
        pid = self.holder_pid(job_id)
        victim = next((n for n, p in self.workers.items() if p.pid == pid), None)
        if victim is None:
            raise RuntimeError(f"no worker of ours holds the {stage} stage (pid {pid})")
        os.killpg(self.workers[victim].pid, signal.SIGKILL)
        killed = time.monotonic()
        self.workers[victim].wait(timeout=10)
        resumed = wait_for(
            lambda: any(e.message == f"{stage} attempt 2" for e in self.events(job_id)), 600, "the resume"
        )
        done = wait_for(lambda: self.status(case_id) is CaseStatus.PENDING_REVIEW, 900, "pending_review", 0.2)
        return {"kill_to_resume_s": resumed - killed, "kill_to_pending_review_s": done - killed}


def _progress_name(stage: str) -> str:
    return "checking" if stage == "checks" else stage


def _database_url(args: argparse.Namespace, data_dir: Path, engine: str) -> tuple[str, Callable[[], None]]:
    """A fresh database: SQLite in the data folder, or a new schema in the given PostgreSQL."""
    if not args.database_url:
        return f"sqlite:///{data_dir / 'bench.db'}", lambda: None
    schema = f"bench_recovery_{engine}_{os.getpid()}"
    admin = make_engine(args.database_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in args.database_url else "?"
    return f"{args.database_url}{sep}options=-csearch_path%3D{schema}", drop


def run_engine(args: argparse.Namespace, engine: str, image: Path, knowledge: Path) -> dict[str, float]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-recovery-{engine}-"))
    os.symlink(knowledge, data_dir / "chroma")
    db_url, drop = _database_url(args, data_dir, engine)
    bench = Bench(args, engine, data_dir, db_url)
    upgrade(bench.ctx.db.engine)
    if engine == "celery":
        import redis

        redis.Redis.from_url(args.broker_url).flushdb()
    try:
        bench.start_workers()
        draft_s = bench.draft_once(image, f"bench-{engine}-1")
        figures = bench.kill_and_recover(image, f"bench-{engine}-2")
    finally:
        bench.stop_workers()
        bench.ctx.db.engine.dispose()
        drop()
    return {"draft_s": draft_s, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", default="both", choices=["in_process", "celery", "both"])
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL URL (a fresh schema is used); default SQLite"
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--lease-s", type=float, default=Settings().jobs.lease_s)
    parser.add_argument("--sweep-s", type=float, default=Settings().jobs.sweep_s)
    parser.add_argument(
        "--kill-stage", default="imaging", choices=["imaging", "retrieval", "drafting", "checks"]
    )
    parser.add_argument("--llm", default="mock", choices=["mock", "embedded"])
    parser.add_argument("--image", type=Path, default=None)
    args = parser.parse_args()
    image = args.image or sorted(DEFAULT_IMAGE.glob("test_PNEUMONIA_*"))[0]
    knowledge = Path(tempfile.mkdtemp(prefix="bench-recovery-kb-"))
    kb_settings = Settings(data_dir=knowledge)
    print("starter pack:", ingest_starter_pack(kb_settings), flush=True)
    engines = ["in_process", "celery"] if args.engine == "both" else [args.engine]
    print(
        f"lease {args.lease_s:.0f} s, sweep {args.sweep_s:.0f} s, LLM {args.llm}, "
        f"kill during {args.kill_stage}"
    )
    for engine in engines:
        f = run_engine(args, engine, image, kb_settings.chroma_path)
        verdict = "meets" if f["kill_to_pending_review_s"] <= 90 + f["draft_s"] else "MISSES"
        print(
            f"{engine:<10} draft {f['draft_s']:5.1f} s"
            f" | kill -9 -> stage resumed {f['kill_to_resume_s']:5.1f} s"
            f" | kill -9 -> pending_review {f['kill_to_pending_review_s']:5.1f} s"
            f" ({verdict} <= 90 s + draft time)",
            flush=True,
        )


if __name__ == "__main__":
    main()
