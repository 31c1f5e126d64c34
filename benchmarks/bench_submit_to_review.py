"""Time from submission to pending_review for one case, by stage, on the embedded defaults.

Creates a fresh data directory (demo accounts, starter knowledge pack), submits a case with
one chest radiograph, runs the drafting job in-process, and prints the duration of each
stage from the job's progress events. Run twice with --reuse to separate one-off model
loading from the steady state.

    python benchmarks/bench_submit_to_review.py [--llm embedded|mock] [--image PATH]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

from assistant.actors import SYSTEM
from assistant.chat.consent import current_consent
from assistant.context import AppContext
from assistant.db.migrate import upgrade
from assistant.intake import IntakeRecord
from assistant.jobs.engine import execute_next
from assistant.knowledge_base import ingest_starter_pack
from assistant.roles import Role
from assistant.services import cases, jobs, users
from assistant.settings import Settings

DEFAULT_IMAGE = Path(__file__).resolve().parents[1].parent / "shared/data/cxr/kermany/images"


def submit(ctx: AppContext, image: Path, username: str) -> tuple[str, str]:
    with ctx.db.session() as s:
        patient = users.create_user(s, SYSTEM, username, "benchmark-password", Role.PATIENT)
        case = cases.create_case(s, patient, "Pneumonia")
        cases.update_intake(
            s,
            patient,
            case.id,
            IntakeRecord(
                diagnosis_in_question="Pneumonia in the right lower lobe on chest X-ray",
                main_question="Is it really pneumonia, and do I need another X-ray?",
            ),
        )
        consent = current_consent()
        cases.record_consent(s, patient, consent.version, consent.text)
        with image.open("rb") as fh:
            cases.add_upload(s, patient, case.id, ctx.storage, fh, image.name, "image/jpeg")
        return case.id, cases.submit_case(s, patient, case.id, consent.version).id


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--llm", default="embedded", choices=["embedded", "mock"])
    parser.add_argument("--image", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=2, help="cases drafted in one process")
    args = parser.parse_args()
    image = args.image or sorted(DEFAULT_IMAGE.glob("test_PNEUMONIA_*"))[0]
    data_dir = Path(tempfile.mkdtemp(prefix="bench-draft-"))
    settings = Settings(data_dir=data_dir, llm={"mode": args.llm})  # type: ignore[arg-type]
    ctx = AppContext(settings)
    upgrade(ctx.db.engine)
    t0 = time.perf_counter()
    print("starter pack:", ingest_starter_pack(settings, ctx), f"({time.perf_counter() - t0:.1f} s)")
    for run in range(1, args.runs + 1):
        _case_id, job_id = submit(ctx, image, f"bench{run}")
        start = time.perf_counter()
        execute_next(ctx, "bench", job_id=job_id)
        total = time.perf_counter() - start
        with ctx.db.session() as s:
            events = jobs.events_for_job(s, job_id)
            stages = [(e.stage, e.created_at) for e in events]
        print(f"run {run} ({'cold' if run == 1 else 'warm'}): submit-to-pending_review {total:.1f} s")
        for (stage, at), (_, nxt) in itertools.pairwise(stages):
            print(f"  {stage:<10} {(nxt - at).total_seconds():6.1f} s")


if __name__ == "__main__":
    main()
