"""Render deploy/haproxy.cfg for a set of app instances (standard library only).

The operator's command and the balancer test use this same renderer and template::

    python3 deploy/render_haproxy.py --bind :80 \
        --server app1=10.0.0.11:8000 --server app2=10.0.0.12:8000 > /etc/haproxy/haproxy.cfg
    haproxy -c -f /etc/haproxy/haproxy.cfg

Each server's name is also the value of its affinity cookie (``SO_NODE``), so a browser
pinned to ``app1`` carries ``SO_NODE=app1``. Pass ``--secure-cookie`` when the balancer
terminates TLS, so the affinity cookie is sent over HTTPS only.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name("haproxy.cfg")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_ADDRESS = re.compile(r"^[A-Za-z0-9_.:\[\]-]+:[0-9]{1,5}$")


def render(bind: str, servers: Sequence[tuple[str, str]], *, secure_cookie: bool = False) -> str:
    """The HAProxy configuration for ``servers`` (name, host:port), listening on ``bind``.

    Raises:
        ValueError: no server, a repeated or malformed name, or a malformed address; a bad
            value would otherwise surface as an HAProxy parse error far from its cause.
    """
    if not servers:
        raise ValueError("at least one app instance is needed (--server NAME=HOST:PORT)")
    names = [name for name, _ in servers]
    if len(set(names)) != len(names):
        raise ValueError(f"server names must be unique: {names}")
    lines = []
    for name, address in servers:
        if not _NAME.match(name):
            raise ValueError(
                f"server name {name!r}: use letters, digits, '-' or '_' (it is the cookie value)"
            )
        if not _ADDRESS.match(address):
            raise ValueError(f"server {name}: address {address!r} is not HOST:PORT")
        lines.append(f"    server {name} {address} cookie {name}")
    text = TEMPLATE.read_text(encoding="utf-8")
    return (
        text.replace("{{bind}}", bind)
        .replace("{{cookie_flags}}", " secure" if secure_cookie else "")
        .replace("{{servers}}", "\n".join(lines))
    )


def _server(value: str) -> tuple[str, str]:
    name, sep, address = value.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{value!r} is not NAME=HOST:PORT")
    return name, address


def main(argv: Sequence[str] | None = None) -> int:
    """Print the rendered configuration; exit 2 with the reason on bad arguments."""
    parser = argparse.ArgumentParser(description="Render the HAProxy configuration for the app instances.")
    parser.add_argument("--bind", default=":80", help="address HAProxy listens on (default :80)")
    parser.add_argument("--server", type=_server, action="append", default=[], metavar="NAME=HOST:PORT",
                        help="an app instance; repeat for each")  # fmt: skip
    parser.add_argument("--secure-cookie", action="store_true", help="mark the affinity cookie Secure (TLS)")
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(render(args.bind, args.server, secure_cookie=args.secure_cookie))
    except ValueError as e:
        parser.error(str(e))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
