"""deploy/haproxy.cfg as rendered by deploy/render_haproxy.py: valid for HAProxy, sticky for every request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import service_missing
from tests.deploy.cluster import HAPROXY, RENDERER, haproxy_installed, renderer

SERVERS = [("app1", "10.0.0.11:8000"), ("app2", "10.0.0.12:8000"), ("app3", "[fd00::13]:8000")]


class TestRender:
    def test_every_server_has_its_affinity_cookie_and_health_check(self) -> None:
        """One server line per instance, its cookie value its name; checks hit /healthz.

        Not /readyz: its dependencies are shared, so one down would take out every instance.
        """
        text = renderer().render(":80", SERVERS)
        for name, address in SERVERS:
            assert f"    server {name} {address} cookie {name}" in text
        assert "cookie SO_NODE insert indirect nocache httponly\n" in text
        assert "http-check send meth GET uri /healthz" in text
        assert "uri /readyz" not in text
        assert "option redispatch" in text
        assert "timeout tunnel" in text  # websockets outlive the request timeouts
        assert "{{" not in text

    def test_secure_cookie_behind_tls(self) -> None:
        """--secure-cookie marks the affinity cookie Secure."""
        assert "httponly secure\n" in renderer().render(":443", SERVERS[:1], secure_cookie=True)

    @pytest.mark.parametrize(
        ("servers", "message"),
        [
            ([], "at least one app instance"),
            ([("app1", "h:1"), ("app1", "h:2")], "must be unique"),
            ([("app 1", "h:1")], "is the cookie value"),
            ([("app1", "10.0.0.11")], "is not HOST:PORT"),
        ],
    )
    def test_bad_servers_refused(self, servers: list[tuple[str, str]], message: str) -> None:
        """A bad server list is refused with the reason, before HAProxy sees it."""
        with pytest.raises(ValueError, match=message):
            renderer().render(":80", servers)

    def test_command_line(self, tmp_path: Path) -> None:
        """The operator's command prints the configuration; a bad --server exits 2 with the reason."""
        args = [sys.executable, str(RENDERER), "--bind", ":80", "--server", "app1=10.0.0.11:8000"]
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        assert "server app1 10.0.0.11:8000 cookie app1" in done.stdout
        bad = subprocess.run([*args[:-1], "app1"], capture_output=True, text=True, check=False)
        assert bad.returncode == 2 and "NAME=HOST:PORT" in bad.stderr


def test_haproxy_accepts_the_rendered_file(tmp_path: Path) -> None:
    """``haproxy -c`` parses the configuration the guide tells operators to install."""
    if not haproxy_installed():
        service_missing("haproxy", "HAProxy is not installed (make haproxy, or apt-get install -y haproxy)")
    config = tmp_path / "haproxy.cfg"
    config.write_text(renderer().render("127.0.0.1:18443", SERVERS, secure_cookie=True), encoding="utf-8")
    done = subprocess.run([HAPROXY, "-c", "-f", str(config)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
