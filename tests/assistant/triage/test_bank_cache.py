"""The exemplar bank's embeddings on disk: read back for the same model and bank, else rebuilt."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.triage.bank_cache import embed_bank, model_fingerprint
from assistant.triage.engine import Triage
from assistant.triage.semantic import EXEMPLARS_PATH


class CountingEmbedder:
    """A stand-in for the sentence model (the one true edge): hashed unit vectors, texts counted."""

    def __init__(self, fingerprint: str | None = "model-a") -> None:
        self.fingerprint = fingerprint
        self.embedded = 0

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:  # type: ignore[type-arg]
        self.embedded += len(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8)[:16] for t in texts]
        out = np.array(rows, dtype=np.float32).reshape(len(texts), 16) + 1.0
        unit: np.ndarray = out / np.linalg.norm(out, axis=1, keepdims=True)  # type: ignore[type-arg]
        return unit


TEXTS = ["crushing chest pain", "a mild cold", "my lips are blue"]


class TestEmbedBank:
    def test_second_call_reads_the_file(self, tmp_path: Path) -> None:
        """The same model and texts are embedded once; the second call returns the stored vectors."""
        e = CountingEmbedder()
        first = embed_bank(e, TEXTS, tmp_path)
        second = embed_bank(e, TEXTS, tmp_path)
        assert e.embedded == len(TEXTS)
        np.testing.assert_array_equal(first, second)
        assert len(list(tmp_path.glob("triage-exemplars-*.npy"))) == 1

    @pytest.mark.parametrize(
        "changed",
        [
            [*TEXTS, "a new exemplar"],
            ["crushing chest pain", "a mild cold", "my lips are grey"],
            list(reversed(TEXTS)),
        ],
    )
    def test_a_changed_bank_is_embedded_again(self, tmp_path: Path, changed: list[str]) -> None:
        """An added, edited or reordered exemplar gives a new key: embedded again, the old file removed."""
        e = CountingEmbedder()
        embed_bank(e, TEXTS, tmp_path)
        vectors = embed_bank(e, changed, tmp_path)
        assert e.embedded == len(TEXTS) + len(changed)
        np.testing.assert_array_equal(vectors, CountingEmbedder().embed(changed))
        assert len(list(tmp_path.glob("triage-exemplars-*.npy"))) == 1

    def test_another_model_is_embedded_again(self, tmp_path: Path) -> None:
        """A different model fingerprint never reads the first model's vectors."""
        embed_bank(CountingEmbedder("model-a"), TEXTS, tmp_path)
        other = CountingEmbedder("model-b")
        embed_bank(other, TEXTS, tmp_path)
        assert other.embedded == len(TEXTS)

    def test_a_damaged_file_is_replaced(self, tmp_path: Path) -> None:
        """A truncated cache file is ignored, embedded again and written back whole."""
        e = CountingEmbedder()
        embed_bank(e, TEXTS, tmp_path)
        (path,) = tmp_path.glob("triage-exemplars-*.npy")
        path.write_bytes(path.read_bytes()[:40])
        embed_bank(e, TEXTS, tmp_path)
        assert e.embedded == 2 * len(TEXTS)
        embed_bank(e, TEXTS, tmp_path)
        assert e.embedded == 2 * len(TEXTS)

    def test_no_fingerprint_or_folder_means_no_cache(self, tmp_path: Path) -> None:
        """An embedder that names no model, or no cache folder, embeds every time and writes nothing."""
        anonymous = CountingEmbedder(None)
        embed_bank(anonymous, TEXTS, tmp_path)
        embed_bank(anonymous, TEXTS, tmp_path)
        named = CountingEmbedder()
        embed_bank(named, TEXTS, None)
        assert anonymous.embedded == 2 * len(TEXTS) and named.embedded == len(TEXTS)
        assert not list(tmp_path.iterdir())


class TestModelFingerprint:
    def test_a_model_folder_changes_its_fingerprint(self, tmp_path: Path) -> None:
        """Editing the model's configuration, or adding a file, changes the folder's fingerprint."""

        class FolderEmbedder(CountingEmbedder):
            def __init__(self, path: Path) -> None:
                super().__init__(None)
                self.path = path

        (tmp_path / "config.json").write_text('{"hidden_size": 384}', encoding="utf-8")
        e = FolderEmbedder(tmp_path)
        before = model_fingerprint(e)
        (tmp_path / "config.json").write_text('{"hidden_size": 768}', encoding="utf-8")
        edited = model_fingerprint(e)
        (tmp_path / "vocab.txt").write_text("chest\n", encoding="utf-8")
        assert before is not None and len({before, edited, model_fingerprint(e)}) == 3


class TestTriageStart:
    def test_a_second_start_embeds_no_exemplar(self, tmp_path: Path) -> None:
        """Two triages on one data folder: the second embeds nothing at start and decides the same."""
        first_model, second_model = CountingEmbedder(), CountingEmbedder()
        first = Triage(first_model, cache_dir=tmp_path)
        assert first_model.embedded > 300
        second = Triage(second_model, cache_dir=tmp_path)
        assert second_model.embedded == 0
        assert first.semantic is not None and second.semantic is not None
        np.testing.assert_array_equal(first.semantic.vectors, second.semantic.vectors)
        text = "he has gone grey and is holding his breastbone"
        assert first.check(text).as_json() == second.check(text).as_json()

    def test_an_edited_bank_file_is_embedded_again(self, tmp_path: Path) -> None:
        """A bank with one more exemplar is embedded again at the next start."""
        cache = tmp_path / "cache"
        Triage(CountingEmbedder(), cache_dir=cache)
        edited = tmp_path / "exemplars.yaml"
        text = EXEMPLARS_PATH.read_text(encoding="utf-8")
        edited.write_text(text.replace("general:\n", "general:\n  - I would like a copy of my report\n", 1))
        again = CountingEmbedder()
        Triage(again, exemplars_path=edited, cache_dir=cache)
        assert again.embedded > 300
