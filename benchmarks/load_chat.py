"""Load test of the patient chat: N concurrent patients doing intake turns over socket.io.

Starts the whole app on loopback (embedded defaults: SQLite, local storage; LLM in mock
mode, in-process job runner off) with a fresh data directory, seeds N patients through
the services (already consented, so every turn is an intake answer), logs each in through
the app's own login page, opens one Chainlit socket.io session per patient, and sends the
nine intake answers. A turn's latency is the time from sending the message to the
assistant's reply (the next answer then waits for Chainlit's ``task_end``). No intake turn
calls the LLM. Prints a single-session baseline measured in the same run, the concurrent
p50/p95/max, the ratio to the baseline, and errors.

    .venv/bin/python benchmarks/load_chat.py --sessions 50
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
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


def seed(data_dir: Path, n: int) -> list[str]:
    """Create n consented patients through the services."""
    from assistant.actors import SYSTEM
    from assistant.chat.consent import current_consent
    from assistant.db.base import Database
    from assistant.db.migrate import upgrade
    from assistant.roles import Role
    from assistant.services import cases, users

    db = Database.from_url(f"sqlite:///{data_dir / 'second_opinion.db'}")
    upgrade(db.engine)
    consent = current_consent()
    names = [f"loadpatient{i:03d}" for i in range(n)]
    with db.session() as s:
        for name in names:
            user = users.create_user(s, SYSTEM, name, PASSWORD, Role.PATIENT, name)
            cases.record_consent(s, user, consent.version, consent.text)
    db.dispose()
    return names


async def login(url: str, name: str) -> str:
    """Log in through /login and obtain the chat session; returns the Cookie header."""
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


async def run(url: str, names: list[str], think_s: float) -> tuple[list[float], list[float], list[str]]:
    gate = asyncio.Semaphore(4)  # password hashing is deliberately slow; log in a few at a time

    async def one(name: str) -> str:
        async with gate:
            return await login(url, name)

    cookies = await asyncio.gather(*(one(n) for n in names))
    baseline: list[float] = []
    errors: list[str] = []
    await session(url, cookies[0], baseline, errors)  # alone: the baseline
    latencies: list[float] = []
    await asyncio.gather(*(session(url, c, latencies, errors, think_s) for c in cookies[1:]))
    return baseline, latencies, errors


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    """Seed, start the app, run the sessions, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent patient sessions")
    parser.add_argument(
        "--think-s", type=float, default=0.0, help="mean pause between turns (0: all sessions send at once)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="load-chat-") as tmp:
        data_dir = Path(tmp)
        names = seed(data_dir, args.sessions + 1)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, __file__, "--serve", str(data_dir), str(port)], cwd=REPO)
        try:
            for _ in range(240):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.25)
            started = time.perf_counter()
            baseline, latencies, errors = asyncio.run(run(url, names, args.think_s))
            wall = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    base_p95 = p95(baseline) if baseline else float("nan")
    base_p50 = 1e3 * statistics.median(baseline)
    print(
        f"baseline (1 session alone): {len(baseline)} turns, "
        f"p50 {base_p50:.0f} ms, p95 {1e3 * base_p95:.0f} ms"
    )
    if latencies:
        print(
            f"{args.sessions} concurrent sessions (think time {args.think_s:g} s): {len(latencies)} intake "
            f"turns in {wall:.1f} s; p50 {1e3 * statistics.median(latencies):.0f} ms, "
            f"p95 {1e3 * p95(latencies):.0f} ms, max {1e3 * max(latencies):.0f} ms; "
            f"p95 / baseline p95 = {p95(latencies) / base_p95:.1f}x"
        )
    kinds = sorted(set(errors))
    print(f"errors: {len(errors)}" + (f" ({kinds})" if errors else ""))
    print("target: p95 <= 300 ms for non-LLM turns, zero errors")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
    else:
        main()
