"""`second-opinion llm export-gguf`: the packaged GGUF for a llama.cpp server, and how to use it."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.context import AppContext
from assistant.drafting.gguf import expected_sha256
from assistant.health.checks import llm as llm_check
from assistant.settings import Settings
from imaging.checksums import sha256_file
from tests.assistant.health.conftest import free_port

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The export folder and the command's output."""
    out = tmp_path_factory.mktemp("export")
    port = free_port()
    settings = Settings(environment="test", data_dir=out / "data")
    result = runner.invoke(
        app, ["llm", "export-gguf", str(out / "models"), "--port", str(port)], obj=settings
    )
    assert result.exit_code == 0, result.output
    return out / "models", result.output


class TestExportGGUF:
    def test_writes_the_verified_file(self, exported: tuple[Path, str]) -> None:
        """The GGUF lands in DIR with the package's recorded sha256."""
        folder, _ = exported
        (model,) = folder.glob("*.gguf")
        assert sha256_file(model) == expected_sha256()

    def test_prints_server_command_and_settings(self, exported: tuple[Path, str]) -> None:
        """The exact llama.cpp command and the three settings that point the app at it."""
        folder, output = exported
        (model,) = folder.glob("*.gguf")
        assert f"python -m llama_cpp.server --model {model} --model_alias gemma-3-270m" in output
        assert "SECOND_OPINION_LLM__MODE=openai_compatible" in output
        assert "SECOND_OPINION_LLM__MODEL=gemma-3-270m" in output

    def test_printed_command_serves_the_app(self, exported: tuple[Path, str], tmp_path: Path) -> None:
        """Run the printed command: the server answers and the app's readiness check passes."""
        if importlib_missing("llama_cpp.server.app") or importlib_missing("sse_starlette"):
            pytest.skip("llama-cpp-python[server] is not installed")
        _, output = exported
        line = next(x.strip() for x in output.splitlines() if "llama_cpp.server" in x and "--model" in x)
        argv = [sys.executable, *shlex.split(line)[1:]]
        base = next(
            x.split("=", 1)[1] for x in output.split() if x.startswith("SECOND_OPINION_LLM__BASE_URL=")
        )
        log = tmp_path / "llm-server.log"
        with log.open("wb") as sink:
            server = subprocess.Popen(
                argv, env=dict(os.environ, OMP_NUM_THREADS="1"), stdout=sink, stderr=sink
            )
        try:
            _wait_for(base + "/models", server, log)
            settings = Settings(
                environment="test",
                data_dir=tmp_path / "data",
                llm={"mode": "openai_compatible", "base_url": base, "model": "gemma-3-270m"},  # type: ignore[arg-type]
            )
            assert llm_check(AppContext(settings), 5.0) == "serving gemma-3-270m"
        finally:
            server.terminate()
            server.wait(timeout=30)


def importlib_missing(module: str) -> bool:
    """Whether ``module`` cannot be imported here."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:
        return True


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("the LLM server exited: " + log.read_text(errors="replace")[-2000:])
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    pytest.fail(f"the LLM server did not answer at {url}: " + log.read_text(errors="replace")[-2000:])
