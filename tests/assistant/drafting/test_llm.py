"""Tests for the LLM backends: factory errors, the embedded GGUF and a real local server."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.drafting.errors import LLMConfigurationError, ModelAssetError
from assistant.drafting.llm import (
    EmbeddedLlamaLLM,
    MockLLM,
    build_llm,
    cut_at_stop,
    generate,
    model_id_of,
)
from assistant.settings import LLMSettings

PROMPT = (
    "Patient leaflet.\n\nTopic: Lungs\nFacts:\n[1] The lungs move oxygen into the blood.\n"
    "Explanation: The lungs bring oxygen into the body [1].\n\n"
    "Topic: Pneumonia\nFacts:\n[2] Pneumonia is an infection of the lungs.\nExplanation:"
)
STOP = ["\n\n", "\nTopic:"]


class TestBuildLLM:
    """The factory picks a backend by mode and names what is missing."""

    def test_mock(self) -> None:
        """Mode mock gives the deterministic double."""
        llm = build_llm(LLMSettings(mode="mock"), Path("unused"))
        assert isinstance(llm, MockLLM)
        assert llm.invoke("x") == llm.invoke("y")

    @pytest.mark.parametrize("path", [None, Path("/nonexistent/model-folder")])
    def test_hf_local_missing_path(self, path: Path | None) -> None:
        """hf_local without a model folder fails with the setting to fix."""
        with pytest.raises(LLMConfigurationError, match="SECOND_OPINION_LLM__HF_MODEL_PATH"):
            build_llm(LLMSettings(mode="hf_local", hf_model_path=path), Path("unused"))

    def test_embedded_missing_gguf(self, tmp_path: Path) -> None:
        """A configured GGUF path that does not exist is named in the error."""
        settings = LLMSettings(mode="embedded", gguf_path=tmp_path / "missing.gguf")
        with pytest.raises(ModelAssetError, match=r"missing\.gguf"):
            build_llm(settings, tmp_path)

    def test_openai_needs_model(self) -> None:
        """openai_compatible without a model name is refused."""
        with pytest.raises(LLMConfigurationError, match="SECOND_OPINION_LLM__MODEL"):
            build_llm(LLMSettings(mode="openai_compatible", model=""), Path("unused"))

    @pytest.mark.parametrize(
        ("text", "stop", "expected"),
        [("abc\n\ndef", ["\n\n"], "abc"), ("abc", None, "abc"), ("a|b|c", ["c", "|"], "a")],
    )
    def test_cut_at_stop(self, text: str, stop: list[str] | None, expected: str) -> None:
        """Output is cut at the earliest stop sequence."""
        assert cut_at_stop(text, stop) == expected


@pytest.mark.slow
class TestEmbedded:
    """The packaged base Gemma 3 270M GGUF through llama-cpp-python."""

    def test_generates_and_stops(self, gguf_path: Path) -> None:
        """A completion is produced, bounded, and contains no stop sequence."""
        llm = build_llm(LLMSettings(mode="embedded", gguf_path=gguf_path), gguf_path.parent)
        assert isinstance(llm, EmbeddedLlamaLLM)
        text = generate(llm, PROMPT, stop=STOP, max_tokens=40)
        assert text.strip()
        assert "\n\n" not in text
        assert "\nTopic:" not in text
        assert 0 < llm.last_usage["completion_tokens"] <= 40

    def test_deterministic(self, gguf_path: Path) -> None:
        """The same prompt gives the same text (fixed seed)."""
        llm = build_llm(LLMSettings(mode="embedded", gguf_path=gguf_path), gguf_path.parent)
        first = generate(llm, PROMPT, stop=STOP, max_tokens=24)
        assert generate(llm, PROMPT, stop=STOP, max_tokens=24) == first

    def test_packaged_model_id(self, gguf_path: Path) -> None:
        """Assembling from the package records the file name and digest prefix."""
        llm = build_llm(LLMSettings(mode="embedded"), gguf_path.parent)
        assert model_id_of(llm).startswith("embedded:gemma-3-270m-q4_k_m.gguf@sha256:a5fd3b62")


@pytest.mark.slow
class TestOpenAICompatible:
    """langchain-openai completions against a real llama_cpp.server on loopback."""

    def test_completion_with_stop(self, llama_server: str) -> None:
        """The server answers a completion, honouring stop sequences."""
        settings = LLMSettings(mode="openai_compatible", base_url=llama_server, model="gemma-3-270m")
        llm = build_llm(settings, Path("unused"))
        text = generate(llm, PROMPT, stop=STOP, max_tokens=32)
        assert text.strip()
        assert "\n\n" not in text
        assert model_id_of(llm) == f"openai_compatible:gemma-3-270m@{llama_server}"

    def test_unreachable_server(self) -> None:
        """A server that is not there gives a backend error naming the model."""
        from assistant.drafting.errors import LLMBackendError

        settings = LLMSettings(mode="openai_compatible", base_url="http://127.0.0.1:9/v1", timeout_s=2.0)
        llm = build_llm(settings, Path("unused"))
        with pytest.raises(LLMBackendError, match="openai_compatible:gemma-3-270m"):
            generate(llm, PROMPT, stop=STOP, max_tokens=8)
