"""Fixtures for readiness: a real ingested knowledge base, free ports, a small HTTP server."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.components import knowledge_config
from assistant.settings import Settings
from tests.knowledge.conftest import chroma_server  # noqa: F401 - re-exported fixture


@pytest.fixture(scope="session")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Chroma store and lexical index holding two starter-pack documents, ingested for real once."""
    from knowledge import pack_path
    from knowledge.retrieval import Retriever

    base = tmp_path_factory.mktemp("knowledge")
    sources = base / "sources"
    sources.mkdir()
    for name in ("asthma.md", "atelectasis.md"):
        shutil.copy(pack_path() / name, sources / name)
    root = base / "chroma"
    settings = Settings(environment="test", knowledge={"chroma_path": root})  # type: ignore[arg-type]
    retriever = Retriever(knowledge_config(settings))
    report = retriever.ingest_paths([sources])
    assert report.chunks_written > 0, report.summary()
    retriever.index.close()
    return root


def free_port() -> int:
    """A TCP port nothing listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Models(BaseHTTPRequestHandler):
    """Answers ``GET /v1/models`` like an OpenAI-compatible server."""

    models: tuple[str, ...] = ("gemma-3-270m",)

    def do_GET(self) -> None:
        if self.path != "/v1/models":
            self.send_error(404)
            return
        body = json.dumps({"object": "list", "data": [{"id": m} for m in self.models]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def models_server() -> Iterator[str]:
    """The base URL (…/v1) of a small real HTTP server listing one model."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Models)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()
