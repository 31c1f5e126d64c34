"""Several app instances on one PostgreSQL database behind Debian's HAProxy, for the deploy tests.

The instances are the browser tests' server (``tests/browser/_server.py``: mock LLM, no
in-process job runner) pointed at one PostgreSQL schema and one data directory through the
same environment variables an operator sets (``SECOND_OPINION_DATABASE__URL``, ...). HAProxy
runs the configuration rendered from ``deploy/haproxy.cfg`` by ``deploy/render_haproxy.py``,
the files the deployment guide tells operators to use. ``benchmarks/load_chat.py`` starts its
balanced configurations with these helpers too.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import httpx

REPO = Path(__file__).resolve().parents[2]

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
RENDERER = REPO / "deploy" / "render_haproxy.py"


def haproxy_installed() -> bool:
    """Whether Debian's HAProxy is on this machine."""
    return Path(HAPROXY).is_file()


def renderer() -> ModuleType:
    """``deploy/render_haproxy.py`` loaded as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("render_haproxy", RENDERER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, log: Path, seconds: float = 120, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``url`` until it answers 200; raise with the end of ``log`` if it never does or ``proc`` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s: " + log.read_text()[-2000:])


@dataclass
class Instance:
    """One app process."""

    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        """Its own address (not through the balancer)."""
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    """App instances behind one HAProxy; ``url`` is the balancer's address."""

    url: str
    root: Path
    instances: dict[str, Instance]
    haproxy: subprocess.Popen[bytes] | None = None
    config: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def kill(self, name: str) -> None:
        """``kill -9`` one instance (a crash, not a graceful stop)."""
        proc = self.instances[name].proc
        proc.kill()
        proc.wait(timeout=20)

    def stop(self) -> None:
        """Stop HAProxy and every instance still running."""
        procs = [i.proc for i in self.instances.values()] + ([self.haproxy] if self.haproxy else [])
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_instances(root: Path, names: list[str], env: dict[str, str]) -> dict[str, Instance]:
    """Start one app process per name on one data directory; wait until each answers /healthz."""
    data_dir = root / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    child_env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OMP_NUM_THREADS="1")
    # One audit key for all, as the guide requires: instances starting together must not each
    # create their own key file.
    child_env["SECOND_OPINION_INTEGRITY__AUDIT_KEY"] = "deploy-test-audit-key-shared-by-every-instance"
    child_env.update(env)
    instances: dict[str, Instance] = {}
    for name in names:
        port = free_port()
        log = root / f"{name}.log"
        with log.open("w") as out:
            command = [sys.executable, "-m", "tests.browser._server", str(data_dir), str(port)]
            proc = subprocess.Popen(command, cwd=REPO, env=child_env, stdout=out, stderr=subprocess.STDOUT)
        instances[name] = Instance(name, port, proc, log)
    try:
        for instance in instances.values():
            wait_for(f"{instance.url}/healthz", instance.log, seconds=240, proc=instance.proc)
    except BaseException:
        Cluster("", root, instances).stop()
        raise
    return instances


def start_haproxy(root: Path, instances: dict[str, Instance]) -> tuple[str, subprocess.Popen[bytes], Path]:
    """Render deploy/haproxy.cfg for ``instances``, check it with ``haproxy -c``, run it in the foreground."""
    port = free_port()
    servers = [(i.name, f"127.0.0.1:{i.port}") for i in instances.values()]
    config = root / "haproxy.cfg"
    config.write_text(renderer().render(f"127.0.0.1:{port}", servers), encoding="utf-8")
    check = subprocess.run(
        [HAPROXY, "-c", "-q", "-f", str(config)], capture_output=True, text=True, check=False
    )
    if check.returncode != 0:
        raise RuntimeError(f"haproxy refused the rendered configuration: {check.stdout}{check.stderr}")
    log = root / "haproxy.log"
    with log.open("w") as out:
        proc = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/healthz", log, seconds=30, proc=proc)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return url, proc, config


def start_cluster(root: Path, names: list[str], env: dict[str, str]) -> Cluster:
    """Instances first (each healthy), then the balancer in front of them."""
    instances = start_instances(root, names, env)
    cluster = Cluster("", root, instances, env=env)
    try:
        cluster.url, cluster.haproxy, cluster.config = start_haproxy(root, instances)
    except BaseException:
        cluster.stop()
        raise
    return cluster
