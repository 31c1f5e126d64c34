"""Load test of the patient chat: N concurrent patients doing intake turns over socket.io.

Starts the whole app on loopback (embedded defaults: SQLite, local storage; LLM in mock
mode, in-process job runner off) with a fresh data directory, seeds N patients through
the services (already consented, so every turn is an intake answer), logs each in through
the app's own login page, opens one Chainlit socket.io session per patient, and sends the
nine intake answers (after one unmeasured warm-up session per instance, whose first turn
loads the triage model). A turn's latency is the time from sending the message to the
assistant's reply (the next answer then waits for Chainlit's ``task_end``). No intake turn
calls the LLM. Prints a single-session baseline measured in the same run, the concurrent
p50/p95/max, the ratio to the baseline, and errors.

With ``--instances 1,3`` it measures the production shape instead, once per instance count:
that many app processes on one PostgreSQL database (a fresh schema, dropped afterwards) behind
Debian's HAProxy running ``deploy/haproxy.cfg`` (rendered by ``deploy/render_haproxy.py``, the
files docs/deploy.md installs). Patients log in through the balancer, which pins each one to an
instance with its affinity cookie; the report says how many sessions each instance held.

    .venv/bin/python benchmarks/load_chat.py --sessions 50
    .venv/bin/python benchmarks/load_chat.py --sessions 200 --instances 1,3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import socketio

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PASSWORD = "load-test-password-123"
ANSWERS = [
    "My chest X-ray report says right lower lobe pneumonia",
    "The antibiotics are not helping",
    "cough for 3 weeks; tired since last month",
    "asthma as a child",
    "amoxicillin, salbutamol",
    "penicillin",
    "a chest X-ray two weeks ago",
    "Is it really pneumonia?",
    "46, male",
]


def serve(data_dir: str, port: str) -> None:
    """Run the app (child process)."""
    import uvicorn

    from assistant.context import AppContext
    from assistant.settings import Settings
    from assistant.web.app import create_app

    settings = Settings(environment="test", data_dir=Path(data_dir), llm={"mode": "mock"})  # type: ignore[arg-type]
    try:
        app = create_app(settings, context=AppContext(settings), run_jobs=False)  # type: ignore[call-arg]
    except TypeError:
        app = create_app(settings, context=AppContext(settings))
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning")


def seed(data_dir: Path, n: int, database_url: str | None = None) -> list[str]:
    """Create n consented patients (one Argon2 hash shared by all, so seeding 200 is quick)."""
    from assistant.chat.consent import current_consent
    from assistant.db.base import Database
    from assistant.db.migrate import upgrade
    from assistant.db.models import User
    from assistant.passwords import hash_password
    from assistant.roles import Role
    from assistant.services import cases

    db = Database.from_url(database_url or f"sqlite:///{data_dir / 'second_opinion.db'}")
    upgrade(db.engine)
    consent = current_consent()
    digest = hash_password(PASSWORD)
    names = [f"loadpatient{i:03d}" for i in range(n)]
    with db.session() as s:
        for name in names:
            user = User(username=name, display_name=name, role=Role.PATIENT, password_hash=digest)
            s.add(user)
            s.flush()
            cases.record_consent(s, user, consent.version, consent.text)
    db.dispose()
    return names


async def login(url: str, name: str, attempts: int = 3) -> str:
    """Log in through /login and obtain the chat session; returns the Cookie header.

    Behind the balancer the header also carries its affinity cookie, pinning the session.
    Logging in is not measured: on a heavily loaded machine a dropped connection is retried.
    """
    for attempt in range(attempts):
        try:
            return await _login_once(url, name)
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


async def _login_once(url: str, name: str) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        page = await client.get("/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, "no CSRF token on the login page"
        data = {"username": name, "password": PASSWORD, "csrf_token": match.group(1)}
        await client.post("/login", data=data)
        response = await client.post("/chat/auth/header")
        response.raise_for_status()
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


async def session(
    url: str, cookies: str, latencies: list[float], errors: list[str], think_s: float = 0.0
) -> None:
    """One patient: connect, wait for the first question, answer every intake question."""
    sio = socketio.AsyncClient(reconnection=False)
    turn_done = asyncio.Event()
    texts: list[str] = []

    replied = asyncio.Event()

    @sio.on("*")  # type: ignore[misc]
    async def _any(event: str, data: object = None) -> None:
        if event == "task_end":
            turn_done.set()
        elif event in ("new_message", "update_message") and isinstance(data, dict):
            texts.append(str(data.get("output", "")))
            if data.get("type") == "assistant_message":
                replied.set()
            if data.get("name") == "Error" or "went wrong" in str(data.get("output", "")):
                errors.append(str(data.get("output", ""))[:200])

    auth = {"sessionId": str(uuid.uuid4()), "clientType": "webapp", "threadId": None, "userEnv": "{}"}
    await sio.connect(url, socketio_path="/chat/ws/socket.io", transports=["websocket"],
                      headers={"Cookie": cookies}, auth=auth, wait_timeout=30)  # fmt: skip
    await sio.emit("connection_successful")
    for _ in range(300):
        if any("Which diagnosis" in t for t in texts):
            break
        await asyncio.sleep(0.1)
    else:
        errors.append("no first question")
    await asyncio.sleep(0.5)  # let the opening turn finish before the first answer
    for answer in ANSWERS:
        if think_s:
            await asyncio.sleep(random.uniform(0.5 * think_s, 1.5 * think_s))  # the patient reads and types
        turn_done.clear()
        replied.clear()
        message = {"id": str(uuid.uuid4()), "threadId": "", "name": "User", "type": "user_message",
                   "output": answer, "createdAt": datetime.now(UTC).isoformat()}  # fmt: skip
        started = time.perf_counter()
        await sio.emit("client_message", {"message": message, "fileReferences": None})
        try:
            await asyncio.wait_for(replied.wait(), timeout=30)  # the reply the patient sees
            latencies.append(time.perf_counter() - started)
            await asyncio.wait_for(turn_done.wait(), timeout=30)  # the turn is over
        except TimeoutError:
            errors.append("turn timed out")
    if not any("upload your images" in t for t in texts):
        errors.append("intake did not reach the upload step")
    await sio.disconnect()


@dataclass
class Measured:
    """One configuration's figures."""

    label: str
    sessions: int
    baseline: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    pinned: Counter[str] = field(default_factory=Counter)
    app_cpu_s: float = 0.0  # CPU time of every app instance during the concurrent phase
    client_cpu_s: float = 0.0  # CPU time of this process (the patients' sockets) meanwhile
    baseline_cpu_s: float = 0.0  # CPU time of the app instances during the baseline session


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (all their threads), from /proc (0 elsewhere)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


async def run(url: str, names: list[str], think_s: float, result: Measured, pids: list[int]) -> None:
    """Log every patient in, run one session alone (the baseline), then all the others at once.

    ``pids`` are the app processes whose CPU time the baseline and the concurrent phase cost.
    """
    gate = asyncio.Semaphore(4)  # password hashing is deliberately slow; log in a few at a time

    async def one(name: str) -> str:
        async with gate:
            return await login(url, name)

    cookies = list(await asyncio.gather(*(one(n) for n in names)))
    by_node: dict[str, list[str]] = {}
    for header in cookies:
        node = re.search(r"(?:^|; )SO_NODE=([^;]+)", header)
        by_node.setdefault(node.group(1) if node else "direct", []).append(header)
    # One unmeasured session per instance first: its first turn loads the triage model (seconds).
    warm_up = [headers[0] for headers in by_node.values()]
    await asyncio.gather(*(session(url, c, [], []) for c in warm_up))
    cookies = [c for c in cookies if c not in warm_up][: result.sessions + 1]
    for header in cookies:
        node = re.search(r"(?:^|; )SO_NODE=([^;]+)", header)
        result.pinned[node.group(1) if node else "direct"] += 1
    cpu = cpu_seconds(pids)
    await session(url, cookies[0], result.baseline, result.errors)  # alone: the baseline
    result.baseline_cpu_s = cpu_seconds(pids) - cpu
    started, cpu, client = time.perf_counter(), cpu_seconds(pids), time.process_time()
    await asyncio.gather(*(session(url, c, result.latencies, result.errors, think_s) for c in cookies[1:]))
    result.wall_s = time.perf_counter() - started
    result.app_cpu_s = cpu_seconds(pids) - cpu
    result.client_cpu_s = time.process_time() - client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def wait_healthy(url: str) -> None:
    """Poll /healthz until the app answers (at most a minute)."""
    for _ in range(240):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.25)
    raise SystemExit(f"the app at {url} did not start")


def run_direct(sessions: int, think_s: float) -> Measured:
    """One instance on the embedded defaults (SQLite), no balancer: the original measurement."""
    result = Measured("1 instance, direct, SQLite", sessions)
    with tempfile.TemporaryDirectory(prefix="load-chat-") as tmp:
        data_dir = Path(tmp)
        names = seed(data_dir, sessions + 2)  # one more for the warm-up session
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, __file__, "--serve", str(data_dir), str(port)], cwd=REPO)
        try:
            wait_healthy(url)
            asyncio.run(run(url, names, think_s, result, [proc.pid]))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return result


def run_balanced(sessions: int, think_s: float, instances: int, pg_url: str) -> Measured:
    """``instances`` app processes on one PostgreSQL schema behind HAProxy (deploy/haproxy.cfg)."""
    from sqlalchemy import text

    from assistant.db.base import make_engine
    from tests.deploy.cluster import haproxy_installed, start_cluster

    if not haproxy_installed():
        raise SystemExit("HAProxy is not installed: make haproxy (or apt-get install -y haproxy)")
    result = Measured(f"{instances} instance(s) behind HAProxy, PostgreSQL", sessions)
    schema = f"load_chat_{os.getpid()}_{instances}"
    url = f"{pg_url}?options=-csearch_path%3D{schema}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="load-chat-lb-") as tmp:
            names = seed(Path(tmp), sessions + 1 + instances, url)  # one warm-up session per instance
            env = {"SECOND_OPINION_DATABASE__URL": url}
            cluster = start_cluster(Path(tmp), [f"app{i + 1}" for i in range(instances)], env)
            try:
                pids = [i.proc.pid for i in cluster.instances.values()]
                asyncio.run(run(cluster.url, names, think_s, result, pids))
            finally:
                cluster.stop()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    return result


def report(result: Measured, think_s: float) -> str:
    """The figures of one configuration, in words."""
    lines = [f"== {result.label}"]
    if result.baseline:
        lines.append(
            f"baseline (1 session alone): {len(result.baseline)} turns, "
            f"p50 {1e3 * statistics.median(result.baseline):.0f} ms, p95 {1e3 * p95(result.baseline):.0f} ms"
        )
    if result.latencies:
        ratio = p95(result.latencies) / p95(result.baseline) if result.baseline else float("nan")
        lines.append(
            f"{result.sessions} concurrent sessions (think time {think_s:g} s): "
            f"{len(result.latencies)} intake turns in {result.wall_s:.1f} s; "
            f"p50 {1e3 * statistics.median(result.latencies):.0f} ms, "
            f"p95 {1e3 * p95(result.latencies):.0f} ms, max {1e3 * max(result.latencies):.0f} ms; "
            f"p95 / baseline p95 = {ratio:.1f}x"
        )
    if result.latencies and result.app_cpu_s:
        lines.append(
            f"CPU per turn: app {1e3 * result.app_cpu_s / len(result.latencies):.1f} ms "
            f"(all instances together; {1e3 * result.baseline_cpu_s / max(1, len(result.baseline)):.1f} ms "
            f"in the baseline session), client {1e3 * result.client_cpu_s / len(result.latencies):.1f} ms"
        )
    if set(result.pinned) != {"direct"}:
        lines.append(
            "sessions per instance: " + ", ".join(f"{k} {v}" for k, v in sorted(result.pinned.items()))
        )
    kinds = sorted(set(result.errors))
    lines.append(f"errors: {len(result.errors)}" + (f" ({kinds})" if result.errors else ""))
    return "\n".join(lines)


def main() -> None:
    """Seed, start the app (or the balanced cluster), run the sessions, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent patient sessions")
    parser.add_argument(
        "--think-s", type=float, default=0.0, help="mean pause between turns (0: all sessions send at once)"
    )
    parser.add_argument(
        "--instances",
        default="",
        help="comma-separated instance counts to run behind HAProxy on PostgreSQL, e.g. 1,3 "
        "(empty: one instance, direct, SQLite)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "SECOND_OPINION_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        help="PostgreSQL database for the balanced runs (a schema is created and dropped in it)",
    )
    args = parser.parse_args()
    counts = [int(c) for c in args.instances.split(",") if c.strip()]
    for count in counts or [0]:  # print each configuration as soon as it is measured
        if count:
            result = run_balanced(args.sessions, args.think_s, count, args.pg_url)
        else:
            result = run_direct(args.sessions, args.think_s)
        print(report(result, args.think_s), flush=True)
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("target: p95 <= 300 ms for non-LLM turns, zero errors")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
    else:
        main()
