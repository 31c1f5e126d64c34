"""Readable names of the language models recorded on drafts, for text patients read."""

from __future__ import annotations

import re

_KNOWN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"gemma-?3-?270m", re.I), "Gemma 3 270M (small local model)"),
    (re.compile(r"^mock:", re.I), "a test stand-in model"),
)


def readable_model_name(model_id: str) -> str:
    """'embedded:gemma-3-270m-q4_k_m.gguf@9f2c...' -> 'Gemma 3 270M (small local model)'.

    Unknown ids lose their backend prefix, checksum, server address and file suffix:
    'openai_compatible:Qwen/Qwen2.5-7B-Instruct@http://h:8000/v1' -> 'Qwen2.5 7B Instruct'.
    """
    for pattern, name in _KNOWN:
        if pattern.search(model_id):
            return name
    name = model_id.split("@", 1)[0]
    name = name.split(":", 1)[-1].rsplit("/", 1)[-1]
    name = re.sub(r"\.(gguf|bin|safetensors)$", "", name, flags=re.I)
    name = re.sub(r"[-_.]q\d\w*$", "", name, flags=re.I)
    return " ".join(name.replace("_", " ").replace("-", " ").split()) or "a language model"
