"""Does a login flood stall the rest of the app? Page latency before and during wrong-password floods.

Seeds a fresh data directory, serves the whole app on loopback (``tests/browser/_server.py``:
embedded SQLite, mock LLM), logs a clinician in, then times a database-backed page
(``/cockpit/``) alone and while N clients post wrong passwords as fast as they can:

- ``same``: every client from one address (the review's attack; throttling applies);
- ``spread``: each request from a new address and for a new name (``X-Forwarded-For``,
  trusted from loopback), so throttling never triggers and every request runs Argon2.

    PYTHONPATH=. python benchmarks/login_flood.py --clients 16 --seconds 10

Run it on an older checkout (``PYTHONPATH=<that checkout>``) for the figures before a change.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

PASSWORD = "correct-horse-battery-staple"


def _serve(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    from assistant.actors import SYSTEM
    from assistant.db.base import Database
    from assistant.db.migrate import upgrade
    from assistant.roles import Role
    from assistant.services import users

    db = Database.from_url(f"sqlite:///{data_dir / 'second_opinion.db'}")
    upgrade(db.engine)
    with db.session() as s:
        users.create_user(s, SYSTEM, "doc", PASSWORD, Role.CLINICIAN, "Dr Doc")
    db.dispose()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    root = Path(os.environ.get("PYTHONPATH", ".").split(os.pathsep)[0]).resolve()
    command = [sys.executable, "-m", "tests.browser._server", str(data_dir), str(port)]
    proc = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.25)
    proc.terminate()
    raise RuntimeError("the app did not start")


def _login(c: httpx.Client, username: str, password: str) -> int:
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
    assert token
    data = {"username": username, "password": password, "csrf_token": token.group(1)}
    return c.post("/login", data=data).status_code


def _page_times(c: httpx.Client, seconds: float) -> list[float]:
    out, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        assert c.get("/cockpit/", headers={"accept": "text/html"}).status_code == 200
        out.append(time.perf_counter() - start)
    return out


def _flood(url: str, mode: str, stop: threading.Event, statuses: Counter[int]) -> None:
    with httpx.Client(base_url=url, timeout=120) as c:
        while not stop.is_set():
            if mode == "spread":
                c.headers["x-forwarded-for"] = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
            c.cookies.clear()
            statuses[
                _login(c, f"guess-{uuid.uuid4().hex[:6]}" if mode == "spread" else "doc", "wrong-pass")
            ] += 1


def _summary(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    median = statistics.median(ms)
    return f"{name:>22}: n={len(ms):4d} median={median:7.1f} ms p95={p95:7.1f} ms max={ms[-1]:7.1f} ms"


def main() -> None:
    """Serve, measure alone, then under each flood mode; print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = _serve(Path(tmp))
        try:
            with httpx.Client(base_url=url, timeout=120) as staff:
                assert _login(staff, "doc", PASSWORD) == 303
                print(_summary("alone", _page_times(staff, 3)))
                for mode in ("same", "spread"):
                    stop, statuses = threading.Event(), Counter[int]()
                    threads = [threading.Thread(target=_flood, args=(url, mode, stop, statuses), daemon=True)
                               for _ in range(args.clients)]  # fmt: skip
                    for t in threads:
                        t.start()
                    time.sleep(1)
                    times = _page_times(staff, args.seconds)
                    stop.set()
                    for t in threads:
                        t.join(timeout=120)
                    print(_summary(f"{args.clients} clients, {mode}", times), dict(statuses))
                    time.sleep(2)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
