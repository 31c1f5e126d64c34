"""Cost of the audit seal: append latency with and without the HMAC chain and checkpoint, and verify time.

``python benchmarks/bench_audit_seal.py [N]`` appends N events (one transaction each, as
the application does) to a fresh SQLite database twice, unsealed then sealed, and times a
full ``verify_sealed`` walk. Prints the median and p95 per append and the verify rate.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from assistant import audit, audit_seal
from assistant.db.base import Database
from assistant.db.migrate import upgrade
from assistant.settings import Settings


def _append(db: Database, n: int) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        with db.session() as s:
            audit.record(s, None, "bench.event", target_type="case", target_id=i, details={"i": i})
        times.append((time.perf_counter() - start) * 1000)
    return times


def _summary(label: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"{label}: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms per append"


def main() -> None:
    """Run the benchmark and print the figures."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plain = Database.from_url(f"sqlite:///{root / 'plain.db'}")
        upgrade(plain.engine)
        print(_summary("unsealed", _append(plain, n)))
        settings = Settings(environment="test", data_dir=root / "data")
        sealed = Database.from_url(f"sqlite:///{root / 'sealed.db'}")
        upgrade(sealed.engine)
        sealer = audit_seal.install(sealed.engine, settings)
        print(_summary("sealed (HMAC + checkpoint file)", _append(sealed, n)))
        start = time.perf_counter()
        with sealed.session() as s:
            report = audit.verify_sealed(s, sealer)
        elapsed = time.perf_counter() - start
        print(f"verify_sealed: {report.events_checked} events in {elapsed:.2f} s "
              f"({report.events_checked / elapsed:,.0f} events/s), ok={report.ok}")  # fmt: skip


if __name__ == "__main__":
    main()
