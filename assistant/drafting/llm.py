"""LLM backends behind one LangChain adapter, chosen by ``settings.llm.mode``.

- ``embedded``: the base Gemma 3 270M GGUF run in-process by llama-cpp-python.
- ``openai_compatible``: any OpenAI-compatible completions server (vLLM, Ollama,
  ``python -m llama_cpp.server``) through langchain-openai's completions client.
- ``hf_local``: a transformers causal LM from a local folder.
- ``mock``: a deterministic double for tests about something else.

Every backend is a LangChain ``BaseLLM``: call ``llm.invoke(prompt, stop=[...])``.
Heavy libraries are imported only when their backend is built.
"""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.llms import LLM, BaseLLM
from pydantic import Field, PrivateAttr

from assistant.drafting.errors import LLMBackendError, LLMConfigurationError, ModelAssetError

if TYPE_CHECKING:
    from assistant.settings import LLMSettings

logger = logging.getLogger(__name__)

DEFAULT_SEED = 1234
_LLAMA_CACHE: dict[tuple[str, int, int | None], Any] = {}
_LLAMA_LOCK = threading.Lock()


def cut_at_stop(text: str, stop: list[str] | None) -> str:
    """Truncate ``text`` at the first occurrence of any stop sequence."""
    if not stop:
        return text
    cut = len(text)
    for seq in stop:
        if seq and (idx := text.find(seq)) != -1:
            cut = min(cut, idx)
    return text[:cut]


def _close_all_llamas() -> None:
    """Free llama.cpp models before interpreter shutdown tears down the modules they need."""
    with _LLAMA_LOCK:
        for model in _LLAMA_CACHE.values():
            model.close()
        _LLAMA_CACHE.clear()


atexit.register(_close_all_llamas)


def _load_llama(path: Path, n_ctx: int, n_threads: int | None) -> Any:
    """Load (once per process) a llama.cpp model."""
    key = (str(path), n_ctx, n_threads)
    with _LLAMA_LOCK:
        if key not in _LLAMA_CACHE:
            try:
                from llama_cpp import Llama
            except ImportError as e:
                raise ImportError(
                    "the embedded LLM needs llama-cpp-python; install with `pip install llama-cpp-python`"
                ) from e
            logger.info("loading embedded LLM from %s", path)
            _LLAMA_CACHE[key] = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                seed=DEFAULT_SEED,
                verbose=False,
            )
        return _LLAMA_CACHE[key]


class EmbeddedLlamaLLM(LLM):
    """A GGUF model run in-process by llama-cpp-python, as a LangChain LLM."""

    model_path: Path
    model_id: str = Field(description="Recorded on drafts, e.g. 'embedded:<file>@<sha256>'.")
    n_ctx: int = 2048
    n_threads: int | None = None
    max_tokens: int = 160
    temperature: float = 0.2
    repeat_penalty: float = 1.15
    seed: int = DEFAULT_SEED
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _last_usage: dict[str, int] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "llama_cpp_embedded"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "n_ctx": self.n_ctx, "temperature": self.temperature}

    @property
    def client(self) -> Any:
        """The underlying ``llama_cpp.Llama`` (loaded on first use)."""
        return _load_llama(self.model_path, self.n_ctx, self.n_threads)

    @property
    def last_usage(self) -> dict[str, int]:
        """Token counts of the most recent call (prompt_tokens, completion_tokens)."""
        return dict(self._last_usage)

    def _call(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,  # noqa: ARG002
        **kwargs: Any,
    ) -> str:
        client = self.client
        with self._lock:
            result = client.create_completion(
                prompt=prompt,
                max_tokens=int(kwargs.get("max_tokens", self.max_tokens)),
                temperature=float(kwargs.get("temperature", self.temperature)),
                repeat_penalty=self.repeat_penalty,
                stop=stop or [],
                seed=self.seed,
            )
        usage = result.get("usage") or {}
        self._last_usage = {k: int(v) for k, v in usage.items() if isinstance(v, int)}
        return cut_at_stop(str(result["choices"][0]["text"]), stop)


class HFLocalLLM(LLM):
    """A transformers causal language model loaded from a local folder."""

    model_path: Path
    model_id: str
    max_tokens: int = 160
    temperature: float = 0.2
    _model: Any = PrivateAttr(default=None)
    _tokenizer: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "hf_local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_id": self.model_id}

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            try:
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError as e:
                raise ImportError(
                    "the hf_local LLM needs transformers; install with `pip install transformers`"
                ) from e
            self._tokenizer = AutoTokenizer.from_pretrained(self.model_path, local_files_only=True)
            self._model = AutoModelForCausalLM.from_pretrained(self.model_path, local_files_only=True)
        return self._model, self._tokenizer

    def _call(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,  # noqa: ARG002
        **kwargs: Any,
    ) -> str:
        model, tokenizer = self._load()
        inputs = tokenizer(prompt, return_tensors="pt").to(model.device)
        temperature = float(kwargs.get("temperature", self.temperature))
        output = model.generate(
            **inputs,
            max_new_tokens=int(kwargs.get("max_tokens", self.max_tokens)),
            do_sample=temperature > 0,
            temperature=temperature if temperature > 0 else None,
        )
        new_tokens = output[0][inputs["input_ids"].shape[1] :]
        return cut_at_stop(str(tokenizer.decode(new_tokens, skip_special_tokens=True)), stop)


class MockLLM(LLM):
    """A deterministic fake: returns ``responses`` in turn (tests only)."""

    responses: list[str] = Field(
        default_factory=lambda: ["This explanation was written by the test language model."]
    )
    model_id: str = "mock:deterministic"
    _calls: int = PrivateAttr(default=0)
    _prompts: list[str] = PrivateAttr(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "mock"

    @property
    def prompts(self) -> list[str]:
        """Every prompt received, in order."""
        return list(self._prompts)

    def _call(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,  # noqa: ARG002
        **kwargs: Any,  # noqa: ARG002
    ) -> str:
        self._prompts.append(prompt)
        response = self.responses[self._calls % len(self.responses)] if self.responses else ""
        self._calls += 1
        return cut_at_stop(response, stop)


def _build_embedded(settings: LLMSettings, models_dir: Path) -> EmbeddedLlamaLLM:
    from assistant.drafting import gguf

    if settings.gguf_path is not None:
        if not settings.gguf_path.is_file():
            raise ModelAssetError(
                f"GGUF file not found at {settings.gguf_path}; fix SECOND_OPINION_LLM__GGUF_PATH "
                "or leave it empty to use the packaged model"
            )
        path = settings.gguf_path
        model_id = f"embedded:{path.name}"
    else:
        path = gguf.ensure_gguf(models_dir)
        model_id = f"embedded:{path.name}@sha256:{gguf.expected_sha256()[:16]}"
    return EmbeddedLlamaLLM(
        model_path=path,
        model_id=model_id,
        n_threads=settings.n_threads,
        temperature=settings.temperature,
    )


def _build_openai(settings: LLMSettings) -> BaseLLM:
    try:
        from langchain_openai import OpenAI
    except ImportError as e:
        raise ImportError(
            "the openai_compatible LLM needs langchain-openai; install with `pip install langchain-openai`"
        ) from e
    if not settings.base_url or not settings.model:
        raise LLMConfigurationError(
            "openai_compatible needs SECOND_OPINION_LLM__BASE_URL and SECOND_OPINION_LLM__MODEL"
        )
    return OpenAI(  # type: ignore[call-arg]
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key,  # type: ignore[arg-type]
        temperature=settings.temperature,
        timeout=settings.timeout_s,
        max_retries=2,
        seed=DEFAULT_SEED,
    )


def build_llm(settings: LLMSettings, models_dir: Path) -> BaseLLM:
    """Build the LangChain LLM that ``settings.mode`` names.

    Args:
        settings: The ``llm`` part of the application settings.
        models_dir: Where assembled model files live (``settings.models_dir``).

    Returns:
        A LangChain LLM; call ``invoke(prompt, stop=[...], max_tokens=N)``.

    Raises:
        ImportError: If the backend's library is not installed (the message says how).
        ModelAssetError: If a model file is missing or corrupt.
        LLMConfigurationError: If a required setting is empty.
    """
    match settings.mode:
        case "embedded":
            return _build_embedded(settings, models_dir)
        case "openai_compatible":
            return _build_openai(settings)
        case "hf_local":
            path = settings.hf_model_path
            if path is None or not path.is_dir():
                raise LLMConfigurationError(
                    f"hf_local needs a transformers model folder; {path} does not exist "
                    "(set SECOND_OPINION_LLM__HF_MODEL_PATH)"
                )
            return HFLocalLLM(
                model_path=path,
                model_id=f"hf_local:{path.name}",
                temperature=settings.temperature,
            )
        case "mock":
            return MockLLM()
    raise LLMConfigurationError(f"unknown LLM mode {settings.mode!r}")


def model_id_of(llm: BaseLLM) -> str:
    """A stable identifier of the model behind ``llm`` for storing on drafts."""
    explicit = getattr(llm, "model_id", None)
    if isinstance(explicit, str) and explicit:
        return explicit
    name = getattr(llm, "model_name", None)
    base = getattr(llm, "openai_api_base", None)
    if name:
        return f"openai_compatible:{name}@{base}" if base else f"openai_compatible:{name}"
    return llm._llm_type


def generate(llm: BaseLLM, prompt: str, *, stop: list[str], max_tokens: int) -> str:
    """Run one completion, turning backend failures into :class:`LLMBackendError`.

    Args:
        llm: Any backend from :func:`build_llm`.
        prompt: The rendered prompt.
        stop: Stop sequences (the output is also cut at them here).
        max_tokens: Upper bound of generated tokens.

    Returns:
        The generated continuation, cut at the first stop sequence.
    """
    try:
        text = llm.invoke(prompt, stop=stop, max_tokens=max_tokens)
    except (ImportError, ModelAssetError, LLMConfigurationError):
        raise
    except Exception as e:  # a backend's own errors vary (HTTP, runtime, OOM)
        raise LLMBackendError(f"{model_id_of(llm)} failed: {type(e).__name__}: {e}") from e
    return cut_at_stop(str(text), stop)
