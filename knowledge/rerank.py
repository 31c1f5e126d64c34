"""Optional cross-encoder reranking with a sentence-transformers ``CrossEncoder`` from a local path."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.embeddings import offline_quiet
from knowledge.errors import RerankerNotFoundError

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

logger = logging.getLogger(__name__)


class Reranker:
    """Scores (query, passage) pairs jointly; higher is more relevant."""

    def __init__(self, model: CrossEncoder, path: Path) -> None:
        self._model = model
        self.path = path

    def score(self, query: str, passages: Sequence[str], batch_size: int = 32) -> list[float]:
        """Relevance scores of ``passages`` for ``query``, in input order."""
        if not passages:
            return []
        scores = self._model.predict(
            [(query, p) for p in passages], batch_size=batch_size, show_progress_bar=False
        )
        return [float(s) for s in scores]


def load_reranker(path: Path, device: str | None = "cpu") -> Reranker:
    """Load a cross-encoder from a local folder, offline.

    Raises:
        RerankerNotFoundError: The folder does not exist or holds no model config.
    """
    folder = Path(path)
    if not (folder / "config.json").is_file():
        raise RerankerNotFoundError(folder)
    offline_quiet()
    from sentence_transformers import CrossEncoder

    logger.info("loading cross-encoder from %s", folder)
    model = CrossEncoder(str(folder), device=device, local_files_only=True)
    return Reranker(model, folder)
