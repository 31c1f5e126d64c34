"""A micro-batcher for sentence embeddings: concurrent small calls share one model call.

A chat turn that reaches triage's semantic layer embeds one to a few short texts. On CPU a
call for one text costs almost as much as a call for four (the model's weights are read once
per call whatever the batch), so when many patients send at once, embedding each turn's texts
separately spends most of the CPU on that fixed cost. :class:`EmbeddingBatcher` wraps an
embedder: callers (request threads) put their texts on a queue and wait; one worker thread
takes everything queued, embeds the distinct texts in one call and hands each caller its own
rows. Nothing waits for a batch to fill: a caller alone is embedded at once, and callers that
arrive while the model is busy form the next batch. An error in a model call is raised in
every caller of that batch; the worker goes on with the next one.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]


class TextEmbedder(Protocol):
    """What is batched: an embedder giving unit vectors for texts (one row per text)."""

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> Vectors:
        """Embed texts as rows."""
        ...


@dataclass
class _Request:
    texts: list[str]
    future: Future[Vectors] = field(default_factory=Future)


class EmbeddingBatcher:
    """An embedder that coalesces concurrent calls (see the module docstring).

    Args:
        embedder: The model; only the worker thread calls it.
        max_texts: The most texts one model call takes; a call with more (indexing a
            corpus, the triage bank at start-up) and a call that names its own
            ``batch_size`` go to the model directly.
    """

    def __init__(self, embedder: TextEmbedder, max_texts: int = 32) -> None:
        self.embedder = embedder
        self.max_texts = max_texts
        self.path: Any = getattr(embedder, "path", None)  # the model folder, as the embedder has it
        self.fingerprint: Any = getattr(embedder, "fingerprint", None)  # what identifies the model (caches)
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._pid = 0  # the worker belongs to this process (a forked child starts its own)

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> Vectors:
        """Unit vectors for ``texts``, embedded together with whatever other callers sent meanwhile."""
        if not texts or batch_size is not None or len(texts) >= self.max_texts:
            return self.embedder.embed(texts, batch_size)
        request = _Request(list(texts))
        self._started().put(request)
        return request.future.result()

    def _started(self) -> queue.SimpleQueue[_Request]:
        with self._lock:
            if self._pid != os.getpid():
                self._queue, self._pid = queue.SimpleQueue(), os.getpid()
                worker = threading.Thread(
                    target=self._work, args=(self._queue,), name="embedding-batcher", daemon=True
                )
                worker.start()
            return self._queue

    def _work(self, requests: queue.SimpleQueue[_Request]) -> None:
        while True:
            batch = [requests.get()]
            count = len(batch[0].texts)
            while count < self.max_texts:
                try:
                    batch.append(requests.get_nowait())
                except queue.Empty:
                    break
                count += len(batch[-1].texts)
            self._run(batch)

    def _run(self, batch: list[_Request]) -> None:
        distinct = list(dict.fromkeys(t for r in batch for t in r.texts))
        try:
            vectors = self.embedder.embed(distinct)
        except BaseException as e:  # every caller of this batch sees the model's error
            for r in batch:
                r.future.set_exception(e)
            return
        row = {text: i for i, text in enumerate(distinct)}
        for r in batch:
            r.future.set_result(vectors[[row[t] for t in r.texts]])
